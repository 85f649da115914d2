/*
 * test_daemon_watchfile - the config-file watch in a fresh temporary
 * directory: an in-place write, an editor's rename-over, and the ConfigMap
 * "..data" symlink swap each call back exactly once; a burst of writes is
 * one call; a touch or a rewrite with the same content is none; a write
 * to the file the ConfigMap symlinks lead to is seen too. Each wait is
 * bounded (a settle of 50 ms, at most 2 s).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>

#include "lib/ev_pump.h"

#include "daemon/watchfile.h"

#define SETTLE 0.05

struct env {
	struct ev_loop *loop;
	char dir[64];
	char path[128];
	int calls;
	struct fs_watchfile *w;
};

static void
on_change(void *ud, const char *path)
{
	struct env *e = ud;
	assert_string_equal(path, e->path);
	e->calls++;
}

/* wait for the callback count to reach want (bounded), then a few settle
 * periods more so that a second call would be seen */
static int
settle(struct env *e, int want)
{
	for (int i = 0; i < 100 && e->calls < want; i++)
		tl_pump(e->loop, 0.02);
	tl_pump(e->loop, SETTLE * 4);
	return e->calls;
}

static void
put(const char *path, const char *text, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static char *
cat(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *s = malloc(n);
	snprintf(s, n, "%s/%s", a, b);
	return s;
}

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	snprintf(e->dir, sizeof(e->dir), "/tmp/fs-watch-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->path, sizeof(e->path), "%s/scheduler.yaml", e->dir);
	e->loop = ev_loop_new(EVFLAG_AUTO);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;
	fs_watchfile_free(e->w);
	ev_loop_destroy(e->loop);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	if (system(cmd) != 0)
		return -1;
	free(e);
	return 0;
}

static void
start(struct env *e)
{
	char *err = NULL;
	e->w = fs_watchfile_new(e->loop, e->path, SETTLE, on_change, e, &err);
	assert_null(err);
	assert_non_null(e->w);
}

static void
test_in_place_write(void **state)
{
	struct env *e = *state;
	put(e->path, "a: 1\n", O_TRUNC);
	start(e);
	assert_int_equal(settle(e, 0), 0);
	put(e->path, "a: 2\n", O_TRUNC); /* same inode */
	assert_int_equal(settle(e, 1), 1);
	/* a burst of writes settles into one call */
	for (int i = 0; i < 5; i++)
		put(e->path, "b: 1\n", i ? O_APPEND : O_TRUNC);
	assert_int_equal(settle(e, 2), 2);
	/* same content again, and a touch: no change */
	put(e->path, "b: 1\nb: 1\nb: 1\nb: 1\nb: 1\n", O_TRUNC);
	assert_int_equal(settle(e, 3), 2);
	chmod(e->path, 0600);
	assert_int_equal(settle(e, 3), 2);
	/* another file in the directory is not ours */
	char *other = cat(e->dir, "other.yaml");
	put(other, "x", O_TRUNC);
	assert_int_equal(settle(e, 3), 2);
	free(other);
}

static void
test_rename_over(void **state)
{
	struct env *e = *state;
	put(e->path, "a: 1\n", O_TRUNC);
	start(e);
	char *tmp = cat(e->dir, ".scheduler.yaml.swp");
	put(tmp, "a: 2\n", O_TRUNC);
	assert_int_equal(rename(tmp, e->path), 0);
	assert_int_equal(settle(e, 1), 1);
	free(tmp);
	/* the file removed and written anew, as some editors do */
	unlink(e->path);
	tl_pump(e->loop, SETTLE * 2);
	put(e->path, "a: 3\n", O_TRUNC);
	assert_int_equal(settle(e, 2), 2);
}

/* the layout kubelet gives a ConfigMap volume:
 *   scheduler.yaml -> ..data/scheduler.yaml, ..data -> ..<stamp> */
static void
configmap_version(struct env *e, const char *stamp, const char *text)
{
	char *d = cat(e->dir, stamp);
	assert_int_equal(mkdir(d, 0755), 0);
	char *f = cat(d, "scheduler.yaml");
	put(f, text, O_TRUNC);
	free(f);
	free(d);
}

static void
swap_data(struct env *e, const char *stamp, const char *old)
{
	char *tmp = cat(e->dir, "..data_tmp"), *data = cat(e->dir, "..data");
	assert_int_equal(symlink(stamp, tmp), 0);
	assert_int_equal(rename(tmp, data), 0);
	free(tmp);
	free(data);
	if (old) {
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s'", e->dir, old);
		assert_int_equal(system(cmd), 0);
	}
}

static void
test_configmap_symlink_swap(void **state)
{
	struct env *e = *state;
	configmap_version(e, "..2026_12_02_10_00_00.1", "a: 1\n");
	swap_data(e, "..2026_12_02_10_00_00.1", NULL);
	assert_int_equal(symlink("..data/scheduler.yaml", e->path), 0);
	start(e);
	assert_int_equal(settle(e, 0), 0);

	configmap_version(e, "..2026_12_02_10_05_00.2", "a: 2\n");
	swap_data(e, "..2026_12_02_10_05_00.2", "..2026_12_02_10_00_00.1");
	assert_int_equal(settle(e, 1), 1);

	/* a second swap: the watch followed to the new directory */
	configmap_version(e, "..2026_12_02_10_10_00.3", "a: 3\n");
	swap_data(e, "..2026_12_02_10_10_00.3", "..2026_12_02_10_05_00.2");
	assert_int_equal(settle(e, 2), 2);

	/* an in-place write where the symlinks lead */
	char *real = cat(e->dir, "..2026_12_02_10_10_00.3/scheduler.yaml");
	put(real, "a: 4\n", O_TRUNC);
	assert_int_equal(settle(e, 3), 3);
	free(real);
}

static void
test_missing_dir(void **state)
{
	struct env *e = *state;
	char *err = NULL;
	assert_null(fs_watchfile_new(e->loop, "/nonexistent-fedstate/x.yaml", SETTLE, on_change, e, &err));
	assert_non_null(err);
	assert_string_equal(err, "cannot watch /nonexistent-fedstate for changes of /nonexistent-fedstate/x.yaml: No such file or directory");
	free(err);
	/* a file missing at start counts as changed when it appears */
	start(e);
	put(e->path, "a: 1\n", O_TRUNC);
	assert_int_equal(settle(e, 1), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_place_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_configmap_symlink_swap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_dir, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
