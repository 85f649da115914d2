/* test_framework_named.c - a binding that names its clusters runs the
 * filter chain on those clusters only (core/sched/framework_filter.c):
 * the result and, when the cycle fails, the diagnosis must equal those of
 * the full walk (FS_SCHED_EXPLAIN always walks every cluster). Uses the
 * built taint-toleration and cluster-affinity plugins. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/plugin_harness.h"
#include "sched/framework.h"
#include "sched/named.h"
#include "sched/order.h"
#include "util/intern.h"

#define N 40

static struct fs_cluster clusters[N];
static const struct fs_cluster *cptr[N];
static struct fs_taint taint;

static const char *
I(const char *s)
{
	return fs_intern(s, (size_t)-1);
}

/* c0..c39, ready; c5 and c7 tainted dedicated=x:NoSchedule; c9 deleting */
static void
fleet(void)
{
	taint = (struct fs_taint){I("dedicated"), I("x"), FS_EFFECT_NO_SCHEDULE};
	for (uint32_t i = 0; i < N; i++) {
		char name[8];
		snprintf(name, sizeof name, "c%u", i);
		clusters[i] = (struct fs_cluster){.struct_size = sizeof clusters[i],
						  .index = i, .name = I(name),
						  .flags = FS_CLUSTER_READY};
		if (i == 5 || i == 7) {
			clusters[i].taints = &taint;
			clusters[i].n_taints = 1;
		}
		if (i == 9)
			clusters[i].flags |= FS_CLUSTER_DELETING;
		cptr[i] = &clusters[i];
	}
}

static struct fs_profile *
profile(void)
{
	struct fs_plugin *tt = ph_load("taint-toleration", NULL);
	struct fs_plugin *ca = ph_load("cluster-affinity", NULL);
	struct fs_profile *p = fs_profile_new(NULL);
	enum fs_point points[] = {FS_POINT_PRE_FILTER, FS_POINT_FILTER};
	for (int i = 0; i < 2; i++) {
		fs_profile_add(p, points[i], "taint-toleration", tt, &tt->lp->sched,
			       tt->state, 1);
		fs_profile_add(p, points[i], "cluster-affinity", ca, &ca->lp->sched,
			       ca->state, 1);
	}
	return p;
}

struct outcome {
	enum fs_code code;
	char message[512];
	uint32_t n_feasible, n_targets;
	const char *targets[N];
	struct fs_verdict verdicts[N];
};

static void
schedule(struct fs_profile *p, const struct fs_binding *b, unsigned flags,
	 struct outcome *o)
{
	struct fs_framework *fw = fs_framework_create(p);
	struct fs_sched_result r;
	memset(o, 0, sizeof *o);
	o->code = fs_framework_schedule(fw, cptr, N, b, flags | FS_SCHED_NO_BIND, &r);
	snprintf(o->message, sizeof o->message, "%s", r.message ? r.message : "");
	o->n_feasible = r.n_feasible;
	o->n_targets = r.n_targets;
	for (uint32_t i = 0; i < r.n_targets; i++)
		o->targets[i] = r.targets[i].cluster->name;
	memcpy(o->verdicts, r.verdicts, sizeof o->verdicts);
	fs_framework_destroy(fw);
}

static void
binding_naming(struct fs_binding *b, struct fs_placement *pl,
	       struct fs_cluster_affinity *aff, const char *const *names,
	       uint32_t n)
{
	*aff = (struct fs_cluster_affinity){.cluster_names = names,
					    .n_cluster_names = n};
	*pl = (struct fs_placement){.struct_size = sizeof *pl, .affinity = aff};
	*b = (struct fs_binding){.struct_size = sizeof *b, .replicas = 1,
				 .api_id = -1, .placement = pl};
	b->self.name = I("web");
}

static void
test_named_success_same_result(void **state)
{
	(void)state;
	fleet();
	struct fs_profile *p = profile();
	const char *names[] = {I("c3"), I("c5"), I("c9"), I("c3"), I("nope"), I("c12")};
	struct fs_binding b;
	struct fs_placement pl;
	struct fs_cluster_affinity aff;
	struct outcome fast, full;
	binding_naming(&b, &pl, &aff, names, 6);
	schedule(p, &b, 0, &fast);
	schedule(p, &b, FS_SCHED_EXPLAIN, &full);
	assert_int_equal(fast.code, FS_OK);
	assert_int_equal(full.code, FS_OK);
	assert_int_equal(fast.n_feasible, 2); /* c3, c12 */
	assert_int_equal(fast.n_feasible, full.n_feasible);
	assert_int_equal(fast.n_targets, full.n_targets);
	for (uint32_t i = 0; i < fast.n_targets; i++)
		assert_ptr_equal(fast.targets[i], full.targets[i]);
	/* named clusters: the same verdicts (c5 by its taint, c9 deleting) */
	static const uint32_t named[] = {3, 5, 9, 12};
	for (size_t i = 0; i < 4; i++) {
		const struct fs_verdict *x = &fast.verdicts[named[i]],
					*y = &full.verdicts[named[i]];
		assert_int_equal(x->code, y->code);
		assert_ptr_equal(x->plugin, y->plugin);
		assert_ptr_equal(x->reason, y->reason);
	}
	assert_string_equal(fast.verdicts[5].plugin, "taint-toleration");
	/* the shortcut ran: c7 (tainted, not named) was never shown to
	 * taint-toleration, only the full walk says so */
	assert_string_equal(fast.verdicts[7].plugin, "cluster-affinity");
	assert_string_equal(full.verdicts[7].plugin, "taint-toleration");
	fs_profile_free(p);
}

static void
test_named_failure_same_diagnosis(void **state)
{
	(void)state;
	fleet();
	struct fs_profile *p = profile();
	const char *names[] = {I("c5"), I("c7")};
	struct fs_binding b;
	struct fs_placement pl;
	struct fs_cluster_affinity aff;
	struct outcome fast, full;
	binding_naming(&b, &pl, &aff, names, 2);
	schedule(p, &b, 0, &fast);
	schedule(p, &b, FS_SCHED_EXPLAIN, &full);
	assert_int_equal(fast.code, FS_UNSCHEDULABLE);
	assert_int_equal(full.code, FS_UNSCHEDULABLE);
	assert_string_equal(fast.message, full.message);
	assert_non_null(strstr(fast.message, "0/40 clusters are available: "));
	assert_non_null(strstr(fast.message, "2 cluster(s) had untolerated taint"));
	assert_non_null(strstr(fast.message, "37 cluster(s) did not match the "
					     "placement cluster affinity constraint"));
	for (uint32_t i = 0; i < N; i++) {
		assert_int_equal(fast.verdicts[i].code, full.verdicts[i].code);
		assert_ptr_equal(fast.verdicts[i].plugin, full.verdicts[i].plugin);
		assert_ptr_equal(fast.verdicts[i].reason, full.verdicts[i].reason);
	}
	fs_profile_free(p);
}

/* the index follows the array: same storage, other clusters */
static void
test_index_follows_the_fleet(void **state)
{
	(void)state;
	fleet();
	struct fs_profile *p = profile();
	struct fs_framework *fw = fs_framework_create(p);
	const char *names[] = {I("c30")};
	struct fs_binding b;
	struct fs_placement pl;
	struct fs_cluster_affinity aff;
	struct fs_sched_result r;
	binding_naming(&b, &pl, &aff, names, 1);
	assert_int_equal(fs_framework_schedule(fw, cptr, N, &b, FS_SCHED_NO_BIND, &r), FS_OK);
	assert_ptr_equal(r.targets[0].cluster, &clusters[30]);
	/* rename in place: c30 is now at position 2 */
	clusters[30].name = I("old30");
	clusters[2].name = I("c30");
	assert_int_equal(fs_framework_schedule(fw, cptr, N, &b, FS_SCHED_NO_BIND, &r), FS_OK);
	assert_int_equal(r.n_targets, 1);
	assert_ptr_equal(r.targets[0].cluster, &clusters[2]);
	/* two clusters of one name: both are candidates, as in the full walk */
	clusters[4].name = I("c30");
	assert_int_equal(fs_framework_schedule(fw, cptr, N, &b, FS_SCHED_NO_BIND, &r), FS_OK);
	assert_int_equal(r.n_feasible, 2);
	fs_framework_destroy(fw);
	fs_profile_free(p);
}

/* ordering by name rank gives the order of the names themselves, also for
 * names sharing 16+ bytes and for two clusters of one name */
static void
test_ranked_order_equals_names(void **state)
{
	(void)state;
	static const char *const names[] = {
		"cluster-region-a-00002", "cluster-region-a-00001", "b", "a",
		"cluster-region-a-00001", "zz", "cluster-region-a-0000", "a0", "",
		"cluster-region-b-00001"};
	enum { M = sizeof names / sizeof *names };
	struct fs_cluster cs[M];
	const struct fs_cluster *ptr[M];
	uint64_t sum = 0;
	for (uint32_t i = 0; i < M; i++) {
		cs[i] = (struct fs_cluster){.struct_size = sizeof cs[i], .index = i,
					    .name = I(names[i])};
		ptr[i] = &cs[i];
		sum += fs_named_sum(&cs[i], i);
	}
	struct fs_named_index *ix = fs_named_index_new();
	fs_named_index_sync(ix, ptr, M, sum);
	const uint32_t *rank = fs_named_ranks(ix);
	assert_non_null(rank);
	for (int round = 0; round < 3; round++) {
		struct fs_candidate a[M], b[M];
		uint32_t r[M];
		for (uint32_t i = 0; i < M; i++) {
			/* a few equal scores and rooms so names decide often */
			a[i] = (struct fs_candidate){.cluster = &cs[i],
						     .score = (int64_t)((i * 7 + round) % 3),
						     .available = (int32_t)(i % 2)};
			b[i] = a[i];
			r[i] = rank[i];
		}
		struct fs_arena scratch = FS_ARENA_INIT;
		fs_order_candidates(a, M, NULL, NULL, &scratch);
		fs_order_candidates_ranked(b, M, NULL, NULL, r, &scratch);
		for (uint32_t i = 0; i < M; i++)
			assert_ptr_equal(a[i].cluster, b[i].cluster);
		fs_arena_release(&scratch);
	}
	fs_named_index_free(ix);
}

/* both sorts (insertion below 32 candidates, radix above), with and
 * without ranks, give Karmada's order: sorted by fs_order_compare, ties
 * in input order */
static void
test_order_sizes(void **state)
{
	(void)state;
	enum { M = 200 };
	static struct fs_cluster cs[M];
	const struct fs_cluster *ptr[M];
	uint64_t sum = 0;
	for (uint32_t i = 0; i < M; i++) {
		char name[48];
		/* shared 16+ byte prefixes, some names repeated */
		snprintf(name, sizeof name, "provider-region-%c-%03u", 'a' + (char)(i % 3),
			 (i * 37) % 150);
		cs[i] = (struct fs_cluster){.struct_size = sizeof cs[i], .index = i,
					    .name = I(name)};
		ptr[i] = &cs[i];
		sum += fs_named_sum(&cs[i], i);
	}
	struct fs_named_index *ix = fs_named_index_new();
	fs_named_index_sync(ix, ptr, M, sum);
	const uint32_t *rank = fs_named_ranks(ix);
	static const uint32_t sizes[] = {5, 31, 32, 33, 200};
	for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++) {
		uint32_t n = sizes[z];
		struct fs_candidate a[M], b[M];
		uint32_t r[M], pos_of[M];
		for (uint32_t i = 0; i < n; i++) {
			a[i] = (struct fs_candidate){.cluster = &cs[i],
						     .score = (int64_t)(i % 4) * 10,
						     .available = (int32_t)(i % 3)};
			b[i] = a[i];
			r[i] = rank[i];
		}
		struct fs_arena scratch = FS_ARENA_INIT;
		fs_order_candidates(a, n, NULL, NULL, &scratch);
		fs_order_candidates_ranked(b, n, NULL, NULL, r, &scratch);
		for (uint32_t i = 0; i < n; i++) {
			assert_ptr_equal(a[i].cluster, b[i].cluster);
			pos_of[i] = a[i].cluster->index;
		}
		for (uint32_t i = 0; i + 1 < n; i++) {
			int c = fs_order_compare(&a[i], 0, &a[i + 1], 0);
			assert_true(c < 0 || (c == 0 && pos_of[i] < pos_of[i + 1]));
		}
		fs_arena_release(&scratch);
	}
	fs_named_index_free(ix);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_named_success_same_result),
		cmocka_unit_test(test_named_failure_same_diagnosis),
		cmocka_unit_test(test_index_follows_the_fleet),
		cmocka_unit_test(test_ranked_order_equals_names),
		cmocka_unit_test(test_order_sizes),
	};
	int rc = cmocka_run_group_tests_name("framework_named", tests, NULL, NULL);
	ph_retire_all();
	return rc;
}
