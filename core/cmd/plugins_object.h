/*
 * cmd/plugins_object.h - `plugins check FILE.so --object FILE` (see
 * plugins_object.c).
 */
#ifndef FS_CMD_PLUGINS_OBJECT_H
#define FS_CMD_PLUGINS_OBJECT_H

#include <stdint.h>

/* Run the middleware plugin at path (declared name `name`, init args JSON
 * or NULL) on every object of its kind in the file `objects`, with
 * `clusters` (a file, or NULL) and `placement` (schedulerResult JSON, or
 * NULL: each object's own annotation), every call isolated with
 * timeout_ms. Prints one line per call; 0 when all succeeded, 3 if not. */
int fs_cmd_plugins_check_objects(const char *path, const char *name, const char *args,
				 const char *objects, const char *clusters,
				 const char *placement, uint32_t timeout_ms);

#endif
