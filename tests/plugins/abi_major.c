/* built for a future ABI major */
#include "fixture.h"

static const struct fs_plugin_desc desc = {
	.magic = FS_PLUGIN_MAGIC, .abi_major = FS_ABI_MAJOR + 1, .abi_minor = 0,
	.struct_size = sizeof(struct fs_plugin_desc), .build = FS_BUILD_SIG,
	.kind = FS_PLUGIN_SCHED, .name = "fixture-abi-major", .version = "1.0.0",
	.description = "wrong ABI major", .caps = FS_CAP_FILTER, .sched = &fixture_ops,
	.host_slot = &fs_host,
};
FIXTURE_EXPORT(desc)
