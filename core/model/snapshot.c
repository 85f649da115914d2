/* model/snapshot.c - cluster snapshots, see snapshot.h */
#include "model/snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "model/cluster.h"
#include "util/buf.h"
#include "util/intern.h"

struct fs_snapshot {
	struct fs_arena arena;
	struct fs_cluster *clusters;
	uint32_t n, cap;
	uint32_t *slots; /* name hash: index + 1, 0 = empty */
	uint32_t n_slots;
	uint64_t generation;
};

static uint64_t last_generation;

static uint32_t
slot_of(const char *name, uint32_t n_slots)
{
	uint64_t h = (uint64_t)(uintptr_t)name * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32) & (n_slots - 1);
}

static void
reindex(struct fs_snapshot *s)
{
	uint32_t want = 16;
	while (want < s->n * 2 + 2)
		want *= 2;
	if (want != s->n_slots) {
		free(s->slots);
		s->slots = fs_xmalloc(want * sizeof *s->slots);
		s->n_slots = want;
	}
	memset(s->slots, 0, s->n_slots * sizeof *s->slots);
	for (uint32_t i = 0; i < s->n; i++) {
		s->clusters[i].index = i;
		uint32_t j = slot_of(s->clusters[i].name, s->n_slots);
		while (s->slots[j])
			j = (j + 1) & (s->n_slots - 1);
		s->slots[j] = i + 1;
	}
}

static int64_t
lookup(const struct fs_snapshot *s, const char *interned)
{
	if (!s->n_slots || !interned)
		return -1;
	uint32_t j = slot_of(interned, s->n_slots);
	while (s->slots[j]) {
		if (s->clusters[s->slots[j] - 1].name == interned)
			return s->slots[j] - 1;
		j = (j + 1) & (s->n_slots - 1);
	}
	return -1;
}

struct fs_snapshot *
fs_snapshot_new(void)
{
	struct fs_snapshot *s = fs_xcalloc(1, sizeof *s);
	s->arena.block_size = 64 * 1024;
	s->generation = ++last_generation;
	return s;
}

void
fs_snapshot_free(struct fs_snapshot *s)
{
	if (!s)
		return;
	fs_arena_release(&s->arena);
	free(s->clusters);
	free(s->slots);
	free(s);
}

struct fs_arena *
fs_snapshot_arena(struct fs_snapshot *s)
{
	return &s->arena;
}

void
fs_snapshot_put(struct fs_snapshot *s, const struct fs_cluster *c)
{
	if (!c || !c->name)
		return; /* decoded views always have a name */
	int64_t at = lookup(s, c->name);
	s->generation = ++last_generation;
	if (at >= 0) {
		s->clusters[at] = *c;
		s->clusters[at].index = (uint32_t)at;
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->clusters = fs_xrealloc(s->clusters, s->cap * sizeof *s->clusters);
	}
	s->clusters[s->n++] = *c;
	if ((s->n * 2 + 2) > s->n_slots) {
		reindex(s);
		return;
	}
	uint32_t i = s->n - 1, j = slot_of(c->name, s->n_slots);
	s->clusters[i].index = i;
	while (s->slots[j])
		j = (j + 1) & (s->n_slots - 1);
	s->slots[j] = i + 1;
}

enum fs_code
fs_snapshot_put_json(struct fs_snapshot *s, const cJSON *obj,
		     struct fs_decode_ctx *ctx)
{
	struct fs_cluster c;
	enum fs_code rc = fs_cluster_decode(obj, &s->arena, &c, ctx);
	if (rc != FS_OK)
		return rc;
	fs_snapshot_put(s, &c);
	return FS_OK;
}

enum fs_code
fs_snapshot_remove(struct fs_snapshot *s, const char *name)
{
	int64_t at = lookup(s, name ? fs_intern_lookup(name, (size_t)-1) : NULL);
	if (at < 0)
		return FS_E_NOTFOUND;
	memmove(&s->clusters[at], &s->clusters[at + 1],
		(s->n - (uint32_t)at - 1) * sizeof *s->clusters);
	s->n--;
	s->generation = ++last_generation;
	reindex(s);
	return FS_OK;
}

uint32_t
fs_snapshot_count(const struct fs_snapshot *s)
{
	return s ? s->n : 0;
}

const struct fs_cluster *
fs_snapshot_at(const struct fs_snapshot *s, uint32_t i)
{
	return s && i < s->n ? &s->clusters[i] : NULL;
}

const struct fs_cluster *
fs_snapshot_find(const struct fs_snapshot *s, const char *name)
{
	if (!s || !name)
		return NULL;
	int64_t at = lookup(s, fs_intern_lookup(name, (size_t)-1));
	return at >= 0 ? &s->clusters[at] : NULL;
}

uint64_t
fs_snapshot_generation(const struct fs_snapshot *s)
{
	return s ? s->generation : 0;
}
