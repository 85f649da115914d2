/*
 * test_testapi_hostile - fedstate-testapi answers hostile HTTP as a real
 * server does and keeps serving: a NUL byte in the request line or a
 * header is a 400 (it crashed the server before), a header block larger
 * than 64 KiB arriving in one piece is a 431 (it was accepted), a watch
 * from a version the server has not reached is a 504.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/testapi_proc.h"

static int
dial(const struct ta_proc *p)
{
	int fd = ta_proc_dial(p);
	assert_true(fd >= 0);
	return fd;
}

/* send n bytes, read the status line of the answer into out */
static void
exchange(const struct ta_proc *p, const char *req, size_t n, char *out, size_t outn)
{
	int fd = dial(p);
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, req + off, n - off);
		if (w <= 0)
			break; /* the server may answer and close before all is sent */
		off += (size_t)w;
	}
	size_t got = 0;
	out[0] = '\0';
	while (got < outn - 1 && !strstr(out, "\r\n")) {
		ssize_t r = read(fd, out + got, outn - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		out[got] = '\0';
	}
	close(fd);
}

static void
assert_serving(const struct ta_proc *p)
{
	long st = 0;
	char *body = ta_proc_get(p, "/version", &st);
	assert_int_equal(st, 200);
	free(body);
}

static void
test_nul_bytes(void **state)
{
	struct ta_proc *p = *state;
	char out[512];
	static const char line[] = "GET /api/v1/na\0mespaces HTTP/1.1\r\nHost: x\r\n\r\n";
	exchange(p, line, sizeof line - 1, out, sizeof out);
	assert_non_null(strstr(out, "HTTP/1.1 400"));
	assert_serving(p);
	static const char hdr[] = "GET /version HTTP/1.1\r\nHost: x\r\nUser-Agent: a\0b\r\n\r\n";
	exchange(p, hdr, sizeof hdr - 1, out, sizeof out);
	assert_non_null(strstr(out, "HTTP/1.1 400"));
	assert_serving(p);
}

static void
test_huge_header_in_one_piece(void **state)
{
	struct ta_proc *p = *state;
	size_t n = 1u << 20;
	char *req = malloc(n + 64);
	assert_non_null(req);
	int k = snprintf(req, n + 64, "GET /version HTTP/1.1\r\nX-Big: ");
	memset(req + k, 'a', n);
	memcpy(req + k + n, "\r\n\r\n", 4);
	char out[512];
	exchange(p, req, (size_t)k + n + 4, out, sizeof out);
	free(req);
	assert_non_null(strstr(out, "HTTP/1.1 431"));
	assert_serving(p);
}

/* a watch from a version the server has not reached: 504 with the
 * ResourceVersionTooLarge cause, as kube-apiserver's watch cache answers
 * (it streamed as if the version were current) */
static void
test_watch_from_the_future(void **state)
{
	struct ta_proc *p = *state;
	long st = 0;
	char *body = ta_proc_get(p, "/api/v1/configmaps?watch=1&resourceVersion=99999999", &st);
	assert_int_equal(st, 504);
	assert_non_null(strstr(body, "Too large resource version: 99999999"));
	assert_non_null(strstr(body, "ResourceVersionTooLarge"));
	free(body);
	assert_serving(p);
}

/* read the whole answer (until the server closes or 5 s pass) */
static size_t
read_all(int fd, char *out, size_t outn)
{
	size_t got = 0;
	out[0] = '\0';
	struct pollfd pf = {.fd = fd, .events = POLLIN};
	while (got < outn - 1 && poll(&pf, 1, 5000) == 1) {
		ssize_t r = read(fd, out + got, outn - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		out[got] = '\0';
	}
	return got;
}

/* a body over kube-apiserver's 3 MiB is a 413 with its Status, whether
 * Content-Length says so or the chunks add up to it, and the client reads
 * the answer (it was a reset at 40 MB, a 400 for chunks) */
static void
test_body_too_large(void **state)
{
	struct ta_proc *p = *state;
	size_t n = 4u << 20;
	char *req = malloc(n + 256);
	assert_non_null(req);
	int k = snprintf(req, 256, "POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\n"
			 "Host: x\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n", n);
	memset(req + k, ' ', n);
	char out[1024];
	exchange(p, req, (size_t)k + n, out, sizeof out);
	assert_non_null(strstr(out, "HTTP/1.1 413"));
	int fd = dial(p);
	assert_true(write(fd, req, (size_t)k + 1000) > 0);
	read_all(fd, out, sizeof out);
	close(fd);
	assert_non_null(strstr(out, "HTTP/1.1 413"));
	assert_non_null(strstr(out, "\"message\":\"Request entity too large: limit is 3145728\","
				    "\"reason\":\"RequestEntityTooLarge\",\"code\":413"));
	/* two chunks of 2 MiB */
	k = snprintf(req, 256, "POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\n"
		     "Host: x\r\nTransfer-Encoding: chunked\r\n\r\n");
	for (int i = 0; i < 2; i++) {
		k += snprintf(req + k, 16, "200000\r\n");
		memset(req + k, ' ', 2u << 20);
		k += 2 << 20;
		memcpy(req + k, "\r\n", 2);
		k += 2;
	}
	exchange(p, req, (size_t)k, out, sizeof out);
	assert_non_null(strstr(out, "HTTP/1.1 413"));
	free(req);
	assert_serving(p);
}

/* a chunked body that arrives in many small pieces is decoded as it
 * comes (it was decoded from the start on every read), and a chunk that
 * is not as long as it says is a 400 */
static void
test_chunked_in_pieces(void **state)
{
	struct ta_proc *p = *state;
	static const char obj[] = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":"
				  "{\"name\":\"pieces\"},\"data\":{\"k\":\"split into small chunks\"}}";
	int fd = dial(p);
	static const char head[] = "POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\n"
				   "Host: x\r\nContent-Type: application/json\r\n"
				   "Transfer-Encoding: chunked\r\n\r\n";
	assert_true(write(fd, head, sizeof head - 1) > 0);
	for (size_t i = 0; i < sizeof obj - 1; i += 3) {
		char piece[32];
		size_t len = sizeof obj - 1 - i < 3 ? sizeof obj - 1 - i : 3;
		int m = snprintf(piece, sizeof piece, "%zx\r\n%.*s\r\n", len, (int)len, obj + i);
		assert_true(write(fd, piece, (size_t)m) == m);
		usleep(1000);
	}
	assert_true(write(fd, "0\r\nX-Trailer: t\r\n\r\n", 19) == 19);
	char out[2048];
	out[0] = '\0';
	size_t got = 0;
	while (!strstr(out, "split into small chunks") && got < sizeof out - 1) {
		ssize_t r = read(fd, out + got, sizeof out - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		out[got] = '\0';
	}
	close(fd);
	assert_non_null(strstr(out, "HTTP/1.1 201"));
	long st = 0;
	char *body = ta_proc_get(p, "/api/v1/namespaces/default/configmaps/pieces", &st);
	assert_int_equal(st, 200);
	assert_non_null(strstr(body, "split into small chunks"));
	free(body);
	static const char bad[] = "POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\n"
				  "Host: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcdefgh\r\n0\r\n\r\n";
	exchange(p, bad, sizeof bad - 1, out, sizeof out);
	assert_non_null(strstr(out, "HTTP/1.1 400"));
	assert_serving(p);
}

/* is fd closed by the server within ms? */
static bool
closed_within(int fd, int ms)
{
	struct pollfd pf = {.fd = fd, .events = POLLIN};
	char c;
	return poll(&pf, 1, ms) == 1 && read(fd, &c, 1) <= 0;
}

static int
setup_limits(void **state)
{
	struct ta_proc *p = calloc(1, sizeof *p);
	static const char *const extra[] = {"--idle-timeout", "300ms", "--read-header-timeout",
					    "300ms", "--max-connections", "8", NULL};
	if (!p || !ta_proc_start(p, extra)) {
		free(p);
		return -1;
	}
	*state = p;
	return 0;
}

/* idle connections and half-sent headers are closed (500 slow clients
 * stayed open forever), a quiet watch is not; past the connection cap a
 * new connection is closed at once and the server keeps serving */
static void
test_idle_header_and_cap(void **state)
{
	struct ta_proc *p = *state;
	int idle = dial(p);
	assert_true(closed_within(idle, 5000));
	close(idle);
	int slow = dial(p);
	assert_true(write(slow, "GET /version HTTP/1.1\r\nHost:", 28) == 28);
	assert_true(closed_within(slow, 5000));
	close(slow);
	int watch = dial(p);
	static const char w[] = "GET /api/v1/configmaps?watch=1 HTTP/1.1\r\nHost: x\r\n\r\n";
	assert_true(write(watch, w, sizeof w - 1) > 0);
	char out[512];
	assert_true(read(watch, out, sizeof out) > 0); /* the stream's head */
	assert_false(closed_within(watch, 1000));
	close(watch);

	int fds[8];
	for (int i = 0; i < 8; i++)
		fds[i] = dial(p);
	int over = dial(p);
	assert_true(closed_within(over, 5000));
	close(over);
	for (int i = 0; i < 8; i++)
		close(fds[i]);
	usleep(100000);
	assert_serving(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nul_bytes, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_huge_header_in_one_piece, ta_proc_setup,
						ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_watch_from_the_future, ta_proc_setup,
						ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_body_too_large, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_chunked_in_pieces, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_idle_header_and_cap, setup_limits, ta_proc_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
