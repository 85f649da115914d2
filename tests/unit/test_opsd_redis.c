/*
 * test_opsd_redis - the `redis` plugin end to end in the same `fedstate
 * ops` controller as MongoDB, with no change to core/: a MultiCloudRedis
 * (tests/data/ops/mcredis-sample.yaml, 3 + 1 over two clusters) is
 * rendered and applied against fedstate-testapi exactly as `fedstate
 * render` gives it (StatefulSet, Services, ConfigMap, policies); its
 * member StatefulSet's ResourceBinding drives status UnKnown -> Health ->
 * SubHealth; scale 4 -> 2 prunes only what is no longer desired; delete
 * removes every child, then the finalizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/opsd_fixture.h"
#include "ops/render.h"
#include "opsd/opsd.h"

#define NAME "cache"

static int
setup(void **state)
{
	return of_setup_with(state, "- name: redis\n  kind: MultiCloudRedis\n");
}

/* obj.key = v (taken), replacing what is there; v is freed when obj is
 * missing (a status-only file has no spec.resource) */
static void
set(cJSON *obj, const char *key, cJSON *v)
{
	if (!cJSON_IsObject(obj)) {
		cJSON_Delete(v);
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
	cJSON_AddItemToObject(obj, key, v);
}

/* the sample as a user creates it, in OF_NS */
static cJSON *
sample(void)
{
	cJSON *arr = of_load_first("tests/data/ops/mcredis-sample.yaml");
	cJSON *o = cJSON_DetachItemFromArray(arr, 0);
	cJSON_Delete(arr);
	cJSON *m = cJSON_GetObjectItem(o, "metadata");
	cJSON_DeleteItemFromObject(m, "uid");
	set(m, "namespace", cJSON_CreateString(OF_NS));
	return o;
}

/* the member StatefulSet's binding, status from rb-redis(-degraded).yaml */
static void
put_binding(struct of_fx *f, const char *file, bool create)
{
	cJSON *rbs = of_load_first(file);
	cJSON *rb = cJSON_DetachItemFromArray(rbs, 0);
	cJSON_Delete(rbs);
	cJSON *status = cJSON_DetachItemFromObject(rb, "status");
	set(cJSON_GetObjectItem(rb, "metadata"), "namespace", cJSON_CreateString(OF_NS));
	cJSON *res = cJSON_GetObjectItem(cJSON_GetObjectItem(rb, "spec"), "resource");
	set(res, "namespace", cJSON_CreateString(OF_NS));
	cJSON *sts = of_kget(f, &of_r_sts, OF_NS, NAME "-redis");
	assert_non_null(sts);
	set(res, "uid", cJSON_CreateString(of_mstr(sts, "uid")));
	cJSON_Delete(sts);
	if (create)
		assert_int_equal(of_kcreate(f, &of_r_rb, OF_NS, rb), FS_OK);
	cJSON *patch = cJSON_CreateObject();
	cJSON_AddItemToObject(patch, "status", status);
	char *ps = cJSON_PrintUnformatted(patch);
	assert_int_equal(of_kpatch(f, &of_r_rb, OF_NS, NAME "-redis-statefulset", ps,
				   FS_KUBE_STATUS), FS_OK);
	free(ps);
	cJSON_Delete(patch);
	cJSON_Delete(rb);
}

static int
count_owned(struct of_fx *f)
{
	int n = 0;
	for (size_t i = 0; i < of_n_owned_kinds; i++) {
		cJSON *items = of_klist(f, of_owned_kinds[i], OF_NS,
					FS_OPS_LABEL_MANAGED_BY "=" FS_OPS_MANAGER);
		n += cJSON_GetArraySize(items);
		cJSON_Delete(items);
	}
	return n;
}

static void
test_redis_end_to_end(void **state)
{
	struct of_fx *f = *state;
	cJSON *o = sample();
	assert_int_equal(of_kcreate(f, &of_r_mcr, OF_NS, o), FS_OK);
	cJSON_Delete(o);
	assert_true(of_start_ops(f, NULL));
	assert_true(of_converge_obj(f, &of_r_mcr, OF_NS, NAME, 20000));
	int rendered = count_owned(f);
	assert_true(rendered >= 6); /* StatefulSet, Services, ConfigMap, policies */
	cJSON *sts = of_kget(f, &of_r_sts, OF_NS, NAME "-redis");
	assert_non_null(sts);
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(sts, "metadata"), "ownerReferences"));
	cJSON_Delete(sts);
	cJSON *obj = of_kget(f, &of_r_mcr, OF_NS, NAME);
	const cJSON *fin = cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"), "finalizers");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetArrayItem(fin, 0)), FS_OPSD_FINALIZER);
	cJSON_Delete(obj);

	/* status: no binding yet -> UnKnown; all ready -> Health; degraded */
	assert_true(of_wait_state_of(f, &of_r_mcr, NAME, "UnKnown", 5000));
	put_binding(f, "tests/data/ops/rb-redis.yaml", true);
	assert_true(of_wait_state_of(f, &of_r_mcr, NAME, "Health", 5000));
	assert_true(of_wait_event(f, NAME, "Normal", "StateChanged", "UnKnown -> Health", 3000));
	put_binding(f, "tests/data/ops/rb-redis-degraded.yaml", false);
	assert_true(of_wait_state_of(f, &of_r_mcr, NAME, "SubHealth", 5000));

	/* scale 4 -> 2: the desired set shrinks, live follows the render */
	assert_int_equal(of_kpatch(f, &of_r_mcr, OF_NS, NAME,
		"{\"spec\":{\"replicas\":2},\"metadata\":{\"annotations\":{\"schedulerResult\":"
		"\"{\\\"ClusterWithReplicaset\\\":[{\\\"cluster\\\":\\\"10-29-14-21\\\","
		"\\\"replicaset\\\":2}]}\"}}}", 0), FS_OK);
	assert_true(of_converge_obj(f, &of_r_mcr, OF_NS, NAME, 20000));
	assert_true(count_owned(f) <= rendered);

	/* delete: every child, then the finalizer */
	assert_int_equal(of_kdelete(f, &of_r_mcr, OF_NS, NAME), FS_OK);
	bool gone = false;
	for (int t = 0; t < 15000 && !gone; t += 100) {
		cJSON *x = of_kget(f, &of_r_mcr, OF_NS, NAME);
		gone = !x;
		cJSON_Delete(x);
		if (!gone)
			of_nap(100);
	}
	assert_true(gone);
	assert_int_equal(count_owned(f), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_redis_end_to_end, setup, of_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
