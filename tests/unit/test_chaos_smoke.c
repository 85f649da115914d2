/*
 * test_chaos_smoke - a short run of the chaos campaign (tests/chaos/
 * run-chaos.sh, `make chaos`): the test API server, two schedulers and two
 * ops controllers with leader election, a seeded load and a few seeded
 * faults (watch drops, 500/429 bursts, latency, kill -9 and SIGSTOP of a
 * replica). Passes when the runner's checker does: every binding settled,
 * no replica died of a signal, no sanitizer or crash report in any log.
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
		 "cd '%s' && CHAOS_CLUSTERS=30 CHAOS_BINDINGS=150 CHAOS_MONGODBS=6 CHAOS_OPS=150 "
		 "CHAOS_FAULTS=8 CHAOS_SEED=3 CHAOS_OUT=%s timeout 240 sh tests/chaos/run-chaos.sh "
		 "'%s' 2>&1", ph_src_path("."), out, build && *build ? build : "build");
	int st = 0;
	char *log = dm_capture(cmd, &st);
	char *res = dm_capture((snprintf(cmd, sizeof cmd, "cat %s", out), cmd), NULL);
	remove(out);
	cJSON *r = cJSON_Parse(res);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || !r ||
	    !cJSON_IsTrue(cJSON_GetObjectItem(r, "passed")))
		fail_msg("the chaos smoke run failed (status %d):\n%s", st, log);
	assert_int_equal(cJSON_GetObjectItem(r, "unscheduled_at_end")->valueint, 0);
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
