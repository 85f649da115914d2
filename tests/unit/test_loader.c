/*
 * test_loader.c - the plugin loader's refusals, each with its exact message
 * (`fedstate plugins check` on the same fixtures: test_plugins_cli.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/runtime.h"
#include "lib/plugin_harness.h"
#include "util/buf.h"
#include "util/sha256.h"

static char tmpdir[1024];

/* load a fixture in a fresh registry; returns the code, message in err */
static enum fs_code
load_fixture(const char *name, char *err, size_t errlen)
{
	struct fs_registry reg;
	fs_registry_init(&reg);
	struct fs_loaded_plugin *lp = NULL;
	enum fs_code rc = fs_plugin_load_path(&reg, ph_fixture(name), NULL, &lp, err, errlen);
	fs_registry_release(&reg);
	return rc;
}

static void
expect_refusal(const char *name, enum fs_code code, const char *label, const char *msg)
{
	char err[2048], want[2048];
	assert_int_equal(load_fixture(name, err, sizeof err), code);
	snprintf(want, sizeof want, "plugin '%s' (%s): %s", label, ph_fixture(name), msg);
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
	assert_int_equal(fs_plugin_load_path(&reg, ph_fixture("good"), NULL, &lp, err, sizeof err), FS_OK);
	assert_string_equal(lp->desc.name, "fixture-good");
	assert_int_equal(lp->desc.kind, FS_PLUGIN_SCHED);
	assert_non_null(lp->sched.filter);
	assert_null(lp->sched.score);
	assert_int_equal(strlen(lp->sha256), 64);
	/* the same file again is shared, not mapped twice */
	struct fs_loaded_plugin *again = NULL;
	assert_int_equal(fs_plugin_load_path(&reg, ph_fixture("good"), NULL, &again, err, sizeof err), FS_OK);
	assert_ptr_equal(lp, again);
	fs_registry_release(&reg);
}

static void
test_abi_major(void **st)
{
	(void)st;
	expect_refusal("abi_major", FS_E_ABI, "abi_major",
		       "incompatible ABI: plugin built for 2.0, host supports 1.0-1.1\n"
		       "  hint: rebuild against the fedstate-plugin 1.x headers "
		       "(pkg-config --variable=abi fedstate-plugin)");
}

static void
test_abi_minor_newer(void **st)
{
	(void)st;
	/* the fixture declares this host's minor + 1 */
	expect_refusal("abi_minor", FS_E_ABI, "abi_minor",
		       "incompatible ABI: plugin built for 1.2, host supports 1.0-1.1\n"
		       "  hint: upgrade fedstate to a release with ABI 1.2, or rebuild "
		       "the plugin against this host's headers (pkg-config "
		       "--variable=abi fedstate-plugin prints 1.1) or for an older "
		       "host with -DFS_PLUGIN_ABI_MINOR=1");
}

static void
test_bad_magic(void **st)
{
	(void)st;
	expect_refusal("bad_magic", FS_E_NOT_PLUGIN, "bad_magic",
		       "bad magic 0xdeadbeef (expected 0x46535047)");
}

static void
test_no_entry(void **st)
{
	(void)st;
	expect_refusal("no_entry", FS_E_NOT_PLUGIN, "no_entry",
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
	assert_int_equal(fs_plugin_load_path(&reg, ph_fixture("dup_a"), NULL, &lp, err, sizeof err), FS_OK);
	assert_int_equal(fs_plugin_load_path(&reg, ph_fixture("dup_b"), NULL, &lp, err, sizeof err), FS_E_EXISTS);
	snprintf(want, sizeof want, "plugin 'fixture-dup' (%s): duplicate plugin name: already loaded from %s",
		 ph_fixture("dup_b"), ph_fixture("dup_a"));
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
	assert_int_equal(fs_plugin_load_path(&reg, ph_fixture("init_fails"), NULL, &lp, err, sizeof err), FS_OK);
	assert_int_equal(fs_plugin_instantiate(lp, NULL, NULL, fs_runtime_env(ph_runtime()), &inst, err, sizeof err), FS_E_PLUGIN);
	assert_null(inst);
	snprintf(want, sizeof want, "plugin 'fixture-init-fails' (%s): initialization failed: "
		 "port: 70000 is out of range (1-65535)", ph_fixture("init_fails"));
	assert_string_equal(err, want);
	fs_registry_release(&reg);
}

static void
test_world_writable_refused(void **st)
{
	(void)st;
	const char *p = ph_copy_fixture(tmpdir, "good", "writable.so", 0666);
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
	assert_int_equal(fs_plugin_load_path(&reg, ph_fixture("good"), pin, &lp, err, sizeof err), FS_E_PERM);
	assert_non_null(strstr(err, "checksum mismatch: the file has sha256 "));
	assert_non_null(strstr(err, "the config pins 0000000000000000000000000000000000000000000000000000000000000000\n  hint: "));
	/* the right pin loads */
	char hex[65];
	assert_int_equal(fs_plugin_load_path(&reg, ph_fixture("good"), NULL, &lp, err, sizeof err), FS_OK);
	memcpy(hex, lp->sha256, 65);
	fs_registry_release(&reg);
	fs_registry_init(&reg);
	assert_int_equal(fs_plugin_load_path(&reg, ph_fixture("good"), hex, &lp, err, sizeof err), FS_OK);
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
	ph_copy_fixture(tmpdir, "good", "fixture-good.so", 0755);
	assert_int_equal(fs_plugin_load(&reg, "fixture-good", NULL, FS_PLUGIN_SCHED, &lp, err, sizeof err), FS_OK);
	assert_string_equal(lp->desc.name, "fixture-good");
	assert_int_equal(fs_plugin_load(&reg, "fixture-good", NULL, FS_PLUGIN_MIDDLEWARE, &lp, err, sizeof err),
			 FS_E_KIND);
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
	const char *p = ph_copy_fixture(tmpdir, "dup_a", "reload.so", 0755);
	struct fs_loaded_plugin *v1 = NULL, *v2 = NULL;
	assert_int_equal(fs_plugin_load_path(&reg, p, NULL, &v1, err, sizeof err), FS_OK);
	assert_string_equal(v1->desc.version, "1.0.a");
	/* unchanged file: same plugin */
	assert_int_equal(fs_plugin_reload(&reg, v1, &v2, err, sizeof err), FS_OK);
	assert_ptr_equal(v1, v2);
	/* a newly installed version at the same path is mapped beside the old */
	ph_copy_fixture(tmpdir, "dup_b", "reload.so", 0755);
	assert_int_equal(fs_plugin_reload(&reg, v1, &v2, err, sizeof err), FS_OK);
	assert_ptr_not_equal(v1, v2);
	assert_string_equal(v2->desc.version, "1.0.b");
	assert_string_equal(v1->desc.version, "1.0.a"); /* old code still mapped */
	assert_ptr_not_equal(v1->handle, v2->handle);
	fs_registry_release(&reg);
}

/* ---------------------------------------------------------------- reload
 * fixture-ver comes in two builds of the same size (ver_a, ver_b) whose
 * filter answers "code a" / "code b": which code runs is observable. */

/* a registry whose plugin directory is `dir` */
static void
reg_with_dir(struct fs_registry *reg, const char *dir)
{
	char err[512];
	fs_registry_init(reg);
	if (fs_registry_add_dir(reg, dir, err, sizeof err) != FS_OK)
		fail_msg("%s", err);
}

/* what the loaded code's filter says */
static const char *
code_of(const struct fs_loaded_plugin *lp)
{
	const char *reason = NULL;
	assert_int_equal(lp->sched.filter(NULL, NULL, NULL, &reason), FS_OK);
	return reason;
}

static void
hex_of(const char *fx, char hex[65])
{
	assert_int_equal(fs_sha256_file(ph_fixture(fx), hex), FS_OK);
}

/* overwrite dst with fixture fx in place: same inode, no truncation, and
 * the old mtime put back (what `cp` plus `touch -r` leaves behind) */
static void
rewrite_in_place(const char *fx, const char *dst)
{
	struct stat st;
	assert_int_equal(stat(dst, &st), 0);
	FILE *in = fopen(ph_fixture(fx), "rb");
	assert_non_null(in);
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_read(&b, in);
	fclose(in);
	assert_int_equal((long long)b.len, (long long)st.st_size);
	int fd = open(dst, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, b.data, b.len, 0), (ssize_t)b.len);
	struct timespec times[2] = {st.st_atim, st.st_mtim};
	assert_int_equal(futimens(fd, times), 0);
	close(fd);
	fs_buf_release(&b);
	struct stat now;
	assert_int_equal(stat(dst, &now), 0);
	assert_int_equal(now.st_ino, st.st_ino);
	assert_int_equal(now.st_mtim.tv_nsec, st.st_mtim.tv_nsec);
}

static void
test_changed_file_without_pin_loads_new_code(void **st)
{
	(void)st;
	struct fs_registry reg;
	reg_with_dir(&reg, tmpdir);
	char err[2048];
	struct fs_loaded_plugin *a = NULL, *b = NULL, *again = NULL;
	ph_copy_fixture(tmpdir, "ver_a", "fixture-ver.so", 0755);
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", NULL, FS_PLUGIN_SCHED, &a, err, sizeof err), FS_OK);
	assert_string_equal(code_of(a), "code a");
	/* unchanged: the loaded plugin is reused */
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", NULL, FS_PLUGIN_SCHED, &again, err, sizeof err), FS_OK);
	assert_ptr_equal(again, a);
	/* a new file installed (new inode): new loads get the new code */
	ph_copy_fixture(tmpdir, "ver_b", "fixture-ver.so", 0755);
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", NULL, FS_PLUGIN_SCHED, &b, err, sizeof err), FS_OK);
	assert_ptr_not_equal(a, b);
	assert_string_equal(b->desc.version, "1.0.b");
	assert_string_equal(code_of(b), "code b");
	assert_string_equal(code_of(a), "code a");
	/* and back to the first content: the plugin that has it is reused */
	ph_copy_fixture(tmpdir, "ver_a", "fixture-ver.so", 0755);
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", NULL, FS_PLUGIN_SCHED, &again, err, sizeof err), FS_OK);
	assert_ptr_equal(again, a);
	fs_registry_release(&reg);
}

static void
test_rewritten_in_place_is_detected(void **st)
{
	(void)st;
	struct fs_registry reg;
	reg_with_dir(&reg, tmpdir);
	char err[2048];
	struct fs_loaded_plugin *a = NULL, *b = NULL;
	const char *p = ph_copy_fixture(tmpdir, "ver_a", "fixture-ver.so", 0755);
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", NULL, 0, &a, err, sizeof err), FS_OK);
	/* same inode, size and mtime: only the content (and ctime) differ */
	rewrite_in_place("ver_b", p);
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", NULL, 0, &b, err, sizeof err), FS_OK);
	assert_string_equal(b->desc.version, "1.0.b");
	assert_string_equal(code_of(b), "code b");
	fs_registry_release(&reg);
}

static void
test_unchanged_file_not_rehashed(void **st)
{
	(void)st;
	struct fs_registry reg;
	reg_with_dir(&reg, tmpdir);
	char err[2048], real[65];
	struct fs_loaded_plugin *a = NULL, *again = NULL;
	const char *p = ph_copy_fixture(tmpdir, "ver_a", "fixture-ver.so", 0755);
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", NULL, 0, &a, err, sizeof err), FS_OK);
	/* as if hashed long after its last change; then a digest the file
	 * does not have shows whether the next load read the file */
	a->file.hashed_at.tv_sec += 10;
	memcpy(real, a->sha256, 65);
	memset(a->sha256, 'f', 64);
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", NULL, 0, &again, err, sizeof err), FS_OK);
	assert_ptr_equal(again, a); /* identity unchanged: not hashed */
	memcpy(a->sha256, real, 65);
	/* same inode, size and mtime, new content: ctime moved, so hashed.
	 * The faked hash time above disarms the racy-ctime guard, so wait out
	 * the file system's clock tick for ctime to move for certain. */
	usleep(50 * 1000);
	rewrite_in_place("ver_b", p);
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", NULL, 0, &again, err, sizeof err), FS_OK);
	assert_ptr_not_equal(again, a);
	assert_string_equal(code_of(again), "code b");
	fs_registry_release(&reg);
}

static void
test_old_instance_keeps_old_code(void **st)
{
	(void)st;
	struct fs_registry reg;
	reg_with_dir(&reg, tmpdir);
	char err[2048];
	struct fs_loaded_plugin *a = NULL, *b = NULL;
	struct fs_plugin *ia = NULL, *ib = NULL;
	const char *p = ph_copy_fixture(tmpdir, "ver_a", "fixture-ver.so", 0755);
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", NULL, 0, &a, err, sizeof err), FS_OK);
	assert_int_equal(fs_plugin_instantiate(a, NULL, "old", fs_runtime_env(ph_runtime()), &ia, err, sizeof err), FS_OK);
	/* the admin's file is rewritten under the running instance: the
	 * instance runs a private copy, so its code does not change */
	rewrite_in_place("ver_b", p);
	assert_string_equal(code_of(ia->lp), "code a");
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", NULL, 0, &b, err, sizeof err), FS_OK);
	assert_int_equal(fs_plugin_instantiate(b, NULL, "new", fs_runtime_env(ph_runtime()), &ib, err, sizeof err), FS_OK);
	assert_string_equal(code_of(ib->lp), "code b");
	assert_string_equal(code_of(ia->lp), "code a");
	assert_string_equal(ia->lp->desc.version, "1.0.a");
	assert_ptr_not_equal(ia->lp->handle, ib->lp->handle);
	fs_plugin_retire(ia);
	fs_plugin_retire(ib);
	fs_registry_release(&reg);
}

static void
test_new_pin_follows_config(void **st)
{
	(void)st;
	struct fs_registry reg;
	reg_with_dir(&reg, tmpdir);
	char err[2048], ha[65], hb[65];
	hex_of("ver_a", ha);
	hex_of("ver_b", hb);
	struct fs_loaded_plugin *a = NULL, *b = NULL;
	ph_copy_fixture(tmpdir, "ver_a", "fixture-ver.so", 0755);
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", ha, FS_PLUGIN_SCHED, &a, err, sizeof err), FS_OK);
	/* the new file with a config pinning it: loads, no "duplicate name" */
	ph_copy_fixture(tmpdir, "ver_b", "fixture-ver.so", 0755);
	if (fs_plugin_load(&reg, "fixture-ver", hb, FS_PLUGIN_SCHED, &b, err, sizeof err) != FS_OK)
		fail_msg("new pin refused: %s", err);
	assert_string_equal(code_of(b), "code b");
	/* the old pin no longer matches the installed file: refused, even
	 * though a plugin with that content is loaded */
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", ha, FS_PLUGIN_SCHED, &a, err, sizeof err), FS_E_PERM);
	assert_null(a);
	fs_registry_release(&reg);
}

static void
test_wrong_pin_names_both_digests(void **st)
{
	(void)st;
	struct fs_registry reg;
	reg_with_dir(&reg, tmpdir);
	char err[2048], want[2048], ha[65], hb[65];
	hex_of("ver_a", ha);
	hex_of("ver_b", hb);
	struct fs_loaded_plugin *lp = NULL;
	const char *p = ph_copy_fixture(tmpdir, "ver_b", "fixture-ver.so", 0755);
	/* upper-case pins are the same digest */
	char upper[65];
	for (int i = 0; i < 65; i++)
		upper[i] = (char)(hb[i] >= 'a' && hb[i] <= 'f' ? hb[i] - 'a' + 'A' : hb[i]);
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", upper, 0, &lp, err, sizeof err), FS_OK);
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", ha, 0, &lp, err, sizeof err), FS_E_PERM);
	snprintf(want, sizeof want,
		 "plugin 'fixture-ver' (%s): checksum mismatch: the file has sha256 %s, the config "
		 "pins %s\n  hint: install the pinned build, or pin the installed one (sha256sum %s)",
		 p, hb, ha, p);
	assert_string_equal(err, want);
	fs_registry_release(&reg);
}

static void
test_reload_keeps_pin(void **st)
{
	(void)st;
	struct fs_registry reg;
	fs_registry_init(&reg);
	char err[2048], ha[65];
	hex_of("ver_a", ha);
	const char *p = ph_copy_fixture(tmpdir, "ver_a", "pinned.so", 0755);
	struct fs_loaded_plugin *v1 = NULL, *v2 = NULL;
	assert_int_equal(fs_plugin_load_path(&reg, p, ha, &v1, err, sizeof err), FS_OK);
	ph_copy_fixture(tmpdir, "ver_b", "pinned.so", 0755);
	/* the pin v1 was loaded under still holds: the changed file is refused
	 * and the running plugin stays */
	assert_int_equal(fs_plugin_reload(&reg, v1, &v2, err, sizeof err), FS_E_PERM);
	assert_ptr_equal(v2, v1);
	assert_non_null(strstr(err, "checksum mismatch: the file has sha256 "));
	/* the pinned content back: reload is a no-op */
	ph_copy_fixture(tmpdir, "ver_a", "pinned.so", 0755);
	assert_int_equal(fs_plugin_reload(&reg, v1, &v2, err, sizeof err), FS_OK);
	assert_ptr_equal(v2, v1);
	fs_registry_release(&reg);
}

static void
test_symlink_refused(void **st)
{
	(void)st;
	struct fs_registry reg;
	reg_with_dir(&reg, tmpdir);
	char err[2048], want[2048], link[512];
	struct fs_loaded_plugin *lp = NULL;
	const char *p = ph_copy_fixture(tmpdir, "ver_a", "fixture-ver.so", 0755);
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", NULL, 0, &lp, err, sizeof err), FS_OK);
	/* the file is swapped for a link to another build */
	snprintf(link, sizeof link, "%s", p);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink(ph_fixture("ver_b"), link), 0);
	assert_int_equal(fs_plugin_load(&reg, "fixture-ver", NULL, 0, &lp, err, sizeof err), FS_E_PERM);
	snprintf(want, sizeof want,
		 "plugin 'fixture-ver' (%s): refusing to load: the file is a symbolic link\n"
		 "  hint: install the plugin file itself in the plugin directory", link);
	assert_string_equal(err, want);
	assert_int_equal(unlink(link), 0);
	fs_registry_release(&reg);
}

/* load fixture-ver.so from dir (a fresh registry); the message in err */
static enum fs_code
load_from(const char *dir, char *err, size_t errlen)
{
	struct fs_registry reg;
	reg_with_dir(&reg, dir);
	struct fs_loaded_plugin *lp = NULL;
	enum fs_code rc = fs_plugin_load(&reg, "fixture-ver", NULL, 0, &lp, err, errlen);
	fs_registry_release(&reg);
	return rc;
}

static void
test_writable_directory_refused(void **st)
{
	(void)st;
	char dir[1100], sub[1200], err[2048], want[4096], file[1300];
	snprintf(dir, sizeof dir, "%s/shared", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(sub, sizeof sub, "%s/plugins", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(file, sizeof file, "%s/fixture-ver.so", sub);
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", ph_fixture("ver_a"), file);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(chmod(file, 0755), 0);
	assert_int_equal(load_from(sub, err, sizeof err), FS_OK);

	/* the file's own directory */
	assert_int_equal(chmod(sub, 0777), 0);
	assert_int_equal(load_from(sub, err, sizeof err), FS_E_PERM);
	snprintf(want, sizeof want,
		 "plugin 'fixture-ver' (%s): refusing to load: plugin directory %s is writable "
		 "by others (mode 0777); expected no group/other write on the file and every "
		 "directory above it\n  hint: chmod go-w %s", file, sub, sub);
	assert_string_equal(err, want);
	assert_int_equal(chmod(sub, 0755), 0);

	/* a directory above it, group-writable only */
	assert_int_equal(chmod(dir, 0775), 0);
	assert_int_equal(load_from(sub, err, sizeof err), FS_E_PERM);
	snprintf(want, sizeof want,
		 "plugin 'fixture-ver' (%s): refusing to load: plugin directory %s is writable "
		 "by others (mode 0775); expected no group/other write on the file and every "
		 "directory above it\n  hint: chmod go-w %s", file, dir, dir);
	assert_string_equal(err, want);

	/* sticky (like /tmp) is refused too: anyone may create files there */
	assert_int_equal(chmod(dir, 01777), 0);
	assert_int_equal(load_from(sub, err, sizeof err), FS_E_PERM);
	snprintf(want, sizeof want,
		 "plugin 'fixture-ver' (%s): refusing to load: plugin directory %s is writable "
		 "by others (mode 1777, sticky); expected no group/other write on the file and "
		 "every directory above it\n  hint: any user can create files in a shared "
		 "sticky directory such as /tmp; install plugins in a directory only root or "
		 "this user can write, e.g. /usr/local/lib/fedstate/plugins", file, dir);
	assert_string_equal(err, want);
	assert_int_equal(chmod(dir, 0755), 0);

	/* reached through a symbolic link: the link's target chain counts */
	char link[1200];
	snprintf(link, sizeof link, "%s/via-link", tmpdir);
	assert_int_equal(symlink(sub, link), 0);
	assert_int_equal(load_from(link, err, sizeof err), FS_OK);
	assert_int_equal(chmod(dir, 0757), 0);
	assert_int_equal(load_from(link, err, sizeof err), FS_E_PERM);
	snprintf(want, sizeof want, "refusing to load: plugin directory %s is writable by "
		 "others (mode 0757)", dir);
	assert_non_null(strstr(err, want));
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(unlink(link), 0);

	if (geteuid() == 0) {
		/* owned by another user: refused, the directory and the file */
		assert_int_equal(chown(dir, 65534, 65534), 0);
		assert_int_equal(load_from(sub, err, sizeof err), FS_E_PERM);
		snprintf(want, sizeof want,
			 "plugin 'fixture-ver' (%s): refusing to load: plugin directory %s is "
			 "owned by uid 65534; expected root or the running user (uid 0)\n  hint: "
			 "chown root %s", file, dir, dir);
		assert_string_equal(err, want);
		assert_int_equal(chown(dir, 0, 0), 0);
		assert_int_equal(chown(file, 65534, 65534), 0);
		assert_int_equal(load_from(sub, err, sizeof err), FS_E_PERM);
		snprintf(want, sizeof want,
			 "plugin 'fixture-ver' (%s): refusing to load: the file is owned by uid "
			 "65534; expected root or the running user (uid 0)\n  hint: chown root %s",
			 file, file);
		assert_string_equal(err, want);
		assert_int_equal(chown(file, 0, 0), 0);
	}
	/* and /tmp itself, where a plugin used to be accepted */
	char t[] = "/tmp/fs-loader-sticky-XXXXXX";
	assert_non_null(mkdtemp(t));
	assert_int_equal(chmod(t, 0755), 0);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s/fixture-ver.so'", ph_fixture("ver_a"), t);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(load_from(t, err, sizeof err), FS_E_PERM);
	assert_non_null(strstr(err, "refusing to load: plugin directory /tmp is writable by "
				    "others (mode 1777, sticky)"));
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", t);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(load_from(sub, err, sizeof err), FS_OK);
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

static int
setup(void **st)
{
	(void)st;
	/* under the build tree, not /tmp: the loader refuses plugins below
	 * a directory others can write, and /tmp is one */
	return ph_plugin_tmpdir(tmpdir, sizeof tmpdir, "loader");
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
		cmocka_unit_test(test_changed_file_without_pin_loads_new_code),
		cmocka_unit_test(test_rewritten_in_place_is_detected),
		cmocka_unit_test(test_unchanged_file_not_rehashed),
		cmocka_unit_test(test_old_instance_keeps_old_code),
		cmocka_unit_test(test_new_pin_follows_config),
		cmocka_unit_test(test_wrong_pin_names_both_digests),
		cmocka_unit_test(test_reload_keeps_pin),
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_writable_directory_refused),
		cmocka_unit_test(test_host_table_set_before_init),
	};
	return cmocka_run_group_tests_name("loader", tests, setup, teardown);
}
