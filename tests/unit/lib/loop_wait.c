/* tests/unit/lib/loop_wait.c - see loop_wait.h */
#include "loop_wait.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <ev.h>

#include "net/net.h"

static struct fs_net *pool;

struct ev_loop *
tl_loop(void)
{
	return ev_default_loop(0);
}

struct fs_net *
tl_net(void)
{
	if (!pool && !(pool = fs_net_new(tl_loop())))
		abort();
	return pool;
}

void
tl_net_reset(void)
{
	fs_net_free(pool);
	pool = NULL;
}

static void
wake(void *ud)
{
	(void)ud; /* only makes ev_run return so the guard is checked */
}

static bool
loop_until(const int *v, int want, const bool *flag, int guard_ms)
{
	int64_t deadline = fs_now_ms() + guard_ms;
	struct fs_timer *t = fs_timer_start(tl_loop(), NULL, 100, 100, wake, NULL);
	while ((v ? *v < want : !*flag) && fs_now_ms() < deadline)
		ev_run(tl_loop(), EVRUN_ONCE);
	fs_timer_stop(t);
	return v ? *v >= want : *flag;
}

bool
tl_loop_until_count(const int *v, int want, int guard_ms)
{
	return loop_until(v, want, NULL, guard_ms);
}

bool
tl_loop_until_flag(const bool *flag, int guard_ms)
{
	return loop_until(NULL, 0, flag, guard_ms);
}
