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
 * No allocation, no string compares (interned names). Thread-safe.
 */
#ifndef FS_MODEL_ESTIMATE_H
#define FS_MODEL_ESTIMATE_H

#include <stdint.h>

#include <fedstate/types.h>

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
