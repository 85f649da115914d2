/*
 * net/liveset.c - the set of requests whose done has not run yet, so that
 * fs_http_cancel/fs_http_wait can tell a live handle from a finished one
 * in O(1) without touching freed memory: open addressing on the pointer
 * value, linear probing, backward-shift deletion (no tombstones).
 */
#include <stdlib.h>

#include "net/net_internal.h"

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
fs_liveset_add(struct fs_net *n, const struct fs_http *h)
{
	if ((n->set.n + 1) * 2 > n->set.cap) {
		uint32_t cap = n->set.cap ? n->set.cap * 2 : 64;
		const struct fs_http **slot = fs_xcalloc(cap, sizeof(*slot));

		for (uint32_t i = 0; i < n->set.cap; i++)
			if (n->set.slot[i])
				insert(slot, cap - 1, n->set.slot[i]);
		free(n->set.slot);
		n->set.slot = slot;
		n->set.cap = cap;
	}
	insert(n->set.slot, n->set.cap - 1, h);
	n->set.n++;
}

bool
fs_liveset_has(const struct fs_net *n, const struct fs_http *h)
{
	uint32_t mask = n->set.cap - 1;

	if (!n->set.cap || !h)
		return false;
	for (uint32_t i = home(h, mask); n->set.slot[i]; i = (i + 1) & mask)
		if (n->set.slot[i] == h)
			return true;
	return false;
}

void
fs_liveset_del(struct fs_net *n, const struct fs_http *h)
{
	uint32_t mask = n->set.cap - 1, i, j;

	if (!n->set.cap)
		return;
	for (i = home(h, mask); n->set.slot[i] != h; i = (i + 1) & mask)
		if (!n->set.slot[i])
			return;
	/* shift back the entries of the run that follows, where allowed */
	for (j = (i + 1) & mask; n->set.slot[j]; j = (j + 1) & mask) {
		uint32_t k = home(n->set.slot[j], mask);

		/* move slot j to the hole i unless its home lies in (i, j] */
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			n->set.slot[i] = n->set.slot[j];
			i = j;
		}
	}
	n->set.slot[i] = NULL;
	n->set.n--;
}

void
fs_liveset_release(struct fs_net *n)
{
	free(n->set.slot);
	n->set.slot = NULL;
	n->set.cap = n->set.n = 0;
}
