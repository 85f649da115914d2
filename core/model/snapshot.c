/* model/snapshot.c - immutable cluster snapshots, see snapshot.h */
#include "model/snapshot_impl.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/intern.h"

/* one allocation: this header, clusters[n], views[n], slots[n_slots] */
struct fs_snapshot {
	uint32_t refs;
	uint32_t n, n_slots;
	uint64_t generation;
	struct fs_cview **views; /* one reference each */
	uint32_t *slots;         /* name index (snapshot_impl.h) */
	struct fs_cluster clusters[];
};

/* unique ids across every fleet of the process */
static _Atomic uint64_t last_generation;

struct fs_cview *
fs_cview_new(void)
{
	struct fs_cview *v = fs_xcalloc(1, sizeof *v);
	v->refs = 1;
	v->arena.block_size = 1024; /* one block holds a typical cluster */
	return v;
}

void
fs_cview_unref(struct fs_cview *v)
{
	if (!v || --v->refs)
		return;
	fs_arena_release(&v->arena);
	free(v);
}

struct fs_snapshot *
fs_snapshot_make(struct fs_cview *const *views, uint32_t n,
		 const uint32_t *slots, uint32_t n_slots)
{
	size_t size = sizeof(struct fs_snapshot) + n * sizeof(struct fs_cluster) +
		      n * sizeof(struct fs_cview *) + n_slots * sizeof(uint32_t);
	struct fs_snapshot *s = fs_xmalloc(size);
	s->refs = 1;
	s->n = n;
	s->n_slots = n_slots;
	s->generation = atomic_fetch_add(&last_generation, 1) + 1;
	s->views = (struct fs_cview **)(void *)(s->clusters + n);
	s->slots = (uint32_t *)(void *)(s->views + n);
	for (uint32_t i = 0; i < n; i++) {
		s->views[i] = views[i];
		views[i]->refs++;
		s->clusters[i] = views[i]->c;
		s->clusters[i].index = i;
	}
	if (n_slots)
		memcpy(s->slots, slots, n_slots * sizeof *slots);
	return s;
}

struct fs_snapshot *
fs_snapshot_ref(struct fs_snapshot *s)
{
	if (s)
		s->refs++;
	return s;
}

void
fs_snapshot_unref(struct fs_snapshot *s)
{
	if (!s || --s->refs)
		return;
	for (uint32_t i = 0; i < s->n; i++)
		fs_cview_unref(s->views[i]);
	free(s);
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
	int64_t at = fs_cview_find(s->views, s->slots, s->n_slots,
				   fs_intern_lookup(name, (size_t)-1));
	return at >= 0 ? &s->clusters[at] : NULL;
}

uint64_t
fs_snapshot_generation(const struct fs_snapshot *s)
{
	return s ? s->generation : 0;
}
