/*
 * test_kube_client - the Kubernetes client against fedstate-testapi:
 * verbs, Status errors, optimistic concurrency, pagination, the /status
 * subresource, retries under injected 500/429, watch streams, leader
 * fencing, TLS with a generated CA and client certificates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>

#include "kube/client.h"
#include "kube/config.h"
#include "lib/loop_wait.h"
#include "lib/testapi_proc.h"
#include "net/net.h"

static const struct fs_kube_resource cm_res = {"", "v1", "configmaps", "ConfigMap", true};
static const struct fs_kube_resource mdb_res = {"middleware.fedstate.io", "v1alpha1",
						"mongodbs", "MongoDB", true};

struct fixture {
	struct ta_proc proc;
	struct fs_kube_config *cfg;
	struct fs_kube_client *c;
};

static int
setup_with(void **state, const char *const *extra)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!ta_proc_start(&f->proc, extra)) {
		free(f);
		return -1;
	}
	struct fs_kube_config_opts o = {.kubeconfig = f->proc.kubeconfig};
	char *err = NULL;
	if (fs_kube_config_load(&o, &f->cfg, &err) != FS_OK) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return -1;
	}
	struct fs_kube_client_opts co = {.backoff_base_ms = 20, .backoff_max_ms = 200,
					 .qps = 1000, .burst = 1000};
	f->c = fs_kube_client_new(tl_net(), f->cfg, &co);
	*state = f;
	return 0;
}

static int setup(void **state) { return setup_with(state, NULL); }

static int
teardown(void **state)
{
	struct fixture *f = *state;
	fs_kube_client_free(f->c);
	fs_kube_config_free(f->cfg);
	tl_net_reset();
	bool clean = ta_proc_stop(&f->proc);
	free(f);
	return clean ? 0 : -1;
}

static cJSON *
make_cm(const char *name, const char *value)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	cJSON_AddStringToObject(o, "kind", "ConfigMap");
	cJSON *md = cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddStringToObject(md, "name", name);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(md, "labels"), "app", "demo");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "data"), "k", value);
	return o;
}

static const char *
str_at(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, a), b);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static enum fs_code
create_cm(struct fixture *f, const char *name, cJSON **out)
{
	cJSON *o = make_cm(name, "v1");
	enum fs_code rc = fs_kube_wait(fs_kube_create(f->c, &cm_res, NULL, o, 0, NULL, NULL),
				       out, NULL);
	cJSON_Delete(o);
	return rc;
}

static void
test_crud_and_errors(void **state)
{
	struct fixture *f = *state;
	cJSON *obj = NULL;
	char *err = NULL;
	assert_int_equal(create_cm(f, "a", &obj), FS_OK);
	assert_non_null(str_at(obj, "metadata", "uid"));
	assert_string_equal(str_at(obj, "metadata", "namespace"), "default");
	cJSON_Delete(obj);

	/* create again: AlreadyExists, with the server's words */
	cJSON *dup = make_cm("a", "v2");
	assert_int_equal(fs_kube_wait(fs_kube_create(f->c, &cm_res, NULL, dup, 0, NULL, NULL),
				      NULL, &err), FS_E_EXISTS);
	assert_non_null(strstr(err, "already exists"));
	assert_non_null(strstr(err, "POST /api/v1/namespaces/default/configmaps"));
	free(err);
	cJSON_Delete(dup);

	/* get of a missing object */
	assert_int_equal(fs_kube_wait(fs_kube_get(f->c, &cm_res, NULL, "nope", NULL, NULL),
				      NULL, &err), FS_E_NOTFOUND);
	assert_non_null(strstr(err, "configmaps \"nope\" not found"));
	free(err);

	/* update with the current resourceVersion works, a stale one is a conflict */
	assert_int_equal(fs_kube_wait(fs_kube_get(f->c, &cm_res, NULL, "a", NULL, NULL),
				      &obj, NULL), FS_OK);
	cJSON *stale = cJSON_Duplicate(obj, true);
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(obj, "data"), "k", cJSON_CreateString("v2"));
	cJSON *updated = NULL;
	assert_int_equal(fs_kube_wait(fs_kube_update(f->c, &cm_res, NULL, obj, 0, NULL, NULL),
				      &updated, NULL), FS_OK);
	assert_string_not_equal(str_at(updated, "metadata", "resourceVersion"),
				str_at(obj, "metadata", "resourceVersion"));
	assert_string_equal(str_at(updated, "data", "k"), "v2");
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(stale, "data"), "k", cJSON_CreateString("v3"));
	assert_int_equal(fs_kube_wait(fs_kube_update(f->c, &cm_res, NULL, stale, 0, NULL, NULL),
				      NULL, &err), FS_E_CONFLICT);
	assert_non_null(strstr(err, "409 Conflict"));
	assert_non_null(strstr(err, "the object has been modified"));
	free(err);

	cJSON_Delete(obj);
	/* merge patch and JSON patch */
	assert_int_equal(fs_kube_wait(fs_kube_patch(f->c, &cm_res, NULL, "a", FS_KUBE_MERGE_PATCH,
						    "{\"data\":{\"x\":\"1\"}}", 0, NULL, NULL),
				      &obj, NULL), FS_OK);
	assert_string_equal(str_at(obj, "data", "x"), "1");
	cJSON_Delete(obj);
	assert_int_equal(fs_kube_wait(fs_kube_patch(f->c, &cm_res, NULL, "a", FS_KUBE_JSON_PATCH,
						    "[{\"op\":\"replace\",\"path\":\"/data/x\",\"value\":\"2\"},"
						    "{\"op\":\"remove\",\"path\":\"/data/k\"}]",
						    0, NULL, NULL), &obj, NULL), FS_OK);
	assert_string_equal(str_at(obj, "data", "x"), "2");
	assert_null(str_at(obj, "data", "k"));
	cJSON_Delete(obj);
	/* a JSON patch whose test fails is refused as invalid */
	assert_int_equal(fs_kube_wait(fs_kube_patch(f->c, &cm_res, NULL, "a", FS_KUBE_JSON_PATCH,
						    "[{\"op\":\"test\",\"path\":\"/data/x\",\"value\":\"9\"}]",
						    0, NULL, NULL), NULL, &err), FS_E_INVAL);
	free(err);

	/* delete with a stale precondition conflicts, then deletes */
	assert_int_equal(fs_kube_wait(fs_kube_delete(f->c, &cm_res, NULL, "a", "1", 0, NULL, NULL),
				      NULL, &err), FS_E_CONFLICT);
	free(err);
	assert_int_equal(fs_kube_wait(fs_kube_delete(f->c, &cm_res, NULL, "a", NULL, 0, NULL, NULL),
				      NULL, NULL), FS_OK);
	assert_int_equal(fs_kube_wait(fs_kube_get(f->c, &cm_res, NULL, "a", NULL, NULL),
				      NULL, NULL), FS_E_NOTFOUND);
	cJSON_Delete(stale);
	cJSON_Delete(updated);
}

static void
test_status_and_generation(void **state)
{
	struct fixture *f = *state;
	cJSON *m = cJSON_Parse("{\"apiVersion\":\"middleware.fedstate.io/v1alpha1\",\"kind\":\"MongoDB\","
			       "\"metadata\":{\"name\":\"m\",\"finalizers\":[\"x/y\"]},"
			       "\"spec\":{\"members\":3},\"status\":{\"state\":\"ignored\"}}");
	cJSON *obj = NULL;
	assert_int_equal(fs_kube_wait(fs_kube_create(f->c, &mdb_res, NULL, m, 0, NULL, NULL),
				      &obj, NULL), FS_OK);
	cJSON_Delete(m);
	/* status is a subresource: ignored on create */
	assert_null(cJSON_GetObjectItem(obj, "status"));
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"), "generation")->valueint, 1);
	cJSON_Delete(obj);
	/* a status write does not bump generation and does not change spec */
	assert_int_equal(fs_kube_wait(fs_kube_patch(f->c, &mdb_res, NULL, "m", FS_KUBE_MERGE_PATCH,
						    "{\"spec\":{\"members\":9},\"status\":{\"state\":\"Running\"}}",
						    FS_KUBE_STATUS, NULL, NULL), &obj, NULL), FS_OK);
	assert_string_equal(str_at(obj, "status", "state"), "Running");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "spec"), "members")->valueint, 3);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"), "generation")->valueint, 1);
	cJSON_Delete(obj);
	/* a spec write bumps generation and keeps status */
	assert_int_equal(fs_kube_wait(fs_kube_patch(f->c, &mdb_res, NULL, "m", FS_KUBE_MERGE_PATCH,
						    "{\"spec\":{\"members\":5},\"status\":{\"state\":\"x\"}}",
						    0, NULL, NULL), &obj, NULL), FS_OK);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"), "generation")->valueint, 2);
	assert_string_equal(str_at(obj, "status", "state"), "Running");
	cJSON_Delete(obj);
	/* delete with a finalizer only marks it */
	assert_int_equal(fs_kube_wait(fs_kube_delete(f->c, &mdb_res, NULL, "m", NULL, 0, NULL, NULL),
				      &obj, NULL), FS_OK);
	assert_non_null(str_at(obj, "metadata", "deletionTimestamp"));
	cJSON_Delete(obj);
	assert_int_equal(fs_kube_wait(fs_kube_get(f->c, &mdb_res, NULL, "m", NULL, NULL), NULL, NULL),
			 FS_OK);
	/* removing the finalizer completes the delete */
	assert_int_equal(fs_kube_wait(fs_kube_patch(f->c, &mdb_res, NULL, "m", FS_KUBE_MERGE_PATCH,
						    "{\"metadata\":{\"finalizers\":null}}", 0, NULL, NULL),
				      NULL, NULL), FS_OK);
	assert_int_equal(fs_kube_wait(fs_kube_get(f->c, &mdb_res, NULL, "m", NULL, NULL), NULL, NULL),
			 FS_E_NOTFOUND);
}

static void
test_pagination_and_selectors(void **state)
{
	struct fixture *f = *state;
	char name[32];
	for (int i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		assert_int_equal(create_cm(f, name, NULL), FS_OK);
	}
	cJSON *other = make_cm("q", "v");
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(cJSON_GetObjectItem(other, "metadata"), "labels"),
				  "app", cJSON_CreateString("other"));
	assert_int_equal(fs_kube_wait(fs_kube_create(f->c, &cm_res, NULL, other, 0, NULL, NULL),
				      NULL, NULL), FS_OK);
	cJSON_Delete(other);
	/* pages of 3 over the 7 labelled ones: 3 + 3 + 1, no repeats */
	char *cont = NULL;
	int total = 0, pages = 0;
	char seen[8] = {0};
	do {
		struct fs_kube_list_opts lo = {.label_selector = "app=demo", .limit = 3,
					       .continue_token = cont};
		cJSON *list = NULL;
		assert_int_equal(fs_kube_wait(fs_kube_list(f->c, &cm_res, NULL, &lo, NULL, NULL),
					      &list, NULL), FS_OK);
		free(cont);
		const char *c = str_at(list, "metadata", "continue");
		cont = c ? strdup(c) : NULL;
		const cJSON *it;
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items"))
		{
			const char *n = str_at(it, "metadata", "name");
			assert_int_equal(n[0], 'p');
			assert_int_equal(seen[n[1] - '0'], 0);
			seen[n[1] - '0'] = 1;
			total++;
		}
		pages++;
		cJSON_Delete(list);
	} while (cont);
	assert_int_equal(total, 7);
	assert_int_equal(pages, 3);
	/* set-based selector and field selector */
	struct fs_kube_list_opts lo = {.label_selector = "app in (other,none)",
				       .field_selector = "metadata.name=q"};
	cJSON *list = NULL;
	assert_int_equal(fs_kube_wait(fs_kube_list(f->c, &cm_res, NULL, &lo, NULL, NULL), &list, NULL),
			 FS_OK);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(list, "items")), 1);
	cJSON_Delete(list);
	/* a malformed selector is the server's 400 */
	struct fs_kube_list_opts bad = {.label_selector = "app in other"};
	char *err = NULL;
	assert_int_equal(fs_kube_wait(fs_kube_list(f->c, &cm_res, NULL, &bad, NULL, NULL), NULL, &err),
			 FS_E_INVAL);
	assert_non_null(strstr(err, "unable to parse requirement"));
	free(err);
}

static void
test_retries(void **state)
{
	struct fixture *f = *state;
	/* two 500s then success: the client retries */
	assert_int_equal(ta_proc_admin(&f->proc, "fail?status=500&count=2"), 200);
	assert_int_equal(create_cm(f, "r1", NULL), FS_OK);
	/* 429 with Retry-After: honoured, then success */
	assert_int_equal(ta_proc_admin(&f->proc, "fail?status=429&count=1&retry-after=1"), 200);
	assert_int_equal(fs_kube_wait(fs_kube_get(f->c, &cm_res, NULL, "r1", NULL, NULL), NULL, NULL),
			 FS_OK);
	/* more failures than retries: the error reaches the caller */
	assert_int_equal(ta_proc_admin(&f->proc, "fail?status=503&count=50"), 200);
	char *err = NULL;
	assert_int_equal(fs_kube_wait(fs_kube_get(f->c, &cm_res, NULL, "r1", NULL, NULL), NULL, &err),
			 FS_E_HTTP);
	assert_non_null(strstr(err, "503"));
	free(err);
	assert_int_equal(ta_proc_admin(&f->proc, "fail?count=0"), 200);
}

struct watch_log {
	int added, modified, deleted, bookmarks;
	bool ended;
	enum fs_code end_code;
	char last_rv[32];
};

static enum fs_code
on_ev(void *ud, struct fs_kube_event *ev)
{
	struct watch_log *l = ud;
	switch (ev->type) {
	case FS_KUBE_ADDED: l->added++; break;
	case FS_KUBE_MODIFIED: l->modified++; break;
	case FS_KUBE_DELETED: l->deleted++; break;
	case FS_KUBE_BOOKMARK: l->bookmarks++; break;
	default: break;
	}
	if (ev->rv)
		snprintf(l->last_rv, sizeof(l->last_rv), "%s", ev->rv);
	return FS_OK;
}

static void
on_end(void *ud, enum fs_code code, const char *error)
{
	(void)error;
	struct watch_log *l = ud;
	l->ended = true;
	l->end_code = code;
}

static void
spin_until(const int *counter, int want, const bool *flag)
{
	if (!(counter ? tl_loop_until_count(counter, want, 20000)
		      : tl_loop_until_flag(flag, 20000)))
		fail_msg("waited 20 s for an event that did not come (have %d, want %d)",
			 counter ? *counter : 0, want);
}

static void
test_watch_stream(void **state)
{
	struct fixture *f = *state;
	cJSON *obj = NULL;
	assert_int_equal(create_cm(f, "w0", &obj), FS_OK);
	char rv[32];
	snprintf(rv, sizeof(rv), "%s", str_at(obj, "metadata", "resourceVersion"));
	cJSON_Delete(obj);
	struct watch_log l = {0};
	struct fs_kube_watch_opts wo = {.resource_version = rv, .bookmarks = true};
	struct fs_kube_stream *s = fs_kube_watch(f->c, &cm_res, NULL, &wo, on_ev, on_end, &l);
	for (int i = 1; i <= 3; i++) {
		char n[16];
		snprintf(n, sizeof(n), "w%d", i);
		assert_int_equal(create_cm(f, n, NULL), FS_OK);
	}
	assert_int_equal(fs_kube_wait(fs_kube_delete(f->c, &cm_res, NULL, "w0", NULL, 0, NULL, NULL),
				      NULL, NULL), FS_OK);
	spin_until(&l.deleted, 1, NULL);
	assert_int_equal(l.added, 3); /* only what happened after rv */
	assert_int_equal(l.deleted, 1);
	assert_int_equal(ta_proc_admin(&f->proc, "bookmark"), 200);
	spin_until(&l.bookmarks, 1, NULL);
	assert_int_equal(l.bookmarks, 1);
	/* the server drops every stream: the end callback says so */
	assert_int_equal(ta_proc_admin(&f->proc, "drop-watches"), 200);
	spin_until(NULL, 0, &l.ended);
	assert_true(l.ended);
	assert_true(l.end_code == FS_E_NET || l.end_code == FS_OK);
	(void)s;
	/* resuming from a compacted version: 410 Gone */
	assert_int_equal(ta_proc_admin(&f->proc, "compact"), 200);
	struct watch_log g = {0};
	wo.resource_version = rv;
	fs_kube_watch(f->c, &cm_res, NULL, &wo, on_ev, on_end, &g);
	spin_until(NULL, 0, &g.ended);
	assert_int_equal(g.end_code, FS_E_GONE);
	/* stopping a live stream calls nothing */
	struct watch_log h = {0};
	struct fs_kube_stream *live = fs_kube_watch(f->c, &cm_res, NULL, NULL, on_ev, on_end, &h);
	spin_until(&h.added, 3, NULL);
	assert_int_equal(h.added, 3); /* no rv: the current state first */
	fs_kube_stream_stop(live);
	assert_false(h.ended);
}

static void
test_watch_selector_transitions(void **state)
{
	struct fixture *f = *state;
	struct watch_log l = {0};
	struct fs_kube_watch_opts wo = {.label_selector = "app=demo"};
	struct fs_kube_stream *s = fs_kube_watch(f->c, &cm_res, NULL, &wo, on_ev, on_end, &l);
	assert_int_equal(create_cm(f, "sel", NULL), FS_OK);
	spin_until(&l.added, 1, NULL);
	/* relabelled out of the selector: DELETED for this watch */
	assert_int_equal(fs_kube_wait(fs_kube_patch(f->c, &cm_res, NULL, "sel", FS_KUBE_MERGE_PATCH,
						    "{\"metadata\":{\"labels\":{\"app\":\"x\"}}}",
						    0, NULL, NULL), NULL, NULL), FS_OK);
	spin_until(&l.deleted, 1, NULL);
	/* changes outside the selector are not seen; back in: ADDED */
	assert_int_equal(fs_kube_wait(fs_kube_patch(f->c, &cm_res, NULL, "sel", FS_KUBE_MERGE_PATCH,
						    "{\"data\":{\"k\":\"hidden\"}}", 0, NULL, NULL),
				      NULL, NULL), FS_OK);
	assert_int_equal(fs_kube_wait(fs_kube_patch(f->c, &cm_res, NULL, "sel", FS_KUBE_MERGE_PATCH,
						    "{\"metadata\":{\"labels\":{\"app\":\"demo\"}}}",
						    0, NULL, NULL), NULL, NULL), FS_OK);
	spin_until(&l.added, 2, NULL);
	assert_int_equal(l.added, 2);
	assert_int_equal(l.deleted, 1);
	assert_int_equal(l.modified, 0);
	fs_kube_stream_stop(s);
}

struct done_rec {
	int calls;
	enum fs_code code;
};

static void
on_done(void *ud, struct fs_kube_result *res)
{
	struct done_rec *d = ud;
	d->calls++;
	d->code = res->code;
}

static void
test_fencing(void **state)
{
	struct fixture *f = *state;
	fs_kube_client_fence(f->c, true);
	struct done_rec d = {0};
	cJSON *o = make_cm("fenced", "v");
	fs_kube_create(f->c, &cm_res, NULL, o, FS_KUBE_LEADER_ONLY, on_done, &d);
	assert_int_equal(d.calls, 0); /* never from inside the call */
	spin_until(&d.calls, 1, NULL);
	assert_int_equal(d.code, FS_E_PERM);
	/* reads and unflagged writes still go */
	assert_int_equal(fs_kube_wait(fs_kube_create(f->c, &cm_res, NULL, o, 0, NULL, NULL),
				      NULL, NULL), FS_OK);
	/* fencing cancels a leader-only write in flight */
	fs_kube_client_fence(f->c, false);
	assert_int_equal(ta_proc_admin(&f->proc, "latency?ms=300"), 200);
	struct done_rec d2 = {0};
	fs_kube_delete(f->c, &cm_res, NULL, "fenced", NULL, FS_KUBE_LEADER_ONLY, on_done, &d2);
	ev_run(tl_loop(), EVRUN_NOWAIT);
	fs_kube_client_fence(f->c, true);
	assert_int_equal(d2.calls, 1);
	assert_int_equal(d2.code, FS_E_CANCELED);
	assert_int_equal(ta_proc_admin(&f->proc, "latency?ms=0"), 200);
	cJSON_Delete(o);
	fs_kube_client_fence(f->c, false);
}

/* at most FS_KUBE_MAX_IN_FLIGHT calls are sent and unanswered at once (the
 * server, holding each for 200 ms, saw no more than that), and an
 * unlimited call (the Lease) goes out at once past them all */
static void
test_in_flight_cap(void **state)
{
	struct fixture *f = *state;
	enum { N = 150 };
	struct done_rec d = {0}, lease = {0};
	assert_int_equal(ta_proc_admin(&f->proc, "latency?ms=200"), 200);
	for (int i = 0; i < N; i++)
		assert_non_null(fs_kube_get(f->c, &cm_res, "default", "absent", on_done, &d));
	assert_non_null(fs_kube_get_ex(f->c, &cm_res, "default", "absent", FS_KUBE_UNLIMITED,
				       on_done, &lease));
	spin_until(&lease.calls, 1, NULL);
	assert_true(d.calls <= FS_KUBE_MAX_IN_FLIGHT); /* answered in the first round */
	spin_until(&d.calls, N, NULL);
	assert_int_equal(d.code, FS_E_NOTFOUND);
	long st;
	char *body = ta_proc_get(&f->proc, "/_testapi/stats", &st);
	cJSON *stats = cJSON_Parse(body);
	free(body);
	int most = cJSON_GetObjectItem(stats, "delayed_max")->valueint;
	cJSON_Delete(stats);
	assert_in_range(most, FS_KUBE_MAX_IN_FLIGHT / 2, FS_KUBE_MAX_IN_FLIGHT + 1);
	assert_int_equal(ta_proc_admin(&f->proc, "latency?ms=0"), 200);
}

/* "." and ".." as a name or namespace are refused before anything is
 * sent: in a path they would address another object (libcurl squashed
 * /namespaces/../configmaps/x onto the cluster-wide configmaps/x) */
/* a response larger than an API server sends for what was asked stops at
 * the client's limit with a message that names the limit (issue 15: a 3 GB
 * body ran to 1 GiB and said only "Failure writing output to
 * destination"); a list page may hold `limit` objects of that size */
static void
test_response_size_limit(void **state)
{
	struct fixture *f = *state;
	char *big = malloc(100 * 1024 + 1);
	assert_non_null(big);
	memset(big, 'x', 100 * 1024);
	big[100 * 1024] = '\0';
	for (int i = 0; i < 2; i++) {
		char name[16];
		snprintf(name, sizeof name, "big-%d", i);
		cJSON *o = make_cm(name, big);
		assert_int_equal(fs_kube_wait(fs_kube_create(f->c, &cm_res, NULL, o, 0, NULL, NULL),
					      NULL, NULL), FS_OK);
		cJSON_Delete(o);
	}
	free(big);
	struct fs_kube_client_opts co = {.qps = 1000, .burst = 1000, .max_retries = 1,
					 .max_object_bytes = 64 * 1024};
	struct fs_kube_client *small = fs_kube_client_new(tl_net(), f->cfg, &co);
	char *err = NULL;
	assert_int_equal(fs_kube_wait(fs_kube_get(small, &cm_res, NULL, "big-0", NULL, NULL),
				      NULL, &err), FS_E_RANGE);
	assert_non_null(err);
	if (!strstr(err, "/api/v1/namespaces/default/configmaps/big-0: response body is "
			 "larger than 65536 bytes, the most accepted for one object"))
		fail_msg("got '%s'", err);
	free(err);
	err = NULL;
	/* a page of 2: room for 2 objects of 64 KiB, not for 2 of 100 KiB */
	struct fs_kube_list_opts lo = {.limit = 2};
	assert_int_equal(fs_kube_wait(fs_kube_list(small, &cm_res, NULL, &lo, NULL, NULL),
				      NULL, &err), FS_E_RANGE);
	assert_non_null(strstr(err, "larger than 196608 bytes, the most accepted for one page of a list"));
	free(err);
	/* a page of 1 from the default client: fine */
	lo.limit = 1;
	cJSON *page = NULL;
	assert_int_equal(fs_kube_wait(fs_kube_list(f->c, &cm_res, NULL, &lo, NULL, NULL),
				      &page, NULL), FS_OK);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(page, "items")), 1);
	cJSON_Delete(page);
	fs_kube_client_free(small);
}

static void
test_dot_segments_refused(void **state)
{
	struct fixture *f = *state;
	cJSON *o = make_cm("victim", "v");
	assert_int_equal(fs_kube_wait(fs_kube_create(f->c, &cm_res, NULL, o, 0, NULL, NULL),
				      NULL, NULL), FS_OK);
	cJSON_Delete(o);
	long st = 0;
	char *before = ta_proc_get(&f->proc, "/_testapi/stats", &st);
	const char *const names[][2] = {{"..", "victim"}, {".", "victim"}, {NULL, ".."}};
	for (size_t i = 0; i < 3; i++) {
		char *err = NULL;
		enum fs_code rc = fs_kube_wait(fs_kube_delete(f->c, &cm_res, names[i][0],
							      names[i][1], NULL, 0, NULL, NULL),
					       NULL, &err);
		assert_int_equal(rc, FS_E_INVAL);
		assert_non_null(strstr(err, "a name or namespace of '.' or '..' is not valid"));
		free(err);
	}
	char *after = ta_proc_get(&f->proc, "/_testapi/stats", &st);
	/* nothing reached the server (at most the second stats request) */
	cJSON *b = cJSON_Parse(before), *a = cJSON_Parse(after);
	assert_in_range(cJSON_GetObjectItem(a, "requests")->valueint,
			cJSON_GetObjectItem(b, "requests")->valueint,
			cJSON_GetObjectItem(b, "requests")->valueint + 1);
	cJSON_Delete(a);
	cJSON_Delete(b);
	free(before);
	free(after);
	assert_int_equal(fs_kube_wait(fs_kube_get(f->c, &cm_res, NULL, "victim", NULL, NULL),
				      NULL, NULL), FS_OK);
}

static int
setup_tls(void **state)
{
	static const char *const extra[] = {"--tls", NULL};
	return setup_with(state, extra);
}

static void
test_tls_client_cert(void **state)
{
	struct fixture *f = *state;
	assert_non_null(strstr(fs_kube_client_server(f->c), "https://"));
	assert_non_null(f->cfg->cert_pem);
	/* a watch over TLS does not hold up the requests that follow it */
	struct watch_log l = {0};
	struct fs_kube_stream *s = fs_kube_watch(f->c, &cm_res, NULL, NULL, on_ev, on_end, &l);
	assert_int_equal(create_cm(f, "secure", NULL), FS_OK);
	spin_until(&l.added, 1, NULL);
	fs_kube_stream_stop(s);
	/* without the client certificate the server says 401 */
	struct fs_kube_config anon = *f->cfg;
	anon.cert_pem = anon.key_pem = NULL;
	struct fs_kube_client *c2 = fs_kube_client_new(tl_net(), &anon, NULL);
	char *err = NULL;
	assert_int_equal(fs_kube_wait(fs_kube_get(c2, &cm_res, NULL, "secure", NULL, NULL), NULL, &err),
			 FS_E_AUTH);
	free(err);
	fs_kube_client_free(c2);
	/* a CA that did not sign the server's certificate: a clear TLS error */
	char path[128];
	snprintf(path, sizeof(path), "%s/other", f->proc.dir);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s && cd %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
		 "-nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=wrong-ca 2>/dev/null", path, path);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/other/ca.crt", f->proc.dir);
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char pem[8192];
	size_t n = fread(pem, 1, sizeof(pem) - 1, fp);
	fclose(fp);
	pem[n] = '\0';
	struct fs_kube_config wrong = *f->cfg;
	wrong.ca_pem = pem;
	wrong.ca_pem_len = n;
	struct fs_kube_client_opts co = {.max_retries = 0};
	struct fs_kube_client *c3 = fs_kube_client_new(tl_net(), &wrong, &co);
	assert_int_equal(fs_kube_wait(fs_kube_get(c3, &cm_res, NULL, "secure", NULL, NULL), NULL, &err),
			 FS_E_TLS);
	assert_non_null(strstr(err, "certificate"));
	free(err);
	fs_kube_client_free(c3);
}

static int
setup_token(void **state)
{
	static const char *const extra[] = {"--token", "first-token", NULL};
	return setup_with(state, extra);
}

static void
write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
test_token_rotation(void **state)
{
	struct fixture *f = *state;
	/* the generated kubeconfig carries the token inline: it works */
	assert_int_equal(create_cm(f, "t0", NULL), FS_OK);
	/* a kubeconfig whose user reads the token from a file */
	char kc[256], tok[256], text[1024];
	snprintf(kc, sizeof(kc), "%s/kc-file", f->proc.dir);
	snprintf(tok, sizeof(tok), "%s/token", f->proc.dir);
	write_text(tok, "first-token\n");
	snprintf(text, sizeof(text),
		 "apiVersion: v1\nkind: Config\ncurrent-context: t\n"
		 "clusters:\n- name: t\n  cluster: {server: '%s'}\n"
		 "contexts:\n- name: t\n  context: {cluster: t, user: u}\n"
		 "users:\n- name: u\n  user: {tokenFile: token}\n", f->proc.base);
	write_text(kc, text);
	struct fs_kube_config *cfg = NULL;
	char *err = NULL;
	struct fs_kube_config_opts o = {.kubeconfig = kc};
	assert_int_equal(fs_kube_config_load(&o, &cfg, &err), FS_OK);
	struct fs_kube_client *c = fs_kube_client_new(tl_net(), cfg, NULL);
	assert_int_equal(fs_kube_wait(fs_kube_get(c, &cm_res, NULL, "t0", NULL, NULL), NULL, NULL),
			 FS_OK);
	/* the server moves to a new token; until the file has it: 401 */
	assert_int_equal(ta_proc_admin(&f->proc, "token?value=second-token"), 200);
	assert_int_equal(fs_kube_wait(fs_kube_get(c, &cm_res, NULL, "t0", NULL, NULL), NULL, &err),
			 FS_E_AUTH);
	assert_non_null(strstr(err, "401"));
	free(err);
	/* the file is rotated: the next 401 reloads it and the call succeeds */
	write_text(tok, "second-token\n");
	assert_int_equal(fs_kube_wait(fs_kube_get(c, &cm_res, NULL, "t0", NULL, NULL), NULL, NULL),
			 FS_OK);
	fs_kube_client_free(c);
	fs_kube_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_crud_and_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_and_generation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pagination_and_selectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_selector_transitions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fencing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_flight_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dot_segments_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_response_size_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls_client_cert, setup_tls, teardown),
		cmocka_unit_test_setup_teardown(test_token_rotation, setup_token, teardown),
	};
	return cmocka_run_group_tests_name("kube_client", tests, NULL, NULL);
}
