/*
 * sched/namekey.h - cheap ordering of cluster names by strcmp.
 *
 * The first 16 bytes of a name are packed big-endian into two integers,
 * so most comparisons are two integer compares; strcmp runs only when
 * two different names share those 16 bytes. The order is exactly
 * strcmp's (bytes compared as unsigned char, the end of a string sorting
 * before any byte). Header-only; pure; thread-safe.
 */
#ifndef FS_SCHED_NAMEKEY_H
#define FS_SCHED_NAMEKEY_H

#include <stdint.h>
#include <string.h>

struct fs_namekey {
	uint64_t hi, lo;
	const char *name; /* borrowed */
};

static inline uint64_t
fs_namekey_be64_(const unsigned char *b)
{
	uint64_t v;
	memcpy(&v, b, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline struct fs_namekey
fs_namekey_make(const char *name)
{
	unsigned char b[16] = {0};
	memcpy(b, name, strnlen(name, sizeof b));
	return (struct fs_namekey){fs_namekey_be64_(b), fs_namekey_be64_(b + 8), name};
}

static inline int
fs_namekey_cmp(const struct fs_namekey *a, const struct fs_namekey *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->name == b->name)
		return 0;
	return strcmp(a->name, b->name);
}

#endif
