/*
 * daemon/httpd_int.h - what the endpoints server's two files share: the
 * server struct (httpd.c: sockets, connections, limits) and the router
 * (httpd_routes.c: /metrics and the probes). Private to core/daemon.
 */
#ifndef FS_DAEMON_HTTPD_INT_H
#define FS_DAEMON_HTTPD_INT_H

#include <ev.h>

#include "daemon/httpd.h"

struct fs_httpd_conn;

struct fs_httpd_check {
	char *name;
	unsigned probes;
	fs_httpd_check_fn fn; /* NULL: the built-in "ping" */
	void *ud;
};

struct fs_httpd_listener {
	struct fs_httpd *h;
	struct fs_httpd_listener *next;
	char *addr; /* as given */
	unsigned serve;
	int fd;
	uint16_t port;
	ev_io io;
};

struct fs_httpd {
	struct ev_loop *loop;
	struct fs_httpd_opts o;
	struct fs_httpd_listener *listeners;
	struct fs_httpd_conn *conns;
	unsigned nconns;
	bool accept_paused; /* at max_conns: listeners stopped */
	struct fs_httpd_check *checks;
	size_t nchecks;
	const struct fs_metrics *metrics;
	fs_httpd_scrape_fn on_scrape;
	void *scrape_ud;
};

/* One answer, filled by the router */
struct fs_httpd_answer {
	int status;
	const char *content_type; /* static */
	const char *extra;        /* static extra header lines ("" or "X: y\r\n") */
	struct fs_buf body;
};

/* Answer a GET/HEAD/other request for `target` (path and query, NUL-
 * terminated, borrowed) on a listener serving `serve`. */
void fs_httpd_route(struct fs_httpd *h, unsigned serve, const char *method,
		    const char *target, struct fs_httpd_answer *a);

const char *fs_httpd_reason(int status); /* "Not Found" */

#endif
