/*
 * util/sort.h - a stable sort of index arrays with no allocation, for the
 * scheduler's per-binding paths (cluster weights, group orders, names).
 * Header-only so that the comparison is inlined at each use.
 */
#ifndef FS_UTIL_SORT_H
#define FS_UTIL_SORT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Sort idx[0..n) (indices into the caller's arrays) so that no entry is
 * preceded by one that before() puts after it; equal entries keep their
 * order (a bottom-up merge sort). before(ctx, a, b) is true when the item
 * at index a must come before the item at index b (a strict order: false
 * for equal items). tmp: room for n indices. Arrays borrowed. */
static inline void
fs_sort_index(uint32_t *idx, uint32_t *tmp, uint32_t n,
	      bool (*before)(const void *ctx, uint32_t a, uint32_t b),
	      const void *ctx)
{
	uint32_t *src = idx, *dst = tmp;
	for (uint32_t width = 1; width < n; width *= 2) {
		for (uint32_t lo = 0; lo < n; lo += 2 * width) {
			uint32_t mid = lo + width < n ? lo + width : n;
			uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			uint32_t a = lo, b = mid, k = lo;
			while (a < mid && b < hi)
				dst[k++] = before(ctx, src[b], src[a]) ? src[b++]
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

#endif
