/*
 * plugins/cluster-locality - Karmada's ClusterLocality score: 100 for a
 * cluster already in spec.clusters, 0 otherwise, so rescheduling keeps
 * workloads where they run. See docs/plugins/cluster-locality.md.
 */
#include <fedstate/fedstate.h>

#include "../common/karmada.h"

static enum fs_code
cl_init(struct fs_plugin *self, const struct fs_json *args, void **state,
	char *err, size_t errlen)
{
	(void)self;
	*state = NULL;
	return fsk_no_args("cluster-locality", args, err, errlen);
}

/* a first schedule: every score would be 0 */
static enum fs_code
cl_pre_score(void *state, struct fs_cycle *cyc,
	     const struct fs_cluster *const *feasible, uint32_t n,
	     const char **reason)
{
	(void)state, (void)feasible, (void)n, (void)reason;
	return fs_host->cycle_binding(cyc)->n_previous ? FS_OK : FS_SKIP;
}

static enum fs_code
cl_score(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	 int64_t *score, const char **reason)
{
	(void)state, (void)reason;
	*score = fsk_in_previous(fs_host->cycle_binding(cyc), c) ? FS_SCORE_MAX
								 : FS_SCORE_MIN;
	return FS_OK;
}

static const struct fs_sched_ops cl_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.pre_score = cl_pre_score,
	.score = cl_score,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_SCHED, .name = "cluster-locality",
		 .version = "1.0.0",
		 .description = "scores clusters that already run the binding 100 "
				"(Karmada ClusterLocality)",
		 .license = "Apache-2.0", .caps = FS_CAP_PRE_SCORE | FS_CAP_SCORE,
		 .init = cl_init, .sched = &cl_ops)
