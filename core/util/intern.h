/*
 * util/intern.h - the process-wide string table.
 *
 * fs_intern() returns a canonical copy of a string: equal strings give
 * equal pointers, so views compare strings with ==. Interned strings are
 * never freed. Not thread-safe: call from the scheduling/ops thread (decoders
 * run there too).
 */
#ifndef FS_UTIL_INTERN_H
#define FS_UTIL_INTERN_H

#include <stddef.h>

/* up to len bytes or the first NUL, whichever comes first ((size_t)-1:
 * the whole C string). NULL s gives NULL. */
const char *fs_intern(const char *s, size_t len);
/* the interned pointer if s was interned before, else NULL (no insert) */
const char *fs_intern_lookup(const char *s, size_t len);
size_t fs_intern_count(void);
size_t fs_intern_bytes(void); /* memory held by the table */

#endif
