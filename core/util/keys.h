/*
 * util/keys.h - unknown keys in a mapping read from a config file: each key
 * that is not in a known list becomes an error at the key's position, with
 * a "did you mean" hint when a known key is close, else the list of known
 * keys. Shared by the scheduler and ops config loaders. Not thread-safe
 * beyond what fs_diags is (one list per thread).
 */
#ifndef FS_UTIL_KEYS_H
#define FS_UTIL_KEYS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/diag.h"
#include "util/doc.h"

/* Edit distance (insert, delete, substitute) of two short strings; 99 when
 * either is 63 bytes or longer. */
unsigned fs_edit_distance(const char *a, const char *b);

/* The first entry of `known` (NULL-terminated) within two edits of key, the
 * closest one; NULL when none is. Borrowed from `known`. */
const char *fs_keys_nearest(const char *key, const char *const *known);

/* Report every key of the object `obj` that is not in `known` as the error
 * "<path>.<key>: unknown field '<key>'" (just "<key>" when path is "" or
 * NULL) at the key's position in `ds` (may be NULL: no position), in file
 * `file`, with a hint. d may be NULL: then nothing is reported, only
 * counted. Returns how many keys were unknown. */
size_t fs_keys_check(struct fs_diags *d, const struct fs_docset *ds,
		     const char *file, const char *path, const cJSON *obj,
		     const char *const *known);

#endif
