/*
 * test_mongodb.c - the MongoDB plugin against FedState's golden chain
 * (tests/data/ops, copied from the shared fixtures): render equals the
 * hand-rendered object set except the documented fixes, statuses equal the
 * expected ones (SubHealth where we deliberately differ), and malformed
 * objects give clear errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/runtime.h"
#include "lib/ops_harness.h"
#include "ops/yaml_out.h"
#include "ops/object.h"
#include "plugin/host_json.h"
#include "plugin/loader.h"
#include "util/buf.h"

#define API "middleware.fedstate.io/v1alpha1"
#define NAME "multicloudmongodb-sample"
#define D "tests/data/ops/"

static struct fs_ops *ops;
static const struct fs_ops_mw *mw;

static int
setup(void **state)
{
	(void)state;
	ops = oh_open("[{name: mongodb, group: middleware.fedstate.io, version: "
		      "v1alpha1, kind: MultiCloudMongoDB}]");
	mw = oh_mw(ops, API, "MultiCloudMongoDB");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	oh_close(ops);
	return 0;
}

/* drop the fedstate.io/ labels the core stamps, for comparing with FedState */
static void
strip_stamp(cJSON *o)
{
	cJSON *labels = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(o, "metadata"), "labels");
	const char *keys[] = {"fedstate.io/managed-by", "fedstate.io/owner-kind",
			      "fedstate.io/owner-name", "fedstate.io/owner-uid"};
	for (size_t i = 0; i < 4; i++)
		cJSON_DeleteItemFromObjectCaseSensitive(labels, keys[i]);
}

static void
render_sample(struct fs_ops_output *out)
{
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *clusters = oh_load(D "clusters.yaml");
	cJSON *existing = oh_load(D "rendered-sample.yaml");
	struct fs_ops_input in = {.object = obj, .clusters = clusters,
				  .existing = existing};
	char err[1024];
	assert_int_equal(fs_ops_render(mw, &in, out, err, sizeof err), FS_OK);
	cJSON_Delete(obj);
	cJSON_Delete(clusters);
	cJSON_Delete(existing);
}

static void
golden_render(void **state)
{
	(void)state;
	struct fs_ops_output out;
	render_sample(&out);
	assert_false(out.need_pass);
	assert_int_equal(cJSON_GetArraySize(out.prune), 0);
	cJSON *golden = oh_load(D "rendered-sample.yaml");
	assert_int_equal(cJSON_GetArraySize(golden), 15);
	assert_int_equal(cJSON_GetArraySize(out.desired), 15);
	cJSON *want;
	cJSON_ArrayForEach(want, golden)
	{
		const char *kind = oh_str(want, "kind"), *name = oh_str(want, "metadata.name");
		cJSON *got = oh_find(out.desired, kind, name);
		if (!got)
			fail_msg("%s %s: not rendered", kind, name);
		cJSON *mine = cJSON_Duplicate(got, 1);
		strip_stamp(mine);
		if (strcmp(kind, "MongoDB") == 0) {
			/* deliberate fixes: storage class and pull policy reach the member */
			cJSON *spec = cJSON_GetObjectItemCaseSensitive(mine, "spec");
			assert_string_equal(oh_str(spec, "persistence.storageClassName"),
					    "managed-nfs-storage");
			assert_string_equal(oh_str(spec, "imagePullPolicy"), "Always");
			cJSON_DeleteItemFromObjectCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(spec, "persistence"),
				"storageClassName");
			cJSON_DeleteItemFromObjectCaseSensitive(spec, "imagePullPolicy");
			/* and it has no owner, as in FedState */
			assert_null(cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(mine, "metadata"),
				"ownerReferences"));
		}
		if (!cJSON_Compare(want, mine, 1)) {
			char *a = cJSON_PrintUnformatted(want), *b = cJSON_PrintUnformatted(mine);
			fail_msg("%s %s differs\nwant %s\ngot  %s", kind, name, a, b);
		}
		cJSON_Delete(mine);
	}
	cJSON_Delete(golden);
	fs_ops_output_release(&out);
}

static void
stamps_every_object(void **state)
{
	(void)state;
	struct fs_ops_output out;
	render_sample(&out);
	const cJSON *o;
	cJSON_ArrayForEach(o, out.desired)
	{
		assert_string_equal(oh_str(o, "metadata.namespace"), "federation-mongo-operator");
		const cJSON *labels = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(o, "metadata"), "labels");
		assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
					    labels, "fedstate.io/managed-by")),
				    "fedstate-ops");
		assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
					    labels, "fedstate.io/owner-uid")),
				    "1f6c2a9e-4d7b-4e31-8a05-b3c9d2e7f604");
		if (strcmp(oh_str(o, "kind"), "MongoDB") != 0) {
			assert_string_equal(oh_str(o, "metadata.ownerReferences.0.uid"),
					    "1f6c2a9e-4d7b-4e31-8a05-b3c9d2e7f604");
			char *c = oh_json(o, "metadata.ownerReferences.0.controller");
			assert_string_equal(c, "true");
			free(c);
		}
	}
	fs_ops_output_release(&out);
}

static char *
yaml_of(const cJSON *arr)
{
	struct fs_buf b = FS_BUF_INIT;
	const cJSON *o;
	cJSON_ArrayForEach(o, arr) fs_ops_yaml_write(&b, o);
	return fs_buf_detach(&b);
}

static void
deterministic(void **state)
{
	(void)state;
	struct fs_ops_output a, b;
	render_sample(&a);
	/* same inputs, existing objects in reverse order */
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *clusters = oh_load(D "clusters.yaml");
	cJSON *existing = oh_load(D "rendered-sample.yaml");
	cJSON *rev = cJSON_CreateArray();
	for (int i = cJSON_GetArraySize(existing) - 1; i >= 0; i--)
		cJSON_AddItemToArray(rev, cJSON_Duplicate(cJSON_GetArrayItem(existing, i), 1));
	struct fs_ops_input in = {.object = obj, .clusters = clusters, .existing = rev};
	char err[512];
	assert_int_equal(fs_ops_render(mw, &in, &b, err, sizeof err), FS_OK);
	char *ya = yaml_of(a.desired), *yb = yaml_of(b.desired);
	assert_string_equal(ya, yb);
	/* sorted by apiVersion, kind, name */
	char *refs = oh_refs(a.desired);
	assert_non_null(strstr(refs, "MongoDB/" NAME ",OverridePolicy/" NAME "-10-29-14-21-vip"));
	assert_non_null(strstr(refs, "ConfigMap/" NAME "-hostconf,Service/" NAME "-mongodb-0"));
	free(refs);
	free(ya);
	free(yb);
	cJSON_Delete(obj);
	cJSON_Delete(clusters);
	cJSON_Delete(existing);
	cJSON_Delete(rev);
	fs_ops_output_release(&a);
	fs_ops_output_release(&b);
}

static void
first_pass_waits_for_nodeports(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *clusters = oh_load(D "clusters.yaml");
	struct fs_ops_input in = {.object = obj, .clusters = clusters};
	struct fs_ops_output out;
	char err[512];
	assert_int_equal(fs_ops_render(mw, &in, &out, err, sizeof err), FS_OK);
	assert_true(out.need_pass);
	assert_non_null(strstr(out.why, "Service " NAME "-mongodb-0 has no nodePort yet"));
	/* no partial member list, and nothing pruned while incomplete */
	assert_null(oh_find(out.desired, "ConfigMap", NAME "-hostconf"));
	assert_int_equal(cJSON_GetArraySize(out.prune), 0);
	fs_ops_output_release(&out);
	/* the simulated API server completes it */
	cJSON *existing = NULL;
	oh_settle(mw, &in, &existing, &out);
	assert_false(out.need_pass);
	const char *datas = oh_str(oh_find(out.desired, "ConfigMap", NAME "-hostconf"),
				   "data.datas");
	assert_non_null(datas);
	assert_int_equal(strncmp(datas, "host:'10.29.5.103:", 18), 0);
	fs_ops_output_release(&out);
	cJSON_Delete(existing);
	cJSON_Delete(obj);
	cJSON_Delete(clusters);
}

static enum fs_code
render_with(cJSON *obj, const char *placement, char *err, size_t errlen)
{
	cJSON *clusters = oh_load(D "clusters.yaml");
	cJSON *pl = placement ? oh_placement(placement) : NULL;
	struct fs_ops_input in = {.object = obj, .clusters = clusters, .placement = pl};
	struct fs_ops_output out;
	enum fs_code c = fs_ops_render(mw, &in, &out, err, errlen);
	if (c == FS_OK) {
		fs_ops_output_release(&out);
	} else {
		/* a failed render desires nothing and prunes nothing */
		assert_null(out.desired);
		assert_null(out.prune);
	}
	cJSON_Delete(clusters);
	cJSON_Delete(pl);
	return c;
}

static void
set_annotation(cJSON *obj, const char *value)
{
	cJSON *ann = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "annotations");
	cJSON_ReplaceItemInObjectCaseSensitive(ann, "schedulerResult",
					       cJSON_CreateString(value));
}

static void
bad_annotation(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	char err[1024];
	set_annotation(obj, "{\"ClusterWithReplicaset\":[{\"cluster\":\"a\",");
	assert_int_equal(render_with(obj, NULL, err, sizeof err), FS_E_PARSE);
	assert_non_null(strstr(err, "MultiCloudMongoDB federation-mongo-operator/" NAME
				    ": metadata.annotations.schedulerResult: invalid JSON at offset"));
	assert_non_null(strstr(err, "hint: expected {\"ClusterWithReplicaset\""));

	set_annotation(obj, "{\"ClusterWithReplicaset\":[{\"cluster\":\"10-29-14-21\","
			    "\"replicaset\":\"4\"}]}");
	assert_int_equal(render_with(obj, NULL, err, sizeof err), FS_E_INVAL);
	assert_non_null(strstr(err, "ClusterWithReplicaset[0].replicaset: expected "
				    "integer, got string \"4\""));

	set_annotation(obj, "{\"clusters\":[]}");
	assert_int_equal(render_with(obj, NULL, err, sizeof err), FS_E_INVAL);
	assert_non_null(strstr(err, "ClusterWithReplicaset: expected array, got nothing"));

	cJSON_DeleteItemFromObjectCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "annotations");
	assert_int_equal(render_with(obj, NULL, err, sizeof err), FS_E_NOTFOUND);
	assert_non_null(strstr(err, "not scheduled yet"));
	cJSON_Delete(obj);
}

static void
malformed_objects(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	char err[1024];
	cJSON_ReplaceItemInObjectCaseSensitive(spec, "replicaset", cJSON_CreateString("five"));
	assert_int_equal(render_with(obj, NULL, err, sizeof err), FS_E_INVAL);
	assert_non_null(strstr(err, "spec.replicaset: expected integer 1..1000, got "
				    "string \"five\""));
	cJSON_ReplaceItemInObjectCaseSensitive(spec, "replicaset", cJSON_CreateNumber(0));
	assert_int_equal(render_with(obj, NULL, err, sizeof err), FS_E_INVAL);
	cJSON_ReplaceItemInObjectCaseSensitive(spec, "replicaset", cJSON_CreateNumber(5));
	/* a scheduled cluster without a VIP label */
	assert_int_equal(render_with(obj, "{\"ClusterWithReplicaset\":[{\"cluster\":"
					  "\"no-vip\",\"replicaset\":5}]}",
				     err, sizeof err),
			 FS_E_INVAL);
	assert_non_null(strstr(err, "cluster \"no-vip\": no \"vip\" label"));
	assert_non_null(strstr(err, "hint: kubectl label cluster no-vip vip=<vip>"));
	/* nothing placed yet */
	assert_int_equal(render_with(obj, "{\"ClusterWithReplicaset\":[]}", err, sizeof err),
			 FS_E_NOTFOUND);
	assert_non_null(strstr(err, "no cluster has members yet"));
	/* no metadata.name */
	cJSON_DeleteItemFromObjectCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "name");
	assert_int_equal(render_with(obj, NULL, err, sizeof err), FS_E_INVAL);
	assert_non_null(strstr(err, "metadata.name"));
	cJSON_Delete(obj);
}

static void
custom_config(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(obj, "spec"), "config",
			      cJSON_Parse("{\"configRef\":\"mongod-conf\",\"configSet\":"
					  "{\"z.opt\":\"1\",\"a.opt\":\"x\"}}"));
	cJSON *clusters = oh_load(D "clusters.yaml");
	cJSON *existing = oh_load(D "rendered-sample.yaml");
	cJSON_AddItemToArray(existing, cJSON_Parse(
		"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
		"\"mongod-conf\",\"namespace\":\"federation-mongo-operator\",\"labels\":"
		"{\"owner\":\"dba\"}},\"data\":{\"mongod.yaml\":\"x\"}}"));
	struct fs_ops_input in = {.object = obj, .clusters = clusters, .existing = existing};
	struct fs_ops_output out;
	char err[512];
	assert_int_equal(fs_ops_render(mw, &in, &out, err, sizeof err), FS_OK);
	cJSON *pp = oh_find(out.desired, "PropagationPolicy", "mongod-conf-custom-configmap-pp");
	assert_non_null(pp);
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(pp, "metadata"), "labels");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(labels, "owner")),
			    "dba");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				    labels, "app.karmada.io/custom-configmap-pp")),
			    NAME "-custom-configmap-pp");
	char *sel = oh_json(pp, "spec.resourceSelectors");
	assert_string_equal(sel, "[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":"
				 "\"mongod-conf\",\"namespace\":\"federation-mongo-operator\"}]");
	free(sel);
	cJSON *cr = oh_find(out.desired, "MongoDB", NAME);
	assert_string_equal(oh_str(cr, "spec.customConfigRef"), "mongod-conf");
	char *list = oh_json(cr, "spec.config");
	assert_string_equal(list, "[{\"name\":\"a.opt\",\"value\":\"x\"},"
				  "{\"name\":\"z.opt\",\"value\":\"1\"}]");
	free(list);
	fs_ops_output_release(&out);
	cJSON_Delete(existing);
	cJSON_Delete(clusters);
	cJSON_Delete(obj);
}

static enum fs_code
interpret(cJSON *obj, struct fs_mw_workload *w, char *err, size_t errlen)
{
	memset(w, 0, sizeof *w);
	w->struct_size = sizeof *w;
	return mw->ops->interpret(mw->state, FS_JSON(obj), w, err, errlen);
}

static void
interpret_sample(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	cJSON *sched = cJSON_GetObjectItemCaseSensitive(spec, "scheduler");
	cJSON_AddItemToObject(sched, "tolerations",
			      cJSON_Parse("[{\"key\":\"dedicated\",\"operator\":\"Equal\","
					  "\"value\":\"middleware\",\"effect\":\"NoSchedule\"}]"));
	struct fs_mw_workload w;
	char err[512];
	assert_int_equal(interpret(obj, &w, err, sizeof err), FS_OK);
	assert_int_equal(w.replicas, 5);
	assert_string_equal(w.storage_class, "managed-nfs-storage");
	assert_false(w.arbiter);
	assert_int_equal(w.mode, FS_MODE_UNIFORM);
	assert_string_equal(w.scheduler_name, "multicloud-middleware-scheduler");
	char *req = cJSON_PrintUnformatted(FS_CJSON(w.requests));
	assert_string_equal(req, "{\"cpu\":\"1\",\"memory\":\"512Mi\"}");
	char *tol = oh_json(FS_CJSON(w.placement), "clusterTolerations.0.key");
	assert_string_equal(tol, "\"dedicated\"");
	assert_string_equal(oh_str(FS_CJSON(w.placement),
				   "replicaScheduling.replicaSchedulingType"), "Divided");
	free(req);
	free(tol);
	cJSON_Delete(FS_CJSON(w.requests));
	cJSON_Delete(FS_CJSON(w.placement));

	/* limits when requests are absent; Weighting; arbiter */
	cJSON_DeleteItemFromObjectCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(spec, "resource"), "requests");
	cJSON_ReplaceItemInObjectCaseSensitive(sched, "schedulerMode",
					       cJSON_CreateString("Weighting"));
	cJSON_AddItemToObject(spec, "config", cJSON_Parse("{\"arbiter\":true}"));
	assert_int_equal(interpret(obj, &w, err, sizeof err), FS_OK);
	req = cJSON_PrintUnformatted(FS_CJSON(w.requests));
	assert_string_equal(req, "{\"cpu\":\"2\",\"memory\":\"512Mi\"}");
	assert_int_equal(w.mode, FS_MODE_WEIGHTING);
	assert_true(w.arbiter);
	assert_string_equal(oh_str(FS_CJSON(w.placement),
				   "replicaScheduling.weightPreference.dynamicWeight"),
			    "AvailableReplicas");
	free(req);
	cJSON_Delete(FS_CJSON(w.requests));
	cJSON_Delete(FS_CJSON(w.placement));
	cJSON_Delete(obj);
}

static void
interpret_errors(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	struct fs_mw_workload w;
	char err[512];
	cJSON_ReplaceItemInObjectCaseSensitive(spec, "replicaset", cJSON_CreateNumber(-2));
	assert_int_equal(interpret(obj, &w, err, sizeof err), FS_E_INVAL);
	assert_string_equal(err, "spec.replicaset: expected integer 1..1000, got -2");
	cJSON_ReplaceItemInObjectCaseSensitive(spec, "replicaset", cJSON_CreateNumber(3));
	cJSON *sched = cJSON_GetObjectItemCaseSensitive(spec, "scheduler");
	cJSON_ReplaceItemInObjectCaseSensitive(sched, "schedulerMode",
					       cJSON_CreateString("Random"));
	assert_int_equal(interpret(obj, &w, err, sizeof err), FS_E_INVAL);
	assert_string_equal(err, "spec.scheduler.schedulerMode: expected Uniform or "
				 "Weighting, got \"Random\"");
	cJSON_ReplaceItemInObjectCaseSensitive(sched, "schedulerMode",
					       cJSON_CreateString("Uniform"));
	cJSON *req = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(spec, "resource"), "requests");
	cJSON_ReplaceItemInObjectCaseSensitive(req, "cpu", cJSON_CreateTrue());
	assert_int_equal(interpret(obj, &w, err, sizeof err), FS_E_INVAL);
	assert_non_null(strstr(err, "spec.resource.requests.cpu: expected a quantity string"));
	if (!fs_host_table()->quantity_parse) {
		cJSON_Delete(obj);
		skip(); /* the host's quantity parser has not landed in this build */
	}
	cJSON_ReplaceItemInObjectCaseSensitive(req, "cpu", cJSON_CreateString("lots"));
	assert_int_equal(interpret(obj, &w, err, sizeof err), FS_E_INVAL);
	assert_non_null(strstr(err, "spec.resource.requests.cpu: invalid quantity \"lots\""));
	cJSON_Delete(obj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_render),
		cmocka_unit_test(stamps_every_object),
		cmocka_unit_test(deterministic),
		cmocka_unit_test(first_pass_waits_for_nodeports),
		cmocka_unit_test(bad_annotation),
		cmocka_unit_test(malformed_objects),
		cmocka_unit_test(custom_config),
		cmocka_unit_test(interpret_sample),
		cmocka_unit_test(interpret_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
