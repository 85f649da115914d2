/*
 * sched/select.c - selecting clusters by spread constraints. See select.h
 * for the rules; groups.c has the group score and the group search.
 */
#include "sched/select.h"

#include <stdio.h>
#include <string.h>

#include "sched/order.h"

static enum fs_code
fail(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	return FS_UNSCHEDULABLE;
}

/* Reorder cands so that cands[pick[0..m)] lead, in that order; the rest
 * keep their relative order behind them. */
static void
move_to_front(struct fs_candidate *cands, uint32_t n, const uint32_t *pick,
	      uint32_t m, struct fs_arena *scratch)
{
	struct fs_candidate *copy = FS_ARENA_NEW(scratch, struct fs_candidate, n);
	bool *taken = FS_ARENA_NEW(scratch, bool, n);
	memcpy(copy, cands, sizeof(*cands) * n);
	uint32_t k = 0;
	for (uint32_t i = 0; i < m; i++) {
		cands[k++] = copy[pick[i]];
		taken[pick[i]] = true;
	}
	for (uint32_t i = 0; i < n; i++)
		if (!taken[i])
			cands[k++] = copy[i];
}

/* ------------------------------------------------------------------ */
/* by cluster                                                          */
/* ------------------------------------------------------------------ */

static enum fs_code
select_by_cluster(const struct fs_spread_constraint *cc,
		  struct fs_candidate *cands, uint32_t n, int64_t need_replicas,
		  uint32_t *n_selected, struct fs_arena *scratch, char *err,
		  size_t errlen)
{
	if ((int64_t)n < cc->min_groups)
		return fail(err, errlen,
			    "the number of feasible clusters is less than spreadConstraint.MinGroups");
	uint32_t need = n;
	if (cc->has_max_groups && cc->max_groups >= 0 && (uint32_t)cc->max_groups < n)
		need = (uint32_t)cc->max_groups;

	/* slots[0..need) are taken, slots[need..n) the rest */
	uint32_t *slots = FS_ARENA_NEW(scratch, uint32_t, n ? n : 1);
	for (uint32_t i = 0; i < n; i++)
		slots[i] = i;
	if (need_replicas >= 0) {
		int64_t sum = 0;
		for (uint32_t i = 0; i < need; i++)
			sum += fs_order_available(&cands[slots[i]]);
		/* swap in the roomiest untaken cluster, last slot first */
		for (uint32_t s = need; sum < need_replicas && s-- > 0;) {
			int64_t best = fs_order_available(&cands[slots[s]]);
			uint32_t pick = UINT32_MAX;
			for (uint32_t r = need; r < n; r++) {
				int64_t a = fs_order_available(&cands[slots[r]]);
				if (a > best) {
					best = a;
					pick = r;
				}
			}
			if (pick == UINT32_MAX)
				continue;
			sum += best - fs_order_available(&cands[slots[s]]);
			uint32_t t = slots[s];
			slots[s] = slots[pick];
			slots[pick] = t;
		}
		if (sum < need_replicas) {
			if (err && errlen)
				snprintf(err, errlen,
					 "no enough resource when selecting %u clusters", need);
			return FS_UNSCHEDULABLE;
		}
	}
	move_to_front(cands, n, slots, need, scratch);
	*n_selected = need;
	return FS_OK;
}

/* ------------------------------------------------------------------ */
/* by group                                                            */
/* ------------------------------------------------------------------ */

/* the group value of a cluster for a spread field; NULL: not in any */
static const char *
group_key(const struct fs_spread_constraint *gc, const struct fs_cluster *c)
{
	switch (gc->field) {
	case FS_SPREAD_REGION:
		return c->region;
	case FS_SPREAD_ZONE:
		/* a cluster with several zones counts in its first zone only,
		 * so it is selected at most once */
		return c->n_zones ? c->zones[0] : NULL;
	case FS_SPREAD_PROVIDER:
		return c->provider;
	case FS_SPREAD_LABEL: {
		const struct fs_kv *kv = gc->label ? fs_kv_find(c->labels, c->n_labels, gc->label)
						   : NULL;
		return kv ? kv->value : NULL;
	}
	case FS_SPREAD_CLUSTER:
	default:
		return NULL;
	}
}

struct keyed {
	const char *key;
	uint32_t idx;
};

/* Stable sort by key pointer (an LSD radix sort over the pointer bytes
 * that differ; equal keys keep candidate order). No allocation. */
static void
sort_keyed(struct keyed *kd, struct keyed *tmp, uint32_t n)
{
	uintptr_t any = 0, all = ~(uintptr_t)0;
	for (uint32_t i = 0; i < n; i++) {
		any |= (uintptr_t)kd[i].key;
		all &= (uintptr_t)kd[i].key;
	}
	uintptr_t varying = any ^ all;
	struct keyed *src = kd, *dst = tmp;
	for (unsigned shift = 0; shift < 8 * sizeof(uintptr_t); shift += 8) {
		if (!((varying >> shift) & 0xff))
			continue;
		uint32_t count[257] = {0};
		for (uint32_t i = 0; i < n; i++)
			count[(((uintptr_t)src[i].key >> shift) & 0xff) + 1]++;
		for (int d = 0; d < 256; d++)
			count[d + 1] += count[d];
		for (uint32_t i = 0; i < n; i++)
			dst[count[((uintptr_t)src[i].key >> shift) & 0xff]++] = src[i];
		struct keyed *t = src;
		src = dst;
		dst = t;
	}
	if (src != kd)
		memcpy(kd, src, sizeof(*kd) * n);
}

static const char *
field_word(const struct fs_spread_constraint *gc, struct fs_arena *scratch)
{
	switch (gc->field) {
	case FS_SPREAD_REGION:
		return "region";
	case FS_SPREAD_ZONE:
		return "zone";
	case FS_SPREAD_PROVIDER:
		return "provider";
	default:
		return fs_arena_printf(scratch, "label %s", gc->label ? gc->label : "?");
	}
}

static enum fs_code
select_by_group(const struct fs_spread_constraint *gc,
		const struct fs_spread_constraint *cc,
		const struct fs_binding *b, struct fs_candidate *cands,
		uint32_t n, int64_t need_replicas, uint32_t *n_selected,
		struct fs_arena *scratch, char *err, size_t errlen)
{
	/* group the candidates: sort by key, members keep cluster order */
	struct keyed *kd = FS_ARENA_NEW(scratch, struct keyed, n ? n : 1);
	uint32_t nk = 0;
	for (uint32_t i = 0; i < n; i++) {
		const char *key = group_key(gc, cands[i].cluster);
		if (key)
			kd[nk++] = (struct keyed){key, i};
	}
	sort_keyed(kd, FS_ARENA_NEW(scratch, struct keyed, nk ? nk : 1), nk);
	uint32_t *start = FS_ARENA_NEW(scratch, uint32_t, nk + 1);
	uint32_t *members = FS_ARENA_NEW(scratch, uint32_t, nk ? nk : 1);
	uint32_t ng = 0;
	for (uint32_t k = 0; k < nk; k++) {
		if (k == 0 || kd[k].key != kd[k - 1].key)
			start[ng++] = k;
		members[k] = kd[k].idx;
	}
	start[ng] = nk;

	if ((int64_t)ng < gc->min_groups) {
		if (err && errlen)
			snprintf(err, errlen,
				 "the number of feasible %s is less than spreadConstraint.MinGroups",
				 field_word(gc, scratch));
		return FS_UNSCHEDULABLE;
	}

	int32_t cluster_min = cc ? cc->min_groups : 0;
	struct fs_select_group *groups = FS_ARENA_NEW(scratch, struct fs_select_group,
						      ng ? ng : 1);
	for (uint32_t g = 0; g < ng; g++) {
		uint32_t m = start[g + 1] - start[g];
		groups[g].name = kd[start[g]].key;
		groups[g].value = m;
		groups[g].weight = fs_select_group_score(cands, members + start[g], m,
							 need_replicas, b->replicas,
							 gc->min_groups, cluster_min);
	}

	int64_t max_groups = gc->has_max_groups ? gc->max_groups : (int64_t)ng;
	uint32_t *chosen = FS_ARENA_NEW(scratch, uint32_t, ng ? ng : 1);
	uint32_t n_chosen = 0;
	enum fs_code rc = fs_select_groups(groups, ng, gc->min_groups, max_groups,
					   cluster_min, chosen, &n_chosen, scratch,
					   err, errlen);
	if (rc != FS_OK)
		return rc;
	if (n_chosen == 0)
		return fail(err, errlen,
			    "the number of clusters is less than the cluster spreadConstraint.MinGroups");

	/* the best cluster of each chosen group, then the others of those
	 * groups in cluster order up to the cluster constraint's maxGroups */
	uint32_t *pick = FS_ARENA_NEW(scratch, uint32_t, n ? n : 1);
	uint32_t *rest = FS_ARENA_NEW(scratch, uint32_t, n ? n : 1);
	uint32_t np = 0, nr = 0;
	for (uint32_t k = 0; k < n_chosen; k++) {
		uint32_t g = chosen[k];
		pick[np++] = members[start[g]];
		for (uint32_t j = start[g] + 1; j < start[g + 1]; j++)
			rest[nr++] = members[j];
	}
	int64_t need = (int64_t)np + nr;
	int64_t cap = cc && cc->has_max_groups ? cc->max_groups : 0;
	if (need > cap)
		need = cap;
	if (need > np) {
		/* the rest in cluster order: walk the candidates once */
		bool *in_rest = FS_ARENA_NEW(scratch, bool, n);
		for (uint32_t k = 0; k < nr; k++)
			in_rest[rest[k]] = true;
		for (uint32_t i = 0; i < n && np < need; i++)
			if (in_rest[i])
				pick[np++] = i;
	}
	move_to_front(cands, n, pick, np, scratch);
	*n_selected = np;
	return FS_OK;
}

/* ------------------------------------------------------------------ */

/* Karmada's test for placements that skip spreading: Divided + Weighted
 * with no weightPreference, or with a staticWeightList and no
 * dynamicWeight. (An empty preference divides by static weights too, but
 * still spreads.) */
static bool
static_weighted(const struct fs_replica_scheduling *rs)
{
	if (!rs || rs->type != FS_REPLICA_DIVIDED || rs->division != FS_DIVISION_WEIGHTED)
		return false;
	if (!rs->has_weight_preference)
		return true;
	return rs->n_static_weights > 0 && !rs->dynamic_available;
}

enum fs_code
fs_select_clusters(const struct fs_binding *b, struct fs_candidate *cands,
		   uint32_t n, uint32_t *n_selected, struct fs_arena *scratch,
		   char *err, size_t errlen)
{
	*n_selected = n;
	const struct fs_placement *p = b->placement;
	if (!p || p->n_spread == 0 || static_weighted(p->replica_scheduling))
		return FS_OK;

	const struct fs_spread_constraint *cc = NULL, *gc = NULL;
	static const enum fs_spread_field precedence[] = {
		FS_SPREAD_REGION, FS_SPREAD_ZONE, FS_SPREAD_PROVIDER, FS_SPREAD_LABEL};
	for (uint32_t i = 0; i < p->n_spread; i++)
		if (p->spread[i].field == FS_SPREAD_CLUSTER && !cc)
			cc = &p->spread[i];
	for (size_t f = 0; f < sizeof(precedence) / sizeof(precedence[0]) && !gc; f++)
		for (uint32_t i = 0; i < p->n_spread && !gc; i++)
			if (p->spread[i].field == precedence[f])
				gc = &p->spread[i];

	const struct fs_replica_scheduling *rs = p->replica_scheduling;
	int64_t need_replicas = !rs || rs->type == FS_REPLICA_DUPLICATED ? -1 : b->replicas;

	if (!gc && !cc)
		return FS_OK; /* no field this version knows: nothing to spread */
	*n_selected = 0;
	if (gc)
		return select_by_group(gc, cc, b, cands, n, need_replicas, n_selected,
				       scratch, err, errlen);
	return select_by_cluster(cc, cands, n, need_replicas, n_selected, scratch,
				 err, errlen);
}
