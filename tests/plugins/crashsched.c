/*
 * crashsched - a scheduling plugin whose filter crashes on the cluster
 * named bj-1 (in the demo fleet, config/samples/clusters.yaml). For
 * `plugins check --clusters --bindings`.
 */
#include <signal.h>
#include <string.h>

#include <fedstate/fedstate.h>

static enum fs_code
cs_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *c, const char **reason)
{
	(void)state;
	(void)cyc;
	(void)reason;
	if (c->name && !strcmp(c->name, "bj-1"))
		raise(SIGSEGV);
	return FS_OK;
}

static const struct fs_sched_ops cs_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.filter = cs_filter,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_SCHED, .name = "crashsched", .version = "0.1.0",
		 .description = "crashes filtering bj-1", .license = "Apache-2.0",
		 .caps = FS_CAP_FILTER, .sched = &cs_ops)
