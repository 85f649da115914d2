/*
 * sched/profile.h - ready-to-run scheduling profiles.
 *
 * A profile is what one schedulerName runs: for each extension point the
 * plugin instances in configuration order (Karmada's defaults first unless
 * disabled, then multiPoint, then the point's own `enabled`). A profile set
 * is every profile of one configuration plus its middleware plugins.
 *
 * Building is all-or-nothing: fs_profile_set_build() either returns a
 * complete new set or FS_E_CONFIG with every problem in the diagnostics and
 * nothing left behind, so a daemon can reload by building the new set next
 * to the running one and swapping a pointer.
 *
 * Ownership: a set owns its profiles and their plugin instances; freeing it
 * retires the instances (plugin fini). Plugin code stays mapped (loader.h).
 * Threading: build and free on the scheduling thread.
 */
#ifndef FS_SCHED_PROFILE_H
#define FS_SCHED_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include <fedstate/plugin.h>

#include "plugin/loader.h"
#include "sched/config.h"
#include "util/diag.h"

/* One plugin at one extension point. */
struct fs_profile_slot {
	const char *name;               /* plugin name, interned */
	const struct fs_sched_ops *ops; /* borrowed from the loaded plugin */
	void *state;                    /* what the instance's init() returned */
	uint32_t instance;              /* index in fs_profile.instances */
	int64_t weight;                 /* score weight (1..100); 1 elsewhere */
};

struct fs_profile {
	const char *scheduler_name; /* interned */
	struct fs_profile_slot *slots[FS_POINT_COUNT];
	uint32_t n_slots[FS_POINT_COUNT];
	/* distinct instances used by the slots; a plugin at several points of
	 * one profile is one instance (its pre_filter FS_SKIP silences its
	 * filter) */
	struct fs_plugin **instances;
	const char **instance_names;
	uint32_t n_instances;
	bool owns_instances; /* retire them on free (built from a config) */
};

/* One middleware plugin instance and the kind it handles. */
struct fs_mw_instance {
	const char *name;            /* plugin name */
	struct fs_plugin *inst;      /* owned by the set */
	const struct fs_mw_ops *ops; /* borrowed */
	const char *api_version;     /* "middleware.fedstate.io/v1alpha1", interned */
	const char *kind;            /* "MultiCloudMongoDB", interned */
};

struct fs_profile_set {
	struct fs_profile **profiles;
	uint32_t n_profiles;
	struct fs_mw_instance *middlewares;
	uint32_t n_middlewares;
};

/* Load every plugin the config needs from reg (the config's pluginDirs are
 * added to it), check that each enabled plugin implements the point it is
 * enabled at, and instantiate each plugin once per profile with its
 * pluginConfig args. On failure *out is NULL, every problem is in d (with the
 * config's file:line:col and YAML path) and FS_E_CONFIG is returned. */
enum fs_code fs_profile_set_build(const struct fs_config *cfg,
				  struct fs_registry *reg,
				  struct fs_profile_set **out,
				  struct fs_diags *d);
void fs_profile_set_free(struct fs_profile_set *set); /* NULL-safe */

/* the profile for a binding's spec.schedulerName; NULL when none (the
 * binding is not ours) */
const struct fs_profile *fs_profile_set_find(const struct fs_profile_set *set,
					     const char *scheduler_name);
/* the middleware handling apiVersion/kind (strings need not be interned);
 * NULL when none */
const struct fs_mw_instance *
fs_profile_set_middleware(const struct fs_profile_set *set,
			  const char *api_version, const char *kind);

/* Hand-built profiles (tests, tools). The profile does not own `inst`
 * (set owns_instances to hand it over). */
struct fs_profile *fs_profile_new(const char *scheduler_name);
void fs_profile_add(struct fs_profile *p, enum fs_point point, const char *name,
		    struct fs_plugin *inst, const struct fs_sched_ops *ops,
		    void *state, int64_t weight);
void fs_profile_free(struct fs_profile *p); /* NULL-safe */

/* "filter: a, b; score: c(x2)" one line, for logs and `simulate --explain`;
 * caller frees */
char *fs_profile_describe(const struct fs_profile *p);

#endif
