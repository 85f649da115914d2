/*
 * scheduler/scheduler.h - `fedstate scheduler`: the controller that joins
 * the informers (Clusters, ResourceBindings, ClusterResourceBindings and
 * the middleware kinds of the config), the work queue and the scheduling
 * cycle (core/sched, transport-free) to the API server, inside the daemon
 * shell (daemon/daemon.h).
 *
 *  - The cluster cache plugins see is a fleet (model/fleet.h) fed at watch
 *    time: each Cluster change is decoded once; a snapshot is published
 *    before the next cycle when anything changed.
 *  - Which objects and when: sched/decide.h (Karmada's filter and
 *    doScheduleBinding order). Cluster events re-queue only the bindings
 *    they can affect: not scheduled yet, Duplicated (Karmada re-runs those
 *    on every event), or placed on that cluster.
 *  - Queue (kube/queue.h): a key is never in two cycles at once, and stays
 *    "processing" until its writes landed; errors back off 1 s -> 10 s;
 *    unschedulable bindings come back on a cluster change or after 5 min.
 *  - Writes, only as the leader and only what changed (sched/writeback.h):
 *    the spec merge patch carries the resourceVersion it was computed from
 *    (a 409 re-queues and recomputes from the newer object, never
 *    overwrites it), then the /status patch, then Events on the binding
 *    and on its resource template; for middleware objects the
 *    schedulerResult annotation with the generation it was computed for.
 *  - Reload builds the new profile set beside the running one and swaps
 *    between cycles; on failure the old one keeps scheduling.
 *
 * Loop thread only.
 */
#ifndef FS_SCHEDULER_SCHEDULER_H
#define FS_SCHEDULER_SCHEDULER_H

#include <fedstate/status.h>

#include "daemon/daemon.h"
#include "util/buf.h"

struct fs_schedctl;

struct fs_schedctl_opts {
	const char *config;     /* the config file (required) */
	const char *plugin_dir; /* searched before the config's pluginDirs; may be NULL */
	bool no_overcommit_protection; /* --overcommit-protection=false */
	const char *poison_dir; /* --poison-dir (plugin/poison.h); NULL: none */
};

/* Build the controller on daemon d (borrowed; outlives it); o is read
 * during the call. Informers start at once; scheduling starts when the
 * daemon leads. On failure FS_E_CONFIG (the config's diagnostics are
 * printed to stderr) or another code with one line in err. */
enum fs_code fs_schedctl_new(struct fs_daemon *d, const struct fs_schedctl_opts *o,
			     struct fs_schedctl **out, struct fs_buf *err);
void fs_schedctl_free(struct fs_schedctl *c); /* NULL-safe */
/* what fs_daemon_run needs to drive it */
const struct fs_daemon_hooks *fs_schedctl_hooks(void);

#endif
