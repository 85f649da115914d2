/* model/fleet.c - the mutable cluster cache, see fleet.h */
#include "model/fleet.h"

#include <stdlib.h>
#include <string.h>

#include "model/cluster.h"
#include "model/snapshot_impl.h"
#include "util/buf.h"
#include "util/intern.h"

struct fs_fleet {
	struct fs_cview **views; /* insertion order; one reference each */
	uint32_t n, cap;
	uint32_t *slots;         /* name index of views[] (snapshot_impl.h) */
	uint32_t n_slots;
	/* the last published snapshot while nothing changed since (one
	 * reference), else NULL */
	struct fs_snapshot *published;
};

struct fs_fleet *
fs_fleet_new(void)
{
	return fs_xcalloc(1, sizeof(struct fs_fleet));
}

void
fs_fleet_free(struct fs_fleet *f)
{
	if (!f)
		return;
	fs_snapshot_unref(f->published);
	for (uint32_t i = 0; i < f->n; i++)
		fs_cview_unref(f->views[i]);
	free(f->views);
	free(f->slots);
	free(f);
}

static void
slot_insert(struct fs_fleet *f, uint32_t i)
{
	uint32_t j = fs_cview_slot_of(f->views[i]->c.name, f->n_slots);
	while (f->slots[j])
		j = (j + 1) & (f->n_slots - 1);
	f->slots[j] = i + 1;
}

/* rebuild the name index for positions 0..n-1 */
static void
reindex(struct fs_fleet *f)
{
	uint32_t want = 16;
	while (want < f->n * 2 + 2)
		want *= 2;
	if (want != f->n_slots) {
		free(f->slots);
		f->slots = fs_xmalloc(want * sizeof *f->slots);
		f->n_slots = want;
	}
	memset(f->slots, 0, f->n_slots * sizeof *f->slots);
	for (uint32_t i = 0; i < f->n; i++)
		slot_insert(f, i);
}

/* the contents are about to change: the next publish makes a new snapshot */
static void
changed(struct fs_fleet *f)
{
	fs_snapshot_unref(f->published);
	f->published = NULL;
}

enum fs_code
fs_fleet_put_json(struct fs_fleet *f, const cJSON *obj,
		  struct fs_decode_ctx *ctx)
{
	struct fs_cview *v = fs_cview_new();
	enum fs_code rc = fs_cluster_decode(obj, &v->arena, &v->c, ctx);
	if (rc != FS_OK || !v->c.name) {
		fs_cview_unref(v);
		return rc != FS_OK ? rc : FS_E_INVAL;
	}
	changed(f);
	int64_t at = fs_cview_find(f->views, f->slots, f->n_slots, v->c.name);
	if (at >= 0) {
		fs_cview_unref(f->views[at]);
		f->views[at] = v;
		return FS_OK;
	}
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->views = fs_xrealloc(f->views, f->cap * sizeof *f->views);
	}
	f->views[f->n++] = v;
	if (f->n * 2 + 2 > f->n_slots)
		reindex(f);
	else
		slot_insert(f, f->n - 1);
	return FS_OK;
}

enum fs_code
fs_fleet_remove(struct fs_fleet *f, const char *name)
{
	int64_t at = fs_cview_find(f->views, f->slots, f->n_slots,
				   name ? fs_intern_lookup(name, (size_t)-1) : NULL);
	if (at < 0)
		return FS_E_NOTFOUND;
	changed(f);
	fs_cview_unref(f->views[at]);
	memmove(&f->views[at], &f->views[at + 1],
		(f->n - (uint32_t)at - 1) * sizeof *f->views);
	f->n--;
	reindex(f); /* positions after `at` moved; removals are rare */
	return FS_OK;
}

uint32_t
fs_fleet_count(const struct fs_fleet *f)
{
	return f ? f->n : 0;
}

struct fs_snapshot *
fs_fleet_publish(struct fs_fleet *f)
{
	if (!f->published)
		f->published = fs_snapshot_make(f->views, f->n, f->slots, f->n_slots);
	return fs_snapshot_ref(f->published);
}
