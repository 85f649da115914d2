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

/* One sort record: the keys packed once into four words that sort as
 * unsigned integers, most significant first: w[0] = tier (10 bits, capped
 * at 1023) then the score inverted (54 bits; scores are capped to
 * +-2^53, far beyond any weighted sum of 0..100 scores); w[1] =
 * AvailableReplicas inverted; w[2], w[3] = the name's first 16 bytes. */
struct order_key {
	uint64_t w[4];
	const char *name;
	uint32_t pos; /* input position */
	uint32_t tier;
};

#define SCORE_CAP (INT64_C(1) << 53)
#define AVAIL_CAP (INT64_C(1) << 33)

/* rank: the name's rank among the fleet's names (fs_named_ranks), or
 * NULL to key on the name's first 16 bytes */
static void
order_key_make(struct order_key *k, const struct fs_candidate *c,
	       uint32_t tier, uint32_t pos, const uint32_t *rank)
{
	int64_t score = c->score;
	if (score >= SCORE_CAP)
		score = SCORE_CAP - 1;
	if (score < -SCORE_CAP)
		score = -SCORE_CAP;
	int64_t avail = fs_order_available(c);
	if (avail >= AVAIL_CAP)
		avail = AVAIL_CAP - 1;
	k->w[0] = (uint64_t)(tier > 1023 ? 1023 : tier) << 54 |
		  (uint64_t)(SCORE_CAP - 1 - score);
	k->w[1] = (uint64_t)(AVAIL_CAP - 1 - avail);
	if (rank) {
		/* equal ranks are equal names: the position decides */
		k->w[2] = rank[pos];
		k->w[3] = 0;
		k->name = c->cluster->name;
	} else {
		struct fs_namekey nk = fs_namekey_make(c->cluster->name);
		k->w[2] = nk.hi;
		k->w[3] = nk.lo;
		k->name = nk.name;
	}
	k->pos = pos;
	k->tier = tier;
}

/* the full order: words, then strcmp past 16 bytes, then input position */
static int
order_key_cmp(const struct order_key *a, const struct order_key *b)
{
	for (int i = 0; i < 4; i++)
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	int c = a->name == b->name ? 0 : strcmp(a->name, b->name);
	if (c)
		return c;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static bool
same_words(const struct order_key *a, const struct order_key *b)
{
	return a->w[0] == b->w[0] && a->w[1] == b->w[1] && a->w[2] == b->w[2] &&
	       a->w[3] == b->w[3];
}

/* below this many candidates an insertion sort beats the radix passes,
 * each of which pays for a 256-entry count table */
#define RADIX_MIN 32

/*
 * Sort idx (0..n-1 on entry) by the full key order. Small sets: an
 * insertion sort on order_key_cmp. Otherwise a stable LSD radix sort,
 * one counting pass per byte that differs between keys (typically a few
 * bytes of score, room and name), so the cost is a few linear passes.
 * Keys equal in all words (names sharing 16 bytes) are settled after.
 */
static void
sort_keys(const struct order_key *keys, uint32_t *idx, uint32_t *tmp, uint32_t n)
{
	if (n < RADIX_MIN) {
		for (uint32_t i = 1; i < n; i++) {
			uint32_t v = idx[i], j = i;
			while (j > 0 && order_key_cmp(&keys[v], &keys[idx[j - 1]]) < 0) {
				idx[j] = idx[j - 1];
				j--;
			}
			idx[j] = v;
		}
		return;
	}
	uint32_t *src = idx, *dst = tmp;
	for (int w = 3; w >= 0; w--) {
		uint64_t any = 0, all = ~UINT64_C(0);
		for (uint32_t i = 0; i < n; i++) {
			any |= keys[i].w[w];
			all &= keys[i].w[w];
		}
		uint64_t varying = any ^ all;
		for (unsigned shift = 0; shift < 64; shift += 8) {
			if (!((varying >> shift) & 0xff))
				continue;
			uint32_t count[257] = {0};
			for (uint32_t i = 0; i < n; i++)
				count[((keys[src[i]].w[w] >> shift) & 0xff) + 1]++;
			for (int d = 0; d < 256; d++)
				count[d + 1] += count[d];
			for (uint32_t i = 0; i < n; i++)
				dst[count[(keys[src[i]].w[w] >> shift) & 0xff]++] = src[i];
			uint32_t *t = src;
			src = dst;
			dst = t;
		}
	}
	if (src != idx)
		memcpy(idx, src, sizeof(*idx) * n);
	/* runs of equal words: order by the whole name, then position */
	for (uint32_t lo = 0; lo < n;) {
		uint32_t hi = lo + 1;
		while (hi < n && same_words(&keys[idx[lo]], &keys[idx[hi]]))
			hi++;
		for (uint32_t i = lo + 1; i < hi; i++) {
			uint32_t v = idx[i], j = i;
			while (j > lo && order_key_cmp(&keys[v], &keys[idx[j - 1]]) < 0) {
				idx[j] = idx[j - 1];
				j--;
			}
			idx[j] = v;
		}
		lo = hi;
	}
}

void
fs_order_candidates(struct fs_candidate *cands, uint32_t n,
		    const struct fs_affinity_term *term, uint32_t *tiers_out,
		    struct fs_arena *scratch)
{
	fs_order_candidates_ranked(cands, n, term, tiers_out, NULL, scratch);
}

void
fs_order_candidates_ranked(struct fs_candidate *cands, uint32_t n,
			   const struct fs_affinity_term *term,
			   uint32_t *tiers_out, const uint32_t *rank,
			   struct fs_arena *scratch)
{
	if (n == 0)
		return;
	struct order_key *keys = FS_ARENA_NEW(scratch, struct order_key, n);
	struct fs_candidate *copy = FS_ARENA_NEW(scratch, struct fs_candidate, n);
	uint32_t *idx = FS_ARENA_NEW(scratch, uint32_t, 2 * n);
	for (uint32_t i = 0; i < n; i++) {
		order_key_make(&keys[i], &cands[i],
			       term ? fs_order_overflow(term, cands[i].cluster) : 0, i,
			       rank);
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
