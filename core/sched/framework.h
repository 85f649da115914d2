/*
 * sched/framework.h - the scheduling cycle of one binding over a profile.
 *
 *   pre_filter -> filter -> pre_score -> score -> normalize -> weights ->
 *   order -> select (spread constraints) -> assign (replica division) -> bind
 *
 * Semantics (Karmada's, plus what FedState adds):
 *  - clusters being deleted are never candidates;
 *  - plugins run in profile order; a plugin whose pre_filter (pre_score)
 *    returned FS_SKIP is not called at filter (score) in this cycle;
 *  - the first filter verdict other than FS_OK removes the cluster and is
 *    recorded in the diagnosis; no cluster left gives Karmada's FitError
 *    text ("0/7 clusters are available: ...", sched/diagnosis.h);
 *  - each score plugin's scores (0..100) are normalized, multiplied by the
 *    plugin's weight and summed (Karmada never applies weights; we do);
 *  - available replicas per cluster: the minimum of what plugins published
 *    with cycle_set_available (-1 ignored); a cluster nobody answered for
 *    gets spec.replicas; non-workloads (replicas 0, no requirements) get
 *    INT32_MAX whatever plugins said;
 *  - plugins read the attempt's affinity with host->cycle_affinity_term:
 *    placement.clusterAffinity wrapped as a term (no name, no overflow), or
 *    the clusterAffinities term being tried, or NULL when neither is set;
 *  - placement.clusterAffinities: terms are tried in order from the
 *    observed one (status.schedulerObservingAffinityName; the first term
 *    on a Fresh reschedule), the first that schedules wins; when all fail
 *    the first failure is the result (a FitError gives an empty result);
 *  - assign: the first assign plugin not returning FS_SKIP decides, else
 *    Karmada's strategies (sched/assign.h); bind: the first bind plugin not
 *    returning FS_SKIP records the result (skipped with FS_SCHED_NO_BIND).
 *
 * Cost: every per-cycle array is allocated once and reused; no allocation
 * or string compare per cluster; plugins with no slot at a point cost
 * nothing. A binding whose affinity names a few clusters (clusterNames,
 * no overflow tier, a "cluster-affinity" filter in the profile) runs the
 * filter chain on those clusters only, found through a name index kept
 * per clusters[] array (sched/named.h); the other clusters get
 * cluster-affinity's verdict. When such a cycle fails, and always with
 * FS_SCHED_EXPLAIN, every verdict is the exact one of the full walk (the
 * first failing filter in profile order); only a successful cycle without
 * FS_SCHED_EXPLAIN may report cluster-affinity for an unnamed cluster that
 * an earlier filter would also have rejected.
 *
 * Threading: one framework per scheduling thread; not thread-safe.
 */
#ifndef FS_SCHED_FRAMEWORK_H
#define FS_SCHED_FRAMEWORK_H

#include <stdbool.h>
#include <stdint.h>

#include <fedstate/types.h>

#include "sched/diagnosis.h"
#include "sched/profile.h"

enum fs_sched_flag {
	FS_SCHED_EXPLAIN = 1u << 0, /* keep every plugin's score per cluster */
	FS_SCHED_NO_BIND = 1u << 1, /* decide only: do not run bind plugins */
};

/* What one cycle decided. Everything is owned by the framework and valid
 * until its next fs_framework_schedule() or fs_framework_destroy(). Arrays
 * "per cluster" are indexed by the position in the clusters[] argument. */
struct fs_sched_result {
	enum fs_code code;     /* FS_OK, FS_UNSCHEDULABLE (nothing fits, or not
				  enough capacity), or an error code */
	const char *message;   /* why it failed; NULL on success */
	bool fit_error;        /* failed because no cluster passed the filters */
	const struct fs_assignment *targets; /* the result, Karmada's order */
	uint32_t n_targets;
	int32_t term_index;    /* clusterAffinities term used; -1 when none */
	int32_t first_term;    /* the term tried first; -1 when none (terms
				  first_term .. term_index-1 failed) */
	const char *assigned_by; /* the assign plugin that divided the replicas;
				    NULL when Karmada's strategies did */
	uint32_t n_clusters;   /* all clusters given */
	uint32_t n_feasible;   /* passed every filter (last attempt) */
	const struct fs_verdict *verdicts; /* per cluster (of the reported attempt) */
	const int64_t *total;     /* per cluster: weighted score sum (feasible only) */
	const int32_t *available; /* per cluster: combined estimate (feasible only) */
	/* FS_SCHED_EXPLAIN: scores[s * n_clusters + i] is the normalized score
	 * of score plugin s for cluster i, before its weight; FS_SCORE_NONE
	 * where the plugin skipped or the cluster was not feasible */
	const int64_t *scores;
	uint32_t n_score_plugins;
	const struct fs_profile_slot *score_plugins; /* names and weights */
};

#define FS_SCORE_NONE INT64_MIN

struct fs_framework;

/* A framework that runs `profile` (borrowed; must outlive it). */
struct fs_framework *fs_framework_create(const struct fs_profile *profile);
void fs_framework_destroy(struct fs_framework *fw); /* NULL-safe */

/* The caller's own bound on how many more replicas of b fit in feasible
 * cluster c, given `available`, the estimate (the plugins' answers by
 * minimum, or the general estimate when nobody answered): the scheduler's
 * assume cache subtracts what it assigned that the cluster's summary does
 * not show yet. -1 means no bound. Runs for workloads on every feasible
 * cluster after pre_score (where estimating plugins may publish), before
 * selection. fn NULL removes it. */
typedef int32_t (*fs_capacity_fn)(void *ud, const struct fs_cluster *c,
				  const struct fs_binding *b, int32_t available);
void fs_framework_set_capacity(struct fs_framework *fw, fs_capacity_fn fn, void *ud);

/* Schedule binding b (borrowed) over clusters[0..n) (borrowed views of one
 * snapshot; cluster->index < n is not required). flags: enum
 * fs_sched_flag. Returns res->code; *res is filled in every case. */
enum fs_code fs_framework_schedule(struct fs_framework *fw,
				   const struct fs_cluster *const *clusters,
				   uint32_t n, const struct fs_binding *b,
				   unsigned flags, struct fs_sched_result *res);

#endif
