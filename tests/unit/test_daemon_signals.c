/*
 * test_daemon_signals - signals sent to ourselves (raise, kill) run the
 * callbacks on the loop: SIGHUP reloads, SIGTERM/SIGINT drain once, SIGHUP
 * is ignored while draining, and a second SIGTERM exits at once with
 * 128 + 15 (checked in a forked child, waited for with a bound).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>

#include "lib/ev_pump.h"

#include "daemon/signals.h"
#include "util/log.h"

struct counts {
	int drains, reloads, last_sig;
	struct ev_loop *loop;
};

static void
on_drain(void *ud, int sig)
{
	struct counts *c = ud;
	c->drains++;
	c->last_sig = sig;
	ev_break(c->loop, EVBREAK_ALL); /* as a daemon stops its loop */
}

static void
on_reload(void *ud)
{
	struct counts *c = ud;
	c->reloads++;
}

static void
test_hup_reloads_term_drains(void **state)
{
	(void)state;
	struct counts c = {.loop = ev_loop_new(EVFLAG_AUTO)};
	struct fs_signals_opts o = {.on_drain = on_drain, .on_reload = on_reload, .ud = &c};
	assert_null(fs_signals_start(c.loop, &(struct fs_signals_opts){0}));
	struct fs_signals *s = fs_signals_start(c.loop, &o);
	assert_non_null(s);
	raise(SIGHUP);
	tl_pump_until(c.loop, &c.reloads, 1, 2.0);
	assert_int_equal(c.reloads, 1);
	kill(getpid(), SIGHUP);
	tl_pump_until(c.loop, &c.reloads, 2, 2.0);
	assert_int_equal(c.reloads, 2);
	assert_false(fs_signals_draining(s));
	assert_int_equal(c.drains, 0);

	raise(SIGINT);
	tl_pump_until(c.loop, &c.drains, 1, 2.0);
	assert_int_equal(c.drains, 1);
	assert_int_equal(c.last_sig, SIGINT);
	assert_true(fs_signals_draining(s));
	/* no reload once draining */
	raise(SIGHUP);
	int never = 0;
	tl_pump_until(c.loop, &never, 1, 0.3);
	assert_int_equal(c.reloads, 2);
	fs_signals_stop(s);
	ev_loop_destroy(c.loop);
}

static void
test_second_term_exits_at_once(void **state)
{
	(void)state;
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		struct counts c = {.loop = ev_loop_new(EVFLAG_AUTO)};
		struct fs_signals *s = fs_signals_start(c.loop, &(struct fs_signals_opts){
			.on_drain = on_drain, .on_reload = on_reload, .ud = &c});
		raise(SIGTERM);
		tl_pump_until(c.loop, &c.drains, 1, 2.0);
		if (c.drains != 1 || c.last_sig != SIGTERM)
			_exit(3);
		if (write(pfd[1], "D", 1) != 1)
			_exit(4);
		raise(SIGTERM); /* the impatient operator */
		int never = 0;
		tl_pump_until(c.loop, &never, 1, 0.3);
		fs_signals_stop(s);
		_exit(5); /* still alive: wrong */
	}
	close(pfd[1]);
	int status = 0;
	pid_t got = 0;
	for (int i = 0; i < 500 && got == 0; i++) { /* at most 5 s */
		got = waitpid(pid, &status, WNOHANG);
		if (!got)
			usleep(10000);
	}
	if (got == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("the child did not exit after the second SIGTERM");
	}
	char ch = 0;
	assert_int_equal(read(pfd[0], &ch, 1), 1);
	assert_int_equal(ch, 'D'); /* drained on the first */
	close(pfd[0]);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 128 + SIGTERM);
}

int
main(void)
{
	fs_log_set_fd(-1); /* the signal lines are logged; keep the output clean */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hup_reloads_term_drains),
		cmocka_unit_test(test_second_term_exits_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
