/*
 * fleet.h - a set of member clusters for plugin tests: Cluster objects
 * (YAML or JSON, one document each or several separated by ---) decoded by
 * the real decoder (model/cluster.h) and installed as the host's cluster
 * cache (the test runtime, lib/plugin_harness.h), so plugins see them through host->cluster_*.
 *
 *   struct ph_fleet f;
 *   ph_fleet_load(&f, "tests/data/plugins/vip-clusters.yaml");
 *   const struct fs_cluster *a = ph_fleet_get(&f, "member-a");
 *   ...
 *   ph_fleet_release(&f);
 *
 * Paths are relative to the source tree ($FEDSTATE_SRC). A file that does
 * not load or decode fails the calling test with the diagnostics.
 * Clusters are numbered 0..n-1 in file order (fs_cluster.index).
 */
#ifndef FS_TEST_FLEET_H
#define FS_TEST_FLEET_H

#include <stdint.h>

#include <fedstate/types.h>

#include "util/arena.h"

struct ph_fleet {
	struct fs_arena arena;
	struct fs_cluster *c;             /* writable, so tests can edit them */
	const struct fs_cluster **ptrs;   /* &c[i], for pre_filter lists */
	uint32_t n;
	uint64_t generation;              /* what host->cluster_generation says */
};

/* decode the file and install the fleet as the host's cluster cache */
void ph_fleet_load(struct ph_fleet *f, const char *rel_path);
/* the cluster named `name`; fails the test when there is none */
struct fs_cluster *ph_fleet_get(struct ph_fleet *f, const char *name);
/* tell plugins the cache changed (host->cluster_generation moves) */
void ph_fleet_bump(struct ph_fleet *f);
/* uninstall and free; NULL-safe on a zeroed fleet */
void ph_fleet_release(struct ph_fleet *f);

#endif
