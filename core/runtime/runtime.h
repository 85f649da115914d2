/*
 * runtime/runtime.h - the services of one FedState process (or of one
 * test), reached by every plugin instance through its `self` handle, as a
 * Redis module reaches Redis through its context: the event loop, the
 * HTTP pools, the plugin registry, the published cluster snapshot and the
 * scheduling cycle in progress. Nothing here is process-wide: two
 * runtimes, or two profile sets on one runtime, coexist (a hot reload
 * builds the new set beside the running one).
 *
 * Two pools:
 *  - net: on the process loop; the Kubernetes client and plugins'
 *    background work (timers, probes, requests started outside a cycle);
 *  - the cycle pool: on a private loop that only a cycle's waits run.
 *    A request a plugin starts inside a cycle belongs to that cycle: it
 *    progresses only while the cycle waits (host->http_wait), so no
 *    informer, queue, Lease or endpoint callback of the process loop can
 *    run in the middle of a cycle; what is still running when the cycle
 *    ends is canceled (done runs with FS_E_CANCELED).
 *
 * Snapshots: fs_runtime_publish installs the cluster snapshot plugins see;
 * a cycle keeps the one that was published when it began until it ends,
 * whatever is published meanwhile.
 *
 * Threading: the loop thread.
 */
#ifndef FS_RUNTIME_RUNTIME_H
#define FS_RUNTIME_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include <fedstate/status.h>
#include <fedstate/types.h>

#include "plugin/loader.h"

struct ev_loop;
struct fs_net;
struct fs_snapshot;
struct fs_framework;
struct fs_binding;
struct fs_sched_result;

struct fs_runtime;

/* A runtime on `loop` (borrowed; must outlive it); NULL gives the runtime
 * a private loop of its own (offline commands, tests). Its registry
 * searches no directory yet. NULL when libcurl or libev cannot be set up
 * (logged). Caller frees. */
struct fs_runtime *fs_runtime_new(struct ev_loop *loop);
/* Cancels every request of both pools (done callbacks run), frees what
 * the runtime owns. Plugin instances must be retired first. NULL-safe. */
void fs_runtime_free(struct fs_runtime *rt);

struct ev_loop *fs_runtime_loop(const struct fs_runtime *rt);
struct fs_net *fs_runtime_net(const struct fs_runtime *rt);
/* the pool of requests started inside cycles (on the private loop) */
struct fs_net *fs_runtime_cycle_net(const struct fs_runtime *rt);
struct fs_registry *fs_runtime_registry(struct fs_runtime *rt);
/* what plugin instances of this runtime are bound to (loader.h) */
const struct fs_plugin_env *fs_runtime_env(const struct fs_runtime *rt);

/* Install the snapshot plugins see outside cycles and the next cycle
 * starts with; the runtime takes a reference of its own (and a cycle
 * another, to its end), dropped when a newer one is published. NULL
 * uninstalls. */
void fs_runtime_publish(struct fs_runtime *rt, struct fs_snapshot *snap);
struct fs_snapshot *fs_runtime_snapshot(const struct fs_runtime *rt);

/* Where the cluster_* services read from, for callers that keep views of
 * their own (benchmarks, tests): installed like a snapshot (copied; NULL
 * uninstalls); the views must not change while a cycle runs. */
struct fs_cluster_source {
	uint32_t (*count)(void *ud);
	const struct fs_cluster *(*at)(void *ud, uint32_t i);
	const struct fs_cluster *(*find)(void *ud, const char *name);
	uint64_t (*generation)(void *ud);
	void *ud;
};
void fs_runtime_set_source(struct fs_runtime *rt, const struct fs_cluster_source *src);
/* the source the calling context sees now: the cycle's, else the
 * installed one (all NULL when none); borrowed */
const struct fs_cluster_source *fs_runtime_source(const struct fs_runtime *rt);

/* One scheduling cycle of binding b over the published snapshot, with the
 * framework's semantics (sched/framework.h). Refuses re-entry (a cycle
 * started from inside another one: FS_E_INTERNAL, and an assertion in
 * debug builds). The views in *res are the snapshot's. */
enum fs_code fs_runtime_schedule(struct fs_runtime *rt, struct fs_framework *fw,
				 const struct fs_binding *b, unsigned flags,
				 struct fs_sched_result *res);
bool fs_runtime_in_cycle(const struct fs_runtime *rt);

/* The cycle boundary, for callers that run the framework themselves over
 * a cluster array of the pinned snapshot (fs_runtime_cycle_snapshot):
 * begin refuses re-entry as fs_runtime_schedule does. */
enum fs_code fs_runtime_cycle_begin(struct fs_runtime *rt);
struct fs_snapshot *fs_runtime_cycle_snapshot(const struct fs_runtime *rt);
void fs_runtime_cycle_end(struct fs_runtime *rt);

/* The host table (runtime/host.c): the same for every runtime; its
 * services find their runtime through the calling instance. */
const struct fs_host *fs_host_table(void);

#endif
