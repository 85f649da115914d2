/*
 * sched/config_parse.h - private helpers of the config reader
 * (config.c, config_profile.c, config_parse.c): a YAML path that grows and
 * shrinks as the reader walks the tree, and typed getters that report
 * every problem with file:line:col and that path. Not for other parts.
 */
#ifndef FS_SCHED_CONFIG_PARSE_H
#define FS_SCHED_CONFIG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "sched/config.h"
#include "util/doc.h"

struct fs_cfg_ctx {
	const struct fs_docset *ds; /* positions; may be NULL */
	struct fs_diags *d;         /* may be NULL */
	struct fs_config *cfg;      /* arena for copies */
	const char *file;
	char path[256];
	size_t plen;
	unsigned errors;
};

/* append ".key" (or "key" at the root) / "[i]"; return the length to pop to */
size_t fs_cfg_push_key(struct fs_cfg_ctx *c, const char *key);
size_t fs_cfg_push_index(struct fs_cfg_ctx *c, size_t i);
void fs_cfg_pop(struct fs_cfg_ctx *c, size_t len);

/* An error at `node` (its value, or its key when at_key) under the current
 * path. node may be NULL (then no position). */
void fs_cfg_error(struct fs_cfg_ctx *c, const cJSON *node, bool at_key,
		  const char *fmt, ...) FS_PRINTF(4, 5);
/* An error at a place recorded earlier (path and position of `w`). */
void fs_cfg_error_at(struct fs_cfg_ctx *c, const struct fs_config_where *w,
		     const char *fmt, ...) FS_PRINTF(3, 4);
/* where `node` is, with a copy of the current path */
struct fs_config_where fs_cfg_where(struct fs_cfg_ctx *c, const cJSON *node);
/* "line 7" or "the built-in defaults" for "first at ..." messages */
const char *fs_cfg_where_text(const struct fs_config_where *w, char *buf,
			      size_t len);

/* "string \"x\"", "integer 5", "object", ... for "got ..." */
const char *fs_cfg_describe(const cJSON *node, char *buf, size_t len);

/* Report every key of obj that is not in `known` (NULL-terminated), with a
 * "did you mean" hint. Returns false when any was found. */
bool fs_cfg_check_keys(struct fs_cfg_ctx *c, const cJSON *obj,
		       const char *const *known);
/* true when node is an object; otherwise reports "expected object, got ..."
 * (under the current path) */
bool fs_cfg_want_object(struct fs_cfg_ctx *c, const cJSON *node);
bool fs_cfg_want_array(struct fs_cfg_ctx *c, const cJSON *node);
/* Item i of the array `list`, entered: "[i]" is pushed on the path (*pop_to:
 * the length to pop back to when done) and its keys are checked against
 * `known`. NULL when the item is not an object: then that is reported and
 * the path is already popped. */
const cJSON *fs_cfg_enter_item(struct fs_cfg_ctx *c, const cJSON *list,
			       uint32_t i, const char *const *known,
			       size_t *pop_to);

/* obj.key as a string copied into the config arena. Missing: NULL, and an
 * error when required. Wrong type or empty: NULL and an error. */
const char *fs_cfg_string(struct fs_cfg_ctx *c, const cJSON *obj,
			  const char *key, bool required);
/* obj.key as an integer; false when absent or bad (bad is reported) */
bool fs_cfg_int(struct fs_cfg_ctx *c, const cJSON *obj, const char *key,
		int64_t *out);

#endif
