/*
 * util/doc.h - YAML and JSON documents loaded into cJSON trees that remember
 * where every node came from, so validators can say "file:line:col".
 *
 *   struct fs_diags d = FS_DIAGS_INIT;
 *   struct fs_docset *ds;
 *   if (fs_docset_load_file(&ds, "clusters.yaml", &d) == FS_OK) {
 *           for (size_t i = 0; i < fs_docset_count(ds); i++)
 *                   use(fs_docset_doc(ds, i));
 *           fs_docset_free(ds);
 *   }
 *
 * One docset holds every document of one input (multi-document YAML
 * separated by `---`); documents that are empty or null are skipped.
 *
 * YAML mapping -> object, sequence -> array. Scalars resolve like the YAML
 * 1.2 core schema (what Kubernetes manifests expect):
 *   plain `null`, `Null`, `NULL`, `~` and the empty scalar -> null
 *   plain `true`/`True`/`TRUE`, `false`/`False`/`FALSE`    -> bool
 *     (the YAML 1.1 words yes/no/on/off stay strings)
 *   plain integers (decimal, 0x hex, 0o octal) and floats  -> number
 *   everything else, and every quoted or block scalar      -> string
 *   explicit tags !!str, !!int, !!float, !!bool, !!null (and !!map, !!seq)
 *   are honoured; any other tag (!!binary, !!python/object, !x) is an error.
 * Anchors and aliases are supported (an alias is a deep copy of its
 * anchor, with a total budget of nodes and of bytes against "billion
 * laughs"); merge keys `<<` are not interpreted (they stay an ordinary
 * key). Duplicate keys in a mapping are errors reported at the second
 * occurrence (at most 10 reports per mapping, then a summary).
 * A NUL byte in any key or string is an error (strings are C strings).
 * Size limits (input, scalar, depth 256, alias budget) are listed with
 * their messages in docs/limits.md; messages echo at most 64 input bytes.
 *
 * EXACT NUMBERS: cJSON keeps numbers as doubles, which loses integers above
 * 2^53 (9223372036854775807 in resource models) and decimal fractions (the
 * quantity 0.1). Every number node therefore also carries its source text
 * in `valuestring` (integers in canonical decimal, e.g. "31" for 0x1F).
 * Read integers with fs_doc_int() and quantity text with fs_doc_scalar();
 * never from valuedouble. (cJSON_Print still prints the double.)
 *
 * JSON input (text starting with `{` or `[`) takes a fast path through
 * cJSON; positions and exact number text are recovered by a second scan.
 *
 * Threading: a docset is used by one thread at a time. Not reentrant-safe
 * across threads only because of cJSON's global error pointer.
 */
#ifndef FS_UTIL_DOC_H
#define FS_UTIL_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <fedstate/status.h>

#include "util/diag.h"

struct fs_docset;

/* Load a file. On success *out is a new docset (caller frees with
 * fs_docset_free). On failure *out is NULL, every problem is added to `d`
 * (which may be NULL) and the code says what kind of failure: FS_E_IO
 * (cannot read), FS_E_PARSE (syntax error, duplicate key, alias budget). */
enum fs_code fs_docset_load_file(struct fs_docset **out, const char *path,
				 struct fs_diags *d);
/* The same over memory; `name` (copied) is used in diagnostics; `text` need
 * not be NUL-terminated and is not kept. */
enum fs_code fs_docset_load_mem(struct fs_docset **out, const char *name,
				const char *text, size_t len,
				struct fs_diags *d);

size_t fs_docset_count(const struct fs_docset *ds); /* non-empty documents */
/* document i (0-based), NULL when out of range; borrowed, lives as long as
 * the docset */
const cJSON *fs_docset_doc(const struct fs_docset *ds, size_t i);
const char *fs_docset_name(const struct fs_docset *ds); /* borrowed */
/* 1-based position of the start of `node` (any node of this docset); false
 * and 0:0 when unknown (a node of another tree, an alias copy). NULL ds is
 * allowed (gives false). */
bool fs_docset_pos(const struct fs_docset *ds, const cJSON *node,
		   unsigned *line, unsigned *col);
/* position of the key under which `node` sits in its parent object (for
 * "unknown field" or "duplicate key" messages); false when unknown */
bool fs_docset_key_pos(const struct fs_docset *ds, const cJSON *node,
		       unsigned *line, unsigned *col);
void fs_docset_free(struct fs_docset *ds); /* NULL-safe */

/* Exact integer value of a number node: FS_OK, FS_E_RANGE when it is an
 * integer outside int64, FS_E_INVAL when the node is not an integral
 * number (strings are not converted). */
enum fs_code fs_doc_int(const cJSON *node, int64_t *out);
/* Source text of a string or number node ("950m", "1.5", "2"); NULL for
 * other types. Borrowed. */
const char *fs_doc_scalar(const cJSON *node);
/* A short name of a node's type for messages: "string", "integer",
 * "number", "boolean", "null", "object", "array". */
const char *fs_doc_type_name(const cJSON *node);

#endif
