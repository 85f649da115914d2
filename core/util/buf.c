/* util/buf.c - see buf.h */
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char fs_buf_empty_[1];

static void
oom(size_t n)
{
	fprintf(stderr, "fedstate: out of memory allocating %zu bytes\n", n);
	abort();
}

void
fs_free_secret(char *s, size_t n)
{
	if (!s)
		return;
	volatile char *p = s; /* volatile: the stores must not be optimised away */
	for (size_t i = 0; i < n; i++)
		p[i] = 0;
	free(s);
}

void *
fs_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *
fs_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *
fs_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *
fs_xstrdup(const char *s)
{
	return fs_xstrndup(s, strlen(s));
}

char *
fs_xstrndup(const char *s, size_t n)
{
	char *p = fs_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
fs_buf_init(struct fs_buf *b)
{
	b->data = fs_buf_empty_;
	b->len = 0;
	b->cap = 0;
}

void
fs_buf_release(struct fs_buf *b)
{
	if (b->cap)
		free(b->data);
	fs_buf_init(b);
}

void
fs_buf_reset(struct fs_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
}

void
fs_buf_grow(struct fs_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	if (b->cap) {
		b->data = fs_xrealloc(b->data, cap);
	} else {
		b->data = fs_xmalloc(cap);
		b->data[0] = '\0';
	}
	b->cap = cap;
}

void
fs_buf_add(struct fs_buf *b, const void *p, size_t n)
{
	fs_buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
fs_buf_adds(struct fs_buf *b, const char *s)
{
	fs_buf_add(b, s, strlen(s));
}

void
fs_buf_addc(struct fs_buf *b, char c)
{
	fs_buf_add(b, &c, 1);
}

bool
fs_buf_read(struct fs_buf *b, FILE *f)
{
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fs_buf_add(b, chunk, n);
	return !ferror(f);
}

void
fs_buf_vprintf(struct fs_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		fs_buf_add(b, small, (size_t)n);
		return;
	}
	fs_buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
fs_buf_printf(struct fs_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fs_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *
fs_buf_detach(struct fs_buf *b)
{
	char *p = b->cap ? b->data : fs_xstrdup("");
	fs_buf_init(b);
	return p;
}
