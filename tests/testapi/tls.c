/*
 * testapi/tls.c - OpenSSL server side, bound with dlopen (see tls.h).
 */
#include "tls.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "util/buf.h"

static struct {
	void *lib;
	const SSL_METHOD *(*server_method)(void);
	SSL_CTX *(*ctx_new)(const SSL_METHOD *);
	void (*ctx_free)(SSL_CTX *);
	int (*use_chain)(SSL_CTX *, const char *);
	int (*use_key)(SSL_CTX *, const char *, int);
	int (*load_verify)(SSL_CTX *, const char *, const char *);
	void (*set_verify)(SSL_CTX *, int, SSL_verify_cb);
	SSL *(*ssl_new)(SSL_CTX *);
	void (*ssl_free)(SSL *);
	int (*set_fd)(SSL *, int);
	void (*accept_state)(SSL *);
	int (*read)(SSL *, void *, int);
	int (*write)(SSL *, const void *, int);
	int (*get_error)(const SSL *, int);
	X509 *(*peer_cert)(const SSL *);
	long (*verify_result)(const SSL *);
	X509_NAME *(*subject)(const X509 *);
	int (*name_text)(const X509_NAME *, int, char *, int);
	void (*x509_free)(X509 *);
	unsigned long (*err_get)(void);
	void (*err_string)(unsigned long, char *, size_t);
} ssl;

struct ta_tls {
	SSL_CTX *ctx;
};

struct ta_tls_conn {
	SSL *ssl;
};

static bool
tls_bind(char **err)
{
	if (ssl.lib)
		return true;
	void *lib = dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		*err = fs_xstrdup("--tls: cannot load libssl.so.3 (install OpenSSL 3)");
		return false;
	}
#define BIND(field, name)                                                      \
	do {                                                                   \
		*(void **)(&ssl.field) = dlsym(lib, name);                     \
		if (!ssl.field) {                                              \
			*err = fs_xstrdup("--tls: libssl.so.3 lacks " name);   \
			return false;                                          \
		}                                                              \
	} while (0)
	BIND(server_method, "TLS_server_method");
	BIND(ctx_new, "SSL_CTX_new");
	BIND(ctx_free, "SSL_CTX_free");
	BIND(use_chain, "SSL_CTX_use_certificate_chain_file");
	BIND(use_key, "SSL_CTX_use_PrivateKey_file");
	BIND(load_verify, "SSL_CTX_load_verify_locations");
	BIND(set_verify, "SSL_CTX_set_verify");
	BIND(ssl_new, "SSL_new");
	BIND(ssl_free, "SSL_free");
	BIND(set_fd, "SSL_set_fd");
	BIND(accept_state, "SSL_set_accept_state");
	BIND(read, "SSL_read");
	BIND(write, "SSL_write");
	BIND(get_error, "SSL_get_error");
	BIND(peer_cert, "SSL_get1_peer_certificate");
	BIND(verify_result, "SSL_get_verify_result");
	BIND(subject, "X509_get_subject_name");
	BIND(name_text, "X509_NAME_get_text_by_NID");
	BIND(x509_free, "X509_free");
	BIND(err_get, "ERR_get_error");
	BIND(err_string, "ERR_error_string_n");
#undef BIND
	ssl.lib = lib;
	return true;
}

static char *
tls_err(const char *what, const char *file)
{
	char buf[256] = "unknown error";
	unsigned long e = ssl.err_get();
	if (e)
		ssl.err_string(e, buf, sizeof(buf));
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "--tls: %s %s: %s", what, file, buf);
	return fs_buf_detach(&b);
}

struct ta_tls *
ta_tls_new(const char *cert_file, const char *key_file,
	   const char *client_ca_file, char **err)
{
	if (!tls_bind(err))
		return NULL;
	SSL_CTX *ctx = ssl.ctx_new(ssl.server_method());
	if (!ctx) {
		*err = fs_xstrdup("--tls: SSL_CTX_new failed");
		return NULL;
	}
	if (ssl.use_chain(ctx, cert_file) != 1) {
		*err = tls_err("loading certificate", cert_file);
		goto fail;
	}
	if (ssl.use_key(ctx, key_file, SSL_FILETYPE_PEM) != 1) {
		*err = tls_err("loading key", key_file);
		goto fail;
	}
	if (client_ca_file) {
		if (ssl.load_verify(ctx, client_ca_file, NULL) != 1) {
			*err = tls_err("loading client CA", client_ca_file);
			goto fail;
		}
		ssl.set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	struct ta_tls *t = fs_xcalloc(1, sizeof(*t));
	t->ctx = ctx;
	return t;
fail:
	ssl.ctx_free(ctx);
	return NULL;
}

void
ta_tls_free(struct ta_tls *t)
{
	if (!t)
		return;
	ssl.ctx_free(t->ctx);
	free(t);
}

struct ta_tls_conn *
ta_tls_accept(struct ta_tls *t, int fd)
{
	SSL *s = ssl.ssl_new(t->ctx);
	if (!s)
		return NULL;
	ssl.set_fd(s, fd);
	ssl.accept_state(s);
	struct ta_tls_conn *c = fs_xcalloc(1, sizeof(*c));
	c->ssl = s;
	return c;
}

static ssize_t
tls_result(struct ta_tls_conn *c, int r)
{
	if (r > 0)
		return r;
	switch (ssl.get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	default:
		while (ssl.err_get())
			; /* a failed handshake (wrong CA, bad client cert) */
		return -2;
	}
}

ssize_t
ta_tls_read(struct ta_tls_conn *c, void *buf, size_t n)
{
	return tls_result(c, ssl.read(c->ssl, buf, n > 1 << 30 ? 1 << 30 : (int)n));
}

ssize_t
ta_tls_write(struct ta_tls_conn *c, const void *buf, size_t n)
{
	return tls_result(c, ssl.write(c->ssl, buf, n > 1 << 30 ? 1 << 30 : (int)n));
}

char *
ta_tls_peer_cn(struct ta_tls_conn *c)
{
	X509 *x = ssl.peer_cert(c->ssl);
	if (!x)
		return NULL;
	char cn[256] = "";
	char *out = NULL;
	if (ssl.verify_result(c->ssl) == X509_V_OK &&
	    ssl.name_text(ssl.subject(x), NID_commonName, cn, sizeof(cn)) > 0)
		out = fs_xstrdup(cn);
	ssl.x509_free(x);
	return out;
}

void
ta_tls_conn_free(struct ta_tls_conn *c)
{
	ssl.ssl_free(c->ssl);
	free(c);
}
