/*
 * plugin/poison.h - poison objects: one object whose plugin call crashes
 * the daemon must not crash-loop it.
 *
 * Before each plugin call the daemon notes the object in a small journal
 * file in a directory that survives the process (an emptyDir in the
 * Deployment): fs_poison_enter writes one line, fs_poison_leave empties
 * it (one write and one ftruncate per call, no allocation). If the call
 * crashes, the crash handler (plugin/crash.h) completes the line with the
 * signal; if the process is killed (a hang ended by the liveness probe,
 * the OOM killer) the line stays without one. At the next start
 * fs_poison_open finds the line and quarantines its object: the daemon
 * skips it (a Warning Event and condition PluginCrashed naming plugin and
 * signal, a metric) until its generation changes (a spec edit) or the
 * backoff passes, then tries again.
 *
 * Files in dir: "inflight" (the journal) and "quarantine" (one entry per
 * line: key, generation, plugin, point, signal, until; rewritten through
 * a temporary file and rename). Keys are the caller's ("MultiCloudMongoDB
 * default/orders-db"); tabs and line breaks in them become '?'.
 * One journal per process and thread: the daemons call plugins from their
 * loop thread only.
 */
#ifndef FS_PLUGIN_POISON_H
#define FS_PLUGIN_POISON_H

#include <stddef.h>
#include <stdint.h>

#include "plugin/crash.h"

struct fs_poison;

struct fs_poison_entry {
	char *key;
	int64_t generation;
	char *plugin, *point;
	char *signal;     /* "SIGSEGV", or "killed" when the process was killed */
	int64_t until_ms; /* wall clock (ms since the epoch): retried after */
	int found_at_start; /* 1: quarantined by this fs_poison_open */
};

/* Open (creating) the journal in dir, and quarantine what a crash left in
 * it, for backoff_ms (0: one hour). NULL with *err (caller frees) when
 * dir is not a writable directory. */
struct fs_poison *fs_poison_open(const char *dir, int64_t backoff_ms, char **err);
void fs_poison_close(struct fs_poison *p); /* NULL-safe */

/* Note the call cc is about to make on object key at generation (cc gets
 * the journal, so a crash completes the note); then call the plugin, then
 * fs_poison_leave. p NULL: nothing is noted. */
void fs_poison_enter(struct fs_poison *p, struct fs_crash_call *cc, const char *key,
		     int64_t generation);
void fs_poison_leave(struct fs_poison *p, struct fs_crash_call *cc);

/* The quarantine entry that says to skip key at generation now (wall
 * clock ms), or NULL: go ahead. An entry for another generation, or whose
 * backoff has passed, is released (and NULL returned). Borrowed until the
 * next call on p. */
const struct fs_poison_entry *fs_poison_check(struct fs_poison *p, const char *key,
					      int64_t generation, int64_t now_ms);
size_t fs_poison_count(const struct fs_poison *p);
/* entry i (0..count-1), e.g. to report what this start quarantined */
const struct fs_poison_entry *fs_poison_at(const struct fs_poison *p, size_t i);

#endif
