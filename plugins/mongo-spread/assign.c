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
 * cap. The arbiter then goes to a cluster without data members if there is
 * one, else to the one with the fewest.
 */
#include "spread.h"

#include <stdlib.h>
#include <string.h>

static const char ms_no_key[] = ""; /* the slot of clusters with no region/zone */

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

bool
ms_scratch_reserve(struct ms_scratch *s, uint32_t n)
{
	uint32_t cap = 16;

	if (n <= s->cap)
		return true;
	while (cap < n)
		cap *= 2;
	ms_scratch_release(s);
	s->slot = calloc(cap, sizeof *s->slot);
	s->region_count = calloc(cap, sizeof *s->region_count);
	s->zone_count = calloc(cap, sizeof *s->zone_count);
	s->keys = calloc(cap * 2, sizeof *s->keys); /* hash, load <= 1/2 */
	s->vals = calloc(cap * 2, sizeof *s->vals);
	if (!s->slot || !s->region_count || !s->zone_count || !s->keys ||
	    !s->vals) {
		ms_scratch_release(s);
		return false;
	}
	s->cap = cap;
	return true;
}

void
ms_scratch_release(struct ms_scratch *s)
{
	free(s->slot);
	free(s->region_count);
	free(s->zone_count);
	free(s->keys);
	free(s->vals);
	memset(s, 0, sizeof *s);
}

/* The region (or first zone) of a candidate; clusters without one share a
 * slot, so they are treated as one failure domain (conservative). */
static const char *
domain_key(const struct fs_cluster *c, bool zone)
{
	const char *key = zone ? (c->n_zones ? c->zones[0] : NULL) : c->region;

	return key ? key : ms_no_key;
}

/* Number the distinct regions (or zones) of the candidates densely into
 * slot[i].region (or .zone): an open-addressing table of interned
 * pointers, 2 * cap cells, so at most half full. */
static void
number_domains(struct ms_scratch *s, const struct fs_candidate *cands,
	       uint32_t n, bool zone)
{
	uint32_t mask = s->cap * 2 - 1, next = 0;

	memset(s->keys, 0, sizeof *s->keys * s->cap * 2);
	for (uint32_t i = 0; i < n; i++) {
		const char *key = domain_key(cands[i].cluster, zone);
		uint64_t h = (uint64_t)((uintptr_t)key >> 3) * 0x9E3779B97F4A7C15ull;
		uint32_t cell = (uint32_t)(h >> 32) & mask;

		while (s->keys[cell] && s->keys[cell] != key)
			cell = (cell + 1) & mask;
		if (!s->keys[cell]) {
			s->keys[cell] = key;
			s->vals[cell] = next++;
		}
		if (zone)
			s->slot[i].zone = s->vals[cell];
		else
			s->slot[i].region = s->vals[cell];
	}
}

/* One division attempt. */
struct ms_div {
	const struct fs_candidate *cands;
	uint32_t n;
	int32_t replicas;  /* R */
	bool arbiter;
	bool weighting;
	struct ms_scratch *s;
};

/* Set up the slots with every cluster's room and the cap `limit`. */
static void
div_reset(struct ms_div *d, int32_t limit)
{
	struct ms_scratch *s = d->s;

	for (uint32_t i = 0; i < d->n; i++) {
		const struct fs_candidate *c = &d->cands[i];
		int64_t prev = c->previous > 0 ? c->previous : 0;
		int64_t avail = c->available < 0 ? d->replicas : c->available;
		int64_t room = avail + prev;

		s->slot[i].weight = room;
		s->slot[i].room = (int32_t)(room < d->replicas ? room : d->replicas);
		s->slot[i].cap = s->slot[i].room < limit ? s->slot[i].room : limit;
		s->slot[i].data = 0;
		s->region_count[s->slot[i].region] = 0;
		s->zone_count[s->slot[i].zone] = 0;
	}
}

/* Tie-breaks shared by both modes: less used region, zone, fewer members,
 * a cluster that had more members before, Karmada's order. <0: i first. */
static int
cmp_spread(const struct ms_div *d, uint32_t i, uint32_t j)
{
	const struct ms_slot *a = &d->s->slot[i], *b = &d->s->slot[j];
	uint32_t ra = d->s->region_count[a->region], rb = d->s->region_count[b->region];
	uint32_t za = d->s->zone_count[a->zone], zb = d->s->zone_count[b->zone];
	bool ka = a->data < d->cands[i].previous, kb = b->data < d->cands[j].previous;

	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (za != zb)
		return za < zb ? -1 : 1;
	if (a->data != b->data)
		return a->data < b->data ? -1 : 1;
	if (ka != kb)
		return ka ? -1 : 1;
	return i < j ? -1 : 1;
}

/* Sainte-Lague: the larger weight / (2 * data + 1) goes first. */
static int
cmp_weight(const struct ms_div *d, uint32_t i, uint32_t j)
{
	const struct ms_slot *a = &d->s->slot[i], *b = &d->s->slot[j];
	int64_t l = a->weight * (2 * (int64_t)b->data + 1);
	int64_t r = b->weight * (2 * (int64_t)a->data + 1);

	if (l != r)
		return l > r ? -1 : 1;
	return cmp_spread(d, i, j);
}

/* The cluster that gets the next data member; -1 when all are full. */
static int32_t
pick_member(const struct ms_div *d)
{
	int32_t best = -1;

	for (uint32_t i = 0; i < d->n; i++) {
		if (d->s->slot[i].data >= d->s->slot[i].cap)
			continue;
		if (best < 0 || (d->weighting ? cmp_weight(d, i, (uint32_t)best)
					      : cmp_spread(d, i, (uint32_t)best)) < 0)
			best = (int32_t)i;
	}
	return best;
}

/* The arbiter's cluster: fewest data members (none is best), then one
 * with room beside them, then the spread tie-breaks. */
static int32_t
pick_arbiter(const struct ms_div *d)
{
	int32_t best = -1;

	for (uint32_t i = 0; i < d->n; i++) {
		const struct ms_slot *a = &d->s->slot[i], *b;
		bool ra, rb;

		if (best < 0) {
			best = (int32_t)i;
			continue;
		}
		b = &d->s->slot[best];
		ra = a->room > a->data, rb = b->room > b->data;
		if (a->data != b->data ? a->data < b->data
		    : ra != rb	       ? ra
				       : cmp_spread(d, i, (uint32_t)best) < 0)
			best = (int32_t)i;
	}
	return best;
}

/* Divide R members with at most `limit` per cluster; false when they do
 * not fit. Fills plan (arbiter, worst cluster, safety). */
static bool
div_run(struct ms_div *d, int32_t limit, struct ms_plan *plan)
{
	int32_t voters = d->replicas + (d->arbiter ? 1 : 0);

	div_reset(d, limit);
	for (int32_t m = 0; m < d->replicas; m++) {
		int32_t i = pick_member(d);

		if (i < 0)
			return false;
		d->s->slot[i].data++;
		d->s->region_count[d->s->slot[i].region]++;
		d->s->zone_count[d->s->slot[i].zone]++;
	}
	plan->arbiter = d->arbiter ? pick_arbiter(d) : -1;
	plan->worst = -1;
	plan->worst_ix = 0;
	for (uint32_t i = 0; i < d->n; i++) {
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
	number_domains(d.s, cands, n, false);
	number_domains(d.s, cands, n, true);
	div_reset(&d, d.replicas);
	for (uint32_t i = 0; i < n; i++)
		room += d.s->slot[i].room;
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
