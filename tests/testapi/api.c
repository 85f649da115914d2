/*
 * testapi/api.c - Kubernetes REST verbs over the store: routing, get,
 * list, create, update, patch, delete (see api.h; watches are in
 * watch.c).
 */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patch.h"
#include "select.h"

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
ta_api_error(struct ta_conn *c, const struct ta_err *e,
	     const struct ta_resource *r, const char *name)
{
	cJSON *st = ta_err_status(e, r, name);
	ta_api_json(c, e->code, st);
	cJSON_Delete(st);
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

/* ---------------------------------------------------------------- list */

static void
hex_encode(struct fs_buf *b, const char *s)
{
	for (; *s; s++)
		fs_buf_printf(b, "%02x", (unsigned char)*s);
}

static char *
hex_decode(const char *s)
{
	size_t n = strlen(s);
	if (n % 2)
		return NULL;
	char *out = fs_xmalloc(n / 2 + 1);
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1) {
			free(out);
			return NULL;
		}
		out[i] = (char)v;
	}
	out[n / 2] = '\0';
	return out;
}

static void
do_list(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
	struct ta_route *rt, struct ta_selector *lsel,
	struct ta_selector *fsel)
{
	char *lim = ta_query_get(req->query, "limit");
	char *cont = ta_query_get(req->query, "continue");
	long limit = lim ? strtol(lim, NULL, 10) : 0;
	uint64_t list_rv = a->store.rv;
	size_t start = 0;
	struct ta_resource *r = rt->res;
	if (cont && cont[0]) {
		char *tok = hex_decode(cont);
		char *bar1 = tok ? strchr(tok, '|') : NULL;
		char *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
		if (!bar2) {
			struct ta_err e = {0};
			ta_err_set(&e, 400, "BadRequest", "continue key is not valid: malformed token");
			ta_api_error(c, &e, NULL, NULL);
			free(tok);
			goto out;
		}
		*bar1 = *bar2 = '\0';
		list_rv = strtoull(tok, NULL, 10);
		if (list_rv < a->store.compacted_rv) {
			struct ta_err e = {0};
			ta_err_set(&e, 410, "Expired",
				   "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
			ta_api_error(c, &e, NULL, NULL);
			free(tok);
			goto out;
		}
		start = ta_store_lower_bound(r, bar1 + 1, bar2 + 1);
		free(tok);
	}
	char gv[256];
	gv_string(r, rt->version, gv, sizeof(gv));
	cJSON *list = cJSON_CreateObject();
	cJSON_AddStringToObject(list, "kind", r->list_kind);
	cJSON_AddStringToObject(list, "apiVersion", gv);
	cJSON *md = cJSON_AddObjectToObject(list, "metadata");
	cJSON *items = cJSON_AddArrayToObject(list, "items");
	char rvbuf[32];
	snprintf(rvbuf, sizeof(rvbuf), "%llu", (unsigned long long)list_rv);
	cJSON_AddStringToObject(md, "resourceVersion", rvbuf);
	long count = 0, remaining = 0;
	const struct ta_object *last = NULL;
	for (size_t i = start; i < r->n; i++) {
		const struct ta_object *o = r->objs[i];
		if (rt->ns && strcmp(o->ns, rt->ns))
			continue;
		if (!ta_selector_matches(lsel, o->obj) || !ta_selector_matches(fsel, o->obj))
			continue;
		if (limit > 0 && count == limit) {
			remaining++;
			continue;
		}
		ta_api_stamp(o->obj, r, rt->version);
		cJSON_AddItemToArray(items, cJSON_Duplicate(o->obj, true));
		last = o;
		count++;
	}
	if (remaining && last) {
		struct fs_buf b = FS_BUF_INIT, t = FS_BUF_INIT;
		fs_buf_printf(&t, "%s|%s|%s", rvbuf, last->ns, last->name);
		hex_encode(&b, t.data);
		cJSON_AddStringToObject(md, "continue", b.data);
		cJSON_AddNumberToObject(md, "remainingItemCount", (double)remaining);
		fs_buf_release(&b);
		fs_buf_release(&t);
	}
	ta_api_json(c, 200, list);
	cJSON_Delete(list);
out:
	ta_selector_free(lsel);
	ta_selector_free(fsel);
	free(lim);
	free(cont);
}

/* ---------------------------------------------------------------- verbs */

static cJSON *
parse_body(struct ta_conn *c, const struct ta_req *req)
{
	cJSON *v = cJSON_ParseWithLength(req->body, req->body_len);
	if (!v) {
		struct ta_err e = {0};
		ta_err_set(&e, 400, "BadRequest",
			   "the request body is not valid JSON (content-type %s)",
			   req->content_type[0] ? req->content_type : "none");
		ta_api_error(c, &e, NULL, NULL);
	}
	return v;
}

static bool
check_kind(struct ta_conn *c, const cJSON *obj, struct ta_route *rt)
{
	const cJSON *av = cJSON_GetObjectItemCaseSensitive(obj, "apiVersion");
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(obj, "kind");
	char gv[256];
	gv_string(rt->res, rt->version, gv, sizeof(gv));
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

static void
do_patch(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
	 struct ta_route *rt, const char *ns)
{
	struct ta_err e = {0};
	struct ta_object *o = ta_store_get(rt->res, ns, rt->name);
	if (!o) {
		char qn[256];
		ta_err_set(&e, 404, "NotFound", "%s \"%s\" not found",
			   ta_resource_qname(rt->res, qn, sizeof(qn)), rt->name);
		ta_api_error(c, &e, rt->res, rt->name);
		return;
	}
	const char *ct = req->content_type;
	bool merge = strstr(ct, "application/merge-patch+json") ||
		     strstr(ct, "application/strategic-merge-patch+json");
	bool jpatch = strstr(ct, "application/json-patch+json") != NULL;
	if (!merge && !jpatch) {
		ta_err_set(&e, 415, "UnsupportedMediaType",
			   "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got \"%s\")",
			   ct);
		ta_api_error(c, &e, NULL, NULL);
		return;
	}
	cJSON *patch = parse_body(c, req);
	if (!patch)
		return;
	cJSON *doc = cJSON_Duplicate(o->obj, true);
	if (merge) {
		ta_merge_patch(&doc, patch);
	} else {
		char *perr = ta_json_patch(&doc, patch);
		if (perr) {
			ta_err_set(&e, 422, "Invalid", "%s", perr);
			free(perr);
			cJSON_Delete(doc);
			cJSON_Delete(patch);
			ta_api_error(c, &e, rt->res, rt->name);
			return;
		}
	}
	cJSON_Delete(patch);
	const cJSON *res = ta_store_update(&a->store, rt->res, ns, rt->name, doc,
					   rt->sub != NULL, &e);
	if (!res)
		ta_api_error(c, &e, rt->res, rt->name);
	else
		reply_obj(c, 200, res, rt->res, rt->version);
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
		struct ta_object *o = ta_store_get(rt->res, ns, rt->name);
		if (!o) {
			ta_err_set(&e, 404, "NotFound", "%s \"%s\" not found", qn, rt->name);
			ta_api_error(c, &e, rt->res, rt->name);
			return;
		}
		reply_obj(c, 200, o->obj, rt->res, rt->version);
	} else if (!strcmp(req->method, "PUT")) {
		cJSON *obj = parse_body(c, req);
		if (!obj)
			return;
		if (!check_kind(c, obj, rt)) {
			cJSON_Delete(obj);
			return;
		}
		const cJSON *res = ta_store_update(&a->store, rt->res, ns, rt->name,
						   obj, rt->sub != NULL, &e);
		if (!res)
			ta_api_error(c, &e, rt->res, rt->name);
		else
			reply_obj(c, 200, res, rt->res, rt->version);
	} else if (!strcmp(req->method, "PATCH")) {
		do_patch(a, c, req, rt, ns);
	} else if (!strcmp(req->method, "DELETE") && !rt->sub) {
		cJSON *opts = req->body_len ? cJSON_ParseWithLength(req->body, req->body_len) : NULL;
		const cJSON *pre = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(opts, "preconditions"),
			"resourceVersion");
		bool deleted;
		cJSON *gone = NULL;
		const cJSON *res = ta_store_delete(&a->store, rt->res, ns, rt->name,
						   cJSON_IsString(pre) ? pre->valuestring : NULL,
						   &deleted, &e, &gone);
		cJSON_Delete(opts);
		if (!res)
			ta_api_error(c, &e, rt->res, rt->name);
		else
			reply_obj(c, 200, res, rt->res, rt->version);
		cJSON_Delete(gone);
	} else {
		ta_err_set(&e, 405, "MethodNotAllowed", "%s is not supported on %s \"%s\"",
			   req->method, qn, rt->name);
		ta_api_error(c, &e, NULL, NULL);
	}
}

static void
do_collection(struct ta_api *a, struct ta_conn *c,
	      const struct ta_req *req, struct ta_route *rt)
{
	struct ta_err e = {0};
	if (!strcmp(req->method, "GET")) {
		char *ls = ta_query_get(req->query, "labelSelector");
		char *fs = ta_query_get(req->query, "fieldSelector");
		char *watch = ta_query_get(req->query, "watch");
		char *err = NULL;
		struct ta_selector *lsel = ta_selector_parse(ls, false, &err);
		struct ta_selector *fsel = lsel ? ta_selector_parse(fs, true, &err) : NULL;
		if (!fsel) {
			ta_err_set(&e, 400, "BadRequest", "%s", err);
			ta_api_error(c, &e, NULL, NULL);
			ta_selector_free(lsel);
		} else if (watch && (!strcmp(watch, "true") || !strcmp(watch, "1"))) {
			ta_api_watch(a, c, req, rt, lsel, fsel);
		} else {
			do_list(a, c, req, rt, lsel, fsel);
		}
		free(err);
		free(ls);
		free(fs);
		free(watch);
	} else if (!strcmp(req->method, "POST")) {
		if (rt->res->namespaced && !rt->ns) {
			ta_err_set(&e, 405, "MethodNotAllowed",
				   "create needs a namespace in the path for a namespaced resource");
			ta_api_error(c, &e, NULL, NULL);
			return;
		}
		cJSON *obj = parse_body(c, req);
		if (!obj)
			return;
		if (!check_kind(c, obj, rt)) {
			cJSON_Delete(obj);
			return;
		}
		const cJSON *res = ta_store_create(&a->store, rt->res,
						   rt->ns ? rt->ns : "", obj, &e);
		if (!res)
			ta_api_error(c, &e, rt->res, NULL);
		else
			reply_obj(c, 201, res, rt->res, rt->version);
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
	size_t rest = n - i;
	if (rest >= 3 && !strcmp(segs[i], "namespaces")) {
		struct ta_resource *r = ta_store_find(&a->store, rt->group, rt->version, segs[i + 2]);
		if (r && r->namespaced) {
			rt->ns = fs_xstrdup(segs[i + 1]);
			i += 2;
			rest -= 2;
		}
	}
	if (rest < 1 || rest > 3)
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
	if (rt.name)
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
	ta_store_release(&a->store);
	cJSON_Delete(a->writes);
	free(a->token);
	free(a->fail_agent);
}
