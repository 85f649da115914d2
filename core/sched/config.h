/*
 * sched/config.h - the scheduler configuration file, parsed and checked.
 *
 *   apiVersion: config.fedstate.io/v1alpha1
 *   kind: SchedulerConfiguration
 *   pluginDirs: [/usr/lib/fedstate/plugins]      # absolute
 *   plugins: [{name: vip, sha256: "..."}]        # libraries that may load
 *   middlewares: [{name: mongodb, args: {...}}]  # federated kinds we read
 *   profiles:
 *     - schedulerName: default-scheduler
 *       plugins:
 *         multiPoint: {enabled: [{name: estimator}]}
 *         score:
 *           disabled: [{name: '*'}]
 *           enabled: [{name: cluster-locality, weight: 2}]
 *       pluginConfig: [{name: vip, args: {labelKey: vip}}]
 *
 * docs/config.md is the user's reference. This layer checks everything that
 * can be checked without loading a plugin: shape, types, unknown keys,
 * unknown or duplicate plugin names, weights. Every problem is reported (not
 * only the first), with file:line:col and the YAML path. What needs the
 * plugins themselves (points they implement, args they reject) is checked
 * when a profile set is built (sched/profile.h).
 *
 * The Karmada default plugins (fs_config_defaults) are always known: a
 * profile starts with them at every point they implement unless it
 * disables them, exactly like karmada-scheduler's default set.
 *
 * Ownership: a struct fs_config owns every string and JSON value it holds;
 * fs_config_free() releases all. Not thread-safe; build on one thread, then
 * read-only.
 */
#ifndef FS_SCHED_CONFIG_H
#define FS_SCHED_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <fedstate/status.h>

#include "util/arena.h"
#include "util/diag.h"

#define FS_CONFIG_API_VERSION "config.fedstate.io/v1alpha1"
#define FS_CONFIG_KIND "SchedulerConfiguration"
#define FS_DEFAULT_SCHEDULER_NAME "default-scheduler"
#define FS_WEIGHT_MIN 1
#define FS_WEIGHT_MAX 100

/* Extension points a profile lists plugins for, in cycle order. */
enum fs_point {
	FS_POINT_PRE_FILTER = 0,
	FS_POINT_FILTER,
	FS_POINT_PRE_SCORE,
	FS_POINT_SCORE,
	FS_POINT_ASSIGN,
	FS_POINT_BIND,
	FS_POINT_COUNT,
	FS_POINT_MULTI = FS_POINT_COUNT, /* multiPoint: config only */
	FS_POINT_SETS
};

/* "preFilter", "filter", ..., "multiPoint" (the config keys) */
const char *fs_point_name(enum fs_point p);
/* the plugin.h capability bit of a point (0 for multiPoint) */
uint32_t fs_point_cap(enum fs_point p);

/* Karmada's default plugin set, in karmada-scheduler's order */
extern const char *const fs_config_defaults[];
extern const uint32_t fs_config_n_defaults;

/* Where an item came from, for diagnostics. */
struct fs_config_where {
	const char *path; /* "profiles[0].plugins.score.enabled[1]" */
	unsigned line, col; /* 0:0 when unknown (built-in defaults) */
};

/* One {name, weight} item of an enabled/disabled list. */
struct fs_config_ref {
	const char *name;
	int64_t weight; /* 0 when not given */
	struct fs_config_where at;
};

struct fs_config_set {
	struct fs_config_ref *enabled;
	uint32_t n_enabled;
	struct fs_config_ref *disabled; /* without the '*' item */
	uint32_t n_disabled;
	bool disable_all;               /* disabled: [{name: '*'}] */
};

/* One pluginConfig entry. */
struct fs_config_args {
	const char *name;
	cJSON *args; /* owned; NULL when `args` is absent */
	struct fs_config_where at;
	struct fs_config_where args_at;
};

struct fs_config_profile {
	const char *scheduler_name;
	struct fs_config_set sets[FS_POINT_SETS];
	struct fs_config_args *args;
	uint32_t n_args;
	struct fs_config_where at;
};

/* One entry of `plugins` (a library) or `middlewares`. */
struct fs_config_lib {
	const char *name;
	const char *sha256; /* lowercase hex pin, NULL when not pinned */
	cJSON *args;        /* middlewares only; owned; may be NULL */
	bool implicit;      /* a default plugin the file did not list */
	struct fs_config_where at;
};

struct fs_config {
	const char *file;  /* name used in diagnostics, "(built-in)" for the default */
	const char **plugin_dirs;
	uint32_t n_plugin_dirs;
	/* listed libraries, then the defaults the file did not list (implicit) */
	struct fs_config_lib *plugins;
	uint32_t n_plugins;
	struct fs_config_lib *middlewares;
	uint32_t n_middlewares;
	struct fs_config_profile *profiles;
	uint32_t n_profiles;
	struct fs_arena arena; /* every string and array above */
};

/* Parse and check a config file. On success *out is a new config (caller
 * frees with fs_config_free) and FS_OK is returned; warnings may still be
 * added to d. On failure *out is NULL, every problem found is in d, and the
 * code is FS_E_IO (cannot read), FS_E_PARSE (not YAML) or FS_E_CONFIG. */
enum fs_code fs_config_load_file(const char *path, struct fs_config **out,
				 struct fs_diags *d);
/* The same over memory; `name` is used in diagnostics. */
enum fs_code fs_config_load_mem(const char *name, const char *text,
				size_t len, struct fs_config **out,
				struct fs_diags *d);
/* The built-in configuration: one profile, default-scheduler, with the
 * Karmada defaults. Caller frees. */
struct fs_config *fs_config_default(void);
void fs_config_free(struct fs_config *cfg); /* NULL-safe */

/* the library entry of a plugin name (listed or default); NULL if unknown */
const struct fs_config_lib *fs_config_find_lib(const struct fs_config *cfg,
					       const char *name);
/* the pluginConfig args of `name` in a profile; NULL when none */
const struct fs_config_args *
fs_config_profile_args(const struct fs_config_profile *p, const char *name);

#endif
