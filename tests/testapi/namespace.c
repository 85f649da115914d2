/*
 * testapi/namespace.c - namespace lifecycle (see namespace.h).
 */
#include "namespace.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static struct ta_resource *
namespaces(struct ta_api *a)
{
	return ta_store_find(&a->store, "", "v1", "namespaces");
}

static bool
terminating(const cJSON *ns)
{
	const cJSON *phase = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(ns, "status"), "phase");
	return cJSON_IsString(phase) && !strcmp(phase->valuestring, "Terminating");
}

bool
ta_ns_admit(struct ta_api *a, const struct ta_resource *r, const char *ns,
	    const char *name, struct ta_err *e)
{
	struct ta_resource *nsr = namespaces(a);
	if (!r->namespaced || !nsr)
		return true;
	struct ta_object *o = ta_store_get(nsr, "", ns);
	if (!o) {
		ta_err_set(e, 404, "NotFound", "namespaces \"%s\" not found", ns);
		e->details = cJSON_CreateObject();
		cJSON_AddStringToObject(e->details, "name", ns);
		cJSON_AddStringToObject(e->details, "kind", "namespaces");
		return false;
	}
	if (terminating(o->obj)) {
		char qn[256];
		ta_resource_qname(r, qn, sizeof(qn));
		ta_err_set(e, 403, "Forbidden",
			   "%s \"%s\" is forbidden: unable to create new content in namespace %s because it is being terminated",
			   qn, name ? name : "", ns);
		e->details = cJSON_CreateObject();
		cJSON_AddStringToObject(e->details, "name", name ? name : "");
		if (r->group[0])
			cJSON_AddStringToObject(e->details, "group", r->group);
		cJSON_AddStringToObject(e->details, "kind", r->plural);
		cJSON *causes = cJSON_AddArrayToObject(e->details, "causes");
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "reason", "NamespaceTerminating");
		char msg[300];
		snprintf(msg, sizeof(msg), "namespace %s is being terminated", ns);
		cJSON_AddStringToObject(c, "message", msg);
		cJSON_AddStringToObject(c, "field", "metadata.namespace");
		cJSON_AddItemToArray(causes, c);
		return false;
	}
	return true;
}

/* one pass of the namespace controller: true while some are left */
static bool
sweep(struct ta_api *a)
{
	struct ta_resource *nsr = namespaces(a);
	bool left = false;
	for (size_t i = 0; nsr && i < nsr->n; i++) {
		struct ta_object *nso = nsr->objs[i];
		if (!terminating(nso->obj))
			continue;
		const char *ns = nso->name;
		size_t remaining = 0;
		for (size_t k = 0; k < a->store.n_res; k++) {
			struct ta_resource *r = a->store.res[k];
			if (!r->namespaced || r->removed)
				continue;
			size_t j = ta_store_lower_bound(r, ns, "");
			while (j < r->n && !strcmp(r->objs[j]->ns, ns)) {
				struct ta_object *o = r->objs[j];
				bool deleted = false;
				cJSON *gone = NULL;
				struct ta_err e = {0};
				ta_store_delete(&a->store, r, ns, o->name, NULL, &deleted, &e, &gone);
				cJSON_Delete(gone);
				ta_err_clear(&e);
				if (!deleted) {
					remaining++;
					j++;
				}
			}
		}
		if (remaining) {
			left = true;
			continue;
		}
		/* content gone: finalize (spec.finalizers) and delete */
		cJSON *next = cJSON_Duplicate(nso->obj, true);
		cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(next, "spec"),
							"finalizers");
		struct ta_err e = {0};
		char name[256];
		snprintf(name, sizeof(name), "%s", ns);
		ta_store_put(&a->store, nsr, nso, next);
		bool deleted;
		cJSON *gone = NULL;
		ta_store_delete(&a->store, nsr, "", name, NULL, &deleted, &e, &gone);
		cJSON_Delete(gone);
		ta_err_clear(&e);
		i--; /* the array shifted */
	}
	return left;
}

static void
on_sweep(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)revents;
	struct ta_api *a = t->data;
	if (!sweep(a))
		ev_timer_stop(loop, t);
}

const cJSON *
ta_ns_delete(struct ta_api *a, const char *name, bool dry_run, struct ta_err *e)
{
	struct ta_resource *nsr = namespaces(a);
	struct ta_object *o = ta_store_get(nsr, "", name);
	if (!o) {
		ta_err_set(e, 404, "NotFound", "namespaces \"%s\" not found", name);
		return NULL;
	}
	if (!strcmp(name, "default") || !strcmp(name, "kube-system") ||
	    !strcmp(name, "kube-public")) {
		ta_err_set(e, 403, "Forbidden",
			   "namespaces \"%s\" is forbidden: this namespace may not be deleted", name);
		e->details = cJSON_CreateObject();
		cJSON_AddStringToObject(e->details, "name", name);
		cJSON_AddStringToObject(e->details, "kind", "namespaces");
		return NULL;
	}
	if (terminating(o->obj) || dry_run)
		return o->obj;
	cJSON *next = cJSON_Duplicate(o->obj, true);
	cJSON *md = cJSON_GetObjectItemCaseSensitive(next, "metadata");
	char ts[64];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_DeleteItemFromObjectCaseSensitive(md, "deletionTimestamp");
	cJSON_AddStringToObject(md, "deletionTimestamp", ts);
	cJSON_DeleteItemFromObjectCaseSensitive(md, "deletionGracePeriodSeconds");
	cJSON_AddNumberToObject(md, "deletionGracePeriodSeconds", 0);
	cJSON *st = cJSON_GetObjectItemCaseSensitive(next, "status");
	if (!st)
		st = cJSON_AddObjectToObject(next, "status");
	cJSON_DeleteItemFromObjectCaseSensitive(st, "phase");
	cJSON_AddStringToObject(st, "phase", "Terminating");
	const cJSON *res = ta_store_put(&a->store, nsr, o, next);
	if (!ev_is_active(&a->ns_sweep)) {
		ev_timer_init(&a->ns_sweep, on_sweep, 0.05, 0.1);
		a->ns_sweep.data = a;
		ev_timer_start(EV_DEFAULT, &a->ns_sweep);
	}
	return res;
}

void
ta_ns_release(struct ta_api *a)
{
	ev_timer_stop(EV_DEFAULT, &a->ns_sweep);
}

void
ta_ns_seed(struct ta_api *a)
{
	static const char *const names[] = {"default", "kube-system", "kube-public",
					    "kube-node-lease", "karmada-system"};
	struct ta_resource *r = namespaces(a);
	for (size_t i = 0; r && i < sizeof(names) / sizeof(names[0]); i++) {
		if (ta_store_get(r, "", names[i]))
			continue;
		cJSON *ns = cJSON_CreateObject();
		cJSON_AddStringToObject(ns, "apiVersion", "v1");
		cJSON_AddStringToObject(ns, "kind", "Namespace");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(ns, "metadata"), "name", names[i]);
		struct ta_err e = {0};
		ta_builtin_prepare_create(&a->store, r, ns, &e); /* never refused */
		ta_store_create(&a->store, r, "", ns, &e);
		ta_err_clear(&e);
	}
}
