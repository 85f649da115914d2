/*
 * sched/webster.c - Webster (Sainte-Lagüe) seat allocation with Karmada's
 * UID tie-breaker. See webster.h.
 */
#include "sched/webster.h"

#include <string.h>

/* 32-bit FNV-1a over the bytes of s */
static uint32_t
fnv1a32(const char *s)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	return h;
}

bool
fs_webster_uid_descending(const char *uid)
{
	if (!uid || !*uid)
		return false;
	return (fnv1a32(uid) & 1u) != 0;
}

/* bottom-up merge sort of indices by name: stable, O(n log n) compares */
void
fs_webster_name_order(const char *const *names, uint32_t n, uint32_t *order,
		      uint32_t *tmp)
{
	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	uint32_t *src = order, *dst = tmp;
	for (uint32_t width = 1; width < n; width *= 2) {
		for (uint32_t lo = 0; lo < n; lo += 2 * width) {
			uint32_t mid = lo + width < n ? lo + width : n;
			uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			uint32_t a = lo, b = mid, k = lo;
			while (a < mid && b < hi)
				dst[k++] = strcmp(names[src[b]], names[src[a]]) < 0
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
	if (src != order)
		memcpy(order, src, sizeof(*order) * n);
}

struct webster {
	const int64_t *votes;
	const int64_t *seats;
	const uint32_t *rank; /* position of each party in name order */
	bool descending;
};

static int64_t
vote_of(const struct webster *w, uint32_t i)
{
	return w->votes[i] > 0 ? w->votes[i] : 0;
}

/* true when party a gets the next seat before party b */
static bool
webster_before(const struct webster *w, uint32_t a, uint32_t b)
{
	/* va/(2sa+1) vs vb/(2sb+1), exactly: va*(2sb+1) vs vb*(2sa+1) */
	__int128 pa = (__int128)vote_of(w, a) * (2 * (__int128)w->seats[b] + 1);
	__int128 pb = (__int128)vote_of(w, b) * (2 * (__int128)w->seats[a] + 1);
	if (pa != pb)
		return pa > pb;
	if (w->seats[a] != w->seats[b])
		return w->seats[a] < w->seats[b];
	return w->descending ? w->rank[a] > w->rank[b] : w->rank[a] < w->rank[b];
}

static void
heap_sift_down(const struct webster *w, uint32_t *heap, uint32_t n, uint32_t i)
{
	for (;;) {
		uint32_t best = i, l = 2 * i + 1, r = l + 1;
		if (l < n && webster_before(w, heap[l], heap[best]))
			best = l;
		if (r < n && webster_before(w, heap[r], heap[best]))
			best = r;
		if (best == i)
			return;
		uint32_t t = heap[i];
		heap[i] = heap[best];
		heap[best] = t;
		i = best;
	}
}

void
fs_webster(uint32_t seats, const int64_t *votes, const int64_t *init,
	   const char *const *names, uint32_t n, const char *uid,
	   uint32_t *order, uint32_t *scratch, int64_t *out_seats)
{
	if (n == 0)
		return;
	uint32_t *rank = scratch, *heap = scratch + n;

	fs_webster_name_order(names, n, order, rank);
	for (uint32_t k = 0; k < n; k++)
		rank[order[k]] = k;
	for (uint32_t i = 0; i < n; i++)
		out_seats[i] = init ? init[i] : 0;

	struct webster w = {votes, out_seats, rank,
			    fs_webster_uid_descending(uid)};
	/* The best party is at the root; after it takes a seat its priority
	 * only drops, so one sift-down restores the heap. */
	for (uint32_t i = 0; i < n; i++)
		heap[i] = i;
	for (uint32_t i = n / 2; i-- > 0;)
		heap_sift_down(&w, heap, n, i);
	for (uint32_t s = 0; s < seats; s++) {
		out_seats[heap[0]]++;
		heap_sift_down(&w, heap, n, 0);
	}
}
