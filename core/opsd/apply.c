/*
 * opsd/apply.c - subset test and merge patch of rendered fields (see
 * apply.h).
 */
#include "opsd/apply.h"

#include <string.h>

static const char *const server_meta[] = {
	"resourceVersion", "uid", "generation", "creationTimestamp",
	"managedFields", "deletionTimestamp", "deletionGracePeriodSeconds",
	"selfLink", NULL,
};

static bool
server_owned(const cJSON *parent_key_meta, const char *key)
{
	if (!parent_key_meta)
		return false;
	for (size_t i = 0; server_meta[i]; i++)
		if (!strcmp(server_meta[i], key))
			return true;
	return false;
}

static const char *
elem_name(const cJSON *e)
{
	return cJSON_IsObject(e)
		? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "name"))
		: NULL;
}

/* live's counterpart of want[i] (by name when it has one, else by
 * position); borrowed or NULL */
static const cJSON *
counterpart(const cJSON *live_arr, const cJSON *w, int i)
{
	const char *n = elem_name(w);
	if (n) {
		const cJSON *l;
		cJSON_ArrayForEach(l, live_arr)
		{
			const char *ln = elem_name(l);
			if (ln && !strcmp(ln, n))
				return l;
		}
		return NULL;
	}
	return cJSON_GetArrayItem(live_arr, i);
}

static bool subset_at(const cJSON *want, const cJSON *live, bool meta);

static bool
subset_array(const cJSON *want, const cJSON *live)
{
	if (!cJSON_IsArray(live) || cJSON_GetArraySize(want) != cJSON_GetArraySize(live))
		return false;
	int i = 0;
	const cJSON *w;
	cJSON_ArrayForEach(w, want)
	{
		if (!subset_at(w, counterpart(live, w, i), false))
			return false;
		i++;
	}
	return true;
}

static bool
subset_at(const cJSON *want, const cJSON *live, bool meta)
{
	if (!live)
		return false;
	if (cJSON_IsObject(want)) {
		if (!cJSON_IsObject(live))
			return false;
		const cJSON *w;
		cJSON_ArrayForEach(w, want)
		{
			if (server_owned(meta ? want : NULL, w->string))
				continue;
			const cJSON *l = cJSON_GetObjectItemCaseSensitive(live, w->string);
			if (!subset_at(w, l, false))
				return false;
		}
		return true;
	}
	if (cJSON_IsArray(want))
		return subset_array(want, live);
	return cJSON_Compare(want, live, true);
}

/* subset_at for a top-level object: its "metadata" skips server fields */
static bool
subset_top(const cJSON *want, const cJSON *live)
{
	if (!cJSON_IsObject(want) || !cJSON_IsObject(live))
		return subset_at(want, live, false);
	const cJSON *w;
	cJSON_ArrayForEach(w, want)
	{
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(live, w->string);
		if (!subset_at(w, l, !strcmp(w->string, "metadata")))
			return false;
	}
	return true;
}

bool
fs_opsd_subset(const cJSON *want, const cJSON *live)
{
	return subset_top(want, live);
}

/* want merged over live (both borrowed): objects key by key, arrays
 * element by element over their counterparts; new tree */
static cJSON *
merged(const cJSON *want, const cJSON *live)
{
	if (cJSON_IsObject(want) && cJSON_IsObject(live)) {
		cJSON *out = cJSON_Duplicate(live, true);
		const cJSON *w;
		cJSON_ArrayForEach(w, want)
		{
			const cJSON *l = cJSON_GetObjectItemCaseSensitive(live, w->string);
			cJSON_DeleteItemFromObjectCaseSensitive(out, w->string);
			cJSON_AddItemToObject(out, w->string, merged(w, l));
		}
		return out;
	}
	if (cJSON_IsArray(want) && cJSON_IsArray(live)) {
		cJSON *out = cJSON_CreateArray();
		int i = 0;
		const cJSON *w;
		cJSON_ArrayForEach(w, want)
		{
			cJSON_AddItemToArray(out, merged(w, counterpart(live, w, i)));
			i++;
		}
		return out;
	}
	return cJSON_Duplicate(want, true);
}

/* the patch of one object level; NULL when nothing differs */
static cJSON *
patch_object(const cJSON *want, const cJSON *live, bool meta)
{
	cJSON *p = NULL;
	const cJSON *w;
	cJSON_ArrayForEach(w, want)
	{
		if (server_owned(meta ? want : NULL, w->string))
			continue;
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(live, w->string);
		cJSON *v = NULL;
		if (cJSON_IsObject(w) && cJSON_IsObject(l)) {
			v = patch_object(w, l, false);
		} else if (!subset_at(w, l, false)) {
			v = cJSON_IsArray(w) ? merged(w, l) : cJSON_Duplicate(w, true);
		}
		if (!v)
			continue;
		if (!p)
			p = cJSON_CreateObject();
		cJSON_AddItemToObject(p, w->string, v);
	}
	return p;
}

cJSON *
fs_opsd_merge_patch(const cJSON *want, const cJSON *live)
{
	if (!cJSON_IsObject(want))
		return NULL;
	if (!cJSON_IsObject(live))
		return fs_opsd_for_write(want);
	cJSON *p = NULL;
	const cJSON *w;
	cJSON_ArrayForEach(w, want)
	{
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(live, w->string);
		bool meta = !strcmp(w->string, "metadata");
		cJSON *v = NULL;
		if (cJSON_IsObject(w) && cJSON_IsObject(l))
			v = patch_object(w, l, meta);
		else if (!subset_at(w, l, meta))
			v = cJSON_IsArray(w) ? merged(w, l) : cJSON_Duplicate(w, true);
		if (!v)
			continue;
		if (!p)
			p = cJSON_CreateObject();
		cJSON_AddItemToObject(p, w->string, v);
	}
	return p;
}

cJSON *
fs_opsd_for_write(const cJSON *want)
{
	cJSON *o = cJSON_Duplicate(want, true);
	cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "metadata");
	for (size_t i = 0; m && server_meta[i]; i++)
		cJSON_DeleteItemFromObjectCaseSensitive(m, server_meta[i]);
	return o;
}
