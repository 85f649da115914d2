/*
 * test_kube_informer - list+watch against fedstate-testapi under faults:
 * dropped streams, a server restart that keeps state, a 410 relist that
 * must deliver the deletes that happened while disconnected, and a
 * restart that loses everything. Every change must reach the handlers
 * exactly once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ev.h>

#include "kube/client.h"
#include "kube/config.h"
#include "kube/informer.h"
#include "lib/loop_wait.h"
#include "lib/testapi_proc.h"
#include "net/net.h"

static const struct fs_kube_resource cm_res = {"", "v1", "configmaps", "ConfigMap", true};

#define MAX_SEEN 256

struct seen {
	char type;      /* 'A', 'U', 'D' */
	char name[32];
	char rv[24];
};

struct fixture {
	struct ta_proc proc;
	struct fs_kube_config *cfg;
	struct fs_kube_client *writer;   /* makes the changes */
	struct fs_kube_client *reader;   /* runs the informer (User-Agent "informer") */
	struct fs_kube_informer *inf;
	struct seen seen[MAX_SEEN];
	int n_seen;
	int synced;
};

static void
record(struct fixture *f, char type, const cJSON *obj)
{
	const cJSON *md = cJSON_GetObjectItem(obj, "metadata");
	struct seen *s = &f->seen[f->n_seen < MAX_SEEN ? f->n_seen++ : MAX_SEEN - 1];
	s->type = type;
	snprintf(s->name, sizeof(s->name), "%s", cJSON_GetObjectItem(md, "name")->valuestring);
	snprintf(s->rv, sizeof(s->rv), "%s", cJSON_GetObjectItem(md, "resourceVersion")->valuestring);
}

static void on_add(void *ud, const cJSON *obj) { record(ud, 'A', obj); }
static void
on_update(void *ud, const cJSON *old, const cJSON *obj)
{
	record(ud, old == obj ? 'R' : 'U', obj); /* R: a resync */
}
static void on_delete(void *ud, const cJSON *obj) { record(ud, 'D', obj); }
static void on_synced(void *ud) { ((struct fixture *)ud)->synced++; }

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!ta_proc_start(&f->proc, NULL))
		return -1;
	struct fs_kube_config_opts o = {.kubeconfig = f->proc.kubeconfig};
	char *err = NULL;
	if (fs_kube_config_load(&o, &f->cfg, &err) != FS_OK)
		return -1;
	struct fs_kube_client_opts wo = {.user_agent = "writer", .backoff_base_ms = 20,
					 .backoff_max_ms = 100, .max_retries = 20};
	struct fs_kube_client_opts ro = {.user_agent = "informer", .backoff_base_ms = 20,
					 .backoff_max_ms = 100, .max_retries = 1};
	f->writer = fs_kube_client_new(tl_net(), f->cfg, &wo);
	f->reader = fs_kube_client_new(tl_net(), f->cfg, &ro);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	fs_kube_informer_free(f->inf);
	fs_kube_client_free(f->writer);
	fs_kube_client_free(f->reader);
	fs_kube_config_free(f->cfg);
	tl_net_reset();
	bool clean = ta_proc_stop(&f->proc);
	free(f);
	return clean ? 0 : -1;
}

/* run the loop until n events were seen (hang guard: 20 s) */
static void
spin_events(struct fixture *f, int n)
{
	tl_loop_until_count(&f->n_seen, n, 20000);
}

static void
spin_ms(int ms)
{
	int64_t until = fs_now_ms() + ms;
	while (fs_now_ms() < until)
		ev_run(tl_loop(), EVRUN_NOWAIT), ev_sleep(0.005);
}

static char *
put_cm(struct fixture *f, const char *name, const char *value)
{
	char body[256];
	snprintf(body, sizeof(body),
		 "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\"},"
		 "\"data\":{\"v\":\"%s\"}}", name, value);
	cJSON *o = cJSON_Parse(body), *out = NULL;
	enum fs_code rc = fs_kube_wait(fs_kube_create(f->writer, &cm_res, NULL, o, 0, NULL, NULL),
				       &out, NULL);
	if (rc == FS_E_EXISTS) {
		char patch[128];
		snprintf(patch, sizeof(patch), "{\"data\":{\"v\":\"%s\"}}", value);
		rc = fs_kube_wait(fs_kube_patch(f->writer, &cm_res, NULL, name, FS_KUBE_MERGE_PATCH,
						patch, 0, NULL, NULL), &out, NULL);
	}
	cJSON_Delete(o);
	assert_int_equal(rc, FS_OK);
	char *rv = strdup(cJSON_GetObjectItem(cJSON_GetObjectItem(out, "metadata"),
					      "resourceVersion")->valuestring);
	cJSON_Delete(out);
	return rv;
}

static char *
del_cm(struct fixture *f, const char *name)
{
	cJSON *out = NULL;
	assert_int_equal(fs_kube_wait(fs_kube_delete(f->writer, &cm_res, NULL, name, NULL, 0,
						     NULL, NULL), &out, NULL), FS_OK);
	cJSON_Delete(out);
	/* a delete answers a Status, not the object with its version (as a
	 * real server does): the server's newest version is the delete's */
	long st;
	char *stats = ta_proc_get(&f->proc, "/_testapi/stats", &st);
	cJSON *s = cJSON_Parse(stats);
	free(stats);
	assert_non_null(s);
	char rv[32];
	snprintf(rv, sizeof(rv), "%.0f", cJSON_GetObjectItem(s, "rv")->valuedouble);
	cJSON_Delete(s);
	return strdup(rv);
}

static void
start_informer(struct fixture *f)
{
	struct fs_kube_informer_opts o = {.res = &cm_res, .page_size = 2,
					  .backoff_base_ms = 20, .backoff_max_ms = 100};
	struct fs_kube_handlers h = {on_add, on_update, on_delete, on_synced};
	f->inf = fs_kube_informer_new(f->reader, &o, &h, f);
	fs_kube_informer_start(f->inf);
}

/* the change with resourceVersion rv was delivered exactly once, as type */
static void
assert_once(struct fixture *f, char type, const char *name, const char *rv)
{
	int n = 0;
	for (int i = 0; i < f->n_seen; i++)
		if (!strcmp(f->seen[i].rv, rv) && !strcmp(f->seen[i].name, name) &&
		    f->seen[i].type == type)
			n++;
	if (n != 1)
		fail_msg("%c %s rv %s delivered %d times", type, name, rv, n);
}

static void
test_initial_sync_paginated(void **state)
{
	struct fixture *f = *state;
	char *rv[5];
	for (int i = 0; i < 5; i++) {
		char n[16];
		snprintf(n, sizeof(n), "c%d", i);
		rv[i] = put_cm(f, n, "1");
	}
	start_informer(f);
	spin_events(f, 5);
	assert_int_equal(f->synced, 1);
	assert_int_equal(f->n_seen, 5);
	assert_int_equal(fs_kube_informer_count(f->inf), 5);
	for (int i = 0; i < 5; i++) {
		char n[16];
		snprintf(n, sizeof(n), "c%d", i);
		assert_once(f, 'A', n, rv[i]);
		assert_non_null(fs_kube_informer_get(f->inf, "default", n));
		free(rv[i]);
	}
	struct fs_kube_informer_stats st;
	fs_kube_informer_stats(f->inf, &st);
	assert_int_equal(st.lists, 1);
}

static void
test_survives_drops_and_restart(void **state)
{
	struct fixture *f = *state;
	start_informer(f);
	char *a = put_cm(f, "a", "1");
	spin_events(f, 1);
	assert_true(fs_kube_informer_synced(f->inf));
	/* drop the stream several times with changes in between */
	char *rvs[6];
	const char *names[6] = {"a", "b", "a", "c", "b", "c"};
	for (int i = 0; i < 6; i++) {
		assert_int_equal(ta_proc_admin(&f->proc, "drop-watches"), 200);
		char value[16];
		snprintf(value, sizeof(value), "v%d", i); /* each write a real change */
		rvs[i] = i == 4 ? del_cm(f, "b") : put_cm(f, names[i], value);
	}
	spin_events(f, 7);
	assert_int_equal(f->n_seen, 7);
	assert_once(f, 'A', "a", a);
	assert_once(f, 'U', "a", rvs[0]);
	assert_once(f, 'A', "b", rvs[1]);
	assert_once(f, 'U', "a", rvs[2]);
	assert_once(f, 'A', "c", rvs[3]);
	assert_once(f, 'D', "b", rvs[4]);
	assert_once(f, 'U', "c", rvs[5]);
	/* a restart keeping state: the informer resumes from its version */
	assert_int_equal(ta_proc_admin(&f->proc, "restart?keep=1&down-ms=300"), 200);
	spin_ms(100);
	char *d = put_cm(f, "d", "1"); /* the writer retries until the server is back */
	spin_events(f, 8);
	assert_int_equal(f->n_seen, 8);
	assert_once(f, 'A', "d", d);
	struct fs_kube_informer_stats st;
	fs_kube_informer_stats(f->inf, &st);
	assert_int_equal(st.lists, 1); /* resumed, never relisted */
	assert_int_equal(st.gone, 0);
	assert_int_equal(fs_kube_informer_count(f->inf), 3);
	/* a marker change: a late duplicate of anything earlier would arrive
	 * before it on the ordered stream */
	char *m = put_cm(f, "marker", "1");
	spin_events(f, 9);
	assert_int_equal(f->n_seen, 9);
	assert_string_equal(f->seen[8].name, "marker");
	free(m);
	free(a);
	free(d);
	for (int i = 0; i < 6; i++)
		free(rvs[i]);
}

static void
test_gone_relists_with_deletes(void **state)
{
	struct fixture *f = *state;
	char *x = put_cm(f, "x", "1");
	char *y = put_cm(f, "y", "1");
	char *z = put_cm(f, "z", "1");
	start_informer(f);
	spin_events(f, 3);
	assert_int_equal(f->n_seen, 3);
	/* cut the informer off: its requests fail while we change things */
	assert_int_equal(ta_proc_admin(&f->proc, "fail?status=500&count=100000&agent=informer"), 200);
	assert_int_equal(ta_proc_admin(&f->proc, "drop-watches"), 200);
	char *dx = del_cm(f, "x");
	char *y2 = put_cm(f, "y", "2");
	char *w = put_cm(f, "w", "1");
	/* and forget the history it would resume from */
	assert_int_equal(ta_proc_admin(&f->proc, "compact"), 200);
	spin_ms(150);
	assert_int_equal(f->n_seen, 3); /* nothing got through meanwhile */
	assert_int_equal(ta_proc_admin(&f->proc, "fail?count=0"), 200);
	spin_events(f, 6);
	assert_int_equal(f->n_seen, 6);
	/* the relist tells what happened: x deleted (its last known state),
	 * y updated, w added; z unchanged says nothing */
	assert_once(f, 'D', "x", x);
	assert_once(f, 'U', "y", y2);
	assert_once(f, 'A', "w", w);
	assert_null(fs_kube_informer_get(f->inf, "default", "x"));
	assert_int_equal(fs_kube_informer_count(f->inf), 3);
	struct fs_kube_informer_stats st;
	fs_kube_informer_stats(f->inf, &st);
	assert_int_equal(st.lists, 2);
	assert_true(st.gone >= 1);
	free(x); free(y); free(z); free(dx); free(y2); free(w);
}

static void
test_restart_losing_state(void **state)
{
	struct fixture *f = *state;
	char *p = put_cm(f, "p", "1");
	char *q = put_cm(f, "q", "1");
	start_informer(f);
	spin_events(f, 2);
	assert_int_equal(ta_proc_admin(&f->proc, "restart?keep=0&down-ms=200"), 200);
	spin_events(f, 4);
	assert_once(f, 'D', "p", p);
	assert_once(f, 'D', "q", q);
	assert_int_equal(fs_kube_informer_count(f->inf), 0);
	char *r = put_cm(f, "r", "1");
	spin_events(f, 5);
	assert_once(f, 'A', "r", r);
	assert_int_equal(f->synced, 1);
	free(p); free(q); free(r);
}

static void
test_resync(void **state)
{
	struct fixture *f = *state;
	char *a = put_cm(f, "a", "1");
	char *b = put_cm(f, "b", "1");
	struct fs_kube_informer_opts o = {.res = &cm_res, .resync_ms = 30};
	struct fs_kube_handlers h = {on_add, on_update, on_delete, on_synced};
	f->inf = fs_kube_informer_new(f->reader, &o, &h, f);
	fs_kube_informer_start(f->inf);
	spin_events(f, 2 + 4); /* two adds, then two resync rounds at least */
	assert_int_equal(f->seen[0].type, 'A');
	assert_int_equal(f->seen[1].type, 'A');
	int resyncs = 0;
	for (int i = 2; i < f->n_seen; i++) {
		assert_int_equal(f->seen[i].type, 'R');
		assert_true(!strcmp(f->seen[i].rv, a) || !strcmp(f->seen[i].rv, b));
		resyncs++;
	}
	assert_true(resyncs >= 4);
	struct fs_kube_informer_stats st;
	fs_kube_informer_stats(f->inf, &st);
	assert_int_equal(st.lists, 1); /* a resync reads the cache, not the server */
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_initial_sync_paginated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_survives_drops_and_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gone_relists_with_deletes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_losing_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resync, setup, teardown),
	};
	return cmocka_run_group_tests_name("kube_informer", tests, NULL, NULL);
}
