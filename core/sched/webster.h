/*
 * sched/webster.h - the Webster (Sainte-Lagüe) seat allocation Karmada
 * uses to divide replicas (reference §2.4, since Karmada v1.16).
 *
 * Seats are handed out one at a time to the party with the highest
 * priority votes / (2*seats + 1). Priorities are compared exactly by
 * integer cross-multiplication (128-bit), never as floating point. Equal
 * priorities are broken by Karmada's UID tie-breaker: fewer seats first,
 * then ascending name when the UID is empty or NULL or the 32-bit FNV-1a
 * hash of its bytes is even, descending name when it is odd.
 *
 * Pure: no I/O, no global state, no allocation. Thread-safe.
 */
#ifndef FS_SCHED_WEBSTER_H
#define FS_SCHED_WEBSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of scratch memory fs_webster() needs for n parties (8-aligned). */
size_t fs_webster_scratch_size(uint32_t n);

/*
 * Give `seats` seats to the n parties. votes[i] >= 0 (negative counts as 0);
 * init (NULL: none) holds seats each party already has; names[i] are the
 * party names (distinct, not NULL). out_seats[i] receives party i's total
 * seats, init included; out_seats may alias init. When every vote is 0 the
 * seats still go round by the tie-breaker (Karmada's callers avoid that
 * case, see assign.h). Karmada outputs the parties sorted by name: use
 * fs_webster_sort_by_name() on the ones you report.
 * scratch: fs_webster_scratch_size(n) bytes, 8-aligned. Arrays borrowed.
 * Cost: O(n log n + n * 63) whatever `seats` is: when seats > 2n every
 * seat above an exact rational threshold (found by binary search, 128-bit
 * integer arithmetic) is given at once, then the few left (about one per
 * party) one at a time on a binary heap; the result is identical to giving
 * every seat one at a time. Names are compared through 16-byte integer
 * prefixes (sched/namekey.h), strcmp only on longer shared prefixes.
 * Returns the number of seats given one at a time (heap steps).
 */
uint32_t fs_webster(uint32_t seats, const int64_t *votes, const int64_t *init,
		const char *const *names, uint32_t n, const char *uid,
		void *scratch, int64_t *out_seats);

/* The same result, every seat one at a time (O((n + seats) log n)): the
 * reference fs_webster() is checked against in tests. Returns seats. */
uint32_t fs_webster_stepwise(uint32_t seats, const int64_t *votes,
			     const int64_t *init, const char *const *names,
			     uint32_t n, const char *uid, void *scratch,
			     int64_t *out_seats);

/* true when Karmada's tie-breaker prefers descending names for this UID
 * (FNV-1a 32 of the UID bytes is odd); false for NULL or "" */
bool fs_webster_uid_descending(const char *uid);

/* Sort idx[0..m) (indices into names) by ascending name (strcmp order),
 * stable. tmp: room for m entries. */
void fs_webster_sort_by_name(const char *const *names, uint32_t *idx,
			     uint32_t m, uint32_t *tmp);

#endif
