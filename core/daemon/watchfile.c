/*
 * daemon/watchfile.c - debounced inotify watch of one file (see
 * watchfile.h).
 *
 * Two watches at most: the directory of the path as given (renames over
 * the name, and ConfigMaps' "..data" swap, happen there) and, when the
 * path's symlinks resolve into another directory, that one (in-place
 * writes to the real file happen there). The second is re-aimed after
 * every settle, as the symlinks may lead elsewhere by then.
 */
#include "daemon/watchfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ev.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/sha256.h"

#define DIR_MASK (IN_CLOSE_WRITE | IN_MODIFY | IN_MOVED_TO | IN_MOVED_FROM | \
		  IN_CREATE | IN_DELETE | IN_ATTRIB)
#define MAX_HASHED (64u << 20)

struct fs_watchfile {
	struct ev_loop *loop;
	char *path, *dir, *base;
	char *tdir, *tbase; /* where the symlinks lead; NULL when in dir */
	int fd, wd_dir, wd_target;
	bool have;          /* a hash was taken */
	unsigned char sum[32];
	fs_watchfile_fn fn;
	void *ud;
	ev_io io;
	ev_timer settle;
};

/* SHA-256 of the file's content, following symlinks; false when missing
 * or unreadable. A huge file hashes its size and times instead. */
static bool
content_sum(const char *path, unsigned char out[32])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	struct fs_sha256 h;
	fs_sha256_init(&h);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	if ((unsigned long long)st.st_size > MAX_HASHED) {
		fs_sha256_update(&h, &st.st_size, sizeof(st.st_size));
		fs_sha256_update(&h, &st.st_mtim, sizeof(st.st_mtim));
		fs_sha256_update(&h, &st.st_ino, sizeof(st.st_ino));
	} else {
		char buf[16384];
		ssize_t r;
		while ((r = read(fd, buf, sizeof(buf))) > 0)
			fs_sha256_update(&h, buf, (size_t)r);
		if (r < 0) {
			close(fd);
			return false;
		}
	}
	close(fd);
	fs_sha256_final(&h, out);
	return true;
}

/* dirname(3) or basename(3) of p, in a new string (both may change p) */
static char *
path_part(const char *p, bool dir)
{
	char *tmp = fs_xstrdup(p);
	char *part = fs_xstrdup(dir ? dirname(tmp) : basename(tmp));
	free(tmp);
	return part;
}

/* aim the second watch at the directory the path resolves into */
static void
retarget(struct fs_watchfile *w)
{
	char real[PATH_MAX], realdir[PATH_MAX];
	char *tdir = NULL, *tbase = NULL;
	if (realpath(w->path, real) && realpath(w->dir, realdir)) {
		char *d = path_part(real, true);
		if (strcmp(d, realdir)) {
			tdir = d;
			tbase = path_part(real, false);
		} else {
			free(d);
		}
	}
	if (tdir && w->tdir && !strcmp(tdir, w->tdir) && w->wd_target >= 0) {
		free(tdir);
		free(tbase);
		return;
	}
	if (w->wd_target >= 0)
		inotify_rm_watch(w->fd, w->wd_target); /* EINVAL when already gone */
	w->wd_target = -1;
	free(w->tdir);
	free(w->tbase);
	w->tdir = tdir;
	w->tbase = tbase;
	if (tdir) {
		w->wd_target = inotify_add_watch(w->fd, tdir, IN_CLOSE_WRITE | IN_MODIFY |
								     IN_MOVED_TO | IN_CREATE);
		if (w->wd_target < 0)
			fs_warn("watchfile", "cannot watch %s (where %s leads): %s; in-place writes there go unseen",
				tdir, w->path, strerror(errno));
	}
}

static void
on_settle(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)loop;
	(void)revents;
	struct fs_watchfile *w = t->data;
	ev_timer_stop(w->loop, t);
	retarget(w);
	unsigned char sum[32];
	if (!content_sum(w->path, sum))
		return; /* missing or mid-swap: the next event settles again */
	if (w->have && !memcmp(sum, w->sum, sizeof(sum)))
		return;
	memcpy(w->sum, sum, sizeof(sum));
	w->have = true;
	fs_debug("watchfile", "%s changed", w->path);
	w->fn(w->ud, w->path);
}

static bool
relevant(const struct fs_watchfile *w, const struct inotify_event *ev)
{
	if (ev->mask & IN_Q_OVERFLOW)
		return true;
	if (ev->mask & IN_IGNORED) /* the target directory went (ConfigMap swap) */
		return ev->wd == w->wd_target;
	if (!ev->len)
		return false;
	if (ev->wd == w->wd_dir)
		return !strcmp(ev->name, w->base) || !strncmp(ev->name, "..", 2);
	return ev->wd == w->wd_target && w->tbase && !strcmp(ev->name, w->tbase);
}

static void
on_inotify(struct ev_loop *loop, ev_io *io, int revents)
{
	(void)revents;
	struct fs_watchfile *w = io->data;
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool hit = false;
	for (;;) {
		ssize_t n = read(w->fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			hit |= relevant(w, ev);
			if ((ev->mask & IN_IGNORED) && ev->wd == w->wd_target)
				w->wd_target = -1;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (hit)
		ev_timer_again(loop, &w->settle); /* restart the quiet period */
}

struct fs_watchfile *
fs_watchfile_new(struct ev_loop *loop, const char *path, double debounce,
		 fs_watchfile_fn fn, void *ud, char **err)
{
	*err = NULL;
	struct fs_watchfile *w = fs_xcalloc(1, sizeof(*w));
	w->loop = loop;
	w->path = fs_xstrdup(path);
	w->dir = path_part(path, true);
	w->base = path_part(path, false);
	w->fn = fn;
	w->ud = ud;
	w->wd_target = -1;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	w->wd_dir = w->fd < 0 ? -1 : inotify_add_watch(w->fd, w->dir, DIR_MASK | IN_ONLYDIR);
	if (w->wd_dir < 0) {
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "cannot watch %s for changes of %s: %s%s", w->dir, path,
			      strerror(errno),
			      errno == ENOSPC ? "; hint: raise fs.inotify.max_user_watches" : "");
		*err = fs_buf_detach(&b);
		fs_watchfile_free(w);
		return NULL;
	}
	retarget(w);
	w->have = content_sum(path, w->sum);
	ev_io_init(&w->io, on_inotify, w->fd, EV_READ);
	w->io.data = w;
	ev_init(&w->settle, on_settle);
	w->settle.repeat = debounce > 0 ? debounce : 0.25;
	w->settle.data = w;
	ev_io_start(loop, &w->io);
	return w;
}

void
fs_watchfile_free(struct fs_watchfile *w)
{
	if (!w)
		return;
	if (w->loop && w->fd >= 0) {
		ev_io_stop(w->loop, &w->io);
		ev_timer_stop(w->loop, &w->settle);
	}
	if (w->fd >= 0)
		close(w->fd);
	free(w->path);
	free(w->dir);
	free(w->base);
	free(w->tdir);
	free(w->tbase);
	free(w);
}
