/*
 * util/arena.h - bump allocator for memory with one lifetime (a decoded
 * object's view, one scheduling cycle). Everything is freed at once by
 * fs_arena_release(); fs_arena_reset() keeps one block large enough for what the arena held,
 * so a reused arena (one per scheduling cycle) settles to no allocation.
 * Allocation failure aborts (see buf.h).
 */
#ifndef FS_UTIL_ARENA_H
#define FS_UTIL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include <fedstate/host.h>

struct fs_arena_block;
struct fs_arena {
	struct fs_arena_block *head;
	size_t block_size; /* 0: default 16 KiB */
	size_t total;      /* bytes held */
};

#define FS_ARENA_INIT {0, 0, 0}

void *fs_arena_alloc(struct fs_arena *a, size_t n);  /* 16-byte aligned, zeroed */
void *fs_arena_memdup(struct fs_arena *a, const void *p, size_t n);
char *fs_arena_strdup(struct fs_arena *a, const char *s);
char *fs_arena_strndup(struct fs_arena *a, const char *s, size_t n);
char *fs_arena_printf(struct fs_arena *a, const char *fmt, ...) FS_PRINTF(2, 3);
char *fs_arena_vprintf(struct fs_arena *a, const char *fmt, va_list ap);
void fs_arena_reset(struct fs_arena *a);
void fs_arena_release(struct fs_arena *a);

#define FS_ARENA_NEW(a, type, n) ((type *)fs_arena_alloc((a), sizeof(type) * (n)))

#endif
