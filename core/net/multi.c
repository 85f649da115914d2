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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <ev.h>

#include "net/net_internal.h"
#include "util/log.h"

struct sock {
	ev_io io;
	curl_socket_t fd;
	struct fs_net *net;
};

#define NET_OF(w, field) ((struct fs_net *)((char *)(w) - offsetof(struct fs_net, field)))

static void drain(struct fs_net *n);

static void
action(struct fs_net *n, curl_socket_t fd, int mask)
{
	int running = 0;
	CURLMcode mc;

	n->depth++;
	mc = curl_multi_socket_action(n->multi, fd, mask, &running);
	n->depth--;
	if (mc != CURLM_OK)
		fs_error("net", "curl_multi_socket_action: %s",
			 curl_multi_strerror(mc));
	drain(n);
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
	action(s->net, s->fd, mask);
}

static void
timer_expired(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	action(NET_OF(w, timer), CURL_SOCKET_TIMEOUT, 0);
}

static void
kick_fired(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	drain(NET_OF(w, kick));
}

/* CURLMOPT_SOCKETFUNCTION: watch what curl asks for on fd */
static int
on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *sockp)
{
	struct fs_net *n = userp;
	struct sock *s = sockp;
	int events = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (s) {
			ev_io_stop(n->loop, &s->io);
			free(s);
			curl_multi_assign(n->multi, fd, NULL);
		}
		return 0;
	}
	if (!s) {
		s = fs_xcalloc(1, sizeof(*s));
		s->fd = fd;
		s->net = n;
		ev_init(&s->io, io_ready);
		curl_multi_assign(n->multi, fd, s);
	}
	if (what & CURL_POLL_IN)
		events |= EV_READ;
	if (what & CURL_POLL_OUT)
		events |= EV_WRITE;
	/* an active watcher must not be re-initialised: stop first */
	ev_io_stop(n->loop, &s->io);
	ev_io_set(&s->io, fd, events);
	if (events)
		ev_io_start(n->loop, &s->io);
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: (re)arm the one timer; -1 disarms. 0 is armed
 * as a 0 s timer, never handled here: that would re-enter curl. */
static int
on_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct fs_net *n = userp;

	(void)multi;
	ev_timer_stop(n->loop, &n->timer);
	if (timeout_ms >= 0) {
		ev_now_update(n->loop);
		ev_timer_set(&n->timer, (double)timeout_ms / 1000.0, 0.0);
		ev_timer_start(n->loop, &n->timer);
	}
	return 0;
}

struct fs_net *
fs_net_new(struct ev_loop *loop)
{
	struct fs_net *n;

	if (!loop)
		return NULL;
	/* curl_global_init is reference counted and idempotent */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fs_error("net", "cannot initialise libcurl; no HTTP requests possible");
		return NULL;
	}
	n = fs_xcalloc(1, sizeof(*n));
	n->loop = loop;
	if (!(n->multi = curl_multi_init())) {
		fs_error("net", "cannot create a curl multi handle; no HTTP requests possible");
		free(n);
		curl_global_cleanup();
		return NULL;
	}
	curl_multi_setopt(n->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(n->multi, CURLMOPT_SOCKETDATA, n);
	curl_multi_setopt(n->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(n->multi, CURLMOPT_TIMERDATA, n);
	curl_multi_setopt(n->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	/* keep idle connections for the next cycle (one per estimator) */
	curl_multi_setopt(n->multi, CURLMOPT_MAXCONNECTS, 1024L);
	ev_init(&n->timer, timer_expired);
	ev_init(&n->kick, kick_fired);
	return n;
}

struct ev_loop *
fs_net_loop(const struct fs_net *n)
{
	return n->loop;
}

bool
fs_net_in_curl(const struct fs_net *n)
{
	return n->depth > 0;
}

void
fs_net_link(struct fs_http *h)
{
	struct fs_net *n = h->net;

	h->prev = NULL;
	h->next = n->live;
	if (n->live)
		n->live->prev = h;
	n->live = h;
	n->n_live++;
	fs_liveset_add(n, h);
}

bool
fs_net_is_live(const struct fs_net *n, const struct fs_http *h)
{
	return fs_liveset_has(n, h);
}

static void
defer(struct fs_net *n)
{
	n->deferred++;
	if (!ev_is_active(&n->kick)) {
		ev_timer_set(&n->kick, 0.0, 0.0);
		ev_timer_start(n->loop, &n->kick);
	}
}

enum fs_code
fs_net_add(struct fs_http *h)
{
	struct fs_net *n = h->net;
	CURLMcode mc;

	if (n->depth > 0) {
		defer(n);
		return FS_OK;
	}
	mc = curl_multi_add_handle(n->multi, h->easy);
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
	defer(h->net);
}

void
fs_net_remove(struct fs_http *h)
{
	struct fs_net *n = h->net;

	if (h->added) {
		curl_multi_remove_handle(n->multi, h->easy);
		h->added = false;
	}
	if (h->prev)
		h->prev->next = h->next;
	else if (n->live == h)
		n->live = h->next;
	if (h->next)
		h->next->prev = h->prev;
	h->prev = h->next = NULL;
	n->n_live--;
	fs_liveset_del(n, h);
	fs_owned_unlink(&h->own);
	n->requests++;
}

enum fs_code
fs_net_readd(struct fs_http *h)
{
	if (h->added) {
		curl_multi_remove_handle(h->net->multi, h->easy);
		h->added = false;
	}
	return fs_net_add(h);
}

/* one deferred start or cancel, or false when none is left */
static bool
run_one_deferred(struct fs_net *n)
{
	for (struct fs_http *h = n->live; h; h = h->next) {
		if (h->finishing)
			continue;
		if (h->canceled) {
			fs_http_finish(h, CURLE_ABORTED_BY_CALLBACK);
			return true;
		}
		if (!h->added) {
			CURLMcode mc = curl_multi_add_handle(n->multi, h->easy);
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
drain(struct fs_net *n)
{
	CURLMsg *m;
	int left;

	if (n->depth > 0)
		return;
	while ((m = curl_multi_info_read(n->multi, &left))) {
		struct fs_http *h = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&h);
		if (h && !h->finishing) {
			fs_http_finish(h, m->data.result);
			/* done may have freed everything it owned: start over */
		}
	}
	if (n->deferred) {
		n->deferred = 0;
		while (run_one_deferred(n))
			;
	}
}

void
fs_net_stats(const struct fs_net *n, struct fs_net_stats *out)
{
	out->requests = n->requests;
	out->connects = n->connects;
	out->active = n->n_live;
}

void
fs_net_cancel_all(struct fs_net *n)
{
	while (n->live) {
		struct fs_http *h = n->live;

		if (h->finishing) /* inside its own done: cannot go further */
			break;
		h->canceled = true;
		fs_http_finish(h, CURLE_ABORTED_BY_CALLBACK);
	}
}

void
fs_net_free(struct fs_net *n)
{
	if (!n)
		return;
	fs_net_cancel_all(n);
	/* may still call on_socket: the loop stays valid meanwhile */
	curl_multi_cleanup(n->multi);
	ev_timer_stop(n->loop, &n->timer);
	ev_timer_stop(n->loop, &n->kick);
	fs_http_clear_api_server(n);
	fs_net_h2c_reset(n);
	fs_liveset_release(n);
	free(n);
	curl_global_cleanup();
}
