/*
 * test_decide.c - which bindings get a cycle, and of which kind
 * (sched/decide.h): Karmada's informer filter and each rule of
 * doScheduleBinding's order, one object per rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "model/binding.h"
#include "sched/decide.h"

/* a Divided ResourceBinding of 3 replicas, scheduled and observed */
static const char base[] =
	"{\"apiVersion\":\"work.karmada.io/v1alpha2\",\"kind\":\"ResourceBinding\","
	"\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"generation\":4,"
	"\"labels\":{\"propagationpolicy.karmada.io/permanent-id\":\"x\"},"
	"\"annotations\":{\"policy.karmada.io/applied-placement\":"
	"\"{\\\"replicaScheduling\\\":{\\\"replicaSchedulingType\\\":\\\"Divided\\\"}}\"}},"
	"\"spec\":{\"resource\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
	"\"namespace\":\"default\",\"name\":\"web\"},\"replicas\":3,"
	"\"placement\":{\"replicaScheduling\":{\"replicaSchedulingType\":\"Divided\"}},"
	"\"clusters\":[{\"name\":\"a\",\"replicas\":2},{\"name\":\"b\",\"replicas\":1}]},"
	"\"status\":{\"schedulerObservedGeneration\":4}}";

static cJSON *
obj(void)
{
	cJSON *o = cJSON_Parse(base);
	assert_non_null(o);
	return o;
}

static enum fs_sched_need
need_of(const cJSON *o, bool (*deleting)(void *, const char *))
{
	struct fs_decode_ctx ctx = {0};
	struct fs_binding_box *box = NULL;

	assert_int_equal(fs_binding_new_json(o, &ctx, &box), FS_OK);
	enum fs_sched_need n = fs_sched_decide(o, fs_binding_view(box), deleting, NULL);
	fs_binding_free(box);
	return n;
}

static cJSON *
path(cJSON *o, const char *a, const char *b)
{
	cJSON *v = cJSON_GetObjectItem(o, a);
	return b ? cJSON_GetObjectItem(v, b) : v;
}

static bool ours(void *ud, const char *n) { (void)ud; return strcmp(n, "default-scheduler") == 0; }
static bool b_deleting(void *ud, const char *n) { (void)ud; return strcmp(n, "b") == 0; }

static void
test_filter(void **state)
{
	(void)state;
	cJSON *o = obj();
	assert_true(fs_sched_wanted(o, false, ours, NULL));
	cJSON_AddStringToObject(path(o, "spec", NULL), "schedulerName", "other");
	assert_false(fs_sched_wanted(o, false, ours, NULL));
	cJSON_DeleteItemFromObject(path(o, "spec", NULL), "schedulerName");
	cJSON_AddItemToObject(path(o, "spec", NULL), "suspension",
			      cJSON_Parse("{\"scheduling\":true}"));
	assert_false(fs_sched_wanted(o, false, ours, NULL));
	cJSON_DeleteItemFromObject(path(o, "spec", NULL), "suspension");
	cJSON_DeleteItemFromObject(path(o, "metadata", NULL), "labels");
	assert_false(fs_sched_wanted(o, false, ours, NULL)); /* no policy label */
	cJSON_Delete(o);
}

static void
test_unchanged_does_nothing(void **state)
{
	(void)state;
	cJSON *o = obj();
	assert_int_equal(need_of(o, NULL), FS_NEED_NONE);
	/* a generation the status has not seen: only that is patched */
	cJSON_SetNumberValue(path(o, "metadata", "generation"), 5);
	assert_int_equal(need_of(o, NULL), FS_NEED_OBSERVED);
	cJSON_Delete(o);
}

static void
test_rules_in_order(void **state)
{
	(void)state;
	cJSON *o = obj();
	/* 6: a target cluster being deleted */
	assert_int_equal(need_of(o, b_deleting), FS_NEED_RECONCILE);
	/* 4: rescheduleTriggeredAt after lastScheduledTime */
	cJSON_AddStringToObject(path(o, "spec", NULL), "rescheduleTriggeredAt", "2026-12-01T10:00:00Z");
	cJSON_AddStringToObject(path(o, "status", NULL), "lastScheduledTime", "2026-12-01T09:00:00Z");
	assert_int_equal(need_of(o, NULL), FS_NEED_FRESH);
	/* 3 wins over 4: replicas changed */
	cJSON_SetNumberValue(path(o, "spec", "replicas"), 5);
	assert_int_equal(need_of(o, NULL), FS_NEED_SCALE);
	/* 2 wins over 3: the placement changed since it was applied */
	cJSON_ReplaceItemInObject(path(o, "spec", "placement"), "replicaScheduling",
				  cJSON_Parse("{\"replicaSchedulingType\":\"Divided\","
					      "\"replicaDivisionPreference\":\"Aggregated\"}"));
	assert_int_equal(need_of(o, NULL), FS_NEED_RECONCILE);
	/* 1 wins over all: being deleted */
	cJSON_AddStringToObject(path(o, "metadata", NULL), "deletionTimestamp", "2026-12-01T11:00:00Z");
	assert_int_equal(need_of(o, NULL), FS_NEED_NONE);
	cJSON_Delete(o);
}

static void
test_missing_annotation_reconciles(void **state)
{
	(void)state;
	cJSON *o = obj();
	cJSON_DeleteItemFromObject(path(o, "metadata", NULL), "annotations");
	assert_int_equal(need_of(o, NULL), FS_NEED_RECONCILE);
	cJSON_Delete(o);
}

static void
test_duplicated_always(void **state)
{
	(void)state;
	cJSON *o = obj();
	const char *dup = "{\"replicaSchedulingType\":\"Duplicated\"}";
	cJSON_ReplaceItemInObject(path(o, "spec", "placement"), "replicaScheduling", cJSON_Parse(dup));
	cJSON_ReplaceItemInObject(path(o, "metadata", "annotations"),
				  "policy.karmada.io/applied-placement",
				  cJSON_CreateString("{\"replicaScheduling\":{\"replicaSchedulingType\":\"Duplicated\"}}"));
	/* Duplicated: each cluster holds spec.replicas */
	cJSON_ReplaceItemInObject(path(o, "spec", NULL), "clusters",
				  cJSON_Parse("[{\"name\":\"a\",\"replicas\":3},{\"name\":\"b\",\"replicas\":3}]"));
	assert_int_equal(need_of(o, NULL), FS_NEED_ALWAYS);
	/* and a cluster with other replicas is a scale */
	cJSON_ReplaceItemInObject(path(o, "spec", NULL), "clusters",
				  cJSON_Parse("[{\"name\":\"a\",\"replicas\":3},{\"name\":\"b\",\"replicas\":1}]"));
	assert_int_equal(need_of(o, NULL), FS_NEED_SCALE);
	cJSON_Delete(o);
}

static void
test_middleware_generation(void **state)
{
	(void)state;
	cJSON *o = cJSON_Parse(
		"{\"apiVersion\":\"middleware.fedstate.io/v1alpha1\",\"kind\":\"MultiCloudMongoDB\","
		"\"metadata\":{\"name\":\"db\",\"namespace\":\"mongo\",\"generation\":2}}");
	struct fs_binding b = {.struct_size = sizeof b, .kind = FS_WORKLOAD_MIDDLEWARE};
	assert_int_equal(fs_sched_decide(o, &b, NULL, NULL), FS_NEED_RECONCILE);
	cJSON *ann = cJSON_AddObjectToObject(path(o, "metadata", NULL), "annotations");
	cJSON_AddStringToObject(ann, "schedulerResult", "{\"ClusterWithReplicaset\":[]}");
	cJSON_AddStringToObject(ann, FS_ANNOTATION_SCHEDULED_GENERATION, "2");
	assert_int_equal(fs_sched_decide(o, &b, NULL, NULL), FS_NEED_NONE);
	cJSON_SetNumberValue(path(o, "metadata", "generation"), 3); /* spec moved on */
	assert_int_equal(fs_sched_decide(o, &b, NULL, NULL), FS_NEED_RECONCILE);
	cJSON_Delete(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_unchanged_does_nothing),
		cmocka_unit_test(test_rules_in_order),
		cmocka_unit_test(test_missing_annotation_reconciles),
		cmocka_unit_test(test_duplicated_always),
		cmocka_unit_test(test_middleware_generation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
