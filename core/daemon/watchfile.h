/*
 * daemon/watchfile.h - watch one config file for changes, with inotify on
 * its directory (and on the directory its symlinks lead to), so that each
 * way a file gets replaced is seen:
 *   - an in-place write (same inode),
 *   - an editor's write-to-temp then rename over the name,
 *   - Kubernetes' ConfigMap volume update: the file is a symlink through
 *     "..data", which is swapped for a new timestamped directory.
 * Events are debounced: the callback runs once when no event came for
 * `debounce` seconds and the file's content (SHA-256) differs from the last
 * seen; a change back and forth, a touch, or a file missing at that moment
 * (mid-swap) calls nothing. The inotify fd is on the caller's loop; the
 * settle step reads the file once (a config file: small, local).
 * Single-threaded.
 */
#ifndef FS_DAEMON_WATCHFILE_H
#define FS_DAEMON_WATCHFILE_H

struct ev_loop;
struct fs_watchfile;

/* path: the file as given on the command line (borrowed for the call) */
typedef void (*fs_watchfile_fn)(void *ud, const char *path);

/* Start watching `path` (copied) on loop (borrowed); debounce <= 0 takes
 * 0.25 s. fn and ud borrowed until fs_watchfile_free. The file may be
 * missing at start (it counts as changed when it appears), its directory
 * must exist. NULL on failure with *err set (caller frees), naming the
 * directory and errno's text. Caller frees with fs_watchfile_free. */
struct fs_watchfile *fs_watchfile_new(struct ev_loop *loop, const char *path,
				      double debounce, fs_watchfile_fn fn,
				      void *ud, char **err);
void fs_watchfile_free(struct fs_watchfile *w); /* NULL-safe */

#endif
