/*
 * sched/order.c - Karmada's cluster order. See order.h.
 */
#include "sched/order.h"
#include "sched/namekey.h"

#include <string.h>

#include "model/selector.h"

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

/* one sort record: the keys packed once so the sort mostly compares two
 * integers. k0 = tier (10 bits, capped at 1023) then the score inverted
 * (54 bits; scores are capped to +-2^53, far beyond any weighted sum of
 * 0..100 scores); k1 = AvailableReplicas inverted (33 bits) then the
 * first 31 bits of the name. */
struct order_key {
	uint64_t k0, k1;
	struct fs_namekey name;
	uint32_t pos; /* input position */
	uint32_t tier;
};

#define SCORE_CAP (INT64_C(1) << 53)
#define AVAIL_CAP (INT64_C(1) << 33)

static void
order_key_make(struct order_key *k, const struct fs_candidate *c,
	       uint32_t tier, uint32_t pos)
{
	int64_t score = c->score;
	if (score >= SCORE_CAP)
		score = SCORE_CAP - 1;
	if (score < -SCORE_CAP)
		score = -SCORE_CAP;
	int64_t avail = fs_order_available(c);
	if (avail >= AVAIL_CAP)
		avail = AVAIL_CAP - 1;
	k->tier = tier;
	k->pos = pos;
	k->name = fs_namekey_make(c->cluster->name);
	k->k0 = (uint64_t)(tier > 1023 ? 1023 : tier) << 54 |
		(uint64_t)(SCORE_CAP - 1 - score);
	k->k1 = (uint64_t)(AVAIL_CAP - 1 - avail) << 31 | (k->name.hi >> 33);
}

/* < 0 when a goes first; names are unique in a snapshot, the input
 * position settles anything else (a stable order) */
static inline int
order_key_cmp(const struct order_key *a, const struct order_key *b)
{
	if (a->k0 != b->k0)
		return a->k0 < b->k0 ? -1 : 1;
	if (a->k1 != b->k1)
		return a->k1 < b->k1 ? -1 : 1;
	int c = fs_namekey_cmp(&a->name, &b->name);
	if (c)
		return c;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* bottom-up merge sort of key indices: no allocation, inline compares */
static void
sort_keys(const struct order_key *keys, uint32_t *idx, uint32_t *tmp, uint32_t n)
{
	/* insertion-sort runs of 8, then merge */
	enum { RUN = 8 };
	for (uint32_t lo = 0; lo < n; lo += RUN) {
		uint32_t hi = lo + RUN < n ? lo + RUN : n;
		for (uint32_t i = lo + 1; i < hi; i++) {
			uint32_t v = idx[i], j = i;
			while (j > lo && order_key_cmp(&keys[v], &keys[idx[j - 1]]) < 0) {
				idx[j] = idx[j - 1];
				j--;
			}
			idx[j] = v;
		}
	}
	uint32_t *src = idx, *dst = tmp;
	for (uint32_t width = RUN; width < n; width *= 2) {
		for (uint32_t lo = 0; lo < n; lo += 2 * width) {
			uint32_t mid = lo + width < n ? lo + width : n;
			uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			uint32_t a = lo, b = mid, k = lo;
			while (a < mid && b < hi)
				dst[k++] = order_key_cmp(&keys[src[b]], &keys[src[a]]) < 0
						   ? src[b++]
						   : src[a++];
			while (a < mid)
				dst[k++] = src[a++];
			while (b < hi)
				dst[k++] = src[b++];
		}
		uint32_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != idx)
		memcpy(idx, src, sizeof(*idx) * n);
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
	uint32_t *idx = FS_ARENA_NEW(scratch, uint32_t, 2 * n);
	for (uint32_t i = 0; i < n; i++) {
		order_key_make(&keys[i], &cands[i],
			       term ? fs_order_overflow(term, cands[i].cluster) : 0, i);
		copy[i] = cands[i];
		idx[i] = i;
	}
	sort_keys(keys, idx, idx + n, n);
	for (uint32_t i = 0; i < n; i++) {
		cands[i] = copy[idx[i]];
		if (tiers_out)
			tiers_out[i] = keys[idx[i]].tier;
	}
}
