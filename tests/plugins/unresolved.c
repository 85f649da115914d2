/* calls a function no library provides (linked without -z defs) */
#include "fixture.h"

extern int fs_symbol_that_does_not_exist(void);

static enum fs_code
init(struct fs_plugin *self, const struct fs_json *args, void **state, char *err, size_t errlen)
{
	(void)self;
	(void)args;
	(void)err;
	(void)errlen;
	*state = (void *)(long)fs_symbol_that_does_not_exist();
	return FS_OK;
}

static const struct fs_plugin_desc desc = {
	.magic = FS_PLUGIN_MAGIC, .abi_major = FS_ABI_MAJOR, .abi_minor = FS_ABI_MINOR,
	.struct_size = sizeof(struct fs_plugin_desc), .build = FS_BUILD_SIG,
	.kind = FS_PLUGIN_SCHED, .name = "fixture-unresolved", .version = "1.0.0",
	.description = "unresolved symbol", .caps = FS_CAP_FILTER, .sched = &fixture_ops,
	.init = init, .host_slot = &fs_host,
};
FIXTURE_EXPORT(desc)
