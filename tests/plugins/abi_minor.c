/* built against a newer minor than the host offers */
#include "fixture.h"

static const struct fs_plugin_desc desc = {
	.magic = FS_PLUGIN_MAGIC, .abi_major = FS_ABI_MAJOR, .abi_minor = FS_ABI_MINOR + 1,
	.struct_size = sizeof(struct fs_plugin_desc), .build = FS_BUILD_SIG,
	.kind = FS_PLUGIN_SCHED, .name = "fixture-abi-minor", .version = "1.0.0",
	.description = "newer ABI minor", .caps = FS_CAP_FILTER, .sched = &fixture_ops,
	.host_slot = &fs_host,
};
FIXTURE_EXPORT(desc)
