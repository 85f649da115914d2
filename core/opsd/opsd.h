/*
 * opsd/opsd.h - `fedstate ops`, the online operations controller: it
 * joins informers on the federated middleware kinds, on what their
 * plugins render (selected by fedstate.io/managed-by) and on the member
 * ResourceBindings to a work queue, and reconciles each federated object
 * through the transport-free ops core (core/ops): render, apply the
 * fields we render, prune, status, finalizer. docs/ops.md "Running
 * fedstate ops" is the user's guide.
 *
 *   struct fs_daemon d;  fs_daemon_init(&d, &flags, "fedstate-ops", &err);
 *   struct fs_opsd *o = fs_opsd_new(&d, flags.config, &opts, &err);
 *   int rc = fs_daemon_run(&d, fs_opsd_hooks(), o);
 *   fs_opsd_free(o);  fs_daemon_release(&d);
 *
 * Informers run in every replica (a follower is warm and /readyz means
 * "synced"); reconciles, and so writes, only while leading. Every write
 * is FS_KUBE_LEADER_ONLY.
 *
 * Loop thread only.
 */
#ifndef FS_OPSD_OPSD_H
#define FS_OPSD_OPSD_H

#include <stdint.h>

#include <fedstate/status.h>

#include "daemon/daemon.h"
#include "util/buf.h"

#define FS_OPSD_FINALIZER "fedstate.io/ops"
#define FS_OPSD_FIELD_MANAGER "fedstate-ops"

struct fs_opsd_opts {
	uint32_t workers;   /* reconciles in flight at once; default 4 */
	uint32_t resync_ms; /* every object reconciled again after this; 0: never */
	uint32_t settle_ms; /* re-check delay while a cache or a pass lags; default 200 */
	const char *plugin_dir; /* absolute, searched before the config's pluginDirs; may be NULL (copied) */
	/* where the poison journal lives (plugin/poison.h), a directory that
	 * survives the process; NULL: none kept (borrowed during fs_opsd_new) */
	const char *poison_dir;
};

struct fs_opsd;

/* The controller on daemon d (borrowed: must outlive it): loads the
 * OpsConfiguration at config_path (borrowed), opens its plugins through
 * d's runtime registry, starts the informers and registers the metrics
 * (fedstate_ops_*) and the "informer-sync" ready check. NULL with the
 * reasons in err (file:line:col each). Caller frees with fs_opsd_free
 * before fs_daemon_release. */
struct fs_opsd *fs_opsd_new(struct fs_daemon *d, const char *config_path,
			    const struct fs_opsd_opts *opts, struct fs_buf *err);
void fs_opsd_free(struct fs_opsd *o); /* NULL-safe; cancels what is in flight */

/* start (lead: reconcile), stop, drain, reload (all-or-nothing); static */
const struct fs_daemon_hooks *fs_opsd_hooks(void);

#endif
