/*
 * test_mongodb_status.c - MultiCloudMongoDB.status from the member
 * ResourceBinding: FedState's golden cases (healthy, degraded, partial),
 * our SubHealth/UnHealth/UnKnown rules, and the FedState defects we do not
 * copy (index-shifted results, substring VIP matching).
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
#define NOT_READY "Service Dispatch Failed And NotReady For External Service"

static struct fs_ops *ops;
static const struct fs_ops_mw *mw;

static int
setup(void **state)
{
	(void)state;
	ops = oh_open("[{name: mongodb}]");
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

/* status of the sample object for binding (may be NULL) */
static cJSON *
status_for(const cJSON *obj, const cJSON *binding, const cJSON *clusters,
	   const cJSON *existing)
{
	cJSON *own = NULL;
	if (!clusters)
		clusters = own = oh_load(D "clusters.yaml");
	struct fs_ops_input in = {.object = obj, .clusters = clusters,
				  .existing = existing, .binding = binding};
	cJSON *st = oh_status(mw, &in);
	cJSON_Delete(own);
	return st;
}

static const cJSON *
condition(const cJSON *st, const char *type)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(st, "conditions"))
	{
		const char *t = oh_str(c, "type");
		if (t && strcmp(t, type) == 0)
			return c;
	}
	return NULL;
}

static void
healthy(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *rb = oh_doc(D "rb-healthy.yaml", 0);
	cJSON *st = status_for(obj, rb, NULL, NULL);
	const cJSON *want = cJSON_GetObjectItemCaseSensitive(obj, "status");
	assert_string_equal(oh_str(st, "state"), "Health");
	oh_assert_same(cJSON_GetObjectItemCaseSensitive(want, "result"),
		    cJSON_GetObjectItemCaseSensitive(st, "result"), "result");
	assert_string_equal(oh_str(st, "externalAddr"), oh_str(want, "externalAddr"));
	const cJSON *ready = condition(st, "ServerReady");
	oh_assert_same(condition(want, "ServerReady"), ready, "ServerReady");
	oh_assert_same(condition(want, "ServerScheduledResult"),
		    condition(st, "ServerScheduledResult"), "ServerScheduledResult");
	/* conditions we do not manage are carried over */
	oh_assert_same(condition(want, "ServerCheck"), condition(st, "ServerCheck"),
		    "ServerCheck");
	assert_null(condition(st, "ServerSubHealthy"));
	cJSON_Delete(st);
	cJSON_Delete(rb);
	cJSON_Delete(obj);
}

static void
degraded_is_subhealth(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *rb = oh_doc(D "rb-degraded.yaml", 0);
	cJSON *exp = oh_doc(D "rb-degraded.yaml", 1);
	const cJSON *want = cJSON_GetObjectItemCaseSensitive(exp, "expectedMultiCloudMongoDBStatus");
	cJSON *st = status_for(obj, rb, NULL, NULL);
	oh_assert_same(cJSON_GetObjectItemCaseSensitive(want, "result"),
		    cJSON_GetObjectItemCaseSensitive(st, "result"), "result");
	assert_string_equal(oh_str(st, "externalAddr"), oh_str(want, "externalAddr"));
	/* FedState says UnHealth; 4 of 5 voters are healthy, so we say SubHealth */
	assert_string_equal(oh_str(want, "state"), "UnHealth");
	assert_string_equal(oh_str(st, "state"), "SubHealth");
	const cJSON *ready = condition(st, "ServerReady");
	assert_string_equal(oh_str(ready, "status"), "False");
	assert_string_equal(oh_str(ready, "message"), NOT_READY);
	const cJSON *sub = condition(st, "ServerSubHealthy");
	assert_non_null(sub);
	assert_string_equal(oh_str(sub, "message"),
			    "voting majority holds (4/5 members healthy); cluster "
			    "10-29-14-25: state Reconciling, 0/1 members");
	cJSON_Delete(st);
	cJSON_Delete(exp);
	cJSON_Delete(rb);
	cJSON_Delete(obj);
}

static void
partial_is_unknown(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *rb = oh_doc(D "rb-partial.yaml", 0);
	cJSON *exp = oh_doc(D "rb-partial.yaml", 1);
	const cJSON *want = cJSON_GetObjectItemCaseSensitive(exp, "expectedMultiCloudMongoDBStatus");
	cJSON *st = status_for(obj, rb, NULL, NULL);
	assert_string_equal(oh_str(st, "state"), oh_str(want, "state"));
	assert_string_equal(oh_str(condition(st, "ServerReady"), "message"), NOT_READY);
	/* the cluster that has not reported gets FedState's placeholder ... */
	oh_assert_same(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(want, "result"), 1),
		    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(st, "result"), 1),
		    "result[1]");
	/* ... the one that did keeps its real result (FedState blanked it) */
	assert_string_equal(oh_str(st, "result.0.state"), "Running");
	char *n = oh_json(st, "result.0.replicasetStatus");
	assert_string_equal(n, "4");
	free(n);
	assert_string_equal(oh_str(condition(st, "ServerStatusReported"), "message"),
			    "no status yet from cluster(s): 10-29-14-25");
	cJSON_Delete(st);
	cJSON_Delete(exp);
	cJSON_Delete(rb);
	cJSON_Delete(obj);
}

static void
no_binding_yet(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *st = status_for(obj, NULL, NULL, NULL);
	assert_string_equal(oh_str(st, "state"), "UnKnown");
	assert_string_equal(oh_str(st, "result.0.state"), "Unknown");
	assert_string_equal(oh_str(st, "result.1.currentRevision"), "Unknown");
	assert_string_equal(oh_str(condition(st, "ServerReady"), "status"), "False");
	cJSON_Delete(st);
	cJSON_Delete(obj);
}

/* the healthy binding with members of 10-29-14-21 down */
static void
majority_lost(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *rb = oh_doc(D "rb-healthy.yaml", 0);
	cJSON *items = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(rb, "status"), "aggregatedStatus");
	cJSON *it;
	cJSON_ArrayForEach(it, items)
	{
		cJSON *s = cJSON_GetObjectItemCaseSensitive(it, "status");
		cJSON *rs = cJSON_GetObjectItemCaseSensitive(s, "replset");
		for (int i = 0; i < 3; i++) {
			cJSON *m = cJSON_GetArrayItem(rs, i);
			cJSON_ReplaceItemInObjectCaseSensitive(m, "health", cJSON_CreateNumber(0));
			cJSON_ReplaceItemInObjectCaseSensitive(m, "state", cJSON_CreateNumber(8));
		}
	}
	cJSON *s0 = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, 0), "status");
	cJSON_ReplaceItemInObjectCaseSensitive(s0, "state", cJSON_CreateString("Error"));
	cJSON *st = status_for(obj, rb, NULL, NULL);
	assert_string_equal(oh_str(st, "state"), "UnHealth");
	const cJSON *c = condition(st, "ServerUnHealthy");
	assert_non_null(c);
	assert_non_null(strstr(oh_str(c, "message"), "voting majority lost (2/5 members healthy)"));
	assert_non_null(strstr(oh_str(c, "message"), "cluster 10-29-14-21: state Error"));
	cJSON_Delete(st);
	cJSON_Delete(rb);
	cJSON_Delete(obj);
}

static void
missing_item_does_not_shift(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *rb = oh_doc(D "rb-healthy.yaml", 0);
	cJSON *items = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(rb, "status"), "aggregatedStatus");
	/* 10-29-14-21 first reports nothing (an item without status) */
	cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetArrayItem(items, 0), "status");
	cJSON *st = status_for(obj, rb, NULL, NULL);
	assert_string_equal(oh_str(st, "result.0.cluster"), "10-29-14-21");
	assert_string_equal(oh_str(st, "result.0.state"), "Unknown");
	assert_string_equal(oh_str(st, "result.1.cluster"), "10-29-14-25");
	assert_string_equal(oh_str(st, "result.1.state"), "Running");
	assert_string_equal(oh_str(st, "result.1.currentRevision"),
			    "multicloudmongodb-sample-866554df84");
	assert_string_equal(oh_str(st, "state"), "UnKnown");
	cJSON_Delete(st);
	cJSON_Delete(rb);
	cJSON_Delete(obj);
}

static void
vip_matches_whole_host(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *rb = oh_doc(D "rb-healthy.yaml", 0);
	/* 10.29.5.10 is a prefix of 10.29.5.103: FedState's substring match
	 * would credit 10-29-14-25 with the other cluster's members */
	cJSON *clusters = cJSON_Parse(
		"[{\"metadata\":{\"name\":\"10-29-14-21\",\"labels\":{\"vip\":\"10.29.5.103\"}}},"
		" {\"metadata\":{\"name\":\"10-29-14-25\",\"labels\":{\"vip\":\"10.29.5.10\"}}}]");
	cJSON *st = status_for(obj, rb, clusters, NULL);
	char *roles = oh_json(st, "result.1.connectAddrWithRole");
	assert_string_equal(roles, "{}");
	free(roles);
	assert_string_equal(oh_str(st, "externalAddr"),
			    "10.29.5.103:33498,10.29.5.103:38640,10.29.5.103:37661,"
			    "10.29.5.103:35880");
	cJSON_Delete(st);
	cJSON_Delete(clusters);
	cJSON_Delete(rb);
	cJSON_Delete(obj);
}

static void
scale_down_pending(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *rb = oh_doc(D "rb-healthy.yaml", 0);
	cJSON *pl = oh_placement("{\"ClusterWithReplicaset\":[{\"cluster\":\"10-29-14-21\","
				 "\"replicaset\":3},{\"cluster\":\"10-29-14-25\",\"replicaset\":1}]}");
	cJSON *clusters = oh_load(D "clusters.yaml");
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "spec"),
					       "replicaset", cJSON_CreateNumber(4));
	struct fs_ops_input in = {.object = obj, .clusters = clusters, .binding = rb,
				  .placement = pl};
	struct fs_ops_output out;
	char err[512];
	assert_int_equal(fs_ops_status(mw, &in, &out, err, sizeof err), FS_OK);
	assert_string_equal(oh_str(out.status, "state"), "SubHealth");
	const cJSON *c = condition(out.status, "ServerWaitingScaleDown");
	assert_non_null(c);
	assert_string_equal(oh_str(c, "message"), "Waiting for member clusters to undergo "
						  "capacity reduction SpecReplicaset: 4");
	fs_ops_output_release(&out);
	cJSON_Delete(clusters);
	cJSON_Delete(pl);
	cJSON_Delete(rb);
	cJSON_Delete(obj);
}

static void
arbiter_address(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(obj, "spec"), "config",
			      cJSON_Parse("{\"arbiter\":true}"));
	cJSON *rb = oh_doc(D "rb-healthy.yaml", 0);
	cJSON *existing = cJSON_Parse(
		"[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":"
		"\"multicloudmongodb-sample-mongodb-arbiter\",\"namespace\":"
		"\"federation-mongo-operator\"},\"spec\":{\"type\":\"NodePort\",\"ports\":"
		"[{\"name\":\"mongo\",\"port\":27017,\"nodePort\":38825}]}}]");
	cJSON *st = status_for(obj, rb, NULL, existing);
	/* no flag from the scheduler: the arbiter sits on the smaller cluster */
	const cJSON *roles = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(st, "result"), 1),
		"connectAddrWithRole");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				    roles, "10.29.5.107:38825")),
			    "ARBITER");
	assert_null(strstr(oh_str(st, "externalAddr"), "38825"));
	cJSON_Delete(st);
	cJSON_Delete(existing);
	cJSON_Delete(rb);
	cJSON_Delete(obj);
}

static void
keeps_transition_time(void **state)
{
	(void)state;
	cJSON *obj = oh_doc(D "mcmongo-sample.yaml", 0);
	cJSON *rb = oh_doc(D "rb-healthy.yaml", 0);
	cJSON *st = status_for(obj, rb, NULL, NULL);
	assert_string_equal(oh_str(condition(st, "ServerReady"), "lastTransitionTime"),
			    "2023-05-25T07:06:26Z");
	cJSON_Delete(st);
	cJSON_Delete(rb);
	rb = oh_doc(D "rb-degraded.yaml", 0);
	st = status_for(obj, rb, NULL, NULL);
	assert_string_not_equal(oh_str(condition(st, "ServerReady"), "lastTransitionTime"),
				"2023-05-25T07:06:26Z");
	cJSON_Delete(st);
	cJSON_Delete(rb);
	cJSON_Delete(obj);
}

static void
member_health(void **state)
{
	(void)state;
	bool ok = true;
	const char *why = NULL;
	cJSON *m = cJSON_Parse("{\"spec\":{\"members\":4},\"status\":{\"state\":\"Running\","
			       "\"currentInfo\":{\"members\":4}}}");
	assert_int_equal(mw->ops->interpret_health(mw->state, FS_JSON(m), &ok, &why), FS_OK);
	assert_true(ok);
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(m, "status"),
					       "state", cJSON_CreateString("Error"));
	assert_int_equal(mw->ops->interpret_health(mw->state, FS_JSON(m), &ok, &why), FS_OK);
	assert_false(ok);
	assert_string_equal(why, "status.state is not Running");
	cJSON_Delete(m);
	m = cJSON_Parse("{\"spec\":{\"members\":4},\"status\":{\"state\":\"Running\","
			"\"currentInfo\":{\"members\":3}}}");
	assert_int_equal(mw->ops->interpret_health(mw->state, FS_JSON(m), &ok, &why), FS_OK);
	assert_false(ok);
	cJSON_Delete(m);
	m = cJSON_Parse("{\"spec\":{\"members\":4}}");
	assert_int_equal(mw->ops->interpret_health(mw->state, FS_JSON(m), &ok, &why), FS_OK);
	assert_false(ok);
	assert_string_equal(why, "no status yet");
	cJSON_Delete(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(healthy),
		cmocka_unit_test(degraded_is_subhealth),
		cmocka_unit_test(partial_is_unknown),
		cmocka_unit_test(no_binding_yet),
		cmocka_unit_test(majority_lost),
		cmocka_unit_test(missing_item_does_not_shift),
		cmocka_unit_test(vip_matches_whole_host),
		cmocka_unit_test(scale_down_pending),
		cmocka_unit_test(arbiter_address),
		cmocka_unit_test(keeps_transition_time),
		cmocka_unit_test(member_health),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
