/*
 * testapi/http.c - HTTP/1.1 server for the test API server (see http.h).
 *
 * Output is only ever written from the write watcher, so answering a
 * request never frees the connection under the caller's feet; errors and
 * EOF are handled in the watchers' callbacks.
 */
#include "http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ev.h>

#include "tls.h"

#define MAX_HEAD (64u << 10)
/* kube-apiserver's limit on a request body (MaxRequestBodyBytes) */
#define MAX_BODY (3u << 20)
/* Go's http.Server as kube-apiserver configures it: IdleTimeout 90 s,
 * ReadHeaderTimeout 32 s; and a cap on open connections of our own */
#define IDLE_MS 90000u
#define HEADER_MS 32000u
#define MAX_CONNS 4096u
/* how long an answered connection whose request was not read in full
 * drains input before it closes (so the client reads the answer, not
 * a reset) */
#define LINGER_MS 2000u

struct ta_conn {
	struct ta_server *srv;
	int fd;
	ev_io rio, wio;
	ev_timer delay;
	ev_timer idle;      /* idle, header or linger deadline (conn_arm) */
	ev_tstamp head_at;  /* when the first byte of this request came */
	size_t chunk_used;  /* body bytes decoded so far (chunked) */
	struct fs_buf chunk_body;
	struct ta_tls_conn *tls;
	struct fs_buf in;
	struct fs_buf out;
	size_t out_off;
	bool busy;        /* a request is with the handler */
	bool streaming;
	bool close_after; /* close once the output is flushed */
	bool eof;
	bool linger;  /* drain input after the answer: it was not all read */
	bool draining;
	ta_stream_gone_fn gone;
	void *gone_ud;
	struct ta_req req;
	struct ta_conn *prev, *next;
};

struct ta_server {
	char *host;
	uint16_t port;
	int lfd;
	ev_io lio;
	struct ta_tls *tls;
	ta_handler_fn fn;
	void *ud;
	uint32_t latency_ms;
	uint32_t delayed, delayed_max; /* requests held by the latency now, at most */
	struct ta_conn *conns;
	uint32_t n_conns, refused;
	uint32_t idle_ms, header_ms, max_conns;
	ev_timer resume; /* accepting again after running out of descriptors */
};

static bool conn_process(struct ta_conn *c);
static void conn_arm(struct ta_conn *c);

static void
req_clear(struct ta_req *r)
{
	free(r->method);
	free(r->path);
	free(r->query);
	free(r->content_type);
	free(r->accept);
	free(r->auth);
	free(r->user_agent);
	free(r->body);
	free(r->peer_cn);
	memset(r, 0, sizeof(*r));
}

static void
conn_free(struct ta_conn *c)
{
	struct ev_loop *loop = EV_DEFAULT;
	ev_io_stop(loop, &c->rio);
	ev_io_stop(loop, &c->wio);
	if (ev_is_active(&c->delay))
		c->srv->delayed--;
	ev_timer_stop(loop, &c->delay);
	ev_timer_stop(loop, &c->idle);
	c->srv->n_conns--;
	if (c->prev)
		c->prev->next = c->next;
	else
		c->srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	ta_stream_gone_fn gone = c->gone;
	void *ud = c->gone_ud;
	c->gone = NULL;
	if (c->tls)
		ta_tls_conn_free(c->tls);
	close(c->fd);
	fs_buf_release(&c->in);
	fs_buf_release(&c->chunk_body);
	fs_buf_release(&c->out);
	req_clear(&c->req);
	free(c);
	if (gone)
		gone(ud);
}

static ssize_t
conn_read(struct ta_conn *c, void *buf, size_t n)
{
	if (c->tls)
		return ta_tls_read(c->tls, buf, n);
	ssize_t r = read(c->fd, buf, n);
	if (r < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -1 : -2;
	return r;
}

static ssize_t
conn_write(struct ta_conn *c, const void *buf, size_t n)
{
	if (c->tls)
		return ta_tls_write(c->tls, buf, n);
	ssize_t r = send(c->fd, buf, n, MSG_NOSIGNAL);
	if (r < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -1 : -2;
	return r;
}

static void
conn_want_write(struct ta_conn *c)
{
	ev_io_start(EV_DEFAULT, &c->wio);
}

static void
conn_on_write(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	struct ta_conn *c = w->data;
	while (c->out_off < c->out.len) {
		ssize_t r = conn_write(c, c->out.data + c->out_off,
				       c->out.len - c->out_off);
		if (r == -1)
			return; /* wait for the next writable event */
		if (r <= 0) {
			conn_free(c);
			return;
		}
		c->out_off += (size_t)r;
	}
	fs_buf_reset(&c->out);
	c->out_off = 0;
	ev_io_stop(EV_DEFAULT, &c->wio);
	if (c->close_after && !c->streaming) {
		if (!c->linger || c->tls || c->eof) {
			conn_free(c);
			return;
		}
		/* the answer is out; read what the client still sends until it
		 * closes or LINGER_MS pass, so it reads the answer */
		shutdown(c->fd, SHUT_WR);
		c->draining = true;
		conn_arm(c);
		return;
	}
	if (!c->busy && !conn_process(c))
		return;
	conn_arm(c);
}

/* the connection's one deadline: idle between requests, the rest of the
 * header once a request began, the linger after an error; none while a
 * request is with the handler, a watch streams, or a body arrives */
static void
conn_arm(struct ta_conn *c)
{
	struct ev_loop *loop = EV_DEFAULT;
	struct ta_server *s = c->srv;
	ev_tstamp after;
	ev_timer_stop(loop, &c->idle);
	if (c->draining)
		after = LINGER_MS / 1000.0;
	else if (c->busy || c->streaming || c->close_after)
		return;
	else if (c->in.len == 0)
		after = s->idle_ms / 1000.0;
	else if (!memmem(c->in.data, c->in.len, "\r\n\r\n", 4))
		after = s->header_ms / 1000.0 - (ev_now(loop) - c->head_at);
	else
		return;
	ev_timer_set(&c->idle, after > 0 ? after : 0.001, 0.);
	ev_timer_start(loop, &c->idle);
}

static void
conn_on_idle(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)loop;
	(void)revents;
	conn_free(t->data);
}

static void
conn_dispatch(struct ta_conn *c)
{
	c->srv->fn(c->srv, c, &c->req);
}

static void
conn_on_delay(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)loop;
	(void)revents;
	((struct ta_conn *)t->data)->srv->delayed--;
	conn_dispatch(t->data);
}

static char *
hdr_dup(const char *v, size_t n)
{
	while (n && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	return fs_xstrndup(v, n);
}

static void
conn_bad(struct ta_conn *c, int status, const char *msg)
{
	c->close_after = true;
	c->linger = true; /* the rest of the request may still be coming */
	c->busy = true;
	ta_respond(c, status, "text/plain", msg, strlen(msg), NULL);
}

/* kube-apiserver's answer to a body over MaxRequestBodyBytes */
static void
conn_too_large(struct ta_conn *c)
{
	char body[256];
	int n = snprintf(body, sizeof body,
			 "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
			 "\"status\":\"Failure\",\"message\":\"Request entity too large: "
			 "limit is %u\",\"reason\":\"RequestEntityTooLarge\",\"code\":413}\n",
			 MAX_BODY);
	c->close_after = true;
	c->linger = true;
	c->busy = true;
	ta_respond(c, 413, "application/json", body, (size_t)n, NULL);
}

/* a request not complete yet: wait for more, unless the client is gone
 * (then the connection is freed: false) */
static bool
conn_wait(struct ta_conn *c)
{
	if (!c->eof)
		return true;
	conn_free(c);
	return false;
}

/* Parse one request from c->in if complete and hand it to the handler.
 * false when c was freed. */
static bool
conn_process(struct ta_conn *c)
{
	if (c->busy || c->streaming || c->close_after)
		return true;
	char *head_end = memmem(c->in.data, c->in.len, "\r\n\r\n", 4);
	if (!head_end) {
		if (c->in.len > MAX_HEAD)
			conn_bad(c, 431, "request header too large\n");
		else
			return conn_wait(c);
		return true;
	}
	size_t head_len = (size_t)(head_end - c->in.data) + 4;
	if (head_len > MAX_HEAD) { /* it may all come in one read */
		conn_bad(c, 431, "request header too large\n");
		return true;
	}
	if (memchr(c->in.data, '\0', head_len)) { /* as net/http: not HTTP */
		conn_bad(c, 400, "malformed request: NUL byte in the header\n");
		return true;
	}
	struct ta_req *r = &c->req;
	req_clear(r);
	const char *line = c->in.data;
	const char *eol = memmem(line, head_len, "\r\n", 2);
	const char *sp1 = memchr(line, ' ', (size_t)(eol - line));
	const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
	if (!sp1 || !sp2) {
		conn_bad(c, 400, "malformed request line\n");
		return true;
	}
	r->method = fs_xstrndup(line, (size_t)(sp1 - line));
	const char *target = sp1 + 1;
	const char *q = memchr(target, '?', (size_t)(sp2 - target));
	r->path = ta_pct_decode(target, (size_t)((q ? q : sp2) - target), false);
	r->query = q ? fs_xstrndup(q + 1, (size_t)(sp2 - q - 1)) : fs_xstrdup("");
	bool http10 = !strncmp(sp2 + 1, "HTTP/1.0", 8);
	unsigned long long clen = 0;
	bool chunked = false, conn_close = http10;
	for (const char *h = eol + 2; h < head_end; ) {
		const char *he = memmem(h, (size_t)(head_end + 2 - h), "\r\n", 2);
		const char *colon = memchr(h, ':', (size_t)(he - h));
		if (colon) {
			size_t nl = (size_t)(colon - h);
			const char *v = colon + 1;
			size_t vl = (size_t)(he - v);
#define HDR(name) (nl == sizeof(name) - 1 && !strncasecmp(h, name, nl))
			if (HDR("content-length"))
				clen = strtoull(v, NULL, 10);
			else if (HDR("transfer-encoding"))
				chunked = strcasestr(v, "chunked") && (size_t)(strcasestr(v, "chunked") - v) < vl;
			else if (HDR("connection")) {
				char *cv = hdr_dup(v, vl);
				if (!strcasecmp(cv, "close"))
					conn_close = true;
				else if (!strcasecmp(cv, "keep-alive"))
					conn_close = false;
				free(cv);
			} else if (HDR("content-type"))
				r->content_type = hdr_dup(v, vl);
			else if (HDR("accept"))
				r->accept = hdr_dup(v, vl);
			else if (HDR("authorization"))
				r->auth = hdr_dup(v, vl);
			else if (HDR("user-agent"))
				r->user_agent = hdr_dup(v, vl);
#undef HDR
		}
		h = he + 2;
	}
	if (!r->content_type)
		r->content_type = fs_xstrdup("");
	if (!r->accept)
		r->accept = fs_xstrdup("");
	if (!r->auth)
		r->auth = fs_xstrdup("");
	if (!r->user_agent)
		r->user_agent = fs_xstrdup("");
	size_t used;
	if (chunked) {
		/* decode what came since the last read, not all of it again */
		size_t n;
		int st = ta_chunked_step(c->in.data + head_len + c->chunk_used,
					 c->in.len - head_len - c->chunk_used,
					 &c->chunk_body, MAX_BODY, &n);
		c->chunk_used += n;
		if (st == TA_CHUNKED_BAD) {
			conn_bad(c, 400, "malformed chunked body\n");
			return true;
		}
		if (st == TA_CHUNKED_TOO_LARGE) {
			conn_too_large(c);
			return true;
		}
		if (st == TA_CHUNKED_MORE)
			return conn_wait(c);
		used = head_len + c->chunk_used;
		r->body_len = c->chunk_body.len;
		r->body = fs_buf_detach(&c->chunk_body);
		c->chunk_used = 0;
	} else {
		if (clen > MAX_BODY) {
			conn_too_large(c);
			return true;
		}
		if (c->in.len - head_len < clen)
			return conn_wait(c);
		struct fs_buf body = FS_BUF_INIT;
		fs_buf_add(&body, c->in.data + head_len, (size_t)clen);
		used = head_len + (size_t)clen;
		r->body_len = body.len;
		r->body = fs_buf_detach(&body);
	}
	if (c->tls)
		r->peer_cn = ta_tls_peer_cn(c->tls);
	memmove(c->in.data, c->in.data + used, c->in.len - used);
	c->in.len -= used;
	c->in.data[c->in.len] = '\0';
	c->head_at = ev_now(EV_DEFAULT);
	c->close_after = conn_close;
	c->busy = true;
	if (c->srv->latency_ms) {
		ev_timer_set(&c->delay, c->srv->latency_ms / 1000.0, 0.);
		ev_timer_start(EV_DEFAULT, &c->delay);
		if (++c->srv->delayed > c->srv->delayed_max)
			c->srv->delayed_max = c->srv->delayed;
		return true;
	}
	conn_dispatch(c);
	return true;
}

static void
conn_on_read(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	struct ta_conn *c = w->data;
	char chunk[16384];
	for (;;) {
		ssize_t r = conn_read(c, chunk, sizeof(chunk));
		if (r == -1)
			break;
		if (r <= 0) {
			bool pending = c->out_off < c->out.len; /* an answer to send */
			if (r == -2 || c->streaming || c->draining || (!c->busy && !pending)) {
				conn_free(c);
				return;
			}
			c->eof = true; /* answer the request in flight, then close */
			c->close_after = true;
			ev_io_stop(EV_DEFAULT, &c->rio);
			break;
		}
		/* a watch client has nothing to say; after an error or
		 * "Connection: close" the rest is not read */
		if (c->streaming || c->close_after)
			continue;
		if (c->in.len == 0)
			c->head_at = ev_now(EV_DEFAULT);
		fs_buf_add(&c->in, chunk, (size_t)r);
		/* answer a request as soon as it is complete, and refuse an
		 * oversized one before it is all buffered */
		if (!c->busy && !conn_process(c))
			return;
		if (c->in.len > MAX_HEAD + MAX_BODY) { /* pipelined past a busy request */
			conn_free(c);
			return;
		}
	}
	if (!c->busy && !conn_process(c))
		return;
	conn_arm(c);
}

static void
srv_on_resume(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)revents;
	struct ta_server *s = t->data;
	if (s->lfd >= 0)
		ev_io_start(loop, &s->lio);
}

static void
srv_on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)revents;
	struct ta_server *s = w->data;
	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				/* the pending connection stays in the backlog and the
				 * listener stays readable: stop watching it for a
				 * while instead of spinning on accept */
				if (!s->refused++)
					fprintf(stderr, "fedstate-testapi: accept: %s; "
						"not accepting for 100 ms\n", strerror(errno));
				ev_io_stop(loop, &s->lio);
				ev_timer_set(&s->resume, 0.1, 0.);
				ev_timer_start(loop, &s->resume);
			}
			return;
		}
		if (s->n_conns >= s->max_conns) {
			/* over the cap: closed at once, counted */
			if (!s->refused++)
				fprintf(stderr, "fedstate-testapi: %u connections open, the "
					"most allowed: closing new ones\n", s->n_conns);
			close(fd);
			continue;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		struct ta_conn *c = fs_xcalloc(1, sizeof(*c));
		c->srv = s;
		c->fd = fd;
		fs_buf_init(&c->in);
		fs_buf_init(&c->out);
		fs_buf_init(&c->chunk_body);
		if (s->tls) {
			c->tls = ta_tls_accept(s->tls, fd);
			if (!c->tls) {
				close(fd);
				free(c);
				continue;
			}
		}
		ev_io_init(&c->rio, conn_on_read, fd, EV_READ);
		ev_io_init(&c->wio, conn_on_write, fd, EV_WRITE);
		ev_timer_init(&c->delay, conn_on_delay, 0., 0.);
		ev_timer_init(&c->idle, conn_on_idle, 0., 0.);
		c->rio.data = c->wio.data = c->delay.data = c->idle.data = c;
		c->next = s->conns;
		if (s->conns)
			s->conns->prev = c;
		s->conns = c;
		s->n_conns++;
		ev_io_start(loop, &c->rio);
		conn_arm(c);
	}
}

static bool
srv_listen(struct ta_server *s, char **err)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(s->port)};
	if (inet_pton(AF_INET, s->host, &sa.sin_addr) != 1) {
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "--listen: expected an IPv4 address, got \"%s\"", s->host);
		*err = fs_buf_detach(&b);
		return false;
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 128) < 0) {
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "listen on %s:%u: %s", s->host, s->port, strerror(errno));
		*err = fs_buf_detach(&b);
		if (fd >= 0)
			close(fd);
		return false;
	}
	socklen_t sl = sizeof(sa);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	s->port = ntohs(sa.sin_port);
	s->lfd = fd;
	ev_io_init(&s->lio, srv_on_accept, fd, EV_READ);
	s->lio.data = s;
	ev_io_start(EV_DEFAULT, &s->lio);
	return true;
}

struct ta_server *
ta_server_new(const char *host, uint16_t port,
	      struct ta_tls *tls, ta_handler_fn fn, void *ud,
	      char **err)
{
	struct ta_server *s = fs_xcalloc(1, sizeof(*s));
	s->host = fs_xstrdup(host);
	s->port = port;
	s->tls = tls;
	s->fn = fn;
	s->ud = ud;
	s->lfd = -1;
	s->idle_ms = IDLE_MS;
	s->header_ms = HEADER_MS;
	s->max_conns = MAX_CONNS;
	ev_timer_init(&s->resume, srv_on_resume, 0., 0.);
	s->resume.data = s;
	if (!srv_listen(s, err)) {
		free(s->host);
		free(s);
		return NULL;
	}
	return s;
}

uint16_t ta_server_port(const struct ta_server *s) { return s->port; }
void *ta_server_ud(const struct ta_server *s) { return s->ud; }
void
ta_server_set_latency(struct ta_server *s, uint32_t ms)
{
	s->latency_ms = ms;
	s->delayed_max = s->delayed;
}

uint32_t ta_server_delayed_max(const struct ta_server *s) { return s->delayed_max; }

void
ta_server_set_limits(struct ta_server *s, uint32_t idle_ms, uint32_t header_ms,
		     uint32_t max_conns)
{
	if (idle_ms)
		s->idle_ms = idle_ms;
	if (header_ms)
		s->header_ms = header_ms;
	if (max_conns)
		s->max_conns = max_conns;
}

uint32_t ta_server_refused(const struct ta_server *s) { return s->refused; }

void
ta_server_close_all(struct ta_server *s)
{
	ev_timer_stop(EV_DEFAULT, &s->resume);
	if (s->lfd >= 0) {
		ev_io_stop(EV_DEFAULT, &s->lio);
		close(s->lfd);
		s->lfd = -1;
	}
	while (s->conns)
		conn_free(s->conns);
}

bool
ta_server_reopen(struct ta_server *s, char **err)
{
	return s->lfd >= 0 || srv_listen(s, err);
}

void
ta_server_free(struct ta_server *s)
{
	if (!s)
		return;
	ta_server_close_all(s);
	free(s->host);
	free(s);
}

void
ta_respond(struct ta_conn *c, int status, const char *content_type,
	   const char *body, size_t len, const char *extra_headers)
{
	fs_buf_printf(&c->out,
		      "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		      "Cache-Control: no-cache, private\r\n%s%s\r\n",
		      status, ta_status_text(status), content_type, len,
		      extra_headers ? extra_headers : "",
		      c->close_after ? "Connection: close\r\n" : "");
	fs_buf_add(&c->out, body, len);
	c->busy = false;
	req_clear(&c->req);
	conn_want_write(c);
}

void
ta_stream_begin(struct ta_conn *c, const char *content_type,
		ta_stream_gone_fn gone, void *ud)
{
	fs_buf_printf(&c->out,
		      "HTTP/1.1 200 OK\r\nContent-Type: %s\r\n"
		      "Cache-Control: no-cache, private\r\nTransfer-Encoding: chunked\r\n\r\n",
		      content_type);
	c->streaming = true;
	c->gone = gone;
	c->gone_ud = ud;
	req_clear(&c->req);
	conn_want_write(c);
}

void
ta_stream_send(struct ta_conn *c, const char *data, size_t len)
{
	if (!len)
		return;
	fs_buf_printf(&c->out, "%zx\r\n", len);
	fs_buf_add(&c->out, data, len);
	fs_buf_adds(&c->out, "\r\n");
	conn_want_write(c);
}

void
ta_stream_end(struct ta_conn *c)
{
	fs_buf_adds(&c->out, "0\r\n\r\n");
	c->streaming = false;
	c->busy = false;
	c->gone = NULL;
	conn_want_write(c);
}

void
ta_conn_abort(struct ta_conn *c)
{
	conn_free(c);
}
