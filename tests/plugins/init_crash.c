/* init dereferences NULL */
#include <signal.h>

#include "fixture.h"

static enum fs_code
init(struct fs_plugin *self, const struct fs_json *args, void **state, char *err, size_t errlen)
{
	(void)self;
	(void)args;
	(void)state;
	(void)err;
	(void)errlen;
	raise(SIGSEGV);
	return FS_OK;
}

static const struct fs_plugin_desc desc = {
	.magic = FS_PLUGIN_MAGIC, .abi_major = FS_ABI_MAJOR, .abi_minor = FS_ABI_MINOR,
	.struct_size = sizeof(struct fs_plugin_desc), .build = FS_BUILD_SIG,
	.kind = FS_PLUGIN_SCHED, .name = "fixture-init-crash", .version = "1.0.0",
	.description = "init crashes", .caps = FS_CAP_FILTER, .sched = &fixture_ops,
	.init = init, .host_slot = &fs_host,
};
FIXTURE_EXPORT(desc)
