/*
 * plugins/api-enablement - Karmada's APIEnablement filter: a cluster must
 * serve the binding's resource (group-version and kind in its
 * status.apiEnablements), unless it already runs the binding.
 * See docs/plugins/api-enablement.md.
 */
#include <fedstate/fedstate.h>

#include "../common/karmada.h"

static const char reason_no_api[] = "cluster(s) did not have the API resource";

static enum fs_code
ae_init(struct fs_plugin *self, const struct fs_json *args, void **state,
	char *err, size_t errlen)
{
	(void)self;
	*state = NULL;
	return fsk_no_args("api-enablement", args, err, errlen);
}

/* Federated middleware objects are not propagated as themselves: their
 * member kind is the middleware plugin's business. */
static enum fs_code
ae_pre_filter(void *state, struct fs_cycle *cyc,
	      const struct fs_cluster *const *clusters, uint32_t n,
	      const char **reason)
{
	(void)state, (void)clusters, (void)n, (void)reason;
	const struct fs_binding *b = fs_host->cycle_binding(cyc);
	return b->kind == FS_WORKLOAD_MIDDLEWARE ? FS_SKIP : FS_OK;
}

static enum fs_code
ae_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	  const char **reason)
{
	(void)state;
	const struct fs_binding *b = fs_host->cycle_binding(cyc);
	/* "disabled" (CompleteAPIEnablements) and "unknown" both fail */
	if (fs_cluster_serves(c, b->api_id) || fsk_in_previous(b, c))
		return FS_OK;
	*reason = reason_no_api;
	return FS_UNSCHEDULABLE;
}

static const struct fs_sched_ops ae_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.pre_filter = ae_pre_filter,
	.filter = ae_filter,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_SCHED, .name = "api-enablement",
		 .version = "1.0.0",
		 .description = "filters clusters that do not serve the binding's API "
				"(Karmada APIEnablement)",
		 .license = "Apache-2.0",
		 .caps = FS_CAP_PRE_FILTER | FS_CAP_FILTER, .init = ae_init,
		 .sched = &ae_ops)
