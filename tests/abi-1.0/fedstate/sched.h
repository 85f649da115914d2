/*
 * fedstate/sched.h - extension points of a scheduling plugin.
 *
 * A scheduling cycle for one binding runs, in this order:
 *
 *   pre_filter  once, sees every candidate cluster; FS_SKIP: do not call
 *               this plugin's filter for this binding
 *   filter      once per candidate cluster (clusters being deleted are never
 *               candidates); the first verdict other than FS_OK removes the
 *               cluster and its reason goes to the diagnosis
 *   pre_score   once, sees the feasible clusters; FS_SKIP: no score
 *   score       once per feasible cluster, 0..100 (FS_SCORE_MAX)
 *   normalize   once, may rewrite this plugin's scores in place
 *   -- the host multiplies each plugin's scores by its weight and sums them,
 *      then selects clusters by the spread constraints --
 *   assign      once with the selected candidates; the first plugin that
 *               does not return FS_SKIP decides the division; without one the
 *               host applies Karmada's strategies
 *   bind        once with the result; the first that does not return FS_SKIP
 *               records it; without one the host writes spec.clusters
 *
 * Every callback receives the `state` its init() produced, the cycle, and
 * returns an enum fs_code. Where a callback has `reason`, it may point it at
 * a short human string (static, interned, or from host->cycle_printf) that
 * explains a verdict other than FS_OK, e.g. "cluster(s) had no VIP label".
 * The host groups equal reasons across clusters, so keep variable parts out
 * of reasons that should group.
 *
 * Every callback is optional; a NULL slot means "not implemented". The
 * capability bits in the descriptor must match the non-NULL slots.
 * All callbacks run on the scheduling thread; no blocking I/O in filter or
 * score (fan out in pre_filter/pre_score with host->http_start/http_wait).
 */
#ifndef FEDSTATE_SCHED_H
#define FEDSTATE_SCHED_H

#include "host.h"

#define FS_SCORE_MIN 0
#define FS_SCORE_MAX 100

struct fs_sched_ops {
	uint32_t struct_size;

	enum fs_code (*pre_filter)(void *state, struct fs_cycle *cyc,
				   const struct fs_cluster *const *clusters,
				   uint32_t n, const char **reason);
	enum fs_code (*filter)(void *state, struct fs_cycle *cyc,
			       const struct fs_cluster *cluster,
			       const char **reason);
	enum fs_code (*pre_score)(void *state, struct fs_cycle *cyc,
				  const struct fs_cluster *const *feasible,
				  uint32_t n, const char **reason);
	enum fs_code (*score)(void *state, struct fs_cycle *cyc,
			      const struct fs_cluster *cluster, int64_t *score,
			      const char **reason);
	enum fs_code (*normalize)(void *state, struct fs_cycle *cyc,
				  struct fs_cluster_score *scores, uint32_t n,
				  const char **reason);
	/* Divide replicas among cands (in Karmada's cluster order). Fill out[]
	 * (room for n entries) and *n_out; clusters left out get no replicas.
	 * FS_UNSCHEDULABLE with a reason when the division cannot be made. */
	enum fs_code (*assign)(void *state, struct fs_cycle *cyc,
			       const struct fs_candidate *cands, uint32_t n,
			       struct fs_assignment *out, uint32_t *n_out,
			       const char **reason);
	enum fs_code (*bind)(void *state, struct fs_cycle *cyc,
			     const struct fs_assignment *result, uint32_t n,
			     const char **reason);
};

#endif
