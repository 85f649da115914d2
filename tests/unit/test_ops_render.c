/*
 * test_ops_render.c - `fedstate render` end to end: the built binary run
 * over tests/data/ops, checking output, messages and exit codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/plugin_harness.h"
#include "util/buf.h"

struct run {
	int rc;
	char *out, *err;
};

static char *
slurp(const char *path)
{
	struct fs_buf b = FS_BUF_INIT;
	FILE *f = fopen(path, "r");
	if (f) {
		fs_buf_read(&b, f);
		fclose(f);
	}
	return fs_buf_detach(&b);
}

/* fedstate render <args> with the plugins of this build */
static struct run
render(const char *args)
{
	char dir[] = "/tmp/fs-render-XXXXXX";
	if (!mkdtemp(dir))
		fail_msg("mkdtemp failed");
	struct fs_buf cmd = FS_BUF_INIT;
	fs_buf_printf(&cmd, "cd '%s' && '%s' render --plugin-dir '%s' %s >'%s/out' 2>'%s/err'",
		      ph_src_path(""), ph_build_path("bin/fedstate"), ph_build_path("plugins"),
		      args, dir, dir);
	int st = system(cmd.data);
	struct run r = {.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1};
	char p[64];
	snprintf(p, sizeof p, "%s/out", dir);
	r.out = slurp(p);
	unlink(p);
	snprintf(p, sizeof p, "%s/err", dir);
	r.err = slurp(p);
	unlink(p);
	rmdir(dir);
	fs_buf_release(&cmd);
	return r;
}

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

#define D "tests/data/ops/"
#define BASE "--config " D "config/good-ops.yaml --object " D "mcmongo-sample.yaml --clusters " D "clusters.yaml "

static void
renders_with_allocated_ports(void **state)
{
	(void)state;
	struct run r = render(BASE "--allocate-nodeports");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "# MultiCloudMongoDB federation-mongo-operator/"
				      "multicloudmongodb-sample: 15 desired, 0 to prune\n---\n"));
	assert_non_null(strstr(r.out, "  datas: \"host:'10.29.5.103:"));
	assert_string_equal(r.err, "");
	/* byte-identical on a second run */
	struct run again = render(BASE "--allocate-nodeports");
	assert_string_equal(r.out, again.out);
	run_free(&again);
	run_free(&r);
}

static void
reports_pass_two(void **state)
{
	(void)state;
	struct run r = render(BASE);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.err, "fedstate render: pass 2 needed: Service "
				      "multicloudmongodb-sample-mongodb-0 has no nodePort yet"));
	assert_non_null(strstr(r.err, "(try --allocate-nodeports)"));
	assert_non_null(strstr(r.out, "# pass 2 needed: "));
	assert_null(strstr(r.out, "kind: ConfigMap"));
	run_free(&r);
}

static void
golden_json_and_prune(void **state)
{
	(void)state;
	struct run r = render(BASE "--existing " D "rendered-sample.yaml --output json");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\"prune\":\t[]"));
	assert_null(strstr(r.out, "passNeeded"));
	run_free(&r);
	/* an earlier render left a Service index 7 and its policy behind */
	r = render(BASE "--existing " D "existing-stale.yaml");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, ": 15 desired, 2 to prune\n"));
	assert_non_null(strstr(r.out,
		"# prune (rendered earlier, no longer desired):\n"
		"#   policy.karmada.io/v1alpha1 PropagationPolicy federation-mongo-operator/"
		"multicloudmongodb-sample-mongodb-7-pp\n"
		"#   v1 Service federation-mongo-operator/multicloudmongodb-sample-mongodb-7\n"));
	run_free(&r);
}

static void
status_command(void **state)
{
	(void)state;
	struct run r = render(BASE "--status --existing " D "rendered-sample.yaml --binding "
			      D "rb-degraded.yaml");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "---\nstatus:\n"));
	assert_non_null(strstr(r.out, "\n  state: SubHealth\n"));
	run_free(&r);
}

static void
bad_inputs(void **state)
{
	(void)state;
	struct run r = render(BASE "--placement '{\"ClusterWithReplicaset\":[{\"cluster\":1}]}'");
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.err, "fedstate render: --placement: ClusterWithReplicaset[0]."
				   "cluster: expected non-empty string, got number\n");
	run_free(&r);
	r = render("--config " D "config/bad-args.yaml --object " D "mcmongo-sample.yaml");
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "bad-args.yaml:4:3: middlewares[0]: plugin 'mongodb'"));
	assert_non_null(strstr(r.err, "port: 70000 is out of range (1-65535)"));
	run_free(&r);
	r = render("--config " D "config/wrong-kind.yaml --object " D "mcmongo-sample.yaml");
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "plugin 'mongodb' handles middleware.fedstate.io/v1alpha1 "
				      "MultiCloudMongoDB, the config says middleware.fedstate.io/"
				      "v1alpha1 MultiCloudRedis"));
	run_free(&r);
	r = render(BASE "--existing " D "no-such-file.yaml");
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.err, "no-such-file.yaml"));
	run_free(&r);
	r = render("--object x.yaml");
	assert_int_equal(r.rc, 2);
	assert_non_null(strstr(r.err, "--config and --object are required"));
	run_free(&r);
	r = render(BASE "--output xml");
	assert_int_equal(r.rc, 2);
	run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(renders_with_allocated_ports),
		cmocka_unit_test(reports_pass_two),
		cmocka_unit_test(golden_json_and_prune),
		cmocka_unit_test(status_command),
		cmocka_unit_test(bad_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
