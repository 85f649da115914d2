/*
 * test_assign.c - Karmada's replica division through fs_assign_replicas():
 * the golden cases of reference §2.5 (7-35), steady/Fresh modes, result
 * order, overflow tiers and the error texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/sched_views.h"
#include "sched/assign.h"
#include "util/arena.h"

#define MAXC 32

static struct fs_arena arena = FS_ARENA_INIT;

#define I sv_intern

static struct fs_candidate
cand(const char *name, int32_t available, int32_t previous)
{
	return (struct fs_candidate){sv_named(name), 0, available, previous};
}

/* a binding with a fresh placement; rs may be NULL */
struct fixture {
	struct fs_binding b;
	struct fs_placement p;
	struct fs_replica_scheduling rs;
	struct fs_target prev[MAXC];
};

static void
fixture_init(struct fixture *f, int32_t replicas, enum fs_replica_type type,
	     enum fs_division division)
{
	memset(f, 0, sizeof(*f));
	f->b.struct_size = sizeof(f->b);
	f->b.replicas = replicas;
	f->b.has_requirements = true;
	f->b.resource.uid = I("");
	f->b.placement = &f->p;
	f->p.struct_size = sizeof(f->p);
	f->p.replica_scheduling = &f->rs;
	f->rs.type = type;
	f->rs.division = division;
}

static void
dynamic(struct fixture *f, int32_t replicas)
{
	fixture_init(f, replicas, FS_REPLICA_DIVIDED, FS_DIVISION_WEIGHTED);
	f->rs.has_weight_preference = true;
	f->rs.dynamic_available = true;
}

static void
aggregated(struct fixture *f, int32_t replicas)
{
	fixture_init(f, replicas, FS_REPLICA_DIVIDED, FS_DIVISION_AGGREGATED);
}

/* spec.clusters from the candidates' previous counts, in candidate order */
static void
previous_from(struct fixture *f, const struct fs_candidate *c, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (c[i].previous > 0)
			f->prev[f->b.n_previous++] =
				(struct fs_target){c[i].cluster->name, c[i].previous};
	f->b.previous = f->prev;
}

static struct fs_assignment out[MAXC];
static uint32_t n_out;
static char err[256];

static enum fs_code
run(struct fixture *f, const struct fs_affinity_term *term,
    struct fs_candidate *c, uint32_t n)
{
	previous_from(f, c, n);
	err[0] = '\0';
	fs_arena_reset(&arena);
	return fs_assign_replicas(&f->b, term, c, n, out, &n_out, &arena, err,
				  sizeof(err));
}

/* expect "m1:6 m2:4" exactly, in this order */
static void
expect(const char *want)
{
	assert_string_equal(sv_assignments(out, n_out), want);
}

static int
teardown_all(void **st)
{
	(void)st;
	fs_arena_release(&arena);
	return 0;
}

/* ------------------------------------------------------------ static */

static struct fs_static_weight sw[4];
static const char *names_m1[1], *names_m2[1], *names_m3[1];

static void
weights(struct fixture *f, const int64_t *w, const char *const **targets,
	uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		memset(&sw[i], 0, sizeof(sw[i]));
		sw[i].weight = w[i];
		sw[i].target.cluster_names = targets[i];
		sw[i].target.n_cluster_names = 1;
	}
	f->rs.has_weight_preference = true;
	f->rs.static_weights = sw;
	f->rs.n_static_weights = n;
}

static void
static321(int32_t replicas, const char *want)
{
	struct fixture f;
	fixture_init(&f, replicas, FS_REPLICA_DIVIDED, FS_DIVISION_WEIGHTED);
	const int64_t w[] = {3, 2, 1};
	const char *const *t[] = {names_m1, names_m2, names_m3};
	weights(&f, w, t, 3);
	struct fs_candidate c[] = {cand("m1", 0, 0), cand("m2", 0, 0), cand("m3", 0, 0)};
	assert_int_equal(run(&f, NULL, c, 3), FS_OK);
	expect(want);
}

static void test_g07_static_321_12(void **st) { (void)st; static321(12, "m1:6 m2:4 m3:2"); }
static void test_g07_static_321_13(void **st) { (void)st; static321(13, "m1:7 m2:4 m3:2"); }
static void test_g07_static_321_14(void **st) { (void)st; static321(14, "m1:7 m2:5 m3:2"); }

static void
test_g08_static_no_preference(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 12, FS_REPLICA_DIVIDED, FS_DIVISION_WEIGHTED);
	struct fs_candidate c[] = {cand("m1", 0, 0), cand("m2", 0, 0), cand("m3", 0, 0)};
	assert_int_equal(run(&f, NULL, c, 3), FS_OK);
	expect("m1:4 m2:4 m3:4");
}

static void
test_g09_static_only_m1_weighted(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 2, FS_REPLICA_DIVIDED, FS_DIVISION_WEIGHTED);
	const int64_t w[] = {1};
	const char *const *t[] = {names_m1};
	weights(&f, w, t, 1);
	struct fs_candidate c[] = {cand("m1", 0, 0), cand("m2", 0, 0)};
	assert_int_equal(run(&f, NULL, c, 2), FS_OK);
	expect("m1:2");
}

static void
test_g10_static_max_matching_weight(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 3, FS_REPLICA_DIVIDED, FS_DIVISION_WEIGHTED);
	const int64_t w[] = {1, 1, 2};
	const char *const *t[] = {names_m1, names_m2, names_m1};
	weights(&f, w, t, 3);
	struct fs_candidate c[] = {cand("m1", 0, 0), cand("m2", 0, 0)};
	assert_int_equal(run(&f, NULL, c, 2), FS_OK);
	expect("m1:2 m2:1");
}

static void
test_g11_static_zero_replicas(void **st)
{
	(void)st;
	/* a 0-replica object without requirements is not a workload: it
	 * goes to every cluster with 0 replicas (Karmada's m1:0, m2:0) */
	struct fixture f;
	fixture_init(&f, 0, FS_REPLICA_DIVIDED, FS_DIVISION_WEIGHTED);
	f.b.has_requirements = false;
	const int64_t w[] = {1, 1};
	const char *const *t[] = {names_m1, names_m2};
	weights(&f, w, t, 2);
	struct fs_candidate c[] = {cand("m1", 0, 0), cand("m2", 0, 0)};
	assert_int_equal(run(&f, NULL, c, 2), FS_OK);
	expect("m1:0 m2:0");
	/* with requirements the zero entries are removed */
	f.b.has_requirements = true;
	f.b.n_previous = 0;
	assert_int_equal(run(&f, NULL, c, 2), FS_OK);
	expect("");
}

static void
test_static_all_zero_weights_means_equal(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 4, FS_REPLICA_DIVIDED, FS_DIVISION_WEIGHTED);
	const int64_t w[] = {5};
	const char *const *t[] = {names_m3}; /* matches no candidate */
	weights(&f, w, t, 1);
	struct fs_candidate c[] = {cand("m2", 0, 0), cand("m1", 0, 0)};
	assert_int_equal(run(&f, NULL, c, 2), FS_OK);
	expect("m1:2 m2:2");
}

static void
test_static_negative_weight_rejected(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 4, FS_REPLICA_DIVIDED, FS_DIVISION_WEIGHTED);
	const int64_t w[] = {2, -1};
	const char *const *t[] = {names_m1, names_m2};
	weights(&f, w, t, 2);
	struct fs_candidate c[] = {cand("m1", 0, 0), cand("m2", 0, 0)};
	assert_int_equal(run(&f, NULL, c, 2), FS_E_INVAL);
	assert_string_equal(err, "placement.replicaScheduling.weightPreference."
				 "staticWeightList[1].weight: expected >= 0, got -1");
	assert_int_equal(n_out, 0);
}

/* ------------------------------------------------- dynamic goldens 12-31 */

/* One golden case of DynamicWeight/Aggregated division, candidates in
 * this (cluster) order: allocatable `avail`, previous replicas `prev`. */
struct golden {
	const char *name;
	bool aggregated;
	int32_t replicas;
	uint32_t n;
	const char *names[3];
	int32_t avail[3], prev[3];
	enum fs_code rc;
	const char *want; /* assignments, or the error text */
};

#define M123 {"m1", "m2", "m3"}
#define SHORT(n) "Clusters available replicas " #n " are not enough to schedule."
static const struct golden goldens[] = {
	/* division step (Test_dynamicDivideReplicas), target 12 */
	{"g12 dynamic 18:12:6", false, 12, 3, M123, {18, 12, 6}, {0}, FS_OK, "m1:6 m2:4 m3:2"},
	{"g13 dynamic 20:12:6", false, 12, 3, M123, {20, 12, 6}, {0}, FS_OK, "m1:6 m2:4 m3:2"},
	{"g14 dynamic 6:12:6", false, 12, 3, M123, {6, 12, 6}, {0}, FS_OK, "m1:3 m2:6 m3:3"},
	{"g15 aggregated [m2:12 m1:6 m3:6]", true, 12, 3, {"m2", "m1", "m3"}, {12, 6, 6}, {0},
	 FS_OK, "m2:12"},
	{"g16 aggregated 6:6:6", true, 12, 3, M123, {6, 6, 6}, {0}, FS_OK, "m1:6 m2:6"},
	/* scale up and down (Test_dynamicScale) */
	{"g17 dynamic scale down 12->6", false, 6, 3, M123, {1, 1, 1}, {2, 4, 6}, FS_OK,
	 "m1:1 m2:2 m3:3"},
	{"g18 dynamic scale up 12->24", false, 24, 3, M123, {10, 10, 10}, {2, 4, 6}, FS_OK,
	 "m1:6 m2:8 m3:10"},
	{"g19 dynamic scale up short", false, 24, 3, M123, {1, 1, 1}, {2, 4, 6},
	 FS_UNSCHEDULABLE, SHORT(3)},
	{"g20 aggregated scale down 12->6", true, 6, 3, M123, {1, 1, 1}, {4, 8, 0}, FS_OK,
	 "m2:6"},
	{"g21 aggregated scale down 12->8", true, 8, 2, M123, {100, 100}, {4, 8}, FS_OK,
	 "m2:8"},
	{"g24 aggregated scale up short", true, 24, 3, M123, {1, 1, 1}, {4, 8, 0},
	 FS_UNSCHEDULABLE, SHORT(3)},
	/* first schedule (Test_dynamicScaleUp), 12 replicas */
	{"g26 dynamic 6:8:10", false, 12, 3, M123, {6, 8, 10}, {0}, FS_OK, "m1:3 m2:4 m3:5"},
	{"g27 dynamic 8:8:10", false, 12, 3, M123, {8, 8, 10}, {0}, FS_OK, "m1:4 m2:4 m3:4"},
	{"g28 dynamic short", false, 12, 3, M123, {3, 3, 3}, {0}, FS_UNSCHEDULABLE, SHORT(9)},
	{"g30 aggregated 12:10:8", true, 12, 3, {"m1", "m3", "m2"}, {12, 10, 8}, {0}, FS_OK,
	 "m1:12"},
	{"g31 aggregated short", true, 12, 3, M123, {3, 3, 3}, {0}, FS_UNSCHEDULABLE, SHORT(9)},
};

static void
test_golden_dynamic(void **st)
{
	const struct golden *g = *st;
	struct fixture f;
	if (g->aggregated)
		aggregated(&f, g->replicas);
	else
		dynamic(&f, g->replicas);
	struct fs_candidate c[3];
	for (uint32_t i = 0; i < g->n; i++)
		c[i] = cand(g->names[i], g->avail[i], g->prev[i]);
	assert_int_equal(run(&f, NULL, c, g->n), g->rc);
	if (g->rc == FS_OK) {
		expect(g->want);
	} else {
		assert_string_equal(err, g->want);
		assert_int_equal(n_out, 0);
	}
}

/* ------------------------------------------------- duplicated 33-35 */

static void
test_g33_duplicated(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 2, FS_REPLICA_DUPLICATED, FS_DIVISION_NONE);
	struct fs_candidate c[] = {cand("m2", 0, 0), cand("m1", 0, 0)};
	assert_int_equal(run(&f, NULL, c, 2), FS_OK);
	expect("m2:2 m1:2"); /* candidate order */
	/* no replicaScheduling at all is Duplicated too */
	f.p.replica_scheduling = NULL;
	assert_int_equal(run(&f, NULL, c, 2), FS_OK);
	expect("m2:2 m1:2");
}

static void
test_g34_no_candidates(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 2, FS_REPLICA_DUPLICATED, FS_DIVISION_NONE);
	assert_int_equal(run(&f, NULL, NULL, 0), FS_E_NOTFOUND);
	assert_string_equal(err, "no clusters available to schedule");
	assert_int_equal(n_out, 0);
}

static void
test_g35_duplicated_zero(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 0, FS_REPLICA_DUPLICATED, FS_DIVISION_NONE);
	f.b.has_requirements = false;
	struct fs_candidate c[] = {cand("m1", 0, 0), cand("m2", 0, 0)};
	assert_int_equal(run(&f, NULL, c, 2), FS_OK);
	expect("m1:0 m2:0");
}

/* ------------------------------------------------- modes and order */

static void
test_dynamic_equal_keeps_previous_order(void **st)
{
	(void)st;
	struct fixture f;
	dynamic(&f, 5);
	struct fs_candidate c[] = {cand("m1", 9, 2), cand("m2", 9, 3), cand("m3", 9, 0)};
	/* spec.clusters lists m2 first */
	f.prev[0] = (struct fs_target){I("m2"), 3};
	f.prev[1] = (struct fs_target){I("m1"), 2};
	f.b.n_previous = 2;
	f.b.previous = f.prev;
	err[0] = '\0';
	assert_int_equal(fs_assign_replicas(&f.b, NULL, c, 3, out, &n_out, &arena,
					    err, sizeof(err)),
			 FS_OK);
	expect("m2:3 m1:2");
}

static void
test_dynamic_fresh_redivides(void **st)
{
	(void)st;
	struct fixture f;
	dynamic(&f, 6);
	f.b.reschedule_triggered_at = 2000;
	f.b.last_scheduled_time = 1000;
	struct fs_candidate c[] = {cand("m1", 0, 6), cand("m2", 6, 0)};
	assert_true(fs_assign_is_fresh(&f.b));
	assert_int_equal(run(&f, NULL, c, 2), FS_OK);
	expect("m1:3 m2:3");
	/* trigger older than the last schedule: steady, unchanged */
	f.b.reschedule_triggered_at = 500;
	f.b.n_previous = 0;
	assert_false(fs_assign_is_fresh(&f.b));
	assert_int_equal(run(&f, NULL, c, 2), FS_OK);
	expect("m1:6");
}

static void
test_dynamic_dropped_cluster_is_reassigned(void **st)
{
	(void)st;
	/* spec.clusters had gone:4 which is no candidate any more: its
	 * replicas are divided again */
	struct fixture f;
	dynamic(&f, 6);
	struct fs_candidate c[] = {cand("m1", 10, 2), cand("m2", 10, 0)};
	assert_int_equal(run(&f, NULL, c, 2), FS_OK);
	expect("m1:4 m2:2");
}

static void
test_aggregated_scale_up_old_only_appended(void **st)
{
	(void)st;
	struct fixture f;
	aggregated(&f, 5);
	/* mb and ma had 2 and 1; the 2 extra fit in mb alone */
	struct fs_candidate c[] = {cand("mb", 5, 2), cand("ma", 5, 1), cand("mc", 9, 0)};
	assert_int_equal(run(&f, NULL, c, 3), FS_OK);
	expect("mb:4 ma:1");
}

static void
test_uid_parity_changes_tie(void **st)
{
	(void)st;
	struct fixture f;
	dynamic(&f, 1);
	struct fs_candidate c[] = {cand("m1", 5, 0), cand("m2", 5, 0)};
	f.b.resource.uid = I("uid-b"); /* FNV-1a even: ascending name */
	assert_int_equal(run(&f, NULL, c, 2), FS_OK);
	expect("m1:1");
	f.b.resource.uid = I("uid-a"); /* odd: descending name */
	assert_int_equal(run(&f, NULL, c, 2), FS_OK);
	expect("m2:1");
}

static void
test_many_equal_clusters_stable(void **st)
{
	(void)st;
	/* 16 equal clusters (Go's sort.Sort is unstable past 12): Aggregated
	 * keeps the candidate order for the prefix */
	struct fixture f;
	aggregated(&f, 6);
	struct fs_candidate c[16];
	char name[16];
	for (int i = 0; i < 16; i++) {
		snprintf(name, sizeof(name), "z%02d", 15 - i);
		c[i] = cand(name, 2, 0);
	}
	assert_int_equal(run(&f, NULL, c, 16), FS_OK);
	expect("z13:2 z14:2 z15:2");
}

static void
test_unsupported_division(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 3, FS_REPLICA_DIVIDED, FS_DIVISION_NONE);
	struct fs_candidate c[] = {cand("m1", 5, 0)};
	assert_int_equal(run(&f, NULL, c, 1), FS_E_NOTSUP);
	assert_string_equal(err, "unsupported replica scheduling strategy, replicaSchedulingType: "
				 "Divided, replicaDivisionPreference: , please try another "
				 "scheduling strategy");
}

static void
test_negative_replicas_rejected(void **st)
{
	(void)st;
	struct fixture f;
	dynamic(&f, -1);
	f.b.self.kind = I("ResourceBinding");
	f.b.self.namespace_ = I("default");
	f.b.self.name = I("nginx");
	struct fs_candidate c[] = {cand("m1", 5, 0)};
	assert_int_equal(run(&f, NULL, c, 1), FS_E_INVAL);
	assert_string_equal(err, "ResourceBinding default/nginx: spec.replicas: expected >= 0, got -1");
}

/* ------------------------------------------------- overflow tiers */

static const char *tier_m1[1], *tier_m2[1], *tier_m3[1];
static struct fs_cluster_affinity overflow[2];
static struct fs_affinity_term term;

static void
setup_term(void)
{
	tier_m1[0] = I("m1");
	tier_m2[0] = I("m2");
	tier_m3[0] = I("m3");
	memset(&term, 0, sizeof(term));
	memset(overflow, 0, sizeof(overflow));
	term.name = I("primary");
	term.affinity.cluster_names = tier_m1;
	term.affinity.n_cluster_names = 1;
	overflow[0].cluster_names = tier_m2;
	overflow[0].n_cluster_names = 1;
	overflow[1].cluster_names = tier_m3;
	overflow[1].n_cluster_names = 1;
	term.overflow = overflow;
	term.n_overflow = 2;
}

static void
test_overflow_tiers_fill_in_order(void **st)
{
	(void)st;
	setup_term();
	struct fixture f;
	dynamic(&f, 10);
	f.p.terms = &term;
	f.p.n_terms = 1;
	struct fs_candidate c[] = {cand("m1", 4, 0), cand("m2", 3, 0), cand("m3", 10, 0)};
	assert_int_equal(run(&f, &term, c, 3), FS_OK);
	expect("m1:4 m2:3 m3:3");
	/* a small workload stays in the primary tier */
	f.b.replicas = 3;
	f.b.n_previous = 0;
	assert_int_equal(run(&f, &term, c, 3), FS_OK);
	expect("m1:3");
}

static void
test_overflow_tiers_exhausted(void **st)
{
	(void)st;
	setup_term();
	struct fixture f;
	dynamic(&f, 30);
	f.p.terms = &term;
	f.p.n_terms = 1;
	struct fs_candidate c[] = {cand("m1", 4, 0), cand("m2", 3, 0), cand("m3", 10, 0)};
	assert_int_equal(run(&f, &term, c, 3), FS_UNSCHEDULABLE);
	assert_string_equal(err, "Clusters available replicas 17 are not enough to schedule.");
	assert_int_equal(n_out, 0);
}

static void
test_overflow_ignored_for_duplicated(void **st)
{
	(void)st;
	setup_term();
	struct fixture f;
	fixture_init(&f, 3, FS_REPLICA_DUPLICATED, FS_DIVISION_NONE);
	struct fs_candidate c[] = {cand("m1", 1, 0), cand("m2", 1, 0)};
	assert_int_equal(run(&f, &term, c, 2), FS_OK);
	expect("m1:3 m2:3");
}

static int
setup_all(void **st)
{
	(void)st;
	names_m1[0] = I("m1");
	names_m2[0] = I("m2");
	names_m3[0] = I("m3");
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_g07_static_321_12),
		cmocka_unit_test(test_g07_static_321_13),
		cmocka_unit_test(test_g07_static_321_14),
		cmocka_unit_test(test_g08_static_no_preference),
		cmocka_unit_test(test_g09_static_only_m1_weighted),
		cmocka_unit_test(test_g10_static_max_matching_weight),
		cmocka_unit_test(test_g11_static_zero_replicas),
		cmocka_unit_test(test_static_all_zero_weights_means_equal),
		cmocka_unit_test(test_static_negative_weight_rejected),
		cmocka_unit_test(test_g33_duplicated),
		cmocka_unit_test(test_g34_no_candidates),
		cmocka_unit_test(test_g35_duplicated_zero),
		cmocka_unit_test(test_dynamic_equal_keeps_previous_order),
		cmocka_unit_test(test_dynamic_fresh_redivides),
		cmocka_unit_test(test_dynamic_dropped_cluster_is_reassigned),
		cmocka_unit_test(test_aggregated_scale_up_old_only_appended),
		cmocka_unit_test(test_uid_parity_changes_tie),
		cmocka_unit_test(test_many_equal_clusters_stable),
		cmocka_unit_test(test_unsupported_division),
		cmocka_unit_test(test_negative_replicas_rejected),
		cmocka_unit_test(test_overflow_tiers_fill_in_order),
		cmocka_unit_test(test_overflow_tiers_exhausted),
		cmocka_unit_test(test_overflow_ignored_for_duplicated),
	};
	enum { N_FIXED = sizeof(tests) / sizeof(tests[0]),
	       N_GOLDEN = sizeof(goldens) / sizeof(goldens[0]) };
	struct CMUnitTest all[N_FIXED + N_GOLDEN];
	memcpy(all, tests, sizeof(tests));
	for (size_t i = 0; i < N_GOLDEN; i++)
		all[N_FIXED + i] = (struct CMUnitTest){goldens[i].name, test_golden_dynamic,
						       NULL, NULL, (void *)&goldens[i]};
	return _cmocka_run_group_tests("test_assign", all, N_FIXED + N_GOLDEN, setup_all,
				       teardown_all);
}
