/*
 * testapi/certs.h - throw-away PKI for --tls, made with the openssl
 * command: a CA, a server certificate for 127.0.0.1/localhost and a client
 * certificate (CN fedstate-test-client), all valid for one day.
 */
#ifndef TA_CERTS_H
#define TA_CERTS_H

#include <stdbool.h>

/* writes ca.crt ca.key server.crt server.key client.crt client.key into
 * dir (created when missing); false with *err on failure */
bool ta_certs_make(const char *dir, char **err);
/* base64 of a file's bytes (caller frees), NULL when unreadable */
char *ta_file_base64(const char *path);

#endif
