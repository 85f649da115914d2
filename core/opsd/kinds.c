/*
 * opsd/kinds.c - the kinds the controller watches (see opsd_int.h).
 *
 * A middleware plugin does not declare what it renders, so a rendered
 * kind is watched from the first render that emits it (a few are watched
 * from the start: Service, ConfigMap, PropagationPolicy, OverridePolicy);
 * a reconcile that meets a kind whose cache is not synced yet looks again
 * shortly. Rendered kinds are selected by fedstate.io/managed-by, so the
 * controller never caches the world.
 */
#include <stdlib.h>
#include <string.h>

#include "opsd/opsd_int.h"
#include "ops/object.h"
#include "ops/render.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/jfield.h"


/* the owner of a rendered object, from its stamp */
static void
enqueue_owner(struct fs_opsd *o, const cJSON *obj)
{
	const char *kind = fs_ops_label(obj, FS_OPS_LABEL_OWNER_KIND);
	const char *name = fs_ops_label(obj, FS_OPS_LABEL_OWNER_NAME);
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const char *ns = fs_jstr(meta, "namespace");
	if (!name) { /* a long owner name: the controller reference carries it */
		const cJSON *r;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(meta, "ownerReferences"))
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "controller")))
				name = fs_jstr(r, "name");
	}
	if (!kind || !name || !ns)
		return;
	char *key = opsd_key(kind, ns, name);
	fs_kube_queue_add(o->q, key);
	free(key);
}

/* a change of a watched object: its federated object to the queue (a
 * rendered object's owner, from its stamp) */
static void
on_change(void *ud, const cJSON *obj)
{
	struct opsd_kind *k = ud;
	if (k->federated)
		opsd_enqueue_obj(k->o, obj);
	else
		enqueue_owner(k->o, obj);
}

static void
on_add(void *ud, const cJSON *obj)
{
	struct opsd_kind *k = ud;
	if (!k->federated)
		opsd_owners_update(k, obj, true);
	on_change(ud, obj);
}

static void
on_update(void *ud, const cJSON *old, const cJSON *obj)
{
	struct opsd_kind *k = ud;
	if (!k->federated && old != obj) {
		opsd_owners_update(k, old, false);
		opsd_owners_update(k, obj, true);
	}
	on_change(ud, obj);
}

static void
on_delete(void *ud, const cJSON *obj)
{
	struct opsd_kind *k = ud;
	opsd_kind_wrote(k, fs_jmeta(obj, "namespace"), fs_jmeta(obj, "name"), NULL);
	if (!k->federated)
		opsd_owners_update(k, obj, false);
	on_change(ud, obj);
}

struct opsd_kind *
opsd_kind_get(struct fs_opsd *o, struct opsd_kind **head, const char *api_version,
	      const char *kind, bool federated, bool create)
{
	for (struct opsd_kind *k = *head; k; k = k->next)
		if (!strcmp(k->api_version, api_version) && !strcmp(k->kind, kind))
			return k;
	if (!create)
		return NULL;
	struct opsd_kind *k = fs_xcalloc(1, sizeof *k);
	k->o = o;
	k->api_version = fs_xstrdup(api_version);
	const char *slash = strchr(api_version, '/');
	k->group = slash ? fs_xstrndup(api_version, (size_t)(slash - api_version)) : fs_xstrdup("");
	k->version = fs_xstrdup(slash ? slash + 1 : api_version);
	k->kind = fs_xstrdup(kind);
	k->plural = fs_kube_plural(kind);
	k->federated = federated;
	k->policy = !strcmp(k->group, "policy.karmada.io");
	k->res = (struct fs_kube_resource){k->group, k->version, k->plural, k->kind, true};
	fs_kube_cache_init(&k->recent);
	fs_kube_cache_init(&k->owners);
	static const struct fs_kube_handlers h = {
		.on_add = on_add, .on_update = on_update, .on_delete = on_delete};
	struct fs_kube_informer_opts io = {
		.res = &k->res, .ns = "",
		.label_selector = federated ? NULL : FS_OPS_LABEL_MANAGED_BY "=" FS_OPS_MANAGER,
		.resync_ms = federated ? o->opts.resync_ms : 0,
	};
	k->inf = fs_kube_informer_new(o->client, &io, &h, k);
	fs_kube_informer_start(k->inf);
	k->next = *head;
	*head = k;
	fs_info("ops", "watching %s %s (%s)", api_version, kind,
		federated ? "federated" : "rendered, " FS_OPS_LABEL_MANAGED_BY "=" FS_OPS_MANAGER);
	return k;
}

void
opsd_kinds_free(struct opsd_kind *k)
{
	while (k) {
		struct opsd_kind *next = k->next;
		fs_kube_informer_free(k->inf);
		fs_kube_cache_release(&k->recent);
		fs_kube_cache_release(&k->owners);
		free(k->api_version);
		free(k->group);
		free(k->version);
		free(k->kind);
		free(k->plural);
		free(k);
		k = next;
	}
}

bool
opsd_all_synced(const struct fs_opsd *o, struct fs_buf *why)
{
	bool ok = true;
	const struct opsd_kind *lists[] = {o->feds, o->kids};
	for (size_t i = 0; i < 2; i++)
		for (const struct opsd_kind *k = lists[i]; k; k = k->next)
			if (!fs_kube_informer_synced(k->inf)) {
				if (why)
					fs_buf_printf(why, "%s%s %s not synced", ok ? "" : "; ",
						      k->api_version, k->kind);
				ok = false;
			}
	if (!fs_kube_informer_synced(o->clusters) || !fs_kube_informer_synced(o->rbs)) {
		if (why)
			fs_buf_printf(why, "%sclusters or resourcebindings not synced",
				      ok ? "" : "; ");
		ok = false;
	}
	return ok;
}

void
opsd_stamp(cJSON *obj, const struct opsd_kind *k)
{
	if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(obj, "apiVersion"))) {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, "apiVersion");
		cJSON_AddStringToObject(obj, "apiVersion", k->api_version);
	}
	if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(obj, "kind"))) {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, "kind");
		cJSON_AddStringToObject(obj, "kind", k->kind);
	}
}

struct opsd_kind *
opsd_kind_of(struct fs_opsd *o, const cJSON *obj)
{
	const char *av = fs_jstr(obj, "apiVersion");
	const char *kind = fs_jstr(obj, "kind");
	if (!av || !kind)
		return NULL;
	return opsd_kind_get(o, &o->kids, av, kind, false, true);
}

static char *
key_of(const char *ns, const char *name)
{
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "%s/%s", ns ? ns : "", name);
	return fs_buf_detach(&b);
}

const cJSON *
opsd_kind_live(struct opsd_kind *k, const char *ns, const char *name)
{
	const cJSON *c = fs_kube_informer_get(k->inf, ns, name);
	if (!k->recent.n)
		return c;
	char *key = key_of(ns, name);
	struct fs_kube_cache_entry *e = fs_kube_cache_get(&k->recent, key);
	const cJSON *out = c;
	if (e) {
		unsigned long long mine = strtoull(e->rv, NULL, 10);
		unsigned long long seen = c ? strtoull(fs_kube_obj_rv(c), NULL, 10) : 0;
		if (c && seen >= mine)
			cJSON_Delete(fs_kube_cache_remove(&k->recent, key)); /* caught up */
		else
			out = e->obj;
	}
	free(key);
	return out;
}

void
opsd_kind_wrote(struct opsd_kind *k, const char *ns, const char *name, cJSON *obj)
{
	char *key = key_of(ns, name);
	if (obj && fs_kube_obj_rv(obj)[0]) {
		opsd_stamp(obj, k); /* a write's answer may leave them out */
		cJSON_Delete(fs_kube_cache_put(&k->recent, key, obj));
	}
	else {
		cJSON_Delete(obj);
		cJSON_Delete(fs_kube_cache_remove(&k->recent, key));
	}
	free(key);
}
