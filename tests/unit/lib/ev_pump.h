/*
 * tests/unit/lib/ev_pump.h - run a given libev loop (not core/net's) for a
 * bounded time, for the suites of core/daemon, whose pieces take the loop
 * explicitly.
 */
#ifndef TESTS_EV_PUMP_H
#define TESTS_EV_PUMP_H

#include <stdbool.h>

struct ev_loop;

/* run loop for about `seconds` (a callback's ev_break ends it sooner) */
void tl_pump(struct ev_loop *loop, double seconds);
/* pump in 10 ms steps until *v >= want or guard_s passed; true when reached */
bool tl_pump_until(struct ev_loop *loop, const int *v, int want, double guard_s);

#endif
