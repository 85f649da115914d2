/*
 * model/estimate.h - Karmada's general estimator: how many more replicas
 * of a binding fit in a cluster judging by status.resourceSummary alone
 * (karmada pkg/estimator/client/general.go; docs/ARCHITECTURE.md).
 *
 *   no summary                          -> 0
 *   allowedPods = pods allocatable - allocated - allocating; <= 0 -> 0
 *   no replicaRequirements              -> allowedPods
 *   resource models present             -> min(allowedPods, model estimate)
 *     (v1.18+ rule: every grade present in spec and status gives `count`
 *     virtual nodes with the grade's minimums and 110 pods, first-fit:
 *     sum of count * min(110, min_r floor(min_r / request_r)); a requested
 *     resource no model names gives 0)
 *   otherwise, per requested resource r > 0:
 *     floor((allocatable_r - allocated_r - allocating_r) / request_r),
 *     0 when r is not allocatable at all; the minimum with allowedPods.
 * CPU is compared in milli-units, everything else in whole units (the
 * canonical units of the views). The caller handles non-workloads
 * (replicas 0) and combining estimators.
 *
 * No allocation, no string compares (interned names). Thread-safe (a
 * per-thread cache of grade fits, see estimate.c).
 *
 * Views made by fs_cluster_decode are prepared (fs_estimate_prepare):
 * per cluster the free amount of every allocatable resource and the
 * allowed pods are computed once, and the grade minimums are shared
 * tables (model/restable.h), so an estimate is a merge walk of the
 * requests, or a few multiply-adds per grade. Views built by hand take
 * the same arithmetic without the precomputed data: results are equal.
 */
#ifndef FS_MODEL_ESTIMATE_H
#define FS_MODEL_ESTIMATE_H

#include <stdint.h>

#include <fedstate/types.h>

#include "util/arena.h"

/* Host-private bit of fs_cluster.flags: the view was prepared by
 * fs_estimate_prepare (its allocatable array is preceded by the
 * precomputed data). Plugins never test it. */
#define FS_CLUSTER_PREPARED (1u << 31)

/* Precompute what does not depend on the binding. `c` must be a fresh
 * decoded view whose arrays are in `a` and are not changed afterwards:
 * c->allocatable is replaced by a copy in `a`, model minimums by interned
 * tables. A view changed later (another allocatable, allocated or
 * allocating array) falls back to the plain path. The decoding thread. */
void fs_estimate_prepare(struct fs_cluster *c, struct fs_arena *a);

/* never negative; at most INT32_MAX */
int32_t fs_general_estimate(const struct fs_cluster *c,
			    const struct fs_binding *b);

/* the two halves, for tests and tools: -1 when the path does not apply
 * (no models / no summary) */
int64_t fs_estimate_by_models(const struct fs_cluster *c,
			      const struct fs_binding *b);
int64_t fs_estimate_by_summary(const struct fs_cluster *c,
			       const struct fs_binding *b);

#endif
