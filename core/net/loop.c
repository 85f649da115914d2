/*
 * net/loop.c - the process event loop, the monotonic clock and timers.
 */
#include <stdlib.h>
#include <time.h>

#include <ev.h>

#include "net/net.h"
#include "util/buf.h"

struct fs_timer {
	ev_timer w;
	fs_timer_fn cb;
	void *ud;
};

struct ev_loop *
fs_loop(void)
{
	return ev_default_loop(0);
}

int64_t
fs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
fs_loop_run(void)
{
	ev_run(fs_loop(), 0);
}

void
fs_loop_stop(void)
{
	ev_break(fs_loop(), EVBREAK_ALL);
}

static void
timer_fired(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fs_timer *t = (struct fs_timer *)w;

	(void)loop;
	(void)revents;
	/* last statement: cb may stop (free) its own timer */
	t->cb(t->ud);
}

struct fs_timer *
fs_timer_start(uint64_t after_ms, uint64_t repeat_ms, fs_timer_fn cb, void *ud)
{
	struct fs_timer *t;

	if (!cb)
		return NULL;
	t = fs_xcalloc(1, sizeof(*t));
	t->cb = cb;
	t->ud = ud;
	/* seconds as doubles: 999 ms must stay 0.999 s, not 0 */
	ev_timer_init(&t->w, timer_fired, (double)after_ms / 1000.0,
		      (double)repeat_ms / 1000.0);
	/* a plugin callback may have run long since the loop cached "now" */
	ev_now_update(fs_loop());
	ev_timer_start(fs_loop(), &t->w);
	return t;
}

void
fs_timer_stop(struct fs_timer *t)
{
	if (!t)
		return;
	ev_timer_stop(fs_loop(), &t->w);
	free(t);
}
