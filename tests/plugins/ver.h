/*
 * ver.h - two builds of one plugin, "fixture-ver": ver_a.c and ver_b.c
 * define VER ("a" or "b") and include this. Same name, same size, only
 * the version and the filter's answer differ, so a test can tell which
 * code an instance runs (reload, in-place rewrites).
 */
#ifndef FS_TEST_VER_H
#define FS_TEST_VER_H

#include "fixture.h"

/* says which build it is: reason "code a" / "code b" */
static enum fs_code
ver_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	   const char **reason)
{
	(void)state;
	(void)cyc;
	(void)c;
	*reason = "code " VER;
	return FS_OK;
}

static const struct fs_sched_ops ver_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.filter = ver_filter,
};

static const struct fs_plugin_desc desc = {
	.magic = FS_PLUGIN_MAGIC, .abi_major = FS_ABI_MAJOR, .abi_minor = FS_ABI_MINOR,
	.struct_size = sizeof(struct fs_plugin_desc), .build = FS_BUILD_SIG,
	.kind = FS_PLUGIN_SCHED, .name = "fixture-ver", .version = "1.0." VER,
	.description = "one of two builds", .caps = FS_CAP_FILTER,
	.sched = &ver_ops, .host_slot = &fs_host,
};
FIXTURE_EXPORT(desc)

/* fixture.h's shared table is not used here */
static inline const struct fs_sched_ops *
ver_unused(void)
{
	return &fixture_ops;
}

#endif
