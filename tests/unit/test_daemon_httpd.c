/*
 * test_daemon_httpd - the endpoints server on real sockets (127.0.0.1,
 * port 0): /metrics parsed back, health checks failing and ok with
 * ?verbose, 404/405/HEAD, an oversize head answered 431, the connection
 * limit holding new clients back, a slow client not blocking another,
 * keep-alive with pipelining, one listener for both flags, and bad bind
 * addresses. The client side is non-blocking and pumped together with the
 * server's loop; every wait is bounded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>

#include "lib/ev_pump.h"

#include "daemon/httpd.h"
#include "daemon/metrics.h"
#include "util/log.h"

static int
cli_connect(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

static void
cli_send(int fd, const char *s, size_t n)
{
	assert_int_equal(send(fd, s, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* true when buf holds a complete answer (head + Content-Length bytes);
 * head_only: a HEAD request's answer has no body */
static bool
complete(const struct fs_buf *b, bool head_only)
{
	const char *e = strstr(b->data, "\r\n\r\n");
	if (!e)
		return false;
	const char *cl = strstr(b->data, "Content-Length: ");
	size_t want = cl && cl < e ? strtoul(cl + 16, NULL, 10) : 0;
	return head_only || b->len - (size_t)(e + 4 - b->data) >= want;
}

/* read on fd while pumping the loop until a whole answer came, EOF, or
 * guard seconds; returns what arrived (caller frees); *eof when closed */
static char *
cli_read(struct ev_loop *loop, int fd, bool head_only, double guard, bool *eof)
{
	struct fs_buf b = FS_BUF_INIT;
	bool closed = false;
	for (double t = 0; t < guard && !closed && !complete(&b, head_only); t += 0.005) {
		tl_pump(loop, 0.005);
		char tmp[65536];
		ssize_t r;
		while ((r = recv(fd, tmp, sizeof(tmp), 0)) > 0)
			fs_buf_add(&b, tmp, (size_t)r);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			closed = true;
	}
	if (eof)
		*eof = closed;
	return fs_buf_detach(&b);
}

/* one request on a fresh connection; returns the answer (caller frees) */
static char *
http(struct ev_loop *loop, uint16_t port, const char *req)
{
	int fd = cli_connect(port);
	cli_send(fd, req, strlen(req));
	char *a = cli_read(loop, fd, !strncmp(req, "HEAD", 4), 3.0, NULL);
	close(fd);
	return a;
}

static char *
get(struct ev_loop *loop, uint16_t port, const char *path)
{
	char req[512];
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path);
	return http(loop, port, req);
}

static int
status_of(const char *a)
{
	return !strncmp(a, "HTTP/1.1 ", 9) ? atoi(a + 9) : -1;
}

static const char *
body_of(const char *a)
{
	const char *e = strstr(a, "\r\n\r\n");
	return e ? e + 4 : "";
}

struct env {
	struct ev_loop *loop;
	struct fs_httpd *h;
	uint16_t port;
};

static struct env *
env_new(const struct fs_httpd_opts *o, unsigned serve)
{
	struct env *e = calloc(1, sizeof(*e));
	e->loop = ev_loop_new(EVFLAG_AUTO);
	e->h = fs_httpd_new(e->loop, o);
	char *err = NULL;
	assert_int_equal(fs_httpd_listen(e->h, "127.0.0.1:0", serve, &err), FS_OK);
	assert_null(err);
	e->port = fs_httpd_port(e->h, serve & FS_HTTPD_PROBES ? FS_HTTPD_PROBES : FS_HTTPD_METRICS);
	assert_true(e->port > 0);
	return e;
}

static void
env_free(struct env *e)
{
	fs_httpd_free(e->h);
	ev_loop_destroy(e->loop);
	free(e);
}

static int scrapes;
static void
on_scrape(void *ud)
{
	fs_metric_set(ud, ++scrapes);
}

static void
test_metrics_endpoint(void **state)
{
	(void)state;
	struct env *e = env_new(NULL, FS_HTTPD_METRICS);
	struct fs_metrics *m = fs_metrics_new();
	static const char *const l[] = {"event", NULL};
	struct fs_metric *in = fs_metrics_counter(m, "karmada_scheduler_queue_incoming_bindings_total",
						  "Number of bindings added to scheduling queues by event type.", l);
	fs_metric_add(fs_metric_series(in, (const char *[]){"BindingAdd", NULL}), 5);
	struct fs_metric_series *g = fs_metric_series(fs_metrics_gauge(m, "fedstate_scrapes", "Scrapes.", NULL), NULL);
	scrapes = 0;
	fs_httpd_set_metrics(e->h, m, on_scrape, g);

	char *a = get(e->loop, e->port, "/metrics");
	assert_int_equal(status_of(a), 200);
	assert_non_null(strstr(a, "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
	/* the body parses back: every line is a comment or "series value" */
	const char *b = body_of(a);
	assert_non_null(strstr(b, "# TYPE karmada_scheduler_queue_incoming_bindings_total counter\n"));
	assert_non_null(strstr(b, "\nkarmada_scheduler_queue_incoming_bindings_total{event=\"BindingAdd\"} 5\n"));
	assert_non_null(strstr(b, "\nfedstate_scrapes 1\n")); /* the hook ran first */
	for (const char *p = b; *p; p = strchr(p, '\n') + 1) {
		if (*p != '#') {
			const char *sp = strchr(p, ' ');
			assert_non_null(sp);
			char *endp;
			strtod(sp + 1, &endp);
			assert_int_equal(*endp, '\n');
		}
	}
	free(a);
	/* probes are not on a metrics-only listener */
	a = get(e->loop, e->port, "/healthz");
	assert_int_equal(status_of(a), 404);
	free(a);
	fs_metrics_free(m);
	env_free(e);
}

struct sync_state {
	bool synced;
};

static bool
check_sync(void *ud, struct fs_buf *reason)
{
	struct sync_state *s = ud;
	if (!s->synced)
		fs_buf_adds(reason, "2 of 3 informers not synced (clusters, resourcebindings)");
	return s->synced;
}

static void
test_health_checks(void **state)
{
	(void)state;
	struct env *e = env_new(NULL, FS_HTTPD_PROBES);
	struct sync_state s = {false};
	assert_int_equal(fs_httpd_add_check(e->h, FS_PROBE_READYZ, "informer-sync", check_sync, &s), FS_OK);
	assert_int_equal(fs_httpd_add_check(e->h, FS_PROBE_READYZ, "informer-sync", check_sync, &s), FS_E_INVAL);
	assert_int_equal(fs_httpd_add_check(e->h, FS_PROBE_READYZ, "Bad Name", check_sync, &s), FS_E_INVAL);

	char *a = get(e->loop, e->port, "/readyz");
	assert_int_equal(status_of(a), 500);
	assert_string_equal(body_of(a), "[+]ping ok\n[-]informer-sync failed: reason withheld\nreadyz check failed\n");
	free(a);
	a = get(e->loop, e->port, "/readyz?verbose");
	assert_int_equal(status_of(a), 500);
	assert_string_equal(body_of(a), "[+]ping ok\n[-]informer-sync failed: 2 of 3 informers not synced "
					 "(clusters, resourcebindings)\nreadyz check failed\n");
	free(a);
	a = get(e->loop, e->port, "/readyz/informer-sync");
	assert_int_equal(status_of(a), 500);
	free(a);
	/* livez does not run a readyz check; healthz runs them all */
	a = get(e->loop, e->port, "/livez");
	assert_int_equal(status_of(a), 200);
	assert_string_equal(body_of(a), "ok");
	free(a);
	a = get(e->loop, e->port, "/healthz");
	assert_int_equal(status_of(a), 500);
	free(a);

	s.synced = true;
	a = get(e->loop, e->port, "/readyz");
	assert_int_equal(status_of(a), 200);
	assert_string_equal(body_of(a), "ok");
	free(a);
	a = get(e->loop, e->port, "/readyz?verbose=1&x=y");
	assert_int_equal(status_of(a), 200);
	assert_string_equal(body_of(a), "[+]ping ok\n[+]informer-sync ok\nreadyz check passed\n");
	free(a);
	a = get(e->loop, e->port, "/readyz/nope");
	assert_int_equal(status_of(a), 404);
	free(a);
	env_free(e);
}

static void
test_methods_and_paths(void **state)
{
	(void)state;
	struct env *e = env_new(NULL, FS_HTTPD_PROBES | FS_HTTPD_METRICS);
	char *a = get(e->loop, e->port, "/nope");
	assert_int_equal(status_of(a), 404);
	free(a);
	a = http(e->loop, e->port, "DELETE /healthz HTTP/1.1\r\nConnection: close\r\n\r\n");
	assert_int_equal(status_of(a), 405);
	assert_non_null(strstr(a, "Allow: GET, HEAD\r\n"));
	free(a);
	a = http(e->loop, e->port, "HEAD /livez HTTP/1.1\r\nConnection: close\r\n\r\n");
	assert_int_equal(status_of(a), 200);
	assert_non_null(strstr(a, "Content-Length: 2\r\n"));
	assert_string_equal(body_of(a), ""); /* no body for HEAD */
	free(a);
	a = http(e->loop, e->port, "POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
	assert_int_equal(status_of(a), 413);
	free(a);
	a = http(e->loop, e->port, "GET /livez HTTP/2.0\r\n\r\n");
	assert_int_equal(status_of(a), 505);
	free(a);
	a = http(e->loop, e->port, "GET  /livez HTTP/1.1\r\n\r\n");
	assert_int_equal(status_of(a), 400);
	free(a);
	a = http(e->loop, e->port, "GET /livez HTTP/1.1\r\nno colon here\r\n\r\n");
	assert_int_equal(status_of(a), 400);
	free(a);
	env_free(e);
}

static void
test_oversize_head_431(void **state)
{
	(void)state;
	struct fs_httpd_opts o = {.max_head = 1024};
	struct env *e = env_new(&o, FS_HTTPD_PROBES);
	struct fs_buf req = FS_BUF_INIT;
	fs_buf_adds(&req, "GET /healthz HTTP/1.1\r\nX-Big: ");
	for (int i = 0; i < 4000; i++)
		fs_buf_addc(&req, 'a');
	fs_buf_adds(&req, "\r\n\r\n");
	int fd = cli_connect(e->port);
	cli_send(fd, req.data, req.len);
	bool eof = false;
	char *a = cli_read(e->loop, fd, false, 3.0, &eof);
	assert_int_equal(status_of(a), 431);
	assert_non_null(strstr(a, "Connection: close\r\n"));
	free(a);
	close(fd);
	/* just under the limit is fine */
	fs_buf_reset(&req);
	fs_buf_adds(&req, "GET /healthz HTTP/1.1\r\nConnection: close\r\nX-Big: ");
	while (req.len < 1024 - 4)
		fs_buf_addc(&req, 'a');
	fs_buf_adds(&req, "\r\n\r\n");
	a = http(e->loop, e->port, req.data);
	assert_int_equal(status_of(a), 200);
	free(a);
	fs_buf_release(&req);
	env_free(e);
}

static void
test_connection_limit(void **state)
{
	(void)state;
	struct fs_httpd_opts o = {.max_conns = 2, .head_timeout = 5};
	struct env *e = env_new(&o, FS_HTTPD_PROBES);
	int a1 = cli_connect(e->port), a2 = cli_connect(e->port);
	cli_send(a1, "GET /", 5);
	tl_pump(e->loop, 0.05);
	assert_int_equal(fs_httpd_conns(e->h), 2);
	int b = cli_connect(e->port); /* the kernel's backlog takes it */
	const char *req = "GET /livez HTTP/1.1\r\nConnection: close\r\n\r\n";
	cli_send(b, req, strlen(req));
	char *a = cli_read(e->loop, b, false, 0.3, NULL);
	assert_string_equal(a, ""); /* held back: the limit holds */
	assert_int_equal(fs_httpd_conns(e->h), 2);
	free(a);
	close(a2); /* a slot frees: b is served */
	a = cli_read(e->loop, b, false, 3.0, NULL);
	assert_int_equal(status_of(a), 200);
	free(a);
	close(b);
	close(a1);
	tl_pump(e->loop, 0.05);
	assert_int_equal(fs_httpd_conns(e->h), 0);
	env_free(e);
}

static void
test_slow_client_does_not_block(void **state)
{
	(void)state;
	struct fs_httpd_opts o = {.head_timeout = 1.5};
	struct env *e = env_new(&o, FS_HTTPD_PROBES);
	int slow = cli_connect(e->port);
	cli_send(slow, "GET /healthz HTTP/1.1\r\nHost: x\r\n", 31); /* half a head */
	tl_pump(e->loop, 0.02);
	char *a = get(e->loop, e->port, "/healthz");
	assert_int_equal(status_of(a), 200);
	free(a);
	/* answered while the slow one still waits: nothing was sent to it yet */
	char tmp[64];
	assert_int_equal(recv(slow, tmp, sizeof(tmp), 0), -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	/* the slow one gets 408 when its head time is up, then is closed */
	bool eof = false;
	a = cli_read(e->loop, slow, false, 3.0, &eof);
	assert_int_equal(status_of(a), 408);
	free(a);
	a = cli_read(e->loop, slow, false, 3.0, &eof);
	assert_true(eof);
	free(a);
	close(slow);
	/* a client that connects and says nothing is closed without an answer */
	int mute = cli_connect(e->port);
	a = cli_read(e->loop, mute, false, 3.0, &eof);
	assert_true(eof);
	assert_string_equal(a, "");
	free(a);
	close(mute);
	assert_int_equal(fs_httpd_conns(e->h), 0);
	env_free(e);
}

static void
test_keepalive_pipelined(void **state)
{
	(void)state;
	struct env *e = env_new(NULL, FS_HTTPD_PROBES);
	int fd = cli_connect(e->port);
	const char *two = "GET /livez HTTP/1.1\r\n\r\nGET /readyz?verbose HTTP/1.1\r\nConnection: close\r\n\r\n";
	cli_send(fd, two, strlen(two));
	bool eof = false;
	struct fs_buf all = FS_BUF_INIT;
	for (int i = 0; i < 100 && !eof; i++) {
		char *a = cli_read(e->loop, fd, false, 0.05, &eof);
		fs_buf_adds(&all, a);
		free(a);
	}
	assert_true(eof);
	const char *second = strstr(all.data + 1, "HTTP/1.1 200 OK");
	assert_non_null(second);
	assert_int_equal(status_of(all.data), 200);
	assert_non_null(strstr(second, "readyz check passed"));
	/* the first answer kept the connection open */
	assert_true(strstr(all.data, "Connection: close") > second);
	fs_buf_release(&all);
	close(fd);
	env_free(e);
}

static void
test_bind_addresses(void **state)
{
	(void)state;
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct fs_httpd *h = fs_httpd_new(loop, NULL);
	char *err = NULL;
	/* one string for both flags: one listener, both served */
	assert_int_equal(fs_httpd_listen(h, "127.0.0.1:0", FS_HTTPD_METRICS, &err), FS_OK);
	assert_int_equal(fs_httpd_listen(h, "127.0.0.1:0", FS_HTTPD_PROBES, &err), FS_OK);
	uint16_t p = fs_httpd_port(h, FS_HTTPD_METRICS);
	assert_int_equal(p, fs_httpd_port(h, FS_HTTPD_PROBES));
	char *a = get(loop, p, "/metrics");
	assert_int_equal(status_of(a), 200);
	free(a);
	a = get(loop, p, "/healthz");
	assert_int_equal(status_of(a), 200);
	free(a);
	assert_int_equal(fs_httpd_listen(h, "0", FS_HTTPD_METRICS, &err), FS_OK); /* off */

	static const struct {
		const char *addr;
		enum fs_code rc;
		const char *msg;
	} bad[] = {
		{"8080", FS_E_INVAL, "bind address \"8080\": no port; expected host:port with a numeric host, e.g. \":8080\" or \"127.0.0.1:0\""},
		{":99999", FS_E_INVAL, "bind address \":99999\": the port is not a number from 0 to 65535; expected host:port with a numeric host, e.g. \":8080\" or \"127.0.0.1:0\""},
		{"example.com:80", FS_E_INVAL, "bind address \"example.com:80\": the host is not a numeric IPv4 address; expected host:port with a numeric host, e.g. \":8080\" or \"127.0.0.1:0\""},
		{"[zz]:80", FS_E_INVAL, NULL},
		{"192.0.2.1:1", FS_E_IO, NULL}, /* not an address of this host */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fs_httpd_listen(h, bad[i].addr, FS_HTTPD_PROBES, &err), bad[i].rc);
		assert_non_null(err);
		if (bad[i].msg)
			assert_string_equal(err, bad[i].msg);
		free(err);
	}
	/* a port in use */
	char taken[32];
	snprintf(taken, sizeof(taken), "127.0.0.1:%u", p);
	struct fs_httpd *h2 = fs_httpd_new(loop, NULL);
	assert_int_equal(fs_httpd_listen(h2, taken, FS_HTTPD_PROBES, &err), FS_E_IO);
	assert_non_null(strstr(err, "cannot listen: Address already in use; is another process on that port?"));
	free(err);
	fs_httpd_free(h2);
	fs_httpd_free(h);
	ev_loop_destroy(loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_endpoint),
		cmocka_unit_test(test_health_checks),
		cmocka_unit_test(test_methods_and_paths),
		cmocka_unit_test(test_oversize_head_431),
		cmocka_unit_test(test_connection_limit),
		cmocka_unit_test(test_slow_client_does_not_block),
		cmocka_unit_test(test_keepalive_pipelined),
		cmocka_unit_test(test_bind_addresses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
