/*
 * ops/yaml_out.h - a small deterministic YAML writer for cJSON trees, in the
 * style of `kubectl get -o yaml`: two-space indent, sequences at the indent
 * of their key, strings plain unless YAML would read them as something else
 * (then double-quoted with JSON escapes). Keys are written in tree order:
 * call fs_ops_sort_keys() (ops/object.h) first for canonical output.
 */
#ifndef FS_OPS_YAML_OUT_H
#define FS_OPS_YAML_OUT_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "util/buf.h"

/* Append v as one YAML document body (no "---") to b. */
void fs_ops_yaml_write(struct fs_buf *b, const cJSON *v);
/* true when s can be written as a plain scalar and reads back as that
 * string */
bool fs_ops_yaml_plain_ok(const char *s);

#endif
