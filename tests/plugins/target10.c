/*
 * target10 - a plugin built with this host's (1.1) headers for 1.0 hosts
 * too: tests/plugins/fixtures.mk compiles it with -DFS_PLUGIN_ABI_MINOR=0,
 * so it declares ABI 1.0, and it tests FS_HAS_FIELD before it uses a 1.1
 * service. test_abi_host10 loads it in a 1.0 host, test_abi in this one.
 */
#include <fedstate/fedstate.h>

_Static_assert(FS_PLUGIN_ABI_MINOR == 0, "target10 must be built with -DFS_PLUGIN_ABI_MINOR=0");

static int has_last_error; /* what init found: 1 in a 1.1 host */

static enum fs_code
t_init(struct fs_plugin *self, const struct fs_json *args, void **state, char *err,
       size_t errlen)
{
	(void)self;
	(void)args;
	(void)err;
	(void)errlen;
	has_last_error = FS_HAS_FIELD(fs_host, last_error) && fs_host->last_error != NULL;
	*state = &has_last_error;
	return FS_OK;
}

/* filter: every cluster passes in a 1.1 host; in an older one too, with
 * the reason saying which host it is */
static enum fs_code
t_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *c, const char **reason)
{
	(void)cyc;
	(void)c;
	*reason = *(int *)state ? "1.1 host" : "1.0 host";
	return FS_OK;
}

static const struct fs_sched_ops t_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.filter = t_filter,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_SCHED, .name = "target10", .version = "1.0.0",
		 .description = "1.1 headers, declares ABI 1.0", .caps = FS_CAP_FILTER,
		 .init = t_init, .sched = &t_ops)
