/*
 * slowsched - a scheduling plugin whose pre_filter takes 300 ms, as a
 * cycle waiting on a slow estimator does (the cycle runs on the daemon's
 * loop). test_scheduler_e2e: a backlog of such cycles must not keep the
 * scheduler from renewing its Lease.
 */
#include <time.h>

#include <fedstate/fedstate.h>

static enum fs_code
ss_pre_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *const *clusters,
	      uint32_t n, const char **reason)
{
	struct timespec ts = {0, 300 * 1000 * 1000};

	(void)state;
	(void)cyc;
	(void)clusters;
	(void)n;
	(void)reason;
	nanosleep(&ts, NULL);
	return FS_OK;
}

static const struct fs_sched_ops ss_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.pre_filter = ss_pre_filter,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_SCHED, .name = "slowsched", .version = "0.1.0",
		 .description = "takes 300 ms per cycle", .license = "Apache-2.0",
		 .caps = FS_CAP_PRE_FILTER, .sched = &ss_ops)
