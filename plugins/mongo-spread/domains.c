/*
 * plugins/mongo-spread/domains.c - the working arrays of a division:
 * failure domains numbered densely, and the short list of candidates that
 * can ever receive a data member.
 *
 * Why a short list is exact. At most R <= 50 members are handed out, one
 * at a time, each to the best cluster under its cap (assign.c):
 *
 *   Uniform   Take a cluster X that had no member before, in a group (same
 *             region and same zone) where at least R clusters with room
 *             come before X in Karmada's order. Before each pick fewer
 *             than R members are out, so one of those R clusters still has
 *             none; it shares X's region and zone counts, has as many
 *             members as X (none), and comes first: it always beats X.
 *   Weighting Take a cluster X whose weight is below the R-th largest
 *             weight of the clusters with room. One of the R heavier
 *             clusters still has no member, so its quotient w/1 is above
 *             X's w/(2d+1): it always beats X.
 *
 * So X can be left out of the member loop; it still counts for the arbiter
 * (which scans every candidate once).
 */
#include "spread.h"

#include <stdlib.h>
#include <string.h>

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
	s->group_count = calloc(cap, sizeof *s->group_count);
	s->list = calloc(cap, sizeof *s->list);
	s->top = calloc(MS_MAX_MEMBERS, sizeof *s->top);
	s->keys = calloc(cap * 2, sizeof *s->keys); /* hash, load <= 1/2 */
	s->vals = calloc(cap * 2, sizeof *s->vals);
	if (!s->slot || !s->region_count || !s->zone_count || !s->group_count ||
	    !s->list || !s->top || !s->keys || !s->vals) {
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
	free(s->group_count);
	free(s->list);
	free(s->top);
	free(s->keys);
	free(s->vals);
	memset(s, 0, sizeof *s);
}

/* The dense number of a nonzero key in the open-addressing table (2 * cap
 * cells, at most half full); *next is the next number to hand out. */
static uint32_t
number_of(struct ms_scratch *s, uint64_t key, uint32_t *next)
{
	uint32_t mask = s->cap * 2 - 1;
	uint32_t cell = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & mask;

	while (s->keys[cell] && s->keys[cell] != key)
		cell = (cell + 1) & mask;
	if (!s->keys[cell]) {
		s->keys[cell] = key;
		s->vals[cell] = (*next)++;
	}
	return s->vals[cell];
}

/* A cluster's region or first zone as a table key. Clusters without one
 * share the key 1: they are treated as one failure domain (conservative:
 * nothing says they are apart). Interned pointers are never 1. */
static uint64_t
domain_key(const struct fs_cluster *c, bool zone)
{
	const char *p = zone ? (c->n_zones ? c->zones[0] : NULL) : c->region;

	return p ? (uint64_t)(uintptr_t)p : 1;
}

void
ms_number_domains(struct ms_scratch *s, const struct fs_candidate *cands,
		  uint32_t n)
{
	uint32_t next;

	memset(s->keys, 0, sizeof *s->keys * s->cap * 2);
	next = 0;
	for (uint32_t i = 0; i < n; i++)
		s->slot[i].region = number_of(s, domain_key(cands[i].cluster, false),
					      &next);
	s->n_regions = next;
	memset(s->keys, 0, sizeof *s->keys * s->cap * 2);
	next = 0;
	for (uint32_t i = 0; i < n; i++)
		s->slot[i].zone = number_of(s, domain_key(cands[i].cluster, true),
					    &next);
	s->n_zones = next;
	memset(s->keys, 0, sizeof *s->keys * s->cap * 2);
	next = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t pair = ((uint64_t)s->slot[i].region << 32 |
				 s->slot[i].zone) + 1;
		s->slot[i].group = number_of(s, pair, &next);
		s->group_count[s->slot[i].group] = 0;
	}
}

/* The r-th largest weight among the clusters with room (0 when fewer than
 * r have room): a sorted (descending) array of the r best so far. */
static int64_t
rth_weight(struct ms_scratch *s, uint32_t n, uint32_t r)
{
	uint32_t have = 0;

	for (uint32_t i = 0; i < n; i++) {
		int64_t w = s->slot[i].weight;
		uint32_t at;

		if (s->slot[i].room <= 0 || (have == r && w <= s->top[r - 1]))
			continue;
		at = have < r ? have++ : r - 1;
		while (at > 0 && s->top[at - 1] < w) {
			s->top[at] = s->top[at - 1];
			at--;
		}
		s->top[at] = w;
	}
	return have == r ? s->top[r - 1] : 0;
}

uint32_t
ms_shortlist(struct ms_scratch *s, const struct fs_candidate *cands,
	     uint32_t n, uint32_t r, bool weighting)
{
	uint32_t len = 0;

	if (weighting) {
		int64_t min = rth_weight(s, n, r);

		for (uint32_t i = 0; i < n; i++)
			if (s->slot[i].room > 0 && s->slot[i].weight >= min)
				s->list[len++] = i;
		return len;
	}
	for (uint32_t i = 0; i < n; i++) {
		bool early;

		if (s->slot[i].room <= 0)
			continue;
		early = s->group_count[s->slot[i].group]++ < r;
		if (early || cands[i].previous > 0)
			s->list[len++] = i;
	}
	return len;
}
