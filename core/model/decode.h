/*
 * model/decode.h - what every object decoder shares: the decode context
 * (where diagnostics go, which object is being read), lazily formatted
 * field paths, and typed field readers that report wrong types as
 *
 *   clusters.yaml:14:9: cluster member2: spec.taints[0].effect: expected
 *   one of NoSchedule, PreferNoSchedule, NoExecute, got "Sometimes"
 *
 * Paths are chains of stack frames (struct fs_dpath) and are only turned
 * into text when a diagnostic is written, so the happy path costs nothing.
 *
 * Every string a reader returns is interned (util/intern.h): pinned, or,
 * when ctx->refs is set, a counted reference recorded there (the view that
 * carries the strings then owns them: release ctx->refs with the view).
 * Arrays go into the caller's arena. Threading: the decoding thread only
 * (interning).
 */
#ifndef FS_MODEL_DECODE_H
#define FS_MODEL_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <fedstate/types.h>

#include "util/arena.h"
#include "util/diag.h"
#include "util/doc.h"
#include "util/intern.h"

struct fs_decode_ctx {
	const struct fs_docset *ds; /* positions and file name; may be NULL */
	const char *file;           /* file name when ds is NULL; may be NULL */
	struct fs_diags *diags;     /* NULL: problems are only counted */
	bool keep_raw;              /* binding views point `raw` at the source
	                               object (which must then outlive them) */
	struct fs_intern_refs *refs; /* NULL: strings are pinned; else every
	                               string is a counted reference added here */
	/* filled by the decoders */
	char what[192];             /* "cluster member2", "resourcebinding default/nginx" */
	size_t errors;              /* problems reported through this ctx */
};

/* one step of a field path: a key (index < 0) or an array index */
struct fs_dpath {
	const struct fs_dpath *up;
	const char *key;
	long index;
};

#define FS_DPATH_KEY(parent, k) {(parent), (k), -1}
#define FS_DPATH_AT(parent, i) {(parent), NULL, (long)(i)}

/* Report a problem with `node` (for the position; may be NULL) at `path`.
 * Message: lowercase, what is wrong first. */
void fs_decode_error(struct fs_decode_ctx *ctx, const cJSON *node,
		     const struct fs_dpath *path, const char *fmt, ...)
	FS_PRINTF(4, 5);
/* "expected <what>, got string \"x\"" / "got integer 3" / "got object" */
void fs_decode_type_error(struct fs_decode_ctx *ctx, const cJSON *node,
			  const struct fs_dpath *path, const char *expected);
/* "spec.taints[0].effect"; caller frees */
char *fs_dpath_format(const struct fs_dpath *path);

/* One pass over an object's members: out[i] = the member named names[i]
 * (NULL when absent). Members not named are ignored (unknown fields).
 * `obj` that is not an object gives all NULL. */
/* elements of an array or members of an object (0 for NULL or a scalar) */
uint32_t fs_decode_count(const cJSON *node);
#define FS_NKEYS(a) (sizeof(a) / sizeof *(a))

void fs_decode_fields(const cJSON *obj, const char *const *names, size_t n,
		      const cJSON **out);

/* Typed readers. A NULL or JSON-null node is "unset": the reader returns
 * false/NULL quietly. A node of the wrong type is reported and treated as
 * unset. */
const char *fs_decode_str(struct fs_decode_ctx *ctx, const cJSON *node,
			  const struct fs_dpath *path); /* interned; "" -> NULL */
bool fs_decode_int(struct fs_decode_ctx *ctx, const cJSON *node,
		   const struct fs_dpath *path, int64_t min, int64_t max,
		   int64_t *out);
/* an object or array node; anything else is reported */
bool fs_decode_is(struct fs_decode_ctx *ctx, const cJSON *node,
		  const struct fs_dpath *path, int cjson_type);
/* a quantity given as a string or a number, in the canonical unit of
 * `resource` (interned); a negative one is an error (the field path) */
bool fs_decode_quantity(struct fs_decode_ctx *ctx, const cJSON *node,
			const struct fs_dpath *path, const char *resource,
			int64_t *out);
/* RFC 3339 timestamp ("2024-03-11T08:15:02Z", "...+08:00", fractions)
 * -> unix seconds */
bool fs_decode_time(struct fs_decode_ctx *ctx, const cJSON *node,
		    const struct fs_dpath *path, int64_t *out);

/* string map (labels, nodeSelector) -> kv array sorted by key pointer */
uint32_t fs_decode_kv_map(struct fs_decode_ctx *ctx, const cJSON *node,
			  const struct fs_dpath *path, struct fs_arena *a,
			  const struct fs_kv **out);
/* array of strings -> interned pointers; empty strings are reported
 * unless allow_empty (selector values may be "") */
uint32_t fs_decode_str_list(struct fs_decode_ctx *ctx, const cJSON *node,
			    const struct fs_dpath *path, bool allow_empty,
			    struct fs_arena *a, const char *const **out);
/* quantity map ({cpu: 950m, memory: 2Gi}) -> resources sorted by name
 * pointer; a bad quantity is reported and left out */
uint32_t fs_decode_resources(struct fs_decode_ctx *ctx, const cJSON *node,
			     const struct fs_dpath *path, struct fs_arena *a,
			     const struct fs_resource **out);

/* "what" helper: sets ctx->what to "<kind> <ns>/<name>" or "<kind> <name>"
 * (kind lower-cased) */
void fs_decode_set_what(struct fs_decode_ctx *ctx, const char *kind,
			const char *ns, const char *name);

/* binary search of an interned name in a resource array sorted by name
 * pointer; NULL when absent */
const struct fs_resource *fs_resource_find(const struct fs_resource *r,
					   uint32_t n, const char *name);

#endif
