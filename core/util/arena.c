/* util/arena.c - see arena.h */
#include "util/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

struct fs_arena_block {
	struct fs_arena_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void *
fs_arena_alloc(struct fs_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct fs_arena_block *b = a->head;
	if (!b || b->cap - b->used < n) {
		size_t bs = a->block_size ? a->block_size : 16384;
		size_t cap = n > bs ? n : bs;
		b = fs_xmalloc(sizeof *b + cap);
		b->used = 0;
		b->cap = cap;
		/* keep a partly used head in front when this is an oversized block */
		if (a->head && n > bs) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
		a->total += sizeof *b + cap;
	}
	void *p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

void *
fs_arena_memdup(struct fs_arena *a, const void *p, size_t n)
{
	void *q = fs_arena_alloc(a, n);
	if (n)
		memcpy(q, p, n);
	return q;
}

char *
fs_arena_strndup(struct fs_arena *a, const char *s, size_t n)
{
	char *p = fs_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	return p;
}

char *
fs_arena_strdup(struct fs_arena *a, const char *s)
{
	return s ? fs_arena_strndup(a, s, strlen(s)) : NULL;
}

char *
fs_arena_vprintf(struct fs_arena *a, const char *fmt, va_list ap)
{
	char small[256];
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(small, sizeof small, fmt, cp);
	va_end(cp);
	if (n < 0)
		return fs_arena_strdup(a, "");
	if ((size_t)n < sizeof small)
		return fs_arena_strndup(a, small, (size_t)n);
	char *p = fs_arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
fs_arena_printf(struct fs_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = fs_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void
fs_arena_reset(struct fs_arena *a)
{
	if (!a->head)
		return;
	if (!a->head->next) {
		a->head->used = 0;
		return;
	}
	/* several blocks: replace them by one that holds what this round
	 * needed, so a steady workload (one scheduling cycle after another)
	 * stops allocating after the first rounds */
	size_t need = 0;
	for (struct fs_arena_block *b = a->head; b; b = b->next)
		need += b->used;
	fs_arena_release(a);
	size_t bs = a->block_size ? a->block_size : 16384;
	struct fs_arena_block *b = fs_xmalloc(sizeof *b + (need > bs ? need : bs));
	b->next = NULL;
	b->used = 0;
	b->cap = need > bs ? need : bs;
	a->head = b;
	a->total = sizeof *b + b->cap;
}

void
fs_arena_release(struct fs_arena *a)
{
	struct fs_arena_block *b = a->head;
	while (b) {
		struct fs_arena_block *n = b->next;
		free(b);
		b = n;
	}
	a->head = NULL;
	a->total = 0;
}
