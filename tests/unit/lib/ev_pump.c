/* tests/unit/lib/ev_pump.c - see ev_pump.h */
#include "ev_pump.h"

#include <ev.h>

static void
on_break(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)t;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

void
tl_pump(struct ev_loop *loop, double seconds)
{
	ev_timer t;
	ev_timer_init(&t, on_break, seconds, 0.);
	ev_timer_start(loop, &t);
	ev_run(loop, 0);
	ev_timer_stop(loop, &t);
}

bool
tl_pump_until(struct ev_loop *loop, const int *v, int want, double guard_s)
{
	for (double t = 0; t < guard_s && *v < want; t += 0.01)
		tl_pump(loop, 0.01);
	return *v >= want;
}
