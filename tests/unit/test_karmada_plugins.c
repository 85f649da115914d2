/*
 * test_karmada_plugins.c - the six plugins that re-implement Karmada's
 * default scheduler plugins, loaded as built .so files through the host
 * (tests/unit/lib/plugin_harness.h) and driven on hand-built views:
 * verdicts, Karmada's exact reasons, pre_filter/pre_score skips, args.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/plugin_harness.h"
#include "util/intern.h"
#include "../../plugins/taint-toleration/tolindex.h"

static const char *
I(const char *s)
{
	return s ? fs_intern(s, (size_t)-1) : NULL;
}

static struct fs_cluster
mk_cluster(const char *name)
{
	struct fs_cluster c;
	memset(&c, 0, sizeof(c));
	c.struct_size = sizeof(c);
	c.name = I(name);
	c.flags = FS_CLUSTER_READY;
	return c;
}

struct fixture {
	struct fs_binding b;
	struct fs_placement p;
	struct fs_target prev[4];
	struct fs_cycle *cyc;
};

static void
fixture_init(struct fixture *f, int32_t replicas)
{
	memset(f, 0, sizeof(*f));
	f->b.struct_size = sizeof(f->b);
	f->b.kind = FS_WORKLOAD_RESOURCE_BINDING;
	f->b.replicas = replicas;
	f->b.api_id = -1;
	f->b.placement = &f->p;
	f->b.previous = f->prev;
	f->p.struct_size = sizeof(f->p);
}

static struct fs_cycle *
cycle(struct fixture *f)
{
	if (f->cyc)
		fs_cycle_destroy(f->cyc);
	f->cyc = ph_cycle(&f->b, 8);
	assert_non_null(f->cyc);
	return f->cyc;
}

static void
fixture_done(struct fixture *f)
{
	fs_cycle_destroy(f->cyc);
	f->cyc = NULL;
}

static void
add_previous(struct fixture *f, const char *name, int32_t replicas)
{
	f->prev[f->b.n_previous++] = (struct fs_target){I(name), replicas};
}

/* run filter and return its verdict; *reason gets the reason or NULL */
static enum fs_code
filter(struct fs_plugin *p, struct fs_cycle *cyc, const struct fs_cluster *c,
       const char **reason)
{
	*reason = NULL;
	return p->lp->sched.filter(p->state, cyc, c, reason);
}

static enum fs_code
pre_filter(struct fs_plugin *p, struct fs_cycle *cyc,
	   const struct fs_cluster *const *cs, uint32_t n)
{
	const char *reason = NULL;
	return p->lp->sched.pre_filter(p->state, cyc, cs, n, &reason);
}

static enum fs_code
pre_score(struct fs_plugin *p, struct fs_cycle *cyc,
	  const struct fs_cluster *const *cs, uint32_t n)
{
	const char *reason = NULL;
	return p->lp->sched.pre_score(p->state, cyc, cs, n, &reason);
}

static int
teardown_all(void **st)
{
	(void)st;
	ph_retire_all();
	return 0;
}

/* ------------------------------------------------- descriptors and args */

static void
test_descriptors(void **st)
{
	(void)st;
	static const struct {
		const char *name;
		uint32_t caps;
	} want[] = {
		{"api-enablement", FS_CAP_PRE_FILTER | FS_CAP_FILTER},
		{"taint-toleration", FS_CAP_FILTER},
		{"cluster-affinity", FS_CAP_PRE_FILTER | FS_CAP_FILTER |
					     FS_CAP_PRE_SCORE | FS_CAP_SCORE},
		{"spread-constraint", FS_CAP_PRE_FILTER | FS_CAP_FILTER},
		{"cluster-locality", FS_CAP_PRE_SCORE | FS_CAP_SCORE},
		{"cluster-eviction", FS_CAP_PRE_FILTER | FS_CAP_FILTER},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct fs_plugin *p = ph_load(want[i].name, NULL);
		assert_string_equal(p->lp->desc.name, want[i].name);
		assert_int_equal(p->lp->desc.kind, FS_PLUGIN_SCHED);
		assert_int_equal(p->lp->desc.caps, want[i].caps);
		assert_non_null(p->lp->desc.description);
		/* an empty args object is fine too */
		ph_load(want[i].name, "{}");
	}
}

static void
test_args_rejected(void **st)
{
	(void)st;
	struct fs_plugin *p;
	char err[1024];
	assert_int_not_equal(ph_try_load("taint-toleration", "{\"tolerate\": true}",
					 &p, err, sizeof err),
			     FS_OK);
	assert_non_null(strstr(err, "unknown key 'tolerate': taint-toleration takes no args"));
	assert_int_not_equal(ph_try_load("cluster-eviction", "[1]", &p, err, sizeof err),
			     FS_OK);
	assert_non_null(strstr(err, "args: expected no args, got array"));
}

/* ------------------------------------------------- api-enablement */

static void
test_api_enablement(void **st)
{
	(void)st;
	struct fs_plugin *p = ph_load("api-enablement", NULL);
	struct fixture f;
	fixture_init(&f, 2);
	f.b.api_id = 3;
	uint64_t serves = 1u << 3, other = 1u << 4;
	struct fs_cluster yes = mk_cluster("yes"), no = mk_cluster("no"),
			  was = mk_cluster("was"), empty = mk_cluster("empty");
	yes.api_bits = &serves;
	yes.n_api_words = 1;
	no.api_bits = &other;
	no.n_api_words = 1;
	no.flags |= FS_CLUSTER_COMPLETE_APIS; /* "disabled" */
	was.api_bits = &other;
	was.n_api_words = 1;
	add_previous(&f, "was", 2);
	struct fs_cycle *cyc = cycle(&f);
	const struct fs_cluster *all[] = {&yes, &no, &was, &empty};
	const char *reason;

	assert_int_equal(pre_filter(p, cyc, all, 4), FS_OK);
	assert_int_equal(filter(p, cyc, &yes, &reason), FS_OK);
	assert_int_equal(filter(p, cyc, &no, &reason), FS_UNSCHEDULABLE);
	assert_string_equal(reason, "cluster(s) did not have the API resource");
	/* "unknown" (no enablement list at all) fails the same way */
	assert_int_equal(filter(p, cyc, &empty, &reason), FS_UNSCHEDULABLE);
	assert_string_equal(reason, "cluster(s) did not have the API resource");
	/* already in spec.clusters: passes */
	assert_int_equal(filter(p, cyc, &was, &reason), FS_OK);

	/* an API no cluster serves */
	f.b.api_id = -1;
	cyc = cycle(&f);
	assert_int_equal(filter(p, cyc, &yes, &reason), FS_UNSCHEDULABLE);
	/* middleware objects are not checked here */
	f.b.kind = FS_WORKLOAD_MIDDLEWARE;
	cyc = cycle(&f);
	assert_int_equal(pre_filter(p, cyc, all, 4), FS_SKIP);
	fixture_done(&f);
}

/* ------------------------------------------------- taint-toleration */

static void
test_taint_toleration(void **st)
{
	(void)st;
	struct fs_plugin *p = ph_load("taint-toleration", NULL);
	struct fixture f;
	fixture_init(&f, 1);
	struct fs_taint dedicated[] = {
		{I("soft"), I("x"), FS_EFFECT_PREFER_NO_SCHEDULE},
		{I("dedicated"), I("middleware"), FS_EFFECT_NO_SCHEDULE},
	};
	struct fs_taint unreachable[] = {
		{I("cluster.karmada.io/unreachable"), NULL, FS_EFFECT_NO_EXECUTE},
	};
	struct fs_cluster clean = mk_cluster("clean"), ded = mk_cluster("ded"),
			  gone = mk_cluster("gone"), soft = mk_cluster("soft");
	ded.taints = dedicated;
	ded.n_taints = 2;
	gone.taints = unreachable;
	gone.n_taints = 1;
	soft.taints = dedicated;
	soft.n_taints = 1; /* PreferNoSchedule only */
	const char *reason;

	struct fs_cycle *cyc = cycle(&f);
	assert_int_equal(filter(p, cyc, &clean, &reason), FS_OK);
	assert_int_equal(filter(p, cyc, &soft, &reason), FS_OK);
	assert_int_equal(filter(p, cyc, &ded, &reason), FS_UNSCHEDULABLE);
	assert_string_equal(reason, "cluster(s) had untolerated taint {dedicated=middleware:NoSchedule}");
	const char *first = reason;
	assert_int_equal(filter(p, cyc, &ded, &reason), FS_UNSCHEDULABLE);
	assert_ptr_equal(reason, first); /* interned: equal reasons group */
	assert_int_equal(filter(p, cyc, &gone, &reason), FS_UNSCHEDULABLE);
	assert_string_equal(reason, "cluster(s) had untolerated taint {cluster.karmada.io/unreachable:NoExecute}");

	/* tolerated with Equal and the right value */
	struct fs_toleration tol[] = {
		{I("dedicated"), FS_OP_EQUAL, I("middleware"), FS_EFFECT_NO_SCHEDULE, false, 0},
	};
	f.p.tolerations = tol;
	f.p.n_tolerations = 1;
	cyc = cycle(&f);
	assert_int_equal(filter(p, cyc, &ded, &reason), FS_OK);
	/* wrong value, or wrong effect: not tolerated */
	tol[0].value = I("web");
	assert_int_equal(filter(p, cyc, &ded, &reason), FS_UNSCHEDULABLE);
	tol[0].value = I("middleware");
	tol[0].effect = FS_EFFECT_NO_EXECUTE;
	assert_int_equal(filter(p, cyc, &ded, &reason), FS_UNSCHEDULABLE);
	/* Exists with an empty effect matches every effect of the key */
	tol[0] = (struct fs_toleration){I("dedicated"), FS_OP_EXISTS, NULL,
					FS_EFFECT_NONE, false, 0};
	assert_int_equal(filter(p, cyc, &ded, &reason), FS_OK);
	assert_int_equal(filter(p, cyc, &gone, &reason), FS_UNSCHEDULABLE);
	/* Exists without a key tolerates everything */
	tol[0].key = NULL;
	assert_int_equal(filter(p, cyc, &gone, &reason), FS_OK);

	/* already in spec.clusters: passes whatever the taints */
	f.p.n_tolerations = 0;
	add_previous(&f, "ded", 1);
	cyc = cycle(&f);
	assert_int_equal(filter(p, cyc, &ded, &reason), FS_OK);
	assert_int_equal(filter(p, cyc, &gone, &reason), FS_UNSCHEDULABLE);
	fixture_done(&f);
}

/* Kubernetes' ToleratesTaint, one toleration at a time: the reference the
 * index must agree with */
static bool
ref_tolerated(const struct fs_toleration *tols, uint32_t n, const struct fs_taint *t)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct fs_toleration *x = &tols[i];
		if (x->effect != FS_EFFECT_NONE && x->effect != t->effect)
			continue;
		if (x->key && x->key != t->key)
			continue;
		if (x->op == FS_OP_EXISTS || (x->op == FS_OP_EQUAL && x->value == t->value))
			return true;
	}
	return false;
}

/* the (key, value) index gives the reference's answer on random mixes of
 * keyless, valueless, Exists, Equal, Lt and every effect */
static void
test_toleration_index_matches_reference(void **st)
{
	(void)st;
	const char *keys[] = {NULL, I("a"), I("b"), I("c")};
	const char *values[] = {NULL, I("x"), I("y")};
	const enum fs_selector_op ops[] = {FS_OP_EXISTS, FS_OP_EQUAL, FS_OP_LT};
	struct fs_toleration tols[40];
	struct fs_taint taints[12];
	struct tol_slot slots[128];
	uint64_t seed = 42;
#define NEXT(m) ((seed = seed * 6364136223846793005ULL + 1442695040888963407ULL), \
		 (uint32_t)(seed >> 33) % (m))
	for (int round = 0; round < 3000; round++) {
		uint32_t nt = NEXT(40), nx = NEXT(12);
		for (uint32_t i = 0; i < nt; i++)
			tols[i] = (struct fs_toleration){keys[NEXT(4)], ops[NEXT(3)],
							 values[NEXT(3)],
							 (enum fs_taint_effect)NEXT(4), false, 0};
		for (uint32_t i = 0; i < nx; i++)
			taints[i] = (struct fs_taint){keys[1 + NEXT(3)], values[NEXT(3)],
						      (enum fs_taint_effect)(1 + NEXT(3))};
		uint32_t ns = tol_index_slots(nt);
		assert_true(ns <= 128);
		memset(slots, 0, sizeof slots);
		struct tol_index ix;
		tol_index_build(&ix, slots, ns, tols, nt);
		for (uint32_t i = 0; i < nx; i++)
			assert_int_equal(tol_index_tolerates(&ix, &taints[i]),
					 ref_tolerated(tols, nt, &taints[i]));
	}
#undef NEXT
}

/* 300 000 taints against 300 000 tolerations: each taint costs a few
 * probes (the pairwise scan was 9 * 10^10 compares, minutes), and the
 * plugin gives the right verdict at that size */
#define MANY 300000

static void
test_taint_toleration_many(void **st)
{
	(void)st;
	struct fs_toleration *tols = calloc(MANY, sizeof *tols);
	struct fs_taint *taints = calloc(MANY, sizeof *taints);
	assert_non_null(tols);
	assert_non_null(taints);
	char buf[32];
	for (uint32_t i = 0; i < MANY; i++) {
		snprintf(buf, sizeof buf, "k%u", i);
		tols[i] = (struct fs_toleration){I(buf), FS_OP_EXISTS, NULL,
						 FS_EFFECT_NO_SCHEDULE, false, 0};
		/* the same keys, last first: a scan finds each at the far end */
		snprintf(buf, sizeof buf, "k%u", MANY - 1 - i);
		taints[i] = (struct fs_taint){I(buf), NULL, FS_EFFECT_NO_SCHEDULE};
	}
	uint32_t ns = tol_index_slots(MANY);
	struct tol_slot *slots = calloc(ns, sizeof *slots);
	assert_non_null(slots);
	struct tol_index ix;
	tol_index_build(&ix, slots, ns, tols, MANY);
	ix.probes = 0;
	for (uint32_t i = 0; i < MANY; i++)
		assert_true(tol_index_tolerates(&ix, &taints[i]));
	assert_true(ix.probes <= 16ull * MANY);
	free(slots);

	struct fs_plugin *p = ph_load("taint-toleration", NULL);
	struct fixture f;
	fixture_init(&f, 1);
	f.p.tolerations = tols;
	f.p.n_tolerations = MANY;
	struct fs_cluster c = mk_cluster("tainted");
	c.taints = taints;
	c.n_taints = MANY;
	const char *reason = NULL;
	struct fs_cycle *cyc = cycle(&f);
	assert_int_equal(filter(p, cyc, &c, &reason), FS_OK);
	/* one taint no toleration names: found, with its reason */
	taints[MANY / 2].key = I("unlisted");
	assert_int_equal(filter(p, cyc, &c, &reason), FS_UNSCHEDULABLE);
	assert_string_equal(reason, "cluster(s) had untolerated taint {unlisted:NoSchedule}");
	fixture_done(&f);
	free(tols);
	free(taints);
}

/* ------------------------------------------------- cluster-affinity */

static void
test_cluster_affinity(void **st)
{
	(void)st;
	struct fs_plugin *p = ph_load("cluster-affinity", NULL);
	struct fixture f;
	fixture_init(&f, 3);
	const char *primary[] = {I("m1")}, *spill[] = {I("m2")};
	struct fs_cluster_affinity over = {.cluster_names = spill, .n_cluster_names = 1};
	struct fs_affinity_term term = {
		.name = I("main"),
		.affinity = {.cluster_names = primary, .n_cluster_names = 1},
		.overflow = &over,
		.n_overflow = 1,
	};
	struct fs_cluster m1 = mk_cluster("m1"), m2 = mk_cluster("m2"),
			  m3 = mk_cluster("m3");
	const struct fs_cluster *all[] = {&m1, &m2, &m3};
	const char *reason;

	/* no affinity: nothing to check */
	struct fs_cycle *cyc = cycle(&f);
	assert_int_equal(pre_filter(p, cyc, all, 3), FS_SKIP);

	fs_cycle_set_term(cyc, &term);
	assert_int_equal(pre_filter(p, cyc, all, 3), FS_OK);
	assert_int_equal(filter(p, cyc, &m1, &reason), FS_OK);
	assert_int_equal(filter(p, cyc, &m2, &reason), FS_OK); /* overflow */
	assert_int_equal(filter(p, cyc, &m3, &reason), FS_UNSCHEDULABLE);
	assert_string_equal(reason, "cluster(s) did not match the placement cluster affinity constraint");

	/* not a workload: overflow tiers do not apply */
	f.b.replicas = 0;
	cyc = cycle(&f);
	fs_cycle_set_term(cyc, &term);
	assert_int_equal(filter(p, cyc, &m2, &reason), FS_UNSCHEDULABLE);

	/* the score is Karmada's constant 0: skipped */
	assert_int_equal(pre_score(p, cyc, all, 3), FS_SKIP);
	int64_t score = 42;
	assert_int_equal(p->lp->sched.score(p->state, cyc, &m1, &score, &reason), FS_OK);
	assert_int_equal(score, 0);
	fixture_done(&f);
}

/* ------------------------------------------------- spread-constraint */

static void
test_spread_constraint(void **st)
{
	(void)st;
	struct fs_plugin *p = ph_load("spread-constraint", NULL);
	struct fixture f;
	fixture_init(&f, 3);
	struct fs_spread_constraint sc[2] = {
		{FS_SPREAD_CLUSTER, NULL, 1, 3, true},
	};
	f.p.spread = sc;
	f.p.n_spread = 1;
	const char *zones[] = {I("z1")};
	struct fs_kv site[] = {{I("site"), I("s1")}};
	struct fs_cluster full = mk_cluster("full"), bare = mk_cluster("bare");
	full.region = I("r1");
	full.provider = I("aws");
	full.zones = zones;
	full.n_zones = 1;
	full.labels = site;
	full.n_labels = 1;
	const struct fs_cluster *all[] = {&full, &bare};
	const char *reason;

	/* only cluster spreading: nothing to check */
	struct fs_cycle *cyc = cycle(&f);
	assert_int_equal(pre_filter(p, cyc, all, 2), FS_SKIP);

	static const struct {
		enum fs_spread_field field;
		const char *reason;
	} cases[] = {
		{FS_SPREAD_PROVIDER, "cluster(s) did not have provider property"},
		{FS_SPREAD_REGION, "cluster(s) did not have region property"},
		{FS_SPREAD_ZONE, "cluster(s) did not have zones property"},
		{FS_SPREAD_LABEL, "cluster(s) did not have label site"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sc[1] = (struct fs_spread_constraint){cases[i].field, NULL, 1, 2, true};
		if (cases[i].field == FS_SPREAD_LABEL)
			sc[1].label = I("site");
		f.p.n_spread = 2;
		cyc = cycle(&f);
		assert_int_equal(pre_filter(p, cyc, all, 2), FS_OK);
		assert_int_equal(filter(p, cyc, &full, &reason), FS_OK);
		assert_int_equal(filter(p, cyc, &bare, &reason), FS_UNSCHEDULABLE);
		assert_string_equal(reason, cases[i].reason);
	}
	fixture_done(&f);
}

/* ------------------------------------------------- cluster-locality */

static void
test_cluster_locality(void **st)
{
	(void)st;
	struct fs_plugin *p = ph_load("cluster-locality", NULL);
	struct fixture f;
	fixture_init(&f, 3);
	struct fs_cluster m1 = mk_cluster("m1"), m2 = mk_cluster("m2");
	const struct fs_cluster *all[] = {&m1, &m2};
	const char *reason = NULL;
	int64_t score = -1;

	/* first schedule: every score would be 0 */
	struct fs_cycle *cyc = cycle(&f);
	assert_int_equal(pre_score(p, cyc, all, 2), FS_SKIP);

	add_previous(&f, "m2", 3);
	cyc = cycle(&f);
	assert_int_equal(pre_score(p, cyc, all, 2), FS_OK);
	assert_int_equal(p->lp->sched.score(p->state, cyc, &m1, &score, &reason), FS_OK);
	assert_int_equal(score, 0);
	assert_int_equal(p->lp->sched.score(p->state, cyc, &m2, &score, &reason), FS_OK);
	assert_int_equal(score, 100);
	fixture_done(&f);
}

/* ------------------------------------------------- cluster-eviction */

static void
test_cluster_eviction(void **st)
{
	(void)st;
	struct fs_plugin *p = ph_load("cluster-eviction", NULL);
	struct fixture f;
	fixture_init(&f, 3);
	struct fs_cluster m1 = mk_cluster("m1"), m2 = mk_cluster("m2");
	const struct fs_cluster *all[] = {&m1, &m2};
	const char *reason;

	struct fs_cycle *cyc = cycle(&f);
	assert_int_equal(pre_filter(p, cyc, all, 2), FS_SKIP);

	const char *evicting[] = {I("m1")};
	f.b.evicting_from = evicting;
	f.b.n_evicting_from = 1;
	cyc = cycle(&f);
	assert_int_equal(pre_filter(p, cyc, all, 2), FS_OK);
	assert_int_equal(filter(p, cyc, &m1, &reason), FS_UNSCHEDULABLE);
	assert_string_equal(reason, "cluster(s) is in the process of eviction");
	assert_int_equal(filter(p, cyc, &m2, &reason), FS_OK);
	fixture_done(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptors),
		cmocka_unit_test(test_args_rejected),
		cmocka_unit_test(test_api_enablement),
		cmocka_unit_test(test_taint_toleration),
		cmocka_unit_test(test_toleration_index_matches_reference),
		cmocka_unit_test(test_taint_toleration_many),
		cmocka_unit_test(test_cluster_affinity),
		cmocka_unit_test(test_spread_constraint),
		cmocka_unit_test(test_cluster_locality),
		cmocka_unit_test(test_cluster_eviction),
	};
	return cmocka_run_group_tests(tests, NULL, teardown_all);
}
