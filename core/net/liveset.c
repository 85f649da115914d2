/*
 * net/liveset.c - the set of requests whose done has not run yet, so that
 * fs_http_cancel/fs_http_wait can tell a live handle from a finished one
 * in O(1) without touching freed memory: open addressing on the pointer
 * value, linear probing, backward-shift deletion (no tombstones).
 */
#include <stdlib.h>

#include "net/net_internal.h"

static struct {
	const struct fs_http **slot;
	uint32_t cap, n; /* cap: a power of two */
} set;

static uint32_t
home(const struct fs_http *h, uint32_t mask)
{
	uint64_t v = (uint64_t)(uintptr_t)h;

	v ^= v >> 31;
	v *= 0x9e3779b97f4a7c15ULL;
	return (uint32_t)(v >> 32) & mask;
}

static void
insert(const struct fs_http **slot, uint32_t mask, const struct fs_http *h)
{
	uint32_t i = home(h, mask);

	while (slot[i])
		i = (i + 1) & mask;
	slot[i] = h;
}

void
fs_liveset_add(const struct fs_http *h)
{
	if ((set.n + 1) * 2 > set.cap) {
		uint32_t cap = set.cap ? set.cap * 2 : 64;
		const struct fs_http **slot = fs_xcalloc(cap, sizeof(*slot));

		for (uint32_t i = 0; i < set.cap; i++)
			if (set.slot[i])
				insert(slot, cap - 1, set.slot[i]);
		free(set.slot);
		set.slot = slot;
		set.cap = cap;
	}
	insert(set.slot, set.cap - 1, h);
	set.n++;
}

bool
fs_liveset_has(const struct fs_http *h)
{
	uint32_t mask = set.cap - 1;

	if (!set.cap || !h)
		return false;
	for (uint32_t i = home(h, mask); set.slot[i]; i = (i + 1) & mask)
		if (set.slot[i] == h)
			return true;
	return false;
}

void
fs_liveset_del(const struct fs_http *h)
{
	uint32_t mask = set.cap - 1, i, j;

	if (!set.cap)
		return;
	for (i = home(h, mask); set.slot[i] != h; i = (i + 1) & mask)
		if (!set.slot[i])
			return;
	/* shift back the entries of the run that follows, where allowed */
	for (j = (i + 1) & mask; set.slot[j]; j = (j + 1) & mask) {
		uint32_t k = home(set.slot[j], mask);

		/* move slot j to the hole i unless its home lies in (i, j] */
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			set.slot[i] = set.slot[j];
			i = j;
		}
	}
	set.slot[i] = NULL;
	set.n--;
}

void
fs_liveset_release(void)
{
	free(set.slot);
	set.slot = NULL;
	set.cap = set.n = 0;
}
