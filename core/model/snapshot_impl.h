/*
 * model/snapshot_impl.h - what snapshot.c and fleet.c share: the
 * reference-counted storage of one decoded cluster, and the name index
 * both keep (open addressing on the interned name pointer: slots hold
 * position + 1, 0 = empty; n_slots a power of two > 2n).
 *
 * Private to core/model.
 */
#ifndef FS_MODEL_SNAPSHOT_IMPL_H
#define FS_MODEL_SNAPSHOT_IMPL_H

#include <stdint.h>

#include "model/snapshot.h"
#include "util/arena.h"

/* one decoded cluster: the view and the arena holding its arrays; shared
 * by the fleet and every snapshot showing it (c.index is not used: each
 * snapshot numbers its own copy) */
struct fs_cview {
	uint32_t refs;
	struct fs_arena arena;
	struct fs_cluster c;
};

struct fs_cview *fs_cview_new(void); /* empty, one reference */
void fs_cview_unref(struct fs_cview *v); /* NULL-safe; the last frees */

/* A new snapshot (one reference) of views[0..n) in that order; every view
 * gets one more reference. slots[0..n_slots) is the name index of exactly
 * these positions (copied). Gets a new generation. */
struct fs_snapshot *fs_snapshot_make(struct fs_cview *const *views, uint32_t n,
				     const uint32_t *slots, uint32_t n_slots);

static inline uint32_t
fs_cview_slot_of(const char *name, uint32_t n_slots)
{
	uint64_t h = (uint64_t)(uintptr_t)name * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32) & (n_slots - 1);
}

/* position of the cluster named `interned` in views[], or -1 */
static inline int64_t
fs_cview_find(struct fs_cview *const *views, const uint32_t *slots,
	      uint32_t n_slots, const char *interned)
{
	if (!n_slots || !interned)
		return -1;
	uint32_t j = fs_cview_slot_of(interned, n_slots);
	while (slots[j]) {
		if (views[slots[j] - 1]->c.name == interned)
			return slots[j] - 1;
		j = (j + 1) & (n_slots - 1);
	}
	return -1;
}

#endif
