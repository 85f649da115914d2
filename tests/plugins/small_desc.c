/* claims a descriptor smaller than ABI 1.0's */
#include "fixture.h"

static const struct fs_plugin_desc desc = {
	.magic = FS_PLUGIN_MAGIC, .abi_major = FS_ABI_MAJOR, .abi_minor = 0,
	.struct_size = 16, .build = FS_BUILD_SIG,
	.kind = FS_PLUGIN_SCHED, .name = "fixture-small", .version = "1.0.0",
	.description = "too small", .caps = FS_CAP_FILTER, .sched = &fixture_ops,
	.host_slot = &fs_host,
};
FIXTURE_EXPORT(desc)
