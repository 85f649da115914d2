/*
 * plugin/loader.h - finding, checking, loading and instantiating plugins.
 *
 * A plugin file is opened once per load, relative to its checked directory
 * and without following a symbolic link; the checks, the sha256 and the
 * mapping all read that one descriptor. What dlopen (RTLD_NOW|RTLD_LOCAL)
 * maps is a private copy of the checked bytes, named by their sha256, in a
 * 0700 directory of this process (plugin/file.c): glibc would hand back the
 * old object for a path or an inode it has mapped, and a running plugin's
 * code must not change when its file is rewritten in place. Plugins are
 * never unloaded.
 *
 * Every load compares the file's current content with what the registry
 * has loaded from that path: the same content reuses that plugin; new
 * content is mapped beside the old, which stays for the instances still
 * running it, and later loads by that name get the newest. A pin belongs
 * to the load that gives it: it must match the file as it is now.
 *
 * Cost: each load opens and fstats the file (the permission, link and
 * owner checks run every time). Its content is hashed again unless the
 * registry holds a plugin from the same path whose file still has the same
 * (dev, inode, size, mtime, ctime) and whose ctime was more than 2 s older
 * than the moment it was hashed. ctime moves on every write and cannot be
 * set back by the file's owner, so a rewrite in place that keeps size and
 * mtime is still seen; a write within the same clock tick as the hash is
 * caught because recently changed files are always hashed again (git's
 * "racy clean" rule). Hashing is ~1 ms per 200 KB, so a reload of an
 * unchanged set reads nothing but inodes once its files are 2 s old.
 *
 * Each configured use of a plugin is an instance (struct fs_plugin): the
 * loaded code plus the state its init() returned for the given args.
 */
#ifndef FS_PLUGIN_LOADER_H
#define FS_PLUGIN_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <fedstate/plugin.h>

#include "net/net.h"

/* What a plugin file was when its content was hashed (see Cost above). */
struct fs_plugin_file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	struct timespec hashed_at; /* CLOCK_REALTIME when the hash began */
};

/* A loaded plugin file. Descriptor and ops tables are copied into zeroed
 * host-sized structs (min(plugin size, host size) bytes), so slots a
 * plugin's older minor lacks read as NULL. */
struct fs_loaded_plugin {
	struct fs_plugin_desc desc;
	struct fs_sched_ops sched;
	struct fs_mw_ops mw;
	char *path;        /* the admin's file it was loaded from */
	char *sha256;      /* hex digest of the content that was mapped */
	char *pin;         /* the pin it was loaded under, NULL if none */
	unsigned long size;
	struct fs_plugin_file_id file; /* path's file when last hashed */
	void *handle;      /* dlopen handle, never closed */
	struct fs_loaded_plugin *next; /* registry list */
	struct fs_loaded_plugin *all_next; /* every plugin of the process */
};

/* What instances are bound to: the host table their plugin gets and the
 * runtime its services run in (core/runtime; opaque here: the loader sits
 * below it). Borrowed: it outlives every instance bound to it. */
struct fs_runtime;
struct fs_plugin_env {
	const struct fs_host *host;
	struct fs_runtime *rt;
};

/* An instance: what the host hands to plugin callbacks as the `self`
 * handle (struct fs_plugin is opaque in the public ABI). */
struct fs_plugin {
	struct fs_loaded_plugin *lp;
	void *state;          /* from init() */
	char *profile;        /* profile / owner name for log prefixes, may be NULL */
	char *log_prefix;     /* "vip" or "vip[profile]" */
	const struct fs_plugin_env *env; /* borrowed */
	/* the timers, requests and probes this instance started: closed by
	 * fs_plugin_retire before fini, so none can call back after it */
	struct fs_owner owner;
	/* why the host refused this instance's latest refused call
	 * (host->last_error, ABI 1.1); has_error false until one was */
	bool has_error;
	char last_error[512];
};

/* The set of plugin files a runtime loaded from. */
struct fs_registry {
	struct fs_loaded_plugin *head;
	char **dirs;   /* absolute plugin directories, searched in order */
	size_t ndirs;
	/* what instances made from this registry's plugins are bound to
	 * (set by the runtime that owns the registry); borrowed */
	const struct fs_plugin_env *env;
};

void fs_registry_init(struct fs_registry *reg);
/* add a plugin directory; must be absolute. FS_E_INVAL with err otherwise */
enum fs_code fs_registry_add_dir(struct fs_registry *reg, const char *dir,
				 char *err, size_t errlen);
/* the dirs from FEDSTATE_PLUGIN_PATH (colon-separated) */
void fs_registry_add_env_dirs(struct fs_registry *reg);
/* frees the directory list; loaded plugins stay mapped and stay on a
 * process-wide list (never unloaded), so they outlive the registry */
void fs_registry_release(struct fs_registry *reg);

/* true when s is a valid plugin name: [a-z0-9][a-z0-9-]{0,62}, the file
 * name <dir>/<name>.so without ".so". NULL is not valid. Used by the
 * loader and by both config loaders. */
bool fs_plugin_name_valid(const char *s);

/* Resolve `name` (no '/') to the first "<dir>/<name>.so" that exists in
 * the registry's dirs; *path_out is then new (caller frees). A name with
 * '/' is FS_E_INVAL, no match FS_E_NOTFOUND (err lists where it looked). */
enum fs_code fs_plugin_resolve(const struct fs_registry *reg, const char *name,
			       char **path_out, char *err, size_t errlen);

/* Load the plugin `name` from its file as it is now (see above): *out is
 * the plugin of reg with that content, or a new one mapped beside it.
 * sha256_pin (hex, any case) may be NULL; when given the file must have
 * that digest, whatever is loaded already. `expect_kind` 0 accepts any
 * kind. On failure *out is NULL, err holds the one-line message
 * "plugin 'vip' (/x/vip.so): ..." and the code says which check failed:
 * FS_E_NOTFOUND, FS_E_PERM (file, directory, link, owner or pin), FS_E_IO
 * (unreadable, or a shared object dlopen refuses), FS_E_NOT_PLUGIN (not a
 * shared object, no entry, NULL descriptor, bad magic), FS_E_ABI (version,
 * build, sizes, fields, capabilities), FS_E_NAME (the file declares
 * another name), FS_E_KIND (a plugin of the other kind), FS_E_EXISTS
 * (another file of reg already declared that name). One meaning each
 * (status.h). */
enum fs_code fs_plugin_load(struct fs_registry *reg, const char *name,
			    const char *sha256_pin, uint32_t expect_kind,
			    struct fs_loaded_plugin **out, char *err,
			    size_t errlen);
/* Load the file at `path` directly (plugins check / list --dir); the same
 * rules, without the name check. */
enum fs_code fs_plugin_load_path(struct fs_registry *reg, const char *path,
				 const char *sha256_pin,
				 struct fs_loaded_plugin **out, char *err,
				 size_t errlen);
/* Load old's file again under old's pin (old->pin) and name: *out is old
 * (or reg's plugin with the same content) when the content is unchanged,
 * a new plugin mapped beside old when it changed. On failure *out is old
 * and err says why (a pinned plugin whose file changed is FS_E_PERM). Old
 * stays mapped either way. To change the pin, load by name with the new
 * one (fs_plugin_load). */
enum fs_code fs_plugin_reload(struct fs_registry *reg,
			      struct fs_loaded_plugin *old,
			      struct fs_loaded_plugin **out, char *err,
			      size_t errlen);

/* Bind an instance of lp to env (borrowed; must outlive the instance)
 * and run init() with args (may be NULL). On failure err holds
 * "plugin 'x' (path): initialization failed: <plugin's message>"; what
 * init started is canceled. */
enum fs_code fs_plugin_instantiate(struct fs_loaded_plugin *lp,
				   const cJSON *args, const char *profile,
				   const struct fs_plugin_env *env,
				   struct fs_plugin **out, char *err,
				   size_t errlen);
/* Retire an instance, as uv_close does a handle: its timers are stopped
 * (they never fire again) and its requests and probes canceled (each done
 * runs once, FS_E_CANCELED, now, while the state is still valid); then
 * fini() runs and the instance is freed. Nothing the instance started
 * can call back after fini. NULL-safe. */
void fs_plugin_retire(struct fs_plugin *inst);

/* Remove this process's private copies and their directory (registered
 * with atexit on first use; a forked child never removes its parent's).
 * Mapped plugins keep running. Call it before _exit in a child that loaded
 * plugins; later loads make a new directory. */
void fs_plugin_copies_remove(void);

/* Record why the host refused a call of inst (one line, printf-style;
 * longer text is cut): what host->last_error(inst) answers until the next
 * refusal. NULL inst is ignored. */
void fs_plugin_set_error(struct fs_plugin *inst, const char *fmt, ...)
	FS_PRINTF(2, 3);
/* that reason, borrowed from inst; NULL when nothing was refused yet or
 * inst is NULL */
const char *fs_plugin_last_error(const struct fs_plugin *inst);

/* "pre_filter,filter,score" for a caps mask; static buffer per call site
 * is not used: writes into buf */
const char *fs_plugin_caps_string(uint32_t caps, char *buf, size_t len);
const char *fs_plugin_kind_name(uint32_t kind); /* "scheduling" / "middleware" */

#endif
