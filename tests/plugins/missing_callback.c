/* declares score but implements only filter */
#include "fixture.h"

static const struct fs_plugin_desc desc = {
	.magic = FS_PLUGIN_MAGIC, .abi_major = FS_ABI_MAJOR, .abi_minor = FS_ABI_MINOR,
	.struct_size = sizeof(struct fs_plugin_desc), .build = FS_BUILD_SIG,
	.kind = FS_PLUGIN_SCHED, .name = "fixture-missing-cb", .version = "1.0.0",
	.description = "score declared, not implemented",
	.caps = FS_CAP_FILTER | FS_CAP_SCORE, .sched = &fixture_ops,
	.host_slot = &fs_host,
};
FIXTURE_EXPORT(desc)
