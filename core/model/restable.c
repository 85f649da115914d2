/* model/restable.c - interned resource lists, see restable.h */
#include "model/restable.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"

struct entry {
	uint64_t hash;
	const struct fs_resource *r;
	uint32_t n;
};

static struct fs_arena store;   /* the tables; never released */
static struct entry *slots;     /* open addressing; r == NULL is empty */
static uint32_t n_slots, n_used;
static const struct fs_resource empty_table[1];

static uint64_t
hash_of(const struct fs_resource *r, uint32_t n)
{
	uint64_t h = 0xcbf29ce484222325ull ^ n;
	for (uint32_t i = 0; i < n; i++) {
		h = (h ^ (uint64_t)(uintptr_t)r[i].name) * 0x100000001b3ull;
		h = (h ^ (uint64_t)r[i].amount) * 0x100000001b3ull;
	}
	return h ^ (h >> 29);
}

static bool
same(const struct entry *e, uint64_t h, const struct fs_resource *r, uint32_t n)
{
	if (e->hash != h || e->n != n)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (e->r[i].name != r[i].name || e->r[i].amount != r[i].amount)
			return false;
	return true;
}

static void
grow(void)
{
	uint32_t cap = n_slots ? n_slots * 2 : 64;
	struct entry *s = fs_xcalloc(cap, sizeof *s);
	for (uint32_t i = 0; i < n_slots; i++) {
		if (!slots[i].r)
			continue;
		uint32_t j = (uint32_t)slots[i].hash & (cap - 1);
		while (s[j].r)
			j = (j + 1) & (cap - 1);
		s[j] = slots[i];
	}
	free(slots);
	slots = s;
	n_slots = cap;
}

const struct fs_resource *
fs_restable_intern(const struct fs_resource *r, uint32_t n)
{
	if (!n)
		return empty_table;
	if ((n_used + 1) * 2 > n_slots)
		grow();
	uint64_t h = hash_of(r, n);
	uint32_t j = (uint32_t)h & (n_slots - 1);
	for (; slots[j].r; j = (j + 1) & (n_slots - 1))
		if (same(&slots[j], h, r, n))
			return slots[j].r;
	if (!store.block_size)
		store.block_size = 16 * 1024;
	slots[j] = (struct entry){h, fs_arena_memdup(&store, r, n * sizeof *r), n};
	n_used++;
	return slots[j].r;
}

uint32_t
fs_restable_count(void)
{
	return n_used;
}
