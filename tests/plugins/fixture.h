/*
 * fixture.h - loader test fixtures: deliberately broken plugins. Each file
 * spells its descriptor out by hand (FS_PLUGIN_DEFINE would not let it
 * break the rules) with FIXTURE_DESC, overriding one thing at a time.
 */
#ifndef FS_TEST_FIXTURE_H
#define FS_TEST_FIXTURE_H

#include <fedstate/fedstate.h>

const struct fs_host *fs_host;

static enum fs_code
fixture_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	       const char **reason)
{
	(void)state;
	(void)cyc;
	(void)c;
	(void)reason;
	return FS_OK;
}

static const struct fs_sched_ops fixture_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.filter = fixture_filter,
};

#define FIXTURE_EXPORT(desc)                                                   \
	FS_EXPORT const struct fs_plugin_desc *fs_plugin_entry(void);          \
	FS_EXPORT const struct fs_plugin_desc *fs_plugin_entry(void)           \
	{                                                                      \
		return &desc;                                                  \
	}

#endif
