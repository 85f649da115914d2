/*
 * net/http.c - one asynchronous HTTP request: building the curl easy
 * handle, collecting headers, trailers and body, and completing it
 * exactly once (done, then free).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "net/net_internal.h"
#include "util/log.h"

#define FS_HTTP_MAX_BODY ((size_t)1 << 30) /* buffered responses */
#define FS_HTTP_CONNECT_TIMEOUT_MS 10000L   /* when the request says 0 */

static struct {
	char *base;          /* without the trailing '/' */
	struct fs_http_ex auth; /* blobs and token owned */
} api;

static bool warned_insecure;

enum fs_code
fs_http_code(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:
		return FS_OK;
	case CURLE_OPERATION_TIMEDOUT:
		return FS_E_TIMEOUT;
	case CURLE_ABORTED_BY_CALLBACK:
		return FS_E_CANCELED;
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_BAD_FUNCTION_ARGUMENT:
		return FS_E_INVAL;
	case CURLE_OUT_OF_MEMORY:
		return FS_E_NOMEM;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
		return FS_E_TLS;
	default:
		return FS_E_NET;
	}
}

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
	if (h->body.len + n > FS_HTTP_MAX_BODY) {
		snprintf(h->errbuf, sizeof(h->errbuf),
			 "response body exceeds %zu bytes", FS_HTTP_MAX_BODY);
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
	if (h->easy)
		curl_easy_cleanup(h->easy);
	curl_slist_free_all(h->slist);
	fs_buf_release(&h->body);
	fs_buf_release(&h->hstore);
	free(h->hdrs);
	free(h->url);
	free(h);
}

void
fs_http_finish(struct fs_http *h, CURLcode rc)
{
	struct fs_http_response r = {.struct_size = sizeof(r)};
	struct fs_buf err = FS_BUF_INIT;
	struct fs_kv *kv;
	long connects = 0, status = 0;

	fs_net_remove(h);
	h->finishing = true;
	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(h->easy, CURLINFO_NUM_CONNECTS, &connects);
	fs_net_count((uint64_t)connects);
	r.status = status ? status : h->status;
	if (h->canceled) {
		r.code = FS_E_CANCELED;
		fs_buf_printf(&err, "%s %s: canceled", h->method, h->url);
	} else if (h->aborted) {
		r.code = h->on_data ? FS_E_CANCELED : FS_E_RANGE;
		fs_buf_printf(&err, "%s %s: %s", h->method, h->url,
			      h->on_data ? "aborted by the data callback" : h->errbuf);
	} else if (rc != CURLE_OK) {
		r.code = fs_http_code(rc);
		fs_buf_printf(&err, "%s %s: %s", h->method, h->url,
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
		fs_net_h2c_done(h->url, h->h2c_opener, r.code, version);
	}
	if (h->waiter)
		(*h->waiter)--;
	h->done(h->ud, &r);
	free(kv);
	fs_buf_release(&err);
	fs_http_free(h);
}

/* ------------------------------------------------------------ start */

static bool
set_blob(CURL *e, CURLoption opt, const char *p, size_t len)
{
	struct curl_blob b = {.data = (void *)p, .len = len, .flags = CURL_BLOB_COPY};

	return curl_easy_setopt(e, opt, &b) == CURLE_OK;
}

static bool
header_ok(const char *s)
{
	return s && !strpbrk(s, "\r\n") && strchr(s, ':');
}

static char *
compose_url(const struct fs_http_request *req)
{
	struct fs_buf b = FS_BUF_INIT;

	if (!(req->flags & FS_HTTP_API_SERVER))
		return fs_xstrdup(req->url);
	if (!api.base)
		return NULL;
	fs_buf_adds(&b, api.base);
	if (req->url[0] != '/')
		fs_buf_addc(&b, '/');
	fs_buf_adds(&b, req->url);
	return fs_buf_detach(&b);
}

/* TLS material and credentials: the request's own first, then the API
 * server's for FS_HTTP_API_SERVER requests */
static bool
set_tls(struct fs_http *h, const struct fs_http_request *req,
	const struct fs_http_ex *ex)
{
	static const struct fs_http_ex none;
	const struct fs_http_ex *a = (req->flags & FS_HTTP_API_SERVER) ? &api.auth : &none;
	CURL *e = h->easy;
	bool ok = true, insecure;
	const char *token;

	if (!ex)
		ex = &none;
	if (req->ca_file)
		ok &= curl_easy_setopt(e, CURLOPT_CAINFO, req->ca_file) == CURLE_OK;
	else if (ex->ca_pem || a->ca_pem)
		ok &= ex->ca_pem ? set_blob(e, CURLOPT_CAINFO_BLOB, ex->ca_pem, ex->ca_pem_len)
				 : set_blob(e, CURLOPT_CAINFO_BLOB, a->ca_pem, a->ca_pem_len);
	if (req->cert_file)
		ok &= curl_easy_setopt(e, CURLOPT_SSLCERT, req->cert_file) == CURLE_OK;
	else if (ex->cert_pem || a->cert_pem)
		ok &= ex->cert_pem ? set_blob(e, CURLOPT_SSLCERT_BLOB, ex->cert_pem, ex->cert_pem_len)
				   : set_blob(e, CURLOPT_SSLCERT_BLOB, a->cert_pem, a->cert_pem_len);
	if (req->key_file)
		ok &= curl_easy_setopt(e, CURLOPT_SSLKEY, req->key_file) == CURLE_OK;
	else if (ex->key_pem || a->key_pem)
		ok &= ex->key_pem ? set_blob(e, CURLOPT_SSLKEY_BLOB, ex->key_pem, ex->key_pem_len)
				  : set_blob(e, CURLOPT_SSLKEY_BLOB, a->key_pem, a->key_pem_len);
	token = ex->bearer_token ? ex->bearer_token : a->bearer_token;
	if (token) {
		ok &= curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER) == CURLE_OK;
		ok &= curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, token) == CURLE_OK;
	}
	insecure = (req->flags & FS_HTTP_INSECURE) || ex->insecure || a->insecure;
	if (insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
		if (!warned_insecure)
			fs_warn("net", "%s: TLS verification is disabled (insecure); "
				"peers are not authenticated", h->url);
		warned_insecure = true;
	}
	return ok;
}

static bool
set_method_body(struct fs_http *h, const struct fs_http_request *req)
{
	CURL *e = h->easy;
	const char *m = req->method ? req->method : "GET";
	bool ok = true;

	if (req->body || strcmp(m, "POST") == 0) {
		ok &= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
				       (curl_off_t)(req->body ? req->body_len : 0)) == CURLE_OK;
		ok &= curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS,
				       req->body ? (const char *)req->body : "") == CURLE_OK;
		if (strcmp(m, "POST") != 0)
			ok &= curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m) == CURLE_OK;
	} else if (strcmp(m, "HEAD") == 0) {
		ok &= curl_easy_setopt(e, CURLOPT_NOBODY, 1L) == CURLE_OK;
	} else if (strcmp(m, "GET") != 0) {
		ok &= curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m) == CURLE_OK;
	}
	h->method = strcmp(m, "GET") == 0 ? "GET" : strcmp(m, "POST") == 0 ? "POST"
		  : strcmp(m, "PUT") == 0 ? "PUT" : strcmp(m, "PATCH") == 0 ? "PATCH"
		  : strcmp(m, "DELETE") == 0 ? "DELETE" : strcmp(m, "HEAD") == 0 ? "HEAD"
		  : "request";
	return ok;
}

static bool
set_headers(struct fs_http *h, const struct fs_http_request *req)
{
	/* no "Expect: 100-continue" round trip for bodies */
	h->slist = curl_slist_append(NULL, "Expect:");
	for (const char *const *p = req->headers; p && *p; p++) {
		struct curl_slist *n;

		if (!header_ok(*p)) {
			fs_error("net", "%s: header %u: expected \"Name: value\" "
				 "without line breaks", h->url,
				 (unsigned)(p - req->headers));
			return false;
		}
		if (!(n = curl_slist_append(h->slist, *p)))
			return false;
		h->slist = n;
	}
	return h->slist && curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, h->slist) == CURLE_OK;
}

static struct fs_http *
create(const char *what, char *url, fs_http_done_fn done, void *ud)
{
	struct fs_http *h;

	if (!fs_net_multi()) {
		free(url);
		return NULL;
	}
	h = fs_xcalloc(1, sizeof(*h));
	h->url = url;
	h->method = what;
	h->done = done;
	h->ud = ud;
	h->start_ms = fs_now_ms();
	fs_buf_init(&h->body);
	fs_buf_init(&h->hstore);
	if (!(h->easy = curl_easy_init())) {
		fs_error("net", "%s: cannot create a curl handle", url);
		fs_http_free(h);
		return NULL;
	}
	curl_easy_setopt(h->easy, CURLOPT_URL, url);
	curl_easy_setopt(h->easy, CURLOPT_PRIVATE, (char *)h);
	curl_easy_setopt(h->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(h->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h->easy, CURLOPT_MAXAGE_CONN, 120L);
	return h;
}

static struct fs_http *
launch(struct fs_http *h)
{
	fs_net_link(h);
	if (fs_net_add(h) != FS_OK) {
		fs_net_remove(h);
		fs_http_free(h);
		return NULL;
	}
	return h;
}

struct fs_http *
fs_http_start_ex(const struct fs_http_request *req, const struct fs_http_ex *ex,
		 fs_http_done_fn done, void *ud)
{
	struct fs_http *h;
	CURL *e;
	char *url;
	bool ok = true;
	long version = CURL_HTTP_VERSION_1_1;

	if (!req || !done || req->struct_size < sizeof(*req) || !req->url) {
		fs_error("net", "http request: expected a request with struct_size >= %zu, "
			 "a url and a done callback", sizeof(*req));
		return NULL;
	}
	if (!(url = compose_url(req))) {
		fs_error("net", "%s: no API server configured for an API server request",
			 req->url);
		return NULL;
	}
	if (!(h = create("GET", url, done, ud)))
		return NULL;
	e = h->easy;
	if (ex) {
		h->on_data = ex->on_data;
		h->on_head = ex->on_head;
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
	if (ex && ex->low_speed_time > 0) {
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, ex->low_speed_limit);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, ex->low_speed_time);
	}
	if (req->flags & FS_HTTP_H2_PRIOR_KNOWLEDGE) {
		h->h2c = true;
		version = fs_net_h2c_version(h->url, &h->h2c_opener);
		if (h->h2c_opener)
			curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	} else if (req->flags & FS_HTTP_H2)
		version = CURL_HTTP_VERSION_2TLS;
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, version);
	/* wait for a connection being set up to multiplex on it instead of
	 * opening one per request */
	if (version != CURL_HTTP_VERSION_1_1)
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	ok &= set_method_body(h, req);
	ok &= set_headers(h, req);
	ok &= set_tls(h, req, ex);
	if (!ok) {
		fs_error("net", "%s %s: cannot set up the request (bad header, "
			 "method or TLS option)", h->method, h->url);
		fs_http_free(h);
		return NULL;
	}
	return launch(h);
}

struct fs_http *
fs_http_start(const struct fs_http_request *req, fs_http_done_fn done, void *ud)
{
	return fs_http_start_ex(req, NULL, done, ud);
}

struct fs_http *
fs_http_start_connect(const char *url, uint32_t timeout_ms,
		      fs_http_done_fn done, void *ud)
{
	struct fs_http *h = create("connect", fs_xstrdup(url), done, ud);

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
	if (!h || !fs_net_is_live(h) || h->finishing)
		return;
	if (fs_net_in_curl()) {
		fs_net_cancel_later(h);
		return;
	}
	h->canceled = true;
	fs_http_finish(h, CURLE_ABORTED_BY_CALLBACK);
}

static void
wait_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

void
fs_http_wait(struct fs_http *const *reqs, size_t n, int64_t deadline_ms)
{
	int remaining = 0;
	ev_timer deadline;

	if (fs_net_in_curl()) {
		fs_error("net", "fs_http_wait called from a data callback; not waiting");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (reqs[i] && fs_net_is_live(reqs[i]) && !reqs[i]->waiter) {
			reqs[i]->waiter = &remaining;
			remaining++;
		}
	}
	ev_init(&deadline, wait_tick);
	while (remaining > 0) {
		int64_t left = deadline_ms - fs_now_ms();

		if (left <= 0)
			break;
		ev_timer_stop(fs_loop(), &deadline);
		ev_now_update(fs_loop());
		ev_timer_set(&deadline, (double)left / 1000.0, 0.0);
		ev_timer_start(fs_loop(), &deadline);
		ev_run(fs_loop(), EVRUN_ONCE);
	}
	ev_timer_stop(fs_loop(), &deadline);
	for (size_t i = 0; i < n && remaining > 0; i++)
		if (reqs[i] && fs_net_is_live(reqs[i]) && reqs[i]->waiter == &remaining)
			fs_http_cancel(reqs[i]);
}

/* ------------------------------------------------------------ API server */

static char *
dup_blob(const char *p, size_t len)
{
	return p ? fs_xstrndup(p, len) : NULL;
}

void
fs_http_set_api_server(const char *base_url, const struct fs_http_ex *auth)
{
	size_t n;

	free(api.base);
	free((char *)api.auth.ca_pem);
	free((char *)api.auth.cert_pem);
	if (api.auth.key_pem) /* key material: wipe before freeing */
		memset((char *)api.auth.key_pem, 0, api.auth.key_pem_len);
	free((char *)api.auth.key_pem);
	if (api.auth.bearer_token)
		memset((char *)api.auth.bearer_token, 0, strlen(api.auth.bearer_token));
	free((char *)api.auth.bearer_token);
	memset(&api, 0, sizeof(api));
	if (!base_url)
		return;
	n = strlen(base_url);
	while (n && base_url[n - 1] == '/')
		n--;
	api.base = fs_xstrndup(base_url, n);
	if (!auth)
		return;
	api.auth.ca_pem = dup_blob(auth->ca_pem, auth->ca_pem_len);
	api.auth.ca_pem_len = auth->ca_pem_len;
	api.auth.cert_pem = dup_blob(auth->cert_pem, auth->cert_pem_len);
	api.auth.cert_pem_len = auth->cert_pem_len;
	api.auth.key_pem = dup_blob(auth->key_pem, auth->key_pem_len);
	api.auth.key_pem_len = auth->key_pem_len;
	api.auth.bearer_token = auth->bearer_token ? fs_xstrdup(auth->bearer_token) : NULL;
	api.auth.insecure = auth->insecure;
}
