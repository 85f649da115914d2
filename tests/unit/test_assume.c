/*
 * test_assume.c - over-commit protection (sched/assume.h): a burst of
 * bindings against a cluster whose summary does not move never places
 * more than fits; the assumption ends when the summary catches up or
 * after its ttl.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "lib/plugin_harness.h"
#include "model/binding.h"
#include "model/fleet.h"
#include "runtime/runtime.h"
#include "sched/assume.h"
#include "sched/config.h"
#include "sched/framework.h"
#include "sched/profile.h"

static const char conf[] =
	"apiVersion: config.fedstate.io/v1alpha1\n"
	"kind: SchedulerConfiguration\n"
	"plugins:\n"
	"  - name: estimator\n"
	"profiles:\n"
	"  - schedulerName: default-scheduler\n"
	"    plugins:\n"
	"      multiPoint:\n"
	"        enabled:\n"
	"          - name: estimator\n"
	"    pluginConfig:\n"
	"      - name: estimator\n"
	"        args: {generalEstimator: true, schedulerEstimator: false}\n";

/* 10 CPUs free, room for 110 pods; `pods` of them in use */
static void
put_cluster(struct fs_fleet *f, int pods)
{
	char text[1024];
	struct fs_decode_ctx ctx = {0};
	snprintf(text, sizeof text,
		 "{\"apiVersion\":\"cluster.karmada.io/v1alpha1\",\"kind\":\"Cluster\","
		 "\"metadata\":{\"name\":\"m1\"},\"spec\":{},"
		 "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
		 "\"apiEnablements\":[{\"groupVersion\":\"apps/v1\",\"resources\":"
		 "[{\"name\":\"deployments\",\"kind\":\"Deployment\"}]}],"
		 "\"resourceSummary\":{\"allocatable\":{\"cpu\":\"10\",\"memory\":\"100Gi\","
		 "\"pods\":\"110\"},\"allocated\":{\"pods\":\"%d\"}}}}", pods);
	cJSON *o = cJSON_Parse(text);
	assert_int_equal(fs_fleet_put_json(f, o, &ctx), FS_OK);
	cJSON_Delete(o);
}

static struct fs_binding_box *
binding(int i)
{
	char text[1024];
	struct fs_decode_ctx ctx = {0};
	struct fs_binding_box *box = NULL;
	snprintf(text, sizeof text,
		 "{\"apiVersion\":\"work.karmada.io/v1alpha2\",\"kind\":\"ResourceBinding\","
		 "\"metadata\":{\"name\":\"b%d\",\"namespace\":\"default\",\"uid\":\"u%d\"},"
		 "\"spec\":{\"resource\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
		 "\"namespace\":\"default\",\"name\":\"d%d\"},\"replicas\":4,"
		 "\"replicaRequirements\":{\"resourceRequest\":{\"cpu\":\"1\"}},"
		 "\"placement\":{\"replicaScheduling\":{\"replicaSchedulingType\":\"Divided\","
		 "\"replicaDivisionPreference\":\"Weighted\",\"weightPreference\":"
		 "{\"dynamicWeight\":\"AvailableReplicas\"}}}}}", i, i, i);
	cJSON *o = cJSON_Parse(text);
	assert_int_equal(fs_binding_new_json(o, &ctx, &box), FS_OK);
	cJSON_Delete(o);
	return box;
}

struct fx {
	struct fs_runtime *rt;
	struct fs_fleet *fleet;
	struct fs_profile_set *set;
	struct fs_framework *fw;
	struct fs_assume *assume;
};

static void
publish(struct fx *f)
{
	struct fs_snapshot *s = fs_fleet_publish(f->fleet);
	fs_runtime_publish(f->rt, s);
	for (uint32_t i = 0; i < fs_snapshot_count(s); i++)
		fs_assume_observe(f->assume, fs_snapshot_at(s, i));
	fs_snapshot_unref(s);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_config *cfg = NULL;
	char dir[4096], err[512];

	f->rt = fs_runtime_new(NULL);
	if (!realpath(ph_build_path("plugins"), dir) ||
	    fs_registry_add_dir(fs_runtime_registry(f->rt), dir, err, sizeof err) != FS_OK)
		return -1;
	if (fs_config_load_mem("assume.yaml", conf, strlen(conf), &cfg, &d) != FS_OK ||
	    fs_profile_set_build(cfg, fs_runtime_registry(f->rt), &f->set, &d) != FS_OK) {
		fs_diags_print(&d, stderr);
		return -1;
	}
	fs_config_free(cfg);
	fs_diags_release(&d);
	f->fw = fs_framework_create(f->set->profiles[0]);
	f->assume = fs_assume_new(1000);
	f->fleet = fs_fleet_new();
	put_cluster(f->fleet, 0);
	publish(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	fs_framework_destroy(f->fw);
	fs_profile_set_free(f->set);
	fs_runtime_free(f->rt);
	fs_fleet_free(f->fleet);
	fs_assume_free(f->assume);
	free(f);
	return 0;
}

/* schedule n bindings back to back (nothing reports in between); the
 * replicas placed on m1 in all */
static int
burst(struct fx *f, int first, int n, int64_t now)
{
	int placed = 0;
	for (int i = first; i < first + n; i++) {
		struct fs_binding_box *box = binding(i);
		struct fs_sched_result r;
		fs_runtime_schedule(f->rt, f->fw, fs_binding_view(box), FS_SCHED_NO_BIND, &r);
		for (uint32_t t = 0; t < r.n_targets; t++)
			placed += r.targets[t].replicas;
		fs_assume_placed(f->assume, fs_binding_view(box), &r, now);
		fs_binding_free(box);
	}
	return placed;
}

static void
test_without_assume_overcommits(void **state)
{
	struct fx *f = *state;
	/* Karmada's behaviour: every binding sees the same 10 free CPUs */
	assert_int_equal(burst(f, 0, 5, 0), 20);
}

static void
test_burst_never_places_more_than_fits(void **state)
{
	struct fx *f = *state;
	fs_framework_set_capacity(f->fw, fs_assume_capacity, f->assume);
	assert_true(burst(f, 0, 5, 0) <= 10);
	assert_int_equal(fs_assume_count(f->assume), 1);
	/* a burst of 200 at once: still no more than fits */
	assert_true(burst(f, 10, 200, 0) <= 10);
}

static void
test_assumption_ends(void **state)
{
	struct fx *f = *state;
	fs_framework_set_capacity(f->fw, fs_assume_capacity, f->assume);
	int placed = burst(f, 0, 5, 0);
	assert_int_equal(placed, 8); /* 4, 4, then only 2 left: unschedulable */
	/* the summary shows fewer pods than assumed: still assumed */
	put_cluster(f->fleet, 4);
	publish(f);
	assert_int_equal(fs_assume_count(f->assume), 1);
	/* it caught up: the assumption ends */
	put_cluster(f->fleet, 8);
	publish(f);
	assert_int_equal(fs_assume_count(f->assume), 0);
	/* and one that never materialises ends with its ttl */
	burst(f, 20, 1, 5000);
	assert_int_equal(fs_assume_count(f->assume), 1);
	fs_assume_expire(f->assume, 5500);
	assert_int_equal(fs_assume_count(f->assume), 1);
	fs_assume_expire(f->assume, 6001);
	assert_int_equal(fs_assume_count(f->assume), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_without_assume_overcommits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_never_places_more_than_fits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assumption_ends, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
