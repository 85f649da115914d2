/*
 * testapi/write.c - create, update and patch as the real server admits
 * them: dryRun=All, namespace lifecycle, a custom resource's structural
 * schema (defaults, pruning, 422 Invalid), fieldValidation (Strict: 400
 * for unknown fields; Warn, the default: a Warning header), a CRD's own
 * checks and status, the patch types each kind accepts (415 for
 * strategic merge on custom resources), and a new CRD served at once
 * (see api.h).
 *
 * Each write (and each DELETE: status, name, rv) also completes its entry in the
 * write log (/_testapi/writes, started by api.c): "status" (the answer), "base_rv" (the precondition
 * the client sent: metadata.resourceVersion of a PUT or of a merge patch,
 * "" for none), "prev_rv"/"prev_gen" (the stored object before), "rv"/
 * "gen" and "name" (after), "t" (unix ms) and, for a Lease, "holder" (its
 * spec.holderIdentity after the write). The chaos checker replays the log
 * with them: stale writes, writes by a process that did not hold the
 * Lease.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "api.h"
#include "crd.h"
#include "ferr.h"
#include "namespace.h"
#include "patch.h"
#include "schema.h"
#include "util/buf.h"

struct write_opts {
	bool dry_run;
	const char *validation; /* "Strict", "Warn", "Ignore" */
	char warnings[2048];    /* extra response headers */
};

/* the write log's entry of this request (api.c adds it just before) */
static cJSON *
wlog_entry(struct ta_api *a)
{
	return a->writes && a->writes->child ? a->writes->child->prev : NULL;
}

static void
wlog_str(cJSON *w, const char *key, const char *v)
{
	if (w && !cJSON_GetObjectItemCaseSensitive(w, key))
		cJSON_AddStringToObject(w, key, v ? v : "");
}

static void
wlog_num(cJSON *w, const char *key, double v)
{
	if (w && !cJSON_GetObjectItemCaseSensitive(w, key))
		cJSON_AddNumberToObject(w, key, v);
}

static const char *
meta_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double
meta_num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), key);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* the outcome of a DELETE: status, and the object as deleted (NULL when
 * refused): its name and the deletion's resourceVersion as "rv" (what the
 * DELETE answer carries), no generation */
void
ta_api_wlog_deleted(struct ta_api *a, int status, const cJSON *obj, bool dry_run)
{
	ta_api_wlog_done(a, NULL, status, NULL, NULL, dry_run);
	cJSON *w = wlog_entry(a);
	if (obj) {
		wlog_str(w, "name", meta_str(obj, "name"));
		wlog_str(w, "rv", meta_str(obj, "resourceVersion"));
	}
}

/* the outcome of a write: status, the object before (may be NULL) and
 * after (NULL when refused) */
void
ta_api_wlog_done(struct ta_api *a, const struct ta_resource *r, int status,
	  const cJSON *before, const cJSON *after, bool dry_run)
{
	cJSON *w = wlog_entry(a);
	if (!w)
		return;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	wlog_num(w, "status", status);
	wlog_num(w, "t", (double)tv.tv_sec * 1000.0 + (double)(tv.tv_usec / 1000));
	if (dry_run)
		cJSON_AddTrueToObject(w, "dry_run");
	if (before) {
		wlog_str(w, "prev_rv", meta_str(before, "resourceVersion"));
		wlog_num(w, "prev_gen", meta_num(before, "generation"));
	}
	if (after) {
		wlog_str(w, "name", meta_str(after, "name"));
		wlog_str(w, "rv", meta_str(after, "resourceVersion"));
		wlog_num(w, "gen", meta_num(after, "generation"));
		if (r && !strcmp(r->group, "coordination.k8s.io") && !strcmp(r->plural, "leases")) {
			const cJSON *h = cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(after, "spec"), "holderIdentity");
			wlog_str(w, "holder", cJSON_IsString(h) ? h->valuestring : "");
		}
	}
}

static bool
is_crds(const struct ta_resource *r)
{
	return !strcmp(r->group, "apiextensions.k8s.io") &&
	       !strcmp(r->plural, "customresourcedefinitions");
}

static void
gv_of(const struct ta_resource *r, const char *version, char *buf, size_t n)
{
	if (r->group[0])
		snprintf(buf, n, "%s/%s", r->group, version);
	else
		snprintf(buf, n, "%s", version);
}

static void
reply(struct ta_conn *c, int status, const cJSON *obj, const struct ta_resource *r,
      const char *version, const char *headers)
{
	ta_api_stamp((cJSON *)obj, r, version);
	char *s = cJSON_PrintUnformatted(obj);
	size_t n = strlen(s);
	ta_respond(c, status, "application/json", s, n, headers && headers[0] ? headers : NULL);
	free(s);
}

/* dryRun and fieldValidation; false when an error was sent */
bool
ta_write_options(struct ta_conn *c, const struct ta_req *req, const char *what,
		 bool *dry_run)
{
	char *dry = ta_query_get(req->query, "dryRun");
	*dry_run = false;
	if (!dry || !dry[0]) {
		free(dry);
		return true;
	}
	if (!strcmp(dry, "All")) {
		*dry_run = true;
		free(dry);
		return true;
	}
	struct ta_ferrs f = {0};
	ta_ferrs_add(&f, "dryRun", "FieldValueNotSupported",
		     "Unsupported value: [\"%s\"]: supported values: \"All\"", dry);
	free(dry);
	struct ta_err e = {0};
	ta_ferrs_to_err(&f, "meta.k8s.io", what, "", &e);
	ta_ferrs_release(&f);
	ta_api_error(c, &e, NULL, NULL);
	return false;
}

static bool
write_opts(struct ta_conn *c, const struct ta_req *req, const char *what,
	   struct write_opts *w)
{
	memset(w, 0, sizeof(*w));
	if (!ta_write_options(c, req, what, &w->dry_run))
		return false;
	char *fv = ta_query_get(req->query, "fieldValidation");
	w->validation = !fv || !fv[0] ? "Warn" : !strcmp(fv, "Strict") ? "Strict"
					  : !strcmp(fv, "Ignore")	? "Ignore"
					  : !strcmp(fv, "Warn")	? "Warn"
									: NULL;
	if (!w->validation) {
		struct ta_ferrs f = {0};
		ta_ferrs_add(&f, "fieldValidation", "FieldValueNotSupported",
			     "Unsupported value: \"%s\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"",
			     fv);
		struct ta_err e = {0};
		ta_ferrs_to_err(&f, "meta.k8s.io", what, "", &e);
		ta_ferrs_release(&f);
		ta_api_error(c, &e, NULL, NULL);
		free(fv);
		return false;
	}
	free(fv);
	return true;
}

static const char *
obj_name(const cJSON *obj)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "name");
	return cJSON_IsString(n) ? n->valuestring : "";
}

/* schema and CRD checks on obj (changed in place); false when an error
 * was sent (obj still the caller's) */
static bool
admit(struct ta_conn *c, const struct ta_route *rt, cJSON *obj,
      struct write_opts *w)
{
	struct ta_resource *r = rt->res;
	struct ta_ferrs errs = {0}, unknown = {0};
	struct ta_err e = {0};
	if (r->flags & TA_CUSTOM) {
		const cJSON *schema = ta_crd_schema(r, rt->version);
		ta_schema_apply(schema, obj, &errs, &unknown);
		if (unknown.n && !strcmp(w->validation, "Strict")) {
			struct fs_buf b = FS_BUF_INIT;
			fs_buf_printf(&b, "%s in version \"%s\" cannot be handled as a %s: strict decoding error: ",
				      r->kind, rt->version, r->kind);
			for (size_t i = 0; i < unknown.n; i++)
				fs_buf_printf(&b, "%sunknown field \"%s\"", i ? ", " : "", unknown.v[i].field);
			ta_err_set(&e, 400, "BadRequest", "%s", b.data);
			fs_buf_release(&b);
			ta_api_error(c, &e, NULL, NULL);
			goto refused;
		}
		if (unknown.n && !strcmp(w->validation, "Warn")) {
			size_t off = strlen(w->warnings);
			for (size_t i = 0; i < unknown.n && off < sizeof(w->warnings) - 300; i++)
				off += (size_t)snprintf(w->warnings + off, sizeof(w->warnings) - off,
							"Warning: 299 - \"unknown field \\\"%s\\\"\"\r\n",
							unknown.v[i].field);
		}
		if (errs.n) {
			ta_ferrs_to_err(&errs, r->group, r->kind, obj_name(obj), &e);
			ta_api_error(c, &e, NULL, NULL);
			goto refused;
		}
	} else if (is_crds(r) && !rt->sub) {
		if (!ta_crd_validate(obj, &errs)) {
			ta_ferrs_to_err(&errs, r->group, r->kind, obj_name(obj), &e);
			ta_api_error(c, &e, NULL, NULL);
			goto refused;
		}
	}
	ta_ferrs_release(&errs);
	ta_ferrs_release(&unknown);
	return true;
refused:
	ta_ferrs_release(&errs);
	ta_ferrs_release(&unknown);
	return false;
}

/* a CRD written for real: serve (or re-serve) its resource */
static void
after_write(struct ta_api *a, const struct ta_resource *r, const cJSON *obj,
	    bool dry_run)
{
	if (!dry_run && is_crds(r) && obj)
		ta_crd_install(&a->store, obj);
}

static cJSON *
parse_body(struct ta_conn *c, const struct ta_req *req)
{
	const char *ct = req->content_type;
	if (ct[0] && !strstr(ct, "json")) {
		/* protobuf (kubectl 1.32's typed create) needs the Go types */
		struct ta_err e = {0};
		ta_err_set(&e, 415, "UnsupportedMediaType",
			   "the body of the request was in an unknown format - accepted media types include: application/json");
		ta_api_error(c, &e, NULL, NULL);
		return NULL;
	}
	cJSON *v = cJSON_ParseWithLength(req->body, req->body_len);
	if (!v || !cJSON_IsObject(v)) {
		struct ta_err e = {0};
		ta_err_set(&e, 400, "BadRequest",
			   "the request body is not a valid JSON object (content-type %s)",
			   req->content_type[0] ? req->content_type : "none");
		ta_api_error(c, &e, NULL, NULL);
		cJSON_Delete(v);
		return NULL;
	}
	return v;
}

static bool
check_kind(struct ta_conn *c, const cJSON *obj, const struct ta_route *rt)
{
	const cJSON *av = cJSON_GetObjectItemCaseSensitive(obj, "apiVersion");
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(obj, "kind");
	char gv[256];
	gv_of(rt->res, rt->version, gv, sizeof(gv));
	if ((cJSON_IsString(av) && strcmp(av->valuestring, gv)) ||
	    (cJSON_IsString(k) && strcmp(k->valuestring, rt->res->kind))) {
		struct ta_err e = {0};
		ta_err_set(&e, 400, "BadRequest",
			   "the API version in the data (%s, kind %s) does not match the expected API version (%s, kind %s)",
			   cJSON_IsString(av) ? av->valuestring : "",
			   cJSON_IsString(k) ? k->valuestring : "", gv, rt->res->kind);
		ta_api_error(c, &e, NULL, NULL);
		return false;
	}
	return true;
}

void
ta_api_create(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
	      struct ta_route *rt)
{
	struct ta_err e = {0};
	struct ta_resource *r = rt->res;
	struct write_opts w;
	if (!write_opts(c, req, "CreateOptions", &w))
		return;
	cJSON *obj = parse_body(c, req);
	if (!obj)
		return;
	if (!check_kind(c, obj, rt) ||
	    !ta_ns_admit(a, r, rt->ns ? rt->ns : "", obj_name(obj), &e)) {
		if (e.code)
			ta_api_error(c, &e, r, NULL);
		cJSON_Delete(obj);
		return;
	}
	if (r->has_status) /* the status of a new object is the server's */
		cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
	if (!admit(c, rt, obj, &w)) {
		cJSON_Delete(obj);
		return;
	}
	if (is_crds(r))
		ta_crd_set_status(obj);
	if (!ta_builtin_prepare_create(&a->store, r, obj, &e)) {
		ta_api_error(c, &e, r, NULL);
		cJSON_Delete(obj);
		return;
	}
	a->store.dry_run = w.dry_run;
	wlog_str(wlog_entry(a), "base_rv", "");
	const cJSON *res = ta_store_create(&a->store, r, rt->ns ? rt->ns : "", obj, &e);
	a->store.dry_run = false;
	ta_api_wlog_done(a, r, res ? 201 : e.code, NULL, res, w.dry_run);
	if (!res) {
		ta_api_error(c, &e, r, NULL);
		return;
	}
	after_write(a, r, res, w.dry_run);
	reply(c, 201, res, r, rt->version, w.warnings);
}

static void
write_update(struct ta_api *a, struct ta_conn *c, struct ta_route *rt,
	     const char *ns, cJSON *obj, struct write_opts *w)
{
	struct ta_err e = {0};
	if (!admit(c, rt, obj, w)) {
		cJSON_Delete(obj);
		return;
	}
	const struct ta_object *was = ta_store_get(rt->res, ns ? ns : "", rt->name);
	if (was && !rt->sub &&
	    !ta_builtin_prepare_update(&a->store, rt->res, was->obj, obj, &e)) {
		ta_api_error(c, &e, rt->res, rt->name);
		cJSON_Delete(obj);
		return;
	}
	a->store.dry_run = w->dry_run;
	/* the object before: the store replaces it (and frees it) */
	cJSON *before = was ? cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(was->obj, "metadata"), true)
			    : NULL;
	cJSON *bwrap = cJSON_CreateObject();
	if (before)
		cJSON_AddItemToObject(bwrap, "metadata", before);
	const cJSON *res = ta_store_update(&a->store, rt->res, ns, rt->name, obj,
					   rt->sub != NULL, &e);
	a->store.dry_run = false;
	ta_api_wlog_done(a, rt->res, res ? 200 : e.code, was ? bwrap : NULL, res, w->dry_run);
	cJSON_Delete(bwrap);
	if (!res) {
		ta_api_error(c, &e, rt->res, rt->name);
		return;
	}
	after_write(a, rt->res, res, w->dry_run);
	reply(c, 200, res, rt->res, rt->version, w->warnings);
}

void
ta_api_update(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
	      struct ta_route *rt, const char *ns)
{
	struct write_opts w;
	if (!write_opts(c, req, "UpdateOptions", &w))
		return;
	cJSON *obj = parse_body(c, req);
	if (!obj)
		return;
	if (!check_kind(c, obj, rt)) {
		cJSON_Delete(obj);
		return;
	}
	wlog_str(wlog_entry(a), "base_rv", meta_str(obj, "resourceVersion"));
	write_update(a, c, rt, ns, obj, &w);
}

void
ta_api_patch(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
	     struct ta_route *rt, const char *ns)
{
	struct ta_err e = {0};
	struct write_opts w;
	if (!write_opts(c, req, "PatchOptions", &w))
		return;
	struct ta_object *o = ta_store_get(rt->res, rt->res->namespaced ? ns : "", rt->name);
	const char *ct = req->content_type;
	bool custom = rt->res->flags & TA_CUSTOM;
	bool merge = strstr(ct, "application/merge-patch+json") != NULL;
	bool smp = !custom && strstr(ct, "application/strategic-merge-patch+json");
	bool jpatch = strstr(ct, "application/json-patch+json") != NULL;
	if (!merge && !jpatch && !smp) {
		ta_err_set(&e, 415, "UnsupportedMediaType",
			   "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json%s",
			   custom ? "" : ", application/strategic-merge-patch+json");
		ta_api_error(c, &e, NULL, NULL);
		return;
	}
	if (!o) {
		char qn[256];
		ta_err_set(&e, 404, "NotFound", "%s \"%s\" not found",
			   ta_resource_qname(rt->res, qn, sizeof(qn)), rt->name);
		ta_api_error(c, &e, rt->res, rt->name);
		return;
	}
	cJSON *patch = cJSON_ParseWithLength(req->body, req->body_len);
	if (!patch) {
		ta_err_set(&e, 400, "BadRequest", "the request body is not valid JSON (content-type %s)", ct);
		ta_api_error(c, &e, NULL, NULL);
		return;
	}
	wlog_str(wlog_entry(a), "base_rv", cJSON_IsObject(patch) ? meta_str(patch, "resourceVersion") : NULL);
	cJSON *doc = cJSON_Duplicate(o->obj, true);
	char *perr = NULL;
	if (smp)
		perr = ta_strategic_merge(&doc, patch);
	else if (merge)
		ta_merge_patch(&doc, patch);
	else
		perr = ta_json_patch(&doc, patch);
	cJSON_Delete(patch);
	if (perr) {
		ta_err_set(&e, 422, "Invalid", "%s", perr);
		free(perr);
		cJSON_Delete(doc);
		ta_api_error(c, &e, rt->res, rt->name);
		return;
	}
	write_update(a, c, rt, ns, doc, &w);
}
