/*
 * opsd/owners.c - which rendered objects belong to which federated object
 * (see opsd_int.h), kept per rendered kind as its informer delivers
 * changes, so a reconcile finds its children in time proportional to how
 * many it has, not to how many the controller caches.
 *
 * An object is indexed under its owner's uid label ("u" keys) and under
 * its owner kind + name labels ("n" keys); a lookup by an owner with a uid
 * uses the first, one without the second, as the stamps are matched in
 * docs/ops.md. Each index entry is a JSON array of the children's cache
 * keys ("ns/name"), a handful per owner.
 */
#include <stdlib.h>
#include <string.h>

#include "opsd/opsd_int.h"
#include "ops/object.h"
#include "ops/render.h"
#include "util/buf.h"
#include "util/jfield.h"

/* the index key of an owner in ns: by uid, else by kind and name; NULL
 * when the labels to build it are missing; caller frees */
static char *
owner_key(const char *ns, const char *uid, const char *kind, const char *name)
{
	struct fs_buf b = FS_BUF_INIT;
	if (uid)
		fs_buf_printf(&b, "u/%s/%s", ns, uid);
	else if (kind && name)
		fs_buf_printf(&b, "n/%s/%s/%s", ns, kind, name);
	else
		return NULL;
	return fs_buf_detach(&b);
}

static void
index_one(struct fs_kube_cache *ix, const char *okey, const char *child, bool add)
{
	struct fs_kube_cache_entry *e = fs_kube_cache_get(ix, okey);
	cJSON *it;
	if (e)
		cJSON_ArrayForEach(it, e->obj)
			if (!strcmp(it->valuestring, child)) {
				if (!add) {
					cJSON_Delete(cJSON_DetachItemViaPointer(e->obj, it));
					if (!cJSON_GetArraySize(e->obj))
						cJSON_Delete(fs_kube_cache_remove(ix, okey));
				}
				return;
			}
	if (!add)
		return;
	if (!e) {
		fs_kube_cache_put(ix, okey, cJSON_CreateArray());
		e = fs_kube_cache_get(ix, okey);
	}
	cJSON_AddItemToArray(e->obj, cJSON_CreateString(child));
}

void
opsd_owners_update(struct opsd_kind *k, const cJSON *obj, bool add)
{
	const char *ns = fs_jmeta(obj, "namespace");
	char *child = fs_kube_cache_key(obj);
	if (!ns || !child) {
		free(child);
		return;
	}
	char *keys[2] = {
		owner_key(ns, fs_ops_label(obj, FS_OPS_LABEL_OWNER_UID), NULL, NULL),
		owner_key(ns, NULL, fs_ops_label(obj, FS_OPS_LABEL_OWNER_KIND),
			  fs_ops_label(obj, FS_OPS_LABEL_OWNER_NAME)),
	};
	for (size_t i = 0; i < 2; i++) {
		if (keys[i])
			index_one(&k->owners, keys[i], child, add);
		free(keys[i]);
	}
	free(child);
}

cJSON *
opsd_owned(struct fs_opsd *o, const cJSON *owner)
{
	cJSON *out = cJSON_CreateArray();
	const char *ns = fs_jmeta(owner, "namespace");
	char *okey = owner_key(ns ? ns : "default", fs_jmeta(owner, "uid"),
			       fs_jstr(owner, "kind"), fs_jmeta(owner, "name"));
	if (!okey || !fs_jstr(owner, "kind") || !fs_jmeta(owner, "name")) {
		free(okey);
		return out;
	}
	for (struct opsd_kind *k = o->kids; k; k = k->next) {
		struct fs_kube_cache_entry *e = fs_kube_cache_get(&k->owners, okey);
		const cJSON *it;
		if (!e)
			continue;
		cJSON_ArrayForEach(it, e->obj)
		{
			const char *slash = strchr(it->valuestring, '/');
			char *cns = fs_xstrndup(it->valuestring,
						(size_t)(slash - it->valuestring));
			const cJSON *live = fs_kube_informer_get(k->inf, cns, slash + 1);
			free(cns);
			if (!live)
				continue;
			cJSON *copy = cJSON_Duplicate(live, true);
			opsd_stamp(copy, k);
			cJSON_AddItemToArray(out, copy);
		}
	}
	free(okey);
	return out;
}
