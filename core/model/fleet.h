/*
 * model/fleet.h - the mutable cluster cache that watch events (or files)
 * feed, and that publishes immutable snapshots (model/snapshot.h) between
 * scheduling cycles.
 *
 *   struct fs_fleet *f = fs_fleet_new();
 *   fs_fleet_put_json(f, cluster, &ctx);     (a watch ADDED/MODIFIED)
 *   fs_fleet_remove(f, "member2");           (a watch DELETED)
 *   struct fs_snapshot *s = fs_fleet_publish(f);  (before a cycle)
 *   ... the cycle reads s, whatever the fleet does meanwhile ...
 *   fs_snapshot_unref(s);                    (after the cycle)
 *   fs_fleet_free(f);
 *
 * Order: clusters in insertion order; a replaced cluster keeps its
 * position; a removed one is gone from later snapshots only.
 *
 * Cost: a put decodes the object once (never again per publish); publish
 * copies the n small view structs once, and nothing while nothing changed.
 *
 * Memory: each cluster view has its own arena. A replaced or removed view
 * is freed as soon as no published snapshot still shows it. Strings of
 * cluster views are interned and pinned (model/cluster.h).
 *
 * Not thread-safe: the scheduling thread feeds, publishes and reads.
 */
#ifndef FS_MODEL_FLEET_H
#define FS_MODEL_FLEET_H

#include "model/decode.h"
#include "model/snapshot.h"

struct fs_fleet;

struct fs_fleet *fs_fleet_new(void); /* empty; caller frees */
/* NULL-safe; snapshots already published live on until unref'd */
void fs_fleet_free(struct fs_fleet *f);

/* Decode a Cluster object and add it, or replace the cluster of the same
 * name (same position). On a decode problem the fleet is unchanged and
 * FS_E_INVAL is returned (problems reported through ctx). The tree is not
 * referenced afterwards. */
enum fs_code fs_fleet_put_json(struct fs_fleet *f, const cJSON *obj,
			       struct fs_decode_ctx *ctx);
/* Remove by name (need not be interned); later clusters move down one
 * position in later snapshots. FS_E_NOTFOUND when absent. */
enum fs_code fs_fleet_remove(struct fs_fleet *f, const char *name);
uint32_t fs_fleet_count(const struct fs_fleet *f); /* clusters now */
/* readers of files warn of this many Clusters defined more than once one
 * by one, then once with the count of the rest */
#define FS_DUP_SHOWN 10u

/* The current contents as a snapshot: a new reference (caller unrefs).
 * The same snapshot again while nothing changed, a new one (with a new
 * generation) otherwise. */
struct fs_snapshot *fs_fleet_publish(struct fs_fleet *f);

#endif
