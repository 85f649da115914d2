/*
 * test_host.c - the host service table as plugins see it: versions, the
 * opaque JSON services, interning, logging with the plugin's prefix, and
 * the per-cycle state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/runtime.h"
#include "plugin/loader.h"
#include "sched/cycle.h"
#include "util/log.h"

static const struct fs_host *H;

static void
test_versions(void **st)
{
	(void)st;
	assert_int_equal(H->struct_size, sizeof(struct fs_host));
	assert_int_equal(H->abi_major, FS_ABI_MAJOR);
	assert_int_equal(H->abi_minor, FS_ABI_MINOR);
	assert_string_equal(H->host_version, FS_VERSION_STRING);
	assert_true(FS_HAS_FIELD(H, render_need_pass));
	assert_string_equal(H->strerror(FS_E_TIMEOUT), "timed out");
	assert_string_equal(H->code_name(FS_UNRESOLVABLE), "FS_UNRESOLVABLE");
}

static void
test_json_read(void **st)
{
	(void)st;
	const char *text = "{\"spec\":{\"replicaset\":5,\"big\":9007199254740993,"
			   "\"name\":\"mongo\",\"on\":true,\"list\":[1,2,3]}}";
	char err[128];
	struct fs_json *v = H->json_parse(text, strlen(text), err, sizeof err);
	assert_non_null(v);
	int64_t n = 0;
	assert_true(H->json_int(H->json_path(v, "spec.replicaset"), &n));
	assert_int_equal(n, 5);
	assert_string_equal(H->json_string(H->json_path(v, "spec.name")), "mongo");
	assert_null(H->json_string(H->json_path(v, "spec.replicaset")));
	assert_false(H->json_int(H->json_path(v, "spec.name"), &n));
	bool b = false;
	assert_true(H->json_bool(H->json_path(v, "spec.on"), &b));
	assert_true(b);
	assert_int_equal(H->json_size(H->json_path(v, "spec.list")), 3);
	assert_true(H->json_int(H->json_path(v, "spec.list.2"), &n));
	assert_int_equal(n, 3);
	assert_null(H->json_path(v, "spec.missing.deeper"));
	struct fs_json *big = H->json_parse("[99999999999999999999, 1.5]", 27, err, sizeof err);
	assert_false(H->json_int(H->json_at(big, 0), &n)); /* out of range, not clamped */
	assert_false(H->json_int(H->json_at(big, 1), &n)); /* not integral */
	H->json_free(big);
	assert_int_equal(H->json_type(NULL), FS_JSON_INVALID);
	assert_string_equal(H->json_key_at(H->json_get(v, "spec"), 1), "big");
	H->json_free(v);
	assert_null(H->json_parse("{\"a\":", 5, err, sizeof err));
	assert_non_null(strstr(err, "invalid json at byte"));
}

static void
test_json_build(void **st)
{
	(void)st;
	struct fs_json *o = H->json_new(FS_JSON_OBJECT);
	struct fs_json *a = H->json_new(FS_JSON_ARRAY);
	assert_true(H->json_append(a, H->json_new_string("x")));
	assert_true(H->json_set(o, "items", a));
	assert_true(H->json_set(o, "n", H->json_new_int(1)));
	assert_true(H->json_set(o, "n", H->json_new_int(9007199254740993LL))); /* replaces */
	int64_t n = 0;
	assert_true(H->json_int(H->json_get(o, "n"), &n));
	assert_int_equal(n, 9007199254740993LL);
	/* setting into a non-object frees the child and fails */
	assert_false(H->json_set(a, "k", H->json_new_string("leak?")));
	char *s = H->json_print(o, false);
	assert_string_equal(s, "{\"items\":[\"x\"],\"n\":9007199254740993}");
	H->free(s);
	struct fs_json *d = H->json_dup(o);
	assert_true(H->json_equal(o, d));
	assert_true(H->json_remove(d, "items"));
	assert_false(H->json_equal(o, d));
	H->json_free(d);
	H->json_free(o);
}

static void
test_intern(void **st)
{
	(void)st;
	char a[] = "region-eu", b[] = "region-eu";
	assert_ptr_equal(H->intern(a, (size_t)-1), H->intern(b, 9));
	assert_ptr_not_equal(H->intern("region-e", (size_t)-1), H->intern(a, (size_t)-1));
	assert_string_equal(H->intern("abcdef", 3), "abc");
	assert_null(H->intern(NULL, 0));
	/* a NUL inside len ends the string (no read past a shorter entry) */
	assert_ptr_equal(H->intern("ab\0cdefgh", 9), H->intern("ab", (size_t)-1));
}

static void
test_log_prefix(void **st)
{
	(void)st;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	fs_log_set_fd(fds[1]);
	struct fs_plugin self = {.log_prefix = "vip[default]"};
	H->log(&self, FS_LOG_WARN, "probe of %s failed", "10.0.0.1:27017");
	fs_log_set_format(FS_LOG_JSON);
	H->log(&self, FS_LOG_ERROR, "quote \" and newline \n");
	fs_log_set_format(FS_LOG_TEXT);
	H->log(&self, FS_LOG_DEBUG, "not shown at -v 0");
	fs_log_set_fd(2);
	close(fds[1]);
	char buf[2048] = "";
	ssize_t n = read(fds[0], buf, sizeof buf - 1);
	close(fds[0]);
	assert_true(n > 0);
	assert_non_null(strstr(buf, "vip[default]: probe of 10.0.0.1:27017 failed\n"));
	assert_true(buf[0] == 'W');
	assert_non_null(strstr(buf, "\"level\":\"error\",\"component\":\"vip[default]\","
				    "\"msg\":\"quote \\\" and newline \\u000a\"}"));
	assert_null(strstr(buf, "not shown"));
}

static void
test_cycle_state(void **st)
{
	(void)st;
	struct fs_binding b = {.struct_size = sizeof b, .replicas = 3};
	struct fs_cycle *cyc = fs_cycle_create(&b, 4);
	assert_ptr_equal(H->cycle_binding(cyc), &b);
	assert_int_equal(H->cycle_available(cyc, 2), INT32_MAX);
	H->cycle_set_available(cyc, 2, 7);
	H->cycle_set_available(cyc, 2, -1); /* no answer: ignored */
	H->cycle_set_available(cyc, 2, 9);  /* minimum wins */
	assert_int_equal(H->cycle_available(cyc, 2), 7);
	H->cycle_set_available(cyc, 2, 0);
	assert_int_equal(H->cycle_available(cyc, 2), 0);
	assert_int_equal(H->cycle_available(cyc, 99), INT32_MAX);
	int *v = malloc(sizeof *v);
	*v = 42;
	assert_int_equal(H->cycle_put(cyc, "estimator/answers", v, free), FS_OK);
	assert_ptr_equal(H->cycle_get(cyc, "estimator/answers"), v);
	assert_null(H->cycle_get(cyc, "other"));
	const char *r = H->cycle_printf(cyc, "%d cluster(s) had %s", 2, "no VIP");
	assert_string_equal(r, "2 cluster(s) had no VIP");
	fs_cycle_reset(cyc, &b, 2); /* frees v through free_fn */
	assert_null(H->cycle_get(cyc, "estimator/answers"));
	assert_int_equal(H->cycle_available(cyc, 1), INT32_MAX);
	fs_cycle_destroy(cyc);
}

int
main(void)
{
	H = fs_host_table();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_json_read),
		cmocka_unit_test(test_json_build),
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_log_prefix),
		cmocka_unit_test(test_cycle_state),
	};
	return cmocka_run_group_tests_name("host", tests, NULL, NULL);
}
