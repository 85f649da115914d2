/*
 * daemon/signals.h - a daemon's signals as libev watchers on the caller's
 * loop: SIGTERM or SIGINT calls on_drain once (the caller stops the queue,
 * releases the Lease and stops the loop); a second SIGTERM or SIGINT while
 * draining exits the process at once with _exit(128 + signal), as an
 * impatient operator expects. SIGHUP calls on_reload (not while draining).
 * SIGPIPE is ignored (a peer closing a socket is an error return, not a
 * death).
 *
 * libev binds a signal to one loop at a time: one fs_signals per process.
 * The callbacks run on the loop, never inside a signal handler.
 */
#ifndef FS_DAEMON_SIGNALS_H
#define FS_DAEMON_SIGNALS_H

#include <stdbool.h>

struct ev_loop;
struct fs_signals;

struct fs_signals_opts {
	void (*on_drain)(void *ud, int signum);  /* required */
	void (*on_reload)(void *ud);             /* NULL: SIGHUP is logged only */
	void *ud;                                /* borrowed */
};

/* Start the watchers on loop (borrowed). Caller frees with
 * fs_signals_stop. NULL when on_drain is NULL. */
struct fs_signals *fs_signals_start(struct ev_loop *loop,
				    const struct fs_signals_opts *o);
/* Stop the watchers and free; NULL-safe. SIGPIPE stays ignored. */
void fs_signals_stop(struct fs_signals *s);
/* true once a drain signal arrived */
bool fs_signals_draining(const struct fs_signals *s);

#endif
