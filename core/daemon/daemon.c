/* daemon/daemon.c - the shell both daemons run in (see daemon.h) */
#include "daemon/daemon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include <fedstate/version.h>

#include "daemon/signals.h"
#include "daemon/watchfile.h"
#include "kube/client.h"
#include "kube/config.h"
#include "kube/leader.h"
#include "net/net.h"
#include "runtime/runtime.h"
#include "util/log.h"

static void
fail(struct fs_buf *err, const char *what, char *msg)
{
	fs_buf_printf(err, "%s: %s", what, msg ? msg : "unknown error");
	free(msg);
}

enum fs_code
fs_daemon_init(struct fs_daemon *d, const struct fs_daemon_flags *flags,
	       const char *component, struct fs_buf *err)
{
	char *msg = NULL;
	enum fs_code rc;

	memset(d, 0, sizeof *d);
	d->component = component;
	d->flags = flags;
	fs_log_set_verbosity(flags->verbosity);
	fs_log_set_format((enum fs_log_format)flags->log_format);
	d->loop = ev_default_loop(0);
	if (!(d->rt = fs_runtime_new(d->loop))) {
		fs_buf_adds(err, "cannot set up the event loop or libcurl");
		return FS_E_INTERNAL;
	}
	struct fs_kube_config_opts ko = {
		.kubeconfig = flags->kubeconfig, .context = flags->context,
		.in_cluster = true,
	};
	if ((rc = fs_kube_config_load(&ko, &d->kcfg, &msg)) != FS_OK) {
		fail(err, "kubeconfig", msg);
		goto out;
	}
	/* one identity for the Lease and the User-Agent, so an API server's
	 * audit log (or the test server's write log) tells replicas apart */
	char host[64] = "unknown";
	gethostname(host, sizeof host - 1);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	snprintf(d->identity, sizeof d->identity, "%s_%08lx", host,
		 (unsigned long)(random() & 0xffffffff));
	snprintf(d->user_agent, sizeof d->user_agent, "%s/%s (%s)", component,
		 FS_VERSION_STRING, d->identity);
	struct fs_kube_client_opts co = {
		/* --kube-api-qps 0 turns the limit off */
		.qps = flags->kube_api_qps > 0 ? flags->kube_api_qps : 1e9,
		.burst = (uint32_t)flags->kube_api_burst,
		.user_agent = d->user_agent,
	};
	d->client = fs_kube_client_new(fs_runtime_net(d->rt), d->kcfg, &co);
	fs_kube_client_share_api_server(d->client, fs_runtime_net(d->rt));
	fs_kube_client_share_api_server(d->client, fs_runtime_cycle_net(d->rt));

	d->metrics = fs_metrics_new();
	static const char *const result[] = {"result", NULL};
	struct fs_metric *reloads = fs_metrics_counter(d->metrics,
		"fedstate_config_reloads_total",
		"Configuration reloads by result (success, error).", result);
	d->reload_ok = fs_metric_series(reloads, (const char *const[]){"success", NULL});
	d->reload_err = fs_metric_series(reloads, (const char *const[]){"error", NULL});
	d->leader_gauge = fs_metric_series(fs_metrics_gauge(d->metrics,
		"fedstate_leader", "1 while this replica holds the Lease.", NULL), NULL);

	d->httpd = fs_httpd_new(d->loop, NULL);
	fs_httpd_set_metrics(d->httpd, d->metrics, NULL, NULL);
	if ((rc = fs_httpd_listen(d->httpd, flags->metrics_bind, FS_HTTPD_METRICS,
				  &msg)) != FS_OK) {
		fail(err, "--metrics-bind-address", msg);
		goto out;
	}
	if ((rc = fs_httpd_listen(d->httpd, flags->health_bind, FS_HTTPD_PROBES,
				  &msg)) != FS_OK) {
		fail(err, "--health-probe-bind-address", msg);
		goto out;
	}
	return FS_OK;
out:
	fs_daemon_release(d);
	return rc;
}

void
fs_daemon_add_ready_check(struct fs_daemon *d, const char *name,
			  fs_httpd_check_fn fn, void *ud)
{
	fs_httpd_add_check(d->httpd, FS_PROBE_READYZ, name, fn, ud);
}

/* ------------------------------------------------------------ leading */

static void
on_started(void *ud)
{
	struct fs_daemon *d = ud;

	d->leading = true;
	fs_metric_set(d->leader_gauge, 1);
	fs_info("daemon", "%s: leading (%s)", d->component,
		d->leader ? fs_kube_leader_identity(d->leader) : "no election");
	if (d->hooks->start && !d->draining)
		d->hooks->start(d->ud);
}

static void
on_stopped(void *ud)
{
	struct fs_daemon *d = ud;

	fs_metric_set(d->leader_gauge, 0);
	if (!d->leading)
		return;
	d->leading = false;
	if (d->hooks->stop)
		d->hooks->stop(d->ud);
	if (d->draining) { /* our own release */
		ev_break(d->loop, EVBREAK_ALL);
		return;
	}
	fs_error("daemon", "%s: lost the leader Lease; exiting so that a fresh "
		 "start rejoins as a follower", d->component);
	d->lost = true;
	fs_daemon_exit(d, 1);
}

static void
on_new_leader(void *ud, const char *identity)
{
	struct fs_daemon *d = ud;

	fs_info("daemon", "%s: the leader is %s", d->component, identity);
}

/* ------------------------------------------------------------ signals */

static void
on_drain(void *ud, int signum)
{
	struct fs_daemon *d = ud;

	(void)signum;
	fs_info("daemon", "%s: draining (signal %d)", d->component, signum);
	d->draining = true;
	if (d->hooks->drain)
		d->hooks->drain(d->ud);
	if (d->leader && d->leading) {
		struct fs_kube_leader *le = d->leader;
		d->leader = NULL;
		fs_kube_leader_stop(le); /* on_stopped ends the loop once released */
		return;
	}
	fs_kube_leader_stop(d->leader);
	d->leader = NULL;
	ev_break(d->loop, EVBREAK_ALL);
}

static void
reload(struct fs_daemon *d, const char *why)
{
	if (d->draining || !d->hooks->reload)
		return;
	fs_info("daemon", "%s: reloading %s (%s)", d->component, d->flags->config, why);
	if (d->hooks->reload(d->ud, d->flags->config)) {
		fs_metric_inc(d->reload_ok);
		fs_info("daemon", "%s: configuration reloaded", d->component);
	} else {
		fs_metric_inc(d->reload_err);
		fs_error("daemon", "%s: the new configuration was refused; the running "
			 "one stays", d->component);
	}
}

static void
on_sighup(void *ud)
{
	reload(ud, "SIGHUP");
}

static void
on_file(void *ud, const char *path)
{
	(void)path;
	reload(ud, "the file changed");
}

int
fs_daemon_run(struct fs_daemon *d, const struct fs_daemon_hooks *hooks, void *ud)
{
	char *msg = NULL;

	d->hooks = hooks;
	d->ud = ud;
	struct fs_signals_opts so = {.on_drain = on_drain, .on_reload = on_sighup, .ud = d};
	d->signals = fs_signals_start(d->loop, &so);
	if (d->flags->config &&
	    !(d->watch = fs_watchfile_new(d->loop, d->flags->config, 0, on_file, d, &msg))) {
		fs_warn("daemon", "%s: not watching the config file: %s (SIGHUP still "
			"reloads)", d->component, msg ? msg : "?");
		free(msg);
	}
	if (d->flags->leader_elect) {
		struct fs_kube_leader_opts lo = {
			.ns = d->flags->lease_namespace, .name = d->flags->lease_name,
			.identity = d->identity,
			.lease_ms = (uint32_t)(d->flags->lease_duration * 1000),
			.renew_deadline_ms = (uint32_t)(d->flags->renew_deadline * 1000),
			.retry_ms = (uint32_t)(d->flags->retry_period * 1000),
			.on_started = on_started, .on_stopped = on_stopped,
			.on_new_leader = on_new_leader, .ud = d,
		};
		d->leader = fs_kube_leader_start(d->client, &lo);
	} else {
		on_started(d);
	}
	ev_run(d->loop, 0);
	return d->exit_code;
}

void
fs_daemon_exit(struct fs_daemon *d, int code)
{
	d->exit_code = code;
	ev_break(d->loop, EVBREAK_ALL);
}

void
fs_daemon_release(struct fs_daemon *d)
{
	fs_watchfile_free(d->watch);
	fs_signals_stop(d->signals);
	if (d->leader) { /* not released: a lost Lease or a fatal stop */
		struct fs_kube_leader *le = d->leader;
		d->leader = NULL;
		d->leading = false; /* on_stopped must not run the hooks now */
		fs_kube_leader_stop(le);
	}
	fs_kube_client_free(d->client);
	fs_httpd_free(d->httpd);
	fs_metrics_free(d->metrics);
	fs_kube_config_free(d->kcfg);
	fs_runtime_free(d->rt);
	memset(d, 0, sizeof *d);
}
