/*
 * tests/unit/lib/loop_wait.h - the test process's loop and HTTP pool, and
 * running that loop until a counter or flag that callbacks update reaches
 * a value. The time limit is a hang guard, not a timing assertion.
 */
#ifndef TESTS_LOOP_WAIT_H
#define TESTS_LOOP_WAIT_H

#include <stdbool.h>

struct ev_loop;
struct fs_net;

struct ev_loop *tl_loop(void); /* libev's default loop */
struct fs_net *tl_net(void);   /* a pool on tl_loop(), made on first use */
/* cancel everything of tl_net() and free it; the next tl_net() is new */
void tl_net_reset(void);

/* true when *v >= want before guard_ms passed */
bool tl_loop_until_count(const int *v, int want, int guard_ms);
/* true when *flag became true before guard_ms passed */
bool tl_loop_until_flag(const bool *flag, int guard_ms);

#endif
