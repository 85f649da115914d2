/*
 * net/net.h - the host's event loop, timers, asynchronous HTTP (one curl
 * multi handle driven by libev through the multi_socket API) and TCP
 * probes. These back the timer_*, http_*, tcp_probe and now_ms entries of
 * the host table (plugin/host.c) and are used by core/kube directly.
 *
 * Threading: loop thread only (the thread that runs fs_loop()).
 *
 * Connections: every request goes through one curl multi handle, so
 * connections are pooled and kept alive between requests (and between
 * scheduling cycles). HTTP/2 requests to the same origin multiplex over one
 * connection (FS_HTTP_H2_PRIOR_KNOWLEDGE for h2c, FS_HTTP_H2 over TLS).
 *
 * Callbacks (done, on_data, on_head, timers) run from the loop: inside
 * fs_loop_run(), fs_http_wait() or any other ev_run of fs_loop(). A done
 * callback may start, cancel and wait for other requests.
 */
#ifndef FS_NET_NET_H
#define FS_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fedstate/host.h>

struct ev_loop;

struct ev_loop *fs_loop(void); /* the process loop (libev default loop) */
int64_t fs_now_ms(void);       /* monotonic ms (CLOCK_MONOTONIC) */
void fs_loop_run(void);        /* ev_run until fs_loop_stop() */
void fs_loop_stop(void);       /* makes the running fs_loop_run() return */

/* Timers. after_ms 0 fires on the next loop iteration; repeat_ms 0 is a
 * one-shot. The handle stays allocated after a one-shot fired: release it
 * with fs_timer_stop() (also allowed from inside cb). */
struct fs_timer *fs_timer_start(uint64_t after_ms, uint64_t repeat_ms,
				fs_timer_fn cb, void *ud);
void fs_timer_stop(struct fs_timer *t); /* NULL-safe, frees */

/* Asynchronous HTTP. Request strings, headers and body are copied. `done`
 * is called exactly once, from the loop (never from inside fs_http_start),
 * also on cancel (FS_E_CANCELED); the handle is freed after done returns.
 * Returns NULL, without calling done, when the request is refused (the
 * reason is logged): no url or done, struct_size too small, a header that
 * is not one "Name: value" line, FS_HTTP_API_SERVER while no API server is
 * set, or curl unable to start it. */
struct fs_http *fs_http_start(const struct fs_http_request *req,
			      fs_http_done_fn done, void *ud);
/* Cancel a request that has not completed: done runs (FS_E_CANCELED)
 * before this returns, except when called from inside on_data/on_head,
 * where done follows once the current transfer step has returned. NULL
 * and finished handles are ignored (same caveat as fs_http_wait). */
void fs_http_cancel(struct fs_http *h);
/* Run the loop until every request in reqs[] completed or the monotonic
 * deadline_ms passed; cancel what still runs then. Meant for "start N,
 * then wait once": handles are known by address, so one whose done already
 * ran is skipped only as long as no newer request reuses its memory.
 * Nested calls are allowed; a request already waited for by an outer call
 * is left to that call. Not from inside on_data/on_head (refused, logged). */
void fs_http_wait(struct fs_http *const *reqs, size_t n, int64_t deadline_ms);

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
};

/* fs_http_start with extensions; ex may be NULL. The callbacks in ex get
 * the same `ud` as done. */
struct fs_http *fs_http_start_ex(const struct fs_http_request *req,
				 const struct fs_http_ex *ex,
				 fs_http_done_fn done, void *ud);

/* The API server the FS_HTTP_API_SERVER flag resolves against (set by
 * core/kube): requests with that flag get base_url prepended to their path
 * and the TLS material and token of `auth` (copied; NULL: none) unless the
 * request's own ex sets them. base_url NULL forgets the server; such
 * requests then fail with FS_E_INVAL. */
void fs_http_set_api_server(const char *base_url, const struct fs_http_ex *auth);

/* A background TCP connect to host:port (name resolution included, never
 * blocking the loop). done is called exactly once, from the loop: FS_OK
 * when the connection was established (it is closed at once), else
 * FS_E_TIMEOUT / FS_E_NET with a message. The handle is freed after done. */
struct fs_probe *fs_tcp_probe(const char *host, uint16_t port,
			      uint32_t timeout_ms, fs_probe_fn done, void *ud);

/* Counters since start (for metrics and tests). */
struct fs_net_stats {
	uint64_t requests;    /* requests completed (any outcome) */
	uint64_t connects;    /* new connections opened for them */
	uint32_t active;      /* requests in flight now */
};
void fs_net_stats(struct fs_net_stats *out);

/* Cancel every request and free the multi handle and the API server
 * settings (end of process, tests). The next request starts afresh. */
void fs_net_shutdown(void);

#endif
