/*
 * util/buf.h - a growable byte buffer that is always NUL-terminated.
 *
 * struct fs_buf b = FS_BUF_INIT;  ... fs_buf_release(&b);
 * `data` is never NULL after init (points at "" until something is added).
 * Allocation failure aborts the process (out of memory is not recoverable
 * in a controller; the supervisor restarts it).
 */
#ifndef FS_UTIL_BUF_H
#define FS_UTIL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <fedstate/host.h>

struct fs_buf {
	char *data;
	size_t len;
	size_t cap; /* 0 while data points at the shared empty string */
};

extern char fs_buf_empty_[1];
#define FS_BUF_INIT {fs_buf_empty_, 0, 0}

void fs_buf_init(struct fs_buf *b);
void fs_buf_release(struct fs_buf *b);       /* frees; leaves b initialised */
void fs_buf_reset(struct fs_buf *b);         /* len = 0, keeps memory */
void fs_buf_grow(struct fs_buf *b, size_t extra);
void fs_buf_add(struct fs_buf *b, const void *p, size_t n);
void fs_buf_adds(struct fs_buf *b, const char *s);
void fs_buf_addc(struct fs_buf *b, char c);
/* append everything left in f (a file or a pipe; not closed); false on a
 * read error, with errno set and what was read before it kept */
bool fs_buf_read(struct fs_buf *b, FILE *f);
void fs_buf_printf(struct fs_buf *b, const char *fmt, ...) FS_PRINTF(2, 3);
void fs_buf_vprintf(struct fs_buf *b, const char *fmt, va_list ap);
char *fs_buf_detach(struct fs_buf *b);        /* caller frees (free(3)) */

/* overwrite n bytes of a secret (token, key) before freeing it; NULL-safe */
void fs_free_secret(char *s, size_t n);

/* xmalloc family: abort with a message on out-of-memory */
void *fs_xmalloc(size_t n);
void *fs_xcalloc(size_t n, size_t size);
void *fs_xrealloc(void *p, size_t n);
char *fs_xstrdup(const char *s);
char *fs_xstrndup(const char *s, size_t n);

#endif
