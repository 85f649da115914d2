/*
 * opsd/finalizer.c - the fedstate.io/ops finalizer and ordered deletion.
 *
 * A terminating federated object: every object rendered for it (found in
 * the caches by its owner-uid label) is deleted, the workloads and
 * ConfigMaps/Services first, the Karmada policies once nothing else is
 * left (through them Karmada removes the members' copies); when nothing
 * is left the finalizer goes. Each step is one reconcile: the deletes'
 * watch events bring the object back to the queue.
 */
#include <stdlib.h>
#include <string.h>

#include "opsd/opsd_int.h"
#include "util/jfield.h"
#include "ops/object.h"
#include "ops/render.h"
#include "util/log.h"

static const cJSON *
finalizers(const cJSON *obj)
{
	return fs_jget2(obj, "metadata", "finalizers");
}

bool
opsd_has_finalizer(const cJSON *obj)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, finalizers(obj))
		if (cJSON_IsString(f) && !strcmp(f->valuestring, FS_OPSD_FINALIZER))
			return true;
	return false;
}

char *
opsd_finalizer_patch(const cJSON *obj, bool add)
{
	cJSON *list = cJSON_CreateArray();
	const cJSON *f;
	cJSON_ArrayForEach(f, finalizers(obj))
		if (cJSON_IsString(f) && strcmp(f->valuestring, FS_OPSD_FINALIZER))
			cJSON_AddItemToArray(list, cJSON_CreateString(f->valuestring));
	if (add)
		cJSON_AddItemToArray(list, cJSON_CreateString(FS_OPSD_FINALIZER));
	cJSON *p = cJSON_CreateObject();
	cJSON *m = cJSON_AddObjectToObject(p, "metadata");
	cJSON_AddItemToObject(m, "finalizers", list);
	const char *rv = fs_jmeta(obj, "resourceVersion");
	if (rv) /* a merge patch with a version is refused (409) when stale */
		cJSON_AddStringToObject(m, "resourceVersion", rv);
	char *s = cJSON_PrintUnformatted(p);
	cJSON_Delete(p);
	return s;
}

void
opsd_finalize(struct opsd_job *j)
{
	struct fs_opsd *o = j->o;
	if (!opsd_all_synced(o, NULL)) { /* an unsynced cache would hide children */
		j->again_ms = o->opts.settle_ms;
		return;
	}
	cJSON *kids = opsd_owned(o, j->obj);
	size_t others = 0, policies = 0, live = 0;
	const cJSON *k;
	cJSON_ArrayForEach(k, kids)
	{
		struct opsd_kind *kk = opsd_kind_of(o, k);
		kk && kk->policy ? policies++ : others++;
	}
	cJSON_ArrayForEach(k, kids)
	{
		struct opsd_kind *kk = opsd_kind_of(o, k);
		struct fs_ops_ref r;
		if (!kk || !fs_ops_ref_of(k, &r))
			continue;
		if (kk->policy && others)
			continue;
		live++;
		if (cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(k, "metadata"),
						     "deletionTimestamp"))
			continue; /* going already */
		opsd_issue(j, OPSD_DELETE, kk, r.ns, r.name, NULL, NULL);
	}
	cJSON_Delete(kids);
	if (others + policies) {
		fs_debug("ops", "%s: deleting %zu object(s) (%zu policies wait)", j->key, live,
			 others ? policies : 0);
		j->again_ms = 2000; /* the delete events usually come first */
		return;
	}
	if (opsd_has_finalizer(j->obj)) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(j->obj, "metadata");
		opsd_issue(j, OPSD_FINALIZER, j->fed,
			   fs_jstr(m, "namespace"),
			   fs_jstr(m, "name"),
			   NULL, opsd_finalizer_patch(j->obj, false));
		fs_info("ops", "%s: every rendered object is gone; finalizer removed", j->key);
	}
}
