/*
 * testapi/api.c - Kubernetes REST over the store: routing (legacy
 * /watch/ paths included), auth, injected faults, get (Table too),
 * delete, and the dispatch of reads to list.c/watch.c and writes to
 * write.c (see api.h).
 */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crd.h"
#include "namespace.h"
#include "select.h"
#include "table.h"

void
ta_api_json(struct ta_conn *c, int status, const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v);
	size_t n = strlen(s);
	s = realloc(s, n + 2);
	s[n] = '\n';
	ta_respond(c, status, "application/json", s, n + 1, NULL);
	free(s);
}

void
ta_api_error(struct ta_conn *c, struct ta_err *e,
	     const struct ta_resource *r, const char *name)
{
	cJSON *st = ta_err_status(e, r, name);
	ta_api_json(c, e->code, st);
	cJSON_Delete(st);
	ta_err_clear(e);
}

static void
gv_string(const struct ta_resource *r, const char *version,
	  char *buf, size_t n)
{
	if (r->group[0])
		snprintf(buf, n, "%s/%s", r->group, version);
	else
		snprintf(buf, n, "%s", version);
}

/* set apiVersion and kind for the version the client asked for */
void
ta_api_stamp(cJSON *obj, const struct ta_resource *r, const char *version)
{
	char gv[256];
	gv_string(r, version, gv, sizeof(gv));
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "apiVersion");
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "kind");
	cJSON_AddItemToObject(obj, "apiVersion", cJSON_CreateString(gv));
	cJSON_AddItemToObject(obj, "kind", cJSON_CreateString(r->kind));
}

static void
reply_obj(struct ta_conn *c, int status, const cJSON *obj,
	  const struct ta_resource *r, const char *version)
{
	ta_api_stamp((cJSON *)obj, r, version);
	ta_api_json(c, status, obj);
}

/* ---------------------------------------------------------------- verbs */

static void
do_get(struct ta_conn *c, const struct ta_req *req, struct ta_route *rt,
       const char *ns)
{
	struct ta_err e = {0};
	char qn[256];
	struct ta_object *o = ta_store_get(rt->res, ns, rt->name);
	if (!o) {
		ta_err_set(&e, 404, "NotFound", "%s \"%s\" not found",
			   ta_resource_qname(rt->res, qn, sizeof(qn)), rt->name);
		ta_api_error(c, &e, rt->res, rt->name);
		return;
	}
	ta_api_stamp(o->obj, rt->res, rt->version);
	if (!ta_table_wanted(req->accept)) {
		ta_api_json(c, 200, o->obj);
		return;
	}
	char *include = ta_query_get(req->query, "includeObject");
	cJSON *t = ta_table_new(rt->res, rt->version);
	ta_table_add_row(t, rt->res, rt->version, o->obj, include);
	char rv[32];
	snprintf(rv, sizeof(rv), "%llu", (unsigned long long)o->rv);
	cJSON_AddStringToObject(cJSON_GetObjectItemCaseSensitive(t, "metadata"), "resourceVersion", rv);
	ta_api_json(c, 200, t);
	cJSON_Delete(t);
	free(include);
}

static bool
is_crds(const struct ta_resource *r)
{
	return !strcmp(r->group, "apiextensions.k8s.io") &&
	       !strcmp(r->plural, "customresourcedefinitions");
}

/*
 * DELETE as the generic registry answers it: an object that is gone at
 * once is a Status Success with details (name, group, kind = the plural,
 * uid), except for kinds whose store returns the deleted object
 * (Services, ServiceAccounts, ...); one that waits for finalizers is
 * returned with its deletionTimestamp (202 when orphanDependents=false).
 */
static void
do_delete(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
	  struct ta_route *rt, const char *ns)
{
	struct ta_err e = {0};
	bool dry;
	if (!ta_write_options(c, req, "DeleteOptions", &dry))
		return;
	struct ta_resource *r = rt->res;
	if (!r->group[0] && !strcmp(r->plural, "namespaces")) {
		const cJSON *res = ta_ns_delete(a, rt->name, dry, &e);
		if (!res)
			ta_api_error(c, &e, r, rt->name);
		else
			reply_obj(c, 200, res, r, rt->version);
		return;
	}
	cJSON *opts = req->body_len ? cJSON_ParseWithLength(req->body, req->body_len) : NULL;
	const cJSON *pre = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(opts, "preconditions"), "resourceVersion");
	const cJSON *orphan = cJSON_GetObjectItemCaseSensitive(opts, "orphanDependents");
	bool deleted;
	cJSON *gone = NULL;
	a->store.dry_run = dry;
	const cJSON *res = ta_store_delete(&a->store, r, ns, rt->name,
					   cJSON_IsString(pre) ? pre->valuestring : NULL,
					   &deleted, &e, &gone);
	a->store.dry_run = false;
	ta_api_wlog_deleted(a, !res ? e.code : !deleted && cJSON_IsFalse(orphan) ? 202 : 200,
			    res, dry);
	if (!res) {
		ta_api_error(c, &e, r, rt->name);
	} else if (!deleted || (r->flags & TA_RETURN_DELETED)) {
		reply_obj(c, !deleted && cJSON_IsFalse(orphan) ? 202 : 200, res, r, rt->version);
	} else {
		cJSON *st = cJSON_CreateObject();
		cJSON_AddStringToObject(st, "kind", "Status");
		cJSON_AddStringToObject(st, "apiVersion", "v1");
		cJSON_AddObjectToObject(st, "metadata");
		cJSON_AddStringToObject(st, "status", "Success");
		cJSON *d = cJSON_AddObjectToObject(st, "details");
		cJSON_AddStringToObject(d, "name", rt->name);
		if (r->group[0])
			cJSON_AddStringToObject(d, "group", r->group);
		cJSON_AddStringToObject(d, "kind", r->plural);
		const cJSON *uid = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(res, "metadata"), "uid");
		if (cJSON_IsString(uid))
			cJSON_AddStringToObject(d, "uid", uid->valuestring);
		ta_api_json(c, 200, st);
		cJSON_Delete(st);
	}
	if (deleted && !dry && is_crds(r) && gone) {
		/* its resource goes with it: objects, then the watches on it */
		struct ta_resource *cr = ta_crd_resource(&a->store, gone);
		if (cr) {
			ta_store_remove_resource(&a->store, cr);
			ta_api_end_watches(a, cr);
		}
	}
	cJSON_Delete(opts);
	cJSON_Delete(gone);
}

static void
do_item(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
	struct ta_route *rt)
{
	struct ta_err e = {0};
	const char *ns = rt->res->namespaced ? (rt->ns ? rt->ns : "") : "";
	char qn[256];
	ta_resource_qname(rt->res, qn, sizeof(qn));
	if (rt->sub && (strcmp(rt->sub, "status") || !rt->res->has_status)) {
		ta_err_set(&e, 404, "NotFound", "the server could not find the requested resource");
		ta_api_error(c, &e, NULL, NULL);
		return;
	}
	if (!strcmp(req->method, "GET")) {
		do_get(c, req, rt, ns);
	} else if (!strcmp(req->method, "PUT")) {
		ta_api_update(a, c, req, rt, ns);
	} else if (!strcmp(req->method, "PATCH")) {
		ta_api_patch(a, c, req, rt, ns);
	} else if (!strcmp(req->method, "DELETE") && !rt->sub) {
		do_delete(a, c, req, rt, ns);
	} else {
		ta_err_set(&e, 405, "MethodNotAllowed", "%s is not supported on %s \"%s\"",
			   req->method, qn, rt->name);
		ta_api_error(c, &e, NULL, NULL);
	}
}

static bool
flag(const char *v)
{
	return v && (!strcmp(v, "true") || !strcmp(v, "1"));
}

static void
do_read(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
	struct ta_route *rt)
{
	struct ta_err e = {0};
	char *ls = ta_query_get(req->query, "labelSelector");
	char *fs = ta_query_get(req->query, "fieldSelector");
	char *watch = ta_query_get(req->query, "watch");
	char *rv = ta_query_get(req->query, "resourceVersion");
	char *match = ta_query_get(req->query, "resourceVersionMatch");
	char *cont = ta_query_get(req->query, "continue");
	char *limit = ta_query_get(req->query, "limit");
	char *sie = ta_query_get(req->query, "sendInitialEvents");
	struct ta_list_opts o = {rv, match, cont, limit, sie != NULL, flag(sie)};
	bool is_watch = rt->watch || flag(watch);
	char *err = NULL;
	struct ta_selector *lsel = ta_selector_parse(ls, false, &err);
	struct ta_selector *fsel = lsel ? ta_selector_parse(fs, true, &err) : NULL;
	const char *bad = fsel ? ta_selector_unsupported(fsel, rt->res) : NULL;
	if (!fsel) {
		ta_err_set(&e, 400, "BadRequest", "%s", err);
		ta_api_error(c, &e, NULL, NULL);
		ta_selector_free(lsel);
	} else if (bad) {
		/* what the field label conversion says: an informer using an
		 * unsupported selector never syncs against a real server */
		ta_err_set(&e, 400, "BadRequest", "field label not supported: %s", bad);
		ta_api_error(c, &e, NULL, NULL);
		ta_selector_free(lsel);
		ta_selector_free(fsel);
	} else if (!ta_list_options_check(a, c, &o, is_watch)) {
		ta_selector_free(lsel);
		ta_selector_free(fsel);
	} else if (is_watch) {
		if (rt->name) /* /watch/.../NAME: the object by name */
			fsel = ta_selector_add_eq(fsel, "metadata.name", rt->name);
		ta_api_watch(a, c, req, rt, &o, lsel, fsel);
	} else {
		ta_api_list(a, c, req, rt, &o, lsel, fsel);
		ta_selector_free(lsel);
		ta_selector_free(fsel);
	}
	free(err);
	free(ls);
	free(fs);
	free(watch);
	free(rv);
	free(match);
	free(cont);
	free(limit);
	free(sie);
}

static void
do_collection(struct ta_api *a, struct ta_conn *c,
	      const struct ta_req *req, struct ta_route *rt)
{
	struct ta_err e = {0};
	if (!strcmp(req->method, "GET")) {
		do_read(a, c, req, rt);
	} else if (!strcmp(req->method, "POST")) {
		if (rt->res->namespaced && !rt->ns) {
			ta_err_set(&e, 405, "MethodNotAllowed",
				   "create needs a namespace in the path for a namespaced resource");
			ta_api_error(c, &e, NULL, NULL);
			return;
		}
		ta_api_create(a, c, req, rt);
	} else {
		ta_err_set(&e, 405, "MethodNotAllowed", "%s is not supported on a collection",
			   req->method);
		ta_api_error(c, &e, NULL, NULL);
	}
}

/* ---------------------------------------------------------------- routing */

static void
route_clear(struct ta_route *rt)
{
	free(rt->group);
	free(rt->version);
	free(rt->ns);
	free(rt->name);
	free(rt->sub);
}

/* false when the path is not a resource path */
static bool
route_parse(struct ta_api *a, const char *path, struct ta_route *rt)
{
	char *segs[8];
	size_t n = 0;
	char *copy = fs_xstrdup(path), *save = NULL;
	for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (n == 8) {
			free(copy);
			return false;
		}
		segs[n++] = t;
	}
	size_t i;
	bool ok = false;
	if (n >= 3 && !strcmp(segs[0], "api")) {
		rt->group = fs_xstrdup("");
		rt->version = fs_xstrdup(segs[1]);
		i = 2;
	} else if (n >= 4 && !strcmp(segs[0], "apis")) {
		rt->group = fs_xstrdup(segs[1]);
		rt->version = fs_xstrdup(segs[2]);
		i = 3;
	} else {
		goto out;
	}
	if (n > i && !strcmp(segs[i], "watch")) { /* /api/v1/watch/... */
		rt->watch = true;
		i++;
	}
	size_t rest = n - i;
	if (rest >= 3 && !strcmp(segs[i], "namespaces")) {
		struct ta_resource *r = ta_store_find(&a->store, rt->group, rt->version, segs[i + 2]);
		if (r && r->namespaced) {
			rt->ns = fs_xstrdup(segs[i + 1]);
			i += 2;
			rest -= 2;
		}
	}
	if (rest < 1 || rest > 3 || (rt->watch && rest > 2))
		goto out;
	rt->res = ta_store_find(&a->store, rt->group, rt->version, segs[i]);
	if (rest >= 2)
		rt->name = fs_xstrdup(segs[i + 1]);
	if (rest == 3)
		rt->sub = fs_xstrdup(segs[i + 2]);
	ok = true;
out:
	free(copy);
	return ok;
}

static void
log_write(struct ta_api *a, const struct ta_req *r)
{
	if (!strcmp(r->method, "GET"))
		return;
	cJSON *w = cJSON_CreateObject();
	cJSON_AddStringToObject(w, "method", r->method);
	cJSON_AddStringToObject(w, "path", r->path);
	cJSON_AddStringToObject(w, "agent", r->user_agent);
	cJSON_AddItemToArray(a->writes, w);
}

static bool
auth_ok(struct ta_api *a, const struct ta_req *r)
{
	if (r->peer_cn)
		return true;
	if (a->token) {
		const char *p = r->auth;
		return !strncmp(p, "Bearer ", 7) && !strcmp(p + 7, a->token);
	}
	return !a->require_auth;
}

void
ta_api_handle(struct ta_server *srv, struct ta_conn *c, struct ta_req *r)
{
	struct ta_api *a = ta_server_ud(srv);
	struct ta_err e = {0};
	if (!strncmp(r->path, "/_testapi/", 10)) {
		ta_admin(a, c, r);
		return;
	}
	a->n_requests++;
	if (!auth_ok(a, r)) {
		ta_err_set(&e, 401, "Unauthorized", "Unauthorized");
		ta_api_error(c, &e, NULL, NULL);
		return;
	}
	if (a->fail_count > 0 &&
	    (!a->fail_agent || strstr(r->user_agent, a->fail_agent))) {
		a->fail_count--;
		ta_err_set(&e, a->fail_status,
			   a->fail_status == 429 ? "TooManyRequests" : "InternalError",
			   "injected failure (%u more to come)", a->fail_count);
		cJSON *st = ta_err_status(&e, NULL, NULL);
		char *s = cJSON_PrintUnformatted(st);
		char hdr[64] = "";
		if (a->retry_after)
			snprintf(hdr, sizeof(hdr), "Retry-After: %u\r\n", a->retry_after);
		ta_respond(c, e.code, "application/json", s, strlen(s), hdr);
		free(s);
		cJSON_Delete(st);
		return;
	}
	if (ta_discovery(a, c, r))
		return;
	struct ta_route rt = {0};
	if (!route_parse(a, r->path, &rt) || !rt.res) {
		ta_err_set(&e, 404, "NotFound", "the server could not find the requested resource");
		ta_api_error(c, &e, NULL, NULL);
		route_clear(&rt);
		return;
	}
	log_write(a, r);
	if (rt.name && !rt.watch)
		do_item(a, c, r, &rt);
	else
		do_collection(a, c, r, &rt);
	route_clear(&rt);
}

void
ta_api_init(struct ta_api *a, size_t window)
{
	memset(a, 0, sizeof(*a));
	ta_store_init(&a->store, window);
	a->store.on_event = ta_api_on_event;
	a->store.on_event_ud = a;
	a->writes = cJSON_CreateArray();
	a->bookmark_interval = 5.0;
}

void
ta_api_release(struct ta_api *a)
{
	ta_api_watches_release(a);
	ta_ns_release(a);
	ta_store_release(&a->store);
	cJSON_Delete(a->writes);
	free(a->token);
	free(a->fail_agent);
}
