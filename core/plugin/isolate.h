/*
 * plugin/isolate.h - run a plugin call in a forked child with a deadline
 * (`fedstate render --isolate`, `simulate --isolate`, `plugins check
 * --object`), so a crash or a hang in plugin code becomes the error of
 * that one call instead of the tool's death.
 *
 * The child runs fn(arg, reply): whatever fn appends to reply comes back
 * to the parent through a pipe when fn returns. The child inherits the
 * crash handler (plugin/crash.h), so a crash still prints its one-line
 * report on stderr. Not for daemons: fork in a process with threads or a
 * live event loop is not safe; the offline tools are single-threaded.
 */
#ifndef FS_PLUGIN_ISOLATE_H
#define FS_PLUGIN_ISOLATE_H

#include <stdint.h>

#include <fedstate/status.h>

#include "util/buf.h"

typedef void (*fs_isolate_fn)(void *arg, struct fs_buf *reply);

/* FS_OK: fn returned, its reply in *reply (appended). FS_E_PLUGIN: the
 * child died of signal *signo. FS_E_TIMEOUT: still running after
 * timeout_ms, killed. FS_E_IO: it could not be started, or exited without
 * replying (*signo 0). */
enum fs_code fs_isolate_run(fs_isolate_fn fn, void *arg, uint32_t timeout_ms,
			    struct fs_buf *reply, int *signo);

/* "SIGSEGV", "SIGABRT", ... or "signal N" (static or in buf) */
const char *fs_isolate_signame(int signo, char *buf, size_t n);

#endif
