/*
 * testapi/list.c - GET on a collection: the list and watch options the
 * real server refuses (422 ListOptions, 400, 410, 504), consistent pages
 * (every continue page is read at the first page's resourceVersion),
 * resourceVersionMatch=Exact reads of the past, typed lists without
 * kind/apiVersion on their items, and the Table format (see api.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "ferr.h"
#include "select.h"
#include "table.h"
#include "util/buf.h"

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

static bool
set(const char *v)
{
	return v && v[0];
}

bool
ta_list_options_check(struct ta_api *a, struct ta_conn *c,
		      const struct ta_list_opts *o, bool watch)
{
	(void)a;
	struct ta_ferrs f = {0};
	const char *m = o->rv_match;
	if (watch) {
		if (o->send_initial && (!m || strcmp(m, "NotOlderThan")))
			ta_ferrs_add(&f, "resourceVersionMatch", "FieldValueForbidden",
				     "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
		if (set(m)) {
			if (!o->send_initial)
				ta_ferrs_add(&f, "resourceVersionMatch", "FieldValueForbidden",
					     "Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided");
			if (strcmp(m, "NotOlderThan"))
				ta_ferrs_add(&f, "resourceVersionMatch", "FieldValueNotSupported",
					     "Unsupported value: \"%s\": supported values: \"NotOlderThan\"", m);
		}
	} else {
		if (set(m)) {
			if (!set(o->rv))
				ta_ferrs_add(&f, "resourceVersionMatch", "FieldValueForbidden",
					     "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
			if (set(o->cont))
				ta_ferrs_add(&f, "resourceVersionMatch", "FieldValueForbidden",
					     "Forbidden: resourceVersionMatch is forbidden when continue is provided");
			if (strcmp(m, "Exact") && strcmp(m, "NotOlderThan"))
				ta_ferrs_add(&f, "resourceVersionMatch", "FieldValueNotSupported",
					     "Unsupported value: \"%s\": supported values: \"Exact\", \"NotOlderThan\", \"\"", m);
			if (!strcmp(m, "Exact") && o->rv && !strcmp(o->rv, "0"))
				ta_ferrs_add(&f, "resourceVersionMatch", "FieldValueForbidden",
					     "Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
		}
		if (o->send_initial)
			ta_ferrs_add(&f, "sendInitialEvents", "FieldValueForbidden",
				     "Forbidden: sendInitialEvents is forbidden for list");
	}
	if (!f.n)
		return true;
	struct ta_err e = {0};
	ta_ferrs_to_err(&f, "meta.k8s.io", "ListOptions", "", &e);
	ta_ferrs_release(&f);
	ta_api_error(c, &e, NULL, NULL);
	return false;
}

/* the resourceVersion a list reads at; 0 when an error was sent */
static uint64_t
list_rv(struct ta_api *a, struct ta_conn *c, const struct ta_list_opts *o)
{
	struct ta_err e = {0};
	uint64_t now = a->store.rv;
	if (!set(o->rv) || !strcmp(o->rv, "0"))
		return now;
	char *end;
	uint64_t rv = strtoull(o->rv, &end, 10);
	if (*end || !rv) {
		ta_err_set(&e, 400, "BadRequest",
			   "resourceVersion: Invalid value: \"%s\": strconv.ParseUint: parsing \"%s\": invalid syntax",
			   o->rv, o->rv);
		ta_api_error(c, &e, NULL, NULL);
		return 0;
	}
	if (rv > now) {
		/* the watch cache waits 3 s for the version, then gives up */
		ta_err_set(&e, 504, "Timeout", "Too large resource version: %llu, current: %llu",
			   (unsigned long long)rv, (unsigned long long)now);
		e.details = cJSON_CreateObject();
		cJSON *causes = cJSON_AddArrayToObject(e.details, "causes");
		cJSON *cause = cJSON_CreateObject();
		cJSON_AddStringToObject(cause, "reason", "ResourceVersionTooLarge");
		cJSON_AddStringToObject(cause, "message", "Too large resource version");
		cJSON_AddItemToArray(causes, cause);
		cJSON_AddNumberToObject(e.details, "retryAfterSeconds", 1);
		ta_api_error(c, &e, NULL, NULL);
		return 0;
	}
	if (o->rv_match && !strcmp(o->rv_match, "Exact")) {
		if (rv < a->store.compacted_rv) {
			ta_err_set(&e, 410, "Expired", "The resourceVersion for the provided list is too old.");
			ta_api_error(c, &e, NULL, NULL);
			return 0;
		}
		return rv;
	}
	return now; /* NotOlderThan (or legacy): anything as new is fine */
}

static bool
in_scope(const struct ta_route *rt, const cJSON *obj)
{
	if (!rt->ns)
		return true;
	const cJSON *ns = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "namespace");
	return cJSON_IsString(ns) && !strcmp(ns->valuestring, rt->ns);
}

static int
key_after(const cJSON *obj, const char *ns, const char *name)
{
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const cJSON *ons = cJSON_GetObjectItemCaseSensitive(md, "namespace");
	const cJSON *on = cJSON_GetObjectItemCaseSensitive(md, "name");
	int k = strcmp(cJSON_IsString(ons) ? ons->valuestring : "", ns);
	return k ? k > 0 : strcmp(cJSON_IsString(on) ? on->valuestring : "", name) > 0;
}

void
ta_api_list(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
	    struct ta_route *rt, const struct ta_list_opts *o,
	    struct ta_selector *lsel, struct ta_selector *fsel)
{
	struct ta_resource *r = rt->res;
	struct ta_err e = {0};
	long limit = set(o->limit) ? strtol(o->limit, NULL, 10) : 0;
	uint64_t rv;
	char *after_ns = NULL, *after_name = NULL;
	if (set(o->cont)) {
		if (set(o->rv) && strcmp(o->rv, "0")) {
			ta_err_set(&e, 400, "BadRequest",
				   "specifying resource version is not allowed when using continue");
			ta_api_error(c, &e, NULL, NULL);
			return;
		}
		char *tok = hex_decode(o->cont);
		char *bar1 = tok ? strchr(tok, '|') : NULL;
		char *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
		if (!bar2) {
			ta_err_set(&e, 400, "BadRequest", "continue key is not valid: malformed token");
			ta_api_error(c, &e, NULL, NULL);
			free(tok);
			return;
		}
		*bar1 = *bar2 = '\0';
		rv = strtoull(tok, NULL, 10);
		if (rv < a->store.compacted_rv) {
			ta_err_set(&e, 410, "Expired",
				   "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
			ta_api_error(c, &e, NULL, NULL);
			free(tok);
			return;
		}
		after_ns = fs_xstrdup(bar1 + 1);
		after_name = fs_xstrdup(bar2 + 1);
		free(tok);
	} else if (!(rv = list_rv(a, c, o))) {
		return;
	}
	size_t n = 0;
	const cJSON **objs = ta_store_list_at(&a->store, r, rv, &n);
	bool table = ta_table_wanted(req->accept);
	char *include = ta_query_get(req->query, "includeObject");
	cJSON *list;
	cJSON *items;
	char gv[256];
	if (r->group[0])
		snprintf(gv, sizeof(gv), "%s/%s", r->group, rt->version);
	else
		snprintf(gv, sizeof(gv), "%s", rt->version);
	if (table) {
		list = ta_table_new(r, rt->version);
		items = NULL;
	} else {
		list = cJSON_CreateObject();
		cJSON_AddStringToObject(list, "kind", r->list_kind);
		cJSON_AddStringToObject(list, "apiVersion", gv);
		cJSON_AddObjectToObject(list, "metadata");
		items = cJSON_AddArrayToObject(list, "items");
	}
	cJSON *md = cJSON_GetObjectItemCaseSensitive(list, "metadata");
	char rvbuf[32];
	snprintf(rvbuf, sizeof(rvbuf), "%llu", (unsigned long long)rv);
	cJSON_AddStringToObject(md, "resourceVersion", rvbuf);
	long count = 0, remaining = 0;
	const cJSON *last = NULL;
	size_t from = 0;
	if (after_ns) { /* objs are in key order: the first one past the token */
		size_t hi = n;
		while (from < hi) {
			size_t mid = (from + hi) / 2;
			if (key_after(objs[mid], after_ns, after_name))
				hi = mid;
			else
				from = mid + 1;
		}
	}
	for (size_t i = from; i < n; i++) {
		const cJSON *obj = objs[i];
		if (!in_scope(rt, obj) || !ta_selector_matches(lsel, obj) ||
		    !ta_selector_matches(fsel, obj))
			continue;
		if (limit > 0 && count == limit) {
			remaining++;
			continue;
		}
		cJSON *item = cJSON_Duplicate(obj, true);
		ta_api_stamp(item, r, rt->version);
		if (table) {
			ta_table_add_row(list, r, rt->version, item, include);
			cJSON_Delete(item);
		} else {
			if (r->flags & TA_TYPED) { /* typed lists: items carry no type */
				cJSON_DeleteItemFromObjectCaseSensitive(item, "kind");
				cJSON_DeleteItemFromObjectCaseSensitive(item, "apiVersion");
			}
			cJSON_AddItemToArray(items, item);
		}
		last = obj;
		count++;
	}
	if (remaining && last) {
		const cJSON *lmd = cJSON_GetObjectItemCaseSensitive(last, "metadata");
		const cJSON *lns = cJSON_GetObjectItemCaseSensitive(lmd, "namespace");
		const cJSON *lname = cJSON_GetObjectItemCaseSensitive(lmd, "name");
		struct fs_buf b = FS_BUF_INIT, t = FS_BUF_INIT;
		fs_buf_printf(&t, "%s|%s|%s", rvbuf, cJSON_IsString(lns) ? lns->valuestring : "",
			      lname->valuestring);
		hex_encode(&b, t.data);
		cJSON_AddStringToObject(md, "continue", b.data);
		cJSON_AddNumberToObject(md, "remainingItemCount", (double)remaining);
		fs_buf_release(&b);
		fs_buf_release(&t);
	}
	ta_api_json(c, 200, list);
	cJSON_Delete(list);
	free(objs);
	free(include);
	free(after_ns);
	free(after_name);
}
