/*
 * test_kube_watch - framing of newline-delimited watch events out of
 * arbitrary chunks, event decoding (ERROR with 410 -> FS_E_GONE,
 * BOOKMARK), the line limit, and Status bodies turned into codes and
 * messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/loop_wait.h"
#include "kube/status.h"
#include "kube/watch.h"

struct lines {
	int n;
	char got[8][256];
};

static enum fs_code
collect(void *ud, char *line, size_t len)
{
	struct lines *l = ud;
	assert_int_equal(strlen(line), len);
	if (l->n < 8)
		snprintf(l->got[l->n], sizeof(l->got[0]), "%s", line);
	l->n++;
	return FS_OK;
}

static const char stream[] =
	"{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"5\"}}}\n"
	"{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"6\"}}}\r\n"
	"\n"
	"{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"9\"}}}\n";

static void
test_every_split(void **state)
{
	(void)state;
	size_t n = strlen(stream);
	/* cut the stream at every pair of points: always the same 3 lines */
	for (size_t i = 0; i <= n; i++) {
		for (size_t j = i; j <= n; j += 7) {
			struct fs_kube_framer f;
			struct lines l = {0};
			fs_kube_framer_init(&f, 0);
			assert_int_equal(fs_kube_framer_feed(&f, stream, i, collect, &l), FS_OK);
			assert_int_equal(fs_kube_framer_feed(&f, stream + i, j - i, collect, &l), FS_OK);
			assert_int_equal(fs_kube_framer_feed(&f, stream + j, n - j, collect, &l), FS_OK);
			assert_int_equal(l.n, 3);
			assert_non_null(strstr(l.got[0], "ADDED"));
			assert_non_null(strstr(l.got[1], "MODIFIED"));
			assert_int_equal(l.got[1][strlen(l.got[1]) - 1], '}'); /* \r trimmed */
			assert_non_null(strstr(l.got[2], "BOOKMARK"));
			assert_int_equal(fs_kube_framer_pending(&f), 0);
			fs_kube_framer_release(&f);
		}
	}
}

static void
test_byte_by_byte_and_limit(void **state)
{
	(void)state;
	struct fs_kube_framer f;
	struct lines l = {0};
	fs_kube_framer_init(&f, 64);
	const char *s = "{\"type\":\"DELETED\",\"object\":{}}\n";
	for (size_t i = 0; s[i]; i++)
		assert_int_equal(fs_kube_framer_feed(&f, s + i, 1, collect, &l), FS_OK);
	assert_int_equal(l.n, 1);
	/* an endless line is refused once it passes the limit */
	char big[100];
	memset(big, 'x', sizeof(big));
	assert_int_equal(fs_kube_framer_feed(&f, big, 60, collect, &l), FS_OK);
	assert_int_equal(fs_kube_framer_feed(&f, big, 40, collect, &l), FS_E_RANGE);
	fs_kube_framer_release(&f);
}

static void
test_decode(void **state)
{
	(void)state;
	struct fs_kube_event ev;
	char *err = NULL;
	const char *add = "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"5\"}}}";
	assert_int_equal(fs_kube_event_decode(add, strlen(add), &ev, &err), FS_OK);
	assert_int_equal(ev.type, FS_KUBE_ADDED);
	assert_string_equal(ev.rv, "5");
	assert_non_null(ev.object);
	fs_kube_event_release(&ev);

	const char *gone = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
			   "\"status\":\"Failure\",\"message\":\"too old resource version: 5 (10)\","
			   "\"reason\":\"Expired\",\"code\":410}}";
	assert_int_equal(fs_kube_event_decode(gone, strlen(gone), &ev, &err), FS_OK);
	assert_int_equal(ev.type, FS_KUBE_ERROR);
	assert_int_equal(ev.code, FS_E_GONE);
	assert_int_equal(ev.status_code, 410);
	assert_string_equal(ev.message, "410 Expired: too old resource version: 5 (10)");
	fs_kube_event_release(&ev);

	static const char *const bad[] = {
		"not json", "{\"type\":1,\"object\":{}}", "{\"type\":\"ADDED\"}",
		"{\"type\":\"WHAT\",\"object\":{}}", "{\"type\":\"BOOKMARK\",\"object\":{}}",
	};
	static const enum fs_code codes[] = {FS_E_PARSE, FS_E_PROTO, FS_E_PROTO, FS_E_PROTO,
					     FS_E_PROTO};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(fs_kube_event_decode(bad[i], strlen(bad[i]), &ev, &err), codes[i]);
		assert_non_null(strstr(err, "watch event: "));
		free(err);
		assert_null(ev.object);
	}
}

static void
test_status_mapping(void **state)
{
	(void)state;
	char *msg = NULL;
	const char *body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
			   "\"message\":\"configmaps \\\"a\\\" already exists\",\"reason\":\"AlreadyExists\","
			   "\"code\":409}";
	assert_int_equal(fs_kube_status_error(409, body, strlen(body), "POST /api/v1/x", &msg),
			 FS_E_EXISTS);
	assert_string_equal(msg, "POST /api/v1/x: 409 AlreadyExists: configmaps \"a\" already exists");
	free(msg);
	/* not a Status: the HTTP status and the start of the body */
	assert_int_equal(fs_kube_status_error(502, "<html>bad gateway</html>", 24, "GET /x", &msg),
			 FS_E_HTTP);
	assert_string_equal(msg, "GET /x: 502 Bad Gateway: <html>bad gateway</html>");
	free(msg);
	assert_int_equal(fs_kube_status_code(409, "Conflict"), FS_E_CONFLICT);
	assert_int_equal(fs_kube_status_code(404, NULL), FS_E_NOTFOUND);
	assert_int_equal(fs_kube_status_code(410, "Expired"), FS_E_GONE);
	assert_int_equal(fs_kube_status_code(401, NULL), FS_E_AUTH);
	assert_int_equal(fs_kube_status_code(403, NULL), FS_E_PERM);
	assert_int_equal(fs_kube_status_code(422, "Invalid"), FS_E_INVAL);
	assert_int_equal(fs_kube_status_code(429, NULL), FS_E_HTTP);
	assert_int_equal(fs_kube_status_code(201, NULL), FS_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_byte_by_byte_and_limit),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_status_mapping),
	};
	return cmocka_run_group_tests_name("kube_watch", tests, NULL, NULL);
}
