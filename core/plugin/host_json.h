/*
 * plugin/host_json.h - the host's json_* services: struct fs_json is a
 * cJSON node inside the host. Core code converts with FS_JSON()/FS_CJSON().
 */
#ifndef FS_PLUGIN_HOST_JSON_H
#define FS_PLUGIN_HOST_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <fedstate/json.h>

#define FS_JSON(c) ((struct fs_json *)(c))
#define FS_CJSON(j) ((cJSON *)(j))
#define FS_CCJSON(j) ((const cJSON *)(j))

struct fs_json *fs_hjson_parse(const char *text, size_t len, char *err, size_t errlen);
char *fs_hjson_print(const struct fs_json *v, bool pretty);
void fs_hjson_free(struct fs_json *v);
enum fs_json_type fs_hjson_type(const struct fs_json *v);
const struct fs_json *fs_hjson_get(const struct fs_json *v, const char *key);
/* member `key` of object v, writable (borrowed from v); NULL when v is no
 * object, key is NULL or absent (host->json_get_mut, ABI 1.1) */
struct fs_json *fs_hjson_get_mut(struct fs_json *v, const char *key);
const struct fs_json *fs_hjson_path(const struct fs_json *v, const char *path);
const char *fs_hjson_string(const struct fs_json *v);
bool fs_hjson_int(const struct fs_json *v, int64_t *out);
bool fs_hjson_double(const struct fs_json *v, double *out);
bool fs_hjson_bool(const struct fs_json *v, bool *out);
size_t fs_hjson_size(const struct fs_json *v);
const struct fs_json *fs_hjson_at(const struct fs_json *v, size_t i);
const char *fs_hjson_key_at(const struct fs_json *v, size_t i);
struct fs_json *fs_hjson_new(enum fs_json_type type);
struct fs_json *fs_hjson_new_string(const char *s);
struct fs_json *fs_hjson_new_int(int64_t n);
struct fs_json *fs_hjson_new_double(double d);
bool fs_hjson_set(struct fs_json *obj, const char *key, struct fs_json *child);
bool fs_hjson_append(struct fs_json *arr, struct fs_json *child);
bool fs_hjson_remove(struct fs_json *obj, const char *key);
struct fs_json *fs_hjson_dup(const struct fs_json *v);
bool fs_hjson_equal(const struct fs_json *a, const struct fs_json *b);

#endif
