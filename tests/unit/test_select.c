/*
 * test_select.c - Karmada's cluster order, and selection by spread
 * constraints: Karmada's select-by-cluster and select-by-region (with the
 * selectGroups golden cases of reference §2.2), the group score, and our
 * zone/provider/label modes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/sched_views.h"
#include "sched/order.h"
#include "sched/select.h"
#include "util/arena.h"

static struct fs_arena arena = FS_ARENA_INIT;
static char err[256];

#define I sv_intern

static struct fs_candidate
cand(const struct fs_cluster *c, int64_t score, int32_t available)
{
	return (struct fs_candidate){c, score, available, 0};
}

struct fixture {
	struct fs_binding b;
	struct fs_placement p;
	struct fs_replica_scheduling rs;
	struct fs_spread_constraint sc[3];
};

static void
fixture_init(struct fixture *f, int32_t replicas, bool divided)
{
	memset(f, 0, sizeof(*f));
	f->b.struct_size = sizeof(f->b);
	f->b.replicas = replicas;
	f->b.has_requirements = true;
	f->b.placement = &f->p;
	f->p.struct_size = sizeof(f->p);
	f->p.replica_scheduling = &f->rs;
	f->p.spread = f->sc;
	f->rs.type = divided ? FS_REPLICA_DIVIDED : FS_REPLICA_DUPLICATED;
	if (divided) {
		f->rs.division = FS_DIVISION_WEIGHTED;
		f->rs.has_weight_preference = true;
		f->rs.dynamic_available = true;
	}
}

static void
spread(struct fixture *f, enum fs_spread_field field, int32_t min, int32_t max)
{
	struct fs_spread_constraint *s = &f->sc[f->p.n_spread++];
	s->field = field;
	s->label = field == FS_SPREAD_LABEL ? I("site") : NULL;
	s->min_groups = min;
	s->max_groups = max < 0 ? 0 : max;
	s->has_max_groups = max >= 0;
}

static uint32_t n_sel;

static enum fs_code
run(struct fixture *f, struct fs_candidate *c, uint32_t n)
{
	err[0] = '\0';
	fs_arena_reset(&arena);
	return fs_select_clusters(&f->b, c, n, &n_sel, &arena, err, sizeof(err));
}

static void
expect(const struct fs_candidate *c, const char *want)
{
	assert_string_equal(sv_names(c, n_sel), want);
}

static int
setup(void **st)
{
	(void)st;
	sv_reset();
	return 0;
}

static int
teardown_all(void **st)
{
	(void)st;
	fs_arena_release(&arena);
	return 0;
}

/* ------------------------------------------------- selectGroups goldens */

static void
groups_run(const struct fs_select_group *g, uint32_t n, int64_t min,
	   int64_t max, int64_t target, const char *want)
{
	uint32_t out[16], n_out = 99;
	fs_arena_reset(&arena);
	assert_int_equal(fs_select_groups(g, n, min, max, target, out, &n_out,
					  &arena, err, sizeof(err)),
			 FS_OK);
	char got[128] = "";
	size_t len = 0;
	for (uint32_t i = 0; i < n_out; i++)
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%s",
					i ? " " : "", g[out[i]].name);
	assert_string_equal(got, want);
}

static void
test_select_groups_golden1(void **st)
{
	(void)st;
	const struct fs_select_group g[] = {
		{"R1", 1, 80}, {"R3", 1, 80}, {"R2", 1, 60},
		{"R5", 2, 60}, {"R4", 5, 50}, {"R6", 3, 50},
	};
	groups_run(g, 6, 1, 3, 10, "R5 R4 R6");
}

static void
test_select_groups_golden2(void **st)
{
	(void)st;
	const struct fs_select_group g[] = {
		{"R1", 1, 80}, {"R2", 4, 40}, {"R3", 1, 30},
		{"R4", 3, 30}, {"R5", 3, 20}, {"R6", 5, 10},
	};
	groups_run(g, 6, 2, 6, 5, "R1 R2");
}

static void
test_select_groups_none_feasible(void **st)
{
	(void)st;
	const struct fs_select_group g[] = {{"R1", 1, 80}, {"R2", 1, 40}};
	groups_run(g, 2, 1, 2, 5, "");
	/* maxGroups 0: nothing can be chosen */
	groups_run(g, 2, 1, 0, 1, "");
}

static void
test_select_groups_search_bound(void **st)
{
	(void)st;
	/* 40 one-cluster groups choose 20: far more than the bound */
	struct fs_select_group g[40];
	char names[40][16];
	for (int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "g%02d", i);
		g[i] = (struct fs_select_group){names[i], 1, 10};
	}
	uint32_t out[40], n_out;
	fs_arena_reset(&arena);
	assert_int_equal(fs_select_groups(g, 40, 20, 40, 20, out, &n_out, &arena,
					  err, sizeof(err)),
			 FS_E_RANGE);
	assert_non_null(strstr(err, "group combinations"));
}

/* ------------------------------------------------- group score */

static void
test_group_score_divided_examples(void **st)
{
	(void)st;
	/* replicas 100 over minGroups 2: each group should hold 50 */
	const struct fs_cluster *a = sv_cluster("a", NULL, NULL, NULL, NULL);
	const struct fs_cluster *b1 = sv_cluster("b1", NULL, NULL, NULL, NULL);
	const struct fs_cluster *b2 = sv_cluster("b2", NULL, NULL, NULL, NULL);
	const struct fs_cluster *c1 = sv_cluster("c1", NULL, NULL, NULL, NULL);
	const struct fs_cluster *c2 = sv_cluster("c2", NULL, NULL, NULL, NULL);
	struct fs_candidate c[] = {cand(a, 100, 45), cand(b1, 0, 30), cand(b2, 0, 30),
				   cand(c1, 100, 50), cand(c2, 100, 10)};
	uint32_t ga[] = {0}, gb[] = {1, 2}, gc[] = {3, 4};
	assert_int_equal(fs_select_group_score(c, ga, 1, 100, 100, 2, 0), 45100);
	assert_int_equal(fs_select_group_score(c, gb, 2, 100, 100, 2, 0), 50000);
	assert_int_equal(fs_select_group_score(c, gc, 2, 100, 100, 2, 0), 50100);
}

static void
test_group_score_duplicated(void **st)
{
	(void)st;
	const struct fs_cluster *a = sv_cluster("a", NULL, NULL, NULL, NULL);
	const struct fs_cluster *b = sv_cluster("b", NULL, NULL, NULL, NULL);
	const struct fs_cluster *d = sv_cluster("d", NULL, NULL, NULL, NULL);
	struct fs_candidate c[] = {cand(a, 90, 5), cand(b, 60, 3), cand(d, 10, 1)};
	uint32_t all[] = {0, 1, 2};
	/* 3 replicas: a and b hold a copy -> 2*1000 + (90+60)/2 */
	assert_int_equal(fs_select_group_score(c, all, 3, -1, 3, 1, 0), 2075);
	/* 9 replicas: none does */
	assert_int_equal(fs_select_group_score(c, all, 3, -1, 9, 1, 0), 0);
}

/* ------------------------------------------------- pass-through */

static void
test_no_spread_keeps_all(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 3, true);
	struct fs_candidate c[] = {cand(sv_cluster("m1", 0, 0, 0, 0), 0, 1),
				   cand(sv_cluster("m2", 0, 0, 0, 0), 0, 1)};
	assert_int_equal(run(&f, c, 2), FS_OK);
	expect(c, "m1 m2");
}

static void
test_static_weight_ignores_spread(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 3, true);
	f.rs.dynamic_available = false;
	f.rs.has_weight_preference = false; /* Weighted, no preference */
	spread(&f, FS_SPREAD_CLUSTER, 1, 1);
	struct fs_candidate c[] = {cand(sv_cluster("m1", 0, 0, 0, 0), 0, 1),
				   cand(sv_cluster("m2", 0, 0, 0, 0), 0, 1)};
	assert_int_equal(run(&f, c, 2), FS_OK);
	expect(c, "m1 m2");
	/* a staticWeightList without dynamicWeight: the same */
	struct fs_static_weight sw = {.weight = 1};
	f.rs.has_weight_preference = true;
	f.rs.static_weights = &sw;
	f.rs.n_static_weights = 1;
	assert_int_equal(run(&f, c, 2), FS_OK);
	expect(c, "m1 m2");
}

static void
test_empty_weight_preference_still_spreads(void **st)
{
	(void)st;
	/* Weighted with a weightPreference holding no list and no dynamic
	 * weight: divided by equal static weights, but Karmada spreads it */
	struct fixture f;
	fixture_init(&f, 3, true);
	f.rs.dynamic_available = false;
	spread(&f, FS_SPREAD_CLUSTER, 1, 1);
	struct fs_candidate c[] = {cand(sv_cluster("m1", 0, 0, 0, 0), 0, 5),
				   cand(sv_cluster("m2", 0, 0, 0, 0), 0, 5)};
	assert_int_equal(run(&f, c, 2), FS_OK);
	expect(c, "m1");
}

/* ------------------------------------------------- by cluster */

static void
test_by_cluster_swaps_for_capacity(void **st)
{
	(void)st;
	/* Karmada's example: 2 clusters for 80 replicas; scores 60/50/40,
	 * available 40/30/60 -> member1 and member3 */
	struct fixture f;
	fixture_init(&f, 80, true);
	spread(&f, FS_SPREAD_CLUSTER, 1, 2);
	struct fs_candidate c[] = {cand(sv_cluster("member1", 0, 0, 0, 0), 60, 40),
				   cand(sv_cluster("member2", 0, 0, 0, 0), 50, 30),
				   cand(sv_cluster("member3", 0, 0, 0, 0), 40, 60)};
	assert_int_equal(run(&f, c, 3), FS_OK);
	expect(c, "member1 member3");
	assert_string_equal(c[2].cluster->name, "member2"); /* still a permutation */
}

static void
test_by_cluster_not_enough_resource(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 200, true);
	spread(&f, FS_SPREAD_CLUSTER, 1, 2);
	struct fs_candidate c[] = {cand(sv_cluster("m1", 0, 0, 0, 0), 60, 40),
				   cand(sv_cluster("m2", 0, 0, 0, 0), 50, 30),
				   cand(sv_cluster("m3", 0, 0, 0, 0), 40, 60)};
	assert_int_equal(run(&f, c, 3), FS_UNSCHEDULABLE);
	assert_string_equal(err, "no enough resource when selecting 2 clusters");
}

static void
test_by_cluster_duplicated_ignores_capacity(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 200, false);
	spread(&f, FS_SPREAD_CLUSTER, 1, 2);
	struct fs_candidate c[] = {cand(sv_cluster("m1", 0, 0, 0, 0), 60, 1),
				   cand(sv_cluster("m2", 0, 0, 0, 0), 50, 1),
				   cand(sv_cluster("m3", 0, 0, 0, 0), 40, 60)};
	assert_int_equal(run(&f, c, 3), FS_OK);
	expect(c, "m1 m2");
}

static void
test_by_cluster_min_groups(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 1, true);
	spread(&f, FS_SPREAD_CLUSTER, 3, 3);
	struct fs_candidate c[] = {cand(sv_cluster("m1", 0, 0, 0, 0), 0, 9),
				   cand(sv_cluster("m2", 0, 0, 0, 0), 0, 9)};
	assert_int_equal(run(&f, c, 2), FS_UNSCHEDULABLE);
	assert_string_equal(err, "the number of feasible clusters is less than spreadConstraint.MinGroups");
}

static void
test_by_cluster_max_groups_zero(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 2, true);
	spread(&f, FS_SPREAD_CLUSTER, 0, 0);
	struct fs_candidate c[] = {cand(sv_cluster("m1", 0, 0, 0, 0), 0, 9),
				   cand(sv_cluster("m2", 0, 0, 0, 0), 0, 9)};
	/* Divided: Karmada fails to find room in 0 clusters */
	assert_int_equal(run(&f, c, 2), FS_UNSCHEDULABLE);
	assert_string_equal(err, "no enough resource when selecting 0 clusters");
	/* Duplicated: nothing selected (assign then reports no clusters) */
	fixture_init(&f, 2, false);
	spread(&f, FS_SPREAD_CLUSTER, 0, 0);
	assert_int_equal(run(&f, c, 2), FS_OK);
	assert_int_equal(n_sel, 0);
}

static void
test_by_cluster_max_unset_takes_all(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 2, true);
	spread(&f, FS_SPREAD_CLUSTER, 1, -1);
	struct fs_candidate c[] = {cand(sv_cluster("m1", 0, 0, 0, 0), 0, 9),
				   cand(sv_cluster("m2", 0, 0, 0, 0), 0, 9),
				   cand(sv_cluster("m3", 0, 0, 0, 0), 0, 9)};
	assert_int_equal(run(&f, c, 3), FS_OK);
	expect(c, "m1 m2 m3");
}

/* ------------------------------------------------- by region */

/* c1..c5 in cluster order (score 100..50): r1={c1,c2}, r2={c3}, r3={c4,c5} */
static void
region_fleet(struct fs_candidate *c)
{
	c[0] = cand(sv_cluster("c1", "r1", NULL, NULL, NULL), 100, 10);
	c[1] = cand(sv_cluster("c3", "r2", NULL, NULL, NULL), 90, 10);
	c[2] = cand(sv_cluster("c4", "r3", NULL, NULL, NULL), 80, 10);
	c[3] = cand(sv_cluster("c5", "r3", NULL, NULL, NULL), 70, 10);
	c[4] = cand(sv_cluster("c2", "r1", NULL, NULL, NULL), 50, 10);
}

static void
test_by_region_first_then_fill(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 1, false);
	spread(&f, FS_SPREAD_REGION, 2, 2);
	spread(&f, FS_SPREAD_CLUSTER, 3, 3);
	struct fs_candidate c[5];
	region_fleet(c);
	/* r1 and r3 score 2075, r2 1090: r1+r3 win; first c1 and c4, then
	 * the best remaining in cluster order: c5 */
	assert_int_equal(run(&f, c, 5), FS_OK);
	expect(c, "c1 c4 c5");
}

static void
test_by_region_cluster_max_unset_one_each(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 1, false);
	spread(&f, FS_SPREAD_REGION, 2, 2);
	spread(&f, FS_SPREAD_CLUSTER, 3, -1);
	struct fs_candidate c[5];
	region_fleet(c);
	assert_int_equal(run(&f, c, 5), FS_OK);
	expect(c, "c1 c4");
}

static void
test_by_region_too_few_regions(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 1, false);
	spread(&f, FS_SPREAD_REGION, 4, 4);
	spread(&f, FS_SPREAD_CLUSTER, 1, 5);
	struct fs_candidate c[5];
	region_fleet(c);
	assert_int_equal(run(&f, c, 5), FS_UNSCHEDULABLE);
	assert_string_equal(err, "the number of feasible region is less than spreadConstraint.MinGroups");
}

static void
test_by_region_not_enough_clusters(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 1, false);
	spread(&f, FS_SPREAD_REGION, 1, 1);
	spread(&f, FS_SPREAD_CLUSTER, 3, 5); /* no single region has 3 */
	struct fs_candidate c[5];
	region_fleet(c);
	assert_int_equal(run(&f, c, 5), FS_UNSCHEDULABLE);
	assert_string_equal(err, "the number of clusters is less than the cluster spreadConstraint.MinGroups");
}

/* ------------------------------------------------- zone, provider, label */

static void
test_by_zone_first_zone_rule(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 1, false);
	spread(&f, FS_SPREAD_ZONE, 2, 2);
	spread(&f, FS_SPREAD_CLUSTER, 2, 2);
	/* m1 lists zb first: it belongs to zb only */
	struct fs_candidate c[] = {
		cand(sv_cluster("m1", "r", "zb,za", NULL, NULL), 100, 5),
		cand(sv_cluster("m2", "r", "zb", NULL, NULL), 90, 5),
		cand(sv_cluster("m3", "r", "za", NULL, NULL), 80, 5),
		cand(sv_cluster("m4", "r", NULL, NULL, NULL), 99, 5), /* no zone */
	};
	assert_int_equal(run(&f, c, 4), FS_OK);
	/* zb = {m1, m2} scores 2095, za = {m3} 1080: both chosen (2 groups) */
	expect(c, "m1 m3");
}

static void
test_by_provider(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 1, false);
	spread(&f, FS_SPREAD_PROVIDER, 1, 1);
	spread(&f, FS_SPREAD_CLUSTER, 2, 2);
	struct fs_candidate c[] = {
		cand(sv_cluster("a1", NULL, NULL, "aws", NULL), 100, 5),
		cand(sv_cluster("g1", NULL, NULL, "gcp", NULL), 90, 5),
		cand(sv_cluster("g2", NULL, NULL, "gcp", NULL), 80, 5),
	};
	/* one provider holding 2 clusters: only gcp qualifies */
	assert_int_equal(run(&f, c, 3), FS_OK);
	expect(c, "g1 g2");
}

static void
test_by_label(void **st)
{
	(void)st;
	struct fixture f;
	fixture_init(&f, 1, false);
	spread(&f, FS_SPREAD_LABEL, 3, 3);
	spread(&f, FS_SPREAD_CLUSTER, 3, 3);
	struct fs_candidate c[] = {
		cand(sv_cluster("s1a", NULL, NULL, NULL, "s1"), 100, 5),
		cand(sv_cluster("s1b", NULL, NULL, NULL, "s1"), 95, 5),
		cand(sv_cluster("s2a", NULL, NULL, NULL, "s2"), 90, 5),
		cand(sv_cluster("s3a", NULL, NULL, NULL, "s3"), 80, 5),
		cand(sv_cluster("none", NULL, NULL, NULL, NULL), 100, 5),
	};
	assert_int_equal(run(&f, c, 5), FS_OK);
	expect(c, "s1a s2a s3a");
	/* 4 sites wanted, 3 exist */
	f.sc[0].min_groups = 4;
	f.sc[0].max_groups = 4;
	assert_int_equal(run(&f, c, 5), FS_UNSCHEDULABLE);
	assert_string_equal(err, "the number of feasible label site is less than spreadConstraint.MinGroups");
}

/* ------------------------------------------------- cluster order */

static void
expect_all(const struct fs_candidate *c, uint32_t n, const char *want)
{
	n_sel = n;
	expect(c, want);
}

static void
test_order_keys(void **st)
{
	(void)st;
	struct fs_candidate c[] = {
		cand(sv_cluster("low", 0, 0, 0, 0), 10, 50),
		cand(sv_cluster("b", 0, 0, 0, 0), 90, 5),
		cand(sv_cluster("a", 0, 0, 0, 0), 90, 5),
		cand(sv_cluster("roomy", 0, 0, 0, 0), 90, 6),
	};
	c[1].previous = 0;
	c[3].available = 2; /* 2 free + 4 already running = 6 */
	c[3].previous = 4;
	fs_arena_reset(&arena);
	fs_order_candidates(c, 4, NULL, NULL, &arena);
	/* score desc, then available+previous desc, then name */
	expect_all(c, 4, "roomy a b low");
}

static void
test_order_overflow_tiers(void **st)
{
	(void)st;
	const char *primary[] = {I("m3")}, *spill[] = {I("m1")};
	struct fs_cluster_affinity over = {.cluster_names = spill, .n_cluster_names = 1};
	struct fs_affinity_term term = {
		.name = I("t"),
		.affinity = {.cluster_names = primary, .n_cluster_names = 1},
		.overflow = &over,
		.n_overflow = 1,
	};
	struct fs_candidate c[] = {
		cand(sv_cluster("m1", 0, 0, 0, 0), 100, 9),
		cand(sv_cluster("m2", 0, 0, 0, 0), 100, 9),
		cand(sv_cluster("m3", 0, 0, 0, 0), 0, 0),
	};
	uint32_t tiers[3];
	assert_int_equal(fs_order_overflow(&term, c[0].cluster), 1);
	assert_int_equal(fs_order_overflow(&term, c[1].cluster), FS_OVERFLOW_NONE);
	assert_int_equal(fs_order_overflow(NULL, c[1].cluster), 0);
	fs_arena_reset(&arena);
	fs_order_candidates(c, 3, &term, tiers, &arena);
	expect_all(c, 3, "m3 m1 m2");
	assert_int_equal(tiers[0], 0);
	assert_int_equal(tiers[1], 1);
	assert_int_equal(tiers[2], FS_OVERFLOW_NONE);
}

static void
test_order_many_equal_is_input_independent(void **st)
{
	(void)st;
	/* 20 clusters with equal keys (Go sorts > 12 unstably): the result
	 * is the name order whatever the input order */
	struct fs_candidate fwd[20], rev[20];
	char name[16];
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "eq%02d", i);
		fwd[i] = cand(sv_cluster(name, 0, 0, 0, 0), 50, 3);
		rev[19 - i] = fwd[i];
	}
	fs_arena_reset(&arena);
	fs_order_candidates(fwd, 20, NULL, NULL, &arena);
	fs_order_candidates(rev, 20, NULL, NULL, &arena);
	for (int i = 0; i < 20; i++) {
		assert_ptr_equal(fwd[i].cluster, rev[i].cluster);
		snprintf(name, sizeof(name), "eq%02d", i);
		assert_string_equal(fwd[i].cluster->name, name);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_order_keys, setup),
		cmocka_unit_test_setup(test_order_overflow_tiers, setup),
		cmocka_unit_test_setup(test_order_many_equal_is_input_independent, setup),
		cmocka_unit_test(test_select_groups_golden1),
		cmocka_unit_test(test_select_groups_golden2),
		cmocka_unit_test(test_select_groups_none_feasible),
		cmocka_unit_test(test_select_groups_search_bound),
		cmocka_unit_test_setup(test_group_score_divided_examples, setup),
		cmocka_unit_test_setup(test_group_score_duplicated, setup),
		cmocka_unit_test_setup(test_no_spread_keeps_all, setup),
		cmocka_unit_test_setup(test_static_weight_ignores_spread, setup),
		cmocka_unit_test_setup(test_empty_weight_preference_still_spreads, setup),
		cmocka_unit_test_setup(test_by_cluster_swaps_for_capacity, setup),
		cmocka_unit_test_setup(test_by_cluster_not_enough_resource, setup),
		cmocka_unit_test_setup(test_by_cluster_duplicated_ignores_capacity, setup),
		cmocka_unit_test_setup(test_by_cluster_min_groups, setup),
		cmocka_unit_test_setup(test_by_cluster_max_groups_zero, setup),
		cmocka_unit_test_setup(test_by_cluster_max_unset_takes_all, setup),
		cmocka_unit_test_setup(test_by_region_first_then_fill, setup),
		cmocka_unit_test_setup(test_by_region_cluster_max_unset_one_each, setup),
		cmocka_unit_test_setup(test_by_region_too_few_regions, setup),
		cmocka_unit_test_setup(test_by_region_not_enough_clusters, setup),
		cmocka_unit_test_setup(test_by_zone_first_zone_rule, setup),
		cmocka_unit_test_setup(test_by_provider, setup),
		cmocka_unit_test_setup(test_by_label, setup),
	};
	return cmocka_run_group_tests(tests, NULL, teardown_all);
}
