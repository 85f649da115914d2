/*
 * daemon/httpd.c - listeners, connections and the HTTP/1.1 request head
 * reader of the endpoints server (see httpd.h; answers in httpd_routes.c).
 *
 * A connection is in one of four states; each has its own deadline on the
 * connection's one timer:
 *   HEAD    reading a request head (head_timeout, or idle_timeout while
 *           nothing of the next request has arrived on a kept-alive one)
 *   WRITE   sending an answer; reading paused (write_timeout)
 *   LINGER  answer sent on an error: write side shut, input discarded
 *           until EOF so the client reads the answer instead of a reset
 * The input buffer never holds more than max_head + 1 bytes.
 */
#include "daemon/httpd_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/log.h"

#define LINGER_SECONDS 2.0
#define LINGER_BYTES (1u << 20)

enum conn_state { ST_HEAD, ST_WRITE, ST_LINGER };

struct fs_httpd_conn {
	struct fs_httpd *h;
	struct fs_httpd_conn *prev, *next;
	unsigned serve;
	int fd;
	enum conn_state st;
	bool close_after;
	size_t lingered;
	ev_io rio, wio;
	ev_timer timer;
	struct fs_buf in;
	struct fs_buf out;
	size_t out_off;
};

static void conn_next(struct fs_httpd_conn *c);
static void listeners_resume(struct fs_httpd *h);

static void
conn_free(struct fs_httpd_conn *c)
{
	struct fs_httpd *h = c->h;
	ev_io_stop(h->loop, &c->rio);
	ev_io_stop(h->loop, &c->wio);
	ev_timer_stop(h->loop, &c->timer);
	if (c->prev)
		c->prev->next = c->next;
	else
		h->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	close(c->fd);
	fs_buf_release(&c->in);
	fs_buf_release(&c->out);
	free(c);
	h->nconns--;
	if (h->accept_paused)
		listeners_resume(h);
}

static void
conn_deadline(struct fs_httpd_conn *c, double seconds)
{
	ev_timer_stop(c->h->loop, &c->timer);
	ev_timer_set(&c->timer, seconds, 0.);
	ev_timer_start(c->h->loop, &c->timer);
}

/* queue an answer; reading pauses until it is sent */
static void
conn_answer(struct fs_httpd_conn *c, bool head_only, struct fs_httpd_answer *a)
{
	fs_buf_printf(&c->out,
		      "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		      "Cache-Control: no-cache, private\r\nX-Content-Type-Options: nosniff\r\n"
		      "%s%s\r\n",
		      a->status, fs_httpd_reason(a->status), a->content_type,
		      a->body.len, a->extra ? a->extra : "",
		      c->close_after ? "Connection: close\r\n" : "");
	if (!head_only)
		fs_buf_add(&c->out, a->body.data, a->body.len);
	fs_buf_release(&a->body);
	c->st = ST_WRITE;
	ev_io_stop(c->h->loop, &c->rio);
	ev_io_start(c->h->loop, &c->wio);
	conn_deadline(c, c->h->o.write_timeout);
}

/* an error answer that ends the connection */
static void
conn_fail(struct fs_httpd_conn *c, int status, const char *msg)
{
	struct fs_httpd_answer a = {.status = status,
				    .content_type = "text/plain; charset=utf-8",
				    .body = FS_BUF_INIT};
	fs_buf_printf(&a.body, "%s\n", msg);
	c->close_after = true;
	conn_answer(c, false, &a);
}

/* case-insensitive "name:" at the start of a header line */
static const char *
hdr_value(const char *line, const char *name)
{
	size_t n = strlen(name);
	if (strncasecmp(line, name, n) || line[n] != ':')
		return NULL;
	line += n + 1;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

static bool
is_tchar(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	       (ch >= '0' && ch <= '9') || strchr("!#$%&'*+-.^_`|~", ch);
}

/* Parse the head in c->in[0..len) (NUL-terminated copy in `head`, CRLF
 * lines) and answer it. */
static void
conn_request(struct fs_httpd_conn *c, char *head)
{
	char *save = NULL;
	char *line = strtok_r(head, "\r\n", &save);
	char *sp1 = line ? strchr(line, ' ') : NULL;
	char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strchr(sp2 + 1, ' ') || sp1 == line || sp2 == sp1 + 1) {
		conn_fail(c, 400, "bad request line: expected \"METHOD /path HTTP/1.1\"");
		return;
	}
	*sp1 = *sp2 = '\0';
	const char *method = line, *target = sp1 + 1, *version = sp2 + 1;
	for (const char *p = method; *p; p++)
		if (!is_tchar(*p)) {
			conn_fail(c, 400, "bad request line: the method is not a token");
			return;
		}
	bool http10 = !strcmp(version, "HTTP/1.0");
	if (!http10 && strcmp(version, "HTTP/1.1")) {
		conn_fail(c, strncmp(version, "HTTP/", 5) ? 400 : 505,
			  "unsupported protocol version: expected HTTP/1.1 or HTTP/1.0");
		return;
	}
	bool keep = !http10, has_body = false;
	while ((line = strtok_r(NULL, "\r\n", &save))) {
		const char *v;
		if (*line == ' ' || *line == '\t' || !strchr(line, ':') || *line == ':') {
			conn_fail(c, 400, "bad header line: expected \"Name: value\"");
			return;
		}
		if ((v = hdr_value(line, "Connection"))) {
			if (strcasestr(v, "close"))
				keep = false;
			else if (strcasestr(v, "keep-alive"))
				keep = true;
		} else if ((v = hdr_value(line, "Content-Length"))) {
			has_body |= strspn(v, "0") != strlen(v);
		} else if (hdr_value(line, "Transfer-Encoding")) {
			has_body = true;
		}
	}
	if (has_body) {
		conn_fail(c, 413, "request body not accepted: these endpoints take GET or HEAD without a body");
		return;
	}
	c->close_after = !keep;
	struct fs_httpd_answer a = {.status = 500, .body = FS_BUF_INIT};
	fs_httpd_route(c->h, c->serve, method, target, &a);
	conn_answer(c, !strcmp(method, "HEAD"), &a);
}

/* look for a complete head in the input; answer it or the overflow */
static void
conn_scan(struct fs_httpd_conn *c)
{
	const char *end = memmem(c->in.data, c->in.len, "\r\n\r\n", 4);
	if (!end) {
		if (c->in.len > c->h->o.max_head)
			conn_fail(c, 431, "request header fields too large: the head is limited "
					  "(see the server's max_head)");
		return;
	}
	size_t n = (size_t)(end - c->in.data) + 4;
	if (n - 2 > c->h->o.max_head) {
		conn_fail(c, 431, "request header fields too large: the head is limited "
				  "(see the server's max_head)");
		return;
	}
	char *head = fs_xstrndup(c->in.data, n - 2);
	memmove(c->in.data, c->in.data + n, c->in.len - n);
	c->in.len -= n;
	c->in.data[c->in.len] = '\0';
	conn_request(c, head);
	free(head);
}

static void
conn_on_read(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	struct fs_httpd_conn *c = w->data;
	char buf[4096];
	size_t room = c->st == ST_LINGER ? sizeof(buf) : c->h->o.max_head + 1 - c->in.len;
	if (room > sizeof(buf))
		room = sizeof(buf);
	ssize_t r = recv(c->fd, buf, room, 0);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (r <= 0) {
		conn_free(c); /* EOF or error: nothing more to answer */
		return;
	}
	if (c->st == ST_LINGER) {
		c->lingered += (size_t)r;
		if (c->lingered > LINGER_BYTES)
			conn_free(c);
		return;
	}
	if (!c->in.len)
		conn_deadline(c, c->h->o.head_timeout); /* a request has begun */
	fs_buf_add(&c->in, buf, (size_t)r);
	conn_scan(c);
}

static void
conn_on_write(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)revents;
	struct fs_httpd_conn *c = w->data;
	while (c->out_off < c->out.len) {
		ssize_t r = send(c->fd, c->out.data + c->out_off,
				 c->out.len - c->out_off, MSG_NOSIGNAL);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;
		if (r <= 0) {
			conn_free(c);
			return;
		}
		c->out_off += (size_t)r;
	}
	fs_buf_reset(&c->out);
	c->out_off = 0;
	ev_io_stop(loop, &c->wio);
	if (c->close_after) {
		/* lingering close: the client reads the answer, not a reset */
		shutdown(c->fd, SHUT_WR);
		c->st = ST_LINGER;
		ev_io_start(loop, &c->rio);
		conn_deadline(c, LINGER_SECONDS);
		return;
	}
	conn_next(c);
}

/* ready for the next request of a kept-alive connection */
static void
conn_next(struct fs_httpd_conn *c)
{
	c->st = ST_HEAD;
	ev_io_start(c->h->loop, &c->rio);
	conn_deadline(c, c->in.len ? c->h->o.head_timeout : c->h->o.idle_timeout);
	if (c->in.len)
		conn_scan(c); /* a pipelined request is already here */
}

static void
conn_on_timer(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)loop;
	(void)revents;
	struct fs_httpd_conn *c = t->data;
	if (c->st == ST_HEAD && c->in.len) {
		conn_fail(c, 408, "request timeout: the request head did not arrive in time");
		return;
	}
	conn_free(c); /* idle, a client that does not read, or lingering done */
}

static void
listeners_pause(struct fs_httpd *h, bool pause)
{
	for (struct fs_httpd_listener *l = h->listeners; l; l = l->next)
		if (l->fd >= 0) {
			if (pause)
				ev_io_stop(h->loop, &l->io);
			else
				ev_io_start(h->loop, &l->io);
		}
	h->accept_paused = pause;
}

static void
listeners_resume(struct fs_httpd *h)
{
	if (h->nconns < h->o.max_conns)
		listeners_pause(h, false);
}

static void
on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)revents;
	struct fs_httpd_listener *l = w->data;
	struct fs_httpd *h = l->h;
	while (h->nconns < h->o.max_conns) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				fs_warn("httpd", "accept on %s failed: %s", l->addr, strerror(errno));
			return;
		}
		struct fs_httpd_conn *c = fs_xcalloc(1, sizeof(*c));
		c->h = h;
		c->fd = fd;
		c->serve = l->serve;
		fs_buf_init(&c->in);
		fs_buf_init(&c->out);
		ev_io_init(&c->rio, conn_on_read, fd, EV_READ);
		ev_io_init(&c->wio, conn_on_write, fd, EV_WRITE);
		ev_init(&c->timer, conn_on_timer);
		c->rio.data = c->wio.data = c->timer.data = c;
		c->next = h->conns;
		if (h->conns)
			h->conns->prev = c;
		h->conns = c;
		h->nconns++;
		c->st = ST_HEAD;
		ev_io_start(loop, &c->rio);
		conn_deadline(c, h->o.head_timeout); /* a fresh one must speak first */
	}
	/* full: new connections wait in the kernel's backlog until one closes */
	listeners_pause(h, true);
}

struct fs_httpd *
fs_httpd_new(struct ev_loop *loop, const struct fs_httpd_opts *opts)
{
	struct fs_httpd *h = fs_xcalloc(1, sizeof(*h));
	h->loop = loop;
	if (opts)
		h->o = *opts;
	if (!h->o.max_head)
		h->o.max_head = 8192;
	if (!h->o.max_conns)
		h->o.max_conns = 64;
	if (h->o.head_timeout <= 0)
		h->o.head_timeout = 10;
	if (h->o.idle_timeout <= 0)
		h->o.idle_timeout = 60;
	if (h->o.write_timeout <= 0)
		h->o.write_timeout = 10;
	fs_httpd_add_check(h, FS_PROBE_HEALTHZ | FS_PROBE_READYZ | FS_PROBE_LIVEZ,
			   "ping", NULL, NULL);
	return h;
}

void
fs_httpd_free(struct fs_httpd *h)
{
	if (!h)
		return;
	h->accept_paused = false; /* no resume while tearing down */
	while (h->conns)
		conn_free(h->conns);
	struct fs_httpd_listener *l = h->listeners;
	while (l) {
		struct fs_httpd_listener *n = l->next;
		if (l->fd >= 0) {
			ev_io_stop(h->loop, &l->io);
			close(l->fd);
		}
		free(l->addr);
		free(l);
		l = n;
	}
	for (size_t i = 0; i < h->nchecks; i++)
		free(h->checks[i].name);
	free(h->checks);
	free(h);
}

static char *
errf(const char *addr, const char *what, const char *hint)
{
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "bind address \"%s\": %s%s%s", addr, what, hint ? "; " : "",
		      hint ? hint : "");
	return fs_buf_detach(&b);
}

/* "host:port" -> a socket address; host "" is every interface (IPv6 with
 * IPv4 mapped), "localhost" is 127.0.0.1 (no resolver on the loop) */
static enum fs_code
parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *len, char **err)
{
	static const char *hint = "expected host:port with a numeric host, e.g. \":8080\" or \"127.0.0.1:0\"";
	const char *colon = strrchr(addr, ':');
	if (!colon) {
		*err = errf(addr, "no port", hint);
		return FS_E_INVAL;
	}
	const char *port = colon + 1;
	char *endp = NULL;
	errno = 0;
	unsigned long p = strtoul(port, &endp, 10);
	if (!*port || *endp || errno || p > 65535 || *port == '-' || *port == '+') {
		*err = errf(addr, "the port is not a number from 0 to 65535", hint);
		return FS_E_INVAL;
	}
	size_t hl = (size_t)(colon - addr);
	char host[64];
	if (hl >= sizeof(host)) {
		*err = errf(addr, "the host is too long", hint);
		return FS_E_INVAL;
	}
	memcpy(host, addr, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1) {
			*err = errf(addr, "not an IPv6 address in the brackets", hint);
			return FS_E_INVAL;
		}
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*s6);
		return FS_OK;
	}
	if (!*host) {
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_any;
		s6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*s6);
		return FS_OK;
	}
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &s4->sin_addr) != 1) {
		*err = errf(addr, "the host is not a numeric IPv4 address", hint);
		return FS_E_INVAL;
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)p);
	*len = sizeof(*s4);
	return FS_OK;
}

static int
open_listener(const char *addr, struct sockaddr_storage *ss, socklen_t len,
	      uint16_t *port, char **err)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 && ss->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)ss)->sin6_addr)) {
		/* no IPv6 here: every IPv4 interface instead */
		uint16_t p = ((struct sockaddr_in6 *)ss)->sin6_port;
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		memset(ss, 0, sizeof(*ss));
		s4->sin_family = AF_INET;
		s4->sin_port = p;
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
		len = sizeof(*s4);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	}
	int one = 1, zero = 0;
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ss->ss_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)ss, len) < 0 || listen(fd, 64) < 0) {
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "cannot listen: %s", strerror(errno));
		*err = errf(addr, b.data, "is another process on that port?");
		fs_buf_release(&b);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct sockaddr_storage got;
	socklen_t gl = sizeof(got);
	getsockname(fd, (struct sockaddr *)&got, &gl);
	*port = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
						: ((struct sockaddr_in *)&got)->sin_port);
	return fd;
}

enum fs_code
fs_httpd_listen(struct fs_httpd *h, const char *addr, unsigned serve, char **err)
{
	*err = NULL;
	if (!addr || !strcmp(addr, "0"))
		return FS_OK;
	for (struct fs_httpd_listener *l = h->listeners; l; l = l->next)
		if (!strcmp(l->addr, addr)) {
			l->serve |= serve;
			return FS_OK;
		}
	struct sockaddr_storage ss;
	socklen_t len;
	enum fs_code rc = parse_addr(addr, &ss, &len, err);
	if (rc != FS_OK)
		return rc;
	uint16_t port = 0;
	int fd = open_listener(addr, &ss, len, &port, err);
	if (fd < 0)
		return FS_E_IO;
	struct fs_httpd_listener *l = fs_xcalloc(1, sizeof(*l));
	l->h = h;
	l->addr = fs_xstrdup(addr);
	l->serve = serve;
	l->fd = fd;
	l->port = port;
	ev_io_init(&l->io, on_accept, fd, EV_READ);
	l->io.data = l;
	if (!h->accept_paused)
		ev_io_start(h->loop, &l->io);
	l->next = h->listeners;
	h->listeners = l;
	fs_debug("httpd", "listening on %s (port %u)", addr, port);
	return FS_OK;
}

uint16_t
fs_httpd_port(const struct fs_httpd *h, unsigned what)
{
	for (const struct fs_httpd_listener *l = h->listeners; l; l = l->next)
		if (l->serve & what)
			return l->port;
	return 0;
}

void
fs_httpd_set_metrics(struct fs_httpd *h, const struct fs_metrics *m,
		     fs_httpd_scrape_fn on_scrape, void *ud)
{
	h->metrics = m;
	h->on_scrape = on_scrape;
	h->scrape_ud = ud;
}

unsigned
fs_httpd_conns(const struct fs_httpd *h)
{
	return h->nconns;
}
