/*
 * model/snapshot.h - one consistent set of cluster views: clusters in input
 * order (view->index = position), lookup by name, a generation that
 * changes with every change, and one arena holding every view.
 *
 * Plugins see a snapshot through host->cluster_* once it is installed with
 * fs_host_use_snapshot() (plugin/host.h). Installing a new snapshot does not
 * free the old one: the caller frees it once no cycle uses it any more.
 *
 * Not thread-safe: the scheduling thread builds, installs and reads.
 */
#ifndef FS_MODEL_SNAPSHOT_H
#define FS_MODEL_SNAPSHOT_H

#include <stdint.h>

#include "model/decode.h"

struct fs_snapshot;

struct fs_snapshot *fs_snapshot_new(void); /* empty; caller frees */
void fs_snapshot_free(struct fs_snapshot *s); /* NULL-safe */

/* Decode a Cluster object and add it; a cluster of the same name is
 * replaced in place (same index). On a decode problem the snapshot is
 * unchanged and FS_E_INVAL is returned (problems reported through ctx). */
enum fs_code fs_snapshot_put_json(struct fs_snapshot *s, const cJSON *obj,
				  struct fs_decode_ctx *ctx);
/* Add an already decoded view (copied shallowly: its arrays must live as
 * long as the snapshot, e.g. in fs_snapshot_arena(s)). Same replace rule. */
void fs_snapshot_put(struct fs_snapshot *s, const struct fs_cluster *c);
/* Remove by name; later clusters move down one index. FS_E_NOTFOUND when
 * absent. */
enum fs_code fs_snapshot_remove(struct fs_snapshot *s, const char *name);
struct fs_arena *fs_snapshot_arena(struct fs_snapshot *s);

uint32_t fs_snapshot_count(const struct fs_snapshot *s);
const struct fs_cluster *fs_snapshot_at(const struct fs_snapshot *s, uint32_t i);
/* name need not be interned; NULL when absent */
const struct fs_cluster *fs_snapshot_find(const struct fs_snapshot *s,
					  const char *name);
/* process-wide unique per change: two different contents never share one */
uint64_t fs_snapshot_generation(const struct fs_snapshot *s);


#endif
