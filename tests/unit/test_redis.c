/*
 * test_redis.c - the Redis plugin, loaded like any middleware: golden
 * render and status, the primary staying put, pass 2 for the NodePort,
 * bad input. Nothing in core/ knows about Redis; these tests prove the
 * public ABI is enough.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ops_harness.h"
#include "plugin/host_json.h"

#define API "middleware.fedstate.io/v1alpha1"
#define D "tests/data/ops/"

static struct fs_ops *ops;
static const struct fs_ops_mw *mw;
static cJSON *clusters;

static int
setup(void **state)
{
	(void)state;
	ops = oh_open("[{name: redis, kind: MultiCloudRedis}, {name: mongodb}]");
	mw = oh_mw(ops, API, "MultiCloudRedis");
	clusters = oh_load(D "clusters.yaml");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	cJSON_Delete(clusters);
	oh_close(ops);
	return 0;
}

static void
golden_render(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcredis-sample.yaml", 0);
	cJSON *existing = oh_load(D "redis-existing.yaml");
	struct fs_ops_input in = {.object = obj, .clusters = clusters, .existing = existing};
	struct fs_ops_output out;
	char err[512];
	assert_int_equal(fs_ops_render(mw, &in, &out, err, sizeof err), FS_OK);
	assert_false(out.need_pass);
	cJSON *golden = oh_load(D "redis-rendered.yaml");
	assert_int_equal(cJSON_GetArraySize(out.desired), cJSON_GetArraySize(golden));
	const cJSON *want, *got = out.desired->child;
	cJSON_ArrayForEach(want, golden)
	{
		oh_assert_same(want, got, oh_str(want, "metadata.name"));
		got = got->next;
	}
	cJSON_Delete(golden);
	fs_ops_output_release(&out);
	cJSON_Delete(existing);
	cJSON_Delete(obj);
}

static void
waits_for_primary_port(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcredis-sample.yaml", 0);
	struct fs_ops_input in = {.object = obj, .clusters = clusters};
	struct fs_ops_output out;
	char err[512];
	assert_int_equal(fs_ops_render(mw, &in, &out, err, sizeof err), FS_OK);
	assert_true(out.need_pass);
	assert_string_equal(out.why, "Service cache-redis-primary has no nodePort yet");
	assert_null(oh_find(out.desired, "ConfigMap", "cache-redis-topology"));
	fs_ops_output_release(&out);
	cJSON *world = NULL;
	oh_settle(mw, &in, &world, &out);
	assert_false(out.need_pass);
	assert_non_null(oh_find(out.desired, "ConfigMap", "cache-redis-topology"));
	fs_ops_output_release(&out);
	cJSON_Delete(world);
	cJSON_Delete(obj);
}

static void
primary_stays_put(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcredis-sample.yaml", 0);
	cJSON *world = NULL;
	struct fs_ops_input in = {.object = obj, .clusters = clusters};
	struct fs_ops_output out;
	oh_settle(mw, &in, &world, &out);
	cJSON_Delete(world);
	world = cJSON_Duplicate(out.desired, 1);
	fs_ops_output_release(&out);
	/* 10-29-14-25 grows past 10-29-14-21: the primary does not move */
	cJSON *pl = oh_placement("{\"ClusterWithReplicaset\":[{\"cluster\":\"10-29-14-25\","
				 "\"replicaset\":4},{\"cluster\":\"10-29-14-21\",\"replicaset\":3}]}");
	in.placement = pl;
	oh_settle(mw, &in, &world, &out);
	assert_string_equal(oh_str(oh_find(out.desired, "PropagationPolicy",
					   "cache-redis-primary-pp"),
				   "spec.placement.clusterAffinity.clusterNames.0"),
			    "10-29-14-21");
	assert_string_equal(oh_str(oh_find(out.desired, "ConfigMap", "cache-redis-topology"),
				   "data.primaryCluster"), "10-29-14-21");
	assert_int_equal(cJSON_GetArraySize(out.prune), 0);
	fs_ops_output_release(&out);
	cJSON_Delete(pl);
	cJSON_Delete(world);
	cJSON_Delete(obj);
}

static cJSON *
status_of(const char *rb_file)
{
	cJSON *obj = oh_doc(D "mcredis-sample.yaml", 0);
	cJSON *existing = oh_load(D "redis-existing.yaml");
	cJSON *rb = rb_file ? oh_doc(rb_file, 0) : NULL;
	struct fs_ops_input in = {.object = obj, .clusters = clusters, .existing = existing,
				  .binding = rb};
	cJSON *st = oh_status(mw, &in);
	cJSON_Delete(rb);
	cJSON_Delete(existing);
	cJSON_Delete(obj);
	return st;
}

static void
golden_status(void **state)
{
	(void)state;
	const char *files[] = {D "rb-redis.yaml", D "rb-redis-degraded.yaml"};
	for (size_t i = 0; i < 2; i++) {
		cJSON *st = status_of(files[i]);
		cJSON *exp = oh_doc(files[i], 1);
		oh_assert_same(cJSON_GetObjectItemCaseSensitive(exp, "expectedStatus"), st, files[i]);
		cJSON_Delete(exp);
		cJSON_Delete(st);
	}
}

static void
status_states(void **state)
{
	(void)state;
	cJSON *st = status_of(NULL);
	assert_string_equal(oh_str(st, "state"), "UnKnown");
	assert_string_equal(oh_str(st, "result.0.state"), "Unknown");
	cJSON_Delete(st);
	/* the primary cluster has nothing ready: no primary */
	cJSON *rb = oh_doc(D "rb-redis-degraded.yaml", 0);
	cJSON *s0 = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(rb, "status"), "aggregatedStatus"), 0),
		"status");
	cJSON_ReplaceItemInObjectCaseSensitive(s0, "readyReplicas", cJSON_CreateNumber(0));
	cJSON *obj = oh_doc(D "mcredis-sample.yaml", 0);
	struct fs_ops_input in = {.object = obj, .clusters = clusters, .binding = rb};
	struct fs_ops_output out;
	char err[512];
	assert_int_equal(fs_ops_status(mw, &in, &out, err, sizeof err), FS_OK);
	assert_string_equal(oh_str(out.status, "state"), "UnHealth");
	fs_ops_output_release(&out);
	cJSON_Delete(obj);
	cJSON_Delete(rb);
}

static void
bad_input(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcredis-sample.yaml", 0);
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	cJSON_ReplaceItemInObjectCaseSensitive(spec, "replicas", cJSON_CreateString("many"));
	struct fs_ops_input in = {.object = obj, .clusters = clusters};
	struct fs_ops_output out;
	char err[512];
	assert_int_equal(fs_ops_render(mw, &in, &out, err, sizeof err), FS_E_INVAL);
	assert_string_equal(err, "MultiCloudRedis shop/cache: spec.replicas: expected "
				 "integer 1..1000, got string \"many\"");
	struct fs_mw_workload w = {.struct_size = sizeof w};
	assert_int_equal(mw->ops->interpret(mw->state, FS_JSON(obj), &w, err, sizeof err),
			 FS_E_INVAL);
	cJSON_ReplaceItemInObjectCaseSensitive(spec, "replicas", cJSON_CreateNumber(4));
	memset(&w, 0, sizeof w);
	w.struct_size = sizeof w;
	assert_int_equal(mw->ops->interpret(mw->state, FS_JSON(obj), &w, err, sizeof err),
			 FS_OK);
	assert_int_equal(w.replicas, 4);
	assert_string_equal(w.storage_class, "fast-ssd");
	cJSON_Delete(FS_CJSON(w.requests));
	cJSON_Delete(FS_CJSON(w.placement));
	cJSON_Delete(obj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_render),
		cmocka_unit_test(waits_for_primary_port),
		cmocka_unit_test(primary_stays_put),
		cmocka_unit_test(golden_status),
		cmocka_unit_test(status_states),
		cmocka_unit_test(bad_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
