/*
 * plugin/loader_int.h - private to core/plugin: the loader's refusal
 * message and the descriptor checks (check.c). Not for other parts.
 */
#ifndef FS_PLUGIN_LOADER_INT_H
#define FS_PLUGIN_LOADER_INT_H

#include <stddef.h>
#include <sys/stat.h>

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

/* A plugin file opened for loading (file.c): every check, the hash and the
 * copy read this descriptor, never the path again. */
struct fs_plugin_file {
	int fd;         /* O_RDONLY|O_NOFOLLOW, a regular file; -1 when closed */
	struct stat st; /* fstat(fd) */
};

/* Open `path` for loading. The file and every directory from / down to it
 * (as written and as resolved, so a symbolic link in the path is followed
 * and checked too) must not be group- or world-writable, sticky or not
 * (anyone may create files in /tmp), and must be owned by root or this
 * user; the file itself must not be a symbolic link and must be regular.
 * On failure f->fd is -1 and err holds the refusal. Close with
 * fs_plugin_file_close. */
enum fs_code fs_plugin_file_open(struct fs_plugin_file *f, const char *label,
				 const char *path, char *err, size_t errlen);
void fs_plugin_file_close(struct fs_plugin_file *f); /* idempotent */

/* dlopen(RTLD_NOW|RTLD_LOCAL) the content of f, whose sha256 was found to
 * be `hex`: the content is copied (O_EXCL, mode 0500) into this process's
 * private 0700 directory under $TMPDIR or /tmp while being hashed again,
 * and the copy, named <hex>.so, is mapped only when both digests agree.
 * The copy stays until exit (debuggers and core files need it); see
 * fs_plugin_copies_remove. *handle is never dlclosed. */
enum fs_code fs_plugin_file_map(const struct fs_plugin_file *f, const char *hex,
				const char *label, const char *path,
				void **handle, char *err, size_t errlen);

#endif
