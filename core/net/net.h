/*
 * net/net.h - the host's event loop, timers, asynchronous HTTP (one curl
 * multi handle driven by libev through the multi_socket API) and TCP
 * probes. These back the timer_*, http_*, tcp_probe and now_ms entries of
 * the host table (plugin/host.c) and are used by core/kube directly.
 *
 * No process-wide state: a pool (struct fs_net) is an object bound to the
 * libev loop its owner hands it; a process may have several (the runtime
 * keeps one on the process loop and one on a private loop for the waits
 * of scheduling cycles, core/runtime/runtime.h).
 *
 * Threading: the thread that runs the pool's loop.
 *
 * Connections: every request goes through one curl multi handle, so
 * connections are pooled and kept alive between requests (and between
 * scheduling cycles). HTTP/2 requests to the same origin multiplex over one
 * connection (FS_HTTP_H2_PRIOR_KNOWLEDGE for h2c, FS_HTTP_H2 over TLS).
 *
 * Callbacks (done, on_data, on_head, timers) run from the loop: inside
 * ev_run of the pool's loop (fs_http_wait runs it too). A done callback
 * may start and cancel other requests.
 */
#ifndef FS_NET_NET_H
#define FS_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fedstate/host.h>

struct ev_loop;
struct fs_net;

/* ------------------------------------------------------------ pools */

/* A connection pool: one curl multi handle driven by `loop` (borrowed; it
 * must outlive the pool). Requests of a pool run only while its loop runs.
 * Caller frees with fs_net_free. NULL when libcurl cannot be set up
 * (logged). */
struct fs_net *fs_net_new(struct ev_loop *loop);
/* Cancel every request still running (their done runs, FS_E_CANCELED,
 * before this returns), then free the pool. NULL-safe. */
void fs_net_free(struct fs_net *n);
struct ev_loop *fs_net_loop(const struct fs_net *n);
/* Cancel every request of the pool (done runs, FS_E_CANCELED, before this
 * returns); the pool stays usable. */
void fs_net_cancel_all(struct fs_net *n);

int64_t fs_now_ms(void);       /* monotonic ms (CLOCK_MONOTONIC) */

/* ------------------------------------------------------------ owners */

/* An owner groups the timers and requests one party started (a plugin
 * instance, a client), as libuv's handles belong to whoever started them:
 * fs_owner_close() stops the owner's timers (their callbacks never run
 * again; the handles stay valid, so the owner may still fs_timer_stop
 * them) and cancels its requests and probes (each done runs once, with
 * FS_E_CANCELED, before close returns); once closed, nothing can fire for
 * it and nothing new starts. fs_owner_release() then frees the timer
 * handles the owner did not stop itself. Embed one, zero-initialised, in
 * the owning struct; it must not move while it owns anything. */
struct fs_owner {
	struct fs_owned *head;
	uint32_t n;
	bool closing;
};
struct fs_owned {            /* the link every owned handle carries */
	struct fs_owner *owner;
	struct fs_owned *prev, *next;
	uint8_t kind;            /* private to net */
};
void fs_owner_close(struct fs_owner *o);
/* fs_owner_close without running any done callback: for an owner whose
 * callbacks' data is already gone (a plugin whose init failed). */
void fs_owner_drop(struct fs_owner *o);
void fs_owner_release(struct fs_owner *o);

/* Timers on `loop`. after_ms 0 fires on the next loop iteration; repeat_ms
 * 0 is a one-shot. The handle stays allocated after a one-shot fired:
 * release it with fs_timer_stop() (also allowed from inside cb). owner may
 * be NULL. NULL when cb is NULL or the owner is closing. */
struct fs_timer *fs_timer_start(struct ev_loop *loop, struct fs_owner *owner,
				uint64_t after_ms, uint64_t repeat_ms,
				fs_timer_fn cb, void *ud);
void fs_timer_stop(struct fs_timer *t); /* NULL-safe, frees */

/* ------------------------------------------------------------ requests */

/* Asynchronous HTTP on pool n. Request strings, headers and body are
 * copied. `done` is called exactly once, from the pool's loop (never from
 * inside fs_http_start), also on cancel (FS_E_CANCELED); the handle is
 * freed after done returns. owner may be NULL. Returns NULL, without
 * calling done, when the request is refused (the reason is logged): no url
 * or done, struct_size too small, a header that is not one "Name: value"
 * line, FS_HTTP_API_SERVER while the pool has no API server, a closing
 * owner, or curl unable to start it. */
struct fs_http *fs_http_start(struct fs_net *n, struct fs_owner *owner,
			      const struct fs_http_request *req,
			      fs_http_done_fn done, void *ud);
/* Cancel a request whose done has not run: done runs (FS_E_CANCELED)
 * before this returns, except when called from inside on_data/on_head,
 * where done follows once the current transfer step has returned. h must
 * be live (done not run yet); see fs_net_cancel for a handle that may have
 * finished. */
void fs_http_cancel(struct fs_http *h);
/* fs_http_cancel when h is a live request of pool n; ignored otherwise
 * (a handle whose done already ran, as long as no newer request of n
 * reuses its memory). */
void fs_net_cancel(struct fs_net *n, struct fs_http *h);
/* Run the pool's loop until every request of n in reqs[] completed or the
 * monotonic deadline_ms passed; cancel what still runs then. Handles whose
 * done already ran are skipped (same caveat as fs_net_cancel). This runs
 * the pool's own loop, so it never nests a loop that is running: on a loop
 * already inside ev_run (a callback of it is on the stack) it is refused
 * (logged, FS_E_NOTSUP) and nothing is waited for. Give waits their own
 * pool on a private loop (as the runtime does for scheduling cycles). Not
 * from inside on_data/on_head (refused, FS_E_NOTSUP). */
enum fs_code fs_http_wait(struct fs_net *n, struct fs_http *const *reqs,
			  size_t count, int64_t deadline_ms);

/* Extensions for the Kubernetes client and other core users. Every field
 * is optional (zero/NULL = unused). Pointers are borrowed for the call
 * only: blobs and the token are copied. */
struct fs_http_ex {
	/* stream the body instead of buffering it: return n to go on,
	 * anything else aborts (done then gets FS_E_CANCELED) */
	size_t (*on_data)(void *ud, const char *p, size_t n);
	/* once, when the status line and headers are complete (not for 1xx);
	 * headers are borrowed for the call */
	void (*on_head)(void *ud, long status, const struct fs_kv *headers,
			uint32_t n);
	const char *ca_pem;  size_t ca_pem_len;     /* CURLOPT_CAINFO_BLOB */
	const char *cert_pem; size_t cert_pem_len;  /* CURLOPT_SSLCERT_BLOB */
	const char *key_pem; size_t key_pem_len;    /* CURLOPT_SSLKEY_BLOB */
	const char *bearer_token;                   /* never logged */
	bool insecure;                              /* skip TLS verification */
	/* abort when slower than limit bytes/s for time s (streams/watches:
	 * use this instead of timeout_ms, which caps the whole transfer) */
	long low_speed_limit, low_speed_time;
	/* buffered bodies: the most accepted (0: FS_HTTP_MAX_BODY, 1 GiB), and
	 * what that limit is, for the error ("one object"; static text) */
	size_t max_body;
	const char *max_body_what;
};

/* fs_http_start with extensions; ex may be NULL. The callbacks in ex get
 * the same `ud` as done. */
struct fs_http *fs_http_start_ex(struct fs_net *n, struct fs_owner *owner,
				 const struct fs_http_request *req,
				 const struct fs_http_ex *ex,
				 fs_http_done_fn done, void *ud);

/* The API server the FS_HTTP_API_SERVER flag resolves against in pool n
 * (set by core/kube and the runtime): requests with that flag get
 * base_url prepended to their path and the TLS material and token of
 * `auth` (copied; NULL: none) unless the request's own ex sets them.
 * base_url NULL forgets the server; such requests are then refused. */
void fs_http_set_api_server(struct fs_net *n, const char *base_url,
			    const struct fs_http_ex *auth);

/* A background TCP connect to host:port on pool n (name resolution
 * included, never blocking the loop). done is called exactly once, from
 * the loop: FS_OK when the connection was established (it is closed at
 * once), else FS_E_TIMEOUT / FS_E_NET / FS_E_CANCELED with a message. The
 * handle is freed after done. owner may be NULL. */
struct fs_probe *fs_tcp_probe(struct fs_net *n, struct fs_owner *owner,
			      const char *host, uint16_t port,
			      uint32_t timeout_ms, fs_probe_fn done, void *ud);

/* Counters since the pool was made (for metrics and tests). */
struct fs_net_stats {
	uint64_t requests;    /* requests completed (any outcome) */
	uint64_t connects;    /* new connections opened for them */
	uint32_t active;      /* requests in flight now */
};
void fs_net_stats(const struct fs_net *n, struct fs_net_stats *out);

/* url with any user:password@ replaced by "REDACTED@", as every message
 * and log of this layer shows it; caller frees */
char *fs_net_url_redact(const char *url);

#endif
