/*
 * kube/watch.h - the watch stream: newline-delimited JSON events framed
 * out of arbitrary chunks, and decoded into typed events.
 *
 * The framer keeps one growable buffer per stream and scans only the bytes
 * it has not looked at yet, so an object split over many chunks costs
 * linear time; a chunk holding many objects delivers all of them. Lines
 * longer than the limit abort the stream (a hostile or broken server).
 * Not thread-safe; one framer per stream.
 */
#ifndef FS_KUBE_WATCH_H
#define FS_KUBE_WATCH_H

#include <stddef.h>

#include <cjson/cJSON.h>
#include <fedstate/status.h>

#include "util/buf.h"

#define FS_KUBE_MAX_LINE_DEFAULT ((size_t)16 << 20) /* 16 MiB */

struct fs_kube_framer {
	struct fs_buf buf;
	size_t start;    /* first byte of the line being assembled */
	size_t scanned;  /* bytes from `start` already known to hold no '\n' */
	size_t max_line; /* bytes */
};

/* line is NUL-terminated (writable, valid during the call), without the
 * trailing "\r\n"; blank lines are skipped. A non-FS_OK return stops the
 * feed and is returned by fs_kube_framer_feed. */
typedef enum fs_code (*fs_kube_line_fn)(void *ud, char *line, size_t len);

void fs_kube_framer_init(struct fs_kube_framer *f, size_t max_line); /* 0: default */
/* FS_E_RANGE when a line exceeds max_line */
enum fs_code fs_kube_framer_feed(struct fs_kube_framer *f, const void *data,
				 size_t len, fs_kube_line_fn fn, void *ud);
size_t fs_kube_framer_pending(const struct fs_kube_framer *f); /* bytes of a partial line */
void fs_kube_framer_reset(struct fs_kube_framer *f);   /* drop a partial line */
void fs_kube_framer_release(struct fs_kube_framer *f);

enum fs_kube_event_type {
	FS_KUBE_ADDED,
	FS_KUBE_MODIFIED,
	FS_KUBE_DELETED,
	FS_KUBE_BOOKMARK,
	FS_KUBE_ERROR,
};

struct fs_kube_event {
	enum fs_kube_event_type type;
	cJSON *object;       /* owned by the event (take it by setting NULL) */
	const char *rv;      /* object's metadata.resourceVersion; borrowed, may be NULL */
	enum fs_code code;   /* ERROR: the Status mapped (410 -> FS_E_GONE) */
	long status_code;    /* ERROR: Status.code */
	char *message;       /* ERROR: Status.message, owned; else NULL */
};

/* Decode one line. FS_E_PARSE/FS_E_PROTO with *err (caller frees) when the
 * line is not a watch event. */
enum fs_code fs_kube_event_decode(const char *line, size_t len,
				  struct fs_kube_event *ev, char **err);
void fs_kube_event_release(struct fs_kube_event *ev);
const char *fs_kube_event_name(enum fs_kube_event_type t); /* "ADDED" */

#endif
