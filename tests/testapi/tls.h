/*
 * testapi/tls.h - server-side TLS for the test API server through the
 * system's OpenSSL (libssl.so.3), bound at run time with dlopen so the
 * build needs no extra link flags. Non-blocking sockets.
 */
#ifndef TA_TLS_H
#define TA_TLS_H

#include <stddef.h>
#include <sys/types.h>

struct ta_tls;
struct ta_tls_conn;

/* client_ca may be NULL (no client certificates asked for); when set,
 * a client certificate is requested and, when sent, verified against it. */
struct ta_tls *ta_tls_new(const char *cert_file, const char *key_file,
			  const char *client_ca_file, char **err);
void ta_tls_free(struct ta_tls *t);

struct ta_tls_conn *ta_tls_accept(struct ta_tls *t, int fd);
/* >0 bytes, 0 peer closed, -1 try again later, -2 fatal */
ssize_t ta_tls_read(struct ta_tls_conn *c, void *buf, size_t n);
ssize_t ta_tls_write(struct ta_tls_conn *c, const void *buf, size_t n);
/* the verified client certificate's CN (caller frees), NULL when none */
char *ta_tls_peer_cn(struct ta_tls_conn *c);
void ta_tls_conn_free(struct ta_tls_conn *c);

#endif
