/*
 * util/intern.h - the process-wide string table.
 *
 * Equal strings give equal pointers, so views compare strings with ==.
 * An entry lives as long as someone holds it, in one of two ways:
 *
 *   pinned    fs_intern(): for the life of the process. For small
 *             vocabularies (keys, resource names, API groups and kinds,
 *             cluster names and every string of a cluster view, scheduler
 *             names, constants, whatever plugins intern with
 *             host->intern()).
 *   counted   fs_intern_ref(refs, ...): one reference, recorded in `refs`,
 *             dropped by fs_intern_refs_release(). The entry is freed with
 *             its last reference unless it was pinned meanwhile. For
 *             per-object strings (a binding's uid, annotation values,
 *             schedulerResult): the view that carries them holds them.
 *
 * Both kinds share one entry per content, so a counted "cpu" and a pinned
 * "cpu" are the same pointer. A pointer to a counted string is valid while
 * the reference that produced it is held: code that keeps a string longer
 * than the view it came from pins it with fs_intern().
 *
 * Not thread-safe: call from the scheduling/ops thread (decoders run there).
 */
#ifndef FS_UTIL_INTERN_H
#define FS_UTIL_INTERN_H

#include <stddef.h>
#include <stdint.h>

/* up to len bytes or the first NUL, whichever comes first ((size_t)-1:
 * the whole C string). NULL s gives NULL. Pins the entry. */
const char *fs_intern(const char *s, size_t len);
/* the interned pointer if s is in the table, else NULL (no insert, no
 * reference) */
const char *fs_intern_lookup(const char *s, size_t len);

/* A set of counted references, released together (e.g. everything one
 * decoded view holds). Zero-initialise (FS_INTERN_REFS_INIT). */
struct fs_intern_refs {
	const char **v; /* malloc'd; one entry per reference */
	uint32_t n, cap;
};
#define FS_INTERN_REFS_INIT {0, 0, 0}

/* Like fs_intern, but takes one counted reference recorded in r. r NULL:
 * the same as fs_intern (pinned). NULL s gives NULL (nothing recorded). */
const char *fs_intern_ref(struct fs_intern_refs *r, const char *s, size_t len);
/* Drop every reference in r (entries left unreferenced and unpinned are
 * freed) and empty r. NULL-safe. */
void fs_intern_refs_release(struct fs_intern_refs *r);

size_t fs_intern_count(void); /* entries in the table */
size_t fs_intern_bytes(void); /* memory held by the table and its strings */

#endif
