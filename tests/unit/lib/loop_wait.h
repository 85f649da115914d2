/*
 * tests/unit/lib/loop_wait.h - run the host's event loop (core/net) until a
 * counter or flag that callbacks update reaches a value. The time limit is
 * a hang guard, not a timing assertion.
 */
#ifndef TESTS_LOOP_WAIT_H
#define TESTS_LOOP_WAIT_H

#include <stdbool.h>

/* true when *v >= want before guard_ms passed */
bool tl_loop_until_count(const int *v, int want, int guard_ms);
/* true when *flag became true before guard_ms passed */
bool tl_loop_until_flag(const bool *flag, int guard_ms);

#endif
