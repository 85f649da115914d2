/*
 * testapi/watch.c - watch streams of the test API server: initial ADDED
 * events or the history since a resourceVersion, live events filtered by
 * namespace and selectors (an object entering or leaving a selector is
 * ADDED or DELETED for that watch), bookmarks, timeoutSeconds, 410
 * Expired for versions older than the window, the watch-list protocol
 * (sendInitialEvents=true: the current objects, then a BOOKMARK with
 * the k8s.io/initial-events-end annotation) and Table events for
 * `kubectl get -w`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "select.h"
#include "table.h"

struct ta_watch {
	struct ta_api *api;
	struct ta_conn *conn;
	struct ta_resource *res;
	char *ns;      /* NULL: every namespace */
	char *version; /* served version (apiVersion of the events) */
	struct ta_selector *lsel, *fsel;
	bool bookmarks;
	bool table;    /* events carry a one-row Table */
	char *include; /* includeObject of the Table rows */
	ev_timer timeout, bookmark;
	struct ta_watch *prev, *next;
};

static void
watch_free(struct ta_watch *w)
{
	struct ev_loop *loop = EV_DEFAULT;
	ev_timer_stop(loop, &w->timeout);
	ev_timer_stop(loop, &w->bookmark);
	if (w->prev)
		w->prev->next = w->next;
	else
		w->api->watches = w->next;
	if (w->next)
		w->next->prev = w->prev;
	ta_selector_free(w->lsel);
	ta_selector_free(w->fsel);
	free(w->ns);
	free(w->version);
	free(w->include);
	free(w);
}

static void
watch_gone(void *ud)
{
	watch_free(ud);
}

static void
watch_send(struct ta_watch *w, const char *type, cJSON *obj)
{
	ta_api_stamp(obj, w->res, w->version);
	cJSON *ev = cJSON_CreateObject();
	cJSON_AddStringToObject(ev, "type", type);
	if (w->table && strcmp(type, "BOOKMARK")) {
		cJSON *t = ta_table_new(w->res, w->version);
		ta_table_add_row(t, w->res, w->version, obj, w->include);
		cJSON_AddItemToObject(ev, "object", t);
	} else {
		cJSON_AddItemReferenceToObject(ev, "object", obj);
	}
	char *s = cJSON_PrintUnformatted(ev);
	size_t n = strlen(s);
	s = realloc(s, n + 2);
	s[n] = '\n';
	ta_stream_send(w->conn, s, n + 1);
	free(s);
	cJSON_Delete(ev);
}

static bool
watch_matches(const struct ta_watch *w, const cJSON *obj)
{
	if (w->ns) {
		const cJSON *ns = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "namespace");
		if (!cJSON_IsString(ns) || strcmp(ns->valuestring, w->ns))
			return false;
	}
	return ta_selector_matches(w->lsel, obj) && ta_selector_matches(w->fsel, obj);
}

static const char *const ev_names[] = {"ADDED", "MODIFIED", "DELETED"};

static void
watch_deliver(void *ud, const struct ta_event *ev)
{
	struct ta_watch *w = ud;
	if (ev->res != w->res)
		return;
	bool now = watch_matches(w, ev->obj);
	if (ev->type != TA_MODIFIED || !ev->prev) {
		if (now)
			watch_send(w, ev_names[ev->type], ev->obj);
		return;
	}
	/* as the real server does: an object that starts or stops matching
	 * the watch's selectors is ADDED or DELETED for that watch */
	bool before = watch_matches(w, ev->prev);
	if (now)
		watch_send(w, before ? "MODIFIED" : "ADDED", ev->obj);
	else if (before)
		watch_send(w, "DELETED", ev->obj);
}

void
ta_api_on_event(void *ud, const struct ta_event *ev)
{
	struct ta_api *a = ud;
	for (struct ta_watch *w = a->watches; w; w = w->next)
		watch_deliver(w, ev);
}

static void
watch_bookmark_ex(struct ta_watch *w, bool initial_end)
{
	cJSON *obj = cJSON_CreateObject();
	cJSON *md = cJSON_AddObjectToObject(obj, "metadata");
	char rv[32];
	snprintf(rv, sizeof(rv), "%llu", (unsigned long long)w->api->store.rv);
	cJSON_AddStringToObject(md, "resourceVersion", rv);
	if (initial_end)
		cJSON_AddStringToObject(cJSON_AddObjectToObject(md, "annotations"),
					"k8s.io/initial-events-end", "true");
	watch_send(w, "BOOKMARK", obj);
	cJSON_Delete(obj);
}

static void
watch_bookmark(struct ta_watch *w)
{
	watch_bookmark_ex(w, false);
}

void
ta_api_bookmark_all(struct ta_api *a)
{
	for (struct ta_watch *w = a->watches; w; w = w->next)
		if (w->bookmarks)
			watch_bookmark(w);
}

size_t
ta_api_watch_count(const struct ta_api *a)
{
	size_t n = 0;
	for (const struct ta_watch *w = a->watches; w; w = w->next)
		n++;
	return n;
}

void
ta_api_drop_watches(struct ta_api *a)
{
	while (a->watches)
		ta_conn_abort(a->watches->conn); /* its gone callback unlinks it */
}

static void
watch_on_bookmark(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)loop;
	(void)revents;
	watch_bookmark(t->data);
}

static void
watch_on_timeout(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)loop;
	(void)revents;
	struct ta_watch *w = t->data;
	ta_stream_end(w->conn);
	watch_free(w);
}

static void
send_gone(struct ta_conn *c, const char *why)
{
	struct ta_err e = {0};
	ta_err_set(&e, 410, "Expired", "%s", why);
	cJSON *ev = cJSON_CreateObject();
	cJSON_AddStringToObject(ev, "type", "ERROR");
	cJSON_AddItemToObject(ev, "object", ta_err_status(&e, NULL, NULL));
	char *s = cJSON_PrintUnformatted(ev);
	ta_stream_begin(c, "application/json", NULL, NULL);
	ta_stream_send(c, s, strlen(s));
	ta_stream_send(c, "\n", 1);
	ta_stream_end(c);
	free(s);
	cJSON_Delete(ev);
}

void
ta_api_end_watches(struct ta_api *a, const struct ta_resource *r)
{
	struct ta_watch *w = a->watches;
	while (w) {
		struct ta_watch *next = w->next;
		if (w->res == r) {
			ta_stream_end(w->conn);
			watch_free(w);
		}
		w = next;
	}
}

void
ta_api_watch(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
	     struct ta_route *rt, const struct ta_list_opts *o,
	     struct ta_selector *lsel, struct ta_selector *fsel)
{
	const char *rvs = o->rv;
	char *bm = ta_query_get(req->query, "allowWatchBookmarks");
	char *to = ta_query_get(req->query, "timeoutSeconds");
	uint64_t from = 0;
	bool any = !rvs || !rvs[0] || !strcmp(rvs, "0");
	/* sendInitialEvents=false with no version: only what comes next */
	bool initial = o->send_initial ? o->send_initial_true : any;
	bool none_before = o->send_initial && !o->send_initial_true && any;
	if (!any) {
		char *end;
		from = strtoull(rvs, &end, 10);
		if (*end) {
			struct ta_err e = {0};
			ta_err_set(&e, 400, "BadRequest",
				   "resourceVersion: Invalid value: \"%s\": must be an integer", rvs);
			ta_api_error(c, &e, NULL, NULL);
			ta_selector_free(lsel);
			ta_selector_free(fsel);
			goto out;
		}
	}
	if (!any && from > a->store.rv) {
		/* kube-apiserver's watch cache waits up to 3 s for a version it
		 * has not reached, then answers this; here it is at once */
		struct ta_err e = {0};
		ta_err_set(&e, 504, "Timeout", "Timeout: Too large resource version: %llu, "
			   "current: %llu", (unsigned long long)from,
			   (unsigned long long)a->store.rv);
		e.details = cJSON_Parse("{\"causes\":[{\"reason\":\"ResourceVersionTooLarge\","
					"\"message\":\"Too large resource version\"}],"
					"\"retryAfterSeconds\":1}");
		ta_api_error(c, &e, NULL, NULL);
		ta_selector_free(lsel);
		ta_selector_free(fsel);
		goto out;
	}
	if (!any && !initial && from < a->store.compacted_rv) {
		char why[128];
		snprintf(why, sizeof(why), "too old resource version: %llu (%llu)",
			 (unsigned long long)from,
			 (unsigned long long)a->store.compacted_rv);
		send_gone(c, why);
		ta_selector_free(lsel);
		ta_selector_free(fsel);
		goto out;
	}
	struct ta_watch *w = fs_xcalloc(1, sizeof(*w));
	w->api = a;
	w->conn = c;
	w->res = rt->res;
	w->ns = rt->ns ? fs_xstrdup(rt->ns) : NULL;
	w->version = fs_xstrdup(rt->version);
	w->lsel = lsel;
	w->fsel = fsel;
	w->bookmarks = bm && (!strcmp(bm, "true") || !strcmp(bm, "1"));
	w->table = ta_table_wanted(req->accept);
	w->include = ta_query_get(req->query, "includeObject");
	ev_timer_init(&w->timeout, watch_on_timeout, 0., 0.);
	ev_timer_init(&w->bookmark, watch_on_bookmark, a->bookmark_interval,
		      a->bookmark_interval);
	w->timeout.data = w->bookmark.data = w;
	ta_stream_begin(c, "application/json", watch_gone, w);
	if (initial) {
		for (size_t i = 0; i < rt->res->n; i++)
			if (watch_matches(w, rt->res->objs[i]->obj))
				watch_send(w, "ADDED", rt->res->objs[i]->obj);
		if (o->send_initial_true && w->bookmarks)
			watch_bookmark_ex(w, true);
	} else if (!none_before) {
		ta_store_since(&a->store, from, watch_deliver, w);
	}
	w->next = a->watches;
	if (a->watches)
		a->watches->prev = w;
	a->watches = w;
	long secs = to ? strtol(to, NULL, 10) : 0;
	if (secs > 0) {
		ev_timer_set(&w->timeout, (double)secs, 0.);
		ev_timer_start(EV_DEFAULT, &w->timeout);
	}
	if (w->bookmarks && a->bookmark_interval > 0)
		ev_timer_start(EV_DEFAULT, &w->bookmark);
out:
	free(bm);
	free(to);
}

void
ta_api_watches_release(struct ta_api *a)
{
	while (a->watches)
		watch_free(a->watches);
}
