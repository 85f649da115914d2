/*
 * sched/assign.c - choosing Karmada's division strategy, overflow tiers
 * and the non-workload and Duplicated paths. See assign.h.
 */
#include "sched/assign.h"

#include <inttypes.h>
#include <stdio.h>

#include "sched/divide.h"
#include "sched/order.h"

enum strategy {
	STRATEGY_DUPLICATED,
	STRATEGY_STATIC,
	STRATEGY_DYNAMIC,
	STRATEGY_AGGREGATED,
	STRATEGY_UNSUPPORTED,
};

static const struct fs_replica_scheduling *
replica_scheduling(const struct fs_binding *b)
{
	return b->placement ? b->placement->replica_scheduling : NULL;
}

static enum strategy
pick_strategy(const struct fs_replica_scheduling *rs)
{
	if (!rs || rs->type == FS_REPLICA_DUPLICATED)
		return STRATEGY_DUPLICATED;
	switch (rs->division) {
	case FS_DIVISION_AGGREGATED:
		return STRATEGY_AGGREGATED;
	case FS_DIVISION_WEIGHTED:
		return rs->has_weight_preference && rs->dynamic_available
			       ? STRATEGY_DYNAMIC
			       : STRATEGY_STATIC;
	case FS_DIVISION_NONE:
	default:
		return STRATEGY_UNSUPPORTED;
	}
}

bool
fs_assign_is_fresh(const struct fs_binding *b)
{
	return b->reschedule_triggered_at != 0 && b->last_scheduled_time != 0 &&
	       b->reschedule_triggered_at > b->last_scheduled_time;
}

static enum fs_code
fail(char *err, size_t errlen, enum fs_code code, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	return code;
}

/* every candidate with `replicas`, in candidate order */
static void
assign_all(const struct fs_candidate *cands, uint32_t n, int32_t replicas,
	   struct fs_assignment *out, uint32_t *n_out)
{
	for (uint32_t i = 0; i < n; i++)
		out[i] = (struct fs_assignment){cands[i].cluster, replicas, false};
	*n_out = n;
}

static enum fs_code
assign_divided(const struct fs_divide *d, enum strategy s,
	       const struct fs_candidate *cands, uint32_t n, int32_t replicas,
	       struct fs_assignment *out, uint32_t *n_out)
{
	if (s == STRATEGY_STATIC)
		return fs_divide_static(d, cands, n, replicas, out, n_out);
	return fs_divide_dynamic(d, cands, n, replicas,
				 s == STRATEGY_AGGREGATED, out, n_out);
}

/*
 * Overflow tiers: fill tier 0 first, then 1, ... each with at most its
 * summed AvailableReplicas, dividing within a tier by the strategy.
 */
static enum fs_code
assign_tiers(const struct fs_divide *d, enum strategy s,
	     const struct fs_affinity_term *term,
	     const struct fs_candidate *cands, uint32_t n,
	     struct fs_assignment *out, uint32_t *n_out)
{
	uint32_t *tier = FS_ARENA_NEW(d->scratch, uint32_t, n);
	struct fs_candidate *sub = FS_ARENA_NEW(d->scratch, struct fs_candidate, n);
	for (uint32_t i = 0; i < n; i++)
		tier[i] = fs_order_overflow(term, cands[i].cluster);

	int64_t remaining = d->b->replicas, capacity = 0;
	uint32_t current = 0;
	for (;;) {
		/* gather the next tier value, in candidate order */
		uint32_t m = 0, next = UINT32_MAX;
		int64_t cap = 0;
		for (uint32_t i = 0; i < n; i++) {
			if (tier[i] == current) {
				sub[m++] = cands[i];
				cap += fs_order_available(&cands[i]);
			} else if (tier[i] > current && tier[i] < next) {
				next = tier[i];
			}
		}
		if (m > 0) {
			int64_t take = remaining < cap ? remaining : cap;
			enum fs_code rc = assign_divided(d, s, sub, m, (int32_t)take,
							 out, n_out);
			if (rc != FS_OK)
				return rc;
			remaining -= take;
			capacity += cap;
		}
		if (next == UINT32_MAX)
			break;
		current = next;
	}
	if (remaining > 0) {
		if (d->err)
			snprintf(d->err, d->errlen,
				 "Clusters available replicas %" PRId64
				 " are not enough to schedule.",
				 capacity);
		return FS_UNSCHEDULABLE;
	}
	return FS_OK;
}

static void
remove_zero(struct fs_assignment *out, uint32_t *n_out)
{
	uint32_t m = 0;
	for (uint32_t i = 0; i < *n_out; i++)
		if (out[i].replicas != 0)
			out[m++] = out[i];
	*n_out = m;
}

enum fs_code
fs_assign_replicas(const struct fs_binding *b,
		   const struct fs_affinity_term *term,
		   const struct fs_candidate *cands, uint32_t n,
		   struct fs_assignment *out, uint32_t *n_out,
		   struct fs_arena *scratch, char *err, size_t errlen)
{
	*n_out = 0;
	if (n == 0)
		return fail(err, errlen, FS_E_NOTFOUND,
			    "no clusters available to schedule");
	if (b->replicas < 0) {
		if (err && errlen)
			snprintf(err, errlen,
				 "%s %s%s%s: spec.replicas: expected >= 0, got %" PRId32,
				 b->self.kind ? b->self.kind : "binding",
				 b->self.namespace_ ? b->self.namespace_ : "",
				 b->self.namespace_ ? "/" : "",
				 b->self.name ? b->self.name : "?", b->replicas);
		return FS_E_INVAL;
	}

	/* not a workload: propagate the object to every selected cluster */
	if (b->replicas == 0 && !b->has_requirements) {
		assign_all(cands, n, 0, out, n_out);
		return FS_OK;
	}

	const struct fs_replica_scheduling *rs = replica_scheduling(b);
	enum strategy s = pick_strategy(rs);
	enum fs_code rc = FS_OK;
	if (s == STRATEGY_DUPLICATED) {
		assign_all(cands, n, b->replicas, out, n_out);
	} else if (s == STRATEGY_UNSUPPORTED) {
		return fail(err, errlen, FS_E_NOTSUP,
			    "unsupported replica scheduling strategy, "
			    "replicaSchedulingType: Divided, "
			    "replicaDivisionPreference: , "
			    "please try another scheduling strategy");
	} else {
		struct fs_divide d = {b, rs, scratch, err, errlen};
		bool tiered = b->placement && !b->placement->affinity && term &&
			      term->n_overflow > 0;
		if (tiered)
			rc = assign_tiers(&d, s, term, cands, n, out, n_out);
		else
			rc = assign_divided(&d, s, cands, n, b->replicas, out, n_out);
	}
	if (rc != FS_OK) {
		*n_out = 0;
		return rc;
	}
	remove_zero(out, n_out);
	return FS_OK;
}
