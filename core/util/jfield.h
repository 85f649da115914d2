/*
 * util/jfield.h - reading fields of Kubernetes objects held as cJSON trees:
 * one spelling for the lookups every controller and decoder makes. Keys
 * are case-sensitive, as in the API. Results are borrowed from the tree;
 * NULL when the field is absent or of another type (NULL trees are fine).
 */
#ifndef FS_UTIL_JFIELD_H
#define FS_UTIL_JFIELD_H

#include <cjson/cJSON.h>

static inline const cJSON *
fs_jget(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* o.a.b */
static inline const cJSON *
fs_jget2(const cJSON *o, const char *a, const char *b)
{
	return fs_jget(fs_jget(o, a), b);
}

static inline const char *
fs_jstr(const cJSON *o, const char *key)
{
	const cJSON *v = fs_jget(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* metadata.<key> as a string ("name", "namespace", "resourceVersion") */
static inline const char *
fs_jmeta(const cJSON *o, const char *key)
{
	return fs_jstr(fs_jget(o, "metadata"), key);
}

/* metadata.annotations[key] */
static inline const char *
fs_jannotation(const cJSON *o, const char *key)
{
	return fs_jstr(fs_jget2(o, "metadata", "annotations"), key);
}

#endif
