/* model/restable.c - interned resource lists, see restable.h */
#include "model/restable.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"

struct entry {
	uint64_t hash;
	const void *p; /* NULL: empty slot */
	size_t len;
};

static struct fs_arena store;   /* the tables; never released */
static struct entry *slots;     /* open addressing; r == NULL is empty */
static uint32_t n_slots, n_used;
static const uint64_t empty_blob[2];

/* FNV-1a over 8-byte words (every blob is a whole number of words) */
static uint64_t
hash_of(const void *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull ^ len;
	const unsigned char *b = p;
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
	}
	return h ^ (h >> 29);
}

static void
grow(void)
{
	uint32_t cap = n_slots ? n_slots * 2 : 64;
	struct entry *s = fs_xcalloc(cap, sizeof *s);
	for (uint32_t i = 0; i < n_slots; i++) {
		if (!slots[i].p)
			continue;
		uint32_t j = (uint32_t)slots[i].hash & (cap - 1);
		while (s[j].p)
			j = (j + 1) & (cap - 1);
		s[j] = slots[i];
	}
	free(slots);
	slots = s;
	n_slots = cap;
}

/* a canonical copy of len bytes (a multiple of 8) */
static const void *
intern_blob(const void *p, size_t len)
{
	if (!len)
		return empty_blob;
	if ((n_used + 1) * 2 > n_slots)
		grow();
	uint64_t h = hash_of(p, len);
	uint32_t j = (uint32_t)h & (n_slots - 1);
	for (; slots[j].p; j = (j + 1) & (n_slots - 1))
		if (slots[j].hash == h && slots[j].len == len &&
		    memcmp(slots[j].p, p, len) == 0)
			return slots[j].p;
	if (!store.block_size)
		store.block_size = 16 * 1024;
	slots[j] = (struct entry){h, fs_arena_memdup(&store, p, len), len};
	n_used++;
	return slots[j].p;
}

const struct fs_resource *
fs_restable_intern(const struct fs_resource *r, uint32_t n)
{
	return intern_blob(r, n * sizeof *r);
}

const struct fs_resource *const *
fs_restable_intern_list(const struct fs_resource *const *t, uint32_t n)
{
	return intern_blob(t, n * sizeof *t);
}

