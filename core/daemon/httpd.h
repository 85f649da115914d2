/*
 * daemon/httpd.h - the daemons' endpoints server: GET/HEAD /metrics
 * (Prometheus text 0.0.4), /healthz, /readyz, /livez (kube-apiserver
 * style, with caller-registered checks), on a libev loop the caller owns.
 *
 * A small HTTP/1.1 server of our own, not a general one: requests carry
 * no body, answers are generated whole in memory. Everything is bounded:
 * request head size (431 past it), connection count (503 and close past
 * it), time to send a complete head (408), idle keep-alive time, time for
 * the client to take the answer. Sockets are non-blocking and every read
 * and write is driven by the loop, so a slow client never blocks it.
 * Single-threaded: call everything from the loop's thread.
 *
 * Answers: 200 or 500 for a probe; 404 for any other path; 405 (with
 * Allow: GET, HEAD) for other methods on a known path; 400 for a
 * malformed head; 413 for a request with a body; 505 for a version other
 * than HTTP/1.0 or 1.1.
 */
#ifndef FS_DAEMON_HTTPD_H
#define FS_DAEMON_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fedstate/status.h>

#include "util/buf.h"

struct ev_loop;
struct fs_httpd;
struct fs_metrics;

/* What a listener serves (a bit set) */
enum fs_httpd_serve {
	FS_HTTPD_METRICS = 1u << 0, /* /metrics */
	FS_HTTPD_PROBES = 1u << 1,  /* /healthz /readyz /livez */
};

/* Which probes a check belongs to (a bit set). As in kube-apiserver,
 * /healthz runs every check whatever its bits say. */
enum fs_httpd_probe {
	FS_PROBE_HEALTHZ = 1u << 0,
	FS_PROBE_READYZ = 1u << 1,
	FS_PROBE_LIVEZ = 1u << 2,
};

/* Limits; a zero field takes the default shown */
struct fs_httpd_opts {
	size_t max_head;        /* request line + headers, bytes: 8192 */
	unsigned max_conns;     /* open connections over all listeners: 64 */
	double head_timeout;    /* seconds to send a complete head: 10 */
	double idle_timeout;    /* seconds idle between keep-alive requests: 60 */
	double write_timeout;   /* seconds for the client to take an answer: 10 */
};

/* A health check: true when healthy; else write why into `reason`
 * (one line, no secrets). Runs on the loop during a request: keep it
 * cheap and never block. */
typedef bool (*fs_httpd_check_fn)(void *ud, struct fs_buf *reason);
/* Called before each /metrics answer, e.g. to set queue-depth gauges */
typedef void (*fs_httpd_scrape_fn)(void *ud);

/* loop borrowed (must outlive the server); opts copied (NULL: defaults).
 * Caller frees with fs_httpd_free. */
struct fs_httpd *fs_httpd_new(struct ev_loop *loop, const struct fs_httpd_opts *opts);
/* Closes every listener and connection; NULL-safe. */
void fs_httpd_free(struct fs_httpd *h);

/* Listen on `addr` ("host:port", ":port" for every interface, "[::1]:port";
 * port 0 picks a free port) for what `serve` says. The same addr string
 * given twice adds to the same listener, so --metrics-bind-address and
 * --health-probe-bind-address may name one port. "0" disables (FS_OK,
 * nothing opened), as Karmada's flags do. On failure returns FS_E_INVAL
 * (bad address) or FS_E_IO (bind/listen) and sets *err (caller frees) to
 * a message naming the address. */
enum fs_code fs_httpd_listen(struct fs_httpd *h, const char *addr,
			     unsigned serve, char **err);
/* The port of the listener serving `what` (one FS_HTTPD_* bit); 0 when
 * none does. Tells the port that port 0 picked. */
uint16_t fs_httpd_port(const struct fs_httpd *h, unsigned what);

/* The registry /metrics exposes (borrowed; NULL: an empty answer) and an
 * optional hook run before each scrape. */
void fs_httpd_set_metrics(struct fs_httpd *h, const struct fs_metrics *m,
			  fs_httpd_scrape_fn on_scrape, void *ud);

/* Register a check named `name` (copied; [a-z0-9-] as kube's, unique)
 * for the probes in `probes`. fn and ud are borrowed until fs_httpd_free.
 * A probe with no check answers "ok". FS_E_INVAL for a bad or taken name.
 * Answers: non-verbose success "ok"; with ?verbose (or on failure) one
 * line per check, "[+]name ok" or "[-]name failed: reason" (the reason
 * only with ?verbose, else "reason withheld"), then "<probe> check
 * passed|failed". /<probe>/<name> runs that check alone. */
enum fs_code fs_httpd_add_check(struct fs_httpd *h, unsigned probes,
				const char *name, fs_httpd_check_fn fn, void *ud);

/* Open connections now (for tests and a gauge) */
unsigned fs_httpd_conns(const struct fs_httpd *h);

#endif
