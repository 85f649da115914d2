/*
 * sched/assign.h - Karmada's replica division (reference §2.3).
 *
 * fs_assign_replicas() is what the framework runs when no assign plugin
 * decides: given the selected candidates in cluster order (sched/order.h,
 * sched/select.h) it picks Karmada's strategy from the placement and
 * divides spec.replicas:
 *
 *   replicas == 0 and no replicaRequirements   every candidate with 0
 *                                              (non-workload: propagate only)
 *   replicaScheduling NULL or Duplicated       every candidate gets replicas
 *   Divided + Weighted, no dynamicWeight       static weights + Webster
 *   Divided + Weighted + dynamicWeight         dynamic weights + Webster
 *   Divided + Aggregated                       fewest clusters + Webster
 *   Divided + no preference                    FS_E_NOTSUP (Karmada's text)
 *
 * Static weights: a candidate's weight is the largest weight among the
 * staticWeightList rules whose targetCluster matches it (no rule: 0, left
 * out); all zero or no weightPreference: every candidate weighs 1.
 * Dynamic and Aggregated keep the previous result steady: scale-up divides
 * only the extra replicas by free capacity (fs_candidate.available) and
 * adds them to the previous counts; scale-down shrinks the previous
 * counts proportionally; equal returns the previous result; Fresh mode
 * (rescheduleTriggeredAt > lastScheduledTime, both set) divides everything
 * again by available + previous. Aggregated keeps the shortest prefix of
 * clusters (previously used ones first on scale-up) whose weights cover the
 * target. Every division uses Webster (sched/webster.h) with the tie UID
 * spec.resource.uid.
 *
 * Overflow tiers: when placement.clusterAffinity is unset and `term` has
 * overflowAffinities, Divided strategies fill the tiers in order (tier
 * k = fs_order_overflow()), each tier getting at most its summed
 * AvailableReplicas. Duplicated ignores tiers: every candidate is a copy.
 *
 * Result order (Karmada's, reference §9): Webster output is sorted by
 * name; Duplicated and non-workload follow candidate order; a scale-up
 * lists the newly divided clusters first, then clusters that only had
 * previous replicas; "unchanged" follows spec.clusters. Clusters that end
 * with 0 replicas are dropped (except on the non-workload path).
 *
 * Errors (err gets the one-line text, Karmada's where Karmada has one):
 *   FS_UNSCHEDULABLE  "Clusters available replicas N are not enough to
 *                     schedule." (Karmada's UnschedulableError: retry later)
 *   FS_E_NOTFOUND     "no clusters available to schedule" (n == 0)
 *   FS_E_NOTSUP       "unsupported replica scheduling strategy, ..."
 *   FS_E_INVAL        a malformed binding (negative replicas, weight < 0)
 *
 * Threading: scheduling thread only (uses the caller's arena). No I/O.
 */
#ifndef FS_SCHED_ASSIGN_H
#define FS_SCHED_ASSIGN_H

#include <stddef.h>
#include <stdint.h>

#include <fedstate/status.h>
#include <fedstate/types.h>

#include "util/arena.h"

/*
 * Divide b->replicas among cands[0..n) (borrowed, cluster order: see
 * sched/order.h; fs_candidate.available is the allocatable estimate,
 * .previous the replicas the cluster had in spec.clusters).
 * term: the clusterAffinities term this attempt uses (NULL when the
 * placement has none or uses clusterAffinity).
 * out: room for n entries, filled with *n_out assignments (cluster
 * pointers borrowed from cands). scratch: per-cycle arena for temporary
 * arrays (not released here). err may be NULL.
 */
enum fs_code fs_assign_replicas(const struct fs_binding *b,
				const struct fs_affinity_term *term,
				const struct fs_candidate *cands, uint32_t n,
				struct fs_assignment *out, uint32_t *n_out,
				struct fs_arena *scratch, char *err,
				size_t errlen);

/* true when this cycle runs in Karmada's Fresh mode:
 * rescheduleTriggeredAt and lastScheduledTime set, and the first later. */
bool fs_assign_is_fresh(const struct fs_binding *b);

#endif
