/*
 * tests/unit/lib/sched_fixture.h - the fixture of the `fedstate scheduler`
 * end-to-end suite (test_scheduler_e2e): fedstate-testapi seeded with the
 * demo fleet and every binding kind of config/samples as an admin would,
 * what `fedstate simulate` computes on the same objects, the real binary
 * as a child process (daemon_proc.h), and the readers and bounded waits
 * the tests compare the daemon's writes with.
 *
 * Helpers are blocking; every wait is a bounded poll; sf_teardown (and
 * sf_stop_daemons after each test) stops every process. Returned cJSON
 * trees and strings belong to the caller unless said borrowed; helpers
 * that fail an assertion fail the calling test (cmocka).
 */
#ifndef FS_TEST_SCHED_FIXTURE_H
#define FS_TEST_SCHED_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "daemon_proc.h"
#include "testapi_proc.h"

/* the demo's ResourceBindings */
#define SF_RB_PATH "/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings"

struct sf_fx {
	struct ta_proc api;
	cJSON *expected;    /* simulate's results on the demo; owned */
	char plugins[4096]; /* the absolute $FEDSTATE_BUILD/plugins */
};

/* cmocka group fixtures: the server, seeded, and simulate's results in
 * *state (a struct sf_fx); its stop (-1 when it did not exit cleanly) */
int sf_setup(void **state);
int sf_teardown(void **state);
/* per-test teardown: stop every daemon a failed test left running */
int sf_stop_daemons(void **state);

/* a loopback port free at the time of the call */
uint16_t sf_free_port(void);
/* fedstate simulate on the demo, as JSON; extra: more flags ("" for none) */
cJSON *sf_simulate(struct sf_fx *f, const char *extra);
/* `fedstate scheduler` on the sample config against the server, without
 * leader election, its endpoints on port; protect: --overcommit-protection.
 * simulate computes each binding on its own; so does the daemon without
 * its over-commit protection (which makes placements depend on the order
 * of a burst: test_assume covers it) */
bool sf_start_scheduler_with(struct sf_fx *f, struct dm_proc *d, const char *name,
			     uint16_t port, bool protect);
bool sf_start_scheduler(struct sf_fx *f, struct dm_proc *d, const char *name, uint16_t port);

/* o's member a, borrowed */
const cJSON *sf_item(const cJSON *o, const char *a);
/* the Scheduled condition of obj, borrowed; NULL when none */
const cJSON *sf_scheduled_condition(const cJSON *obj);
/* metadata.annotations[key] of obj, borrowed; NULL when absent */
const char *sf_annotation(const cJSON *obj, const char *key);
/* the object a simulate result names, from the server; NULL when absent */
cJSON *sf_fetch(struct sf_fx *f, const cJSON *result);

/* everything simulate placed shows its result; the rest its failure */
bool sf_converged(struct sf_fx *f);
/* poll sf_converged up to ms; false at once when d exits */
bool sf_wait_converged(struct sf_fx *f, struct dm_proc *d, int ms);
/* what the daemon wrote on o equals simulate's result r (a binding: its
 * clusters, Scheduled condition, observed generation; a middleware: its
 * schedulerResult); fails the test otherwise */
void sf_check_binding(const cJSON *r, const cJSON *o);
void sf_check_middleware(const cJSON *r, const cJSON *o);

/* Events with this reason about kind/name */
int sf_count_events(struct sf_fx *f, const char *reason, const char *kind, const char *name);
/* writes whose agent contains agent, Events excluded */
int sf_writes_by(struct sf_fx *f, const char *agent);
/* how many writes to binding `name` carried `agent` (NULL: any) */
int sf_writes_to(struct sf_fx *f, const char *name, const char *agent);

/* a copy of the demo's binding `src` named `name`, unscheduled, with
 * schedulerName scheduler (NULL: none); sf_create_rb copies
 * web-deployment */
void sf_copy_rb(struct sf_fx *f, const char *src, const char *name, const char *scheduler);
void sf_create_rb(struct sf_fx *f, const char *name, const char *scheduler);
/* binding `name` is Scheduled=True; sf_wait_scheduled polls up to ms */
bool sf_is_scheduled(struct sf_fx *f, const char *name);
bool sf_wait_scheduled(struct sf_fx *f, const char *name, int ms);
/* the Scheduled condition of binding `name` has this reason */
bool sf_reason_is(struct sf_fx *f, const char *name, const char *reason);
/* the replicas a spec.clusters list gives cluster `name` (0: none) */
int sf_replicas_on(const cJSON *clusters, const char *name);

/* the identity a daemon logged when it started leading into out; "" before */
void sf_leader_identity(const struct dm_proc *d, char *out, size_t n);
/* the scheduling cycles the daemon logged for queue key `key` */
int sf_cycles_of(const struct dm_proc *d, const char *key);
/* write text to path (fails the test when it cannot) */
void sf_write_file(const char *path, const char *text);
/* the contents of path (caller frees; "" when it cannot be read) */
char *sf_slurp(const char *path);

#endif
