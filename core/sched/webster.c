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

/* seats party i holds once every seat of priority > P/Q is given:
 * #{s >= 0 : v/(2s+1) > P/Q} = #{s : 2s+1 <= (vQ-1)/P}, never below init */
static int64_t
seats_above(int64_t v, int64_t init, unsigned k, uint64_t p)
{
	if (v <= 0)
		return init;
	unsigned __int128 num = (unsigned __int128)(uint64_t)v << k;
	unsigned __int128 m = (num - 1) / p;
	unsigned __int128 cnt = (m + 1) / 2;
	if (cnt > (unsigned __int128)INT64_MAX)
		cnt = INT64_MAX;
	return (int64_t)cnt > init ? (int64_t)cnt : init;
}

/* seats handed out above threshold P/2^k, capped just past `cap` */
static uint64_t
given_above(const int64_t *votes, const int64_t *init, uint32_t n, unsigned k,
	    uint64_t p, uint64_t cap)
{
	uint64_t sum = 0;
	for (uint32_t i = 0; i < n && sum <= cap; i++) {
		int64_t base = init ? init[i] : 0;
		sum += (uint64_t)(seats_above(votes[i], base, k, p) - base);
	}
	return sum;
}

/* Bulk phase: the one-at-a-time order takes the seats in the total order
 * (priority desc, seats asc, name), and every seat of priority > q comes
 * before any seat of priority <= q, so giving all of them at once is an
 * exact prefix of that order. q = P/2^k, k chosen so v*2^k < 2^63; P is
 * the smallest value leaving at most `seats` to give: the rest lie in one
 * step of q and are few (about one per party), the heap gives them.
 * Returns the seats still to give. O(n * 63). */
static uint32_t
webster_bulk(uint32_t seats, const int64_t *votes, const int64_t *init,
	     uint32_t n, int64_t *out_seats)
{
	int64_t maxv = 0;
	for (uint32_t i = 0; i < n; i++)
		if (votes[i] > maxv)
			maxv = votes[i];
	if (maxv == 0)
		return seats;
	unsigned bits = 0;
	while (bits < 63 && (maxv >> bits) != 0)
		bits++;
	unsigned k = 63 - bits;
	uint64_t lo = 1, hi = (uint64_t)maxv << k; /* given_above(hi) == 0 */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (given_above(votes, init, n, k, mid, seats) <= seats)
			hi = mid;
		else
			lo = mid + 1;
	}
	uint64_t given = 0;
	for (uint32_t i = 0; i < n; i++) {
		int64_t base = init ? init[i] : 0;
		out_seats[i] = seats_above(votes[i], base, k, lo);
		given += (uint64_t)(out_seats[i] - base);
	}
	return seats - (uint32_t)given;
}

static uint32_t
webster_run(uint32_t seats, const int64_t *votes, const int64_t *init,
	    const char *const *names, uint32_t n, const char *uid,
	    void *scratch, int64_t *out_seats, bool bulk)
{
	if (n == 0)
		return 0;
	struct fs_namekey *keys = scratch;
	uint32_t *heap = (uint32_t *)(keys + n);

	for (uint32_t i = 0; i < n; i++) {
		out_seats[i] = init ? init[i] : 0;
		keys[i] = fs_namekey_make(names[i]);
		heap[i] = i;
	}
	/* out_seats may alias init: the bulk phase reads init[i] before it
	 * writes out_seats[i], and reads no other party's init after */
	if (bulk && seats > 2 * (uint64_t)n)
		seats = webster_bulk(seats, votes, out_seats, n, out_seats);
	struct webster w = {votes, out_seats, keys, fs_webster_uid_descending(uid)};
	/* The best party is at the root; after it takes a seat its priority
	 * only drops, so one sift-down restores the heap. */
	for (uint32_t i = n / 2; i-- > 0;)
		heap_sift_down(&w, heap, n, i);
	for (uint32_t s = 0; s < seats; s++) {
		out_seats[heap[0]]++;
		heap_sift_down(&w, heap, n, 0);
	}
	return seats;
}

uint32_t
fs_webster(uint32_t seats, const int64_t *votes, const int64_t *init,
	   const char *const *names, uint32_t n, const char *uid,
	   void *scratch, int64_t *out_seats)
{
	return webster_run(seats, votes, init, names, n, uid, scratch,
			   out_seats, true);
}

uint32_t
fs_webster_stepwise(uint32_t seats, const int64_t *votes, const int64_t *init,
		    const char *const *names, uint32_t n, const char *uid,
		    void *scratch, int64_t *out_seats)
{
	return webster_run(seats, votes, init, names, n, uid, scratch,
			   out_seats, false);
}
