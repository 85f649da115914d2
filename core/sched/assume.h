/*
 * sched/assume.h - the assume cache: over-commit protection for a
 * scheduler that binds faster than clusters report (Karmada issues
 * #1385/#4708; Karmada has only an alpha gate for it).
 *
 * A cluster's free capacity comes from its status.resourceSummary (or the
 * estimator services), which shows a placement only once the member
 * cluster has created the pods, seconds after the scheduler wrote it. A
 * burst of bindings would each see the same free capacity and together
 * place more than fits. So every placement the scheduler writes is
 * assumed per cluster (replicas above what the binding had there, times
 * the binding's per-replica requests, and as many pods), and while it is
 * assumed it is subtracted from what the estimators answer for the next
 * bindings (fs_assume_capacity, a framework capacity bound).
 *
 * An assumption ends when the cluster's summary caught up (its allocated +
 * allocating pods grew by at least the pods assumed since the first
 * assumption) or after `ttl_ms` (default 120 s: a placement that never
 * materialises does not block a cluster for long). The bound applies
 * to every estimate, a plugin's or the general one the framework falls
 * back on (Karmada's general estimator is always registered).
 *
 * Memory: one entry per cluster with assumptions, a small fixed set of
 * resources each. Cost: a hash lookup per feasible cluster per cycle.
 * Strings are interned names (cluster and resource names of the views).
 */
#ifndef FS_SCHED_ASSUME_H
#define FS_SCHED_ASSUME_H

#include <stddef.h>
#include <stdint.h>

#include <fedstate/types.h>

#include "sched/framework.h"

struct fs_assume;

struct fs_assume *fs_assume_new(int64_t ttl_ms); /* 0: 120 s; caller frees */
void fs_assume_free(struct fs_assume *a);        /* NULL-safe */

/* The result r of binding b was written: assume what it adds on each
 * cluster (b->previous tells what was there already). now_ms: monotonic. */
void fs_assume_placed(struct fs_assume *a, const struct fs_binding *b,
		      const struct fs_sched_result *r, int64_t now_ms);
/* a newer view of a cluster arrived: end what its summary now shows */
void fs_assume_observe(struct fs_assume *a, const struct fs_cluster *c);
/* drop assumptions older than the ttl */
void fs_assume_expire(struct fs_assume *a, int64_t now_ms);
size_t fs_assume_count(const struct fs_assume *a); /* clusters with assumptions */

/* fs_capacity_fn over a struct fs_assume (ud): available less the
 * replicas of b the assumed resources of c take; -1 when nothing is
 * assumed on c or nobody answered */
int32_t fs_assume_capacity(void *ud, const struct fs_cluster *c,
			   const struct fs_binding *b, int32_t available);

#endif
