/*
 * test_runtime.c - the runtime a daemon runs on (core/runtime):
 *  - a retired instance's timers and requests never call back after fini;
 *  - a cycle's waits run only the cycle's own requests: nothing of the
 *    process loop (informers, queue, Lease, endpoints) runs inside a cycle,
 *    and a snapshot published meanwhile does not change the cycle's view;
 *  - waits refuse to nest a running loop; a cycle refuses re-entry;
 *  - two profile sets are live on one runtime at once.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <ev.h>

#include "../plugins/async.h"
#include "lib/loop_wait.h"
#include "lib/plugin_harness.h"
#include "model/binding.h"
#include "model/fleet.h"
#include "net/net.h"
#include "plugin/loader.h"
#include "runtime/runtime.h"
#include "sched/config.h"
#include "sched/framework.h"
#include "sched/profile.h"

/* a TCP listener that never accepts: requests to it connect (backlog) and
 * then wait for an answer that never comes */
static int mute_fd = -1;
static uint16_t mute_port;

static void
mute_open(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof a;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	mute_fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(mute_fd >= 0);
	assert_int_equal(bind(mute_fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(mute_fd, 64), 0);
	assert_int_equal(getsockname(mute_fd, (struct sockaddr *)&a, &len), 0);
	mute_port = ntohs(a.sin_port);
}

struct fx {
	struct fs_runtime *rt;
	struct fs_fleet *fleet;
	struct async_record rec;
	struct fs_plugin *inst;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	if (mute_fd < 0)
		mute_open();
	f->rt = fs_runtime_new(tl_loop());
	f->fleet = fs_fleet_new();
	snprintf(f->rec.url, sizeof f->rec.url, "http://127.0.0.1:%u/", mute_port);
	*state = f;
	return f->rt ? 0 : -1;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	fs_plugin_retire(f->inst);
	fs_runtime_free(f->rt);
	fs_fleet_free(f->fleet);
	free(f);
	return 0;
}

static void
put_cluster(struct fs_fleet *fl, const char *name, const char *labels)
{
	char text[768];
	struct fs_decode_ctx ctx = {0};

	snprintf(text, sizeof text,
		 "{\"apiVersion\":\"cluster.karmada.io/v1alpha1\",\"kind\":\"Cluster\","
		 "\"metadata\":{\"name\":\"%s\",\"labels\":{%s}},\"spec\":{},"
		 "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
		 "\"apiEnablements\":[{\"groupVersion\":\"v1\",\"resources\":"
		 "[{\"name\":\"configmaps\",\"kind\":\"ConfigMap\"}]}]}}",
		 name, labels ? labels : "");
	cJSON *o = cJSON_Parse(text);
	assert_non_null(o);
	assert_int_equal(fs_fleet_put_json(fl, o, &ctx), FS_OK);
	cJSON_Delete(o);
}

/* publish the fleet's current contents into rt */
static void
publish(struct fs_runtime *rt, struct fs_fleet *fl)
{
	struct fs_snapshot *s = fs_fleet_publish(fl);

	fs_runtime_publish(rt, s);
	fs_snapshot_unref(s); /* the runtime holds its own */
}

static struct fs_plugin *
load_async(struct fx *f)
{
	struct fs_registry *reg = fs_runtime_registry(f->rt);
	struct fs_loaded_plugin *lp;
	struct fs_plugin *inst;
	char err[1024], args[64], path[4096];

	snprintf(path, sizeof path, "%s", ph_build_path("tests/plugins/async.so"));
	if (fs_plugin_load_path(reg, path, NULL, &lp, err, sizeof err) != FS_OK)
		fail_msg("%s", err);
	snprintf(args, sizeof args, "{\"record\": %llu}",
		 (unsigned long long)(uintptr_t)&f->rec);
	cJSON *a = cJSON_Parse(args);
	if (fs_plugin_instantiate(lp, a, "test", fs_runtime_env(f->rt), &inst, err,
				  sizeof err) != FS_OK)
		fail_msg("%s", err);
	cJSON_Delete(a);
	return inst;
}

/* ------------------------------------------------------------ ownership */

static void
test_retired_instance_never_calls_back(void **state)
{
	struct fx *f = *state;

	f->rec.timer_ms = 2;
	f->rec.background = 3;
	f->inst = load_async(f);
	assert_int_equal(f->rec.started, 3);
	assert_true(tl_loop_until_count(&f->rec.timer_fires, 3, 5000));
	assert_int_equal(f->rec.done_calls, 0); /* the listener never answers */

	fs_plugin_retire(f->inst);
	f->inst = NULL;
	/* the requests ended before fini, once each, as canceled */
	assert_true(f->rec.finied);
	assert_int_equal(f->rec.done_calls, 3);
	assert_int_equal(f->rec.done_canceled, 3);
	/* and nothing fires afterwards */
	int fires = f->rec.timer_fires, never = 0;
	tl_loop_until_count(&never, 1, 60);
	assert_int_equal(f->rec.timer_fires, fires);
	assert_int_equal(f->rec.after_fini, 0);
	struct fs_net_stats st;
	fs_net_stats(fs_runtime_net(f->rt), &st);
	assert_int_equal(st.active, 0);
}

/* ------------------------------------------------------------ cycles */

static int informer_events;
static struct fx *mid;

/* stands in for an informer handler on the process loop */
static void
on_watch_event(void *ud)
{
	(void)ud;
	informer_events++;
	put_cluster(mid->fleet, "late", NULL);
	publish(mid->rt, mid->fleet);
}

/* a watch event handled while the cycle is running (as a design that lets
 * the loop run during a fan-out would): the cycle must not see it */
static void
event_mid_cycle(void *ud)
{
	struct fx *f = ud;

	put_cluster(f->fleet, "mid", NULL);
	put_cluster(f->fleet, "mid2", NULL);
	publish(f->rt, f->fleet);
}

static void
test_cycle_wait_runs_only_the_cycle(void **state)
{
	struct fx *f = *state;
	const char *reason = NULL;

	put_cluster(f->fleet, "a", NULL);
	put_cluster(f->fleet, "b", NULL);
	publish(f->rt, f->fleet);
	f->rec.requests = 2;
	f->rec.wait_ms = 200;
	f->rec.in_cycle = event_mid_cycle;
	f->rec.ud = f;
	f->inst = load_async(f);
	mid = f;
	informer_events = 0;
	/* due long before the cycle's wait ends */
	struct fs_timer *ev = fs_timer_start(tl_loop(), NULL, 5, 0, on_watch_event, NULL);

	assert_int_equal(fs_runtime_cycle_begin(f->rt), FS_OK);
	struct fs_cycle *cyc = ph_cycle(NULL, 2);
	assert_int_equal(f->inst->lp->sched.pre_filter(f->inst->state, cyc, NULL, 0,
						       &reason), FS_OK);
	fs_runtime_cycle_end(f->rt);
	fs_cycle_destroy(cyc);

	/* the wait ran its own requests to the deadline and nothing else */
	assert_int_equal(f->rec.done_calls, 2);
	assert_int_equal(f->rec.done_canceled, 2);
	assert_int_equal(informer_events, 0);
	/* the fleet changed mid-cycle; the cycle's view did not */
	assert_int_equal(f->rec.count_before, 2);
	assert_int_equal(f->rec.count_after, 2);
	assert_true(f->rec.gen_after == f->rec.gen_before);
	/* outside the cycle the newest snapshot shows */
	assert_int_equal(fs_runtime_env(f->rt)->host->cluster_count(f->inst), 4);
	/* and the process loop goes on with what waited */
	assert_true(tl_loop_until_count(&informer_events, 1, 5000));
	assert_int_equal(fs_runtime_env(f->rt)->host->cluster_count(f->inst), 5);
	fs_timer_stop(ev);
}

/* a request a cycle started but did not wait for ends with the cycle */
static void
test_cycle_requests_end_with_the_cycle(void **state)
{
	struct fx *f = *state;
	const char *reason = NULL;

	f->rec.requests = 3;
	f->rec.wait_ms = 0; /* waits for nothing */
	f->inst = load_async(f);
	assert_int_equal(fs_runtime_cycle_begin(f->rt), FS_OK);
	assert_int_equal(f->inst->lp->sched.pre_filter(f->inst->state, NULL, NULL, 0,
						       &reason), FS_OK);
	fs_runtime_cycle_end(f->rt);
	assert_int_equal(f->rec.done_canceled, 3);
}

/* ------------------------------------------------------------ nesting */

static enum fs_code nested_rc;

static void
wait_from_callback(void *ud)
{
	(void)ud;
	nested_rc = fs_http_wait(tl_net(), NULL, 0, fs_now_ms() + 1000);
}

static void
test_wait_refuses_to_nest_a_running_loop(void **state)
{
	bool done = false;

	(void)state;
	nested_rc = FS_OK;
	struct fs_timer *t = fs_timer_start(tl_loop(), NULL, 0, 0, wait_from_callback, NULL);
	tl_loop_until_flag(&done, 50);
	fs_timer_stop(t);
	assert_int_equal(nested_rc, FS_E_NOTSUP);
	/* at the top level it waits */
	assert_int_equal(fs_http_wait(tl_net(), NULL, 0, fs_now_ms() + 1), FS_OK);
}

static struct fs_framework *reenter_fw;
static struct fs_binding reenter_b;

static void
reenter(void *ud)
{
	struct fs_sched_result r;

	(void)ud;
	fs_framework_schedule(reenter_fw, NULL, 0, &reenter_b, 0, &r);
	_exit(r.code == FS_E_INTERNAL ? 3 : 4); /* only without assertions */
}

static void
test_framework_refuses_reentry(void **state)
{
	struct fx *f = *state;

	f->rec.in_cycle = reenter;
	f->inst = load_async(f);
	struct fs_profile *p = fs_profile_new("default-scheduler");
	fs_profile_add(p, FS_POINT_PRE_FILTER, "fixture-async", f->inst,
		       &f->inst->lp->sched, f->inst->state, 1);
	reenter_fw = fs_framework_create(p);
	reenter_b = (struct fs_binding){.struct_size = sizeof reenter_b, .replicas = 1};
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct fs_sched_result r;
		fs_framework_schedule(reenter_fw, NULL, 0, &reenter_b, 0, &r);
		_exit(5);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
#ifdef NDEBUG
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 3);
#else
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
#endif
	fs_framework_destroy(reenter_fw);
	fs_profile_free(p);
}

/* ------------------------------------------------------------ two sets */

static const char conf_a[] =
	"apiVersion: config.fedstate.io/v1alpha1\n"
	"kind: SchedulerConfiguration\n"
	"profiles:\n"
	"  - schedulerName: default-scheduler\n";
static const char conf_b[] =
	"apiVersion: config.fedstate.io/v1alpha1\n"
	"kind: SchedulerConfiguration\n"
	"plugins:\n"
	"  - name: example\n"
	"profiles:\n"
	"  - schedulerName: default-scheduler\n"
	"    plugins:\n"
	"      multiPoint:\n"
	"        enabled:\n"
	"          - name: example\n"
	"    pluginConfig:\n"
	"      - name: example\n"
	"        args: {labelKey: cordon, labelValue: \"true\"}\n";

static struct fs_profile_set *
build_set(struct fs_runtime *rt, const char *name, const char *text)
{
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_config *cfg = NULL;
	struct fs_profile_set *set = NULL;

	if (fs_config_load_mem(name, text, strlen(text), &cfg, &d) != FS_OK) {
		fs_diags_print(&d, stderr);
		fail_msg("%s does not load", name);
	}
	if (fs_profile_set_build(cfg, fs_runtime_registry(rt), &set, &d) != FS_OK) {
		fs_diags_print(&d, stderr);
		fail_msg("%s does not build", name);
	}
	fs_config_free(cfg);
	fs_diags_release(&d);
	return set;
}

static uint32_t
placed(struct fs_runtime *rt, struct fs_profile_set *set, const struct fs_binding *b)
{
	struct fs_framework *fw = fs_framework_create(set->profiles[0]);
	struct fs_sched_result r;

	assert_int_equal(fs_runtime_schedule(rt, fw, b, FS_SCHED_NO_BIND, &r), FS_OK);
	uint32_t n = r.n_targets;
	fs_framework_destroy(fw);
	return n;
}

static void
test_two_profile_sets_on_one_runtime(void **state)
{
	struct fx *f = *state;
	char err[512];
	struct fs_decode_ctx ctx = {0};
	struct fs_binding_box *box = NULL;

	char dir[4096];
	if (!realpath(ph_build_path("plugins"), dir) ||
	    fs_registry_add_dir(fs_runtime_registry(f->rt), dir, err, sizeof err) != FS_OK)
		fail_msg("plugin dir: %s", err);
	put_cluster(f->fleet, "a", NULL);
	put_cluster(f->fleet, "b", "\"cordon\":\"true\"");
	publish(f->rt, f->fleet);
	cJSON *rb = cJSON_Parse(
		"{\"apiVersion\":\"work.karmada.io/v1alpha2\",\"kind\":\"ResourceBinding\","
		"\"metadata\":{\"name\":\"cm\",\"namespace\":\"default\"},"
		"\"spec\":{\"resource\":{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
		"\"namespace\":\"default\",\"name\":\"cm\"},"
		"\"placement\":{\"replicaScheduling\":{\"replicaSchedulingType\":\"Duplicated\"}}}}");
	assert_int_equal(fs_binding_new_json(rb, &ctx, &box), FS_OK);
	cJSON_Delete(rb);

	/* the running set and the one a reload builds beside it */
	struct fs_profile_set *a = build_set(f->rt, "a.yaml", conf_a);
	struct fs_profile_set *b = build_set(f->rt, "b.yaml", conf_b);
	assert_int_equal(placed(f->rt, a, fs_binding_view(box)), 2);
	assert_int_equal(placed(f->rt, b, fs_binding_view(box)), 1);
	assert_int_equal(placed(f->rt, a, fs_binding_view(box)), 2);
	/* the swap: the old set goes, the new one keeps scheduling */
	fs_profile_set_free(a);
	assert_int_equal(placed(f->rt, b, fs_binding_view(box)), 1);
	fs_profile_set_free(b);
	fs_binding_free(box);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_retired_instance_never_calls_back),
		T(test_cycle_wait_runs_only_the_cycle),
		T(test_cycle_requests_end_with_the_cycle),
		T(test_wait_refuses_to_nest_a_running_loop),
		T(test_framework_refuses_reentry),
		T(test_two_profile_sets_on_one_runtime),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	tl_net_reset();
	if (mute_fd >= 0)
		close(mute_fd);
	return rc;
}
