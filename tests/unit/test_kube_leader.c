/*
 * test_kube_leader - leader election between two candidates on a Lease in
 * fedstate-testapi (takeover after the holder stops renewing, no write by
 * the one that lost, release on a clean stop; a leader whose renewal is
 * stuck in retries gives up at its renew deadline, before a rival can take
 * over; renewals do not queue behind a backlog of rate-limited writes),
 * and the Event recorder
 * (de-duplication, per-object rate limit, core/v1 fallback).
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
#include "kube/events.h"
#include "kube/leader.h"
#include "lib/loop_wait.h"
#include "lib/testapi_proc.h"
#include "net/net.h"

static const struct fs_kube_resource cm_res = {"", "v1", "configmaps", "ConfigMap", true};
static const struct fs_kube_resource lease_res = {"coordination.k8s.io", "v1", "leases",
						  "Lease", true};

struct cand {
	struct fs_kube_client *c;
	struct fs_kube_leader *le;
	int started, stopped;
	char seen_leader[32];
};

struct fixture {
	struct ta_proc proc;
	struct fs_kube_config *cfg;
	struct cand a, b;
	struct fs_kube_client *admin;
};

/* set when a candidate started leading while the other still did */
static int overlaps;
static struct cand *cands[2];

static void
on_started(void *ud)
{
	struct cand *c = ud, *other = cands[0] == c ? cands[1] : cands[0];
	c->started++;
	if (other && other->le && fs_kube_leader_is_leader(other->le))
		overlaps++;
}
static void on_stopped(void *ud) { ((struct cand *)ud)->stopped++; }
static void
on_new_leader(void *ud, const char *id)
{
	snprintf(((struct cand *)ud)->seen_leader, 32, "%s", id);
}

static struct fs_kube_client *
new_client(struct fixture *f, const char *agent, uint32_t retries)
{
	struct fs_kube_client_opts o = {.user_agent = agent, .max_retries = retries,
					.backoff_base_ms = 10, .backoff_max_ms = 50,
					.timeout_ms = 2000};
	if (!retries)
		o.max_retries = 0;
	return fs_kube_client_new(tl_net(), f->cfg, &o);
}

static int
setup_with(void **state, const char *const *extra)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!ta_proc_start(&f->proc, extra))
		return -1;
	struct fs_kube_config_opts o = {.kubeconfig = f->proc.kubeconfig};
	char *err = NULL;
	if (fs_kube_config_load(&o, &f->cfg, &err) != FS_OK)
		return -1;
	f->a.c = new_client(f, "cand-a", 0);
	f->b.c = new_client(f, "cand-b", 0);
	f->admin = new_client(f, "admin", 5);
	cands[0] = &f->a;
	cands[1] = &f->b;
	overlaps = 0;
	*state = f;
	return 0;
}

static int setup(void **state) { return setup_with(state, NULL); }

static int
teardown(void **state)
{
	struct fixture *f = *state;
	fs_kube_leader_stop(f->a.le);
	fs_kube_leader_stop(f->b.le);
	fs_kube_client_free(f->a.c);
	fs_kube_client_free(f->b.c);
	fs_kube_client_free(f->admin);
	fs_kube_config_free(f->cfg);
	tl_net_reset();
	bool clean = ta_proc_stop(&f->proc);
	free(f);
	return clean ? 0 : -1;
}

static void
spin_until(const int *v, int want)
{
	if (!tl_loop_until_count(v, want, 20000))
		fail_msg("waited 20 s for a leadership change that did not come");
}

static void
start(struct cand *c, const char *id)
{
	struct fs_kube_leader_opts o = {
		.name = "fedstate-test", .identity = id,
		.lease_ms = 1000, .renew_deadline_ms = 700, .retry_ms = 100,
		.on_started = on_started, .on_stopped = on_stopped,
		.on_new_leader = on_new_leader, .ud = c,
	};
	c->le = fs_kube_leader_start(c->c, &o);
}

static enum fs_code
leader_write(struct cand *c, const char *name)
{
	char body[160];
	snprintf(body, sizeof(body),
		 "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\"}}", name);
	cJSON *o = cJSON_Parse(body);
	enum fs_code rc = fs_kube_wait(fs_kube_create(c->c, &cm_res, NULL, o, FS_KUBE_LEADER_ONLY,
						      NULL, NULL), NULL, NULL);
	cJSON_Delete(o);
	return rc;
}

static int
writes_by(struct fixture *f, const char *agent, const char *path_part)
{
	long st;
	char *body = ta_proc_get(&f->proc, "/_testapi/writes", &st);
	cJSON *arr = cJSON_Parse(body);
	free(body);
	int n = 0;
	const cJSON *w;
	cJSON_ArrayForEach(w, arr)
	{
		if (!strcmp(cJSON_GetObjectItem(w, "agent")->valuestring, agent) &&
		    strstr(cJSON_GetObjectItem(w, "path")->valuestring, path_part))
			n++;
	}
	cJSON_Delete(arr);
	return n;
}

static void
test_takeover_and_fencing(void **state)
{
	struct fixture *f = *state;
	/* before winning, leader-only writes are refused */
	start(&f->a, "a");
	assert_int_equal(leader_write(&f->a, "early"), FS_E_PERM);
	spin_until(&f->a.started, 1);
	assert_true(fs_kube_leader_is_leader(f->a.le));
	start(&f->b, "b");
	int64_t until = fs_now_ms() + 400; /* several retry periods of b */
	while (fs_now_ms() < until)
		ev_run(tl_loop(), EVRUN_ONCE);
	assert_false(fs_kube_leader_is_leader(f->b.le));
	assert_string_equal(f->b.seen_leader, "a");
	assert_int_equal(leader_write(&f->a, "by-a"), FS_OK);
	assert_int_equal(leader_write(&f->b, "by-b-early"), FS_E_PERM);

	/* a can no longer reach the server: it must give up, b takes over */
	assert_int_equal(ta_proc_admin(&f->proc, "fail?status=503&count=1000000&agent=cand-a"), 200);
	spin_until(&f->a.stopped, 1);
	assert_false(fs_kube_leader_is_leader(f->a.le));
	assert_int_equal(leader_write(&f->a, "by-a-late"), FS_E_PERM);
	spin_until(&f->b.started, 1);
	assert_true(fs_kube_leader_is_leader(f->b.le));
	assert_int_equal(leader_write(&f->b, "by-b"), FS_OK);
	assert_int_equal(ta_proc_admin(&f->proc, "fail?count=0"), 200);
	assert_int_equal(writes_by(f, "cand-a", "/configmaps"), 1); /* only before the loss */
	assert_int_equal(writes_by(f, "cand-b", "/configmaps"), 1);

	cJSON *lease = NULL;
	assert_int_equal(fs_kube_wait(fs_kube_get(f->admin, &lease_res, NULL, "fedstate-test",
						  NULL, NULL), &lease, NULL), FS_OK);
	const cJSON *spec = cJSON_GetObjectItem(lease, "spec");
	assert_string_equal(cJSON_GetObjectItem(spec, "holderIdentity")->valuestring, "b");
	assert_int_equal(cJSON_GetObjectItem(spec, "leaseTransitions")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(spec, "leaseDurationSeconds")->valueint, 1);
	cJSON_Delete(lease);

	/* the write log records what the chaos checker replays: outcome,
	 * precondition, versions, and a Lease's holder */
	long hs;
	char *wl = ta_proc_get(&f->proc, "/_testapi/writes", &hs);
	cJSON *arr = cJSON_Parse(wl);
	free(wl);
	int lease_by_b = 0, cm_by_b = 0;
	const cJSON *w;
	cJSON_ArrayForEach(w, arr)
	{
		const char *agent = cJSON_GetObjectItem(w, "agent")->valuestring;
		const cJSON *st = cJSON_GetObjectItem(w, "status");
		if (strcmp(agent, "cand-b") || !cJSON_IsNumber(st))
			continue;
		if (strstr(cJSON_GetObjectItem(w, "path")->valuestring, "/leases") &&
		    st->valueint == 200 && !strcmp(cJSON_GetObjectItem(w, "method")->valuestring, "PUT")) {
			assert_string_equal(cJSON_GetObjectItem(w, "holder")->valuestring, "b");
			assert_string_equal(cJSON_GetObjectItem(w, "name")->valuestring, "fedstate-test");
			/* an update carries the version it read, and it was current */
			assert_string_equal(cJSON_GetObjectItem(w, "base_rv")->valuestring,
					    cJSON_GetObjectItem(w, "prev_rv")->valuestring);
			assert_true(strtoull(cJSON_GetObjectItem(w, "rv")->valuestring, NULL, 10) >
				    strtoull(cJSON_GetObjectItem(w, "prev_rv")->valuestring, NULL, 10));
			lease_by_b++;
		}
		if (strstr(cJSON_GetObjectItem(w, "path")->valuestring, "/configmaps")) {
			assert_int_equal(st->valueint, 201);
			assert_string_equal(cJSON_GetObjectItem(w, "name")->valuestring, "by-b");
			cm_by_b++;
		}
	}
	cJSON_Delete(arr);
	assert_true(lease_by_b > 0);
	assert_int_equal(cm_by_b, 1);

	/* a (reachable again) follows b; b stops cleanly and releases: a takes over */
	fs_kube_leader_stop(f->b.le); /* returns at once; the release goes on */
	f->b.le = NULL;
	spin_until(&f->b.stopped, 1);
	spin_until(&f->a.started, 2);
	assert_true(fs_kube_leader_is_leader(f->a.le));
	assert_int_equal(leader_write(&f->a, "by-a-again"), FS_OK);
}

/* a's renewal is answered 429 with Retry-After: 3, so its client keeps it
 * in flight (retrying) far past the 700 ms renew deadline. a must give up
 * at the deadline on its own clock, before b may take the 1 s lease; it
 * used to wait for the stuck renewal and lead (and write) alongside b. */
static void
test_deadline_while_renewal_stuck(void **state)
{
	struct fixture *f = *state;
	fs_kube_client_free(f->a.c);
	f->a.c = new_client(f, "cand-a", 5);
	start(&f->a, "a");
	spin_until(&f->a.started, 1);
	start(&f->b, "b");
	assert_int_equal(ta_proc_admin(&f->proc,
				       "fail?status=429&count=1000000&retry-after=3&agent=cand-a"), 200);
	spin_until(&f->a.stopped, 1);
	assert_int_equal(f->b.started, 0); /* a stopped first */
	assert_int_equal(leader_write(&f->a, "by-a-late"), FS_E_PERM);
	spin_until(&f->b.started, 1);
	assert_int_equal(overlaps, 0);
	assert_int_equal(ta_proc_admin(&f->proc, "fail?count=0"), 200);
}

static int backlog_done;
static void on_backlog(void *ud, struct fs_kube_result *res) { (void)ud; (void)res; backlog_done++; }

/* a leads with a client limited to 2 requests/s and 60 leader-only writes
 * queued behind the limiter (30 s of backlog): its renewals must not wait
 * in that queue. For 3 s (three lease durations) b must not take over. */
static void
test_renewal_skips_backlog(void **state)
{
	struct fixture *f = *state;
	fs_kube_client_free(f->a.c);
	struct fs_kube_client_opts o = {.user_agent = "cand-a", .qps = 2, .burst = 1,
					.timeout_ms = 2000};
	f->a.c = fs_kube_client_new(tl_net(), f->cfg, &o);
	start(&f->a, "a");
	spin_until(&f->a.started, 1);
	backlog_done = 0;
	for (int i = 0; i < 60; i++) {
		char body[160];
		snprintf(body, sizeof(body),
			 "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"q%d\"}}", i);
		cJSON *obj = cJSON_Parse(body);
		assert_non_null(fs_kube_create(f->a.c, &cm_res, NULL, obj, FS_KUBE_LEADER_ONLY,
					       on_backlog, NULL));
		cJSON_Delete(obj);
	}
	start(&f->b, "b");
	int64_t until = fs_now_ms() + 3000;
	while (fs_now_ms() < until && !f->b.started && !f->a.stopped)
		ev_run(tl_loop(), EVRUN_ONCE);
	assert_int_equal(f->a.stopped, 0);
	assert_int_equal(f->b.started, 0);
	assert_true(fs_kube_leader_is_leader(f->a.le));
	assert_true(backlog_done < 60); /* the backlog was still there */
	fs_kube_leader_stop(f->a.le);   /* fences: the rest is canceled */
	f->a.le = NULL;
	assert_int_equal(backlog_done, 60);
	assert_int_equal(overlaps, 0);
}

static const cJSON *
first_item(const cJSON *list)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItem(list, "items"), 0);
}

static void
test_event_recorder(void **state)
{
	struct fixture *f = *state;
	cJSON *cm = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
				"\"metadata\":{\"name\":\"subject\"}}");
	cJSON *obj = NULL;
	assert_int_equal(fs_kube_wait(fs_kube_create(f->admin, &cm_res, NULL, cm, 0, NULL, NULL),
				      &obj, NULL), FS_OK);
	cJSON_Delete(cm);
	struct fs_kube_recorder_opts ro = {.component = "fedstate-test", .burst = 3};
	struct fs_kube_recorder *rec = fs_kube_recorder_new(f->admin, &ro);
	fs_kube_record(rec, obj, "Normal", "Scheduled", "Schedule", "placed on %d clusters", 3);
	struct fs_kube_recorder_stats st;
	for (int64_t d = fs_now_ms() + 20000; fs_now_ms() < d;) {
		fs_kube_recorder_stats(rec, &st);
		if (st.created == 1)
			break;
		ev_run(tl_loop(), EVRUN_ONCE);
	}
	/* the same again: folded into the first Event */
	fs_kube_record(rec, obj, "Normal", "Scheduled", "Schedule", "placed on %d clusters", 3);
	for (int64_t d = fs_now_ms() + 20000; fs_now_ms() < d;) {
		fs_kube_recorder_stats(rec, &st);
		if (st.updated == 1)
			break;
		ev_run(tl_loop(), EVRUN_ONCE);
	}
	static const struct fs_kube_resource ev_res = {"events.k8s.io", "v1", "events", "Event", true};
	cJSON *list = NULL;
	assert_int_equal(fs_kube_wait(fs_kube_list(f->admin, &ev_res, NULL, NULL, NULL, NULL),
				      &list, NULL), FS_OK);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(list, "items")), 1);
	const cJSON *ev = first_item(list);
	assert_string_equal(cJSON_GetObjectItem(ev, "reason")->valuestring, "Scheduled");
	assert_string_equal(cJSON_GetObjectItem(ev, "note")->valuestring, "placed on 3 clusters");
	assert_string_equal(cJSON_GetObjectItem(ev, "reportingController")->valuestring, "fedstate-test");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "regarding"), "name")->valuestring,
			    "subject");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "series"), "count")->valueint, 2);
	cJSON_Delete(list);
	/* per-object limit: burst 3, one token already spent */
	for (int i = 0; i < 4; i++)
		fs_kube_record(rec, obj, "Warning", "Failed", NULL, "attempt %d", i);
	fs_kube_recorder_stats(rec, &st);
	assert_int_equal(st.dropped, 2);
	assert_false(st.core_v1);
	fs_kube_recorder_free(rec); /* cancels what is in flight */
	cJSON_Delete(obj);
}

static int
setup_no_events_v1(void **state)
{
	static const char *const extra[] = {"--without-group", "events.k8s.io", NULL};
	return setup_with(state, extra);
}

static void
test_event_recorder_falls_back(void **state)
{
	struct fixture *f = *state;
	cJSON *obj = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":"
				 "{\"name\":\"s\",\"namespace\":\"default\",\"uid\":\"u-1\"}}");
	struct fs_kube_recorder *rec = fs_kube_recorder_new(f->admin, NULL);
	fs_kube_record(rec, obj, "Warning", "Unschedulable", NULL, "no cluster fits");
	struct fs_kube_recorder_stats st;
	for (int64_t d = fs_now_ms() + 20000; fs_now_ms() < d;) {
		fs_kube_recorder_stats(rec, &st);
		if (st.created == 1)
			break;
		ev_run(tl_loop(), EVRUN_ONCE);
	}
	assert_int_equal(st.created, 1);
	assert_true(st.core_v1);
	static const struct fs_kube_resource core_ev = {"", "v1", "events", "Event", true};
	cJSON *list = NULL;
	assert_int_equal(fs_kube_wait(fs_kube_list(f->admin, &core_ev, NULL, NULL, NULL, NULL),
				      &list, NULL), FS_OK);
	const cJSON *ev = first_item(list);
	assert_non_null(ev);
	assert_string_equal(cJSON_GetObjectItem(ev, "message")->valuestring, "no cluster fits");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "involvedObject"), "uid")->valuestring,
			    "u-1");
	cJSON_Delete(list);
	fs_kube_recorder_free(rec);
	cJSON_Delete(obj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_takeover_and_fencing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline_while_renewal_stuck, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renewal_skips_backlog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_recorder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_recorder_falls_back, setup_no_events_v1,
						teardown),
	};
	return cmocka_run_group_tests_name("kube_leader", tests, NULL, NULL);
}
