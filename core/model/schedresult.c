/*
 * model/schedresult.c - encoding and decoding the schedulerResult
 * annotation (see schedresult.h).
 */
#include "model/schedresult.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"

#define SHAPE_HINT                                                             \
	"expected {\"ClusterWithReplicaset\":[{\"cluster\":\"<name>\","       \
	"\"replicaset\":<n>}]}"

static const char *
type_name(const cJSON *v)
{
	if (!v)
		return "nothing";
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsNumber(v))
		return "number";
	if (cJSON_IsBool(v))
		return "boolean";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsArray(v))
		return "array";
	return "object";
}

/* one entry -> {"cluster","replicas","arbiter"}; NULL and err on failure */
static cJSON *
decode_entry(const char *what, const char *list, size_t i, const cJSON *e,
	     char *err, size_t errlen)
{
	if (!cJSON_IsObject(e)) {
		snprintf(err, errlen, "%s: %s[%zu]: expected object, got %s",
			 what, list, i, type_name(e));
		return NULL;
	}
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "cluster");
	if (!cJSON_IsString(name) || !*name->valuestring) {
		snprintf(err, errlen,
			 "%s: %s[%zu].cluster: expected non-empty string, got %s",
			 what, list, i, type_name(name));
		return NULL;
	}
	const char *rkey = "replicaset";
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, rkey);
	if (!n && cJSON_GetObjectItemCaseSensitive(e, "replicas")) {
		rkey = "replicas";
		n = cJSON_GetObjectItemCaseSensitive(e, rkey);
	}
	double d = cJSON_IsNumber(n) ? n->valuedouble : -1;
	if (!cJSON_IsNumber(n) || d < 0 || d > INT32_MAX || floor(d) != d) {
		if (cJSON_IsNumber(n))
			snprintf(err, errlen,
				 "%s: %s[%zu].%s: expected integer 0..%d, got %g",
				 what, list, i, rkey, INT32_MAX, d);
		else if (cJSON_IsString(n))
			snprintf(err, errlen,
				 "%s: %s[%zu].%s: expected integer, got string "
				 "\"%.40s\"",
				 what, list, i, rkey, n->valuestring);
		else
			snprintf(err, errlen,
				 "%s: %s[%zu].%s: expected integer, got %s", what,
				 list, i, rkey, type_name(n));
		return NULL;
	}
	const cJSON *arb = cJSON_GetObjectItemCaseSensitive(e, "arbiter");
	if (arb && !cJSON_IsBool(arb) && !cJSON_IsNull(arb)) {
		snprintf(err, errlen, "%s: %s[%zu].arbiter: expected boolean, got %s",
			 what, list, i, type_name(arb));
		return NULL;
	}
	cJSON *out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "cluster", name->valuestring);
	cJSON_AddNumberToObject(out, "replicas", d);
	cJSON_AddBoolToObject(out, "arbiter", cJSON_IsTrue(arb));
	return out;
}

cJSON *
fs_schedresult_encode(const struct fs_assignment *targets, uint32_t n)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *list = cJSON_AddArrayToObject(root, "ClusterWithReplicaset");
	for (uint32_t i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "cluster", targets[i].cluster->name);
		cJSON_AddNumberToObject(e, "replicaset", targets[i].replicas);
		if (targets[i].arbiter)
			cJSON_AddTrueToObject(e, "arbiter");
		cJSON_AddItemToArray(list, e);
	}
	return root;
}

char *
fs_schedresult_format(const struct fs_assignment *targets, uint32_t n)
{
	cJSON *root = fs_schedresult_encode(targets, n);
	char *s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return s;
}

enum fs_code
fs_schedresult_parse(const char *what, const char *text, size_t len,
		     cJSON **out, char *err, size_t errlen)
{
	*out = NULL;
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!root) {
		size_t off = end && end >= text ? (size_t)(end - text) : 0;
		if (off > len)
			off = len;
		size_t show = len - off < 20 ? len - off : 20;
		snprintf(err, errlen,
			 "%s: invalid JSON at offset %zu (near \"%.*s\"); hint: "
			 SHAPE_HINT,
			 what, off, (int)show, text + off);
		return FS_E_PARSE;
	}
	const char *list = "ClusterWithReplicaset";
	const cJSON *arr = root;
	if (!cJSON_IsArray(root)) {
		arr = cJSON_GetObjectItemCaseSensitive(root, list);
		if (!cJSON_IsArray(arr)) {
			snprintf(err, errlen, "%s: %s: expected array, got %s; hint: "
				 SHAPE_HINT, what, list, type_name(arr));
			cJSON_Delete(root);
			return FS_E_INVAL;
		}
	} else {
		list = "placement";
	}
	cJSON *res = cJSON_CreateArray();
	size_t i = 0;
	const cJSON *e;
	enum fs_code code = FS_OK;
	cJSON_ArrayForEach(e, arr)
	{
		cJSON *d = decode_entry(what, list, i, e, err, errlen);
		if (!d) {
			code = FS_E_INVAL;
			break;
		}
		const char *name =
			cJSON_GetObjectItemCaseSensitive(d, "cluster")->valuestring;
		const cJSON *prev;
		cJSON_ArrayForEach(prev, res)
		{
			if (strcmp(cJSON_GetObjectItemCaseSensitive(prev, "cluster")
					   ->valuestring,
				   name) == 0) {
				snprintf(err, errlen,
					 "%s: %s[%zu].cluster: \"%s\" is listed "
					 "twice",
					 what, list, i, name);
				code = FS_E_EXISTS;
			}
		}
		if (code != FS_OK) {
			cJSON_Delete(d);
			break;
		}
		cJSON_AddItemToArray(res, d);
		i++;
	}
	cJSON_Delete(root);
	if (code != FS_OK) {
		cJSON_Delete(res);
		return code;
	}
	*out = res;
	return FS_OK;
}

enum fs_code
fs_schedresult_of(const cJSON *obj, cJSON **out, char *err, size_t errlen)
{
	*out = NULL;
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(meta, "annotations");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ann, FS_ANNOTATION_SCHEDULER_RESULT);
	if (!v) {
		snprintf(err, errlen,
			 "metadata.annotations.%s: not set (the object is not "
			 "scheduled yet); hint: pass --placement",
			 FS_ANNOTATION_SCHEDULER_RESULT);
		return FS_E_NOTFOUND;
	}
	if (!cJSON_IsString(v)) {
		snprintf(err, errlen,
			 "metadata.annotations.%s: expected string, got %s",
			 FS_ANNOTATION_SCHEDULER_RESULT, type_name(v));
		return FS_E_INVAL;
	}
	return fs_schedresult_parse("metadata.annotations." FS_ANNOTATION_SCHEDULER_RESULT,
				      v->valuestring, strlen(v->valuestring),
				      out, err, errlen);
}
