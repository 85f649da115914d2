/*
 * ops/ops.h - the ops core: the middleware plugins of one OpsConfiguration,
 * and the render / status / prune steps every caller (the daemon, the
 * offline `fedstate render`, tests) goes through.
 *
 *   struct fs_registry reg;              // the caller's (the runtime's)
 *   fs_registry_init(&reg);
 *   struct fs_ops *ops;
 *   fs_ops_open(&reg, cfg, NULL, 0, &ops, &diags);
 *   const struct fs_ops_mw *mw = fs_ops_find(ops, "middleware.fedstate.io/v1alpha1",
 *                                            "MultiCloudMongoDB");
 *   struct fs_ops_input in = {.object = obj, .clusters = clusters, .existing = existing};
 *   struct fs_ops_output out;
 *   fs_ops_render(mw, &in, &out, err, sizeof err);  ... fs_ops_output_release(&out);
 *   fs_ops_close(ops); fs_registry_release(&reg);
 *
 * Applying the output is a server-side merge of the fields we render
 * (desired state only; fields the API server or Karmada's webhooks added
 * are never discarded) followed by deleting `prune`.
 *
 * Threading: the ops thread only.
 */
#ifndef FS_OPS_OPS_H
#define FS_OPS_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <fedstate/plugin.h>

#include "ops/config.h"
#include "util/diag.h"

struct fs_plugin;
struct fs_registry;

/* One configured middleware plugin. Borrowed from its struct fs_ops. */
struct fs_ops_mw {
	const struct fs_ops_mw_conf *conf;
	struct fs_plugin *inst;     /* the loader's instance */
	const struct fs_mw_ops *ops; /* its middleware table */
	void *state;                 /* what its init() returned */
	char *api_version;           /* "<group>/<version>" it handles */
	const char *kind;
};

struct fs_ops;

/* Load and initialise every middleware of cfg (borrowed; must outlive the
 * result) through reg, the caller's registry (borrowed during the call;
 * loaded plugin code stays mapped, loader.h): extra_dirs (may be NULL), then cfg's pluginDirs are added to
 * its search directories, after any it already has. Nothing here is
 * process-wide: two configs opened with two registries are independent,
 * each finds its plugins in its own directories (a registry remembers
 * the files it loaded by plugin name, so give a config with other
 * pluginDirs its own registry). Every failure is added to d with the
 * entry's position; FS_E_CONFIG or the loader's code. */
enum fs_code fs_ops_open(struct fs_registry *reg,
			 const struct fs_ops_config *cfg,
			 const char *const *extra_dirs, size_t n_extra,
			 struct fs_ops **out, struct fs_diags *d);
void fs_ops_close(struct fs_ops *ops); /* retires instances; NULL-safe */

/* The plugin for a federated kind, NULL when none handles it. */
const struct fs_ops_mw *fs_ops_find(const struct fs_ops *ops,
				    const char *api_version, const char *kind);
size_t fs_ops_count(const struct fs_ops *ops);
const struct fs_ops_mw *fs_ops_at(const struct fs_ops *ops, size_t i);

/* Inputs of one render or status call; all borrowed. */
struct fs_ops_input {
	const cJSON *object;    /* the federated object */
	const cJSON *placement; /* mw.h placement array; NULL: from the
	                           object's schedulerResult annotation */
	const cJSON *clusters;  /* array of Cluster objects; may be NULL */
	const cJSON *existing;  /* array of objects that exist now; may be NULL */
	const cJSON *binding;   /* status only: the member ResourceBinding, or NULL */
};

struct fs_ops_output {
	cJSON *desired;   /* array, stamped, sorted by apiVersion/kind/name, keys sorted */
	cJSON *prune;     /* array of {apiVersion, kind, metadata{name, namespace}},
	                     sorted;
	                     empty while a pass is pending */
	bool need_pass;
	char *why;        /* need_pass reasons, NULL when none */
	cJSON *status;    /* fs_ops_status only: the new .status */
};

void fs_ops_output_release(struct fs_ops_output *out);

/* Render the desired objects and the prune set. err gets
 * "<kind> <ns>/<name>: <message>" on failure. */
enum fs_code fs_ops_render(const struct fs_ops_mw *mw,
			   const struct fs_ops_input *in,
			   struct fs_ops_output *out, char *err, size_t errlen);
/* Aggregate the federated object's status into out->status. */
enum fs_code fs_ops_status(const struct fs_ops_mw *mw,
			   const struct fs_ops_input *in,
			   struct fs_ops_output *out, char *err, size_t errlen);

/* fs_ops_render and fs_ops_status in a forked child (plugin/isolate.h):
 * a crash or a hang of the plugin past timeout_ms is this call's error
 * (FS_E_PLUGIN / FS_E_TIMEOUT, err naming plugin, signal and object).
 * Offline tools only (fork). */
enum fs_code fs_ops_render_isolated(const struct fs_ops_mw *mw,
				    const struct fs_ops_input *in, uint32_t timeout_ms,
				    struct fs_ops_output *out, char *err, size_t errlen);
enum fs_code fs_ops_status_isolated(const struct fs_ops_mw *mw,
				    const struct fs_ops_input *in, uint32_t timeout_ms,
				    struct fs_ops_output *out, char *err, size_t errlen);

/* The objects of `existing` in ns that an earlier render for this owner
 * stamped (fedstate.io/managed-by + owner uid, or owner kind+name when the
 * owner has no uid) and that `desired` no longer holds. New sorted array of
 * {apiVersion, kind, metadata: {name, namespace}} (what kubectl delete -f
 * reads). */
cJSON *fs_ops_prune(const cJSON *owner, const cJSON *existing,
		    const cJSON *desired);

/* Offline stand-in for the API server: give every NodePort Service port in
 * `desired` without a nodePort a deterministic one (30000-32767, derived
 * from namespace/name/port, skipping ports used in `existing`), and put
 * those Services into `existing` (replacing older copies). Returns how many
 * ports were allocated. */
size_t fs_ops_allocate_nodeports(const cJSON *desired, cJSON *existing);

#endif
