/*
 * opsd/apply.h - what to write so that a live object holds the fields we
 * render, and nothing else changes (docs/ops.md "Applying"). Pure JSON:
 * no transport, no state.
 *
 * Subset semantics: objects by key (live may carry more keys: labels a
 * user added, defaults a webhook filled in, status); arrays of equal
 * length, element by element, elements that carry a string "name" matched
 * by name (Service ports, containers), others by position; scalars equal.
 */
#ifndef FS_OPSD_APPLY_H
#define FS_OPSD_APPLY_H

#include <stdbool.h>

#include <cjson/cJSON.h>

/* true when every field of want (borrowed) is in live (borrowed, may be
 * NULL) with the same value, as above */
bool fs_opsd_subset(const cJSON *want, const cJSON *live);

/* The JSON merge patch (RFC 7386) that puts want's fields into live and
 * keeps every other field; NULL when live already holds them (no write).
 * A merge patch cannot address array elements, so an array that differs
 * is written whole, each element merged over its live counterpart
 * (matched by "name", else by position): what the API server or a webhook
 * filled in inside an element (a port's nodePort, a resourceSelector's
 * namespace) survives. Server-owned metadata (resourceVersion, uid,
 * generation, creationTimestamp, managedFields) and the top-level
 * apiVersion and kind (the request names them; list items leave them
 * out) are ignored, in the subset test too.
 * Caller frees. */
cJSON *fs_opsd_merge_patch(const cJSON *want, const cJSON *live);

/* want without the metadata fields the server owns, for a create or an
 * apply; caller frees */
cJSON *fs_opsd_for_write(const cJSON *want);

#endif
