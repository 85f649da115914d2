/* test_framework - the scheduling cycle over hand-built profiles: phase
 * order, weights, FS_SKIP, diagnosis text, per-cycle state, affinity term
 * fallback and deleting clusters */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sched/cycle.h"
#include "sched/framework.h"
#include "util/buf.h"
#include "util/intern.h"

#define I(s) fs_intern((s), (size_t)-1)
#define MAXC 16

/* ------------------------------------------------------------ fixtures */

static struct fs_cluster clusters[MAXC];
static const struct fs_cluster *cptr[MAXC];
static struct fs_binding binding;
static struct fs_placement placement;
static struct fs_replica_scheduling aggregated = {FS_REPLICA_DIVIDED,
						  FS_DIVISION_AGGREGATED};

/* every cluster reports room for 100 pods (Karmada's general estimate,
 * which the host applies when no plugin publishes one) */
static struct fs_resource pods100[1];

static uint32_t
fleet(uint32_t n)
{
	memset(clusters, 0, sizeof clusters);
	pods100[0] = (struct fs_resource){I("pods"), 100};
	for (uint32_t i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof name, "m%u", i + 1);
		clusters[i].struct_size = sizeof clusters[i];
		clusters[i].index = i;
		clusters[i].name = I(name);
		clusters[i].flags = FS_CLUSTER_READY;
		clusters[i].allocatable = pods100;
		clusters[i].n_allocatable = 1;
		clusters[i].flags |= FS_CLUSTER_HAS_SUMMARY;
		cptr[i] = &clusters[i];
	}
	memset(&binding, 0, sizeof binding);
	memset(&placement, 0, sizeof placement);
	binding.struct_size = sizeof binding;
	binding.self.name = I("web");
	binding.resource.uid = I("uid-1");
	binding.replicas = 1;
	binding.has_requirements = true;
	binding.placement = &placement;
	placement.struct_size = sizeof placement;
	placement.replica_scheduling = &aggregated;
	return n;
}

/* the framework of the last run() stays alive until the next run or the
 * end of the test, since results point into it */
static struct fs_framework *last_fw;

/* a call log: "pre:a f:a s:b ..." */
static struct fs_buf calls;

static void
logc(const char *what, const char *who)
{
	fs_buf_printf(&calls, "%s%s:%s", calls.len ? " " : "", what, who);
}

/* A scriptable test plugin; its state is a struct tp. */
struct tp {
	const char *name;
	enum fs_code pre_rc;          /* pre_filter / pre_score answer */
	const char *reject;           /* filter: reject clusters whose name is in this list */
	const char *reason;
	int64_t score[MAXC];          /* score by cluster index */
	bool normalize_half;          /* normalize: halve every score */
	int32_t publish[MAXC];        /* cycle_set_available by index; 0 = none */
	bool log;
	bool term_filter;             /* filter by the active affinity term's clusterNames */
	bool put;                     /* pre: cycle_put("tp/seen", name) */
};

static enum fs_code
tp_pre(void *st, struct fs_cycle *cyc, const struct fs_cluster *const *cl,
       uint32_t n, const char **reason)
{
	struct tp *t = st;
	(void)cl;
	(void)n;
	if (t->log)
		logc("pre", t->name);
	for (uint32_t i = 0; i < MAXC; i++)
		if (t->publish[i])
			fs_cycle_set_available(cyc, i, t->publish[i]);
	if (t->put)
		fs_cycle_put(cyc, "tp/seen", (void *)t->name, NULL);
	*reason = "pre said no";
	return t->pre_rc;
}

static bool
listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static enum fs_code
tp_filter(void *st, struct fs_cycle *cyc, const struct fs_cluster *c,
	  const char **reason)
{
	struct tp *t = st;
	if (t->log)
		logc("f", t->name);
	if (t->term_filter) {
		const struct fs_affinity_term *term = fs_cycle_affinity_term(cyc);
		bool ok = false;
		for (uint32_t i = 0; term && i < term->affinity.n_cluster_names; i++)
			ok |= term->affinity.cluster_names[i] == c->name;
		*reason = "cluster(s) did not match the placement cluster affinity constraint";
		return ok ? FS_OK : FS_UNSCHEDULABLE;
	}
	if (listed(t->reject, c->name)) {
		*reason = t->reason;
		return FS_UNSCHEDULABLE;
	}
	return FS_OK;
}

static enum fs_code
tp_score(void *st, struct fs_cycle *cyc, const struct fs_cluster *c,
	 int64_t *score, const char **reason)
{
	struct tp *t = st;
	(void)cyc;
	(void)reason;
	if (t->log)
		logc("s", t->name);
	*score = t->score[c->index];
	return FS_OK;
}

static enum fs_code
tp_normalize(void *st, struct fs_cycle *cyc, struct fs_cluster_score *s,
	     uint32_t n, const char **reason)
{
	struct tp *t = st;
	(void)cyc;
	(void)reason;
	if (t->log)
		logc("n", t->name);
	for (uint32_t i = 0; t->normalize_half && i < n; i++)
		s[i].score /= 2;
	return FS_OK;
}

static enum fs_code
tp_assign(void *st, struct fs_cycle *cyc, const struct fs_candidate *c,
	  uint32_t n, struct fs_assignment *out, uint32_t *n_out,
	  const char **reason)
{
	struct tp *t = st;
	(void)cyc;
	(void)reason;
	if (t->log)
		logc("a", t->name);
	if (t->pre_rc == FS_SKIP)
		return FS_SKIP;
	*n_out = 0;
	for (uint32_t i = 0; i < n; i++)
		out[(*n_out)++] = (struct fs_assignment){c[i].cluster, 7, i == 0};
	return FS_OK;
}

static enum fs_code
tp_bind(void *st, struct fs_cycle *cyc, const struct fs_assignment *r,
	uint32_t n, const char **reason)
{
	struct tp *t = st;
	(void)cyc;
	(void)r;
	(void)n;
	(void)reason;
	if (t->log)
		logc("b", t->name);
	return FS_OK;
}

static const struct fs_sched_ops all_ops = {
	sizeof(struct fs_sched_ops), tp_pre,    tp_filter, tp_pre,
	tp_score,                    tp_normalize, tp_assign, tp_bind,
};

static int
setup(void **st)
{
	(void)st;
	fs_buf_init(&calls);
	return 0;
}

static int
teardown(void **st)
{
	(void)st;
	fs_buf_release(&calls);
	fs_framework_destroy(last_fw);
	last_fw = NULL;
	return 0;
}

static enum fs_code
run(struct fs_profile *p, uint32_t n, unsigned flags, struct fs_sched_result *r)
{
	fs_framework_destroy(last_fw);
	fs_buf_reset(&calls);
	last_fw = fs_framework_create(p);
	return fs_framework_schedule(last_fw, cptr, n, &binding, flags, r);
}

/* ------------------------------------------------------------ tests */

static void
test_phase_order(void **st)
{
	(void)st;
	uint32_t n = fleet(2);
	struct tp a = {.name = "a", .log = true}, b = {.name = "b", .log = true};
	struct fs_profile *p = fs_profile_new(NULL);
	for (int pt = 0; pt < FS_POINT_COUNT; pt++) {
		fs_profile_add(p, (enum fs_point)pt, "a", NULL, &all_ops, &a, 1);
		fs_profile_add(p, (enum fs_point)pt, "b", NULL, &all_ops, &b, 1);
	}
	struct fs_sched_result r;
	assert_int_equal(run(p, n, 0, &r), FS_OK);
	assert_string_equal(calls.data,
			    "pre:a pre:b f:a f:b f:a f:b pre:a pre:b s:a s:a n:a s:b s:b n:b a:a b:a");
	/* plugin a's assign decided: 7 replicas each, arbiter on the first */
	assert_int_equal(r.n_targets, 2);
	assert_int_equal(r.targets[0].replicas, 7);
	assert_true(r.targets[0].arbiter);
	assert_false(r.targets[1].arbiter);
	fs_profile_free(p);
}

static void
test_no_bind_flag_skips_bind(void **st)
{
	(void)st;
	uint32_t n = fleet(1);
	struct tp a = {.name = "a", .log = true};
	struct fs_profile *p = fs_profile_new(NULL);
	fs_profile_add(p, FS_POINT_BIND, "a", NULL, &all_ops, &a, 1);
	struct fs_sched_result r;
	assert_int_equal(run(p, n, FS_SCHED_NO_BIND, &r), FS_OK);
	assert_string_equal(calls.data, "");
	assert_int_equal(run(p, n, 0, &r), FS_OK);
	assert_string_equal(calls.data, "b:a");
	fs_profile_free(p);
}

static void
test_weights_change_the_winner(void **st)
{
	(void)st;
	uint32_t n = fleet(2);
	struct tp a = {.name = "a"}, b = {.name = "b"};
	a.score[0] = 60; /* a prefers m1 */
	a.score[1] = 40;
	b.score[0] = 20; /* b prefers m2 */
	b.score[1] = 50;
	struct fs_sched_result r;

	struct fs_profile *p = fs_profile_new(NULL);
	fs_profile_add(p, FS_POINT_SCORE, "a", NULL, &all_ops, &a, 1);
	fs_profile_add(p, FS_POINT_SCORE, "b", NULL, &all_ops, &b, 1);
	assert_int_equal(run(p, n, 0, &r), FS_OK);
	assert_int_equal(r.total[0], 80);
	assert_int_equal(r.total[1], 90);
	assert_int_equal(r.n_targets, 1);
	assert_string_equal(r.targets[0].cluster->name, "m2");
	fs_profile_free(p);

	p = fs_profile_new(NULL);
	fs_profile_add(p, FS_POINT_SCORE, "a", NULL, &all_ops, &a, 3);
	fs_profile_add(p, FS_POINT_SCORE, "b", NULL, &all_ops, &b, 1);
	assert_int_equal(run(p, n, FS_SCHED_EXPLAIN, &r), FS_OK);
	assert_int_equal(r.total[0], 200); /* 60*3 + 20 */
	assert_int_equal(r.total[1], 170); /* 40*3 + 50 */
	assert_int_equal(r.n_targets, 1);
	assert_string_equal(r.targets[0].cluster->name, "m1");
	/* explain keeps each plugin's own score, before the weight */
	assert_int_equal(r.n_score_plugins, 2);
	assert_int_equal(r.scores[0 * n + 0], 60);
	assert_int_equal(r.scores[1 * n + 1], 50);
	fs_profile_free(p);
}

static void
test_normalize_runs_before_weights(void **st)
{
	(void)st;
	uint32_t n = fleet(1);
	struct tp a = {.name = "a", .normalize_half = true};
	a.score[0] = 80;
	struct fs_profile *p = fs_profile_new(NULL);
	fs_profile_add(p, FS_POINT_SCORE, "a", NULL, &all_ops, &a, 2);
	struct fs_sched_result r;
	assert_int_equal(run(p, n, 0, &r), FS_OK);
	assert_int_equal(r.total[0], 80); /* 80/2*2 */
	fs_profile_free(p);
}

static void
test_skip_silences_filter_and_score(void **st)
{
	(void)st;
	uint32_t n = fleet(2);
	/* "a" rejects everything but skips; "b" logs */
	struct tp a = {.name = "a", .log = true, .pre_rc = FS_SKIP, .reject = "m1 m2",
		       .reason = "no"};
	a.score[0] = 100;
	struct fs_profile *p = fs_profile_new(NULL);
	fs_profile_add(p, FS_POINT_PRE_FILTER, "a", NULL, &all_ops, &a, 1);
	fs_profile_add(p, FS_POINT_FILTER, "a", NULL, &all_ops, &a, 1);
	fs_profile_add(p, FS_POINT_PRE_SCORE, "a", NULL, &all_ops, &a, 1);
	fs_profile_add(p, FS_POINT_SCORE, "a", NULL, &all_ops, &a, 1);
	fs_profile_add(p, FS_POINT_ASSIGN, "a", NULL, &all_ops, &a, 1);
	struct fs_sched_result r;
	assert_int_equal(run(p, n, 0, &r), FS_OK);
	/* neither filter nor score ran; assign returned FS_SKIP so Karmada's
	 * Aggregated division decided */
	assert_string_equal(calls.data, "pre:a pre:a a:a");
	assert_int_equal(r.n_feasible, 2);
	assert_int_equal(r.total[0], 0);
	assert_int_equal(r.n_targets, 1);
	assert_int_equal(r.targets[0].replicas, 1);
	assert_false(r.targets[0].arbiter);
	fs_profile_free(p);
}

static void
test_fit_error_text(void **st)
{
	(void)st;
	uint32_t n = fleet(7);
	struct tp taint = {.name = "taint-toleration", .reject = "m1 m2",
			   .reason = "cluster(s) had untolerated taint {dedicated=middleware:NoSchedule}"};
	struct tp aff = {.name = "cluster-affinity", .reject = "m3 m4 m5 m6 m7",
			 .reason = "cluster(s) did not match the placement cluster affinity constraint"};
	struct fs_profile *p = fs_profile_new(NULL);
	fs_profile_add(p, FS_POINT_FILTER, "taint-toleration", NULL, &all_ops, &taint, 1);
	fs_profile_add(p, FS_POINT_FILTER, "cluster-affinity", NULL, &all_ops, &aff, 1);
	struct fs_sched_result r;
	assert_int_equal(run(p, n, 0, &r), FS_UNSCHEDULABLE);
	assert_true(r.fit_error);
	assert_int_equal(r.n_targets, 0);
	assert_string_equal(r.message,
			    "0/7 clusters are available: 2 cluster(s) had untolerated taint "
			    "{dedicated=middleware:NoSchedule}, 5 cluster(s) did not match the "
			    "placement cluster affinity constraint.");
	/* the per-cluster breakdown names the plugin */
	assert_string_equal(r.verdicts[0].plugin, "taint-toleration");
	assert_string_equal(r.verdicts[6].plugin, "cluster-affinity");
	struct fs_buf b = FS_BUF_INIT;
	fs_diagnosis_verdict(&b, &r.verdicts[0]);
	assert_string_equal(b.data, "filtered by taint-toleration: cluster(s) had "
				    "untolerated taint {dedicated=middleware:NoSchedule}");
	fs_buf_release(&b);
	fs_profile_free(p);
}

static void
test_fit_error_sorted_as_strings(void **st)
{
	(void)st;
	struct fs_verdict v[12];
	for (int i = 0; i < 12; i++)
		v[i] = (struct fs_verdict){"x", i < 10 ? "zeta" : "alpha", FS_UNSCHEDULABLE};
	struct fs_buf b = FS_BUF_INIT;
	fs_diagnosis_fit_error(&b, 12, v, 12);
	/* "10 zeta" sorts before "2 alpha", as Go's sort.Strings does */
	assert_string_equal(b.data, "0/12 clusters are available: 10 zeta, 2 alpha.");
	fs_buf_reset(&b);
	fs_diagnosis_fit_error(&b, 0, v, 0);
	assert_string_equal(b.data, "0/0 clusters are available: no cluster exists.");
	fs_buf_release(&b);
}

static void
test_pre_filter_rejection_fails_all(void **st)
{
	(void)st;
	uint32_t n = fleet(3);
	struct tp a = {.name = "a", .pre_rc = FS_UNSCHEDULABLE};
	struct fs_profile *p = fs_profile_new(NULL);
	fs_profile_add(p, FS_POINT_PRE_FILTER, "a", NULL, &all_ops, &a, 1);
	struct fs_sched_result r;
	assert_int_equal(run(p, n, 0, &r), FS_UNSCHEDULABLE);
	assert_string_equal(r.message, "0/3 clusters are available: 3 pre said no.");
	fs_profile_free(p);
}

static void
test_available_combined_by_min(void **st)
{
	(void)st;
	uint32_t n = fleet(4);
	binding.replicas = 5;
	struct tp a = {.name = "a"}, b = {.name = "b"};
	a.publish[0] = 9;  /* m1: min(9, 4) = 4 */
	b.publish[0] = 4;
	a.publish[1] = -1; /* m2: -1 ignored, b says 6 */
	b.publish[1] = 6;
	a.publish[2] = 3;  /* m3: only a */
	/* m4: nobody answered -> the general estimate (room for 100 pods), as
	 * Karmada, whose general estimator is always registered */
	struct fs_profile *p = fs_profile_new(NULL);
	fs_profile_add(p, FS_POINT_PRE_FILTER, "a", NULL, &all_ops, &a, 1);
	fs_profile_add(p, FS_POINT_PRE_FILTER, "b", NULL, &all_ops, &b, 1);
	struct fs_sched_result r;
	assert_int_equal(run(p, n, 0, &r), FS_OK);
	assert_int_equal(r.available[0], 4);
	assert_int_equal(r.available[1], 6);
	assert_int_equal(r.available[2], 3);
	assert_int_equal(r.available[3], 100);
	/* no resourceSummary: the general estimate is 0 (Karmada's step 1) */
	clusters[3].flags &= ~(uint32_t)FS_CLUSTER_HAS_SUMMARY;
	assert_int_equal(run(p, n, 0, &r), FS_OK);
	assert_int_equal(r.available[3], 0);
	clusters[3].flags |= FS_CLUSTER_HAS_SUMMARY;
	/* a non-workload ignores every estimate */
	binding.replicas = 0;
	binding.has_requirements = false;
	assert_int_equal(run(p, n, 0, &r), FS_OK);
	assert_int_equal(r.available[0], INT32_MAX);
	assert_int_equal(r.available[3], INT32_MAX);
	fs_profile_free(p);
}

/* per-cycle state: what pre_filter put is visible to a later phase and
 * gone in the next cycle */
static const char *seen_in_filter;

static enum fs_code
peek_filter(void *st, struct fs_cycle *cyc, const struct fs_cluster *c,
	    const char **reason)
{
	(void)st;
	(void)c;
	(void)reason;
	seen_in_filter = fs_cycle_get(cyc, "tp/seen");
	return FS_OK;
}

static void
test_cycle_state_shared_and_reset(void **st)
{
	(void)st;
	uint32_t n = fleet(1);
	struct tp a = {.name = "a", .put = true};
	static const struct fs_sched_ops peek = {.struct_size = sizeof peek,
						 .filter = peek_filter};
	struct fs_profile *p = fs_profile_new(NULL);
	fs_profile_add(p, FS_POINT_PRE_FILTER, "a", NULL, &all_ops, &a, 1);
	fs_profile_add(p, FS_POINT_FILTER, "peek", NULL, &peek, NULL, 1);
	struct fs_framework *fw = fs_framework_create(p);
	struct fs_sched_result r;
	assert_int_equal(fs_framework_schedule(fw, cptr, n, &binding, 0, &r), FS_OK);
	assert_string_equal(seen_in_filter, "a");
	/* the next cycle of the same framework starts empty */
	a.put = false;
	assert_int_equal(fs_framework_schedule(fw, cptr, n, &binding, 0, &r), FS_OK);
	assert_null(seen_in_filter);
	fs_framework_destroy(fw);
	fs_profile_free(p);
}

static void
test_affinity_terms_fallback(void **st)
{
	(void)st;
	uint32_t n = fleet(3);
	static const char *t0_names[1], *t1_names[1], *t2_names[1];
	t0_names[0] = I("nowhere");
	t1_names[0] = I("m2");
	t2_names[0] = I("m3");
	struct fs_affinity_term terms[3] = {
		{.name = I("primary"), .affinity = {.cluster_names = t0_names, .n_cluster_names = 1}},
		{.name = I("backup"), .affinity = {.cluster_names = t1_names, .n_cluster_names = 1}},
		{.name = I("last"), .affinity = {.cluster_names = t2_names, .n_cluster_names = 1}},
	};
	placement.terms = terms;
	placement.n_terms = 3;
	struct tp aff = {.name = "cluster-affinity", .term_filter = true};
	struct fs_profile *p = fs_profile_new(NULL);
	fs_profile_add(p, FS_POINT_FILTER, "cluster-affinity", NULL, &all_ops, &aff, 1);
	struct fs_sched_result r;

	/* primary fits nothing, backup wins */
	assert_int_equal(run(p, n, 0, &r), FS_OK);
	assert_int_equal(r.term_index, 1);
	assert_int_equal(r.n_targets, 1);
	assert_string_equal(r.targets[0].cluster->name, "m2");

	/* starting from the observed term */
	binding.observed_affinity = I("last");
	assert_int_equal(run(p, n, 0, &r), FS_OK);
	assert_int_equal(r.term_index, 2);
	assert_string_equal(r.targets[0].cluster->name, "m3");

	/* all fail: the first failure (a FitError) with an empty result */
	t1_names[0] = I("nowhere");
	t2_names[0] = I("nowhere");
	binding.observed_affinity = NULL;
	assert_int_equal(run(p, n, 0, &r), FS_UNSCHEDULABLE);
	assert_true(r.fit_error);
	assert_int_equal(r.term_index, 0);
	assert_int_equal(r.n_targets, 0);
	assert_string_equal(r.message, "0/3 clusters are available: 3 cluster(s) did not "
				       "match the placement cluster affinity constraint.");
	fs_profile_free(p);
}

static void
test_deleting_clusters_excluded(void **st)
{
	(void)st;
	uint32_t n = fleet(3);
	clusters[0].flags |= FS_CLUSTER_DELETING;
	struct tp a = {.name = "a", .log = true};
	a.score[0] = 100; /* would win if it were a candidate */
	struct fs_profile *p = fs_profile_new(NULL);
	fs_profile_add(p, FS_POINT_FILTER, "a", NULL, &all_ops, &a, 1);
	fs_profile_add(p, FS_POINT_SCORE, "a", NULL, &all_ops, &a, 1);
	struct fs_sched_result r;
	assert_int_equal(run(p, n, 0, &r), FS_OK);
	assert_string_equal(calls.data, "f:a f:a s:a s:a n:a");
	assert_int_equal(r.n_feasible, 2);
	assert_int_equal(r.verdicts[0].code, FS_SKIP);
	assert_string_not_equal(r.targets[0].cluster->name, "m1");

	/* every cluster deleting: FitError over the whole fleet */
	clusters[1].flags |= FS_CLUSTER_DELETING;
	clusters[2].flags |= FS_CLUSTER_DELETING;
	assert_int_equal(run(p, n, 0, &r), FS_UNSCHEDULABLE);
	assert_string_equal(r.message,
			    "0/3 clusters are available: 3 cluster(s) were being deleted.");
	fs_profile_free(p);
}

static void
test_empty_fleet(void **st)
{
	(void)st;
	fleet(0);
	struct tp a = {.name = "a"};
	struct fs_profile *p = fs_profile_new(NULL);
	fs_profile_add(p, FS_POINT_FILTER, "a", NULL, &all_ops, &a, 1);
	fs_profile_add(p, FS_POINT_SCORE, "a", NULL, &all_ops, &a, 1);
	struct fs_sched_result r;
	assert_int_equal(run(p, 0, FS_SCHED_EXPLAIN, &r), FS_UNSCHEDULABLE);
	assert_true(r.fit_error);
	assert_string_equal(r.message, "0/0 clusters are available: no cluster exists.");
	fs_profile_free(p);
}

static void
test_score_out_of_range_is_an_error(void **st)
{
	(void)st;
	uint32_t n = fleet(1);
	struct tp a = {.name = "a"};
	a.score[0] = 101;
	struct fs_profile *p = fs_profile_new(NULL);
	fs_profile_add(p, FS_POINT_SCORE, "a", NULL, &all_ops, &a, 1);
	struct fs_sched_result r;
	assert_int_equal(run(p, n, 0, &r), FS_E_PLUGIN);
	assert_string_equal(r.message, "plugin 'a' gave cluster m1 the score 101, expected 0..100");
	fs_profile_free(p);
}

static void
test_reuse_across_bindings(void **st)
{
	(void)st;
	uint32_t n = fleet(MAXC);
	struct tp a = {.name = "a", .reject = "m3", .reason = "r"};
	struct fs_profile *p = fs_profile_new(NULL);
	fs_profile_add(p, FS_POINT_FILTER, "a", NULL, &all_ops, &a, 1);
	struct fs_framework *fw = fs_framework_create(p);
	struct fs_sched_result r;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fs_framework_schedule(fw, cptr, n, &binding, 0, &r), FS_OK);
		assert_int_equal(r.n_feasible, MAXC - 1);
		assert_int_equal(r.verdicts[2].code, FS_UNSCHEDULABLE);
	}
	/* a smaller fleet afterwards */
	assert_int_equal(fs_framework_schedule(fw, cptr, 2, &binding, 0, &r), FS_OK);
	assert_int_equal(r.n_feasible, 2);
	fs_framework_destroy(fw);
	fs_profile_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_phase_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_bind_flag_skips_bind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weights_change_the_winner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_normalize_runs_before_weights, setup, teardown),
		cmocka_unit_test_setup_teardown(test_skip_silences_filter_and_score, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fit_error_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fit_error_sorted_as_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pre_filter_rejection_fails_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_available_combined_by_min, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cycle_state_shared_and_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_affinity_terms_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleting_clusters_excluded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_fleet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_score_out_of_range_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse_across_bindings, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
