/*
 * plugin/crash.h - a crash inside a plugin says which plugin, where and on
 * what, instead of a bare "Segmentation fault".
 *
 * The host marks each call into plugin code with a call record on the
 * stack (fs_crash_enter / fs_crash_leave, a few pointer stores, no
 * allocation). fs_crash_install sets handlers for SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL and SIGABRT: inside a marked call they print one line with
 * async-signal-safe writes only,
 *   fedstate: plugin 'mongodb' 0.1.0 (/usr/lib/fedstate/plugins/mongodb.so)
 *   crashed with SIGSEGV in render of MultiCloudMongoDB default/orders-db
 * and a backtrace, then die of the same signal as before (the exit status
 * does not change). Outside a marked call they only re-raise. The record
 * is per thread; the strings are borrowed for the call.
 */
#ifndef FS_PLUGIN_CRASH_H
#define FS_PLUGIN_CRASH_H

#include <stddef.h>

#include <fedstate/status.h>

struct fs_plugin;

struct fs_crash_call {
	const char *plugin, *version, *path; /* the plugin's; any may be NULL */
	const char *point;                   /* "render", "aggregate_status", ... */
	const char *kind, *ns, *name;        /* the object, any may be NULL */
	const struct fs_crash_call *prev;    /* the call this one is inside */
	/* a poison journal (plugin/poison.h) to complete with the signal's name
	 * when this call, or one made inside it, crashes: its descriptor, -1 for
	 * none (fs_crash_from) */
	int journal_fd;
};

/* once per process, before plugin code runs; idempotent */
void fs_crash_install(void);
/* after the report, die of the signal itself rather than hand it to the
 * handler that was there before (a sanitizer's, which would exit): for
 * the child of an isolated call, whose parent reads the signal */
void fs_crash_plain_death(void);
/* mark the call c (filled by the caller, or from inst with
 * fs_crash_from) as running until fs_crash_leave(c) */
void fs_crash_enter(struct fs_crash_call *c);
void fs_crash_leave(struct fs_crash_call *c);
/* c's plugin fields from a loaded instance (borrowed strings) */
void fs_crash_from(struct fs_crash_call *c, const struct fs_plugin *inst,
		   const char *point);
/* fs_crash_from, and the object fields from obj, a Kubernetes object
 * (kind, metadata.namespace, metadata.name; borrowed, may be NULL) */
struct cJSON;
void fs_crash_about(struct fs_crash_call *c, const struct fs_plugin *inst,
		    const char *point, const struct cJSON *obj);
/* ops->interpret(state, obj, w, err) of plugin inst, marked for the crash
 * report; ops->interpret must be set */
struct fs_mw_ops;
struct fs_mw_workload;
enum fs_code fs_crash_interpret(const struct fs_plugin *inst, const struct fs_mw_ops *ops,
				void *state, const struct cJSON *obj,
				struct fs_mw_workload *w, char *err, size_t errlen);

#endif
