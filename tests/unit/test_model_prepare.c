/* test_model_prepare.c - the general estimator's precomputed path
 * (fs_estimate_prepare, model/restable.h) gives exactly what the plain
 * path gives, and a changed view falls back to the plain path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lib/plugin_harness.h"
#include "model/estimate.h"
#include "model/load.h"
#include "model/restable.h"
#include "util/intern.h"

static struct fs_model_set set;

static int
setup(void **state)
{
	(void)state;
	struct fs_diags d = FS_DIAGS_INIT;
	fs_model_set_init(&set);
	const char *path = ph_src_path("tests/unit/data/model/clusters-list.yaml");
	int rc = fs_model_load_file(&set, path, &d) == FS_OK && !d.errors ? 0 : -1;
	fs_diags_print(&d, stderr);
	fs_diags_release(&d);
	return rc;
}

static int
teardown(void **state)
{
	(void)state;
	fs_model_set_release(&set);
	return 0;
}

/* the same view without the precomputed data */
static struct fs_cluster
plain(const struct fs_cluster *c)
{
	struct fs_cluster p = *c;
	p.flags &= ~FS_CLUSTER_PREPARED;
	return p;
}

static void
test_prepared_equals_plain(void **state)
{
	(void)state;
	const char *cpu = fs_intern("cpu", (size_t)-1);
	const char *mem = fs_intern("memory", (size_t)-1);
	const char *gpu = fs_intern("nvidia.com/gpu", (size_t)-1);
	static const int64_t cpus[] = {0, 1, 250, 999, 1000, 1500, 4000, 30000};
	static const int64_t mems[] = {0, 1024, 64ll << 20, 4ll << 30, 1ll << 40};
	uint32_t checked = 0;
	for (uint32_t i = 0; i < fs_snapshot_count(set.snapshot); i++) {
		const struct fs_cluster *c = fs_snapshot_at(set.snapshot, i);
		struct fs_cluster p = plain(c);
		if (c->flags & FS_CLUSTER_HAS_SUMMARY)
			assert_true(c->flags & FS_CLUSTER_PREPARED);
		for (size_t x = 0; x < sizeof cpus / sizeof *cpus; x++) {
			for (size_t y = 0; y < sizeof mems / sizeof *mems; y++) {
				struct fs_resource r[3] = {{cpu, cpus[x]}, {mem, mems[y]},
							   {gpu, y == 4}};
				/* sorted by name pointer, as decoded bindings are */
				for (int s = 0; s < 3; s++)
					for (int t = s + 1; t < 3; t++)
						if ((uintptr_t)r[t].name < (uintptr_t)r[s].name) {
							struct fs_resource tmp = r[s];
							r[s] = r[t];
							r[t] = tmp;
						}
				struct fs_binding b = {.struct_size = sizeof b,
						       .has_requirements = true,
						       .requests = r,
						       .n_requests = 3};
				assert_int_equal(fs_general_estimate(c, &b),
						 fs_general_estimate(&p, &b));
				b.has_requirements = false;
				assert_int_equal(fs_general_estimate(c, &b),
						 fs_general_estimate(&p, &b));
				checked++;
			}
		}
	}
	assert_true(checked >= 4 * 40);
}

static void
test_changed_view_falls_back(void **state)
{
	(void)state;
	const struct fs_cluster *c = fs_snapshot_find(set.snapshot, "10-29-14-21");
	assert_non_null(c);
	assert_true(c->flags & FS_CLUSTER_PREPARED);
	struct fs_binding b = {.struct_size = sizeof b};
	assert_int_equal(fs_general_estimate(c, &b), 289);
	/* every pod allocated now: the copy must not use the old free count */
	const char *pods = fs_intern("pods", (size_t)-1);
	struct fs_resource used = {pods, 330};
	struct fs_cluster v = *c;
	v.allocated = &used;
	v.n_allocated = 1;
	assert_int_equal(fs_general_estimate(&v, &b), 0);
}

static void
test_tables_are_shared(void **state)
{
	(void)state;
	const struct fs_cluster *m1 = fs_snapshot_find(set.snapshot, "member1");
	const struct fs_cluster *m25 = fs_snapshot_find(set.snapshot, "10-29-14-25");
	assert_non_null(m1);
	assert_non_null(m25);
	assert_true(m1->n_models > 1 && m25->n_models > 1);
	/* the same grade declared with the same minimums is one table */
	for (uint32_t i = 0; i < m1->n_models; i++)
		for (uint32_t j = 0; j < m25->n_models; j++) {
			const struct fs_resource_model *a = &m1->models[i],
						       *b = &m25->models[j];
			bool equal = a->n_min == b->n_min;
			for (uint32_t k = 0; equal && k < a->n_min; k++)
				equal = a->min[k].name == b->min[k].name &&
					a->min[k].amount == b->min[k].amount;
			assert_int_equal(equal, a->min == b->min);
		}
	struct fs_resource r = {fs_intern("cpu", (size_t)-1), 5};
	assert_ptr_equal(fs_restable_intern(&r, 1), fs_restable_intern(&r, 1));
	struct fs_resource r2 = {r.name, 6};
	assert_ptr_not_equal(fs_restable_intern(&r, 1), fs_restable_intern(&r2, 1));
	assert_non_null(fs_restable_intern(NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prepared_equals_plain),
		cmocka_unit_test(test_changed_view_falls_back),
		cmocka_unit_test(test_tables_are_shared),
	};
	return cmocka_run_group_tests_name("model_prepare", tests, setup, teardown);
}
