/*
 * ops/input.h - reading Kubernetes objects from YAML/JSON files for the
 * offline commands: every document, with `kind: *List` documents expanded
 * into their items.
 */
#ifndef FS_OPS_INPUT_H
#define FS_OPS_INPUT_H

#include <cjson/cJSON.h>
#include <fedstate/status.h>

#include "util/diag.h"

/* New array of the objects in `path` (caller frees with cJSON_Delete).
 * Problems (unreadable file, YAML errors, a document that is not a mapping)
 * go to d with file:line:col; the code is the docset's, or FS_E_INVAL. */
enum fs_code fs_ops_load_objects(const char *path, cJSON **out,
				 struct fs_diags *d);

#endif
