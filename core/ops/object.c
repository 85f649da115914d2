/*
 * ops/object.c - identity, ordering and canonical key order of objects.
 */
#include "ops/object.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/jfield.h"

bool
fs_ops_ref_of(const cJSON *obj, struct fs_ops_ref *out)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	out->api_version = fs_jstr(obj, "apiVersion");
	out->kind = fs_jstr(obj, "kind");
	out->name = fs_jstr(meta, "name");
	out->ns = fs_jstr(meta, "namespace");
	return out->api_version && out->kind && out->name;
}

bool
fs_ops_ref_same(const struct fs_ops_ref *a, const struct fs_ops_ref *b)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->kind, b->kind) == 0 &&
	       strcmp(a->api_version, b->api_version) == 0;
}

int
fs_ops_ref_cmp(const struct fs_ops_ref *a, const struct fs_ops_ref *b)
{
	int c = strcmp(a->api_version, b->api_version);
	if (!c)
		c = strcmp(a->kind, b->kind);
	if (!c)
		c = strcmp(a->ns ? a->ns : "", b->ns ? b->ns : "");
	if (!c)
		c = strcmp(a->name, b->name);
	return c;
}

struct slot {
	cJSON *item;
	size_t pos;
	bool has_ref;
	struct fs_ops_ref ref;
};

static int
slot_cmp(const void *pa, const void *pb)
{
	const struct slot *a = pa, *b = pb;
	if (a->has_ref != b->has_ref)
		return a->has_ref ? -1 : 1;
	int c = a->has_ref ? fs_ops_ref_cmp(&a->ref, &b->ref) : 0;
	if (c)
		return c;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* detach every child of a container into a vector */
static struct slot *
detach_all(cJSON *v, size_t *n_out)
{
	size_t n = (size_t)cJSON_GetArraySize(v);
	struct slot *s = fs_xcalloc(n ? n : 1, sizeof *s);
	for (size_t i = 0; i < n; i++) {
		cJSON *it = cJSON_DetachItemViaPointer(v, v->child);
		s[i].item = it;
		s[i].pos = i;
	}
	*n_out = n;
	return s;
}

void
fs_ops_sort_objects(cJSON *arr)
{
	if (!cJSON_IsArray(arr))
		return;
	size_t n;
	struct slot *s = detach_all(arr, &n);
	for (size_t i = 0; i < n; i++)
		s[i].has_ref = fs_ops_ref_of(s[i].item, &s[i].ref);
	qsort(s, n, sizeof *s, slot_cmp);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, s[i].item);
	free(s);
}

static int
key_cmp(const void *pa, const void *pb)
{
	const struct slot *a = pa, *b = pb;
	int c = strcmp(a->item->string ? a->item->string : "",
		       b->item->string ? b->item->string : "");
	if (c)
		return c;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

void
fs_ops_sort_keys(cJSON *v)
{
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return;
	for (cJSON *c = v->child; c; c = c->next)
		fs_ops_sort_keys(c);
	if (!cJSON_IsObject(v))
		return;
	size_t n;
	struct slot *s = detach_all(v, &n);
	qsort(s, n, sizeof *s, key_cmp);
	for (size_t i = 0; i < n; i++) {
		/* re-attach keeping the key string the item already owns */
		cJSON *it = s[i].item;
		if (!v->child) {
			v->child = it;
			it->prev = it;
			it->next = NULL;
		} else {
			cJSON *last = v->child->prev;
			last->next = it;
			it->prev = last;
			it->next = NULL;
			v->child->prev = it;
		}
	}
	free(s);
}

const char *
fs_ops_label(const cJSON *obj, const char *key)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	return fs_jstr(cJSON_GetObjectItemCaseSensitive(meta, "labels"), key);
}
