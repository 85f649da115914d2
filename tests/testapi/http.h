/*
 * testapi/http.h - a small HTTP/1.1 server on libev for the test API
 * server: keep-alive, request bodies by Content-Length or chunked, plain
 * responses and chunked streams (watches), optional TLS (tls.h).
 * One thread (the libev default loop).
 */
#ifndef TA_HTTP_H
#define TA_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct ta_conn;
struct ta_server;
struct ta_tls;

struct ta_req {
	char *method;
	char *path;   /* percent-decoded, without the query */
	char *query;  /* raw query string, "" when none */
	char *content_type; /* "" when none */
	char *accept;
	char *auth;   /* Authorization header, "" when none */
	char *user_agent;
	char *body;   /* NUL-terminated */
	size_t body_len;
	char *peer_cn; /* TLS client certificate CN, NULL when none */
};

/* called for every complete request; the handler must eventually answer
 * with ta_respond or ta_stream_begin. req is borrowed until then. */
typedef void (*ta_handler_fn)(struct ta_server *srv, struct ta_conn *c,
			      struct ta_req *req);
/* called when a streaming connection goes away (ud from ta_stream_begin) */
typedef void (*ta_stream_gone_fn)(void *ud);

struct ta_server *ta_server_new(const char *host, uint16_t port,
				struct ta_tls *tls, ta_handler_fn fn,
				void *ud, char **err);
uint16_t ta_server_port(const struct ta_server *s);
void *ta_server_ud(const struct ta_server *s);
/* close the listener and every connection (streams get their gone_fn) */
void ta_server_close_all(struct ta_server *s);
/* listen again on the same port after ta_server_close_all */
bool ta_server_reopen(struct ta_server *s, char **err);
void ta_server_free(struct ta_server *s);
/* delay every request by ms before the handler sees it */
void ta_server_set_latency(struct ta_server *s, uint32_t ms);
/* the most requests the latency held at once since it was last set: how
 * many a client had in flight */
uint32_t ta_server_delayed_max(const struct ta_server *s);
/* connection limits (0 keeps the current value): idle_ms between
 * requests (90 s), header_ms to send a whole request header once it began
 * (32 s), max_conns open at once (4096; more are closed on accept) */
void ta_server_set_limits(struct ta_server *s, uint32_t idle_ms, uint32_t header_ms,
			  uint32_t max_conns);
/* connections closed on accept (over the cap) or not accepted (out of
 * descriptors) */
uint32_t ta_server_refused(const struct ta_server *s);

void ta_respond(struct ta_conn *c, int status, const char *content_type,
		const char *body, size_t len, const char *extra_headers);
/* start a chunked 200 response; returns false when the connection is
 * already gone */
void ta_stream_begin(struct ta_conn *c, const char *content_type,
		     ta_stream_gone_fn gone, void *ud);
void ta_stream_send(struct ta_conn *c, const char *data, size_t len);
void ta_stream_end(struct ta_conn *c);   /* last chunk; keep-alive goes on */
void ta_conn_abort(struct ta_conn *c);   /* drop the TCP connection now */

/* Decode the complete chunks of a chunked body in[0..len) into body (at
 * most max bytes in all). *used: bytes of in taken (whole chunks, or the
 * whole body through its trailers when DONE); call again with the rest
 * once more has arrived. */
enum { TA_CHUNKED_DONE = 1, TA_CHUNKED_MORE = 0, TA_CHUNKED_BAD = -1,
       TA_CHUNKED_TOO_LARGE = -2 };
int ta_chunked_step(const char *in, size_t len, struct fs_buf *body, size_t max,
		    size_t *used);

/* percent-decode s[0..n) (plus_space: '+' is a space); caller frees */
char *ta_pct_decode(const char *s, size_t n, bool plus_space);
/* query parameter `key` decoded into a new string (caller frees), NULL when absent */
char *ta_query_get(const char *query, const char *key);
const char *ta_status_text(int status);

#endif
