/*
 * runtime/runtime_internal.h - struct fs_runtime, for runtime.c and the
 * host table (host.c). Not for use outside core/runtime.
 */
#ifndef FS_RUNTIME_RUNTIME_INTERNAL_H
#define FS_RUNTIME_RUNTIME_INTERNAL_H

#include "runtime/runtime.h"

struct fs_runtime {
	struct ev_loop *loop;       /* the process loop (maybe our own) */
	bool own_loop;
	struct fs_net *net;         /* on loop */
	struct ev_loop *cycle_loop; /* private: runs only during cycle waits */
	struct fs_net *cycle_net;
	struct fs_registry registry;
	struct fs_plugin_env env;
	struct fs_snapshot *snap;   /* published (NULL with a custom source) */
	struct fs_snapshot *cycle_snap; /* pinned by the running cycle */
	struct fs_cluster_source src, cycle_src;
	const struct fs_cluster **ptrs; /* views of cycle_snap, for the framework */
	uint32_t cap_ptrs;
	bool in_cycle;
};

/* the runtime of a calling instance; NULL for an unbound one */
struct fs_runtime *fs_runtime_of(const struct fs_plugin *self);

#endif
