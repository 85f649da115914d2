/*
 * sched/order.h - Karmada's cluster order (reference §2.1).
 *
 * Every later step (spread-constraint selection, replica division) reads
 * the candidates in this order:
 *   1. OverflowOrder ascending (which clusterAffinities tier matched),
 *   2. score descending (the weighted sum of the plugins' scores),
 *   3. AvailableReplicas descending, where AvailableReplicas is
 *      fs_candidate.available + fs_candidate.previous (free room plus what
 *      the cluster already runs of this workload),
 *   4. name ascending (strcmp order; names are unique within a snapshot,
 *      so the order is total and the same on every run; Karmada's Go sort
 *      is unstable past 12 clusters, ours never depends on input order).
 *
 * Pure; scratch memory comes from the caller's arena. Single-threaded use
 * of the arena only.
 */
#ifndef FS_SCHED_ORDER_H
#define FS_SCHED_ORDER_H

#include <stdint.h>

#include <fedstate/types.h>

#include "util/arena.h"

/* OverflowOrder of a cluster that matches no tier of the term */
#define FS_OVERFLOW_NONE 1000u

/*
 * The OverflowOrder of cluster c for the active clusterAffinities term:
 * 0 when it matches the term's primary affinity, k when it first matches
 * overflowAffinities[k-1], FS_OVERFLOW_NONE when it matches none.
 * term NULL (placement.clusterAffinity or no affinity in use): always 0.
 * Both pointers are borrowed.
 */
uint32_t fs_order_overflow(const struct fs_affinity_term *term,
			   const struct fs_cluster *c);

/* Karmada's AvailableReplicas of a candidate: available + previous,
 * negative parts counted as 0. */
int64_t fs_order_available(const struct fs_candidate *cand);

/*
 * Sort cands[0..n) in place into the cluster order above. term: the
 * active clusterAffinities term (NULL when none, see fs_order_overflow).
 * tiers_out (NULL: not wanted) receives the OverflowOrder of each
 * candidate at its sorted position. Costs up to one affinity match per
 * tier per cluster when a term is given, none otherwise. The sort is a
 * stable radix sort on packed integer keys, one linear pass per key byte
 * that differs between clusters (names through their first 16 bytes,
 * strcmp only past them). Scores beyond +-2^53 and AvailableReplicas
 * beyond 2^33 compare as those bounds. Memory: about 90 bytes per
 * candidate from `scratch` (not released here); nothing else.
 */
void fs_order_candidates(struct fs_candidate *cands, uint32_t n,
			 const struct fs_affinity_term *term,
			 uint32_t *tiers_out, struct fs_arena *scratch);

/* The same with the rank of every candidate's name among all names
 * (rank[i] for cands[i], e.g. from sched/named.h: equal names, equal
 * ranks; strcmp order otherwise): the names sort as one small integer, a
 * pass per varying byte of the rank instead of per varying byte of the
 * names' first 16 bytes. rank NULL is fs_order_candidates. */
void fs_order_candidates_ranked(struct fs_candidate *cands, uint32_t n,
				const struct fs_affinity_term *term,
				uint32_t *tiers_out, const uint32_t *rank,
				struct fs_arena *scratch);
/* The comparison behind fs_order_candidates for two candidates with known
 * tiers: < 0 when a goes first. */
int fs_order_compare(const struct fs_candidate *a, uint32_t tier_a,
		     const struct fs_candidate *b, uint32_t tier_b);

#endif
