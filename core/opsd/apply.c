/*
 * opsd/apply.c - subset test and merge patch of rendered fields (see
 * apply.h).
 */
#include "opsd/apply.h"

#include <string.h>

/* where in the object a key is: the top (apiVersion and kind name the
 * object, the request path says them; list items leave them out), its
 * metadata (the server's own fields are never ours), or below */
enum level { TOP, META, BELOW };

static const char *const server_meta[] = {
	"resourceVersion", "uid", "generation", "creationTimestamp",
	"managedFields", "deletionTimestamp", "deletionGracePeriodSeconds",
	"selfLink", NULL,
};

static bool
skipped(enum level lvl, const char *key)
{
	if (lvl == TOP)
		return !strcmp(key, "apiVersion") || !strcmp(key, "kind");
	for (size_t i = 0; lvl == META && server_meta[i]; i++)
		if (!strcmp(server_meta[i], key))
			return true;
	return false;
}

static enum level
child_level(enum level lvl, const char *key)
{
	return lvl == TOP && !strcmp(key, "metadata") ? META : BELOW;
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

static bool
subset_at(const cJSON *want, const cJSON *live, enum level lvl)
{
	if (!live)
		return false;
	const cJSON *w;
	if (cJSON_IsObject(want)) {
		if (!cJSON_IsObject(live))
			return false;
		cJSON_ArrayForEach(w, want)
		{
			if (skipped(lvl, w->string))
				continue;
			if (!subset_at(w, cJSON_GetObjectItemCaseSensitive(live, w->string),
				       child_level(lvl, w->string)))
				return false;
		}
		return true;
	}
	if (cJSON_IsArray(want)) {
		if (!cJSON_IsArray(live) || cJSON_GetArraySize(want) != cJSON_GetArraySize(live))
			return false;
		int i = 0;
		cJSON_ArrayForEach(w, want)
			if (!subset_at(w, counterpart(live, w, i++), BELOW))
				return false;
		return true;
	}
	return cJSON_Compare(want, live, true);
}

bool
fs_opsd_subset(const cJSON *want, const cJSON *live)
{
	return subset_at(want, live, TOP);
}

/* want merged over live (both borrowed): objects key by key, arrays
 * element by element over their counterparts; new tree */
static cJSON *
merged(const cJSON *want, const cJSON *live)
{
	const cJSON *w;
	if (cJSON_IsObject(want) && cJSON_IsObject(live)) {
		cJSON *out = cJSON_Duplicate(live, true);
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
		cJSON_ArrayForEach(w, want)
			cJSON_AddItemToArray(out, merged(w, counterpart(live, w, i++)));
		return out;
	}
	return cJSON_Duplicate(want, true);
}

/* the patch of one object level; NULL when nothing differs */
static cJSON *
patch_level(const cJSON *want, const cJSON *live, enum level lvl)
{
	cJSON *p = NULL;
	const cJSON *w;
	cJSON_ArrayForEach(w, want)
	{
		if (skipped(lvl, w->string))
			continue;
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(live, w->string);
		enum level cl = child_level(lvl, w->string);
		cJSON *v = NULL;
		if (cJSON_IsObject(w) && cJSON_IsObject(l))
			v = patch_level(w, l, cl);
		else if (!subset_at(w, l, cl))
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
fs_opsd_merge_patch(const cJSON *want, const cJSON *live)
{
	if (!cJSON_IsObject(want))
		return NULL;
	if (!cJSON_IsObject(live))
		return fs_opsd_for_write(want);
	return patch_level(want, live, TOP);
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
