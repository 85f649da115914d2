/*
 * plugin/loader_int.h - private to core/plugin: the loader's refusal
 * message and the descriptor checks (check.c). Not for other parts.
 */
#ifndef FS_PLUGIN_LOADER_INT_H
#define FS_PLUGIN_LOADER_INT_H

#include <stddef.h>

#include "plugin/loader.h"

/* "plugin '<name>' (<path>): <fmt...>" into err (may be NULL); returns
 * code */
enum fs_code fs_plugin_fail(char *err, size_t errlen, enum fs_code code,
			    const char *name, const char *path,
			    const char *fmt, ...) FS_PRINTF(6, 7);

/* The checks on a mapped descriptor d: fills lp->desc, lp->sched and
 * lp->mw (zeroed, then min(plugin, host) bytes of each). `label` names the
 * plugin in messages until the descriptor's own name is trusted. */
enum fs_code fs_plugin_check_desc(struct fs_loaded_plugin *lp,
				  const struct fs_plugin_desc *d,
				  const char *label, const char *path,
				  char *err, size_t errlen);

#endif
