/*
 * testapi/seed.c - --seed FILE: objects written into the store before the
 * server listens, as an admin's writes would put them there (the demo's
 * embedded control plane, `make run`): each object of the YAML/JSON file
 * (a kind: List expanded) is created without its status, as the API
 * drops it; then its status is written as through /status; an object the
 * file shows as being deleted is then deleted (its finalizers keep it,
 * Terminating). The namespaces the objects name are created first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "crd.h"
#include "ferr.h"
#include "namespace.h"
#include "schema.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/doc.h"

static struct ta_resource *
resource_of(struct ta_store *s, const cJSON *obj)
{
	const char *av = cJSON_GetStringValue(cJSON_GetObjectItem(obj, "apiVersion"));
	const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(obj, "kind"));
	const char *slash = av ? strchr(av, '/') : NULL;
	size_t glen = slash ? (size_t)(slash - av) : 0;
	const char *version = slash ? slash + 1 : av;

	for (size_t i = 0; kind && version && i < s->n_res; i++) {
		struct ta_resource *r = s->res[i];
		if (!r->removed && strcmp(r->kind, kind) == 0 && strlen(r->group) == glen &&
		    strncmp(r->group, av, glen) == 0 && ta_resource_serves(r, version))
			return r;
	}
	return NULL;
}

static bool
fail(char **err, const char *path, const char *what, const char *name, const char *why)
{
	struct fs_buf b = FS_BUF_INIT;

	fs_buf_printf(&b, "--seed %s: %s %s: %s", path, what, name ? name : "(no name)", why);
	*err = fs_buf_detach(&b);
	return false;
}

static bool
ensure_ns(struct ta_api *a, const char *ns)
{
	struct ta_resource *r = ta_store_find(&a->store, "", "v1", "namespaces");
	struct ta_err e = {0};

	if (!r || ta_store_get(r, "", ns))
		return true;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	cJSON_AddStringToObject(o, "kind", "Namespace");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "metadata"), "name", ns);
	ta_builtin_prepare_create(&a->store, r, o, &e); /* a Namespace: never refused */
	bool ok = ta_store_create(&a->store, r, "", o, &e) != NULL;
	ta_err_clear(&e);
	return ok;
}

static bool
seed_one(struct ta_api *a, const cJSON *src, const char *path, char **err)
{
	struct ta_resource *r = resource_of(&a->store, src);
	const cJSON *md = cJSON_GetObjectItem(src, "metadata");
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(md, "name"));
	const char *ns = cJSON_GetStringValue(cJSON_GetObjectItem(md, "namespace"));
	struct ta_err e = {0};

	if (!r)
		return fail(err, path, "no resource serves", name,
			    "its apiVersion/kind (load its CRD with --crd-dir)");
	if (r->namespaced && !ns)
		ns = "default";
	if (!r->namespaced)
		ns = "";
	if (*ns && !ensure_ns(a, ns))
		return fail(err, path, "cannot create namespace", ns, "refused");
	cJSON *o = cJSON_Duplicate(src, true);
	cJSON *status = cJSON_DetachItemFromObject(o, "status");
	bool deleting = cJSON_GetObjectItem(md, "deletionTimestamp") != NULL;
	cJSON *m = cJSON_GetObjectItem(o, "metadata");
	/* what a server sets itself */
	cJSON_DeleteItemFromObject(m, "deletionTimestamp");
	cJSON_DeleteItemFromObject(m, "resourceVersion");
	cJSON_DeleteItemFromObject(m, "uid");
	cJSON_DeleteItemFromObject(m, "generation");
	cJSON_DeleteItemFromObject(m, "creationTimestamp");
	if (r->flags & TA_CUSTOM) { /* admission: defaults, pruning, validation */
		const char *av = cJSON_GetStringValue(cJSON_GetObjectItem(o, "apiVersion"));
		struct ta_ferrs fe = {0};
		ta_schema_apply(ta_crd_schema(r, strchr(av, '/') + 1), o, &fe, NULL);
		if (fe.n) {
			char why[512];
			snprintf(why, sizeof why, "%s: %s", fe.v[0].field, fe.v[0].body);
			ta_ferrs_release(&fe);
			cJSON_Delete(o);
			cJSON_Delete(status);
			return fail(err, path, "invalid", name, why);
		}
		ta_ferrs_release(&fe);
	} else if (!ta_builtin_prepare_create(&a->store, r, o, &e)) {
		bool ok = fail(err, path, "invalid", name, e.msg);
		ta_err_clear(&e);
		cJSON_Delete(o);
		cJSON_Delete(status);
		return ok;
	}
	if (!ta_store_create(&a->store, r, ns, o, &e)) {
		bool ok = fail(err, path, "cannot create", name, e.msg);
		ta_err_clear(&e);
		cJSON_Delete(status);
		return ok;
	}
	if (status && r->has_status) {
		cJSON *u = cJSON_Duplicate(ta_store_get(r, ns, name)->obj, true);
		cJSON_DeleteItemFromObject(u, "status");
		cJSON_AddItemToObject(u, "status", status);
		status = NULL;
		if (!ta_store_update(&a->store, r, ns, name, u, true, &e)) {
			bool ok = fail(err, path, "cannot write the status of", name, e.msg);
			ta_err_clear(&e);
			return ok;
		}
	}
	cJSON_Delete(status);
	if (deleting) {
		bool gone = false;
		cJSON *left = NULL;
		ta_store_delete(&a->store, r, ns, name, NULL, &gone, &e, &left);
		cJSON_Delete(left);
		ta_err_clear(&e);
	}
	return true;
}

bool
ta_seed_file(struct ta_api *a, const char *path, char **err)
{
	struct fs_docset *ds = NULL;
	struct fs_diags d = FS_DIAGS_INIT;
	bool ok = true;

	if (fs_docset_load_file(&ds, path, &d) != FS_OK) {
		char *first = d.n ? fs_diag_format(&d.items[0]) : NULL;
		fail(err, path, "cannot read", "it", first ? first : "unreadable");
		free(first);
		fs_diags_release(&d);
		return false;
	}
	for (size_t i = 0; ok && i < fs_docset_count(ds); i++) {
		const cJSON *doc = fs_docset_doc(ds, i), *it;
		const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "kind"));
		if (kind && strcmp(kind, "List") == 0) {
			cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "items"))
				if (ok)
					ok = seed_one(a, it, path, err);
		} else {
			ok = seed_one(a, doc, path, err);
		}
	}
	fs_docset_free(ds);
	fs_diags_release(&d);
	return ok;
}
