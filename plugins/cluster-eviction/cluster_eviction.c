/*
 * plugins/cluster-eviction - Karmada's ClusterEviction filter: a cluster
 * named by one of the binding's gracefulEvictionTasks (fromCluster) is
 * being evicted and gets no new placement.
 * See docs/plugins/cluster-eviction.md.
 */
#include <fedstate/fedstate.h>

#include "../common/karmada.h"

static const char reason_eviction[] = "cluster(s) is in the process of eviction";

static enum fs_code
ce_init(struct fs_plugin *self, const struct fs_json *args, void **state,
	char *err, size_t errlen)
{
	(void)self;
	*state = NULL;
	return fsk_no_args("cluster-eviction", args, err, errlen);
}

static enum fs_code
ce_pre_filter(void *state, struct fs_cycle *cyc,
	      const struct fs_cluster *const *clusters, uint32_t n,
	      const char **reason)
{
	(void)state, (void)clusters, (void)n, (void)reason;
	return fs_host->cycle_binding(cyc)->n_evicting_from ? FS_OK : FS_SKIP;
}

static enum fs_code
ce_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	  const char **reason)
{
	(void)state;
	const struct fs_binding *b = fs_host->cycle_binding(cyc);
	for (uint32_t i = 0; i < b->n_evicting_from; i++) {
		if (b->evicting_from[i] == c->name) {
			*reason = reason_eviction;
			return FS_UNSCHEDULABLE;
		}
	}
	return FS_OK;
}

static const struct fs_sched_ops ce_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.pre_filter = ce_pre_filter,
	.filter = ce_filter,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_SCHED, .name = "cluster-eviction",
		 .version = "1.0.0",
		 .description = "filters clusters the binding is being evicted from "
				"(Karmada ClusterEviction)",
		 .license = "Apache-2.0", .caps = FS_CAP_PRE_FILTER | FS_CAP_FILTER,
		 .init = ce_init, .sched = &ce_ops)
