/*
 * net/http.c - the life of one asynchronous HTTP request: creating the
 * curl easy handle (options come from http_setup.c), collecting headers,
 * trailers and body, completing it exactly once (done, then free),
 * cancel and wait.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "net/net_internal.h"
#include "util/log.h"

#define FS_HTTP_MAX_BODY ((size_t)1 << 30) /* buffered responses */
#define FS_HTTP_CONNECT_TIMEOUT_MS 10000L   /* when the request says 0 */

/* ------------------------------------------------------------ headers */

static void
add_header(struct fs_http *h, const char *name, size_t nlen, const char *val,
	   size_t vlen)
{
	struct fs_http_hdr *e;

	if (h->n_hdrs == h->cap_hdrs) {
		h->cap_hdrs = h->cap_hdrs ? h->cap_hdrs * 2 : 16;
		h->hdrs = fs_xrealloc(h->hdrs, h->cap_hdrs * sizeof(*h->hdrs));
	}
	e = &h->hdrs[h->n_hdrs++];
	e->name = (uint32_t)h->hstore.len;
	for (size_t i = 0; i < nlen; i++)
		fs_buf_addc(&h->hstore, (char)tolower((unsigned char)name[i]));
	fs_buf_addc(&h->hstore, '\0');
	e->value = (uint32_t)h->hstore.len;
	fs_buf_add(&h->hstore, val, vlen);
	fs_buf_addc(&h->hstore, '\0');
}

/* the collected headers as fs_kv (caller frees); valid while hstore is
 * not appended to */
static struct fs_kv *
header_view(const struct fs_http *h)
{
	struct fs_kv *kv = fs_xcalloc(h->n_hdrs ? h->n_hdrs : 1, sizeof(*kv));

	for (uint32_t i = 0; i < h->n_hdrs; i++) {
		kv[i].key = h->hstore.data + h->hdrs[i].name;
		kv[i].value = h->hstore.data + h->hdrs[i].value;
	}
	return kv;
}

static void
deliver_head(struct fs_http *h)
{
	struct fs_kv *kv;

	h->head_seen = true;
	if (!h->on_head)
		return;
	kv = header_view(h);
	h->on_head(h->ud, h->status, kv, h->n_hdrs);
	free(kv);
}

/* CURLOPT_HEADERFUNCTION: status lines, headers, the blank line, and for
 * HTTP/2 the trailers after the body */
static size_t
on_header(char *p, size_t size, size_t nitems, void *ud)
{
	struct fs_http *h = ud;
	size_t n = size * nitems, len = n;
	const char *colon, *v, *end;

	if (h->canceled)
		return 0;
	while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		/* a new response head (after 1xx): start over */
		const char *sp = memchr(p, ' ', len);
		h->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		h->n_hdrs = 0;
		fs_buf_reset(&h->hstore);
		h->in_trailers = false;
		return n;
	}
	if (len == 0) {
		if (!h->in_trailers && h->status >= 200) {
			h->in_trailers = true;
			deliver_head(h);
		}
		return h->canceled ? 0 : n;
	}
	colon = memchr(p, ':', len);
	if (!colon || colon == p)
		return n; /* not a header line: ignore */
	v = colon + 1;
	end = p + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	add_header(h, p, (size_t)(colon - p), v, (size_t)(end - v));
	return n;
}

/* CURLOPT_WRITEFUNCTION */
static size_t
on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct fs_http *h = ud;
	size_t n = size * nmemb;

	if (h->canceled || h->aborted)
		return 0;
	if (!h->head_seen)
		deliver_head(h);
	if (h->on_data) {
		if (h->on_data(h->ud, p, n) != n)
			h->aborted = true;
		return h->aborted || h->canceled ? 0 : n;
	}
	size_t max = h->max_body ? h->max_body : FS_HTTP_MAX_BODY;
	if (h->body.len + n > max) {
		/* said in finish: curl writes its own text into errbuf */
		h->too_big = true;
		h->aborted = true;
		return 0;
	}
	fs_buf_add(&h->body, p, n);
	return n;
}

/* ------------------------------------------------------------ completion */

void
fs_http_free(struct fs_http *h)
{
	ev_timer_stop(h->net->loop, &h->deadline);
	if (h->easy)
		curl_easy_cleanup(h->easy);
	curl_slist_free_all(h->slist);
	fs_buf_release(&h->body);
	fs_buf_release(&h->hstore);
	free(h->hdrs);
	free(h->url);
	free(h->shown);
	free(h);
}

/* An h2c follower that got no response at all (its origin's connection
 * had gone, and plain HTTP/2 on a new connection means an HTTP/1.1
 * upgrade the server refuses) runs once more, opening the connection with
 * prior knowledge. See h2c.c. */
static bool
h2c_retry(struct fs_http *h, CURLcode rc)
{
	long version;

	if (!h->h2c || h->h2c_opener || h->h2c_retried || h->canceled ||
	    h->aborted || rc == CURLE_OK || rc == CURLE_OPERATION_TIMEDOUT ||
	    h->status >= 200 || fs_net_in_curl(h->net))
		return false;
	h->h2c_retried = true;
	fs_net_h2c_done(h->net, h->url, false, FS_E_NET, 0); /* the origin is down */
	version = fs_net_h2c_version(h->net, h->url, &h->h2c_opener);
	curl_easy_setopt(h->easy, CURLOPT_HTTP_VERSION, version);
	curl_easy_setopt(h->easy, CURLOPT_FRESH_CONNECT, h->h2c_opener ? 1L : 0L);
	h->n_hdrs = 0;
	h->status = 0;
	h->in_trailers = h->head_seen = false;
	h->errbuf[0] = '\0';
	fs_buf_reset(&h->hstore);
	fs_buf_reset(&h->body);
	fs_debug("net", "%s %s: no HTTP/2 answer on a reused origin (%s); "
		 "retrying on a new h2c connection", h->method, h->shown,
		 curl_easy_strerror(rc));
	return fs_net_readd(h) == FS_OK;
}

void
fs_http_finish(struct fs_http *h, CURLcode rc)
{
	struct fs_http_response r = {.struct_size = sizeof(r)};
	struct fs_buf err = FS_BUF_INIT;
	struct fs_kv *kv;
	long connects = 0, status = 0;

	if (h2c_retry(h, rc))
		return;
	fs_net_remove(h);
	h->finishing = true;
	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(h->easy, CURLINFO_NUM_CONNECTS, &connects);
	h->net->connects += (uint64_t)connects;
	r.status = status ? status : h->status;
	if (h->timed_out) {
		r.code = FS_E_TIMEOUT;
		fs_buf_printf(&err, "%s %s: timed out after %u ms", h->method,
			      h->shown, h->timeout_ms);
	} else if (h->canceled) {
		r.code = FS_E_CANCELED;
		fs_buf_printf(&err, "%s %s: canceled", h->method, h->shown);
	} else if (h->aborted) {
		r.code = h->on_data ? FS_E_CANCELED : FS_E_RANGE;
		if (h->too_big)
			fs_buf_printf(&err, "%s %s: response body is larger than %zu bytes, "
				      "the most accepted for %s", h->method, h->shown,
				      h->max_body ? h->max_body : FS_HTTP_MAX_BODY,
				      h->max_body_what ? h->max_body_what : "one response");
		else
			fs_buf_printf(&err, "%s %s: %s", h->method, h->shown,
				      h->on_data ? "aborted by the data callback" : h->errbuf);
	} else if (rc != CURLE_OK) {
		r.code = fs_http_code(rc);
		fs_buf_printf(&err, "%s %s: %s", h->method, h->shown,
			      curl_easy_strerror(rc));
		if (h->errbuf[0])
			fs_buf_printf(&err, " (%s)", h->errbuf);
	} else {
		r.code = FS_OK;
	}
	r.error = r.code == FS_OK ? NULL : err.data;
	r.body = h->body.data;
	r.body_len = h->body.len;
	kv = header_view(h);
	r.headers = kv;
	r.n_headers = h->n_hdrs;
	r.elapsed_ms = (uint32_t)(fs_now_ms() - h->start_ms);
	if (h->h2c) {
		long version = 0;
		curl_easy_getinfo(h->easy, CURLINFO_HTTP_VERSION, &version);
		/* a dropped connection: the next request opens a new one */
		fs_net_h2c_done(h->net, h->url, h->h2c_opener,
				h->h2c_dropped ? FS_E_NET : r.code, version);
	}
	if (r.code != FS_OK)
		fs_debug("net", "%s", r.error);
	else
		fs_trace("net", "%s %s: %ld in %u ms", h->method, h->shown, r.status,
			 r.elapsed_ms);
	if (h->waiter)
		(*h->waiter)--;
	h->done(h->ud, &r);
	free(kv);
	fs_buf_release(&err);
	fs_http_free(h);
}

/* ------------------------------------------------------------ start */

/* url with any user:password@ replaced by "REDACTED@": what messages and
 * logs show (a credential in a server URL is never printed); caller frees */
char *
fs_net_url_redact(const char *url)
{
	const char *scheme = strstr(url, "://");
	const char *host = scheme ? scheme + 3 : url;
	size_t hostlen = strcspn(host, "/?#");
	const char *at = memchr(host, '@', hostlen);
	if (!at)
		return fs_xstrdup(url);
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "%.*sREDACTED%s", (int)(host - url), url, at);
	return fs_buf_detach(&b);
}

static struct fs_http *
create(struct fs_net *n, struct fs_owner *owner, const char *what, char *url,
       fs_http_done_fn done, void *ud)
{
	struct fs_http *h;

	if (owner && owner->closing) {
		char *shown = fs_net_url_redact(url);
		fs_debug("net", "%s: not started: its owner is closing", shown);
		free(shown);
		free(url);
		return NULL;
	}
	h = fs_xcalloc(1, sizeof(*h));
	h->net = n;
	h->own.owner = owner; /* linked in launch, once it is live */
	h->url = url;
	h->shown = fs_net_url_redact(url);
	h->method = what;
	h->done = done;
	h->ud = ud;
	h->start_ms = fs_now_ms();
	fs_buf_init(&h->body);
	fs_buf_init(&h->hstore);
	if (!(h->easy = curl_easy_init())) {
		fs_error("net", "%s: cannot create a curl handle", h->shown);
		fs_http_free(h);
		return NULL;
	}
	curl_easy_setopt(h->easy, CURLOPT_URL, url);
	/* the path as given: no squashing of "/../" onto another object */
	curl_easy_setopt(h->easy, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(h->easy, CURLOPT_PRIVATE, (char *)h);
	curl_easy_setopt(h->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(h->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	/* notice a vanished peer on an idle kept-alive connection within
	 * about a minute (15 s idle, then probes every 5 s) */
	curl_easy_setopt(h->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h->easy, CURLOPT_TCP_KEEPIDLE, 15L);
	curl_easy_setopt(h->easy, CURLOPT_TCP_KEEPINTVL, 5L);
	curl_easy_setopt(h->easy, CURLOPT_MAXAGE_CONN, 120L);
	return h;
}

static void
on_deadline(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fs_http *h = (struct fs_http *)((char *)w - offsetof(struct fs_http, deadline));

	(void)loop;
	(void)revents;
	h->timed_out = true;
	fs_http_cancel(h);
}

static struct fs_http *
launch(struct fs_http *h)
{
	if (h->timeout_ms) {
		/* a little after curl's own timeout, which normally fires first */
		ev_timer_init(&h->deadline, on_deadline, (h->timeout_ms + 250) / 1000.0, 0.);
		ev_timer_start(h->net->loop, &h->deadline);
	}
	fs_net_link(h);
	fs_owned_link(h->own.owner, &h->own, FS_OWNED_HTTP);
	if (fs_net_add(h) != FS_OK) {
		fs_net_remove(h);
		fs_http_free(h);
		return NULL;
	}
	return h;
}

struct fs_http *
fs_http_start_ex(struct fs_net *n, struct fs_owner *owner,
		 const struct fs_http_request *in, const struct fs_http_ex *ex,
		 fs_http_done_fn done, void *ud)
{
	/* ABI: a plugin built against older headers passes a smaller struct;
	 * read what it has and treat the fields it lacks as zero. */
	const size_t size_1_0 = offsetof(struct fs_http_request, key_file) +
				sizeof(in->key_file);
	struct fs_http_request copy = {0};
	const struct fs_http_request *req = &copy;
	struct fs_http *h;
	CURL *e;
	char *url;
	bool ok = true;
	long version = CURL_HTTP_VERSION_1_1;

	if (!n || !in || !done || in->struct_size < size_1_0 || !in->url) {
		fs_error("net", "http request: expected a request with struct_size >= %zu "
			 "(ABI 1.0), a url and a done callback, got struct_size %u",
			 size_1_0, in ? (unsigned)in->struct_size : 0u);
		return NULL;
	}
	memcpy(&copy, in, in->struct_size < sizeof(copy) ? in->struct_size : sizeof(copy));
	copy.struct_size = sizeof(copy);
	if (!(url = fs_http_compose_url(n, req))) {
		fs_error("net", "%s: no API server configured for an API server request",
			 req->url);
		return NULL;
	}
	if (!(h = create(n, owner, "GET", url, done, ud)))
		return NULL;
	e = h->easy;
	if (ex) {
		h->on_data = ex->on_data;
		h->on_head = ex->on_head;
		h->max_body = ex->max_body;
		h->max_body_what = ex->max_body_what;
	}
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 req->connect_timeout_ms ? (long)req->connect_timeout_ms
						 : FS_HTTP_CONNECT_TIMEOUT_MS);
	if (req->timeout_ms)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)req->timeout_ms);
	h->timeout_ms = req->timeout_ms;
	if (ex && ex->low_speed_time > 0) {
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, ex->low_speed_limit);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, ex->low_speed_time);
	}
	if (req->flags & FS_HTTP_H2_PRIOR_KNOWLEDGE) {
		h->h2c = true;
		version = fs_net_h2c_version(n, h->url, &h->h2c_opener);
		if (h->h2c_opener)
			curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	} else if (req->flags & FS_HTTP_H2)
		version = CURL_HTTP_VERSION_2TLS;
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, version);
	/* wait for a connection being set up to multiplex on it instead of
	 * opening one per request */
	if (version != CURL_HTTP_VERSION_1_1)
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	ok &= fs_http_set_method_body(h, req);
	ok &= fs_http_set_headers(h, req);
	ok &= fs_http_set_tls(h, req, ex);
	if (!ok) {
		fs_error("net", "%s %s: cannot set up the request (bad header, "
			 "method or TLS option)", h->method, h->shown);
		fs_http_free(h);
		return NULL;
	}
	return launch(h);
}

struct fs_http *
fs_http_start(struct fs_net *n, struct fs_owner *owner,
	      const struct fs_http_request *req, fs_http_done_fn done, void *ud)
{
	return fs_http_start_ex(n, owner, req, NULL, done, ud);
}

struct fs_http *
fs_http_start_connect(struct fs_net *n, struct fs_owner *owner, const char *url,
		      uint32_t timeout_ms, fs_http_done_fn done, void *ud)
{
	struct fs_http *h = create(n, owner, "connect", fs_xstrdup(url), done, ud);

	if (!h)
		return NULL;
	h->connect_only = true;
	curl_easy_setopt(h->easy, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(h->easy, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(h->easy, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(h->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h->easy, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	return launch(h);
}

void
fs_http_cancel(struct fs_http *h)
{
	if (!h || h->finishing)
		return;
	if (fs_net_in_curl(h->net)) {
		fs_net_cancel_later(h);
		return;
	}
	h->canceled = true;
	fs_http_finish(h, CURLE_ABORTED_BY_CALLBACK);
}

void
fs_net_cancel(struct fs_net *n, struct fs_http *h)
{
	if (n && h && fs_net_is_live(n, h))
		fs_http_cancel(h);
}

static void
wait_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

enum fs_code
fs_http_wait(struct fs_net *n, struct fs_http *const *reqs, size_t count,
	     int64_t deadline_ms)
{
	int remaining = 0;
	ev_timer deadline;

	if (fs_net_in_curl(n)) {
		fs_error("net", "fs_http_wait called from a data callback; not waiting");
		return FS_E_NOTSUP;
	}
	if (ev_depth(n->loop) > 0) {
		/* a callback of this loop is on the stack: running the loop
		 * again would run every other watcher of it in the middle of
		 * that callback */
		fs_error("net", "fs_http_wait inside a callback of the loop it would "
			 "run; not waiting (wait on a pool of a private loop)");
		return FS_E_NOTSUP;
	}
	for (size_t i = 0; i < count; i++) {
		if (reqs[i] && fs_net_is_live(n, reqs[i]) && !reqs[i]->waiter) {
			reqs[i]->waiter = &remaining;
			remaining++;
		}
	}
	ev_init(&deadline, wait_tick);
	while (remaining > 0) {
		int64_t left = deadline_ms - fs_now_ms();

		if (left <= 0)
			break;
		ev_timer_stop(n->loop, &deadline);
		ev_now_update(n->loop);
		ev_timer_set(&deadline, (double)left / 1000.0, 0.0);
		ev_timer_start(n->loop, &deadline);
		ev_run(n->loop, EVRUN_ONCE);
	}
	ev_timer_stop(n->loop, &deadline);
	for (size_t i = 0; i < count && remaining > 0; i++) {
		struct fs_http *h = reqs[i];

		if (!h || !fs_net_is_live(n, h) || h->waiter != &remaining)
			continue;
		/* an h2c stream that got no answer in time: its connection may
		 * be dead (a peer that vanished without a FIN); let it close once
		 * its last stream is gone instead of reusing it next cycle */
		if (h->h2c) {
			curl_easy_setopt(h->easy, CURLOPT_FORBID_REUSE, 1L);
			h->h2c_dropped = true;
		}
		fs_http_cancel(h);
	}
	return FS_OK;
}
