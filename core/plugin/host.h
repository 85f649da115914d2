/*
 * plugin/host.h - what the host table needs from the running process.
 *
 * The cluster_* services read whatever cluster set the scheduler (daemon or
 * simulate) installs here; with none installed they report zero clusters.
 */
#ifndef FS_PLUGIN_HOST_H
#define FS_PLUGIN_HOST_H

#include <fedstate/host.h>

struct fs_cluster_source {
	uint32_t (*count)(void *ud);
	const struct fs_cluster *(*at)(void *ud, uint32_t i);
	const struct fs_cluster *(*find)(void *ud, const char *name);
	uint64_t (*generation)(void *ud);
	void *ud;
};

/* src is copied; NULL uninstalls */
void fs_host_set_cluster_source(const struct fs_cluster_source *src);

struct fs_snapshot;
/* serve the cluster_* services from a snapshot (borrowed: it must outlive
 * its use; NULL uninstalls) */
void fs_host_use_snapshot(struct fs_snapshot *snap);

#endif
