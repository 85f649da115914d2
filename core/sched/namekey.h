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

static inline struct fs_namekey
fs_namekey_make(const char *name)
{
	struct fs_namekey k = {0, 0, name};
	const unsigned char *p = (const unsigned char *)name;
	int i = 0;
	for (; i < 8 && p[i]; i++)
		k.hi |= (uint64_t)p[i] << (56 - 8 * i);
	if (i == 8)
		for (int j = 0; j < 8 && p[8 + j]; j++)
			k.lo |= (uint64_t)p[8 + j] << (56 - 8 * j);
	return k;
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
