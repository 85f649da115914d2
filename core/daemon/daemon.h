/*
 * daemon/daemon.h - the shell both daemons (fedstate scheduler, fedstate
 * ops) run in: one libev loop, the runtime (core/runtime) on it, the
 * Kubernetes client, Lease leader election, the /metrics /healthz /readyz
 * /livez endpoints, signals and hot reload. A controller plugs in with
 * struct fs_daemon_hooks:
 *
 *   struct fs_daemon d;
 *   if (fs_daemon_init(&d, &flags, "fedstate-scheduler", &err) != FS_OK) ...
 *   ctl = my_controller_new(&d);          // informers, queue, metrics
 *   fs_daemon_run(&d, &hooks, ctl);       // until drained; exit code
 *   my_controller_free(ctl);
 *   fs_daemon_release(&d);
 *
 * Leadership: informers run in every replica (so /readyz means "synced"
 * and a new leader starts warm); only the leader writes. The client is
 * fenced until the Lease is won (core/kube/leader.h) and hooks.start runs
 * then; losing the Lease fences every write at once, calls hooks.stop and
 * ends the process with exit code 1 (a fresh start is the only safe
 * follower). With --leader-elect=false start runs at once.
 *
 * Reload: SIGHUP, or a change of the --config file (inotify, including
 * the ConfigMap ..data swap), calls hooks.reload from the loop, between
 * cycles (a cycle never spans loop iterations). The hook builds the new
 * state beside the running one and swaps only on success; a failure is
 * logged by the hook and counted in fedstate_config_reloads_total
 * {result="error"}.
 *
 * Drain: SIGTERM/SIGINT calls hooks.drain (stop taking work), then the
 * Lease is released and the loop ends once the release landed (at most
 * one retry period). A second signal exits at once (daemon/signals.h).
 *
 * Everything here is the daemon's own: no process-wide state beyond the
 * log settings and signal dispositions, which are the process's by
 * nature. Loop thread only.
 */
#ifndef FS_DAEMON_DAEMON_H
#define FS_DAEMON_DAEMON_H

#include <stdbool.h>

#include <fedstate/status.h>

#include "daemon/flags.h"
#include "daemon/httpd.h"
#include "daemon/metrics.h"
#include "util/buf.h"

/* How long a controller's queue worker may run in one turn of the loop
 * before it lets timers and I/O run (the Lease renewal among them). A
 * count alone is not a bound: one scheduling cycle can wait up to the
 * estimator's deadline, and sixteen of them starved the renewal. */
#define FS_DAEMON_TURN_MS 20

struct ev_loop;
struct fs_runtime;
struct fs_kube_client;
struct fs_kube_config;
struct fs_kube_leader;
struct fs_signals;
struct fs_watchfile;

struct fs_daemon_hooks {
	void (*start)(void *ud);  /* we lead: take work and write */
	void (*stop)(void *ud);   /* leadership lost: writes are fenced already */
	void (*drain)(void *ud);  /* SIGTERM: stop taking new work */
	/* rebuild from the config file; false when it was refused (the hook
	 * logged why, file:line:col); the old state keeps running */
	bool (*reload)(void *ud, const char *config_path);
};

struct fs_daemon {
	const char *component;          /* "fedstate-scheduler"; borrowed */
	char identity[96];              /* "<hostname>_<random>": the Lease holder */
	char user_agent[160];           /* "<component>/<version> (<identity>)" */
	const struct fs_daemon_flags *flags; /* borrowed */
	struct ev_loop *loop;
	struct fs_runtime *rt;          /* on loop; plugins run here */
	struct fs_kube_config *kcfg;
	struct fs_kube_client *client;  /* on the runtime's pool */
	struct fs_kube_leader *leader;  /* NULL until run, or without election */
	struct fs_httpd *httpd;
	struct fs_metrics *metrics;     /* the controller adds its families */
	struct fs_signals *signals;
	struct fs_watchfile *watch;
	/* set by the daemon */
	bool leading, draining, lost;
	int exit_code;
	const struct fs_daemon_hooks *hooks;
	void *ud;
	struct fs_metric_series *reload_ok, *reload_err, *leader_gauge;
};

/* Logging from the flags, the kubeconfig (--kubeconfig/--context, else
 * $KUBECONFIG / ~/.kube/config, else in-cluster), the runtime on libev's
 * default loop, the client (--kube-api-qps/--kube-api-burst; its server
 * also the one plugins' FS_HTTP_API_SERVER requests reach), the metrics
 * registry, the endpoints (--metrics-bind-address,
 * --health-probe-bind-address; /livez answers from the start) and the
 * config-file watch. On failure FS_E_* with one line in err; d is then
 * released. */
enum fs_code fs_daemon_init(struct fs_daemon *d, const struct fs_daemon_flags *flags,
			    const char *component, struct fs_buf *err);

/* Register a /readyz (and /healthz) check, e.g. "informer-sync". */
void fs_daemon_add_ready_check(struct fs_daemon *d, const char *name,
			       fs_httpd_check_fn fn, void *ud);

/* Signals, leader election (or start at once), then the loop until the
 * daemon drained or lost the Lease. Returns the process exit code: 0
 * after a drain, 1 after a lost Lease. hooks and ud are borrowed. */
int fs_daemon_run(struct fs_daemon *d, const struct fs_daemon_hooks *hooks, void *ud);

/* Stop the loop from a controller (a fatal error); code is run's result */
void fs_daemon_exit(struct fs_daemon *d, int code);

/* Frees everything init made (the controller is freed before). NULL-safe
 * on a zeroed d. */
void fs_daemon_release(struct fs_daemon *d);

#endif
