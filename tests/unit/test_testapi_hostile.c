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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nul_bytes, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_huge_header_in_one_piece, ta_proc_setup,
						ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_watch_from_the_future, ta_proc_setup,
						ta_proc_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
