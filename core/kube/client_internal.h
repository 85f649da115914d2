/*
 * kube/client_internal.h - the client's structures, shared by client.c
 * (calls) and stream.c (watch streams). Not for other parts.
 */
#ifndef FS_KUBE_CLIENT_INTERNAL_H
#define FS_KUBE_CLIENT_INTERNAL_H

#include "kube/client.h"
#include "net/net.h"
#include "util/buf.h"
#include "util/status.h"

struct fs_kube_call {
	struct fs_kube_client *client;
	char *method, *url, *what, *body, *content_type;
	uint32_t flags;
	bool idempotent;
	bool queued;   /* waiting for a rate-limiter token */
	bool fencing;  /* being canceled by fs_kube_client_fence */
	bool reauth;   /* retried once after reloading a rotated token */
	bool orphan;   /* its client is gone: free it when net lets go */
	bool finished; /* (fs_kube_wait) result below is ready */
	bool dots;     /* a . or .. segment: refused from the loop */
	bool counted;  /* sent and unanswered: in client->in_flight */
	size_t max_body;             /* the largest response body accepted */
	const char *max_body_what;   /* what that limit is for (static text) */
	const char *cancel_reason; /* static text */
	uint32_t attempt;
	struct fs_http *http;
	struct fs_timer *timer;
	fs_kube_done_fn done;
	void *ud;
	enum fs_code result_code; /* fs_kube_wait */
	cJSON *result_obj;
	char *result_error;
	struct fs_kube_call *prev, *next; /* client->calls */
	struct fs_kube_call *wnext;       /* client->waiting */
};

struct fs_kube_client {
	struct fs_net *net; /* borrowed */
	struct ev_loop *loop; /* the pool's */
	char *server, *ns;
	char *ca_pem, *cert_pem, *key_pem, *token;
	char *token_file; /* re-read on 401 (rotated service-account tokens) */
	size_t ca_pem_len, cert_pem_len, key_pem_len;
	size_t max_object_bytes; /* opts.max_object_bytes */
	bool insecure;
	bool fenced;
	int64_t fence_at_ms; /* leader-only calls refused from then on (0: never) */
	bool closing;
	char *ua_header;
	double qps;
	uint32_t burst, timeout_ms, max_retries, backoff_base_ms, backoff_max_ms;
	double tokens;
	int64_t tokens_at;
	uint32_t in_flight; /* calls sent and not answered (FS_KUBE_MAX_IN_FLIGHT) */
	struct fs_timer *limiter_timer;
	struct fs_kube_call *waiting, *waiting_tail;
	struct fs_kube_call *calls;
	struct fs_kube_stream *streams;
};

void fs_kube_fill_ex(const struct fs_kube_client *c, struct fs_http_ex *ex);
void fs_kube_escape(struct fs_buf *b, const char *s); /* percent-encode */
uint32_t fs_kube_backoff_ms(const struct fs_kube_client *c, uint32_t attempt);
void fs_kube_call_fail_later(void *ud);
uint32_t fs_kube_http_flags(const struct fs_kube_client *c); /* FS_HTTP_H2 on https */
/* fs_kube_call_start in two steps: _new makes the call (its max_body may
 * then be changed), _go sends it or queues it for a token */
struct fs_kube_call *fs_kube_call_new(struct fs_kube_client *c, const char *method,
				      char *path, const char *query, char *body,
				      const char *content_type, uint32_t flags,
				      fs_kube_done_fn done, void *ud);
struct fs_kube_call *fs_kube_call_go(struct fs_kube_call *call);
/* start a call: takes path and body (free(3)), copies the rest */
struct fs_kube_call *fs_kube_call_start(struct fs_kube_client *c, const char *method,
					char *path, const char *query, char *body,
					const char *content_type, uint32_t flags,
					fs_kube_done_fn done, void *ud);

#endif
