/*
 * model/snapshot.h - one immutable, reference-counted set of cluster
 * views: clusters in fleet order (view->index = position in this
 * snapshot), lookup by name, and a generation.
 *
 * Snapshots are made by a fleet (model/fleet.h) and never change: nothing
 * the fleet does afterwards (puts, replacements, removals) changes what a
 * snapshot shows, so a scheduling cycle holds the one it started with to
 * its end. Each snapshot holds its struct fs_cluster array by value (so
 * `index` is right in each), pointing at per-cluster storage that the
 * snapshots and the fleet share by reference count; a view's memory is
 * freed with the last snapshot (or fleet) that uses it.
 *
 * Plugins see a snapshot through host->cluster_* once it is installed with
 * fs_runtime_publish() (runtime/runtime.h), which takes a reference of its
 * own; a cycle holds one to its end.
 *
 * Strings of cluster views are interned and pinned (model/cluster.h).
 * Not thread-safe: the scheduling thread publishes, holds and reads.
 */
#ifndef FS_MODEL_SNAPSHOT_H
#define FS_MODEL_SNAPSHOT_H

#include <stdint.h>

#include <fedstate/types.h>

struct fs_snapshot;

/* one more reference; returns s (NULL-safe) */
struct fs_snapshot *fs_snapshot_ref(struct fs_snapshot *s);
/* drop one reference; the last frees the snapshot and the views no other
 * snapshot or fleet uses (NULL-safe) */
void fs_snapshot_unref(struct fs_snapshot *s);

uint32_t fs_snapshot_count(const struct fs_snapshot *s); /* NULL: 0 */
/* the cluster at position i (its index is i); NULL past the end. Valid as
 * long as the caller's reference to s. */
const struct fs_cluster *fs_snapshot_at(const struct fs_snapshot *s, uint32_t i);
/* name need not be interned; NULL when absent */
const struct fs_cluster *fs_snapshot_find(const struct fs_snapshot *s,
					  const char *name);
/* process-wide unique per published content: two snapshots with different
 * contents never share one; 0 for NULL */
uint64_t fs_snapshot_generation(const struct fs_snapshot *s);

#endif
