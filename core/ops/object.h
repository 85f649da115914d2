/*
 * ops/object.h - small helpers over Kubernetes objects held as cJSON:
 * identity (apiVersion, kind, namespace, name), ordering and canonical key
 * order, so rendered output is byte-identical for equal inputs.
 */
#ifndef FS_OPS_OBJECT_H
#define FS_OPS_OBJECT_H

#include <stdbool.h>

#include <cjson/cJSON.h>

/* Borrowed strings of one object; ns is NULL when metadata.namespace is
 * unset. */
struct fs_ops_ref {
	const char *api_version;
	const char *kind;
	const char *ns;
	const char *name;
};

/* false when obj lacks a string apiVersion, kind or metadata.name */
bool fs_ops_ref_of(const cJSON *obj, struct fs_ops_ref *out);
/* same apiVersion, kind and name (namespace is not compared) */
bool fs_ops_ref_same(const struct fs_ops_ref *a, const struct fs_ops_ref *b);
/* order by apiVersion, kind, namespace, name (strcmp each) */
int fs_ops_ref_cmp(const struct fs_ops_ref *a, const struct fs_ops_ref *b);

/* Sort an array of objects in place by fs_ops_ref_cmp (objects without a
 * ref go last, in their original order). Stable. */
void fs_ops_sort_objects(cJSON *arr);
/* Sort the keys of every object in the tree, byte order, recursively. */
void fs_ops_sort_keys(cJSON *v);

/* metadata.labels[key] when it is a string, else NULL; borrowed */
const char *fs_ops_label(const cJSON *obj, const char *key);

#endif
