/*
 * sched/divide.h - the division strategies behind fs_assign_replicas()
 * (private to sched/assign.c and its tests). Each divides `replicas`
 * among cands[0..n) in cluster order and writes at most n assignments to
 * out, zero-replica entries included (the caller removes them).
 * Errors are written to d->err as in assign.h.
 */
#ifndef FS_SCHED_DIVIDE_H
#define FS_SCHED_DIVIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fedstate/status.h>
#include <fedstate/types.h>

#include "util/arena.h"

struct fs_divide {
	const struct fs_binding *b;
	const struct fs_replica_scheduling *rs; /* never NULL here */
	struct fs_arena *scratch;
	char *err; /* may be NULL */
	size_t errlen;
};

/* Divided + Weighted by static weights (Karmada's StaticWeight). */
enum fs_code fs_divide_static(const struct fs_divide *d,
			      const struct fs_candidate *cands, uint32_t n,
			      int32_t replicas, struct fs_assignment *out,
			      uint32_t *n_out);

/* Divided + Weighted by AvailableReplicas (aggregated false), or
 * Divided + Aggregated (aggregated true); steady or Fresh mode. */
enum fs_code fs_divide_dynamic(const struct fs_divide *d,
			       const struct fs_candidate *cands, uint32_t n,
			       int32_t replicas, bool aggregated,
			       struct fs_assignment *out, uint32_t *n_out);

#endif
