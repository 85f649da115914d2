/*
 * kube/config.h - where the API server is and how to authenticate to it:
 * kubeconfig files (--kubeconfig, KUBECONFIG with several files separated
 * by ':', --context) and in-cluster service-account configuration.
 *
 * Every credential is loaded into memory at load time (files are read,
 * *-data fields are base64-decoded) so the transport only handles blobs.
 * The token and the client key are secrets: nothing here logs them, and
 * callers must not either. TLS verification is on unless the kubeconfig
 * sets insecure-skip-tls-verify, which is logged as a warning.
 * Not thread-safe; a loaded config is immutable and may be shared.
 */
#ifndef FS_KUBE_CONFIG_H
#define FS_KUBE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <fedstate/status.h>

struct fs_kube_config {
	char *context;    /* context name; "in-cluster" for in-cluster config */
	char *source;     /* file that defined the context, for messages */
	char *server;     /* "https://host:port", no trailing '/' */
	char *namespace_; /* the context's namespace, "default" when unset */
	char *tls_server_name; /* tls-server-name as read; not applied by the transport yet */
	bool insecure;    /* insecure-skip-tls-verify */
	char *ca_pem;     /* CA bundle (PEM); NULL: the system store */
	size_t ca_pem_len;
	char *cert_pem;   /* client certificate (PEM), may be NULL */
	size_t cert_pem_len;
	char *key_pem;    /* client key (PEM, secret), may be NULL */
	size_t key_pem_len;
	char *token;      /* bearer token (secret), may be NULL */
	char *token_file; /* where the token came from, re-read on rotation */
};

struct fs_kube_config_opts {
	const char *kubeconfig; /* --kubeconfig; NULL: $KUBECONFIG, then ~/.kube/config */
	const char *context;    /* --context; NULL: current-context */
	bool in_cluster;        /* try in-cluster config when no kubeconfig exists */
	const char *sa_dir;     /* service-account dir; NULL: the standard one */
};

/* Load per `opts` (NULL: all defaults). On success *out is the caller's
 * (fs_kube_config_free). On failure returns FS_E_CONFIG / FS_E_NOTFOUND /
 * FS_E_IO and sets *err (caller frees) naming the file, context and field
 * at fault. */
enum fs_code fs_kube_config_load(const struct fs_kube_config_opts *opts,
				 struct fs_kube_config **out, char **err);

/* One kubeconfig document from memory (what the fuzzer drives). `name` is
 * the file name for messages and the base for relative paths (NULL: the
 * current directory). `context` NULL means current-context. */
enum fs_code fs_kube_config_parse(const char *text, size_t len,
				  const char *name, const char *context,
				  struct fs_kube_config **out, char **err);

/* In-cluster configuration from KUBERNETES_SERVICE_HOST/PORT and the
 * service-account files in sa_dir (NULL: /var/run/secrets/kubernetes.io/
 * serviceaccount). */
enum fs_code fs_kube_config_in_cluster(const char *sa_dir,
				       struct fs_kube_config **out, char **err);

void fs_kube_config_free(struct fs_kube_config *c); /* NULL-safe; wipes secrets */

/* base64 (standard alphabet, padding optional, whitespace ignored) into a
 * NUL-terminated buffer; NULL when malformed. Caller frees. */
char *fs_kube_base64_decode(const char *in, size_t *out_len);

#endif
