/*
 * testapi/patch.c - merge patch and JSON patch (see patch.h).
 */
#include "patch.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

void
ta_merge_patch(cJSON **target, const cJSON *patch)
{
	if (!cJSON_IsObject(patch)) {
		cJSON_Delete(*target);
		*target = cJSON_Duplicate(patch, true);
		return;
	}
	if (!cJSON_IsObject(*target)) {
		cJSON_Delete(*target);
		*target = cJSON_CreateObject();
	}
	const cJSON *p;
	cJSON_ArrayForEach(p, patch)
	{
		if (cJSON_IsNull(p)) {
			cJSON_DeleteItemFromObjectCaseSensitive(*target, p->string);
			continue;
		}
		cJSON *cur = cJSON_DetachItemFromObjectCaseSensitive(*target, p->string);
		ta_merge_patch(&cur, p);
		cJSON_AddItemToObject(*target, p->string, cur);
	}
}

static char *
patch_err(const char *fmt, const char *a, size_t i)
{
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "json patch operation %zu: ", i);
	fs_buf_printf(&b, fmt, a);
	return fs_buf_detach(&b);
}

/* split a JSON pointer into its last token and the parent; returns the
 * parent node or NULL. *tok is a new string (caller frees). */
static cJSON *
ptr_parent(cJSON *root, const char *ptr, char **tok)
{
	*tok = NULL;
	if (ptr[0] != '/')
		return NULL;
	cJSON *cur = root;
	const char *p = ptr + 1;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		struct fs_buf t = FS_BUF_INIT;
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '~' && i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1')) {
				fs_buf_addc(&t, p[i + 1] == '0' ? '~' : '/');
				i++;
			} else {
				fs_buf_addc(&t, p[i]);
			}
		}
		if (!slash) {
			*tok = fs_buf_detach(&t);
			return cur;
		}
		cJSON *next = NULL;
		if (cJSON_IsObject(cur)) {
			next = cJSON_GetObjectItemCaseSensitive(cur, t.data);
		} else if (cJSON_IsArray(cur)) {
			char *end;
			long idx = strtol(t.data, &end, 10);
			if (!*end && t.len && idx >= 0)
				next = cJSON_GetArrayItem(cur, (int)idx);
		}
		fs_buf_release(&t);
		if (!next)
			return NULL;
		cur = next;
		p = slash + 1;
	}
}

static bool
arr_index(const cJSON *arr, const char *tok, bool for_add, int *out)
{
	int n = cJSON_GetArraySize(arr);
	if (for_add && !strcmp(tok, "-")) {
		*out = n;
		return true;
	}
	char *end;
	long idx = strtol(tok, &end, 10);
	if (*end || !tok[0] || idx < 0 || idx > n - (for_add ? 0 : 1))
		return false;
	*out = (int)idx;
	return true;
}

static cJSON *
ptr_get(cJSON *root, const char *ptr)
{
	if (!ptr[0])
		return root;
	char *tok;
	cJSON *parent = ptr_parent(root, ptr, &tok);
	cJSON *v = NULL;
	int i;
	if (parent && cJSON_IsObject(parent))
		v = cJSON_GetObjectItemCaseSensitive(parent, tok);
	else if (parent && cJSON_IsArray(parent) && arr_index(parent, tok, false, &i))
		v = cJSON_GetArrayItem(parent, i);
	free(tok);
	return v;
}

static cJSON *
ptr_detach(cJSON *root, const char *ptr)
{
	char *tok;
	cJSON *parent = ptr_parent(root, ptr, &tok);
	cJSON *v = NULL;
	int i;
	if (parent && cJSON_IsObject(parent))
		v = cJSON_DetachItemFromObjectCaseSensitive(parent, tok);
	else if (parent && cJSON_IsArray(parent) && arr_index(parent, tok, false, &i))
		v = cJSON_DetachItemFromArray(parent, i);
	free(tok);
	return v;
}

/* takes v */
static bool
ptr_add(cJSON **root, const char *ptr, cJSON *v, bool replace)
{
	if (!ptr[0]) {
		cJSON_Delete(*root);
		*root = v;
		return true;
	}
	char *tok;
	cJSON *parent = ptr_parent(*root, ptr, &tok);
	bool ok = false;
	int i;
	if (parent && cJSON_IsObject(parent)) {
		if (replace && !cJSON_GetObjectItemCaseSensitive(parent, tok))
			goto out;
		cJSON_DeleteItemFromObjectCaseSensitive(parent, tok);
		cJSON_AddItemToObject(parent, tok, v);
		ok = true;
	} else if (parent && cJSON_IsArray(parent) &&
		   arr_index(parent, tok, !replace, &i)) {
		if (replace)
			ok = cJSON_ReplaceItemInArray(parent, i, v);
		else if (i == cJSON_GetArraySize(parent))
			ok = cJSON_AddItemToArray(parent, v);
		else
			ok = cJSON_InsertItemInArray(parent, i, v);
	}
out:
	free(tok);
	if (!ok)
		cJSON_Delete(v);
	return ok;
}

char *
ta_json_patch(cJSON **target, const cJSON *ops)
{
	if (!cJSON_IsArray(ops))
		return fs_xstrdup("json patch: expected an array of operations");
	cJSON *doc = cJSON_Duplicate(*target, true);
	size_t i = 0;
	const cJSON *op;
	char *err = NULL;
	cJSON_ArrayForEach(op, ops)
	{
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(op, "op");
		const cJSON *path = cJSON_GetObjectItemCaseSensitive(op, "path");
		const cJSON *from = cJSON_GetObjectItemCaseSensitive(op, "from");
		const cJSON *value = cJSON_GetObjectItemCaseSensitive(op, "value");
		if (!cJSON_IsString(o) || !cJSON_IsString(path)) {
			err = patch_err("%s", "expected \"op\" and \"path\" strings", i);
			break;
		}
		const char *name = o->valuestring, *p = path->valuestring;
		if (!strcmp(name, "add") || !strcmp(name, "replace")) {
			if (!value) {
				err = patch_err("%s: missing \"value\"", name, i);
				break;
			}
			if (!ptr_add(&doc, p, cJSON_Duplicate(value, true),
				     name[0] == 'r')) {
				err = patch_err("path %s does not exist", p, i);
				break;
			}
		} else if (!strcmp(name, "remove")) {
			cJSON *v = ptr_detach(doc, p);
			if (!v) {
				err = patch_err("path %s does not exist", p, i);
				break;
			}
			cJSON_Delete(v);
		} else if (!strcmp(name, "move") || !strcmp(name, "copy")) {
			if (!cJSON_IsString(from)) {
				err = patch_err("%s: missing \"from\"", name, i);
				break;
			}
			cJSON *v = name[0] == 'm' ? ptr_detach(doc, from->valuestring)
						  : cJSON_Duplicate(ptr_get(doc, from->valuestring), true);
			if (!v || !ptr_add(&doc, p, v, false)) {
				err = patch_err("path %s does not exist", v ? p : from->valuestring, i);
				break;
			}
		} else if (!strcmp(name, "test")) {
			const cJSON *v = ptr_get(doc, p);
			if (!v || !value || !cJSON_Compare(v, value, true)) {
				err = patch_err("test failed at %s", p, i);
				break;
			}
		} else {
			err = patch_err("unknown op \"%s\"", name, i);
			break;
		}
		i++;
	}
	if (err) {
		cJSON_Delete(doc);
		return err;
	}
	cJSON_Delete(*target);
	*target = doc;
	return NULL;
}
