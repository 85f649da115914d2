/*
 * testapi/smp.c - strategic merge patch for built-in kinds (see patch.h).
 * The merge keys are those of the Kubernetes types our manifests use; a
 * list not named here is replaced, as an atomic list is.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patch.h"
#include "util/buf.h"

struct merge_key {
	const char *field, *key;
};

static const struct merge_key keys[] = {
	{"containers", "name"}, {"initContainers", "name"}, {"ephemeralContainers", "name"},
	{"volumes", "name"}, {"env", "name"}, {"volumeMounts", "mountPath"},
	{"volumeDevices", "devicePath"}, {"imagePullSecrets", "name"}, {"conditions", "type"},
	{"ownerReferences", "uid"}, {"hostAliases", "ip"}, {"secrets", "name"},
	{"topologySpreadConstraints", "topologyKey"}, {"resourceClaims", "name"},
};

static const char *
merge_key(const char *field, const cJSON *item)
{
	if (!strcmp(field, "ports")) /* container ports or service ports */
		return cJSON_GetObjectItemCaseSensitive(item, "containerPort") ? "containerPort" : "port";
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].field, field))
			return keys[i].key;
	return NULL;
}

static bool
primitive_set(const char *field)
{
	return !strcmp(field, "finalizers");
}

static const char *
directive(const cJSON *o)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "$patch");
	return cJSON_IsString(p) ? p->valuestring : NULL;
}

/* a copy without directives */
static cJSON *
strip(const cJSON *v)
{
	cJSON *c = cJSON_Duplicate(v, true);
	if (cJSON_IsObject(c)) {
		cJSON *it = c->child;
		while (it) {
			cJSON *next = it->next;
			if (it->string[0] == '$')
				cJSON_Delete(cJSON_DetachItemViaPointer(c, it));
			else if (cJSON_IsObject(it) || cJSON_IsArray(it))
				cJSON_ReplaceItemViaPointer(c, it, strip(it));
			it = next;
		}
	} else if (cJSON_IsArray(c)) {
		cJSON *it = c->child;
		while (it) {
			cJSON *next = it->next;
			if (cJSON_IsObject(it))
				cJSON_ReplaceItemViaPointer(c, it, strip(it));
			it = next;
		}
	}
	return c;
}

static cJSON *
find_keyed(cJSON *arr, const char *key, const cJSON *val)
{
	cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		if (cJSON_Compare(cJSON_GetObjectItemCaseSensitive(it, key), val, true))
			return it;
	}
	return NULL;
}

static char *merge_map(cJSON *t, const cJSON *p);

static char *
merge_list(cJSON *t, const cJSON *p, const char *field)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, p)
	{
		if (cJSON_IsObject(it) && directive(it) && !strcmp(directive(it), "replace")) {
			/* the list becomes the patch's other items */
			while (cJSON_GetArraySize(t))
				cJSON_DeleteItemFromArray(t, 0);
			const cJSON *x;
			cJSON_ArrayForEach(x, p)
			{
				if (x != it)
					cJSON_AddItemToArray(t, strip(x));
			}
			return NULL;
		}
	}
	cJSON_ArrayForEach(it, p)
	{
		const char *key = cJSON_IsObject(it) ? merge_key(field, it) : NULL;
		const cJSON *kv = key ? cJSON_GetObjectItemCaseSensitive(it, key) : NULL;
		if (!kv)
			return fs_xstrdup("strategic merge patch: a list item lacks its merge key");
		cJSON *cur = find_keyed(t, key, kv);
		const char *d = directive(it);
		if (d && !strcmp(d, "delete")) {
			if (cur)
				cJSON_Delete(cJSON_DetachItemViaPointer(t, cur));
			continue;
		}
		if (cur) {
			char *err = merge_map(cur, it);
			if (err)
				return err;
		} else {
			cJSON_AddItemToArray(t, strip(it));
		}
	}
	return NULL;
}

static void
set_order(cJSON *list, const cJSON *order, const char *field)
{
	cJSON *sorted = cJSON_CreateArray();
	const cJSON *o;
	cJSON_ArrayForEach(o, order)
	{
		cJSON *it = NULL;
		if (cJSON_IsObject(o)) {
			const char *key = merge_key(field, o);
			it = key ? find_keyed(list, key, cJSON_GetObjectItemCaseSensitive(o, key)) : NULL;
		} else {
			cJSON *x;
			cJSON_ArrayForEach(x, list)
			{
				if (!it && cJSON_Compare(x, o, true))
					it = x;
			}
		}
		if (it)
			cJSON_AddItemToArray(sorted, cJSON_DetachItemViaPointer(list, it));
	}
	while (cJSON_GetArraySize(list)) /* the rest keep their order */
		cJSON_AddItemToArray(sorted, cJSON_DetachItemFromArray(list, 0));
	while (cJSON_GetArraySize(sorted))
		cJSON_AddItemToArray(list, cJSON_DetachItemFromArray(sorted, 0));
	cJSON_Delete(sorted);
}

static char *
merge_map(cJSON *t, const cJSON *p)
{
	const cJSON *retain = cJSON_GetObjectItemCaseSensitive(p, "$retainKeys");
	if (cJSON_IsArray(retain)) {
		cJSON *it = t->child;
		while (it) {
			cJSON *next = it->next;
			bool keep = false;
			const cJSON *k;
			cJSON_ArrayForEach(k, retain)
			{
				if (cJSON_IsString(k) && !strcmp(k->valuestring, it->string))
					keep = true;
			}
			if (!keep)
				cJSON_Delete(cJSON_DetachItemViaPointer(t, it));
			it = next;
		}
	}
	const cJSON *pv;
	cJSON_ArrayForEach(pv, p)
	{
		const char *k = pv->string;
		if (k[0] == '$')
			continue;
		cJSON *cur = cJSON_GetObjectItemCaseSensitive(t, k);
		if (cJSON_IsNull(pv)) {
			cJSON_DeleteItemFromObjectCaseSensitive(t, k);
			continue;
		}
		if (cJSON_IsObject(pv)) {
			const char *d = directive(pv);
			if (d && !strcmp(d, "delete")) {
				cJSON_DeleteItemFromObjectCaseSensitive(t, k);
				continue;
			}
			if (cJSON_IsObject(cur) && !(d && !strcmp(d, "replace"))) {
				char *err = merge_map(cur, pv);
				if (err)
					return err;
				continue;
			}
		} else if (cJSON_IsArray(pv) && cJSON_IsArray(cur)) {
			const cJSON *first = cJSON_GetArrayItem(pv, 0);
			if (primitive_set(k)) {
				const cJSON *x;
				cJSON_ArrayForEach(x, pv)
				{
					bool have = false;
					const cJSON *y;
					cJSON_ArrayForEach(y, cur)
					{
						if (cJSON_Compare(x, y, true))
							have = true;
					}
					if (!have)
						cJSON_AddItemToArray(cur, cJSON_Duplicate(x, true));
				}
				continue;
			}
			if (cJSON_IsObject(first) && merge_key(k, first)) {
				char *err = merge_list(cur, pv, k);
				if (err)
					return err;
				continue;
			}
		}
		cJSON_DeleteItemFromObjectCaseSensitive(t, k);
		cJSON_AddItemToObject(t, k, strip(pv));
	}
	/* directives naming a list: after the merge */
	cJSON_ArrayForEach(pv, p)
	{
		const char *k = pv->string;
		if (!strncmp(k, "$deleteFromPrimitiveList/", 25)) {
			cJSON *list = cJSON_GetObjectItemCaseSensitive(t, k + 25);
			const cJSON *x;
			cJSON_ArrayForEach(x, pv)
			{
				cJSON *y = list ? list->child : NULL;
				while (y) {
					cJSON *next = y->next;
					if (cJSON_Compare(x, y, true))
						cJSON_Delete(cJSON_DetachItemViaPointer(list, y));
					y = next;
				}
			}
		} else if (!strncmp(k, "$setElementOrder/", 17)) {
			cJSON *list = cJSON_GetObjectItemCaseSensitive(t, k + 17);
			if (cJSON_IsArray(list))
				set_order(list, pv, k + 17);
		}
	}
	return NULL;
}

char *
ta_strategic_merge(cJSON **target, const cJSON *patch)
{
	if (!cJSON_IsObject(patch))
		return fs_xstrdup("strategic merge patch: expected a JSON object");
	cJSON *doc = cJSON_Duplicate(*target, true);
	const char *d = directive(patch);
	char *err = NULL;
	if (d && !strcmp(d, "replace")) {
		cJSON_Delete(doc);
		doc = strip(patch);
	} else {
		err = merge_map(doc, patch);
	}
	if (err) {
		cJSON_Delete(doc);
		return err;
	}
	cJSON_Delete(*target);
	*target = doc;
	return NULL;
}
