/*
 * plugins/mongo-spread/assign.c - dividing the members of a MongoDB replica
 * set among the selected clusters.
 *
 * Voters V = data members R (+1 with an arbiter). With V >= 3 the division
 * must let the replica set survive the loss of any one cluster: the rest
 * keeps a strict majority of V, so no cluster may hold more than
 * floor((V-1)/2) voters. Members are handed out one at a time (R <= 50):
 *
 *   Uniform    to the cluster in the least used region, then zone, then
 *              with the fewest members, then one that had a member there
 *              before, then Karmada's order
 *   Weighting  Sainte-Lague highest averages on available + previous
 *              replicas (as Karmada's dynamic weight), ties as Uniform
 *
 * each never beyond a cluster's room (available + previous) or the survival
 * cap, and only among the candidates that can ever win a member (the
 * shortlist of domains.c). The arbiter then goes to a cluster without data
 * members if there is one, else to the one with the fewest.
 */
#include "spread.h"

#include <stdlib.h>
#include <string.h>

bool
ms_concerned(const struct ms_state *st, const struct fs_binding *b)
{
	const struct fs_replica_scheduling *rs;

	if (b->kind == FS_WORKLOAD_MIDDLEWARE)
		return true;
	if (st->conf.scope != MS_SCOPE_ALL || !b->placement)
		return false;
	rs = b->placement->replica_scheduling;
	return rs && rs->type == FS_REPLICA_DIVIDED;
}

/* One assign call: its inputs and working state. */
struct ms_div {
	const struct fs_candidate *cands;
	uint32_t n;
	int32_t replicas;  /* R */
	bool arbiter;
	bool weighting;
	struct ms_scratch *s;
	uint32_t n_list;   /* the shortlist (domains.c) */
};

/* Work out every cluster's room and weight, once per assign; returns the
 * total room. Data stays 0 outside the shortlist for the whole call. */
static int64_t
div_prepare(struct ms_div *d)
{
	int64_t total = 0;

	for (uint32_t i = 0; i < d->n; i++) {
		const struct fs_candidate *c = &d->cands[i];
		struct ms_slot *sl = &d->s->slot[i];
		int64_t prev = c->previous > 0 ? c->previous : 0;
		int64_t avail = c->available < 0 ? d->replicas : c->available;

		sl->weight = avail + prev;
		sl->room = (int32_t)(sl->weight < d->replicas ? sl->weight
							      : d->replicas);
		sl->prev = (int32_t)(prev < INT32_MAX ? prev : INT32_MAX);
		sl->data = 0;
		total += sl->room;
	}
	return total;
}

/* Start a division attempt with at most `limit` members per cluster: only
 * the shortlist and the domain counters change between attempts. */
static void
div_reset(struct ms_div *d, int32_t limit)
{
	struct ms_scratch *s = d->s;

	for (uint32_t x = 0; x < d->n_list; x++) {
		struct ms_slot *sl = &s->slot[s->list[x]];

		sl->cap = sl->room < limit ? sl->room : limit;
		sl->data = 0;
	}
	memset(s->region_count, 0, sizeof *s->region_count * s->n_regions);
	memset(s->zone_count, 0, sizeof *s->zone_count * s->n_zones);
}

/*
 * The spread order as one integer, smallest first: members in the
 * cluster's region, in its zone, in the cluster, whether it had more
 * members before (those first), then Karmada's order (the index). Counts
 * are at most 50 (MS_MAX_MEMBERS), so 8 bits each suffice.
 */
static inline uint64_t
spread_key(const struct ms_scratch *s, uint32_t i)
{
	const struct ms_slot *sl = &s->slot[i];

	return (uint64_t)s->region_count[sl->region] << 56 |
	       (uint64_t)s->zone_count[sl->zone] << 48 |
	       (uint64_t)sl->data << 40 | (uint64_t)(sl->data >= sl->prev) << 32 |
	       i;
}

/* Uniform: the smallest spread key among clusters under their cap. */
static int32_t
pick_uniform(const struct ms_div *d)
{
	uint64_t best = UINT64_MAX;

	for (uint32_t x = 0; x < d->n_list; x++) {
		uint32_t i = d->s->list[x];
		const struct ms_slot *sl = &d->s->slot[i];
		uint64_t k;

		if (sl->data >= sl->cap)
			continue;
		k = spread_key(d->s, i);
		if (k < best)
			best = k;
	}
	return best == UINT64_MAX ? -1 : (int32_t)(uint32_t)best;
}

/* Weighting (Sainte-Lague): the largest weight / (2 * data + 1), compared
 * by cross-multiplying (weights < 2^33, denominators <= 101); ties by the
 * spread key. */
static int32_t
pick_weighted(const struct ms_div *d)
{
	int64_t bw = 0, bden = 1;
	uint64_t bkey = UINT64_MAX;

	for (uint32_t x = 0; x < d->n_list; x++) {
		uint32_t i = d->s->list[x];
		const struct ms_slot *sl = &d->s->slot[i];
		int64_t den = 2 * (int64_t)sl->data + 1, l, r;

		if (sl->data >= sl->cap)
			continue;
		l = sl->weight * bden;
		r = bw * den;
		if (bkey == UINT64_MAX || l > r ||
		    (l == r && spread_key(d->s, i) < bkey)) {
			bw = sl->weight, bden = den;
			bkey = spread_key(d->s, i);
		}
	}
	return bkey == UINT64_MAX ? -1 : (int32_t)(uint32_t)bkey;
}

/* The arbiter's cluster: fewest data members (none is best), then one
 * with room beside them, then the spread order. */
static int32_t
pick_arbiter(const struct ms_div *d)
{
	uint64_t best = UINT64_MAX;

	for (uint32_t i = 0; i < d->n; i++) {
		const struct ms_slot *sl = &d->s->slot[i];
		const struct ms_scratch *s = d->s;
		uint64_t k = (uint64_t)sl->data << 56 |
			     (uint64_t)(sl->room <= sl->data) << 55 |
			     (uint64_t)s->region_count[sl->region] << 46 |
			     (uint64_t)s->zone_count[sl->zone] << 37 | i;

		if (k < best)
			best = k;
	}
	return (int32_t)(best & 0xffffffffu);
}

/* Divide R members with at most `limit` per cluster; false when they do
 * not fit. Fills plan (arbiter, worst cluster, safety). */
static bool
div_run(struct ms_div *d, int32_t limit, struct ms_plan *plan)
{
	int32_t voters = d->replicas + (d->arbiter ? 1 : 0);

	div_reset(d, limit);
	for (int32_t m = 0; m < d->replicas; m++) {
		int32_t i = d->weighting ? pick_weighted(d) : pick_uniform(d);

		if (i < 0)
			return false;
		d->s->slot[i].data++;
		d->s->region_count[d->s->slot[i].region]++;
		d->s->zone_count[d->s->slot[i].zone]++;
	}
	plan->arbiter = d->arbiter ? pick_arbiter(d) : -1;
	/* members only sit on the shortlist; the arbiter alone is 1 voter */
	plan->worst = plan->arbiter >= 0 ? 1 : 0;
	plan->worst_ix = plan->arbiter >= 0 ? plan->arbiter : 0;
	for (uint32_t x = 0; x < d->n_list; x++) {
		uint32_t i = d->s->list[x];
		int32_t v = d->s->slot[i].data + ((int32_t)i == plan->arbiter);

		if (v > plan->worst)
			plan->worst = v, plan->worst_ix = (int32_t)i;
	}
	plan->safe = voters < 3 || plan->worst <= (voters - 1) / 2;
	return true;
}

static const char *
binding_name(struct fs_cycle *cyc, const struct fs_binding *b)
{
	return fs_host->cycle_printf(cyc, "%s%s%s", b->self.namespace_ ?
				     b->self.namespace_ : "", b->self.namespace_ ?
				     "/" : "", b->self.name ? b->self.name : "?");
}

/* Why no safe division exists, for the diagnosis. */
static const char *
unsafe_reason(struct fs_cycle *cyc, const struct ms_div *d)
{
	int32_t voters = d->replicas + (d->arbiter ? 1 : 0);

	if (d->n < 3)
		return fs_host->cycle_printf(
			cyc, "%d voting member(s) on %u feasible cluster(s) cannot "
			"keep a majority when a cluster is lost (at least 3 "
			"clusters are needed); requireMajoritySurvival is on",
			voters, d->n);
	return fs_host->cycle_printf(
		cyc, "no division of %d voting member(s) over %u feasible "
		"cluster(s) keeps a majority when any one cluster is lost (at "
		"most %d per cluster, within each cluster's available "
		"replicas); add clusters or capacity%s, or set "
		"requireMajoritySurvival: false", voters, d->n, (voters - 1) / 2,
		d->arbiter || voters % 2 ? "" : ", use an odd member count");
}

static void
emit(const struct ms_div *d, const struct ms_plan *plan,
     struct fs_assignment *out, uint32_t *n_out)
{
	*n_out = 0;
	for (uint32_t i = 0; i < d->n; i++) {
		bool arb = (int32_t)i == plan->arbiter;

		if (d->s->slot[i].data == 0 && !arb)
			continue;
		out[*n_out] = (struct fs_assignment){
			.cluster = d->cands[i].cluster,
			.replicas = d->s->slot[i].data,
			.arbiter = arb,
		};
		(*n_out)++;
	}
}

enum fs_code
ms_assign(void *state, struct fs_cycle *cyc, const struct fs_candidate *cands,
	  uint32_t n, struct fs_assignment *out, uint32_t *n_out,
	  const char **reason)
{
	struct ms_state *st = state;
	const struct fs_binding *b = fs_host->cycle_binding(cyc);
	const struct fs_replica_scheduling *rs =
		b->placement ? b->placement->replica_scheduling : NULL;
	struct ms_div d = {
		.cands = cands, .n = n, .replicas = b->replicas,
		.arbiter = b->arbiter && b->replicas > 0,
		.weighting = b->mode == FS_MODE_WEIGHTING ||
			     (b->kind != FS_WORKLOAD_MIDDLEWARE && rs &&
			      rs->dynamic_available),
		.s = &st->scratch,
	};
	int32_t voters = d.replicas + (d.arbiter ? 1 : 0);
	struct ms_plan plan;
	int64_t room = 0;
	bool fits;

	*n_out = 0;
	if (!ms_concerned(st, b))
		return FS_SKIP;
	if (b->replicas < 0 || b->replicas > MS_MAX_MEMBERS) {
		*reason = fs_host->cycle_printf(
			cyc, "a MongoDB replica set has 0 to %d members, asked "
			"for %d", MS_MAX_MEMBERS, b->replicas);
		return FS_UNRESOLVABLE;
	}
	if (b->replicas == 0)
		return FS_OK;
	if (n == 0) {
		*reason = "no feasible cluster to place the members in";
		return FS_UNSCHEDULABLE;
	}
	if (!ms_scratch_reserve(&st->scratch, n)) {
		*reason = "out of memory dividing the members";
		return FS_E_NOMEM;
	}
	ms_number_domains(d.s, cands, n);
	room = div_prepare(&d);
	d.n_list = ms_shortlist(d.s, cands, n, (uint32_t)d.replicas, d.weighting);
	if (room < d.replicas) {
		*reason = fs_host->cycle_printf(
			cyc, "feasible clusters have room for %lld of %d member(s)",
			(long long)room, d.replicas);
		return FS_UNSCHEDULABLE;
	}
	fits = div_run(&d, voters >= 3 ? (voters - 1) / 2 : d.replicas, &plan);
	if (!fits || !plan.safe) {
		if (st->conf.require_survival) {
			*reason = unsafe_reason(cyc, &d);
			return FS_UNSCHEDULABLE;
		}
		/* best effort: without the cap (room >= R, so this fits); a
		 * plan that fitted the cap is already as spread as it gets */
		if (!fits)
			div_run(&d, d.replicas, &plan);
		fs_host->log(st->self, FS_LOG_WARN,
			     "%s: placed without surviving a cluster loss: cluster "
			     "%s holds %d of %d voting member(s)",
			     binding_name(cyc, b),
			     cands[plan.worst_ix].cluster->name, plan.worst, voters);
	}
	emit(&d, &plan, out, n_out);
	return FS_OK;
}
