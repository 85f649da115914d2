/*
 * sched/order.c - Karmada's cluster order. See order.h.
 */
#include "sched/order.h"

#include <stdlib.h>
#include <string.h>

/* NEEDSWORK: drop the fallback declaration once model/selector.h lands */
#if __has_include("model/selector.h")
#include "model/selector.h"
#else
bool fs_affinity_matches(const struct fs_cluster_affinity *aff,
			 const struct fs_cluster *c);
#endif

uint32_t
fs_order_overflow(const struct fs_affinity_term *term,
		  const struct fs_cluster *c)
{
	if (!term)
		return 0;
	if (fs_affinity_matches(&term->affinity, c))
		return 0;
	for (uint32_t k = 0; k < term->n_overflow; k++)
		if (fs_affinity_matches(&term->overflow[k], c))
			return k + 1;
	return FS_OVERFLOW_NONE;
}

int64_t
fs_order_available(const struct fs_candidate *cand)
{
	int64_t a = cand->available > 0 ? cand->available : 0;
	int64_t p = cand->previous > 0 ? cand->previous : 0;
	return a + p;
}

int
fs_order_compare(const struct fs_candidate *a, uint32_t tier_a,
		 const struct fs_candidate *b, uint32_t tier_b)
{
	if (tier_a != tier_b)
		return tier_a < tier_b ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	int64_t av = fs_order_available(a), bv = fs_order_available(b);
	if (av != bv)
		return av > bv ? -1 : 1;
	if (a->cluster->name == b->cluster->name)
		return 0;
	return strcmp(a->cluster->name, b->cluster->name);
}

/* one sort record: keys decoded once so the sort compares integers */
struct order_key {
	uint32_t tier;
	uint32_t pos; /* input position: final tie for equal names */
	int64_t score;
	int64_t avail;
	const char *name;
};

static int
order_key_cmp(const void *pa, const void *pb)
{
	const struct order_key *a = pa, *b = pb;
	if (a->tier != b->tier)
		return a->tier < b->tier ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->avail != b->avail)
		return a->avail > b->avail ? -1 : 1;
	if (a->name != b->name) {
		int c = strcmp(a->name, b->name);
		if (c)
			return c;
	}
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

void
fs_order_candidates(struct fs_candidate *cands, uint32_t n,
		    const struct fs_affinity_term *term, uint32_t *tiers_out,
		    struct fs_arena *scratch)
{
	if (n == 0)
		return;
	struct order_key *keys = FS_ARENA_NEW(scratch, struct order_key, n);
	struct fs_candidate *copy = FS_ARENA_NEW(scratch, struct fs_candidate, n);
	bool tiered = term != NULL;
	for (uint32_t i = 0; i < n; i++) {
		keys[i].tier = tiered ? fs_order_overflow(term, cands[i].cluster) : 0;
		keys[i].pos = i;
		keys[i].score = cands[i].score;
		keys[i].avail = fs_order_available(&cands[i]);
		keys[i].name = cands[i].cluster->name;
		copy[i] = cands[i];
	}
	qsort(keys, n, sizeof(*keys), order_key_cmp);
	for (uint32_t i = 0; i < n; i++) {
		cands[i] = copy[keys[i].pos];
		if (tiers_out)
			tiers_out[i] = keys[i].tier;
	}
}
