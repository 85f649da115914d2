/*
 * plugins/common/karmada.h - small helpers shared by the plugins that
 * re-implement Karmada's default scheduler plugins (api-enablement,
 * taint-toleration, cluster-affinity, spread-constraint, cluster-locality,
 * cluster-eviction).
 *
 * Header-only (`static inline`): each plugin folder is its own .so and
 * plugins link no host symbol. Uses only `fs_host` from FS_PLUGIN_DEFINE.
 * Threading: scheduling thread only; nothing here keeps state.
 */
#ifndef FSP_COMMON_KARMADA_H
#define FSP_COMMON_KARMADA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <fedstate/fedstate.h>
#include <fedstate/objects.h>

/*
 * init() helper for plugins without args: accepts no args, JSON null or
 * {}; anything else gets "unknown key 'x': <plugin> takes no args" or
 * "args: expected no args, got <what>" in err and FS_E_CONFIG.
 */
static inline enum fs_code
fsk_no_args(const char *plugin, const struct fs_json *args, char *err,
	    size_t errlen)
{
	char what[64];

	if (!args)
		return FS_OK;
	switch (fs_host->json_type(args)) {
	case FS_JSON_NULL:
		return FS_OK;
	case FS_JSON_OBJECT:
		if (fs_host->json_size(args) == 0)
			return FS_OK;
		snprintf(err, errlen, "unknown key '%s': %s takes no args",
			 fs_host->json_key_at(args, 0), plugin);
		return FS_E_CONFIG;
	default:
		snprintf(err, errlen, "args: expected no args, got %s",
			 fs_json_describe(args, what, sizeof what));
		return FS_E_CONFIG;
	}
}

/* true when the cluster is in the binding's spec.clusters (interned
 * names: pointer compares only) */
static inline bool
fsk_in_previous(const struct fs_binding *b, const struct fs_cluster *c)
{
	for (uint32_t i = 0; i < b->n_previous; i++)
		if (b->previous[i].name == c->name)
			return true;
	return false;
}

/* Karmada's (and Kubernetes') notion of a workload: not the 0-replica,
 * no-requirements case that is only propagated */
static inline bool
fsk_is_workload(const struct fs_binding *b)
{
	return b->replicas > 0 || b->has_requirements;
}

#endif
