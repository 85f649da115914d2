/*
 * test_crash_report - a plugin that crashes (tests/plugins/crashmw.c, on
 * an object named "boom") no longer kills fedstate without a word: one
 * line names the plugin, its version and file, the signal, the extension
 * point and the object (render, render --status, simulate's interpret),
 * the process still dies of SIGSEGV, and what was complete for the
 * objects before it is on stdout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "lib/daemon_proc.h"
#include "lib/plugin_harness.h"

static char dir[64];

static void
write_file(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/fs-crash-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	char plugins[4096], buf[8192];
	if (!realpath(ph_build_path("tests/plugins"), plugins))
		return -1;
	snprintf(buf, sizeof buf, "apiVersion: config.fedstate.io/v1alpha1\nkind: OpsConfiguration\n"
		 "pluginDirs: [%s]\nmiddlewares:\n- name: crashmw\n  group: test.fedstate.io\n"
		 "  version: v1\n  kind: Boom\n", plugins);
	write_file("ops.yaml", buf);
	snprintf(buf, sizeof buf, "apiVersion: config.fedstate.io/v1alpha1\n"
		 "kind: SchedulerConfiguration\npluginDirs: [%s]\nmiddlewares:\n  - name: crashmw\n"
		 "profiles:\n  - schedulerName: multicloud-middleware-scheduler\n", plugins);
	write_file("sched.yaml", buf);
	write_file("objs.yaml", "apiVersion: test.fedstate.io/v1\nkind: Boom\n"
		   "metadata: {name: fine, namespace: default}\n---\n"
		   "apiVersion: test.fedstate.io/v1\nkind: Boom\n"
		   "metadata: {name: boom, namespace: default}\n---\n"
		   "apiVersion: test.fedstate.io/v1\nkind: Boom\n"
		   "metadata: {name: hang, namespace: default}\n---\n"
		   "apiVersion: test.fedstate.io/v1\nkind: Boom\n"
		   "metadata: {name: later, namespace: default}\n");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* a sanitizer build: its SEGV handler runs after ours and exits instead */
static bool
sanitized(void)
{
	const char *b = getenv("FEDSTATE_BUILD");
	return b && strstr(b, "asan");
}

/* run `fedstate ARGS` (stdout to out.txt); its stderr; *sig the signal it
 * died of (11 for a sanitizer build that exited non-zero instead) */
static int last_code; /* the exit status of the last run */

static int
last_exit(void)
{
	return last_code;
}

static char *
run(const char *args, int *sig)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >out.txt 2>err.txt; echo $?", dir,
		 ph_build_path("bin/fedstate"), args);
	char *rc = dm_capture(cmd, NULL);
	int code = atoi(rc);
	last_code = code;
	free(rc);
	*sig = code > 128 ? code - 128 : sanitized() && code ? 11 : 0;
	snprintf(cmd, sizeof cmd, "cat '%s/err.txt'", dir);
	return dm_capture(cmd, NULL);
}

static char *
stdout_of_last(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "cat '%s/out.txt'", dir);
	return dm_capture(cmd, NULL);
}

#define PLACEMENT "--placement '{\"ClusterWithReplicaset\":[{\"cluster\":\"a\",\"replicaset\":1}]}'"

static void
test_render_crash_is_named(void **state)
{
	(void)state;
	int sig = 0;
	char *err = run("render --config ops.yaml --object objs.yaml " PLACEMENT, &sig);
	assert_int_equal(sig, 11);
	assert_non_null(strstr(err, "fedstate: plugin 'crashmw' 0.3.1 ("));
	assert_non_null(strstr(err, "crashmw.so) crashed with SIGSEGV in render of Boom "
				"default/boom\n"));
	char *out = stdout_of_last();
	assert_non_null(strstr(out, "# Boom default/fine: 1 desired"));
	free(out);
	free(err);
}

static void
test_status_crash_is_named(void **state)
{
	(void)state;
	int sig = 0;
	char *err = run("render --status --config ops.yaml --object objs.yaml " PLACEMENT, &sig);
	assert_int_equal(sig, 11);
	assert_non_null(strstr(err, "crashed with SIGSEGV in aggregate_status of Boom "
				"default/boom\n"));
	char *out = stdout_of_last();
	assert_non_null(strstr(out, "state: Health"));
	free(out);
	free(err);
}

static void
test_interpret_crash_is_named(void **state)
{
	(void)state;
	int sig = 0;
	char clusters[4096];
	snprintf(clusters, sizeof clusters, "simulate --config sched.yaml --clusters '%s' "
		 "--bindings objs.yaml", ph_src_path("config/samples/clusters.yaml"));
	char *err = run(clusters, &sig);
	assert_int_equal(sig, 11);
	assert_non_null(strstr(err, "crashed with SIGSEGV in interpret of Boom default/boom\n"));
	free(err);
}

/* --isolate: each plugin call in a child with a deadline; the crash and
 * the hang are those objects' errors (exit 1, not a signal), the crash
 * report still names the plugin, and the objects after them are done */
static void
test_isolated_render_goes_on(void **state)
{
	(void)state;
	int sig = 0;
	char *err = run("render --isolate=1s --config ops.yaml --object objs.yaml " PLACEMENT,
		&sig);
	assert_non_null(strstr(err, "crashed with SIGSEGV in render of Boom default/boom\n"));
	assert_non_null(strstr(err, "fedstate render: Boom default/boom: plugin 'crashmw' "));
	assert_non_null(strstr(err, "fedstate render: Boom default/hang: plugin 'crashmw' did not "
				"return from render within 1000 ms (isolated: killed, the other "
				"objects go on)"));
	char *out = stdout_of_last();
	assert_non_null(strstr(out, "# Boom default/fine: 1 desired"));
	assert_non_null(strstr(out, "# Boom default/later: 1 desired"));
	free(out);
	free(err);
	assert_int_equal(last_exit(), 1);
	err = run("render --status --isolate=1s --config ops.yaml --object objs.yaml " PLACEMENT,
		  &sig);
	assert_non_null(strstr(err, "fedstate render: Boom default/boom: plugin 'crashmw' "));
	assert_non_null(strstr(err, "did not return from aggregate_status within 1000 ms"));
	free(err);
	assert_int_equal(last_exit(), 1);
}

static void
test_isolated_interpret_goes_on(void **state)
{
	(void)state;
	int sig = 0;
	char args[4096];
	snprintf(args, sizeof args, "simulate --isolate=1s --config sched.yaml --clusters '%s' "
		 "--bindings objs.yaml --output json", ph_src_path("config/samples/clusters.yaml"));
	char *err = run(args, &sig);
	/* a sanitizer build's child exits instead of dying of the signal */
	assert_non_null(strstr(err, sanitized() ? "Boom default/boom: " :
				"Boom default/boom: crashed with SIGSEGV (isolated"));
	assert_non_null(strstr(err, "Boom default/hang: did not return within 1000 ms"));
	char *out = stdout_of_last();
	/* fine and later are placed */
	const char *later = strstr(out, "\"later\"");
	assert_non_null(later);
	assert_non_null(strstr(later, "\"scheduled\":\ttrue"));
	free(out);
	free(err);
}

/* plugins check --object: a middleware plugin is run on real objects,
 * each call isolated: the crashes and the hang are reported per call
 * (exit 3), the healthy objects pass; a file of healthy objects exits 0 */
static void
test_check_runs_objects(void **state)
{
	(void)state;
	int sig = 0;
	char args[4096];
	snprintf(args, sizeof args, "plugins check '%s' --timeout 1 --object objs.yaml " PLACEMENT,
		 ph_build_path("tests/plugins/crashmw.so"));
	free(run(args, &sig));
	assert_int_equal(last_exit(), 3);
	char *out = stdout_of_last();
	assert_non_null(strstr(out, "verdict  LOADABLE\n"));
	assert_non_null(strstr(out, "Boom default/fine\n  interpret         ok: 1 replicas\n"
				"  render            ok: 1 object(s)\n"
				"  aggregate_status  ok: a status object\n"));
	assert_non_null(strstr(out, sanitized() ? "Boom default/boom\n  interpret         "
						: "Boom default/boom\n  interpret         CRASHED with SIGSEGV\n"));
	assert_non_null(strstr(out, "Boom default/hang\n  interpret         HUNG: no answer within "
				"1000 ms (killed)\n"));
	assert_non_null(strstr(out, "Boom default/later\n  interpret         ok"));
	assert_non_null(strstr(out, "objects  4 checked, 6 call(s) failed\n"));
	free(out);
	write_file("fine.yaml", "apiVersion: test.fedstate.io/v1\nkind: Boom\n"
		   "metadata: {name: fine, namespace: default}\n");
	snprintf(args, sizeof args, "plugins check '%s' --object fine.yaml " PLACEMENT,
		 ph_build_path("tests/plugins/crashmw.so"));
	free(run(args, &sig));
	assert_int_equal(last_exit(), 0);
}

/* plugins check --clusters --bindings: a scheduling plugin runs over real
 * bindings in a child; its crash is the verdict (exit 3), a sound plugin
 * passes (exit 0) */
static void
test_check_runs_bindings(void **state)
{
	(void)state;
	int sig = 0;
	char args[4096];
	snprintf(args, sizeof args, "plugins check '%s' --clusters '%s' --bindings '%s'",
		 ph_build_path("tests/plugins/crashsched.so"),
		 ph_src_path("config/samples/clusters.yaml"),
		 ph_src_path("config/samples/workloads.yaml"));
	char *err = run(args, &sig);
	assert_int_equal(last_exit(), 3);
	char *out = stdout_of_last();
	assert_non_null(strstr(out, "verdict  LOADABLE\n"));
	assert_non_null(strstr(out, sanitized() ? "verdict  " :
				"verdict  CRASHED with SIGSEGV while scheduling"));
	free(out);
	free(err);
	snprintf(args, sizeof args, "plugins check '%s' --clusters '%s' --bindings '%s'",
		 ph_build_path("plugins/vip.so"), ph_src_path("config/samples/clusters.yaml"),
		 ph_src_path("config/samples/workloads.yaml"));
	free(run(args, &sig));
	assert_int_equal(last_exit(), 0);
	out = stdout_of_last();
	assert_non_null(strstr(out, "verdict  every binding went through the cycle\n"));
	assert_non_null(strstr(out, "default/nginx-deployment"));
	free(out);
}

/* simulate --isolate: a scheduling plugin that crashes in filter fails
 * the workloads whose cycle reaches it, the others are placed */
static void
test_isolated_cycles_go_on(void **state)
{
	(void)state;
	char plugins[4096], buf[8192];
	assert_non_null(realpath(ph_build_path("tests/plugins"), plugins));
	snprintf(buf, sizeof buf, "apiVersion: config.fedstate.io/v1alpha1\n"
		 "kind: SchedulerConfiguration\npluginDirs: [%s]\nplugins:\n  - name: crashsched\n"
		 "profiles:\n  - schedulerName: default-scheduler\n    plugins:\n      multiPoint:\n"
		 "        enabled:\n          - name: crashsched\n", plugins);
	write_file("crashsched.yaml", buf);
	int sig = 0;
	char args[8192];
	snprintf(args, sizeof args, "simulate --isolate --config crashsched.yaml --clusters '%s' "
		 "--bindings '%s'", ph_src_path("config/samples/clusters.yaml"),
		 ph_src_path("config/samples/workloads.yaml"));
	char *err = run(args, &sig);
	assert_int_equal(last_exit(), 1);
	assert_non_null(strstr(err, "fedstate simulate: ResourceBinding default/nginx-deployment: "
				"scheduling: a plugin crashed with SIGSEGV (isolated: the other "
				"workloads go on)"));
	char *out = stdout_of_last();
	const char *agent = strstr(out, "default/middleware-agent-deployment");
	assert_non_null(agent);
	assert_non_null(strstr(agent, "sh-3:1 sh-2:1"));
	free(out);
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_crash_is_named),
		cmocka_unit_test(test_status_crash_is_named),
		cmocka_unit_test(test_interpret_crash_is_named),
		cmocka_unit_test(test_isolated_render_goes_on),
		cmocka_unit_test(test_isolated_interpret_goes_on),
		cmocka_unit_test(test_check_runs_objects),
		cmocka_unit_test(test_check_runs_bindings),
		cmocka_unit_test(test_isolated_cycles_go_on),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
