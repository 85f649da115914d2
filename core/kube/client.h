/*
 * kube/client.h - an asynchronous Kubernetes REST client on the host's
 * event loop (core/net: one curl multi handle, pooled keep-alive
 * connections, HTTP/2 where a TLS server offers it).
 *
 * Every call is rate-limited on the client side (token bucket: qps/burst),
 * and at most FS_KUBE_MAX_IN_FLIGHT are sent and unanswered at once: a
 * burst of 800 tokens must not become 800 requests the server works
 * through before anything sent after them (the Lease renewal) is
 * answered. A call is retried with jittered exponential backoff on
 * connection errors, 429 and 5xx (Retry-After is honoured), and has a
 * per-request timeout (watches have none: see watch streams below). Error responses become an
 * enum fs_code plus a message built from the server's Status:
 * 404 FS_E_NOTFOUND, 409 AlreadyExists FS_E_EXISTS, 409 Conflict
 * FS_E_CONFLICT (re-read and retry), 410 FS_E_GONE, 401 FS_E_AUTH,
 * 403 FS_E_PERM, 400/422 FS_E_INVAL.
 *
 * Leader fencing: calls flagged FS_KUBE_LEADER_ONLY are refused
 * (FS_E_PERM) while the client is fenced, and fencing cancels those in
 * flight, so a controller that lost its lease stops writing at once.
 *
 * A 401 makes the client re-read a tokenFile once and retry when the
 * token changed (rotated service-account tokens).
 *
 * Threading: loop thread only. Callbacks run from the loop, never from
 * inside the call that started the request. Watch streams are not
 * rate-limited (one per informer).
 */
#ifndef FS_KUBE_CLIENT_H
#define FS_KUBE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <fedstate/status.h>

#include "kube/config.h"
#include "net/net.h"
#include "kube/watch.h"

struct fs_kube_client;
struct fs_kube_call;
struct fs_kube_stream;

struct fs_kube_client_opts {
	double qps;               /* default 50 */
	uint32_t burst;           /* default 100 */
	uint32_t timeout_ms;      /* per request, default 30000 */
	uint32_t max_retries;     /* default 5 */
	uint32_t backoff_base_ms; /* default 200 */
	uint32_t backoff_max_ms;  /* default 10000 */
	const char *user_agent;   /* default "fedstate/<version>" */
	/* the largest response body for one object (default 16 MiB: etcd keeps
	 * at most 1.5 MiB per object, JSON of a protobuf-stored object can be a
	 * few times that); a list page of limit L may be L times this, at most
	 * 1 GiB (an unpaged list: 1 GiB) */
	size_t max_object_bytes;
};
#define FS_KUBE_MAX_OBJECT_BYTES ((size_t)16 << 20)
#define FS_KUBE_MAX_LIST_BYTES ((size_t)1 << 30)

/* Copies what it needs from cfg. opts NULL: defaults. */
/* Requests go through pool `net` (borrowed: it must outlive the client)
 * and run on its loop. */
struct fs_kube_client *fs_kube_client_new(struct fs_net *net,
					  const struct fs_kube_config *cfg,
					  const struct fs_kube_client_opts *opts);
/* Cancels every call and stream (their callbacks run with FS_E_CANCELED,
 * streams' end callbacks do not run). NULL-safe. */
void fs_kube_client_free(struct fs_kube_client *c);
const char *fs_kube_client_namespace(const struct fs_kube_client *c);
const char *fs_kube_client_server(const struct fs_kube_client *c);
struct ev_loop *fs_kube_client_loop(const struct fs_kube_client *c); /* its pool's */
/* Fence (true) or unfence leader-only writes; fencing cancels those in
 * flight. */
void fs_kube_client_fence(struct fs_kube_client *c, bool fenced);
/* Leader-only calls are refused when they would be sent at or after
 * until_ms (fs_now_ms() clock; 0: no limit). The leader sets it at each
 * renewal to the renewal's send time + the renew deadline, so a process
 * that wakes up (SIGSTOP, a stalled loop) after its lease lapsed sends
 * nothing even before its own timers run. */
void fs_kube_client_fence_at(struct fs_kube_client *c, int64_t until_ms);

/* A resource type: group "" for the core group. Borrowed by every call. */
struct fs_kube_resource {
	const char *group;   /* "apps", "" */
	const char *version; /* "v1" */
	const char *plural;  /* "deployments" */
	const char *kind;    /* "Deployment" (events, messages) */
	bool namespaced;
};

#define FS_KUBE_MAX_IN_FLIGHT 64

enum fs_kube_flag {
	FS_KUBE_STATUS = 1u << 0,      /* the /status subresource */
	FS_KUBE_LEADER_ONLY = 1u << 1, /* refused while fenced */
	FS_KUBE_UNLIMITED = 1u << 2,   /* no rate or in-flight limit: the
					* leader's Lease (Karmada elects with a
					* client of its own), so renewals never
					* queue behind a backlog of writes */
};

enum fs_kube_patch {
	FS_KUBE_MERGE_PATCH,     /* application/merge-patch+json */
	FS_KUBE_JSON_PATCH,      /* application/json-patch+json */
	FS_KUBE_STRATEGIC_PATCH, /* application/strategic-merge-patch+json */
};

/* What a call produced; valid during the callback only, except `object`,
 * which the callback may take (set it to NULL). */
struct fs_kube_result {
	enum fs_code code;
	long http_status;    /* 0 when no response arrived */
	const char *error;   /* message when code != FS_OK, else NULL */
	cJSON *object;       /* the parsed response body on success */
};

typedef void (*fs_kube_done_fn)(void *ud, struct fs_kube_result *res);

struct fs_kube_list_opts {
	const char *label_selector;
	const char *field_selector;
	uint32_t limit;             /* 0: no pagination */
	const char *continue_token;
	const char *resource_version;
};

/* ns NULL: the client's namespace for namespaced resources; "" lists
 * across all namespaces. The returned handle is valid until done runs. */
struct fs_kube_call *fs_kube_get(struct fs_kube_client *c,
				 const struct fs_kube_resource *r,
				 const char *ns, const char *name,
				 fs_kube_done_fn done, void *ud);
/* the same with flags (FS_KUBE_UNLIMITED) */
struct fs_kube_call *fs_kube_get_ex(struct fs_kube_client *c,
				    const struct fs_kube_resource *r,
				    const char *ns, const char *name,
				    uint32_t flags, fs_kube_done_fn done, void *ud);
struct fs_kube_call *fs_kube_list(struct fs_kube_client *c,
				  const struct fs_kube_resource *r,
				  const char *ns,
				  const struct fs_kube_list_opts *lo,
				  fs_kube_done_fn done, void *ud);
/* obj is borrowed (serialised at once) */
struct fs_kube_call *fs_kube_create(struct fs_kube_client *c,
				    const struct fs_kube_resource *r,
				    const char *ns, const cJSON *obj,
				    uint32_t flags, fs_kube_done_fn done,
				    void *ud);
/* PUT; the name comes from obj's metadata.name, optimistic concurrency
 * from its metadata.resourceVersion. FS_KUBE_STATUS: /status. */
struct fs_kube_call *fs_kube_update(struct fs_kube_client *c,
				    const struct fs_kube_resource *r,
				    const char *ns, const cJSON *obj,
				    uint32_t flags, fs_kube_done_fn done,
				    void *ud);
struct fs_kube_call *fs_kube_patch(struct fs_kube_client *c,
				   const struct fs_kube_resource *r,
				   const char *ns, const char *name,
				   enum fs_kube_patch type, const char *patch,
				   uint32_t flags, fs_kube_done_fn done,
				   void *ud);
/* Server-side apply (PATCH application/apply-patch+yaml, the object as
 * JSON, ?fieldManager=<manager>&force=true): obj (borrowed, serialised at
 * once) holds only the fields this manager owns; creates the object when
 * missing. A server without it answers 415 (result http_status 415, code
 * FS_E_HTTP), so a caller can fall back to a merge patch. */
struct fs_kube_call *fs_kube_apply(struct fs_kube_client *c,
				   const struct fs_kube_resource *r,
				   const char *ns, const cJSON *obj,
				   const char *manager, uint32_t flags,
				   fs_kube_done_fn done, void *ud);
/* precond_rv: delete only that version (409 otherwise); may be NULL */
struct fs_kube_call *fs_kube_delete(struct fs_kube_client *c,
				    const struct fs_kube_resource *r,
				    const char *ns, const char *name,
				    const char *precond_rv, uint32_t flags,
				    fs_kube_done_fn done, void *ud);
/* done runs with FS_E_CANCELED before this returns */
void fs_kube_call_cancel(struct fs_kube_call *call);

/* Run the loop until the call completes; the result's object goes to
 * *out (caller frees; may be NULL) and the message to *err (caller frees).
 * For tools and tests at the top level; daemons use the callbacks. From
 * inside a callback of the client's loop it does not nest the loop: the
 * call is canceled and FS_E_NOTSUP returned. */
enum fs_code fs_kube_wait(struct fs_kube_call *call, cJSON **out, char **err);

/* Make this client's server and credentials the ones FS_HTTP_API_SERVER
 * requests of pool n reach (fs_http_set_api_server in core/net): the
 * runtime does this for its plugins' pools. */
void fs_kube_client_share_api_server(const struct fs_kube_client *c,
				     struct fs_net *n);

/* ---------------------------------------------------------------- watch */

struct fs_kube_watch_opts {
	const char *resource_version; /* NULL/"": start with the current state */
	const char *label_selector;
	const char *field_selector;
	bool bookmarks;               /* allowWatchBookmarks */
	uint32_t timeout_s;           /* timeoutSeconds for the server, 0: its default */
	uint32_t idle_s;              /* abort when nothing arrives for this long, 0: never */
};

/* One decoded event; the handler may take ev->object. Returning non-FS_OK
 * ends the stream (end gets that code). */
typedef enum fs_code (*fs_kube_event_fn)(void *ud, struct fs_kube_event *ev);
/* The stream ended: FS_OK (the server closed it, e.g. timeoutSeconds),
 * FS_E_GONE (resume impossible: relist), FS_E_NET/FS_E_TIMEOUT, or the
 * code of an error response; error is a message or NULL. Not called after
 * fs_kube_stream_stop. */
typedef void (*fs_kube_end_fn)(void *ud, enum fs_code code, const char *error);

struct fs_kube_stream *fs_kube_watch(struct fs_kube_client *c,
				     const struct fs_kube_resource *r,
				     const char *ns,
				     const struct fs_kube_watch_opts *wo,
				     fs_kube_event_fn on_event,
				     fs_kube_end_fn on_end, void *ud);
void fs_kube_stream_stop(struct fs_kube_stream *s); /* NULL-safe */

/* The resource name of a kind as Kubernetes and kubebuilder make it for
 * a CRD: lower case, "...y" -> "...ies", "...s/x/z/ch/sh" -> "...es",
 * else "...s" ("PropagationPolicy" -> "propagationpolicies",
 * "MultiCloudRedis" -> "multicloudredises"); caller frees */
char *fs_kube_plural(const char *kind);

/* "/apis/apps/v1/namespaces/ns/deployments/name/status"; caller frees */
char *fs_kube_path(const struct fs_kube_resource *r, const char *ns,
		   const char *name, const char *sub);

#endif
