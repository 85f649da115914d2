/*
 * sched/webster.c - Webster (Sainte-Lagüe) seat allocation with Karmada's
 * UID tie-breaker. See webster.h.
 */
#include "sched/webster.h"

#include <string.h>

#include "sched/namekey.h"
#include "util/sort.h"

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

static bool
name_before(const void *names, uint32_t a, uint32_t b)
{
	const char *const *n = names;
	return strcmp(n[a], n[b]) < 0;
}

void
fs_webster_sort_by_name(const char *const *names, uint32_t *idx, uint32_t m,
			uint32_t *tmp)
{
	fs_sort_index(idx, tmp, m, name_before, names);
}

struct webster {
	const int64_t *votes;
	const int64_t *seats;
	const struct fs_namekey *names;
	bool descending;
};

size_t
fs_webster_scratch_size(uint32_t n)
{
	return (size_t)n * (sizeof(struct fs_namekey) + sizeof(uint32_t));
}

static int64_t
vote_of(const struct webster *w, uint32_t i)
{
	return w->votes[i] > 0 ? w->votes[i] : 0;
}

/* true when party a gets the next seat before party b */
static bool
webster_before(const struct webster *w, uint32_t a, uint32_t b)
{
	/* va/(2sa+1) vs vb/(2sb+1), exactly: va*(2sb+1) vs vb*(2sa+1);
	 * 64-bit products when both factors fit 31 bits, else 128-bit */
	int64_t va = vote_of(w, a), vb = vote_of(w, b);
	int64_t sa = w->seats[a], sb = w->seats[b];
	if (((uint64_t)va | (uint64_t)vb | (uint64_t)sa | (uint64_t)sb) < (UINT64_C(1) << 30)) {
		int64_t pa = va * (2 * sb + 1), pb = vb * (2 * sa + 1);
		if (pa != pb)
			return pa > pb;
	} else {
		__int128 pa = (__int128)va * (2 * (__int128)sb + 1);
		__int128 pb = (__int128)vb * (2 * (__int128)sa + 1);
		if (pa != pb)
			return pa > pb;
	}
	if (w->seats[a] != w->seats[b])
		return w->seats[a] < w->seats[b];
	int c = fs_namekey_cmp(&w->names[a], &w->names[b]);
	return w->descending ? c > 0 : c < 0;
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
	   void *scratch, int64_t *out_seats)
{
	if (n == 0)
		return;
	struct fs_namekey *keys = scratch;
	uint32_t *heap = (uint32_t *)(keys + n);

	for (uint32_t i = 0; i < n; i++) {
		out_seats[i] = init ? init[i] : 0;
		keys[i] = fs_namekey_make(names[i]);
		heap[i] = i;
	}
	struct webster w = {votes, out_seats, keys, fs_webster_uid_descending(uid)};
	/* The best party is at the root; after it takes a seat its priority
	 * only drops, so one sift-down restores the heap. */
	for (uint32_t i = n / 2; i-- > 0;)
		heap_sift_down(&w, heap, n, i);
	for (uint32_t s = 0; s < seats; s++) {
		out_seats[heap[0]]++;
		heap_sift_down(&w, heap, n, 0);
	}
}
