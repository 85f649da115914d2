/*
 * sched/named.h - where the clusters a binding names (clusterNames) sit
 * in the clusters[] array of a cycle, without walking the fleet (a hash
 * of name pointer -> position), and the rank of every name in byte order
 * (so the cluster order sorts by one integer instead of the names); both
 * rebuilt only when the array changes.
 *
 * The caller detects changes with fs_named_sum(), folded into a loop it
 * makes over the clusters anyway: equal sums mean the same views with the
 * same names at the same positions (a 64-bit mix of pointer and name per
 * position; a collision would need both to change in a way that cancels).
 *
 * Not thread-safe: one index per framework.
 */
#ifndef FS_SCHED_NAMED_H
#define FS_SCHED_NAMED_H

#include <stdint.h>

#include <fedstate/types.h>

struct fs_named_index;

struct fs_named_index *fs_named_index_new(void); /* caller frees */
void fs_named_index_free(struct fs_named_index *ix); /* NULL-safe */

/* one position's share of the array's sum (add them up) */
static inline uint64_t
fs_named_sum(const struct fs_cluster *c, uint32_t pos)
{
	uint64_t x = ((uint64_t)(uintptr_t)c + pos) * 0x9e3779b97f4a7c15ull;
	return x ^ ((uint64_t)(uintptr_t)c->name * 0xc2b2ae3d27d4eb4full);
}

/* Make ix describe clusters[0..n) whose sum is `sum` (borrowed views;
 * rebuilt when the sum or n differ from the last call). */
void fs_named_index_sync(struct fs_named_index *ix,
			 const struct fs_cluster *const *clusters, uint32_t n,
			 uint64_t sum);

/* Per position of the synced array: the rank of the cluster's name in
 * byte order (strcmp), equal names sharing a rank. Borrowed until the
 * next sync; NULL before the first. */
const uint32_t *fs_named_ranks(const struct fs_named_index *ix);

/* false when the last sync found two clusters of one name (positions
 * would then miss one of them) */
bool fs_named_index_usable(const struct fs_named_index *ix);

/* Positions of the clusters named by names[0..n_names) (interned),
 * ascending and without duplicates, into out (room for n_names); names
 * not in the array are left out. Returns the count. */
uint32_t fs_named_positions(const struct fs_named_index *ix,
			    const char *const *names, uint32_t n_names,
			    uint32_t *out);

#endif
