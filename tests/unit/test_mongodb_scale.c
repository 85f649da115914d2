/*
 * test_mongodb_scale.c - desired and prune sets of the MongoDB plugin as a
 * MultiCloudMongoDB changes: scale up, scale down (gracefully, while members
 * still run), arbiter on and off, a cluster removed. Each step renders over
 * what the previous step left on the (simulated) API server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ops_harness.h"

#define API "middleware.fedstate.io/v1alpha1"
#define N "multicloudmongodb-sample"
#define D "tests/data/ops/"

static struct fs_ops *ops;
static const struct fs_ops_mw *mw;
static cJSON *clusters;

static int
setup(void **state)
{
	(void)state;
	ops = oh_open("[{name: mongodb}]");
	mw = oh_mw(ops, API, "MultiCloudMongoDB");
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

/* the sample object without status, with `replicaset` members */
static cJSON *
sample(int replicaset, bool arbiter)
{
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	cJSON_ReplaceItemInObjectCaseSensitive(spec, "replicaset",
					       cJSON_CreateNumber(replicaset));
	if (arbiter)
		cJSON_AddItemToObject(spec, "config", cJSON_Parse("{\"arbiter\":true}"));
	return obj;
}

/* pretend the clusters report `json` as status.result */
static void
reported(cJSON *obj, const char *json)
{
	cJSON *st = cJSON_CreateObject();
	cJSON_AddItemToObject(st, "result", cJSON_Parse(json));
	cJSON_AddItemToObject(obj, "status", st);
}

/* render settled over *world, then make the desired set the new world
 * (what applying it would leave); prune is checked by the caller */
static void
step(cJSON *obj, const char *placement, cJSON **world, struct fs_ops_output *out)
{
	cJSON *pl = oh_placement(placement);
	struct fs_ops_input in = {.object = obj, .clusters = clusters, .placement = pl};
	oh_settle(mw, &in, world, out);
	cJSON_Delete(*world);
	*world = cJSON_Duplicate(out->desired, 1);
	cJSON_Delete(pl);
}

static void
assert_json(const cJSON *obj, const char *path, const char *want)
{
	char *got = oh_json(obj, path);
	if (strcmp(got, want) != 0)
		fail_msg("%s: want %s, got %s", path, want, got);
	free(got);
}

static void
assert_prune(const struct fs_ops_output *out, const char *want)
{
	char *got = oh_refs(out->prune);
	if (strcmp(got, want) != 0)
		fail_msg("prune: want \"%s\", got \"%s\"", want, got);
	free(got);
}

#define NAMES "spec.placement.clusterAffinity.clusterNames"
#define P_21_4_25_1 "{\"ClusterWithReplicaset\":[{\"cluster\":\"10-29-14-21\",\"replicaset\":4},{\"cluster\":\"10-29-14-25\",\"replicaset\":1}]}"

static void
scale_up_keeps_shared_services(void **state)
{
	(void)state;
	cJSON *world = NULL, *obj = sample(5, false);
	struct fs_ops_output out;
	step(obj, P_21_4_25_1, &world, &out);
	fs_ops_output_release(&out);
	cJSON_Delete(obj);

	/* grow 10-29-14-25 from 1 to 3: index Services 1 and 2 gain it, and
	 * index 0 keeps both clusters (FedState dropped 10-29-14-21 here) */
	obj = sample(7, false);
	step(obj, "{\"ClusterWithReplicaset\":[{\"cluster\":\"10-29-14-21\",\"replicaset\":4},"
		  "{\"cluster\":\"10-29-14-25\",\"replicaset\":3}]}",
	     &world, &out);
	assert_false(out.need_pass);
	assert_prune(&out, "");
	assert_json(oh_find(out.desired, "PropagationPolicy", N "-mongodb-0-pp"), NAMES,
		    "[\"10-29-14-21\",\"10-29-14-25\"]");
	assert_json(oh_find(out.desired, "PropagationPolicy", N "-mongodb-2-pp"), NAMES,
		    "[\"10-29-14-21\",\"10-29-14-25\"]");
	assert_json(oh_find(out.desired, "PropagationPolicy", N "-mongodb-3-pp"), NAMES,
		    "[\"10-29-14-21\"]");
	assert_json(oh_find(out.desired, "PropagationPolicy", N),
		    "spec.placement.replicaScheduling.weightPreference.staticWeightList.1.weight",
		    "3");
	assert_json(oh_find(out.desired, "MongoDB", N), "spec.members", "7");
	const char *datas = oh_str(oh_find(out.desired, "ConfigMap", N "-hostconf"),
				   "data.datas");
	size_t lines = 1;
	for (const char *p = datas; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 7);
	fs_ops_output_release(&out);
	cJSON_Delete(obj);

	/* 10-29-14-25 becomes the largest: a fifth index Service appears, and
	 * the replica set's initiator stays where it is */
	obj = sample(9, false);
	step(obj, "{\"ClusterWithReplicaset\":[{\"cluster\":\"10-29-14-21\",\"replicaset\":4},"
		  "{\"cluster\":\"10-29-14-25\",\"replicaset\":5}]}",
	     &world, &out);
	assert_non_null(oh_find(out.desired, "Service", N "-mongodb-4"));
	assert_json(oh_find(out.desired, "PropagationPolicy", N "-mongodb-4-pp"), NAMES,
		    "[\"10-29-14-25\"]");
	assert_json(oh_find(out.desired, "OverridePolicy", N "-init"),
		    "spec.overrideRules.0.targetCluster.clusterNames", "[\"10-29-14-21\"]");
	assert_json(oh_find(out.desired, "PropagationPolicy", N "-hostconf-pp"), NAMES,
		    "[\"10-29-14-25\",\"10-29-14-21\"]");
	assert_prune(&out, "");
	fs_ops_output_release(&out);
	cJSON_Delete(obj);
	cJSON_Delete(world);
}

static void
scale_down_waits_for_members(void **state)
{
	(void)state;
	cJSON *world = NULL, *obj = sample(5, false);
	struct fs_ops_output out;
	step(obj, P_21_4_25_1, &world, &out);
	const char *before = oh_str(oh_find(out.desired, "ConfigMap", N "-hostconf"),
				    "data.datas");
	char *datas5 = strdup(before);
	fs_ops_output_release(&out);
	cJSON_Delete(obj);

	/* 10-29-14-21 goes from 4 to 2 but still runs 4 members */
	const char *p3 = "{\"ClusterWithReplicaset\":[{\"cluster\":\"10-29-14-21\","
			 "\"replicaset\":2},{\"cluster\":\"10-29-14-25\",\"replicaset\":1}]}";
	obj = sample(3, false);
	reported(obj, "[{\"cluster\":\"10-29-14-21\",\"replicasetStatus\":4},"
		      "{\"cluster\":\"10-29-14-25\",\"replicasetStatus\":1}]");
	step(obj, p3, &world, &out);
	assert_prune(&out, "");
	assert_non_null(oh_find(out.desired, "Service", N "-mongodb-3"));
	assert_string_equal(oh_str(oh_find(out.desired, "ConfigMap", N "-hostconf"),
				   "data.datas"), datas5);
	assert_json(oh_find(out.desired, "MongoDB", N), "spec.members", "3");
	assert_json(oh_find(out.desired, "PropagationPolicy", N),
		    "spec.placement.replicaScheduling.weightPreference.staticWeightList.0.weight",
		    "2");
	fs_ops_output_release(&out);
	cJSON_Delete(obj);

	/* the member reports 2: index Services 2 and 3 go */
	obj = sample(3, false);
	reported(obj, "[{\"cluster\":\"10-29-14-21\",\"replicasetStatus\":2},"
		      "{\"cluster\":\"10-29-14-25\",\"replicasetStatus\":1}]");
	step(obj, p3, &world, &out);
	assert_prune(&out, "PropagationPolicy/" N "-mongodb-2-pp,PropagationPolicy/" N
			   "-mongodb-3-pp,Service/" N "-mongodb-2,Service/" N "-mongodb-3");
	assert_null(oh_find(out.desired, "Service", N "-mongodb-2"));
	fs_ops_output_release(&out);
	cJSON_Delete(obj);
	free(datas5);
	cJSON_Delete(world);
}

#define P_ARB "{\"ClusterWithReplicaset\":[{\"cluster\":\"10-29-14-21\",\"replicaset\":2},{\"cluster\":\"10-29-14-25\",\"replicaset\":2},{\"cluster\":\"10-29-14-30\",\"replicaset\":1,\"arbiter\":true}]}"

static void
arbiter_on_and_off(void **state)
{
	(void)state;
	cJSON *world = NULL, *obj = sample(5, true);
	struct fs_ops_output out;
	step(obj, P_ARB, &world, &out);
	/* the arbiter goes where the scheduler put it, not on the largest cluster */
	cJSON *svc = oh_find(out.desired, "Service", N "-mongodb-arbiter");
	assert_non_null(svc);
	cJSON *labels = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(svc, "metadata"), "labels");
	assert_null(cJSON_GetObjectItemCaseSensitive(labels, "app.kubernetes.io/instance"));
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(labels, "app")),
			    N "-mongodb-arbiter");
	assert_json(oh_find(out.desired, "PropagationPolicy", N "-mongodb-arbiter-pp"), NAMES,
		    "[\"10-29-14-30\"]");
	cJSON *op = oh_find(out.desired, "OverridePolicy", N "-arbiter");
	assert_json(op, "spec.overrideRules.0.targetCluster.clusterNames", "[\"10-29-14-30\"]");
	assert_json(op, "spec.overrideRules.0.overriders.plaintext.0.path", "\"/spec/arbiter\"");
	char *port = oh_json(svc, "spec.ports.0.nodePort");
	char want[64];
	snprintf(want, sizeof want, "host:'10.29.5.110:%s'", port); /* VIP label spelt VIP */
	assert_string_equal(oh_str(oh_find(out.desired, "ConfigMap", N "-hostconf"),
				   "data.arbiters"), want);
	free(port);
	fs_ops_output_release(&out);
	cJSON_Delete(obj);

	obj = sample(5, false);
	step(obj, P_ARB, &world, &out);
	assert_prune(&out, "OverridePolicy/" N "-arbiter,PropagationPolicy/" N
			   "-mongodb-arbiter-pp,Service/" N "-mongodb-arbiter");
	assert_string_equal(oh_str(oh_find(out.desired, "ConfigMap", N "-hostconf"),
				   "data.arbiters"), "");
	fs_ops_output_release(&out);
	cJSON_Delete(obj);
	cJSON_Delete(world);
}

static void
arbiter_without_scheduler_flag(void **state)
{
	(void)state;
	cJSON *world = NULL, *obj = sample(5, true);
	struct fs_ops_output out;
	step(obj, P_21_4_25_1, &world, &out);
	/* no entry flagged: the smallest active cluster, away from the majority */
	assert_json(oh_find(out.desired, "PropagationPolicy", N "-mongodb-arbiter-pp"), NAMES,
		    "[\"10-29-14-25\"]");
	fs_ops_output_release(&out);
	cJSON_Delete(obj);
	cJSON_Delete(world);
}

static void
cluster_removed(void **state)
{
	(void)state;
	cJSON *world = NULL, *obj = sample(5, false);
	struct fs_ops_output out;
	step(obj, P_21_4_25_1, &world, &out);
	fs_ops_output_release(&out);
	step(obj, "{\"ClusterWithReplicaset\":[{\"cluster\":\"10-29-14-21\",\"replicaset\":5}]}",
	     &world, &out);
	assert_prune(&out, "OverridePolicy/" N "-10-29-14-25-vip");
	assert_json(oh_find(out.desired, "PropagationPolicy", N "-mongodb-0-pp"), NAMES,
		    "[\"10-29-14-21\"]");
	assert_json(oh_find(out.desired, "PropagationPolicy", N), NAMES, "[\"10-29-14-21\"]");
	assert_json(oh_find(out.desired, "PropagationPolicy", N "-hostconf-pp"), NAMES,
		    "[\"10-29-14-21\"]");
	assert_non_null(oh_find(out.desired, "Service", N "-mongodb-4"));
	assert_null(strstr(oh_str(oh_find(out.desired, "ConfigMap", N "-hostconf"),
				  "data.datas"), "10.29.5.107"));
	fs_ops_output_release(&out);
	cJSON_Delete(obj);
	cJSON_Delete(world);
}

static void
prune_ignores_other_owners(void **state)
{
	(void)state;
	cJSON *world = NULL, *obj = sample(5, false);
	struct fs_ops_output out;
	step(obj, P_21_4_25_1, &world, &out);
	fs_ops_output_release(&out);
	/* the same name in another namespace, and an unmanaged object */
	cJSON *other = cJSON_Duplicate(oh_find(world, "Service", N "-mongodb-0"), 1);
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(other, "metadata");
	cJSON_ReplaceItemInObjectCaseSensitive(meta, "namespace", cJSON_CreateString("elsewhere"));
	cJSON_ReplaceItemInObjectCaseSensitive(meta, "name", cJSON_CreateString("x-mongodb-9"));
	cJSON_AddItemToArray(world, other);
	cJSON *mine = cJSON_Duplicate(oh_find(world, "Service", N "-mongodb-0"), 1);
	meta = cJSON_GetObjectItemCaseSensitive(mine, "metadata");
	cJSON_ReplaceItemInObjectCaseSensitive(meta, "name", cJSON_CreateString(N "-mongodb-9"));
	cJSON_AddItemToArray(world, mine);
	cJSON *foreign = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":"
				     "{\"name\":\"" N "-mongodb-8\",\"namespace\":"
				     "\"federation-mongo-operator\"}}");
	cJSON_AddItemToArray(world, foreign);
	step(obj, P_21_4_25_1, &world, &out);
	assert_prune(&out, "Service/" N "-mongodb-9");
	fs_ops_output_release(&out);
	cJSON_Delete(obj);
	cJSON_Delete(world);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scale_up_keeps_shared_services),
		cmocka_unit_test(scale_down_waits_for_members),
		cmocka_unit_test(arbiter_on_and_off),
		cmocka_unit_test(arbiter_without_scheduler_flag),
		cmocka_unit_test(cluster_removed),
		cmocka_unit_test(prune_ignores_other_owners),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
