/*
 * net/http_setup.c - turning a struct fs_http_request (+ fs_http_ex) into
 * curl options: method and body, headers, TLS material and credentials,
 * the API server that FS_HTTP_API_SERVER requests resolve against; and
 * curl's result codes as ours.
 */
#include <stdlib.h>
#include <string.h>

#include "net/net_internal.h"
#include "util/log.h"

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

char *
fs_http_compose_url(const struct fs_net *n, const struct fs_http_request *req)
{
	struct fs_buf b = FS_BUF_INIT;

	if (!(req->flags & FS_HTTP_API_SERVER))
		return fs_xstrdup(req->url);
	if (!n->api.base)
		return NULL;
	fs_buf_adds(&b, n->api.base);
	if (req->url[0] != '/')
		fs_buf_addc(&b, '/');
	fs_buf_adds(&b, req->url);
	return fs_buf_detach(&b);
}

/* TLS material and credentials: the request's own first, then the API
 * server's for FS_HTTP_API_SERVER requests */
bool
fs_http_set_tls(struct fs_http *h, const struct fs_http_request *req,
	const struct fs_http_ex *ex)
{
	static const struct fs_http_ex none;
	const struct fs_http_ex *a = (req->flags & FS_HTTP_API_SERVER) ? &h->net->api.auth : &none;
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
		if (!h->net->warned_insecure)
			fs_warn("net", "%s: TLS verification is disabled (insecure); "
				"peers are not authenticated", h->shown);
		h->net->warned_insecure = true;
	}
	return ok;
}

bool
fs_http_set_method_body(struct fs_http *h, const struct fs_http_request *req)
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

bool
fs_http_set_headers(struct fs_http *h, const struct fs_http_request *req)
{
	/* no "Expect: 100-continue" round trip for bodies */
	h->slist = curl_slist_append(NULL, "Expect:");
	for (const char *const *p = req->headers; p && *p; p++) {
		struct curl_slist *n;

		if (!header_ok(*p)) {
			fs_error("net", "%s: header %u: expected \"Name: value\" "
				 "without line breaks", h->shown,
				 (unsigned)(p - req->headers));
			return false;
		}
		if (!(n = curl_slist_append(h->slist, *p)))
			return false;
		h->slist = n;
	}
	return h->slist && curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, h->slist) == CURLE_OK;
}

/* ------------------------------------------------------------ API server */

static char *
dup_blob(const char *p, size_t len)
{
	return p ? fs_xstrndup(p, len) : NULL;
}

void
fs_http_clear_api_server(struct fs_net *n)
{
	free(n->api.base);
	free((char *)n->api.auth.ca_pem);
	free((char *)n->api.auth.cert_pem);
	fs_free_secret((char *)n->api.auth.key_pem, n->api.auth.key_pem_len);
	if (n->api.auth.bearer_token)
		fs_free_secret((char *)n->api.auth.bearer_token,
			       strlen(n->api.auth.bearer_token));
	memset(&n->api, 0, sizeof(n->api));
}

void
fs_http_set_api_server(struct fs_net *n, const char *base_url,
		       const struct fs_http_ex *auth)
{
	size_t len;

	fs_http_clear_api_server(n);
	if (!base_url)
		return;
	len = strlen(base_url);
	while (len && base_url[len - 1] == '/')
		len--;
	n->api.base = fs_xstrndup(base_url, len);
	if (!auth)
		return;
	n->api.auth.ca_pem = dup_blob(auth->ca_pem, auth->ca_pem_len);
	n->api.auth.ca_pem_len = auth->ca_pem_len;
	n->api.auth.cert_pem = dup_blob(auth->cert_pem, auth->cert_pem_len);
	n->api.auth.cert_pem_len = auth->cert_pem_len;
	n->api.auth.key_pem = dup_blob(auth->key_pem, auth->key_pem_len);
	n->api.auth.key_pem_len = auth->key_pem_len;
	n->api.auth.bearer_token = auth->bearer_token ? fs_xstrdup(auth->bearer_token) : NULL;
	n->api.auth.insecure = auth->insecure;
}
