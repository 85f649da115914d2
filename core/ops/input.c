/*
 * ops/input.c - objects from files (see input.h).
 */
#include "ops/input.h"

#include <string.h>

#include "util/doc.h"

static bool
is_list(const cJSON *doc)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(doc, "kind");
	size_t n = cJSON_IsString(k) ? strlen(k->valuestring) : 0;
	return n >= 4 && strcmp(k->valuestring + n - 4, "List") == 0 &&
	       cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc, "items"));
}

static bool
add(const struct fs_docset *ds, const char *path, cJSON *arr, const cJSON *o,
    const char *where, size_t i, struct fs_diags *d)
{
	if (cJSON_IsObject(o)) {
		cJSON_AddItemToArray(arr, cJSON_Duplicate(o, 1));
		return true;
	}
	unsigned line = 0, col = 0;
	fs_docset_pos(ds, o, &line, &col);
	char p[64];
	snprintf(p, sizeof p, "%s[%zu]", where, i);
	fs_diags_add(d, FS_DIAG_ERROR, path, line, col, p,
		     "expected a Kubernetes object (mapping), got %s",
		     fs_doc_type_name(o));
	return false;
}

enum fs_code
fs_ops_load_objects(const char *path, cJSON **out, struct fs_diags *d)
{
	*out = NULL;
	struct fs_docset *ds;
	enum fs_code code = fs_docset_load_file(&ds, path, d);
	if (code != FS_OK)
		return code;
	cJSON *arr = cJSON_CreateArray();
	bool ok = true;
	for (size_t i = 0; i < fs_docset_count(ds); i++) {
		const cJSON *doc = fs_docset_doc(ds, i);
		if (!is_list(doc)) {
			ok = add(ds, path, arr, doc, "document", i, d) && ok;
			continue;
		}
		size_t j = 0;
		const cJSON *it;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "items"))
			ok = add(ds, path, arr, it, "items", j++, d) && ok;
	}
	fs_docset_free(ds);
	if (!ok) {
		cJSON_Delete(arr);
		return FS_E_INVAL;
	}
	*out = arr;
	return FS_OK;
}
