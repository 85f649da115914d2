/*
 * fake_host.h - a host table for plugin tests that own the clock and the
 * timer: the real table with now_ms returning fh_now and timer_start
 * recording one timer (fh_timer) that the test fires by hand
 * (fh_timer.cb(fh_timer.ud)). Tests add their own hooks (tcp_probe,
 * http_start) to fh_host between fh_reset and fh_load.
 *
 *   fh_reset(1000);
 *   fh_host.tcp_probe = my_probe;
 *   struct fs_plugin *p = fh_load("vip", "{\"probe\": true}");
 *   ...
 *   fh_unload(p);
 *
 * One faked instance at a time; single-threaded, like the suites.
 */
#ifndef FS_TEST_FAKE_HOST_H
#define FS_TEST_FAKE_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "plugin/loader.h"

struct fh_timer {
	fs_timer_fn cb;
	void *ud;
	uint64_t repeat_ms;
	bool live; /* started and not stopped */
};

extern struct fs_host fh_host;   /* the table the faked plugin sees */
extern int64_t fh_now;           /* what now_ms returns */
extern struct fh_timer fh_timer; /* the last timer started */

/* fh_host := the real table with the fake clock and timer; fh_now := now;
 * no timer */
void fh_reset(int64_t now);
/* Load plugin `name` (ph_load) and init a copy of it against fh_host with
 * args_json; fails the test when init refuses. The instance is static
 * storage: valid until the next fh_load. */
struct fs_plugin *fh_load(const char *name, const char *args_json);
/* fini the instance and give the plugin the real host table back */
void fh_unload(struct fs_plugin *p);

#endif
