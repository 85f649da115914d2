/*
 * tests/unit/lib/testapi_proc.h - run build/bin/fedstate-testapi on a free
 * loopback port for a test, and drive its fault injection (/_testapi/...).
 * Blocking helpers (libcurl easy); never call them from loop callbacks.
 */
#ifndef TESTS_TESTAPI_PROC_H
#define TESTS_TESTAPI_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ta_proc {
	pid_t pid;
	uint16_t port;
	bool tls;
	char dir[64];         /* private temp dir (kubeconfig, certificates) */
	char kubeconfig[128]; /* dir/kubeconfig */
	char base[64];        /* "http://127.0.0.1:PORT" */
};

/* Start the server with the FedState and Karmada fixture CRDs plus
 * `extra` arguments (NULL-terminated, may be NULL); "--tls" in extra
 * makes it serve HTTPS with certificates in dir. false when it did not
 * come up (the reason is on stderr). */
bool ta_proc_start(struct ta_proc *p, const char *const *extra);
/* POST /_testapi/<what> ("fail?status=500&count=2"); the HTTP status,
 * 0 when the server could not be reached */
long ta_proc_admin(const struct ta_proc *p, const char *what);
/* GET path; the body (caller frees) or NULL; *status gets the status */
char *ta_proc_get(const struct ta_proc *p, const char *path, long *status);
/* any request: method, path (with query), body (NULL: none) sent with
 * content_type, accept (NULL: default); the body (caller frees), *status
 * the status; headers (may be NULL) gets the response headers (caller
 * frees) */
char *ta_proc_request(const struct ta_proc *p, const char *method, const char *path,
		      const char *content_type, const char *body, const char *accept,
		      long *status, char **headers);
/* cmocka fixtures: a server (no extra arguments) in *state, and its stop
 * (-1 when it did not exit cleanly) */
int ta_proc_setup(void **state);
int ta_proc_teardown(void **state);
/* is a kubectl on PATH? */
bool ta_have_kubectl(void);
/* run `kubectl ARGS` against p (stdout and stderr into out); its exit
 * status, -1 when it did not exit */
int ta_proc_kubectl(const struct ta_proc *p, const char *args, char *out, size_t n);
/* a raw TCP connection to p, for hand-written HTTP; -1 on failure */
int ta_proc_dial(const struct ta_proc *p);
/* SIGTERM, wait, remove the temp dir; true when it exited cleanly */
bool ta_proc_stop(struct ta_proc *p);

#endif
