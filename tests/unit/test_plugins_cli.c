/*
 * test_plugins_cli.c - `fedstate plugins check` and `plugins list` on the
 * loader's fixtures: exit codes and verdicts (a plugin that crashes and one
 * that hangs in init included), the file-name warning, the HANDLES column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/plugin_harness.h"
#include "util/buf.h"

static char tmpdir[1024];

/* `fedstate plugins check` exit code and last output line */
static int
run_check(const char *file, const char *extra, struct fs_buf *out)
{
	char cmd[4096];
	/* under ASan the crash must stay a signal, not a sanitizer report */
	snprintf(cmd, sizeof cmd, "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0:detect_leaks=0\" "
		 "'%s' plugins check %s '%s' 2>&1", ph_build_path("bin/fedstate"), extra, file);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	fs_buf_read(out, f);
	int st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_check_exit_codes(void **st)
{
	(void)st;
	static const struct {
		const char *fx;
		int code;
		const char *says;
	} cases[] = {
		{"good", 0, "verdict  LOADABLE"},
		{"abi_major", 1, "incompatible ABI: plugin built for 2.0"},
		{"abi_minor", 1, "incompatible ABI: plugin built for 1.2"},
		{"missing_callback", 1, "capability 'score' declared but its callback is missing"},
		{"no_entry", 2, "no symbol 'fs_plugin_entry'"},
		{"bad_magic", 2, "bad magic 0xdeadbeef"},
		{"unresolved", 3, "undefined symbol: fs_symbol_that_does_not_exist"},
		{"init_fails", 3, "initialization failed: port: 70000 is out of range (1-65535)"},
		{"init_crash", 3, "initialization crashed: signal 11 (Segmentation fault)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct fs_buf out = FS_BUF_INIT;
		int code = run_check(ph_fixture(cases[i].fx), "", &out);
		if (code != cases[i].code || !strstr(out.data, cases[i].says))
			fail_msg("%s: exit %d (want %d), output:\n%s", cases[i].fx, code, cases[i].code, out.data);
		fs_buf_release(&out);
	}
	struct fs_buf out = FS_BUF_INIT;
	assert_int_equal(run_check(ph_fixture("init_hang"), "--timeout 0.5", &out), 3);
	assert_non_null(strstr(out.data, "initialization timed out after 500 ms and was killed"));
	fs_buf_reset(&out);
	assert_int_equal(run_check(ph_copy_fixture(tmpdir, "good", "ww.so", 0646), "", &out), 3);
	assert_non_null(strstr(out.data, "world-writable"));
	fs_buf_reset(&out);
	assert_int_equal(run_check("/etc/hostname", "--output json", &out), 2);
	assert_non_null(strstr(out.data, "\"verdict\":\t\"NOT A PLUGIN\""));
	fs_buf_release(&out);
}

/* `plugins check` warns (still LOADABLE) when the file name is not
 * <declared name>.so: every config loader would refuse it by name */
static void
test_check_warns_on_file_name(void **st)
{
	(void)st;
	struct fs_buf out = FS_BUF_INIT;
	assert_int_equal(run_check(ph_copy_fixture(tmpdir, "good", "pg.so", 0755), "", &out), 0);
	assert_non_null(strstr(out.data, "verdict  LOADABLE"));
	assert_non_null(strstr(out.data,
			       "warning  the file is named 'pg.so' but declares the plugin "
			       "'fixture-good'; configs load plugins by name as <dir>/<name>.so, so "
			       "no config can load this file\n  hint: install it as fixture-good.so"));
	fs_buf_reset(&out);
	assert_int_equal(run_check(ph_copy_fixture(tmpdir, "good", "pg.so", 0755), "--output json", &out), 0);
	assert_non_null(strstr(out.data, "\"warnings\":\t[\"the file is named 'pg.so'"));
	/* the right name: no warning */
	fs_buf_reset(&out);
	assert_int_equal(run_check(ph_copy_fixture(tmpdir, "good", "fixture-good.so", 0755), "", &out), 0);
	assert_null(strstr(out.data, "warning"));
	fs_buf_release(&out);
	char p[1400];
	snprintf(p, sizeof p, "%s/pg.so", tmpdir);
	unlink(p);
	snprintf(p, sizeof p, "%s/fixture-good.so", tmpdir);
	unlink(p);
}

/* `plugins list` has a HANDLES column: the federated kind of a middleware
 * plugin, "-" for a scheduling plugin */
static void
test_list_shows_handled_kind(void **st)
{
	(void)st;
	char real[4096], cmd[8192];
	assert_non_null(realpath(ph_build_path("plugins"), real));
	snprintf(cmd, sizeof cmd, "'%s' plugins list --dir '%s' 2>&1", ph_build_path("bin/fedstate"), real);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	struct fs_buf out = FS_BUF_INIT;
	fs_buf_read(&out, f);
	assert_int_equal(pclose(f), 0);
	assert_non_null(strstr(out.data, "HANDLES"));
	bool mongo = false, vip = false;
	char *save = NULL;
	for (char *l = strtok_r(out.data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char name[64], version[32], abi[16], kind[32], handles[256];
		if (sscanf(l, "%63s %31s %15s %31s %255s", name, version, abi, kind, handles) != 5)
			continue;
		if (strcmp(name, "mongodb") == 0) {
			assert_string_equal(kind, "middleware");
			assert_string_equal(handles, "middleware.fedstate.io/v1alpha1/MultiCloudMongoDB");
			mongo = true;
		} else if (strcmp(name, "vip") == 0) {
			assert_string_equal(kind, "scheduling");
			assert_string_equal(handles, "-");
			vip = true;
		}
	}
	assert_true(mongo && vip);
	fs_buf_release(&out);
}

static int
setup(void **st)
{
	(void)st;
	/* under the build tree, not /tmp: the loader refuses plugins below
	 * a directory others can write, and /tmp is one */
	return ph_plugin_tmpdir(tmpdir, sizeof tmpdir, "plugins-cli");
}

static int
teardown(void **st)
{
	(void)st;
	char cmd[1100];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_exit_codes),
		cmocka_unit_test(test_check_warns_on_file_name),
		cmocka_unit_test(test_list_shows_handled_kind),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
