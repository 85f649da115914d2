/*
 * test_poison - the poison-object journal (plugin/poison.h): a plugin call
 * that crashes (SIGSEGV) or is killed (SIGKILL, as a liveness probe ends a
 * hang) leaves its object noted; the next start quarantines it with the
 * plugin, point and signal, keeps it across restarts, and releases it when
 * its generation changes or the backoff passes. A call that returns leaves
 * nothing.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "plugin/crash.h"
#include "plugin/poison.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/fs-poison-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* a daemon process: open the journal, call "render" on key, which ends
 * with `how` (0: returns, else that signal); the child's wait status */
static int
daemon_call(const char *key, int64_t generation, int how)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* a daemon has no cmocka handler to chain to: the default one */
		static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
		for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
			signal(sigs[i], SIG_DFL);
		fs_crash_install();
		char *err = NULL;
		struct fs_poison *p = fs_poison_open(dir, 60000, &err);
		if (!p)
			_exit(2);
		struct fs_crash_call cc;
		fs_crash_from(&cc, NULL, "render");
		cc.plugin = "crashmw";
		cc.kind = "Boom";
		cc.name = key;
		fs_crash_enter(&cc);
		fs_poison_enter(p, &cc, key, generation);
		if (how)
			raise(how); /* the plugin crashes, or the process is killed */
		fs_poison_leave(p, &cc);
		fs_crash_leave(&cc);
		fs_poison_close(p);
		_exit(0);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void
test_crash_is_quarantined_until_spec_changes(void **state)
{
	(void)state;
	int st = daemon_call("Boom default/boom", 3, SIGSEGV);
	assert_false(WIFEXITED(st) && WEXITSTATUS(st) == 0); /* it did crash */
	char *err = NULL;
	struct fs_poison *p = fs_poison_open(dir, 60000, &err);
	assert_non_null(p);
	assert_int_equal(fs_poison_count(p), 1);
	const struct fs_poison_entry *e = fs_poison_check(p, "Boom default/boom", 3, now_ms());
	assert_non_null(e);
	assert_string_equal(e->plugin, "crashmw");
	assert_string_equal(e->point, "render");
	assert_string_equal(e->signal, "SIGSEGV");
	assert_int_equal(e->found_at_start, 1);
	assert_null(fs_poison_check(p, "Boom default/fine", 3, now_ms()));
	fs_poison_close(p);

	/* a restart keeps it (no crash-loop on the same object) */
	p = fs_poison_open(dir, 60000, &err);
	assert_non_null(p);
	e = fs_poison_check(p, "Boom default/boom", 3, now_ms());
	assert_non_null(e);
	assert_int_equal(e->found_at_start, 0);
	/* its spec changed (generation 4): tried again, the entry is gone */
	assert_null(fs_poison_check(p, "Boom default/boom", 4, now_ms()));
	assert_int_equal(fs_poison_count(p), 0);
	fs_poison_close(p);
	p = fs_poison_open(dir, 60000, &err);
	assert_int_equal(fs_poison_count(p), 0);
	fs_poison_close(p);
}

static void
test_kill_backoff_and_clean_calls(void **state)
{
	(void)state;
	/* killed in the call (a hang ended from outside): no signal written */
	int st = daemon_call("Boom default/hang", 7, SIGKILL);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	char *err = NULL;
	struct fs_poison *p = fs_poison_open(dir, 60000, &err);
	assert_non_null(p);
	const struct fs_poison_entry *e = fs_poison_check(p, "Boom default/hang", 7, now_ms());
	assert_non_null(e);
	assert_string_equal(e->signal, "killed");
	int64_t until = e->until_ms;
	assert_true(until > now_ms() + 50000 && until <= now_ms() + 60000);
	/* the backoff passed: tried again */
	assert_null(fs_poison_check(p, "Boom default/hang", 7, until));
	assert_int_equal(fs_poison_count(p), 0);
	fs_poison_close(p);

	/* calls that return leave nothing, however many */
	for (int i = 0; i < 3; i++)
		assert_int_equal(daemon_call("Boom default/fine", i, 0), 0);
	p = fs_poison_open(dir, 0, &err);
	assert_int_equal(fs_poison_count(p), 0);
	fs_poison_close(p);

	/* not a directory: said */
	assert_null(fs_poison_open("/proc/version", 0, &err));
	assert_non_null(strstr(err, "poison journal: /proc/version is not a writable directory"));
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_is_quarantined_until_spec_changes),
		cmocka_unit_test(test_kill_backoff_and_clean_calls),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
