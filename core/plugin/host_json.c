/* plugin/host_json.c - the json_* host services over cJSON (see host.h) */
#include "plugin/host_json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/doc.h"

struct fs_json *
fs_hjson_parse(const char *text, size_t len, char *err, size_t errlen)
{
	const char *end = NULL;
	cJSON *c = text ? cJSON_ParseWithLengthOpts(text, len, &end, 0) : NULL;
	if (!c && err && errlen) {
		size_t off = end && text ? (size_t)(end - text) : 0;
		snprintf(err, errlen, "invalid json at byte %zu", off);
	}
	return FS_JSON(c);
}

char *
fs_hjson_print(const struct fs_json *v, bool pretty)
{
	if (!v)
		return NULL;
	return pretty ? cJSON_Print(FS_CCJSON(v)) : cJSON_PrintUnformatted(FS_CCJSON(v));
}

void
fs_hjson_free(struct fs_json *v)
{
	cJSON_Delete(FS_CJSON(v));
}

enum fs_json_type
fs_hjson_type(const struct fs_json *v)
{
	const cJSON *c = FS_CCJSON(v);
	if (!c)
		return FS_JSON_INVALID;
	switch (c->type & 0xff) {
	case cJSON_NULL: return FS_JSON_NULL;
	case cJSON_False: return FS_JSON_FALSE;
	case cJSON_True: return FS_JSON_TRUE;
	case cJSON_Number: return FS_JSON_NUMBER;
	case cJSON_String: return FS_JSON_STRING;
	case cJSON_Array: return FS_JSON_ARRAY;
	case cJSON_Object: return FS_JSON_OBJECT;
	case cJSON_Raw: return FS_JSON_NUMBER;
	}
	return FS_JSON_INVALID;
}

const struct fs_json *
fs_hjson_get(const struct fs_json *v, const char *key)
{
	const cJSON *c = FS_CCJSON(v);
	if (!cJSON_IsObject(c) || !key)
		return NULL;
	return FS_JSON(cJSON_GetObjectItemCaseSensitive(c, key));
}

const struct fs_json *
fs_hjson_path(const struct fs_json *v, const char *path)
{
	const cJSON *c = FS_CCJSON(v);
	char key[256];
	while (c && path && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof key)
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (cJSON_IsArray(c)) {
			char *endp;
			long i = strtol(key, &endp, 10);
			if (*endp || i < 0)
				return NULL;
			c = cJSON_GetArrayItem(c, (int)i);
		} else {
			c = cJSON_IsObject(c) ? cJSON_GetObjectItemCaseSensitive(c, key) : NULL;
		}
		path = dot ? dot + 1 : NULL;
	}
	return FS_JSON(c);
}

const char *
fs_hjson_string(const struct fs_json *v)
{
	const cJSON *c = FS_CCJSON(v);
	return cJSON_IsString(c) ? c->valuestring : NULL;
}

/* a raw node holds the digits of an integer too large for a double */
static bool
raw_int(const cJSON *c, int64_t *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(c->valuestring, &end, 10);
	if (*end || errno || end == c->valuestring)
		return false;
	*out = n;
	return true;
}

bool
fs_hjson_int(const struct fs_json *v, int64_t *out)
{
	const cJSON *c = FS_CCJSON(v);
	if (cJSON_IsRaw(c))
		return raw_int(c, out);
	/* numbers from the document loader keep their digits: read those */
	return fs_doc_int(c, out) == FS_OK;
}

bool
fs_hjson_double(const struct fs_json *v, double *out)
{
	const cJSON *c = FS_CCJSON(v);
	if (cJSON_IsRaw(c)) {
		int64_t n;
		if (!raw_int(c, &n))
			return false;
		*out = (double)n;
		return true;
	}
	if (!cJSON_IsNumber(c))
		return false;
	*out = c->valuedouble;
	return true;
}

bool
fs_hjson_bool(const struct fs_json *v, bool *out)
{
	const cJSON *c = FS_CCJSON(v);
	if (!cJSON_IsBool(c))
		return false;
	*out = cJSON_IsTrue(c);
	return true;
}

size_t
fs_hjson_size(const struct fs_json *v)
{
	const cJSON *c = FS_CCJSON(v);
	if (!cJSON_IsArray(c) && !cJSON_IsObject(c))
		return 0;
	return (size_t)cJSON_GetArraySize(c);
}

const struct fs_json *
fs_hjson_at(const struct fs_json *v, size_t i)
{
	const cJSON *c = FS_CCJSON(v);
	if (!cJSON_IsArray(c) && !cJSON_IsObject(c))
		return NULL;
	const cJSON *it = c->child;
	while (it && i--)
		it = it->next;
	return FS_JSON(it);
}

const char *
fs_hjson_key_at(const struct fs_json *v, size_t i)
{
	const cJSON *c = FS_CCJSON(v);
	if (!cJSON_IsObject(c))
		return NULL;
	const cJSON *it = FS_CCJSON(fs_hjson_at(v, i));
	return it ? it->string : NULL;
}

struct fs_json *
fs_hjson_new(enum fs_json_type type)
{
	switch (type) {
	case FS_JSON_NULL: return FS_JSON(cJSON_CreateNull());
	case FS_JSON_FALSE: return FS_JSON(cJSON_CreateFalse());
	case FS_JSON_TRUE: return FS_JSON(cJSON_CreateTrue());
	case FS_JSON_NUMBER: return FS_JSON(cJSON_CreateNumber(0));
	case FS_JSON_STRING: return FS_JSON(cJSON_CreateString(""));
	case FS_JSON_ARRAY: return FS_JSON(cJSON_CreateArray());
	case FS_JSON_OBJECT: return FS_JSON(cJSON_CreateObject());
	case FS_JSON_INVALID: break;
	}
	return NULL;
}

struct fs_json *
fs_hjson_new_string(const char *s)
{
	return s ? FS_JSON(cJSON_CreateString(s)) : NULL;
}

struct fs_json *
fs_hjson_new_int(int64_t n)
{
	if (n > 9007199254740992LL || n < -9007199254740992LL) {
		/* beyond a double's exact range: a raw number prints exactly */
		char buf[24];
		snprintf(buf, sizeof buf, "%lld", (long long)n);
		return FS_JSON(cJSON_CreateRaw(buf));
	}
	return FS_JSON(cJSON_CreateNumber((double)n));
}

struct fs_json *
fs_hjson_new_double(double d)
{
	return FS_JSON(cJSON_CreateNumber(d));
}

bool
fs_hjson_set(struct fs_json *obj, const char *key, struct fs_json *child)
{
	cJSON *o = FS_CJSON(obj);
	if (!child)
		return false;
	if (!cJSON_IsObject(o) || !key) {
		cJSON_Delete(FS_CJSON(child));
		return false;
	}
	if (cJSON_HasObjectItem(o, key))
		return cJSON_ReplaceItemInObjectCaseSensitive(o, key, FS_CJSON(child));
	return cJSON_AddItemToObject(o, key, FS_CJSON(child));
}

bool
fs_hjson_append(struct fs_json *arr, struct fs_json *child)
{
	cJSON *a = FS_CJSON(arr);
	if (!child)
		return false;
	if (!cJSON_IsArray(a)) {
		cJSON_Delete(FS_CJSON(child));
		return false;
	}
	return cJSON_AddItemToArray(a, FS_CJSON(child));
}

bool
fs_hjson_remove(struct fs_json *obj, const char *key)
{
	cJSON *o = FS_CJSON(obj);
	if (!cJSON_IsObject(o) || !key || !cJSON_HasObjectItem(o, key))
		return false;
	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	return true;
}

struct fs_json *
fs_hjson_dup(const struct fs_json *v)
{
	return v ? FS_JSON(cJSON_Duplicate(FS_CCJSON(v), 1)) : NULL;
}

bool
fs_hjson_equal(const struct fs_json *a, const struct fs_json *b)
{
	if (!a || !b)
		return a == b;
	return cJSON_Compare(FS_CCJSON(a), FS_CCJSON(b), 1);
}

struct fs_json *
fs_hjson_get_mut(struct fs_json *v, const char *key)
{
	cJSON *c = FS_CJSON(v);
	if (!cJSON_IsObject(c) || !key)
		return NULL;
	return FS_JSON(cJSON_GetObjectItemCaseSensitive(c, key));
}
