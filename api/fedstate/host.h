/*
 * fedstate/host.h - the services the host offers to plugins.
 *
 * The host hands a `const struct fs_host *` to a plugin's init(). It stays
 * valid for the life of the process: keep it in a static (see
 * FS_PLUGIN_DEFINE in plugin.h, which does that for you as `fs_host`).
 * Plugins link no host symbol: everything the host offers is in this table.
 *
 * ABI: the table only grows at the end. A plugin built against an older
 * minor sees a prefix of it; a plugin that needs a newer service checks
 * FS_HAS_FIELD(host, service) first (or requires the minor in its
 * descriptor, which makes the loader refuse an older host).
 *
 * Threading: every service is for the scheduling/ops thread (the thread that
 * calls the plugin's callbacks) unless it says otherwise. Callbacks that a
 * service invokes later (timers, HTTP completion, probes) run on that same
 * thread, from the host's event loop.
 *
 * Handles: struct fs_plugin identifies the calling plugin instance (for log
 * prefixes, ownership of timers and requests, last_error); struct fs_cycle
 * is one scheduling cycle of one binding; struct fs_render is one render
 * call. `self` is handed to init() only: it stays valid, and the same, from
 * init() until fini() returns, so keep it in your state to call the
 * services that take self from later callbacks (mw.h).
 */
#ifndef FEDSTATE_HOST_H
#define FEDSTATE_HOST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "json.h"
#include "status.h"
#include "types.h"

#if defined(__GNUC__)
#define FS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define FS_PRINTF(f, a)
#endif

struct fs_plugin;
struct fs_cycle;
struct fs_render;
struct fs_timer;
struct fs_http;
struct fs_probe;

enum fs_log_level {
	FS_LOG_ERROR = 0,
	FS_LOG_WARN = 1,
	FS_LOG_INFO = 2,  /* -v 0 shows up to here */
	FS_LOG_DEBUG = 3, /* -v 1..3 */
	FS_LOG_TRACE = 4, /* -v 4+ */
};

/* ------------------------------------------------------------------ */
/* Asynchronous HTTP through the host's connection pool                */
/* ------------------------------------------------------------------ */

enum fs_http_flag {
	FS_HTTP_H2_PRIOR_KNOWLEDGE = 1u << 0, /* HTTP/2 over cleartext (gRPC h2c) */
	FS_HTTP_H2 = 1u << 1,                 /* offer HTTP/2 over TLS */
	FS_HTTP_API_SERVER = 1u << 2, /* url is a path on the Karmada API server;
	                                 the host adds address, TLS and credentials */
	FS_HTTP_INSECURE = 1u << 3,   /* skip TLS verification (loudly logged) */
};

struct fs_http_request {
	uint32_t struct_size;
	const char *method;   /* "GET", "POST", ...; NULL means GET */
	const char *url;      /* absolute URL, or a path with FS_HTTP_API_SERVER */
	const char *const *headers; /* "Name: value" strings, NULL-terminated list or NULL */
	const void *body;     /* may be NULL */
	size_t body_len;
	uint32_t timeout_ms;  /* whole request; 0 = no limit */
	uint32_t connect_timeout_ms; /* 0 = host default */
	uint32_t flags;       /* enum fs_http_flag */
	const char *ca_file;  /* PEM CA bundle; NULL = system default */
	const char *cert_file; /* client certificate (mutual TLS); may be NULL */
	const char *key_file;
};

/* Passed to the completion callback; every pointer is borrowed and valid only
 * during the callback. */
struct fs_http_response {
	uint32_t struct_size;
	enum fs_code code;    /* FS_OK when a response arrived (any HTTP status);
	                         FS_E_TIMEOUT, FS_E_NET, FS_E_TLS, FS_E_CANCELED otherwise */
	const char *error;    /* human text when code != FS_OK, else NULL */
	long status;          /* HTTP status, 0 when none */
	const void *body;
	size_t body_len;
	/* response headers and trailers, lower-cased names, in arrival order */
	const struct fs_kv *headers;
	uint32_t n_headers;
	uint32_t elapsed_ms;
};

typedef void (*fs_http_done_fn)(void *ud, const struct fs_http_response *resp);
typedef void (*fs_timer_fn)(void *ud);
typedef void (*fs_probe_fn)(void *ud, enum fs_code code, const char *error,
			    uint32_t elapsed_ms);

/* ------------------------------------------------------------------ */
/* The table                                                           */
/* ------------------------------------------------------------------ */

/*
 * NULL and errors, for every service below (each entry says which case it
 * is in; nothing here aborts the process on a bad argument):
 *   - a pointer result is NULL only in the cases its comment names;
 *     otherwise it is never NULL;
 *   - an enum fs_code result is FS_OK or one of the codes named;
 *   - a bool result is false in the cases named, and then nothing changed
 *     (except that a "takes" argument was freed);
 *   - a NULL handle or value argument is refused as its comment says (a
 *     NULL result, false, FS_E_INVAL, or "ignored"), never dereferenced;
 *   - a refusal of a call that names its instance (self, or r: the host
 *     knows which instance renders) also leaves the reason for
 *     last_error(self) (ABI 1.1). Refusals are logged only where the
 *     comment says so.
 */
struct fs_host {
	uint32_t struct_size; /* sizeof(struct fs_host) of the host */
	uint16_t abi_major;
	uint16_t abi_minor;   /* the host's; FS_HAS_FIELD tests one service */
	const char *host_version; /* "0.1.0" */

	/* --- logging: the host prefixes the plugin name; never log secrets.
	 * self NULL logs under "plugin". Never fail. */
	void (*log)(struct fs_plugin *self, enum fs_log_level level,
		    const char *fmt, ...) FS_PRINTF(3, 4);
	void (*vlog)(struct fs_plugin *self, enum fs_log_level level,
		     const char *fmt, va_list ap);
	bool (*log_enabled)(struct fs_plugin *self, enum fs_log_level level);

	/* --- memory: anything handed to the host to free comes from here.
	 * alloc/calloc/realloc: NULL when out of memory (realloc then leaves
	 * p as it was); strdup: NULL for a NULL s or out of memory */
	void *(*alloc)(size_t size);
	void *(*calloc)(size_t n, size_t size);
	void *(*realloc)(void *p, size_t size);
	void (*free)(void *p);                   /* NULL-safe */
	char *(*strdup)(const char *s);          /* caller frees */

	/* --- errors and strings */
	/* static text; never NULL ("unknown error" / "FS_E_UNKNOWN" for a
	 * number that is no code) */
	const char *(*strerror)(enum fs_code code);
	const char *(*code_name)(enum fs_code code); /* "FS_E_INVAL" */
	/* Interned copy of s[0..len) (len (size_t)-1: up to NUL; a NUL
	 * inside ends it). The pointer lives as long as the process; equal
	 * strings give equal pointers. NULL only for a NULL s. */
	const char *(*intern)(const char *s, size_t len);

	/* --- JSON (see json.h for the ownership words). Every reader takes
	 * NULL (a missing value) and answers "absent": NULL, false, 0 or
	 * FS_JSON_INVALID. */
	/* caller frees; NULL for invalid JSON or a NULL text, with
	 * "invalid json at byte N" in err (err may be NULL) */
	struct fs_json *(*json_parse)(const char *text, size_t len,
				      char *err, size_t errlen);
	/* caller frees with host->free; NULL for a NULL v */
	char *(*json_print)(const struct fs_json *v, bool pretty);
	void (*json_free)(struct fs_json *v); /* NULL-safe; only for roots */
	enum fs_json_type (*json_type)(const struct fs_json *v);
	/* member of an object, NULL when v is not an object or has no key; borrowed */
	const struct fs_json *(*json_get)(const struct fs_json *v, const char *key);
	/* "spec.replicaset" or "metadata.labels.app" ("." separated, a
	 * number indexes an array; a key that contains "." can be reached
	 * with json_get); NULL when any step is missing; borrowed */
	const struct fs_json *(*json_path)(const struct fs_json *v, const char *path);
	const char *(*json_string)(const struct fs_json *v); /* NULL when not a string; borrowed */
	bool (*json_int)(const struct fs_json *v, int64_t *out); /* false unless an integral number */
	bool (*json_double)(const struct fs_json *v, double *out); /* false unless a number */
	bool (*json_bool)(const struct fs_json *v, bool *out);     /* false unless a boolean */
	size_t (*json_size)(const struct fs_json *v); /* array or object length, else 0 */
	/* element (or member) i; NULL past the end or for a scalar; borrowed */
	const struct fs_json *(*json_at)(const struct fs_json *v, size_t i);
	/* key of member i of an object; NULL past the end or for a non-object */
	const char *(*json_key_at)(const struct fs_json *v, size_t i);
	/* new values, caller frees; NULL when out of memory, for
	 * FS_JSON_INVALID (json_new) and for a NULL s (json_new_string) */
	struct fs_json *(*json_new)(enum fs_json_type type);
	struct fs_json *(*json_new_string)(const char *s);
	struct fs_json *(*json_new_int)(int64_t n);
	struct fs_json *(*json_new_double)(double d);
	/* object: set key (replacing); takes `child`; false when obj is not
	 * an object, key or child is NULL, or memory ran out */
	bool (*json_set)(struct fs_json *obj, const char *key, struct fs_json *child);
	/* takes child; false when arr is not an array or child is NULL */
	bool (*json_append)(struct fs_json *arr, struct fs_json *child);
	/* false when obj is not an object or has no such key */
	bool (*json_remove)(struct fs_json *obj, const char *key);
	/* deep copy; caller frees; NULL for a NULL v or out of memory */
	struct fs_json *(*json_dup)(const struct fs_json *v);
	bool (*json_equal)(const struct fs_json *a, const struct fs_json *b);

	/* --- time; never fail */
	int64_t (*now_ms)(void);      /* monotonic milliseconds */
	int64_t (*wall_time)(void);   /* unix seconds */

	/* --- timers on the host's event loop (daemons; in offline commands
	 * timers only fire while the host waits, e.g. in http_wait).
	 * timer_start: NULL when cb is NULL, when self is NULL or has no
	 * runtime to run it in (logged), or when self is being retired. */
	struct fs_timer *(*timer_start)(struct fs_plugin *self, uint64_t after_ms,
					uint64_t repeat_ms, fs_timer_fn cb, void *ud);
	void (*timer_stop)(struct fs_timer *t); /* NULL-safe; frees the handle */

	/* --- asynchronous HTTP on the host's connection pool. `done` is
	 * called exactly once (also on cancel, with FS_E_CANCELED), never
	 * from inside http_start. Request strings are copied; the returned
	 * handle is valid until `done` runs. req is accepted at any
	 * struct_size from ABI 1.0's up; fields past it read as zero.
	 * http_start: NULL, and done is never called, when the request is
	 * refused (logged): self without a runtime, req or done NULL,
	 * struct_size below 1.0's, no url, a header that is not one
	 * "Name: value" line, FS_HTTP_API_SERVER without an API server, or
	 * the pool cannot start it. */
	struct fs_http *(*http_start)(struct fs_plugin *self,
				      const struct fs_http_request *req,
				      fs_http_done_fn done, void *ud);
	void (*http_cancel)(struct fs_http *h); /* h must be live (done not run) */
	/* Run the event loop until every request in reqs[] has completed or the
	 * monotonic time deadline_ms (host->now_ms() clock) passes; requests
	 * still running then are canceled. For fan-out inside a cycle: start N
	 * requests, then wait once. Outside a cycle, from a callback of the
	 * loop it would run, it returns at once (logged): the requests go on
	 * in the background. NULL entries of reqs[] are skipped. */
	void (*http_wait)(struct fs_plugin *self, struct fs_http *const *reqs,
			  size_t n, int64_t deadline_ms);

	/* --- a background TCP connect probe to host:port. NULL, and done is
	 * never called, when self has no runtime (logged), host is NULL or
	 * empty or not a host name/address, port is 0 or done is NULL. */
	struct fs_probe *(*tcp_probe)(struct fs_plugin *self, const char *host,
				      uint16_t port, uint32_t timeout_ms,
				      fs_probe_fn done, void *ud);

	/* --- the cluster cache (current snapshot); borrowed views. Without
	 * a snapshot (or a runtime) there are no clusters: 0, NULL. */
	uint32_t (*cluster_count)(struct fs_plugin *self);
	/* NULL when i >= cluster_count() */
	const struct fs_cluster *(*cluster_at)(struct fs_plugin *self, uint32_t i);
	/* NULL when no cluster has that name (or name is NULL) */
	const struct fs_cluster *(*cluster_find)(struct fs_plugin *self, const char *name);
	/* changes whenever any cluster is added, updated or removed */
	uint64_t (*cluster_generation)(struct fs_plugin *self);
	/* id of an API (groupVersion "apps/v1" or "v1", kind); -1 when no
	 * cluster serves it (see fs_cluster_serves) */
	int32_t (*api_id)(const char *group_version, const char *kind);

	/* --- the current scheduling cycle; cyc is the one the callback got
	 * (never NULL there) and is valid until that callback returns */
	const struct fs_binding *(*cycle_binding)(struct fs_cycle *cyc); /* never NULL */
	/* the effective cluster affinity of this attempt: placement.clusterAffinity,
	 * or the clusterAffinities term being tried; NULL when none */
	const struct fs_affinity_term *(*cycle_affinity_term)(struct fs_cycle *cyc);
	/* per-cycle state shared between plugins and phases; `key` is copied,
	 * `free_fn` (may be NULL) runs at the end of the cycle (and on a
	 * value replaced under the same key). FS_E_INVAL for a NULL key. */
	enum fs_code (*cycle_put)(struct fs_cycle *cyc, const char *key,
				  void *value, void (*free_fn)(void *));
	void *(*cycle_get)(struct fs_cycle *cyc, const char *key); /* NULL: never put */
	/* printf into memory that lives until the end of the cycle: use it for
	 * reason strings that are not static; never NULL */
	const char *(*cycle_printf)(struct fs_cycle *cyc, const char *fmt, ...)
		FS_PRINTF(2, 3);
	/* Publish how many more replicas of this workload fit in a cluster.
	 * Answers of several plugins combine by minimum; -1 means "no answer"
	 * and is ignored (Karmada's UnauthenticReplica), as is an index out
	 * of range. */
	void (*cycle_set_available)(struct fs_cycle *cyc, uint32_t cluster_index,
				    int32_t replicas);
	/* the combined answer so far; INT32_MAX when nobody answered (or the
	 * index is out of range) */
	int32_t (*cycle_available)(struct fs_cycle *cyc, uint32_t cluster_index);

	/* --- Kubernetes helpers */
	/* parse a quantity ("950m", "2Gi", "1e3"); canonical unit of
	 * `resource` (milli for "cpu"); FS_E_RANGE on overflow, FS_E_PARSE on
	 * a malformed quantity or a NULL s; *out is untouched then */
	enum fs_code (*quantity_parse)(const char *s, const char *resource,
				       int64_t *out);
	/* a NULL selector matches everything (Kubernetes' nil selector) */
	bool (*label_selector_matches)(const struct fs_label_selector *sel,
				       const struct fs_kv *labels, uint32_t n);
	/* a NULL aff matches every cluster */
	bool (*affinity_matches)(const struct fs_cluster_affinity *aff,
				 const struct fs_cluster *c);
	/* Karmada's general estimate from status.resourceSummary and the
	 * resource models (model.md in <prefix>/share/doc/fedstate/ has the
	 * formula); never negative */
	int32_t (*general_estimate)(const struct fs_cluster *c,
				    const struct fs_binding *b);

	/* --- rendering (middleware plugins); r is the one the callback got */
	/* current state of an object as the API server (or --existing files)
	 * has it, NULL when it does not exist yet (or api_version, kind or
	 * name is NULL); borrowed until render returns. namespace_ NULL
	 * means the namespace of the rendered object. */
	const struct fs_json *(*render_lookup)(struct fs_render *r,
					       const char *api_version,
					       const char *kind,
					       const char *namespace_,
					       const char *name);
	/* facts about a member cluster known to the host: its label `key`
	 * (e.g. "vip"); NULL when the cluster or label is unknown */
	const char *(*render_cluster_label)(struct fs_render *r,
					    const char *cluster,
					    const char *key);
	/* Add one desired object; takes obj (also when it refuses it).
	 * FS_E_INVAL: not an object, no apiVersion, kind or metadata.name
	 * string, a name that is not an RFC 1123 subdomain (empty included),
	 * another metadata.namespace than the federated object's, or r NULL;
	 * FS_E_EXISTS: the same apiVersion/kind/name emitted twice. Each
	 * refusal's reason is in last_error(self) (1.1); the first one also
	 * fails the render with that reason, whether or not the plugin
	 * passes the code on. */
	enum fs_code (*render_emit)(struct fs_render *r, struct fs_json *obj);
	/* ask for another pass once the objects emitted so far exist (for
	 * values the API server allocates, such as NodePorts); `why` is
	 * copied (NULL: "(no reason given)"); a NULL r is ignored */
	void (*render_need_pass)(struct fs_render *r, const char *why);

	/* ============ ABI 1.1: test with FS_HAS_FIELD(fs_host, x) when the
	 * plugin also targets 1.0 hosts (FS_PLUGIN_ABI_MINOR 0) */

	/* Why the host refused this instance's most recent refused call, as
	 * one line ("render: Service my-svc: metadata.namespace \"other\"
	 * differs from the federated object's namespace"), like errno: set by
	 * each refusal, not cleared by a success, so read it right after a
	 * call reported failure. Recorded for render_emit and for timer_start,
	 * http_start, http_wait and tcp_probe. Borrowed: valid until the next
	 * call of this instance into the host. NULL when nothing was refused
	 * yet, or self is NULL. */
	const char *(*last_error)(struct fs_plugin *self);
	/* Member `key` of the object v, writable: for adding to a child of
	 * an object the plugin is building (metadata and spec of what
	 * fs_obj_new() or fs_obj_propagation_policy() made; see objects.h's
	 * fs_obj_metadata / fs_obj_spec). Borrowed from v: valid while v is
	 * and the member is not replaced or removed. NULL when v is not an
	 * object, key is NULL or v has no such member. Only for values the
	 * plugin owns: never for the borrowed inputs of a callback. */
	struct fs_json *(*json_get_mut)(struct fs_json *v, const char *key);
};

#endif
