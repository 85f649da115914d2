/*
 * ops/config.h - the ops controller's configuration file.
 *
 *   apiVersion: config.fedstate.io/v1alpha1
 *   kind: OpsConfiguration
 *   pluginDirs: [/usr/lib/fedstate/plugins]  # relative: to the file's folder
 *   middlewares:
 *   - name: mongodb                  # plugin file <dir>/mongodb.so
 *     group: middleware.fedstate.io  # optional; must match the plugin
 *     version: v1alpha1
 *     kind: MultiCloudMongoDB
 *     sha256: "..."                  # optional pin of the .so
 *     args: {}                       # handed to the plugin's init()
 *
 * Validation collects every problem as "file:line:col: path: message"
 * (util/diag.h); nothing is loaded by this step.
 */
#ifndef FS_OPS_CONFIG_H
#define FS_OPS_CONFIG_H

#include <stddef.h>

#include <cjson/cJSON.h>
#include <fedstate/status.h>

#include "util/diag.h"

#define FS_OPS_CONFIG_API_VERSION "config.fedstate.io/v1alpha1"
#define FS_OPS_CONFIG_KIND "OpsConfiguration"

struct fs_ops_mw_conf {
	char *name;
	char *group;   /* NULL: take the plugin's */
	char *version; /* NULL: take the plugin's */
	char *kind;    /* NULL: take the plugin's */
	char *sha256;  /* NULL: no pin */
	cJSON *args;   /* owned; NULL when absent */
	char *where;   /* "file:line:col" of the entry, for later messages */
};

struct fs_ops_config {
	char *file;
	char **plugin_dirs; /* absolute */
	size_t n_dirs;
	struct fs_ops_mw_conf *mws;
	size_t n_mws;
};

/* Load and validate `path`. On success *out is new (free with
 * fs_ops_config_free); on failure *out is NULL, every problem is in d and
 * the code is FS_E_CONFIG (or FS_E_IO/FS_E_PARSE from reading). */
enum fs_code fs_ops_config_load(const char *path, struct fs_ops_config **out,
				struct fs_diags *d);
/* The same over text; `name` is the file name used in messages and to
 * resolve relative pluginDirs. */
enum fs_code fs_ops_config_load_mem(const char *name, const char *text,
				    size_t len, struct fs_ops_config **out,
				    struct fs_diags *d);
void fs_ops_config_free(struct fs_ops_config *c); /* NULL-safe */

#endif
