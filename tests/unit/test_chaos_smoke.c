/*
 * test_chaos_smoke - a short run of the chaos campaign (tests/chaos/
 * run-chaos.sh, `make chaos`): the test API server, two schedulers and two
 * ops controllers with leader election (2 s leases), the C load driver and
 * eight seeded faults in a row of the schedule. Passes when the runner's
 * checker does and its figures say so: every binding settled, no lost,
 * double-bound, stale or non-leader write, the Duplicated bindings equal
 * to `fedstate simulate` on the final objects, no replica died of a signal
 * it was not sent, no sanitizer or crash report in any log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "lib/daemon_proc.h"
#include "lib/plugin_harness.h"

static void
test_short_campaign(void **state)
{
	(void)state;
	char out[] = "/tmp/fs-chaos-smoke-XXXXXX";
	int fd = mkstemp(out);
	assert_true(fd >= 0);
	char cmd[8192];
	const char *build = getenv("FEDSTATE_BUILD");
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && CHAOS_CLUSTERS=30 CHAOS_BINDINGS=150 CHAOS_MONGODBS=6 CHAOS_OPS=120 "
		 "CHAOS_SECONDS=5 CHAOS_LEASE=2 CHAOS_FAULTS=8 CHAOS_SEED=3 CHAOS_OUT=%s timeout 240 "
		 "sh tests/chaos/run-chaos.sh "
		 "'%s' 2>&1", ph_src_path("."), out, build && *build ? build : "build");
	int st = 0;
	char *log = dm_capture(cmd, &st);
	char *res = dm_capture((snprintf(cmd, sizeof cmd, "cat %s", out), cmd), NULL);
	remove(out);
	cJSON *r = cJSON_Parse(res);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || !r ||
	    !cJSON_IsTrue(cJSON_GetObjectItem(r, "passed")))
		fail_msg("the chaos smoke run failed (status %d):\n%s", st, log);
	assert_int_equal(cJSON_GetObjectItem(r, "unsettled_at_end")->valueint, 0);
	const cJSON *ck = cJSON_GetObjectItem(r, "check");
	static const char *const zero[] = {"lost", "double_bound", "stale_writes",
					   "non_leader_writes", "unguarded_spec_writes",
					   "pruned_while_desired"};
	for (size_t i = 0; i < sizeof zero / sizeof *zero; i++) {
		const cJSON *v = cJSON_GetObjectItem(ck, zero[i]);
		assert_non_null(v);
		assert_int_equal(v->valueint, 0);
	}
	assert_true(cJSON_GetObjectItem(ck, "bindings")->valueint > 100);
	assert_true(cJSON_GetObjectItem(ck, "binding_writes")->valueint > 0);
	assert_true(cJSON_GetObjectItem(r, "estimator_calls")->valueint > 0);
	const cJSON *sim = cJSON_GetObjectItem(r, "simulate_equality");
	assert_true(cJSON_GetObjectItem(sim, "compared")->valueint > 0);
	assert_int_equal(cJSON_GetObjectItem(sim, "differ")->valueint, 0);
	const cJSON *f = cJSON_GetObjectItem(r, "faults"), *it;
	int faults = 0;
	cJSON_ArrayForEach(it, f)
		faults += it->valueint;
	assert_true(faults >= 8);
	cJSON_Delete(r);
	free(res);
	free(log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_campaign),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
