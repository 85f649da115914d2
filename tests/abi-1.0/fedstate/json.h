/*
 * fedstate/json.h - the opaque JSON value plugins exchange with the host.
 *
 * A struct fs_json is never dereferenced by a plugin: it is read and built
 * only through the host->json_* functions (host.h). The host backs it with
 * its own JSON library; no library type ever crosses the plugin boundary.
 *
 * Ownership words used in host.h:
 *   borrowed    the value belongs to someone else; do not free it, do not
 *               keep it after the callback returns
 *   caller frees  the caller must release it with host->json_free()
 *   takes       the function takes ownership of the argument (even on
 *               failure), the caller must not touch it afterwards
 */
#ifndef FEDSTATE_JSON_H
#define FEDSTATE_JSON_H

struct fs_json;

enum fs_json_type {
	FS_JSON_INVALID = 0, /* also: a NULL pointer */
	FS_JSON_NULL = 1,
	FS_JSON_FALSE = 2,
	FS_JSON_TRUE = 3,
	FS_JSON_NUMBER = 4,
	FS_JSON_STRING = 5,
	FS_JSON_ARRAY = 6,
	FS_JSON_OBJECT = 7,
};

#endif
