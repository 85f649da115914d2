/*
 * test_mongo_spread.c - the `mongo-spread` scheduling plugin: Uniform and
 * Weighting division under the majority-survival rule, the arbiter, room
 * limits, refusals and their reasons, scope, the failure-domain score, args
 * validation, and a brute-force check that the plugin refuses exactly when
 * no safe division exists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/fleet.h"
#include "lib/plugin_harness.h"
#include "util/intern.h"

#define FLEET "tests/data/plugins/spread-clusters.yaml"
#define MAXC 16

static struct ph_fleet fleet;

static const char *
in(const char *s)
{
	return fs_intern(s, (size_t)-1);
}

struct mongo {
	struct fs_binding b;
	struct fs_placement placement;
	struct fs_replica_scheduling rs;
	struct fs_target prev[MAXC];
};

static void
mongo_init(struct mongo *m, int32_t replicas, bool arbiter, enum fs_sched_mode mode)
{
	memset(m, 0, sizeof *m);
	m->b.struct_size = sizeof m->b;
	m->b.kind = FS_WORKLOAD_MIDDLEWARE;
	m->b.api_id = -1;
	m->b.replicas = replicas;
	m->b.arbiter = arbiter;
	m->b.mode = mode;
	m->b.self.kind = in("MultiCloudMongoDB");
	m->b.self.namespace_ = in("default");
	m->b.self.name = in("mongo");
}

/* "r1-a:10 r2-a:3/1" -> candidates (name:available[/previous]) */
static uint32_t
candidates(const char *spec, struct fs_candidate *out)
{
	char buf[512], *save = NULL;
	uint32_t n = 0;

	snprintf(buf, sizeof buf, "%s", spec);
	for (char *tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *colon = strchr(tok, ':'), *slash;

		assert_non_null(colon);
		*colon = '\0';
		slash = strchr(colon + 1, '/');
		out[n] = (struct fs_candidate){
			.cluster = ph_fleet_get(&fleet, tok),
			.available = atoi(colon + 1),
			.previous = slash ? atoi(slash + 1) : 0,
		};
		n++;
	}
	return n;
}

/* run assign; the placement as "r1-a:2 r2-a:1+arbiter", or the reason */
static enum fs_code
assign(struct fs_plugin *p, struct mongo *m, const char *spec, char *result,
       size_t len)
{
	struct fs_candidate cands[MAXC];
	struct fs_assignment out[MAXC];
	uint32_t n = candidates(spec, cands), n_out = 99;
	struct fs_cycle *cyc = ph_cycle(&m->b, fleet.n);
	const char *reason = NULL;
	enum fs_code rc = p->lp->sched.assign(p->state, cyc, cands, n, out,
					      &n_out, &reason);
	size_t used = 0;

	result[0] = '\0';
	if (rc != FS_OK) {
		snprintf(result, len, "%s", reason ? reason : "(no reason)");
	} else {
		for (uint32_t i = 0; i < n_out; i++)
			used += (size_t)snprintf(result + used, len - used, "%s%s:%d%s",
						 i ? " " : "", out[i].cluster->name,
						 out[i].replicas,
						 out[i].arbiter ? "+arbiter" : "");
	}
	fs_cycle_destroy(cyc);
	return rc;
}

static void
expect_assign(const char *args, int32_t replicas, bool arbiter,
	      enum fs_sched_mode mode, const char *spec, enum fs_code want,
	      const char *expected)
{
	struct fs_plugin *p = ph_load("mongo-spread", args);
	struct mongo m;
	char got[1024];
	enum fs_code rc;

	mongo_init(&m, replicas, arbiter, mode);
	rc = assign(p, &m, spec, got, sizeof got);
	if (rc != want || strcmp(got, expected) != 0)
		fail_msg("%d member(s)%s on [%s]:\n  want %d \"%s\"\n  got  %d \"%s\"",
			 replicas, arbiter ? " + arbiter" : "", spec, want, expected,
			 rc, got);
}

static int
setup(void **state)
{
	(void)state;
	ph_fleet_load(&fleet, FLEET);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ph_retire_all();
	ph_fleet_release(&fleet);
	return 0;
}

/* ------------------------------------------------------------ uniform */

static void
test_uniform_spreads_regions_first(void **state)
{
	(void)state;
	/* r1-b shares r1 with r1-a: the third member goes to r3 */
	expect_assign(NULL, 3, false, FS_MODE_UNIFORM,
		      "r1-a:10 r1-b:10 r2-a:10 r3-a:10", FS_OK,
		      "r1-a:1 r2-a:1 r3-a:1");
	/* with two regions, the zone decides: r2-a2 shares r2-a's zone */
	expect_assign(NULL, 3, false, FS_MODE_DEFAULT,
		      "r2-a:10 r2-a2:10 r1-a:10 r1-b:10", FS_OK,
		      "r2-a:1 r1-a:1 r1-b:1");
}

static void
test_uniform_five_on_three(void **state)
{
	(void)state;
	/* 5 voters: at most 2 per cluster */
	expect_assign(NULL, 5, false, FS_MODE_UNIFORM, "r1-a:10 r2-a:10 r3-a:10",
		      FS_OK, "r1-a:2 r2-a:2 r3-a:1");
	expect_assign(NULL, 7, false, FS_MODE_UNIFORM,
		      "r1-a:10 r2-a:10 r3-a:10 r1-b:10", FS_OK,
		      "r1-a:2 r2-a:2 r3-a:2 r1-b:1");
}

static void
test_room_is_a_hard_limit(void **state)
{
	(void)state;
	/* available + previous bounds each cluster */
	expect_assign(NULL, 5, false, FS_MODE_UNIFORM,
		      "r1-a:1 r2-a:2 r3-a:0/2 r1-b:0", FS_OK,
		      "r1-a:1 r2-a:2 r3-a:2");
	expect_assign(NULL, 5, false, FS_MODE_UNIFORM, "r1-a:1 r2-a:1 r3-a:1",
		      FS_UNSCHEDULABLE,
		      "feasible clusters have room for 3 of 5 member(s)");
	/* -1 (nobody estimated) is no limit */
	expect_assign(NULL, 3, false, FS_MODE_UNIFORM, "r1-a:-1 r2-a:-1 r3-a:-1",
		      FS_OK, "r1-a:1 r2-a:1 r3-a:1");
}

/* A rescheduled set keeps members where they were when spreading allows. */
static void
test_previous_members_stay(void **state)
{
	(void)state;
	expect_assign(NULL, 3, false, FS_MODE_UNIFORM,
		      "r1-a:10 r1-b:10/1 r2-a:10/1 r3-a:10/1", FS_OK,
		      "r1-b:1 r2-a:1 r3-a:1");
	/* a cluster left off the shortlist by its group's earlier clusters
	 * still comes back when it had members */
	expect_assign(NULL, 1, false, FS_MODE_UNIFORM, "r2-a:10 r2-a2:10/1",
		      FS_OK, "r2-a2:1");
	expect_assign(NULL, 1, false, FS_MODE_UNIFORM, "r2-a:10 r2-a2:10", FS_OK,
		      "r2-a:1");
	/* Weighting ties at the shortlist threshold stay in */
	expect_assign(NULL, 1, false, FS_MODE_WEIGHTING, "r1-a:5 r3-a:9 r2-a:9",
		      FS_OK, "r3-a:1");
}

/* ------------------------------------------------------------ refusal */

static void
test_refuses_unsafe(void **state)
{
	(void)state;
	expect_assign(NULL, 3, false, FS_MODE_UNIFORM, "r1-a:10 r2-a:10",
		      FS_UNSCHEDULABLE,
		      "3 voting member(s) on 2 feasible cluster(s) cannot keep a "
		      "majority when a cluster is lost (at least 3 clusters are "
		      "needed); requireMajoritySurvival is on");
	/* 4 voters on 3 clusters: some cluster holds 2 of 4 */
	expect_assign(NULL, 4, false, FS_MODE_UNIFORM, "r1-a:10 r2-a:10 r3-a:10",
		      FS_UNSCHEDULABLE,
		      "no division of 4 voting member(s) over 3 feasible "
		      "cluster(s) keeps a majority when any one cluster is lost "
		      "(at most 1 per cluster, within each cluster's available "
		      "replicas); add clusters or capacity, use an odd member "
		      "count, or set requireMajoritySurvival: false");
	/* room, not cluster count, is what is missing here: 2+1+1 < 5 */
	expect_assign(NULL, 5, false, FS_MODE_UNIFORM, "r1-a:10 r2-a:1 r3-a:1",
		      FS_UNSCHEDULABLE,
		      "no division of 5 voting member(s) over 3 feasible "
		      "cluster(s) keeps a majority when any one cluster is lost "
		      "(at most 2 per cluster, within each cluster's available "
		      "replicas); add clusters or capacity, or set "
		      "requireMajoritySurvival: false");
}

static void
test_best_effort_when_allowed(void **state)
{
	static const char *args = "{\"requireMajoritySurvival\": false}";

	(void)state;
	expect_assign(args, 3, false, FS_MODE_UNIFORM, "r1-a:10 r2-a:10", FS_OK,
		      "r1-a:2 r2-a:1");
	expect_assign(args, 4, false, FS_MODE_UNIFORM, "r1-a:10 r2-a:10 r3-a:10",
		      FS_OK, "r1-a:2 r2-a:1 r3-a:1");
	expect_assign(args, 5, false, FS_MODE_UNIFORM, "r1-a:10 r2-a:1 r3-a:1",
		      FS_OK, "r1-a:3 r2-a:1 r3-a:1");
	/* a small room is still used safely when it suffices */
	expect_assign(NULL, 5, false, FS_MODE_UNIFORM, "r1-a:10 r2-a:1 r3-a:10",
		      FS_OK, "r1-a:2 r2-a:1 r3-a:2");
}

static void
test_small_sets_have_no_majority_to_keep(void **state)
{
	(void)state;
	expect_assign(NULL, 1, false, FS_MODE_UNIFORM, "r1-a:10 r2-a:10", FS_OK,
		      "r1-a:1");
	expect_assign(NULL, 2, false, FS_MODE_UNIFORM, "r1-a:10", FS_OK, "r1-a:2");
	expect_assign(NULL, 0, false, FS_MODE_UNIFORM, "r1-a:10", FS_OK, "");
	expect_assign(NULL, 51, false, FS_MODE_UNIFORM, "r1-a:100",
		      FS_UNRESOLVABLE,
		      "a MongoDB replica set has 0 to 50 members, asked for 51");
}

/* ------------------------------------------------------------ arbiter */

static void
test_arbiter_beside_no_data(void **state)
{
	(void)state;
	/* FedState would put it on the largest cluster; we use the empty one */
	expect_assign(NULL, 2, true, FS_MODE_UNIFORM, "r1-a:10 r2-a:10 r3-a:10",
		      FS_OK, "r1-a:1 r2-a:1 r3-a:0+arbiter");
	/* no empty cluster: the one with the fewest members */
	expect_assign(NULL, 4, true, FS_MODE_UNIFORM, "r1-a:10 r2-a:10 r3-a:10",
		      FS_OK, "r1-a:2 r2-a:1+arbiter r3-a:1");
	/* 3 + arbiter = 4 voters on 3 clusters cannot be safe */
	expect_assign(NULL, 3, true, FS_MODE_UNIFORM, "r1-a:10 r2-a:10 r3-a:10",
		      FS_UNSCHEDULABLE,
		      "no division of 4 voting member(s) over 3 feasible "
		      "cluster(s) keeps a majority when any one cluster is lost "
		      "(at most 1 per cluster, within each cluster's available "
		      "replicas); add clusters or capacity, or set "
		      "requireMajoritySurvival: false");
	/* ...on 4 it is */
	expect_assign(NULL, 3, true, FS_MODE_UNIFORM,
		      "r1-a:10 r2-a:10 r3-a:10 r1-b:10", FS_OK,
		      "r1-a:1 r2-a:1 r3-a:1 r1-b:0+arbiter");
}

/* ---------------------------------------------------------- weighting */

static void
test_weighting(void **state)
{
	(void)state;
	/* proportional, but r1-a stops at 2 of 5 voters */
	expect_assign(NULL, 5, false, FS_MODE_WEIGHTING,
		      "r1-a:100 r2-a:10 r3-a:10", FS_OK,
		      "r1-a:2 r2-a:2 r3-a:1");
	/* 7 members, 3 per cluster at most: Sainte-Lague quotients
	 * 60, 30, 20, 12, 10, 8, 6 -> r1-a r2-a r1-a r1-a(cap) r2-a r3-a r2-a */
	expect_assign(NULL, 7, false, FS_MODE_WEIGHTING,
		      "r1-a:60 r2-a:30 r3-a:8 r1-b:2", FS_OK,
		      "r1-a:3 r2-a:3 r3-a:1");
	/* the big ones win when there is a choice */
	expect_assign(NULL, 3, false, FS_MODE_WEIGHTING,
		      "r1-a:1 r2-a:50 r3-a:40 r1-b:30", FS_OK,
		      "r2-a:1 r3-a:1 r1-b:1");
	/* never above the room */
	expect_assign(NULL, 5, false, FS_MODE_WEIGHTING,
		      "r1-a:100 r2-a:1 r3-a:2 r1-b:1", FS_OK,
		      "r1-a:2 r2-a:1 r3-a:1 r1-b:1");
}

/* -------------------------------------------------------------- scope */

static void
test_scope(void **state)
{
	struct fs_plugin *mw = ph_load("mongo-spread", NULL);
	struct fs_plugin *all = ph_load("mongo-spread", "{\"scope\": \"all\"}");
	struct mongo m;
	char got[512];

	(void)state;
	mongo_init(&m, 3, false, FS_MODE_DEFAULT);
	m.b.kind = FS_WORKLOAD_RESOURCE_BINDING;
	assert_int_equal(assign(mw, &m, "r1-a:9 r2-a:9 r3-a:9", got, sizeof got),
			 FS_SKIP);
	/* scope all: Divided ResourceBindings only */
	assert_int_equal(assign(all, &m, "r1-a:9 r2-a:9 r3-a:9", got, sizeof got),
			 FS_SKIP);
	m.placement.struct_size = sizeof m.placement;
	m.placement.replica_scheduling = &m.rs;
	m.b.placement = &m.placement;
	m.rs.type = FS_REPLICA_DUPLICATED;
	assert_int_equal(assign(all, &m, "r1-a:9 r2-a:9 r3-a:9", got, sizeof got),
			 FS_SKIP);
	m.rs.type = FS_REPLICA_DIVIDED;
	assert_int_equal(assign(all, &m, "r1-a:9 r2-a:9 r3-a:9", got, sizeof got),
			 FS_OK);
	assert_string_equal(got, "r1-a:1 r2-a:1 r3-a:1");
}

/* -------------------------------------------------------------- score */

static int64_t
score_of(struct fs_plugin *p, struct fs_cycle *cyc, const char *name)
{
	int64_t s = -1;
	const char *reason = NULL;

	assert_int_equal(p->lp->sched.score(p->state, cyc,
					    ph_fleet_get(&fleet, name), &s,
					    &reason), FS_OK);
	return s;
}

static void
test_score_diversity(void **state)
{
	struct fs_plugin *p = ph_load("mongo-spread", NULL);
	struct mongo m;
	struct fs_cycle *cyc;
	const char *reason = NULL;

	(void)state;
	mongo_init(&m, 3, false, FS_MODE_UNIFORM);
	cyc = ph_cycle(&m.b, fleet.n);
	/* no previous placement: nothing to prefer */
	assert_int_equal(p->lp->sched.pre_score(p->state, cyc, fleet.ptrs, fleet.n,
						&reason), FS_SKIP);
	fs_cycle_destroy(cyc);

	m.prev[0] = (struct fs_target){in("r1-a"), 2};
	m.prev[1] = (struct fs_target){in("r2-a"), 1};
	m.prev[2] = (struct fs_target){in("r3-a"), 0}; /* 0 replicas: not used */
	m.b.previous = m.prev;
	m.b.n_previous = 3;
	cyc = ph_cycle(&m.b, fleet.n);
	assert_int_equal(p->lp->sched.pre_score(p->state, cyc, fleet.ptrs, fleet.n,
						&reason), FS_OK);
	assert_int_equal(score_of(p, cyc, "r3-a"), 100); /* region+zone+cluster */
	assert_int_equal(score_of(p, cyc, "r1-b"), 50);  /* zone + cluster */
	assert_int_equal(score_of(p, cyc, "r2-a2"), 20); /* cluster only */
	assert_int_equal(score_of(p, cyc, "r1-a"), 0);
	assert_int_equal(score_of(p, cyc, "bare"), 20);  /* unknown is not new */
	fs_cycle_destroy(cyc);

	p = ph_load("mongo-spread",
		    "{\"regionScore\": 70, \"zoneScore\": 0, \"clusterScore\": 30}");
	cyc = ph_cycle(&m.b, fleet.n);
	assert_int_equal(p->lp->sched.pre_score(p->state, cyc, fleet.ptrs, fleet.n,
						&reason), FS_OK);
	assert_int_equal(score_of(p, cyc, "r3-a"), 100);
	assert_int_equal(score_of(p, cyc, "r1-b"), 30);
	fs_cycle_destroy(cyc);
}

/* --------------------------------------------------------------- args */

static void
expect_init_error(const char *args, const char *message)
{
	ph_expect_init_error("mongo-spread", args, message);
}

static void
test_args_errors(void **state)
{
	(void)state;
	expect_init_error("{\"regionScore\": 80}",
			  "regionScore + zoneScore + clusterScore: 130 is above "
			  "the maximum score 100");
	expect_init_error("{\"zoneScore\": -1}",
			  "zoneScore: -1 is out of range (0-100)");
	expect_init_error("{\"requireMajoritySurvival\": \"yes\"}",
			  "requireMajoritySurvival: expected true or false, got "
			  "string \"yes\"");
	expect_init_error("{\"requireMajority\": true}",
			  "unknown key 'requireMajority' (known keys: scope, "
			  "requireMajoritySurvival, regionScore, zoneScore, "
			  "clusterScore)");
	expect_init_error("{\"scope\": \"mongodb\"}",
			  "scope: expected one of \"middleware\", \"all\"; got "
			  "\"mongodb\"");
}

/* ---------------------------------------------- brute-force agreement */

/* Is there any division of r members (+arbiter) over rooms[0..k) where no
 * cluster holds more than (V-1)/2 voters? */
static bool
safe_exists(const int *room, int k, int i, int left, int *data, bool arbiter,
	    int voters)
{
	if (i == k) {
		if (left)
			return false;
		for (int a = 0; a < (arbiter ? k : 1); a++) {
			bool ok = true;
			for (int j = 0; j < k && ok; j++)
				ok = data[j] + (arbiter && j == a) <= (voters - 1) / 2;
			if (ok)
				return true;
		}
		return false;
	}
	for (int d = 0; d <= room[i] && d <= left; d++) {
		data[i] = d;
		if (safe_exists(room, k, i + 1, left - d, data, arbiter, voters))
			return true;
	}
	return false;
}

static void
test_refuses_exactly_when_unsafe(void **state)
{
	static const char *const names[] = {"r1-a", "r1-b", "r2-a", "r2-a2",
					    "r3-a", "bare"};
	struct fs_plugin *p = ph_load("mongo-spread", NULL);
	unsigned seed = 12345;
	int checked = 0, refused = 0;

	(void)state;
	for (int iter = 0; iter < 1500; iter++) {
		int k = 3 + (int)(rand_r(&seed) % 4), r = 1 + (int)(rand_r(&seed) % 7);
		bool arbiter = rand_r(&seed) % 3 == 0;
		enum fs_sched_mode mode = rand_r(&seed) % 2 ? FS_MODE_WEIGHTING
							  : FS_MODE_UNIFORM;
		int room[MAXC], data[MAXC], voters = r + arbiter, total = 0;
		struct fs_candidate cands[MAXC];
		struct fs_assignment out[MAXC];
		uint32_t n_out = 0;
		struct mongo m;
		struct fs_cycle *cyc;
		const char *reason = NULL;
		enum fs_code rc;
		bool exists;

		mongo_init(&m, r, arbiter, mode);
		for (int i = 0; i < k; i++) {
			room[i] = (int)(rand_r(&seed) % 5);
			total += room[i];
			cands[i] = (struct fs_candidate){
				.cluster = ph_fleet_get(&fleet, names[i]),
				.available = room[i],
			};
		}
		cyc = ph_cycle(&m.b, fleet.n);
		rc = p->lp->sched.assign(p->state, cyc, cands, (uint32_t)k, out,
					 &n_out, &reason);
		fs_cycle_destroy(cyc);
		exists = total >= r && (voters < 3 ||
					safe_exists(room, k, 0, r, data, arbiter,
						    voters));
		if (!exists) {
			assert_int_equal(rc, FS_UNSCHEDULABLE);
			refused++;
			continue;
		}
		if (rc != FS_OK)
			fail_msg("iteration %d: %d member(s)%s, mode %d, %d "
				 "clusters: refused (%s) but a safe division "
				 "exists", iter, r, arbiter ? " + arbiter" : "",
				 mode, k, reason);
		int sum = 0, arbiters = 0;
		for (uint32_t i = 0; i < n_out; i++) {
			int room_i = -1;
			for (int j = 0; j < k; j++)
				if (cands[j].cluster == out[i].cluster)
					room_i = room[j];
			assert_true(out[i].replicas <= room_i);
			if (voters >= 3)
				assert_true(out[i].replicas + out[i].arbiter <=
					    (voters - 1) / 2);
			sum += out[i].replicas;
			arbiters += out[i].arbiter;
		}
		assert_int_equal(sum, r);
		assert_int_equal(arbiters, arbiter ? 1 : 0);
		checked++;
	}
	/* the generator must exercise both outcomes */
	assert_true(checked > 200);
	assert_true(refused > 200);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_uniform_spreads_regions_first),
		T(test_uniform_five_on_three),
		T(test_room_is_a_hard_limit),
		T(test_previous_members_stay),
		T(test_refuses_unsafe),
		T(test_best_effort_when_allowed),
		T(test_small_sets_have_no_majority_to_keep),
		T(test_arbiter_beside_no_data),
		T(test_weighting),
		T(test_scope),
		T(test_score_diversity),
		T(test_args_errors),
		T(test_refuses_exactly_when_unsafe),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
