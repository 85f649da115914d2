/*
 * kube/yaml.h - YAML text to a cJSON tree, for kubeconfig files and CRDs
 * (an adapter over util/doc.h, which defines the scalar rules).
 *
 * Plain scalars resolve like the YAML 1.2 core schema (null, true/false,
 * integers, floats; anything else is a string); quoted and block scalars
 * stay strings. Anchors and aliases are supported; merge keys ("<<") are
 * not. Nesting deeper than 256 levels is refused (hostile input).
 * Thread-safe (no shared state).
 */
#ifndef FS_KUBE_YAML_H
#define FS_KUBE_YAML_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Parse every document of `text` into a cJSON array (one element per
 * document; an empty stream gives an empty array). `name` names the input
 * in messages (a file name; NULL means "<input>"). On failure returns NULL
 * and sets *err to "name:line:col: what went wrong" (caller frees). The
 * result is the caller's (cJSON_Delete). */
cJSON *fs_kube_yaml_parse(const char *text, size_t len, const char *name,
			  char **err);

/* Read a whole file (at most 64 MiB) into a NUL-terminated buffer; caller
 * frees. NULL with *err set on failure. */
char *fs_kube_read_file(const char *path, size_t *len, char **err);

#endif
