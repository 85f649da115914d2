/* tests/unit/lib/loop_wait.c - see loop_wait.h */
#include "loop_wait.h"

#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "net/net.h"

static void
wake(void *ud)
{
	(void)ud; /* only makes ev_run return so the guard is checked */
}

static bool
loop_until(const int *v, int want, const bool *flag, int guard_ms)
{
	int64_t deadline = fs_now_ms() + guard_ms;
	struct fs_timer *t = fs_timer_start(100, 100, wake, NULL);
	while ((v ? *v < want : !*flag) && fs_now_ms() < deadline)
		ev_run(fs_loop(), EVRUN_ONCE);
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
