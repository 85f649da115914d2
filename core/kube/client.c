/*
 * kube/client.c - requests, rate limiting and retries (see client.h);
 * watch streams are in stream.c.
 */
#include "kube/client_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include <fedstate/version.h>

#include "kube/status.h"
#include "kube/yaml.h"
#include "util/log.h"
#include "util/buf.h"

/* ---------------------------------------------------------------- client */

static void call_unlink(struct fs_kube_call *call);
static void call_free(struct fs_kube_call *call);

struct fs_kube_client *
fs_kube_client_new(struct fs_net *net, const struct fs_kube_config *cfg,
		   const struct fs_kube_client_opts *opts)
{
	static bool seeded;
	if (!seeded) {
		srandom((unsigned)time(NULL) ^ (unsigned)getpid());
		seeded = true;
	}
	struct fs_kube_client *c = fs_xcalloc(1, sizeof(*c));
	c->server = fs_xstrdup(cfg->server);
	c->ns = fs_xstrdup(cfg->namespace_ ? cfg->namespace_ : "default");
	if (cfg->ca_pem) {
		c->ca_pem = fs_xstrndup(cfg->ca_pem, cfg->ca_pem_len);
		c->ca_pem_len = cfg->ca_pem_len;
	}
	if (cfg->cert_pem) {
		c->cert_pem = fs_xstrndup(cfg->cert_pem, cfg->cert_pem_len);
		c->cert_pem_len = cfg->cert_pem_len;
	}
	if (cfg->key_pem) {
		c->key_pem = fs_xstrndup(cfg->key_pem, cfg->key_pem_len);
		c->key_pem_len = cfg->key_pem_len;
	}
	c->token = cfg->token ? fs_xstrdup(cfg->token) : NULL;
	c->token_file = cfg->token_file ? fs_xstrdup(cfg->token_file) : NULL;
	c->insecure = cfg->insecure;
	c->net = net;
	c->loop = fs_net_loop(net);
	struct fs_kube_client_opts o = opts ? *opts : (struct fs_kube_client_opts){0};
	c->qps = o.qps > 0 ? o.qps : 50;
	c->burst = o.burst ? o.burst : 100;
	c->timeout_ms = o.timeout_ms ? o.timeout_ms : 30000;
	c->max_object_bytes = o.max_object_bytes ? o.max_object_bytes : FS_KUBE_MAX_OBJECT_BYTES;
	c->max_retries = opts && opts->max_retries ? o.max_retries : 5;
	c->backoff_base_ms = o.backoff_base_ms ? o.backoff_base_ms : 200;
	c->backoff_max_ms = o.backoff_max_ms ? o.backoff_max_ms : 10000;
	struct fs_buf ua = FS_BUF_INIT;
	fs_buf_printf(&ua, "User-Agent: %s", o.user_agent ? o.user_agent
							  : "fedstate/" FS_VERSION_STRING);
	c->ua_header = fs_buf_detach(&ua);
	c->tokens = (double)c->burst;
	c->tokens_at = fs_now_ms();
	return c;
}

void
fs_kube_client_free(struct fs_kube_client *c)
{
	if (!c)
		return;
	c->closing = true;
	while (c->streams)
		fs_kube_stream_stop(c->streams);
	while (c->calls) {
		struct fs_kube_call *call = c->calls;
		fs_kube_call_cancel(call);
		if (c->calls == call) {
			/* the cancel was deferred (freed from inside a transfer
			 * callback): the call finishes later, without us */
			call_unlink(call);
			call->orphan = true;
		}
	}
	fs_timer_stop(c->limiter_timer);
	free(c->server);
	free(c->ns);
	free(c->ca_pem);
	free(c->cert_pem);
	fs_free_secret(c->key_pem, c->key_pem_len);
	fs_free_secret(c->token, c->token ? strlen(c->token) : 0);
	free(c->token_file);
	free(c->ua_header);
	free(c);
}

const char *fs_kube_client_namespace(const struct fs_kube_client *c) { return c->ns; }
const char *fs_kube_client_server(const struct fs_kube_client *c) { return c->server; }
struct ev_loop *fs_kube_client_loop(const struct fs_kube_client *c) { return c->loop; }

void
fs_kube_fill_ex(const struct fs_kube_client *c, struct fs_http_ex *ex)
{
	ex->ca_pem = c->ca_pem;
	ex->ca_pem_len = c->ca_pem_len;
	ex->cert_pem = c->cert_pem;
	ex->cert_pem_len = c->cert_pem_len;
	ex->key_pem = c->key_pem;
	ex->key_pem_len = c->key_pem_len;
	ex->bearer_token = c->token;
	ex->insecure = c->insecure;
}

uint32_t
fs_kube_http_flags(const struct fs_kube_client *c)
{
	/* HTTP/2 is negotiated over TLS only; asking for it on http:// would
	 * make requests wait for a busy HTTP/1.1 connection (PIPEWAIT) */
	return strncmp(c->server, "https://", 8) ? 0 : FS_HTTP_H2;
}

void
fs_kube_client_share_api_server(const struct fs_kube_client *c, struct fs_net *n)
{
	struct fs_http_ex ex = {0};
	fs_kube_fill_ex(c, &ex);
	fs_http_set_api_server(n, c->server, &ex);
}

uint32_t
fs_kube_backoff_ms(const struct fs_kube_client *c, uint32_t attempt)
{
	uint64_t d = c->backoff_base_ms;
	for (uint32_t i = 0; i < attempt && d < c->backoff_max_ms; i++)
		d *= 2;
	if (d > c->backoff_max_ms)
		d = c->backoff_max_ms;
	/* jitter: 50% .. 150% */
	double j = 0.5 + (double)(random() % 1000) / 1000.0;
	return (uint32_t)((double)d * j);
}

/* ---------------------------------------------------------------- limiter */

static void call_send(struct fs_kube_call *call);
static void limiter_kick(struct fs_kube_client *c);

static void
limiter_refill(struct fs_kube_client *c)
{
	int64_t now = fs_now_ms();
	c->tokens += (double)(now - c->tokens_at) * c->qps / 1000.0;
	if (c->tokens > (double)c->burst)
		c->tokens = (double)c->burst;
	c->tokens_at = now;
}

static void
limiter_on_timer(void *ud)
{
	struct fs_kube_client *c = ud;
	fs_timer_stop(c->limiter_timer);
	c->limiter_timer = NULL;
	limiter_kick(c);
}

/* send waiting calls while there are tokens and room in flight, else arm
 * the timer (tokens) or wait for an answer (room: call_on_http kicks) */
static void
limiter_kick(struct fs_kube_client *c)
{
	limiter_refill(c);
	while (c->waiting &&
	       ((c->tokens >= 1.0 && c->in_flight < FS_KUBE_MAX_IN_FLIGHT) ||
		(c->waiting->flags & FS_KUBE_UNLIMITED))) {
		struct fs_kube_call *call = c->waiting;
		c->waiting = call->wnext;
		if (!c->waiting)
			c->waiting_tail = NULL;
		call->wnext = NULL;
		call->queued = false;
		if (!(call->flags & FS_KUBE_UNLIMITED))
			c->tokens -= 1.0;
		call_send(call);
	}
	if (c->waiting && !c->limiter_timer && c->in_flight < FS_KUBE_MAX_IN_FLIGHT) {
		uint64_t ms = (uint64_t)((1.0 - c->tokens) * 1000.0 / c->qps) + 1;
		c->limiter_timer = fs_timer_start(c->loop, NULL, ms, 0, limiter_on_timer, c);
	}
}

static void
limiter_enqueue(struct fs_kube_call *call)
{
	struct fs_kube_client *c = call->client;
	call->queued = true;
	if (call->flags & FS_KUBE_UNLIMITED) { /* first, and sent at once */
		call->wnext = c->waiting;
		c->waiting = call;
		if (!c->waiting_tail)
			c->waiting_tail = call;
		fs_timer_stop(c->limiter_timer);
		c->limiter_timer = NULL;
	} else if (c->waiting_tail) {
		c->waiting_tail->wnext = call;
		c->waiting_tail = call;
	} else {
		c->waiting = c->waiting_tail = call;
	}
	if (!c->limiter_timer)
		c->limiter_timer = fs_timer_start(c->loop, NULL, 0, 0, limiter_on_timer, c);
}

static void
limiter_remove(struct fs_kube_call *call)
{
	struct fs_kube_client *c = call->client;
	struct fs_kube_call **pp = &c->waiting, *prev = NULL;
	while (*pp && *pp != call) {
		prev = *pp;
		pp = &(*pp)->wnext;
	}
	if (*pp) {
		*pp = call->wnext;
		if (c->waiting_tail == call)
			c->waiting_tail = prev;
	}
	call->queued = false;
}

/* ---------------------------------------------------------------- calls */

static void
call_unlink(struct fs_kube_call *call)
{
	struct fs_kube_client *c = call->client;
	if (call->prev)
		call->prev->next = call->next;
	else if (c->calls == call)
		c->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	call->prev = call->next = NULL;
}

static void
call_free(struct fs_kube_call *call)
{
	free(call->method);
	free(call->url);
	free(call->what);
	free(call->body);
	free(call->content_type);
	free(call->result_error);
	cJSON_Delete(call->result_obj);
	free(call);
}

/* deliver the result; frees the call unless fs_kube_wait holds it */
static void
call_finish(struct fs_kube_call *call, enum fs_code code,
	    long status, const char *error, cJSON *obj)
{
	fs_timer_stop(call->timer);
	call->timer = NULL;
	if (call->queued)
		limiter_remove(call);
	call_unlink(call);
	call->http = NULL;
	if (code != FS_OK)
		fs_debug("kube", "%s: %s", call->what, error ? error : fs_strerror(code));
	if (!call->done) { /* fs_kube_wait collects it */
		call->finished = true;
		call->result_code = code;
		call->result_obj = obj;
		call->result_error = error ? fs_xstrdup(error) : NULL;
		return;
	}
	struct fs_kube_result res = {code, status, error, obj};
	call->done(call->ud, &res);
	cJSON_Delete(res.object);
	call->result_obj = NULL;
	call_free(call);
}

static const char *
header_value(const struct fs_http_response *r, const char *name)
{
	for (uint32_t i = 0; i < r->n_headers; i++)
		if (!strcmp(r->headers[i].key, name))
			return r->headers[i].value;
	return NULL;
}

/* a 401 may mean the token file was rotated: true when it now holds a
 * different token (taken) */
static bool
client_reload_token(struct fs_kube_client *c)
{
	if (!c->token_file)
		return false;
	char *err = NULL;
	size_t len = 0;
	char *tok = fs_kube_read_file(c->token_file, &len, &err);
	if (!tok) {
		fs_warn("kube", "reloading the token: %s", err);
		free(err);
		return false;
	}
	while (len && (tok[len - 1] == '\n' || tok[len - 1] == '\r' || tok[len - 1] == ' '))
		tok[--len] = '\0';
	if (!len || (c->token && !strcmp(tok, c->token))) {
		fs_free_secret(tok, len);
		return false;
	}
	fs_free_secret(c->token, c->token ? strlen(c->token) : 0);
	c->token = tok;
	fs_info("kube", "the token in %s changed: using the new one", c->token_file);
	return true;
}

static void
call_on_retry(void *ud)
{
	struct fs_kube_call *call = ud;
	fs_timer_stop(call->timer);
	call->timer = NULL;
	limiter_enqueue(call);
}

static bool
call_retry(struct fs_kube_call *call, uint32_t retry_after_s)
{
	struct fs_kube_client *c = call->client;
	if (call->attempt >= c->max_retries || c->closing)
		return false;
	uint32_t ms = fs_kube_backoff_ms(c, call->attempt);
	if (retry_after_s && retry_after_s * 1000u > ms)
		ms = retry_after_s * 1000u;
	call->attempt++;
	fs_debug("kube", "%s: retry %u in %u ms", call->what, call->attempt, ms);
	call->timer = fs_timer_start(call->client->loop, NULL, ms, 0, call_on_retry, call);
	return true;
}

/* an answer (or the end of trying): room for the next waiting call */
static void
call_uncount(struct fs_kube_call *call)
{
	struct fs_kube_client *c = call->client;
	if (!call->counted)
		return;
	call->counted = false;
	c->in_flight--;
	if (c->waiting && !c->limiter_timer && !c->closing)
		c->limiter_timer = fs_timer_start(c->loop, NULL, 0, 0, limiter_on_timer, c);
}

static void
call_on_http(void *ud, const struct fs_http_response *r)
{
	struct fs_kube_call *call = ud;
	call->http = NULL;
	if (call->orphan) { /* its client (and the count) is gone */
		call_free(call);
		return;
	}
	call_uncount(call);
	if (r->code == FS_E_CANCELED) {
		call_finish(call, FS_E_CANCELED, 0, call->cancel_reason ? call->cancel_reason
						     : "canceled", NULL);
		return;
	}
	if (r->code != FS_OK) {
		/* no response: retry connection errors; a timeout only when
		 * repeating is harmless */
		bool again = r->code == FS_E_NET ||
			     (r->code == FS_E_TIMEOUT && call->idempotent);
		if (again && call_retry(call, 0))
			return;
		call_finish(call, r->code, 0, r->error, NULL);
		return;
	}
	long st = r->status;
	if (st == 401 && !call->reauth && client_reload_token(call->client)) {
		call->reauth = true;
		limiter_enqueue(call);
		return;
	}
	if (st >= 200 && st < 300) {
		cJSON *obj = r->body_len ? cJSON_ParseWithLength(r->body, r->body_len) : NULL;
		if (r->body_len && !obj) {
			char msg[256];
			snprintf(msg, sizeof(msg), "%s: %ld response is not valid JSON", call->what, st);
			call_finish(call, FS_E_PROTO, st, msg, NULL);
			return;
		}
		call_finish(call, FS_OK, st, NULL, obj);
		return;
	}
	if (st == 429 || st >= 500) {
		const char *ra = header_value(r, "retry-after");
		uint32_t secs = ra ? (uint32_t)strtoul(ra, NULL, 10) : 0;
		if (secs > 60)
			secs = 60;
		if (call_retry(call, secs))
			return;
	}
	char *msg = NULL;
	enum fs_code code = fs_kube_status_error(st, r->body, r->body_len, call->what, &msg);
	call_finish(call, code, st, msg, NULL);
	free(msg);
}

static void call_on_refused(void *ud);

static void
call_send(struct fs_kube_call *call)
{
	struct fs_kube_client *c = call->client;
	if ((call->flags & FS_KUBE_LEADER_ONLY) &&
	    (c->fenced || (c->fence_at_ms && fs_now_ms() >= c->fence_at_ms))) {
		/* queued (or retried) while we led; the lease lapsed since */
		call->timer = fs_timer_start(c->loop, NULL, 0, 0, call_on_refused, call);
		return;
	}
	char ct[128];
	const char *headers[4];
	size_t nh = 0;
	headers[nh++] = c->ua_header;
	headers[nh++] = "Accept: application/json";
	if (call->content_type) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", call->content_type);
		headers[nh++] = ct;
	}
	headers[nh] = NULL;
	struct fs_http_request req = {
		.struct_size = sizeof(req),
		.method = call->method,
		.url = call->url,
		.headers = headers,
		.body = call->body,
		.body_len = call->body ? strlen(call->body) : 0,
		.timeout_ms = c->timeout_ms,
		.flags = fs_kube_http_flags(c),
	};
	struct fs_http_ex ex = {0};
	fs_kube_fill_ex(c, &ex);
	ex.max_body = call->max_body;
	ex.max_body_what = call->max_body_what;
	call->http = fs_http_start_ex(c->net, NULL, &req, &ex, call_on_http, call);
	if (!call->http) { /* an invalid request: fail from the loop */
		call->timer = fs_timer_start(c->loop, NULL, 0, 0, fs_kube_call_fail_later, call);
	} else {
		call->counted = true;
		c->in_flight++;
	}
}

void
fs_kube_call_fail_later(void *ud)
{
	struct fs_kube_call *call = ud;
	char msg[256];
	snprintf(msg, sizeof(msg), "%s: the request could not be set up", call->what);
	call_finish(call, FS_E_INVAL, 0, msg, NULL);
}

static void
call_on_refused(void *ud)
{
	struct fs_kube_call *call = ud;
	char msg[512];
	snprintf(msg, sizeof(msg),
		 "%s: refused: this process is not the leader (the lease was lost)",
		 call->what);
	call_finish(call, FS_E_PERM, 0, msg, NULL);
}

static void
call_on_dot_segment(void *ud)
{
	struct fs_kube_call *call = ud;
	char msg[512];
	snprintf(msg, sizeof(msg),
		 "%s: refused: a name or namespace of '.' or '..' is not valid (the API "
		 "server allows neither; in a path it would address another object)",
		 call->what);
	call_finish(call, FS_E_INVAL, 0, msg, NULL);
}

/* a "." or ".." segment in path (names are escaped, but keep '.') */
static bool
has_dot_segment(const char *path)
{
	for (const char *s = path; (s = strchr(s, '/')); s++) {
		size_t n = strcspn(s + 1, "/");
		if ((n == 1 && s[1] == '.') || (n == 2 && s[1] == '.' && s[2] == '.'))
			return true;
	}
	return false;
}

struct fs_kube_call *
fs_kube_call_new(struct fs_kube_client *c, const char *method,
		 char *path, const char *query, char *body,
		 const char *content_type, uint32_t flags,
		 fs_kube_done_fn done, void *ud)
{
	struct fs_kube_call *call = fs_xcalloc(1, sizeof(*call));
	call->client = c;
	call->method = fs_xstrdup(method);
	bool dots = has_dot_segment(path);
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "%s%s%s%s", c->server, path, query && query[0] ? "?" : "",
		      query ? query : "");
	call->url = fs_buf_detach(&b);
	fs_buf_printf(&b, "%s %s", method, path);
	call->what = fs_buf_detach(&b);
	free(path);
	call->body = body;
	call->content_type = content_type ? fs_xstrdup(content_type) : NULL;
	call->flags = flags;
	call->idempotent = strcmp(method, "POST") && strcmp(method, "PATCH");
	call->done = done;
	call->ud = ud;
	call->next = c->calls;
	if (c->calls)
		c->calls->prev = call;
	c->calls = call;
	call->max_body = c->max_object_bytes;
	call->max_body_what = "one object";
	call->dots = dots;
	return call;
}

struct fs_kube_call *
fs_kube_call_go(struct fs_kube_call *call)
{
	struct fs_kube_client *c = call->client;
	if (call->dots) {
		call->timer = fs_timer_start(c->loop, NULL, 0, 0, call_on_dot_segment, call);
		return call;
	}
	if ((call->flags & FS_KUBE_LEADER_ONLY) && c->fenced) {
		call->timer = fs_timer_start(c->loop, NULL, 0, 0, call_on_refused, call);
		return call;
	}
	limiter_enqueue(call);
	return call;
}

struct fs_kube_call *
fs_kube_call_start(struct fs_kube_client *c, const char *method,
		   char *path, const char *query, char *body,
		   const char *content_type, uint32_t flags,
		   fs_kube_done_fn done, void *ud)
{
	return fs_kube_call_go(fs_kube_call_new(c, method, path, query, body,
						content_type, flags, done, ud));
}

void
fs_kube_call_cancel(struct fs_kube_call *call)
{
	if (call->http) {
		fs_http_cancel(call->http); /* runs call_on_http -> finish */
		return;
	}
	call_finish(call, FS_E_CANCELED, 0,
		    call->cancel_reason ? call->cancel_reason : "canceled", NULL);
}

void
fs_kube_client_fence_at(struct fs_kube_client *c, int64_t until_ms)
{
	c->fence_at_ms = until_ms;
}

void
fs_kube_client_fence(struct fs_kube_client *c, bool fenced)
{
	c->fenced = fenced;
	if (!fenced)
		return;
	for (;;) {
		struct fs_kube_call *call = c->calls;
		while (call && (!(call->flags & FS_KUBE_LEADER_ONLY) || call->fencing))
			call = call->next;
		if (!call)
			break;
		call->fencing = true;
		call->cancel_reason = "canceled: leadership was lost";
		fs_kube_call_cancel(call);
	}
}

enum fs_code
fs_kube_wait(struct fs_kube_call *call, cJSON **out, char **err)
{
	if (out)
		*out = NULL;
	if (err)
		*err = NULL;
	if (call->done) {
		if (err)
			*err = fs_xstrdup("fs_kube_wait: the call has a callback");
		return FS_E_INVAL;
	}
	if (ev_depth(call->client->loop) > 0) {
		/* from a callback of the loop: running it again here would run
		 * every other watcher in the middle of that callback */
		if (err)
			*err = fs_xstrdup("fs_kube_wait: called from inside the event "
					  "loop; use the call's callback");
		fs_kube_call_cancel(call);
		return FS_E_NOTSUP;
	}
	while (!call->finished)
		ev_run(call->client->loop, EVRUN_ONCE);
	enum fs_code code = call->result_code;
	if (out) {
		*out = call->result_obj;
		call->result_obj = NULL;
	}
	if (err && call->result_error) {
		*err = call->result_error;
		call->result_error = NULL;
	}
	call_free(call);
	return code;
}
