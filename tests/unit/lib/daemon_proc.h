/*
 * tests/unit/lib/daemon_proc.h - run a FedState daemon (`fedstate
 * scheduler`, `fedstate ops`) as a child process against a test API
 * server (testapi_proc.h), and seed that server with objects from files
 * as an admin would (create, then /status for objects that carry one).
 * Blocking helpers; every wait is bounded.
 */
#ifndef TESTS_DAEMON_PROC_H
#define TESTS_DAEMON_PROC_H

#include <stdbool.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "testapi_proc.h"

struct dm_proc {
	pid_t pid;
	char log[160]; /* its stdout+stderr */
};

/* Start build/bin/fedstate with argv (NULL-terminated, after "fedstate"),
 * its output to a log file in the server's temp dir. false when it could
 * not be started. */
bool dm_start(struct dm_proc *d, const struct ta_proc *api, const char *name,
	      const char *const *argv);
/* true while it runs */
bool dm_alive(struct dm_proc *d);
/* SIGTERM, wait up to ms, then SIGKILL; the exit status as waitpid gives
 * it (-1 when it had to be killed). */
int dm_stop(struct dm_proc *d, int ms);
/* stop every daemon still running (a teardown after a failed test) */
void dm_stop_all(void);
/* print the log (when a test fails) */
void dm_dump(const struct dm_proc *d);
/* SIGKILL and reap: a crash, for restart tests */
void dm_kill9(struct dm_proc *d);
/* the log so far (caller frees); NULL when there is none */
char *dm_log(const struct dm_proc *d);
/* the port of the n-th (0-based) "(port N)" in the log (the endpoints'
 * "listening on ... (port N)" lines need -v 1 or more); 0 when none */
int dm_port(const struct dm_proc *d, int n);

/* Create every object of a YAML/JSON file on the server (namespaces they
 * need too); objects with a status get it through /status afterwards.
 * Returns how many were created; fails the test on a refused one. */
int dm_seed_file(const struct ta_proc *api, const char *path);
/* the collection path of obj ("/apis/g/v/namespaces/ns/plural"): plural
 * is the lower-cased kind + "s" */
void dm_path_of(const cJSON *obj, char *out, size_t n, bool item);

/* run cmd with sh -c; its stdout (caller frees; "" when none), *status
 * (may be NULL) the status pclose gives */
char *dm_capture(const char *cmd, int *status);

/* GET path as JSON (caller frees); NULL on failure */
cJSON *dm_get_json(const struct ta_proc *api, const char *path);

#endif
