/* test_model_estimate.c - Karmada's general estimator (core/model/estimate.h)
 * over the derived fixture clusters, numbers worked out by hand below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/plugin_harness.h"
#include "model/binding.h"
#include "model/estimate.h"
#include "model/load.h"
#include "model/quantity.h"
#include "util/intern.h"

static struct fs_model_set set;

static int
setup(void **state)
{
	(void)state;
	struct fs_diags d = FS_DIAGS_INIT;
	fs_model_set_init(&set);
	if (fs_model_load_file(&set, ph_src_path("tests/unit/data/model/clusters-list.yaml"),
			       &d) != FS_OK || d.errors) {
		fs_diags_print(&d, stderr);
		return -1;
	}
	if (fs_model_load_file(&set, ph_src_path("tests/unit/data/model/"
						 "resourcebinding-nginx-divided.yaml"),
			       &d) != FS_OK || d.errors ||
	    set.n_bindings != 1)
		return -1;
	fs_diags_release(&d);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fs_model_set_release(&set);
	return 0;
}

static const struct fs_cluster *
C(const char *name)
{
	const struct fs_cluster *c = fs_snapshot_find(set.snapshot, name);
	assert_non_null(c);
	return c;
}

/* a binding asking for `cpu`/`memory` per replica (NULL: not requested) */
static struct fs_binding
asking(struct fs_arena *a, const char *cpu, const char *memory)
{
	struct fs_binding b = {.struct_size = sizeof b, .has_requirements = true};
	struct fs_resource *r = FS_ARENA_NEW(a, struct fs_resource, 2);
	uint32_t n = 0;
	if (cpu) {
		r[n].name = fs_intern("cpu", (size_t)-1);
		assert_int_equal(fs_quantity_parse(cpu, "cpu", &r[n].amount), FS_OK);
		n++;
	}
	if (memory) {
		r[n].name = fs_intern("memory", (size_t)-1);
		assert_int_equal(fs_quantity_parse(memory, "memory", &r[n].amount), FS_OK);
		n++;
	}
	if (n == 2 && (uintptr_t)r[0].name > (uintptr_t)r[1].name) {
		struct fs_resource t = r[0];
		r[0] = r[1];
		r[1] = t;
	}
	b.requests = r;
	b.n_requests = n;
	return b;
}

/*
 * nginx asks 250m cpu and 64Mi (67108864 bytes) per replica.
 *
 * member1: pods 110 - 11 - 0 = 99 allowed. Models: only grade 1 has a node
 *   (count 1) with min cpu 1 (1000m), memory 4Gi: min(110, 1000/250 = 4,
 *   4294967296/67108864 = 64) = 4 per node -> 4. min(99, 4) = 4.
 *   (summary path would say cpu (4000-950)/250 = 12.)
 * 10-29-14-21: no models. pods 330 - 41 = 289; cpu (24000-6350)/250 =
 *   70 (70.6); memory (97343988Ki - 9664Mi) = 99680243712 - 10133438464 =
 *   89546805248 / 67108864 = 1334 (1334.3) -> 70.
 * 10-29-14-25: models, grade 1 has 3 nodes: 3 * 4 = 12; pods 330-29-1 =
 *   300 -> 12. (Summary path: cpu (12000-3150-500)/250 = 33.)
 * member3: pods 110 - 110 = 0 -> 0 whatever is asked.
 */
static void
test_nginx_on_fixture_clusters(void **state)
{
	(void)state;
	const struct fs_binding *b = &set.bindings[0];
	assert_int_equal(fs_general_estimate(C("member1"), b), 4);
	assert_int_equal(fs_estimate_by_summary(C("member1"), b), 12);
	assert_int_equal(fs_general_estimate(C("10-29-14-21"), b), 70);
	assert_int_equal(fs_estimate_by_models(C("10-29-14-21"), b), -1);
	assert_int_equal(fs_general_estimate(C("10-29-14-25"), b), 12);
	assert_int_equal(fs_estimate_by_summary(C("10-29-14-25"), b), 33);
	assert_int_equal(fs_general_estimate(C("member3"), b), 0);
}

static void
test_without_requirements(void **state)
{
	(void)state;
	struct fs_binding b = {.struct_size = sizeof b};
	/* allowedPods only */
	assert_int_equal(fs_general_estimate(C("member1"), &b), 99);
	assert_int_equal(fs_general_estimate(C("10-29-14-21"), &b), 289);
	assert_int_equal(fs_general_estimate(C("10-29-14-25"), &b), 300);
	assert_int_equal(fs_general_estimate(C("member3"), &b), 0);
	/* requirements with no positive request: models give 110 per node */
	b.has_requirements = true;
	assert_int_equal(fs_general_estimate(C("member1"), &b), 99); /* min(99, 110) */
	assert_int_equal(fs_general_estimate(C("10-29-14-21"), &b), 289);
}

static void
test_summary_path_cases(void **state)
{
	(void)state;
	struct fs_arena a = FS_ARENA_INIT;
	const struct fs_cluster *c = C("10-29-14-21");
	struct fs_binding b = asking(&a, "1", NULL); /* (24000-6350)/1000 = 17 */
	assert_int_equal(fs_general_estimate(c, &b), 17);
	b = asking(&a, NULL, "8Gi"); /* 89546805248 / 8589934592 = 10 */
	assert_int_equal(fs_general_estimate(c, &b), 10);
	b = asking(&a, "100m", "1Gi"); /* min(176, 83, 289) */
	assert_int_equal(fs_general_estimate(c, &b), 83);
	b = asking(&a, "18", NULL); /* more than is free */
	assert_int_equal(fs_general_estimate(c, &b), 0);
	/* a resource the cluster does not have at all */
	b = asking(&a, "1", NULL);
	struct fs_resource gpu = {fs_intern("nvidia.com/gpu", (size_t)-1), 1};
	b.requests = &gpu;
	b.n_requests = 1;
	assert_int_equal(fs_general_estimate(c, &b), 0);
	/* a zero request is ignored */
	gpu.amount = 0;
	assert_int_equal(fs_general_estimate(c, &b), 289);
	fs_arena_release(&a);
}

static void
test_model_path_cases(void **state)
{
	(void)state;
	struct fs_arena a = FS_ARENA_INIT;
	const struct fs_cluster *c = C("10-29-14-25"); /* 3 nodes in grade 1 */
	/* grade 1 min is 1 cpu / 4Gi: 2 replicas of 500m per node -> 6 */
	struct fs_binding b = asking(&a, "500m", NULL);
	assert_int_equal(fs_general_estimate(c, &b), 6);
	/* more than a grade-1 minimum: nothing fits on those nodes -> 0 */
	b = asking(&a, "1500m", NULL);
	assert_int_equal(fs_general_estimate(c, &b), 0);
	/* tiny requests are capped at 110 pods per node: 3 * 110 = 330,
	 * then by allowedPods 300 */
	b = asking(&a, "1m", "1Ki");
	assert_int_equal(fs_estimate_by_models(c, &b), 330);
	assert_int_equal(fs_general_estimate(c, &b), 300);
	/* a resource no model names gives 0 */
	struct fs_resource gpu = {fs_intern("nvidia.com/gpu", (size_t)-1), 1};
	b.requests = &gpu;
	b.n_requests = 1;
	assert_int_equal(fs_general_estimate(c, &b), 0);
	fs_arena_release(&a);
}

static void
test_no_summary_and_overflow(void **state)
{
	(void)state;
	struct fs_cluster bare = {.struct_size = sizeof bare};
	struct fs_binding b = {.struct_size = sizeof b};
	assert_int_equal(fs_general_estimate(&bare, &b), 0);
	assert_int_equal(fs_general_estimate(NULL, &b), 0);
	/* huge numbers clamp to INT32_MAX instead of wrapping */
	const char *pods = fs_intern("pods", (size_t)-1);
	struct fs_resource alloc = {pods, INT64_MAX}, used = {pods, -5};
	bare.flags = FS_CLUSTER_HAS_SUMMARY;
	bare.allocatable = &alloc;
	bare.n_allocatable = 1;
	bare.allocated = &used;
	bare.n_allocated = 1;
	assert_int_equal(fs_general_estimate(&bare, &b), INT32_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nginx_on_fixture_clusters),
		cmocka_unit_test(test_without_requirements),
		cmocka_unit_test(test_summary_path_cases),
		cmocka_unit_test(test_model_path_cases),
		cmocka_unit_test(test_no_summary_and_overflow),
	};
	return cmocka_run_group_tests_name("model_estimate", tests, setup, teardown);
}
