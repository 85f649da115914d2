/*
 * test_loader.c - the plugin loader's refusals, each with its exact message,
 * and `fedstate plugins check` exit codes for the same fixtures (including
 * a plugin that crashes and one that hangs in init).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/runtime.h"
#include "lib/plugin_harness.h"
#include "util/buf.h"

static char tmpdir[256];

static const char *
fixture(const char *name)
{
	static char buf[4][4096];
	static int at;
	char *p = buf[at++ % 4];
	char rel[256];
	snprintf(rel, sizeof rel, "tests/plugins/%s.so", name);
	if (!realpath(ph_build_path(rel), p))
		fail_msg("fixture %s not built (%s)", name, ph_build_path(rel));
	return p;
}

/* load a fixture in a fresh registry; returns the code, message in err */
static enum fs_code
load_fixture(const char *name, char *err, size_t errlen)
{
	struct fs_registry reg;
	fs_registry_init(&reg);
	struct fs_loaded_plugin *lp = NULL;
	enum fs_code rc = fs_plugin_load_path(&reg, fixture(name), NULL, &lp, err, errlen);
	fs_registry_release(&reg);
	return rc;
}

static void
expect_refusal(const char *name, enum fs_code code, const char *label, const char *msg)
{
	char err[2048], want[2048];
	assert_int_equal(load_fixture(name, err, sizeof err), code);
	snprintf(want, sizeof want, "plugin '%s' (%s): %s", label, fixture(name), msg);
	assert_string_equal(err, want);
}

static void
test_good_loads(void **st)
{
	(void)st;
	struct fs_registry reg;
	fs_registry_init(&reg);
	struct fs_loaded_plugin *lp = NULL;
	char err[1024];
	assert_int_equal(fs_plugin_load_path(&reg, fixture("good"), NULL, &lp, err, sizeof err), FS_OK);
	assert_string_equal(lp->desc.name, "fixture-good");
	assert_int_equal(lp->desc.kind, FS_PLUGIN_SCHED);
	assert_non_null(lp->sched.filter);
	assert_null(lp->sched.score);
	assert_int_equal(strlen(lp->sha256), 64);
	/* the same file again is shared, not mapped twice */
	struct fs_loaded_plugin *again = NULL;
	assert_int_equal(fs_plugin_load_path(&reg, fixture("good"), NULL, &again, err, sizeof err), FS_OK);
	assert_ptr_equal(lp, again);
	fs_registry_release(&reg);
}

static void
test_abi_major(void **st)
{
	(void)st;
	expect_refusal("abi_major", FS_E_ABI, "abi_major",
		       "incompatible ABI: plugin built for 2.0, host supports 1.0-1.0\n"
		       "  hint: rebuild against the fedstate-plugin 1.x headers "
		       "(pkg-config --modversion fedstate-plugin)");
}

static void
test_abi_minor_newer(void **st)
{
	(void)st;
	expect_refusal("abi_minor", FS_E_ABI, "abi_minor",
		       "incompatible ABI: plugin built for 1.1, host supports 1.0-1.0\n"
		       "  hint: rebuild against the fedstate-plugin 1.x headers "
		       "(pkg-config --modversion fedstate-plugin)");
}

static void
test_bad_magic(void **st)
{
	(void)st;
	expect_refusal("bad_magic", FS_E_PARSE, "bad_magic",
		       "bad magic 0xdeadbeef (expected 0x46535047)");
}

static void
test_no_entry(void **st)
{
	(void)st;
	expect_refusal("no_entry", FS_E_PARSE, "no_entry",
		       "not a fedstate plugin: no symbol 'fs_plugin_entry'\n"
		       "  hint: define the plugin with FS_PLUGIN_DEFINE");
}

static void
test_small_descriptor(void **st)
{
	(void)st;
	char want[128];
	snprintf(want, sizeof want, "descriptor too small: 16 bytes (ABI 1.0 minimum is %zu)",
		 offsetof(struct fs_plugin_desc, host_slot) + sizeof(void *));
	expect_refusal("small_desc", FS_E_ABI, "small_desc", want);
}

static void
test_missing_field(void **st)
{
	(void)st;
	expect_refusal("no_version", FS_E_ABI, "fixture-no-version",
		       "descriptor field 'version' is missing");
}

static void
test_missing_callback(void **st)
{
	(void)st;
	expect_refusal("missing_callback", FS_E_ABI, "fixture-missing-cb",
		       "capability 'score' declared but its callback is missing");
}

static void
test_unresolved_symbol(void **st)
{
	(void)st;
	char err[2048];
	assert_int_equal(load_fixture("unresolved", err, sizeof err), FS_E_IO);
	assert_non_null(strstr(err, "): cannot open shared object: "));
	assert_non_null(strstr(err, "undefined symbol: fs_symbol_that_does_not_exist"));
	assert_non_null(strstr(err, "hint: run 'fedstate plugins check"));
}

static void
test_duplicate_name(void **st)
{
	(void)st;
	struct fs_registry reg;
	fs_registry_init(&reg);
	struct fs_loaded_plugin *lp = NULL;
	char err[2048], want[2048];
	assert_int_equal(fs_plugin_load_path(&reg, fixture("dup_a"), NULL, &lp, err, sizeof err), FS_OK);
	assert_int_equal(fs_plugin_load_path(&reg, fixture("dup_b"), NULL, &lp, err, sizeof err), FS_E_EXISTS);
	snprintf(want, sizeof want, "plugin 'fixture-dup' (%s): duplicate plugin name: already loaded from %s",
		 fixture("dup_b"), fixture("dup_a"));
	assert_string_equal(err, want);
	fs_registry_release(&reg);
}

static void
test_init_fails(void **st)
{
	(void)st;
	struct fs_registry reg;
	fs_registry_init(&reg);
	struct fs_loaded_plugin *lp = NULL;
	struct fs_plugin *inst = NULL;
	char err[2048], want[2048];
	assert_int_equal(fs_plugin_load_path(&reg, fixture("init_fails"), NULL, &lp, err, sizeof err), FS_OK);
	assert_int_equal(fs_plugin_instantiate(lp, NULL, NULL, fs_runtime_env(ph_runtime()), &inst, err, sizeof err), FS_E_PLUGIN);
	assert_null(inst);
	snprintf(want, sizeof want, "plugin 'fixture-init-fails' (%s): initialization failed: "
		 "port: 70000 is out of range (1-65535)", fixture("init_fails"));
	assert_string_equal(err, want);
	fs_registry_release(&reg);
}

/* copy a fixture into tmpdir under `name`, with `mode` */
static const char *
copy_fixture(const char *fx, const char *name, mode_t mode)
{
	static char dst[512];
	snprintf(dst, sizeof dst, "%s/%s", tmpdir, name);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "cp -f '%s' '%s.tmp' && mv -f '%s.tmp' '%s'", fixture(fx), dst, dst, dst);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(chmod(dst, mode), 0);
	return dst;
}

static void
test_world_writable_refused(void **st)
{
	(void)st;
	const char *p = copy_fixture("good", "writable.so", 0666);
	struct fs_registry reg;
	fs_registry_init(&reg);
	struct fs_loaded_plugin *lp = NULL;
	char err[2048], want[2048];
	assert_int_equal(fs_plugin_load_path(&reg, p, NULL, &lp, err, sizeof err), FS_E_PERM);
	snprintf(want, sizeof want, "plugin 'writable' (%s): refusing to load: file is group- or "
		 "world-writable (mode 0666)\n  hint: chmod go-w %s", p, p);
	assert_string_equal(err, want);
	fs_registry_release(&reg);
}

static void
test_not_regular_refused(void **st)
{
	(void)st;
	char err[2048];
	struct fs_registry reg;
	fs_registry_init(&reg);
	struct fs_loaded_plugin *lp = NULL;
	assert_int_equal(fs_plugin_load_path(&reg, tmpdir, NULL, &lp, err, sizeof err), FS_E_PERM);
	assert_non_null(strstr(err, "refusing to load: not a regular file"));
	fs_registry_release(&reg);
}

static void
test_sha256_pin(void **st)
{
	(void)st;
	struct fs_registry reg;
	fs_registry_init(&reg);
	struct fs_loaded_plugin *lp = NULL;
	char err[2048];
	const char *pin = "0000000000000000000000000000000000000000000000000000000000000000";
	assert_int_equal(fs_plugin_load_path(&reg, fixture("good"), pin, &lp, err, sizeof err), FS_E_PERM);
	assert_non_null(strstr(err, "checksum mismatch: file has sha256 "));
	assert_non_null(strstr(err, "config pins 000000000000..."));
	/* the right pin loads */
	char hex[65];
	assert_int_equal(fs_plugin_load_path(&reg, fixture("good"), NULL, &lp, err, sizeof err), FS_OK);
	memcpy(hex, lp->sha256, 65);
	fs_registry_release(&reg);
	fs_registry_init(&reg);
	assert_int_equal(fs_plugin_load_path(&reg, fixture("good"), hex, &lp, err, sizeof err), FS_OK);
	fs_registry_release(&reg);
}

static void
test_resolve_by_name(void **st)
{
	(void)st;
	struct fs_registry reg;
	fs_registry_init(&reg);
	char err[2048];
	struct fs_loaded_plugin *lp = NULL;
	assert_int_equal(fs_registry_add_dir(&reg, "relative/dir", err, sizeof err), FS_E_INVAL);
	assert_string_equal(err, "plugin directory 'relative/dir' is not an absolute path");
	assert_int_equal(fs_registry_add_dir(&reg, tmpdir, err, sizeof err), FS_OK);
	assert_int_equal(fs_plugin_load(&reg, "../evil", NULL, 0, &lp, err, sizeof err), FS_E_INVAL);
	assert_non_null(strstr(err, "plugin names cannot contain '/'"));
	assert_int_equal(fs_plugin_load(&reg, "absent", NULL, 0, &lp, err, sizeof err), FS_E_NOTFOUND);
	assert_non_null(strstr(err, "plugin 'absent' (-): not found (looked for "));
	copy_fixture("good", "fixture-good.so", 0755);
	assert_int_equal(fs_plugin_load(&reg, "fixture-good", NULL, FS_PLUGIN_SCHED, &lp, err, sizeof err), FS_OK);
	assert_string_equal(lp->desc.name, "fixture-good");
	assert_int_equal(fs_plugin_load(&reg, "fixture-good", NULL, FS_PLUGIN_MIDDLEWARE, &lp, err, sizeof err),
			 FS_E_ABI);
	assert_non_null(strstr(err, "kind mismatch: a scheduling plugin listed where a middleware plugin is expected"));
	fs_registry_release(&reg);
}

static void
test_reload_maps_new_file(void **st)
{
	(void)st;
	struct fs_registry reg;
	fs_registry_init(&reg);
	char err[2048];
	const char *p = copy_fixture("dup_a", "reload.so", 0755);
	struct fs_loaded_plugin *v1 = NULL, *v2 = NULL;
	assert_int_equal(fs_plugin_load_path(&reg, p, NULL, &v1, err, sizeof err), FS_OK);
	assert_string_equal(v1->desc.version, "1.0.a");
	/* unchanged file: same plugin */
	assert_int_equal(fs_plugin_reload(&reg, v1, &v2, err, sizeof err), FS_OK);
	assert_ptr_equal(v1, v2);
	/* a newly installed version at the same path is mapped beside the old */
	copy_fixture("dup_b", "reload.so", 0755);
	assert_int_equal(fs_plugin_reload(&reg, v1, &v2, err, sizeof err), FS_OK);
	assert_ptr_not_equal(v1, v2);
	assert_string_equal(v2->desc.version, "1.0.b");
	assert_string_equal(v1->desc.version, "1.0.a"); /* old code still mapped */
	assert_ptr_not_equal(v1->handle, v2->handle);
	fs_registry_release(&reg);
}

static void
test_host_table_set_before_init(void **st)
{
	(void)st;
	struct fs_plugin *p = ph_load("example", "{\"preferredRegion\": \"eu\"}");
	assert_non_null(p->state);
	assert_int_equal(fs_host_table()->struct_size, sizeof(struct fs_host));
	char err[1024];
	struct fs_plugin *bad = NULL;
	assert_int_equal(ph_try_load("example", "{\"labelKy\": \"x\"}", &bad, err, sizeof err), FS_E_PLUGIN);
	assert_non_null(strstr(err, "initialization failed: unknown key 'labelKy' (did you mean 'labelKey'?)"));
	ph_retire_all();
}

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
		{"abi_minor", 1, "incompatible ABI: plugin built for 1.1"},
		{"missing_callback", 1, "capability 'score' declared but its callback is missing"},
		{"no_entry", 2, "no symbol 'fs_plugin_entry'"},
		{"bad_magic", 2, "bad magic 0xdeadbeef"},
		{"unresolved", 3, "undefined symbol: fs_symbol_that_does_not_exist"},
		{"init_fails", 3, "initialization failed: port: 70000 is out of range (1-65535)"},
		{"init_crash", 3, "initialization crashed: signal 11 (Segmentation fault)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct fs_buf out = FS_BUF_INIT;
		int code = run_check(fixture(cases[i].fx), "", &out);
		if (code != cases[i].code || !strstr(out.data, cases[i].says))
			fail_msg("%s: exit %d (want %d), output:\n%s", cases[i].fx, code, cases[i].code, out.data);
		fs_buf_release(&out);
	}
	struct fs_buf out = FS_BUF_INIT;
	assert_int_equal(run_check(fixture("init_hang"), "--timeout 0.5", &out), 3);
	assert_non_null(strstr(out.data, "initialization timed out after 500 ms and was killed"));
	fs_buf_reset(&out);
	assert_int_equal(run_check(copy_fixture("good", "ww.so", 0646), "", &out), 3);
	assert_non_null(strstr(out.data, "world-writable"));
	fs_buf_reset(&out);
	assert_int_equal(run_check("/etc/hostname", "--output json", &out), 2);
	assert_non_null(strstr(out.data, "\"verdict\":\t\"NOT A PLUGIN\""));
	fs_buf_release(&out);
}

static int
setup(void **st)
{
	(void)st;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/fedstate-test-loader-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **st)
{
	(void)st;
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_loads),
		cmocka_unit_test(test_abi_major),
		cmocka_unit_test(test_abi_minor_newer),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_no_entry),
		cmocka_unit_test(test_small_descriptor),
		cmocka_unit_test(test_missing_field),
		cmocka_unit_test(test_missing_callback),
		cmocka_unit_test(test_unresolved_symbol),
		cmocka_unit_test(test_duplicate_name),
		cmocka_unit_test(test_init_fails),
		cmocka_unit_test(test_world_writable_refused),
		cmocka_unit_test(test_not_regular_refused),
		cmocka_unit_test(test_sha256_pin),
		cmocka_unit_test(test_resolve_by_name),
		cmocka_unit_test(test_reload_maps_new_file),
		cmocka_unit_test(test_host_table_set_before_init),
		cmocka_unit_test(test_check_exit_codes),
	};
	return cmocka_run_group_tests_name("loader", tests, setup, teardown);
}
