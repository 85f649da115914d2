/*
 * net/multi.c - one curl multi handle driven by libev through the
 * multi_socket API.
 *
 * curl tells us which sockets to watch (socket callback -> one ev_io per
 * socket) and when to call it back (timer callback -> one ev_timer); libev
 * tells curl when a socket is ready or the timer expired
 * (curl_multi_socket_action), and after every such action finished
 * transfers are drained with curl_multi_info_read.
 *
 * curl forbids calling the multi API from inside its callbacks, so a
 * request started or canceled while curl is running one of our callbacks
 * (on_data, on_head) is deferred until the action returns.
 */
#include <stdio.h>
#include <stdlib.h>

#include <ev.h>

#include "net/net_internal.h"
#include "util/log.h"

struct sock {
	ev_io io;
	curl_socket_t fd;
};

static struct {
	CURLM *multi;
	bool failed;        /* curl could not be initialised; do not retry */
	ev_timer timer;     /* curl's single timeout */
	ev_timer kick;      /* runs deferred starts/cancels */
	int depth;          /* nesting of curl_multi_socket_action */
	uint32_t deferred;  /* requests waiting for an add or a cancel */
	struct fs_http *live;
	uint32_t n_live;
	uint64_t requests, connects;
} net;

static void drain(void);

static void
action(curl_socket_t fd, int mask)
{
	int running = 0;
	CURLMcode mc;

	net.depth++;
	mc = curl_multi_socket_action(net.multi, fd, mask, &running);
	net.depth--;
	if (mc != CURLM_OK)
		fs_error("net", "curl_multi_socket_action: %s",
			 curl_multi_strerror(mc));
	drain();
}

static void
io_ready(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sock *s = (struct sock *)w;
	int mask = 0;

	(void)loop;
	if (revents & EV_READ)
		mask |= CURL_CSELECT_IN;
	if (revents & EV_WRITE)
		mask |= CURL_CSELECT_OUT;
	if (revents & EV_ERROR)
		mask |= CURL_CSELECT_ERR;
	/* s may be freed during the action (CURL_POLL_REMOVE) */
	action(s->fd, mask);
}

static void
timer_expired(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	action(CURL_SOCKET_TIMEOUT, 0);
}

static void
kick_fired(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	drain();
}

/* CURLMOPT_SOCKETFUNCTION: watch what curl asks for on fd */
static int
on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *sockp)
{
	struct sock *s = sockp;
	int events = 0;

	(void)easy;
	(void)userp;
	if (what == CURL_POLL_REMOVE) {
		if (s) {
			ev_io_stop(fs_loop(), &s->io);
			free(s);
			curl_multi_assign(net.multi, fd, NULL);
		}
		return 0;
	}
	if (!s) {
		s = fs_xcalloc(1, sizeof(*s));
		s->fd = fd;
		ev_init(&s->io, io_ready);
		curl_multi_assign(net.multi, fd, s);
	}
	if (what & CURL_POLL_IN)
		events |= EV_READ;
	if (what & CURL_POLL_OUT)
		events |= EV_WRITE;
	/* an active watcher must not be re-initialised: stop first */
	ev_io_stop(fs_loop(), &s->io);
	ev_io_set(&s->io, fd, events);
	if (events)
		ev_io_start(fs_loop(), &s->io);
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: (re)arm the one timer; -1 disarms. 0 is armed
 * as a 0 s timer, never handled here: that would re-enter curl. */
static int
on_timer(CURLM *multi, long timeout_ms, void *userp)
{
	(void)multi;
	(void)userp;
	ev_timer_stop(fs_loop(), &net.timer);
	if (timeout_ms >= 0) {
		ev_now_update(fs_loop());
		ev_timer_set(&net.timer, (double)timeout_ms / 1000.0, 0.0);
		ev_timer_start(fs_loop(), &net.timer);
	}
	return 0;
}

CURLM *
fs_net_multi(void)
{
	if (net.multi || net.failed)
		return net.multi;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    !(net.multi = curl_multi_init())) {
		fs_error("net", "cannot initialise libcurl; no HTTP requests possible");
		net.failed = true;
		return NULL;
	}
	curl_multi_setopt(net.multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(net.multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(net.multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	/* keep idle connections for the next cycle (one per estimator) */
	curl_multi_setopt(net.multi, CURLMOPT_MAXCONNECTS, 1024L);
	ev_init(&net.timer, timer_expired);
	ev_init(&net.kick, kick_fired);
	return net.multi;
}

bool
fs_net_in_curl(void)
{
	return net.depth > 0;
}

void
fs_net_link(struct fs_http *h)
{
	h->prev = NULL;
	h->next = net.live;
	if (net.live)
		net.live->prev = h;
	net.live = h;
	net.n_live++;
	fs_liveset_add(h);
}

bool
fs_net_is_live(const struct fs_http *h)
{
	return fs_liveset_has(h);
}

static void
defer(void)
{
	net.deferred++;
	if (!ev_is_active(&net.kick)) {
		ev_timer_set(&net.kick, 0.0, 0.0);
		ev_timer_start(fs_loop(), &net.kick);
	}
}

enum fs_code
fs_net_add(struct fs_http *h)
{
	CURLMcode mc;

	if (net.depth > 0) {
		defer();
		return FS_OK;
	}
	mc = curl_multi_add_handle(net.multi, h->easy);
	if (mc != CURLM_OK) {
		fs_error("net", "%s %s: cannot start request: %s", h->method,
			 h->url, curl_multi_strerror(mc));
		return FS_E_INTERNAL;
	}
	h->added = true;
	return FS_OK;
}

void
fs_net_cancel_later(struct fs_http *h)
{
	h->canceled = true;
	defer();
}

void
fs_net_remove(struct fs_http *h)
{
	if (h->added) {
		curl_multi_remove_handle(net.multi, h->easy);
		h->added = false;
	}
	if (h->prev)
		h->prev->next = h->next;
	else if (net.live == h)
		net.live = h->next;
	if (h->next)
		h->next->prev = h->prev;
	h->prev = h->next = NULL;
	net.n_live--;
	fs_liveset_del(h);
	net.requests++;
}

enum fs_code
fs_net_readd(struct fs_http *h)
{
	if (h->added) {
		curl_multi_remove_handle(net.multi, h->easy);
		h->added = false;
	}
	return fs_net_add(h);
}

void
fs_net_count(uint64_t connects)
{
	net.connects += connects;
}

/* one deferred start or cancel, or false when none is left */
static bool
run_one_deferred(void)
{
	for (struct fs_http *h = net.live; h; h = h->next) {
		if (h->finishing)
			continue;
		if (h->canceled) {
			fs_http_finish(h, CURLE_ABORTED_BY_CALLBACK);
			return true;
		}
		if (!h->added) {
			CURLMcode mc = curl_multi_add_handle(net.multi, h->easy);
			if (mc == CURLM_OK) {
				h->added = true;
			} else {
				snprintf(h->errbuf, sizeof(h->errbuf),
					 "cannot start request: %s",
					 curl_multi_strerror(mc));
				fs_http_finish(h, CURLE_FAILED_INIT);
			}
			return true;
		}
	}
	return false;
}

/* completed transfers, then deferred work; never inside a curl callback */
static void
drain(void)
{
	CURLMsg *m;
	int left;

	if (net.depth > 0 || !net.multi)
		return;
	while ((m = curl_multi_info_read(net.multi, &left))) {
		struct fs_http *h = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&h);
		if (h && !h->finishing)
			fs_http_finish(h, m->data.result);
	}
	if (net.deferred) {
		net.deferred = 0;
		while (run_one_deferred())
			;
	}
}

void
fs_net_stats(struct fs_net_stats *out)
{
	out->requests = net.requests;
	out->connects = net.connects;
	out->active = net.n_live;
}

void
fs_net_shutdown(void)
{
	while (net.live) {
		net.live->canceled = true;
		fs_http_finish(net.live, CURLE_ABORTED_BY_CALLBACK);
	}
	if (net.multi) {
		/* may still call on_socket: the loop stays valid meanwhile */
		curl_multi_cleanup(net.multi);
		net.multi = NULL;
	}
	ev_timer_stop(fs_loop(), &net.timer);
	ev_timer_stop(fs_loop(), &net.kick);
	net.deferred = 0;
	fs_http_set_api_server(NULL, NULL);
	fs_net_h2c_reset();
	fs_liveset_release();
}
