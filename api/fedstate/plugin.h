/*
 * fedstate/plugin.h - what a FedState plugin exports.
 *
 * A plugin is a shared object that exports exactly one function,
 *
 *     const struct fs_plugin_desc *fs_plugin_entry(void);
 *
 * returning a pointer to static const data (no side effects). Write it with
 * FS_PLUGIN_DEFINE, at file scope, once per plugin:
 *
 *     FS_PLUGIN_DEFINE(
 *         .name = "vip", .version = "1.2.0",
 *         .description = "filters clusters without a usable VIP",
 *         .kind = FS_PLUGIN_SCHED, .caps = FS_CAP_FILTER,
 *         .init = vip_init, .fini = vip_fini, .sched = &vip_ops)
 *
 * (no ';' after it: the macro ends with a function body, and ISO C refuses
 * the empty declaration a ';' adds under -std=c11 -pedantic-errors)
 *
 * The macro also defines `fs_host` (declared below), which the loader sets
 * to the host's service table before init() runs.
 *
 * Loading (ARCHITECTURE.md in the installed documentation,
 * <prefix>/share/doc/fedstate/, has the full list of checks and messages):
 * the host dlopen()s the file with RTLD_NOW|RTLD_LOCAL, calls the entry,
 * checks magic, ABI, struct size, required fields and that `caps` matches
 * the non-NULL callbacks, then calls init(). Plugins are never unloaded.
 *
 * Ownership: every pointer in the descriptor is borrowed by the host for the
 * life of the process; it must point to static storage.
 */
#ifndef FEDSTATE_PLUGIN_H
#define FEDSTATE_PLUGIN_H

#include "version.h"
#include "host.h"
#include "sched.h"
#include "mw.h"

#define FS_PLUGIN_MAGIC 0x46535047u /* "FSPG" */

/* The ABI minor the plugin declares (see version.h): the headers' own,
 * unless the build asks for an older one to load in older hosts too
 * (-DFS_PLUGIN_ABI_MINOR=0); services newer than that are then tested with
 * FS_HAS_FIELD(fs_host, <service>) before use. */
#ifndef FS_PLUGIN_ABI_MINOR
#define FS_PLUGIN_ABI_MINOR FS_ABI_MINOR
#endif
#define FS_PLUGIN_ENTRY_SYMBOL "fs_plugin_entry"

/* A readable build signature: a plugin built for another data model is
 * refused with both signatures in the message. */
#if defined(__LP64__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FS_BUILD_SIG "lp64-le"
#elif defined(__LP64__)
#define FS_BUILD_SIG "lp64-be"
#else
#define FS_BUILD_SIG "ilp32"
#endif

enum fs_plugin_kind {
	FS_PLUGIN_SCHED = 1,      /* scheduling plugin: uses .sched */
	FS_PLUGIN_MIDDLEWARE = 2, /* middleware plugin: uses .mw */
};

/* Capabilities: one bit per implemented callback. */
enum fs_plugin_cap {
	FS_CAP_PRE_FILTER = 1u << 0,
	FS_CAP_FILTER = 1u << 1,
	FS_CAP_PRE_SCORE = 1u << 2,
	FS_CAP_SCORE = 1u << 3,
	FS_CAP_NORMALIZE = 1u << 4,
	FS_CAP_ASSIGN = 1u << 5,
	FS_CAP_BIND = 1u << 6,
	FS_CAP_INTERPRET = 1u << 16,
	FS_CAP_RENDER = 1u << 17,
	FS_CAP_AGGREGATE_STATUS = 1u << 18,
	FS_CAP_INTERPRET_HEALTH = 1u << 19,
};

struct fs_plugin_desc {
	/* fixed prefix: never reordered */
	uint32_t magic;       /* FS_PLUGIN_MAGIC */
	uint16_t abi_major;   /* FS_ABI_MAJOR the plugin was built against */
	uint16_t abi_minor;
	uint32_t struct_size; /* sizeof(struct fs_plugin_desc) when built */
	uint32_t kind;        /* enum fs_plugin_kind */
	const char *build;    /* FS_BUILD_SIG */

	/* identity; name: [a-z0-9][a-z0-9-]*, at most 63 characters */
	const char *name;        /* required */
	const char *version;     /* required, e.g. "1.0.0" */
	const char *description; /* required, one line */
	const char *vendor;      /* optional */
	const char *license;     /* optional, SPDX id */

	uint32_t caps;        /* enum fs_plugin_cap bits */
	uint32_t flags;       /* reserved, 0 */
	/* optional JSON Schema (text) of the args object, shown by
	 * `fedstate plugins list -o json`; args are validated by init() */
	const char *args_schema;

	/* Called once per configured instance, before any other callback.
	 * args: the instance's pluginConfig args as JSON (borrowed; NULL when
	 * none). On failure write a one-line lowercase reason to err
	 * ("port: 70000 is out of range (1-65535)") and return an error code.
	 * *state is handed back to every callback of this instance. */
	enum fs_code (*init)(struct fs_plugin *self, const struct fs_json *args,
			     void **state, char *err, size_t errlen);
	/* Called when an instance is retired (config reload); NULL-safe state. */
	void (*fini)(void *state);

	const struct fs_sched_ops *sched; /* FS_PLUGIN_SCHED */
	const struct fs_mw_ops *mw;       /* FS_PLUGIN_MIDDLEWARE */

	/* where the loader stores the host table before init() */
	const struct fs_host **host_slot;
};

/* The host's service table inside a plugin; set before init() runs. */
extern const struct fs_host *fs_host;

#if defined(__GNUC__)
#define FS_EXPORT __attribute__((visibility("default")))
#else
#define FS_EXPORT
#endif

#define FS_PLUGIN_DEFINE(...)                                                  \
	const struct fs_host *fs_host;                                         \
	static const struct fs_plugin_desc fs_plugin_desc_ = {                 \
		.magic = FS_PLUGIN_MAGIC,                                      \
		.abi_major = FS_ABI_MAJOR,                                     \
		.abi_minor = FS_PLUGIN_ABI_MINOR,                              \
		.struct_size = sizeof(struct fs_plugin_desc),                  \
		.build = FS_BUILD_SIG,                                         \
		.host_slot = &fs_host,                                         \
		__VA_ARGS__};                                                  \
	FS_EXPORT const struct fs_plugin_desc *fs_plugin_entry(void);          \
	FS_EXPORT const struct fs_plugin_desc *fs_plugin_entry(void)           \
	{                                                                      \
		return &fs_plugin_desc_;                                       \
	}

/* The plugin's own logging shortcuts. */
#define FS_LOG(self, level, ...) fs_host->log((self), (level), __VA_ARGS__)

#endif
