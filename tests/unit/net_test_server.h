/*
 * net_test_server.h - a tiny HTTP/1.1 server for test_net.c, running in a
 * thread of the test process on 127.0.0.1 (ephemeral port), keep-alive,
 * one poll loop. Paths:
 *   /hello        200 "hello world" (header X-Test: yes)
 *   /echo         201 with the request body, X-Echo = the request's X-Echo
 *   /auth         200 with the Authorization header it got
 *   /big          200 with 100000 bytes
 *   /gate/N       held until N /gate requests are pending at once (or 5 s),
 *                 then all answered "gate"; srv.max_gate records the most
 *                 ever pending, which proves concurrency by counting
 *   /slow         never answered
 * Included by test_net.c only (static functions).
 */
#ifndef FS_TEST_NET_SERVER_H
#define FS_TEST_NET_SERVER_H

#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "net/net.h"

#define MAXC 64

struct conn {
	int fd;
	char buf[8192];
	size_t len;
	bool gated; /* holds a /gate request */
	int gate_n;
};

static struct {
	int lfd, wake[2];
	uint16_t port;
	pthread_t th;
	pthread_mutex_t mu;
	struct conn c[MAXC];
	int accepted, max_gate;
	int64_t gate_since;
} srv;

static void
srv_reply(int fd, const char *status, const char *extra, const char *body, size_t blen)
{
	char head[512];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %s\r\nContent-Length: %zu\r\nX-Test: yes\r\n%s\r\n",
			 status, blen, extra);
	if (write(fd, head, (size_t)n) < 0 || (blen && write(fd, body, blen) < 0))
		return;
}

static const char *
find_header(const char *req, const char *name, char *out, size_t outlen)
{
	const char *p = strcasestr(req, name);
	size_t i = 0;

	if (!p)
		return NULL;
	p += strlen(name);
	while (*p == ' ')
		p++;
	while (*p && *p != '\r' && i + 1 < outlen)
		out[i++] = *p++;
	out[i] = '\0';
	return out;
}

static void
release_gate(void)
{
	for (int i = 0; i < MAXC; i++)
		if (srv.c[i].fd >= 0 && srv.c[i].gated) {
			srv.c[i].gated = false;
			srv_reply(srv.c[i].fd, "200 OK", "", "gate", 4);
		}
}

/* handle one complete request in c->buf; false: keep waiting for bytes */
static bool
srv_request(struct conn *c)
{
	char *end = strstr(c->buf, "\r\n\r\n"), hv[256], path[256] = "";
	size_t clen = 0, total;
	int pending = 0;

	if (!end)
		return false;
	if (find_header(c->buf, "content-length:", hv, sizeof(hv)))
		clen = strtoul(hv, NULL, 10);
	total = (size_t)(end + 4 - c->buf) + clen;
	if (c->len < total)
		return false;
	sscanf(c->buf, "%*s %255s", path);
	if (strcmp(path, "/hello") == 0) {
		srv_reply(c->fd, "200 OK", "", "hello world", 11);
	} else if (strcmp(path, "/echo") == 0) {
		char extra[300] = "";
		if (find_header(c->buf, "x-echo:", hv, sizeof(hv)))
			snprintf(extra, sizeof(extra), "X-Echo: %s\r\n", hv);
		srv_reply(c->fd, "201 Created", extra, end + 4, clen);
	} else if (strcmp(path, "/auth") == 0) {
		const char *a = find_header(c->buf, "authorization:", hv, sizeof(hv));
		srv_reply(c->fd, "200 OK", "", a ? a : "", a ? strlen(a) : 0);
	} else if (strcmp(path, "/big") == 0) {
		static char big[100000];
		memset(big, 'x', sizeof(big));
		srv_reply(c->fd, "200 OK", "", big, sizeof(big));
	} else if (strncmp(path, "/gate/", 6) == 0) {
		c->gated = true;
		c->gate_n = atoi(path + 6);
		for (int i = 0; i < MAXC; i++)
			pending += srv.c[i].fd >= 0 && srv.c[i].gated;
		if (pending > srv.max_gate)
			srv.max_gate = pending;
		if (pending == 1)
			srv.gate_since = fs_now_ms();
		if (pending >= c->gate_n)
			release_gate();
	} else if (strcmp(path, "/slow") != 0) {
		srv_reply(c->fd, "404 Not Found", "", "", 0);
	}
	memmove(c->buf, c->buf + total, c->len - total);
	c->len -= total;
	c->buf[c->len] = '\0';
	return true;
}

static void *
srv_main(void *arg)
{
	(void)arg;
	for (;;) {
		struct pollfd p[MAXC + 2];
		int n = 0, map[MAXC + 2];

		p[n].fd = srv.wake[0], p[n++].events = POLLIN;
		p[n].fd = srv.lfd, p[n++].events = POLLIN;
		for (int i = 0; i < MAXC; i++)
			if (srv.c[i].fd >= 0)
				map[n] = i, p[n].fd = srv.c[i].fd, p[n++].events = POLLIN;
		poll(p, (nfds_t)n, 100);
		pthread_mutex_lock(&srv.mu);
		if (srv.gate_since && fs_now_ms() - srv.gate_since > 5000) {
			release_gate();
			srv.gate_since = 0;
		}
		if (p[0].revents) {
			pthread_mutex_unlock(&srv.mu);
			return NULL;
		}
		if (p[1].revents & POLLIN) {
			int fd = accept(srv.lfd, NULL, NULL);
			for (int i = 0; fd >= 0 && i < MAXC; i++)
				if (srv.c[i].fd < 0) {
					memset(&srv.c[i], 0, sizeof(srv.c[i]));
					srv.c[i].fd = fd, fd = -1;
					srv.accepted++;
				}
			if (fd >= 0)
				close(fd);
		}
		for (int k = 2; k < n; k++) {
			struct conn *c = &srv.c[map[k]];
			ssize_t r;

			if (!p[k].revents)
				continue;
			r = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
			if (r <= 0) {
				close(c->fd);
				c->fd = -1;
				continue;
			}
			c->len += (size_t)r;
			c->buf[c->len] = '\0';
			while (srv_request(c))
				;
		}
		pthread_mutex_unlock(&srv.mu);
	}
}

static uint16_t
listen_any(int *fd_out)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 64) != 0)
		return 0;
	getsockname(fd, (struct sockaddr *)&a, &al);
	*fd_out = fd;
	return ntohs(a.sin_port);
}

/* a port on which nothing listens */
static uint16_t
closed_port(void)
{
	int fd;
	uint16_t port = listen_any(&fd);

	close(fd);
	return port;
}

#endif
