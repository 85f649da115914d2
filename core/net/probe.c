/*
 * net/probe.c - background TCP connect probes. A probe is a connect-only
 * transfer on a pool's multi handle, so name resolution (curl's
 * asynchronous resolver) and the connect both run on the loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_internal.h"
#include "util/log.h"

struct fs_probe {
	fs_probe_fn done;
	void *ud;
};

static void
probe_done(void *ud, const struct fs_http_response *r)
{
	struct fs_probe *p = ud;

	p->done(p->ud, r->code, r->error, r->elapsed_ms);
	free(p);
}

struct fs_probe *
fs_tcp_probe(struct fs_net *net, struct fs_owner *owner, const char *host,
	     uint16_t port, uint32_t timeout_ms, fs_probe_fn done, void *ud)
{
	struct fs_probe *p;
	char url[512];
	int n;

	if (!host || !*host || !port || !done) {
		fs_error("net", "tcp probe: expected a host, a port (1-65535) "
			 "and a done callback");
		return NULL;
	}
	/* an IPv6 literal needs brackets in a URL */
	n = snprintf(url, sizeof(url), strchr(host, ':') ? "http://[%s]:%u/"
			  : "http://%s:%u/", host, (unsigned)port);
	if (n < 0 || (size_t)n >= sizeof(url) || strpbrk(host, "/?#@ []")) {
		fs_error("net", "tcp probe: invalid host \"%.64s\"", host);
		return NULL;
	}
	p = fs_xcalloc(1, sizeof(*p));
	p->done = done;
	p->ud = ud;
	if (!fs_http_start_connect(net, owner, url, timeout_ms ? timeout_ms : 5000,
				   probe_done, p)) {
		free(p);
		return NULL;
	}
	return p;
}
