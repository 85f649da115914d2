/*
 * net/net_internal.h - what the files of core/net share: one request
 * (struct fs_http) and the curl multi driver (multi.c) that runs it.
 * Not for use outside core/net. Loop thread only.
 */
#ifndef FS_NET_NET_INTERNAL_H
#define FS_NET_NET_INTERNAL_H

#include <curl/curl.h>
#include <ev.h>

#include "net/net.h"
#include "util/buf.h"

/* one collected header: offsets of "name\0value\0" in fs_http.hstore */
struct fs_http_hdr {
	uint32_t name, value;
};

struct fs_h2c_origin;

/* a pool: everything that used to be process-wide in core/net */
struct fs_net {
	struct ev_loop *loop;
	CURLM *multi;
	ev_timer timer;     /* curl's single timeout */
	ev_timer kick;      /* runs deferred starts/cancels */
	int depth;          /* nesting of curl_multi_socket_action */
	uint32_t deferred;  /* requests waiting for an add or a cancel */
	struct fs_http *live;
	uint32_t n_live;
	uint64_t requests, connects;
	struct {            /* liveset.c: live requests by address */
		const struct fs_http **slot;
		uint32_t cap, n; /* cap: a power of two */
	} set;
	struct {            /* h2c.c */
		int fixed;  /* 0 unknown, 1 curl >= 7.89, -1 needs the workaround */
		struct fs_h2c_origin *o;
		size_t n;
	} h2c;
	struct {            /* http_setup.c: FS_HTTP_API_SERVER */
		char *base;          /* without the trailing '/' */
		struct fs_http_ex auth; /* blobs and token owned */
	} api;
	bool warned_insecure;
};

enum { FS_OWNED_TIMER = 1, FS_OWNED_HTTP = 2 };

/* owner.c: link/unlink a handle; false when the owner is closing */
bool fs_owned_link(struct fs_owner *o, struct fs_owned *l, uint8_t kind);
void fs_owned_unlink(struct fs_owned *l);
/* loop.c: stop t without freeing it (an owner closing) */
void fs_timer_halt(struct fs_timer *t);

struct fs_http {
	struct fs_owned own; /* first: owner.c casts */
	struct fs_net *net;
	CURL *easy;
	struct curl_slist *slist;
	fs_http_done_fn done;
	void *ud;
	size_t (*on_data)(void *ud, const char *p, size_t n);
	void (*on_head)(void *ud, long status, const struct fs_kv *h, uint32_t n);
	size_t max_body;           /* buffered bodies: 0 = FS_HTTP_MAX_BODY */
	const char *max_body_what; /* static text, or NULL */
	bool too_big;              /* aborted at max_body */

	char *url;          /* what curl is given; owned */
	char *shown;        /* url for messages, userinfo redacted; owned */
	const char *method; /* static */
	struct fs_buf body; /* buffered response body (no on_data) */
	struct fs_buf hstore;
	struct fs_http_hdr *hdrs;
	uint32_t n_hdrs, cap_hdrs;
	long status;        /* from the last status line */
	bool head_seen;     /* on_head delivered / final head complete */
	bool in_trailers;   /* past the headers: what follows are trailers */
	bool canceled;      /* canceled by the user or by fs_http_wait */
	bool aborted;       /* on_data refused data */
	bool added;         /* in the multi handle */
	bool finishing;     /* done is running */
	bool connect_only;  /* a TCP probe */
	bool h2c;           /* asked for HTTP/2 prior knowledge (h2c.c) */
	bool h2c_opener;    /* ... and opens the origin's connection */
	bool h2c_retried;   /* a failed follower already retried as opener */
	bool h2c_dropped;   /* missed a wait deadline: its connection closes */
	int64_t start_ms;
	/* our own deadline beside curl's: a transfer parked inside curl (e.g.
	 * waiting to multiplex on a connection a long watch holds) may never
	 * reach curl's timeout check */
	ev_timer deadline;
	uint32_t timeout_ms;
	bool timed_out;
	char errbuf[CURL_ERROR_SIZE];

	int *waiter;        /* fs_http_wait counter to decrement when done */
	struct fs_http *prev, *next; /* live list */
};

/* multi.c */
bool fs_net_in_curl(const struct fs_net *n); /* inside curl_multi_socket_action */
void fs_net_link(struct fs_http *h);   /* track a live request of h->net */
bool fs_net_is_live(const struct fs_net *n, const struct fs_http *h);
enum fs_code fs_net_add(struct fs_http *h); /* now, or after the current step */
void fs_net_remove(struct fs_http *h);      /* from multi (if added) and list */
void fs_net_cancel_later(struct fs_http *h); /* inside curl: after the step */
/* run h again from the start (outside curl callbacks only) */
enum fs_code fs_net_readd(struct fs_http *h);

/* liveset.c: requests whose done has not run (O(1) membership) */
void fs_liveset_add(struct fs_net *n, const struct fs_http *h);
bool fs_liveset_has(const struct fs_net *n, const struct fs_http *h);
void fs_liveset_del(struct fs_net *n, const struct fs_http *h);
void fs_liveset_release(struct fs_net *n);

/* h2c.c: the HTTP version for an h2c request to url; *opener tells that
 * it must open a fresh connection. Report its end with fs_net_h2c_done. */
long fs_net_h2c_version(struct fs_net *n, const char *url, bool *opener);
void fs_net_h2c_done(struct fs_net *n, const char *url, bool opener,
		     enum fs_code code, long version);
void fs_net_h2c_reset(struct fs_net *n);

/* http.c: complete h with curl's result (h is freed) */
void fs_http_finish(struct fs_http *h, CURLcode rc);
/* http.c: free everything of h (after done ran, or when never started) */
void fs_http_free(struct fs_http *h);
/* http_setup.c: map a curl result to our code */
enum fs_code fs_http_code(CURLcode rc);
/* http_setup.c: the URL to fetch (caller frees); NULL for an API server
 * request while no API server is set */
char *fs_http_compose_url(const struct fs_net *n, const struct fs_http_request *req);
/* http_setup.c: curl options of h from req/ex; false when one is refused
 * (logged) */
bool fs_http_set_method_body(struct fs_http *h, const struct fs_http_request *req);
bool fs_http_set_headers(struct fs_http *h, const struct fs_http_request *req);
bool fs_http_set_tls(struct fs_http *h, const struct fs_http_request *req,
		     const struct fs_http_ex *ex);
/* http.c: a TCP connect through the pool's resolver and loop (probe.c) */
struct fs_http *fs_http_start_connect(struct fs_net *n, struct fs_owner *owner,
				      const char *url, uint32_t timeout_ms,
				      fs_http_done_fn done, void *ud);
/* http_setup.c: forget the API server settings of n (wiping secrets) */
void fs_http_clear_api_server(struct fs_net *n);

#endif
