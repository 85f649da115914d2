/*
 * net/loop.c - the monotonic clock and timers on a caller's loop.
 */
#include <stdlib.h>
#include <time.h>

#include <ev.h>

#include "net/net_internal.h"

struct fs_timer {
	struct fs_owned own; /* first: owner.c casts */
	ev_timer w;
	struct ev_loop *loop;
	fs_timer_fn cb;
	void *ud;
};

int64_t
fs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
timer_fired(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fs_timer *t = (struct fs_timer *)((char *)w - offsetof(struct fs_timer, w));

	(void)loop;
	(void)revents;
	/* last statement: cb may stop (free) its own timer */
	t->cb(t->ud);
}

struct fs_timer *
fs_timer_start(struct ev_loop *loop, struct fs_owner *owner, uint64_t after_ms,
	       uint64_t repeat_ms, fs_timer_fn cb, void *ud)
{
	struct fs_timer *t;

	if (!cb || !loop)
		return NULL;
	t = fs_xcalloc(1, sizeof(*t));
	if (!fs_owned_link(owner, &t->own, FS_OWNED_TIMER)) {
		free(t);
		return NULL;
	}
	t->loop = loop;
	t->cb = cb;
	t->ud = ud;
	/* seconds as doubles: 999 ms must stay 0.999 s, not 0 */
	ev_timer_init(&t->w, timer_fired, (double)after_ms / 1000.0,
		      (double)repeat_ms / 1000.0);
	/* a plugin callback may have run long since the loop cached "now" */
	ev_now_update(loop);
	ev_timer_start(loop, &t->w);
	return t;
}

void
fs_timer_halt(struct fs_timer *t)
{
	ev_timer_stop(t->loop, &t->w);
}

void
fs_timer_stop(struct fs_timer *t)
{
	if (!t)
		return;
	ev_timer_stop(t->loop, &t->w);
	fs_owned_unlink(&t->own);
	free(t);
}
