/* test_simulate - the real `fedstate simulate` binary over the demo fleet
 * (config/samples) with the sample config: placements, errors, output
 * formats, bench and exit codes */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/wait.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/doc.h"

static char src[2048], build[2048];

/* run a shell command; stdout into out, stderr into err; exit status */
static int
run(const char *cmd, struct fs_buf *out, struct fs_buf *err)
{
	char errfile[] = "/tmp/test_simulate_err_XXXXXX";
	int fd = mkstemp(errfile);
	assert_true(fd >= 0);
	struct fs_buf full = FS_BUF_INIT;
	fs_buf_printf(&full, "%s 2>%s", cmd, errfile);
	FILE *p = popen(full.data, "r");
	assert_non_null(p);
	fs_buf_read(out, p);
	int st = pclose(p);
	FILE *e = fdopen(fd, "r");
	if (e && err)
		fs_buf_read(err, e);
	if (e)
		fclose(e);
	unlink(errfile);
	fs_buf_release(&full);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
demo_cmd(struct fs_buf *cmd, const char *extra, bool with_config)
{
	fs_buf_printf(cmd, "'%s/bin/fedstate' simulate", build);
	if (with_config)
		fs_buf_printf(cmd, " --config '%s/config/scheduler.yaml'", src);
	fs_buf_printf(cmd, " --plugin-dir '%s/plugins' --clusters '%s/config/samples/clusters.yaml'"
		      " --bindings '%s/config/samples/workloads.yaml' %s", build, src, src, extra);
}

static cJSON *demo_json;

static int
setup(void **st)
{
	(void)st;
	const char *s = getenv("FEDSTATE_SRC"), *b = getenv("FEDSTATE_BUILD");
	if (!realpath(s && *s ? s : ".", src) || !realpath(b && *b ? b : "build", build))
		return -1;
	struct fs_buf cmd = FS_BUF_INIT, out = FS_BUF_INIT, err = FS_BUF_INIT;
	demo_cmd(&cmd, "--output json", true);
	int rc = run(cmd.data, &out, &err);
	if (rc != 0)
		fprintf(stderr, "simulate exited %d:\n%s\n", rc, err.data);
	demo_json = rc == 0 ? cJSON_Parse(out.data) : NULL;
	fs_buf_release(&cmd);
	fs_buf_release(&out);
	fs_buf_release(&err);
	return demo_json ? 0 : -1;
}

static int
teardown(void **st)
{
	(void)st;
	cJSON_Delete(demo_json);
	return 0;
}

static const cJSON *
result(const char *name)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(demo_json, "results")) {
		const cJSON *n = cJSON_GetObjectItem(r, "name");
		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return r;
	}
	fail_msg("no result for %s", name);
	return NULL;
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the placement as "a:1 b:2", sorted by cluster name */
static char *
placement(const cJSON *r)
{
	char *parts[64];
	int n = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(r, "clusters")) {
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "%s:%d", cJSON_GetObjectItem(c, "name")->valuestring,
			      cJSON_GetObjectItem(c, "replicas")->valueint);
		if (n < 64)
			parts[n++] = fs_buf_detach(&b);
	}
	qsort(parts, (size_t)n, sizeof *parts, by_str);
	struct fs_buf out = FS_BUF_INIT;
	for (int i = 0; i < n; i++) {
		fs_buf_printf(&out, "%s%s", i ? " " : "", parts[i]);
		free(parts[i]);
	}
	return fs_buf_detach(&out);
}

static void
expect_placement(const char *name, const char *want)
{
	const cJSON *r = result(name);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r, "scheduled")));
	assert_string_equal(cJSON_GetObjectItem(r, "reason")->valuestring, "Success");
	char *got = placement(r);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "%s: expected %s, got %s\n", name, want, got);
	assert_string_equal(got, want);
	free(got);
}

static void
expect_failure(const char *name, const char *reason, const char *msg_part)
{
	const cJSON *r = result(name);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r, "scheduled")));
	assert_string_equal(cJSON_GetObjectItem(r, "reason")->valuestring, reason);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r, "clusters")), 0);
	const char *err = cJSON_GetObjectItem(r, "error")->valuestring;
	if (!strstr(err, msg_part))
		fprintf(stderr, "%s: error '%s' lacks '%s'\n", name, err, msg_part);
	assert_non_null(strstr(err, msg_part));
}

static void
test_every_strategy(void **st)
{
	(void)st;
	assert_int_equal(cJSON_GetObjectItem(demo_json, "clusters")->valueint, 9);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(demo_json, "results")), 16);
	/* Duplicated over the named clusters */
	expect_placement("nginx-deployment", "bj-1:2 sh-1:2 us-1:2");
	/* static weights 2:1 */
	expect_placement("web-deployment", "bj-1:4 sh-1:2");
	/* dynamic weight by free capacity: 26/11/13/1 replicas of 2 cpu fit */
	expect_placement("api-deployment", "bj-1:5 bj-2:2 sh-1:3");
	/* Aggregated: the cluster with most room takes all */
	expect_placement("batch-deployment", "us-1:12");
	/* two regions, two clusters */
	expect_placement("cache-deployment", "bj-1:4 sh-1:2");
	/* scale-up from bj-1:2 sh-1:2 keeps them and adds 5 */
	expect_placement("orders-deployment", "bj-1:5 bj-2:1 sh-1:3");
	/* scale-down from bj-1:4 sh-1:2: proportional shrink */
	expect_placement("reports-deployment", "bj-1:2 sh-1:1");
	/* API enablement: us-2 has no CloneSet */
	expect_placement("edge-web-cloneset", "us-1:1");
	/* a toleration lets sh-3 in */
	expect_placement("middleware-agent-deployment", "sh-2:1 sh-3:1");
}

static void
test_unschedulable_reasons(void **st)
{
	(void)st;
	expect_failure("gpu-train-deployment", "NoClusterFit",
		       "0/9 clusters are available: 1 cluster(s) had untolerated taint "
		       "{cluster.karmada.io/not-ready:NoSchedule}, 1 cluster(s) had untolerated "
		       "taint {dedicated=middleware:NoSchedule}, 1 cluster(s) were being deleted, "
		       "6 cluster(s) did not match the placement cluster affinity constraint.");
	expect_failure("analytics-deployment", "Unschedulable",
		       "Clusters available replicas 41 are not enough to schedule.");
	expect_failure("ledger-db", "Unschedulable", "2 feasible cluster(s)");
}

static void
test_affinity_fallback(void **st)
{
	(void)st;
	expect_placement("payments-deployment", "sh-1:4");
	assert_string_equal(cJSON_GetObjectItem(result("payments-deployment"),
						"affinityName")->valuestring, "east");
}

static int
sum_replicaset(const cJSON *sr, int *arbiters)
{
	int sum = 0;
	*arbiters = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(sr, "ClusterWithReplicaset")) {
		sum += cJSON_GetObjectItem(e, "replicaset")->valueint;
		const cJSON *a = cJSON_GetObjectItem(e, "arbiter");
		if (a) {
			assert_true(cJSON_IsTrue(a)); /* omitted when false */
			(*arbiters)++;
		}
	}
	return sum;
}

static void
test_mongodb_scheduler_result(void **st)
{
	(void)st;
	int arbiters;
	const cJSON *r = result("orders-db");
	expect_placement("orders-db", "bj-1:1 bj-2:1 sh-1:1");
	assert_string_equal(cJSON_GetObjectItem(r, "kind")->valuestring, "MultiCloudMongoDB");
	const cJSON *sr = cJSON_GetObjectItem(r, "schedulerResult");
	assert_int_equal(sum_replicaset(sr, &arbiters), 3);
	assert_int_equal(arbiters, 0);
	/* the annotation text is the same object */
	cJSON *ann = cJSON_Parse(cJSON_GetObjectItem(r, "schedulerResultAnnotation")->valuestring);
	assert_true(cJSON_Compare(ann, sr, 1));
	cJSON_Delete(ann);

	r = result("users-db");
	assert_int_equal(sum_replicaset(cJSON_GetObjectItem(r, "schedulerResult"), &arbiters), 4);
	assert_int_equal(arbiters, 1);
	/* no cluster holds a voting majority of 4 members + 1 arbiter */
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(r, "clusters"))
		assert_true(cJSON_GetObjectItem(c, "replicas")->valueint < 3);

	expect_placement("events-db", "bj-1:2 bj-2:1 sh-1:1 sh-2:1 us-1:2");
}

static void
test_yaml_equals_json(void **st)
{
	(void)st;
	struct fs_buf cmd = FS_BUF_INIT, out = FS_BUF_INIT;
	demo_cmd(&cmd, "--output yaml", true);
	assert_int_equal(run(cmd.data, &out, NULL), 0);
	struct fs_docset *ds = NULL;
	assert_int_equal(fs_docset_load_mem(&ds, "out.yaml", out.data, out.len, NULL), FS_OK);
	assert_int_equal(fs_docset_count(ds), 1);
	assert_true(cJSON_Compare(fs_docset_doc(ds, 0), demo_json, 1));
	fs_docset_free(ds);
	fs_buf_release(&cmd);
	fs_buf_release(&out);
}

static void
test_table_and_explain(void **st)
{
	(void)st;
	struct fs_buf cmd = FS_BUF_INIT, out = FS_BUF_INIT;
	demo_cmd(&cmd, "--explain", true);
	assert_int_equal(run(cmd.data, &out, NULL), 0);
	assert_non_null(strstr(out.data, "9 cluster(s), 16 workload(s)"));
	assert_non_null(strstr(out.data, "default/web-deployment"));
	assert_non_null(strstr(out.data, "bj-1:4 sh-1:2"));
	assert_non_null(strstr(out.data, "schedulerResult: {\"ClusterWithReplicaset\":"));
	/* explain: a filtered cluster names its plugin and reason */
	assert_non_null(strstr(out.data, "filtered by taint-toleration: cluster(s) had "
					 "untolerated taint {dedicated=middleware:NoSchedule}"));
	assert_non_null(strstr(out.data, "not a candidate: being deleted"));
	fs_buf_release(&cmd);
	fs_buf_release(&out);
}

static void
test_explain_json(void **st)
{
	(void)st;
	struct fs_buf cmd = FS_BUF_INIT, out = FS_BUF_INIT;
	demo_cmd(&cmd, "--explain --output json", true);
	assert_int_equal(run(cmd.data, &out, NULL), 0);
	cJSON *j = cJSON_Parse(out.data);
	assert_non_null(j);
	const cJSON *r, *web = NULL;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(j, "results"))
		if (strcmp(cJSON_GetObjectItem(r, "name")->valuestring, "web-deployment") == 0)
			web = r;
	assert_non_null(web);
	const cJSON *ex = cJSON_GetObjectItem(web, "explain");
	assert_int_equal(cJSON_GetArraySize(ex), 9); /* every cluster, snapshot order */
	const cJSON *bj1 = cJSON_GetArrayItem(ex, 0), *us1 = cJSON_GetArrayItem(ex, 6);
	assert_string_equal(cJSON_GetObjectItem(bj1, "cluster")->valuestring, "bj-1");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(bj1, "feasible")));
	assert_string_equal(cJSON_GetObjectItem(bj1, "verdict")->valuestring, "passed");
	/* bj-1 (64 cpu, 12 used) fits 104 replicas of 500m: the estimator said so */
	assert_int_equal(cJSON_GetObjectItem(bj1, "available")->valueint, 104);
	assert_string_equal(cJSON_GetObjectItem(us1, "cluster")->valuestring, "us-1");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(us1, "feasible")));
	assert_string_equal(cJSON_GetObjectItem(us1, "plugin")->valuestring, "cluster-affinity");
	assert_string_equal(cJSON_GetObjectItem(us1, "verdict")->valuestring,
			    "filtered by cluster-affinity: cluster(s) did not match the placement "
			    "cluster affinity constraint");
	cJSON_Delete(j);
	fs_buf_release(&cmd);
	fs_buf_release(&out);
}

static void
test_builtin_profile_is_karmada(void **st)
{
	(void)st;
	struct fs_buf cmd = FS_BUF_INIT, out = FS_BUF_INIT, err = FS_BUF_INIT;
	demo_cmd(&cmd, "--output json", false);
	/* MultiCloudMongoDB objects have no middleware here: warned and skipped */
	assert_int_equal(run(cmd.data, &out, &err), 0);
	assert_non_null(strstr(err.data, "skipped MultiCloudMongoDB 'orders-db'"));
	cJSON *j = cJSON_Parse(out.data);
	assert_non_null(j);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "results")), 12);
	/* Karmada always estimates from resourceSummary (its general estimator
	 * is always registered): capacity-driven divisions match the shipped
	 * config's, where the estimator plugin publishes the same estimate.
	 * Before, with nobody publishing, every cluster counted as having room
	 * for all replicas: api bj-1:3 bj-2:3 sh-1:2 sh-2:2 (sh-2 has room for
	 * one), batch bj-1:12, and 400 analytics replicas all on bj-1. */
	cJSON *with_config = demo_json;
	demo_json = j;
	expect_placement("api-deployment", "bj-1:5 bj-2:2 sh-1:3");
	expect_placement("batch-deployment", "us-1:12");
	expect_placement("cache-deployment", "bj-1:4 sh-1:2");
	expect_failure("analytics-deployment", "Unschedulable",
		       "Clusters available replicas 41 are not enough");
	demo_json = with_config;
	cJSON_Delete(j);
	fs_buf_release(&cmd);
	fs_buf_release(&out);
	fs_buf_release(&err);
}
/* the shipped config serves PropagationPolicies that name default-scheduler,
 * so it gives Karmada's answers: a Duplicated binding goes to a cluster
 * with no room for one more replica too (Karmada's Duplicated ignores
 * estimates). The estimator's filterZero, FedState's extra, used to drop
 * that cluster; it stays on in the middleware profile. */
static void
test_shipped_default_profile_keeps_full_clusters(void **st)
{
	(void)st;
	char dir[] = "/tmp/test_simulate_full_XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct fs_buf path = FS_BUF_INIT, cmd = FS_BUF_INIT, out = FS_BUF_INIT,
		      err = FS_BUF_INIT;
	fs_buf_printf(&path, "%s/clusters.yaml", dir);
	FILE *f = fopen(path.data, "w");
	assert_non_null(f);
	for (int i = 0; i < 2; i++)
		fprintf(f, "---\napiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\n"
			   "metadata: {name: %s}\nspec: {syncMode: Push}\n"
			   "status:\n  conditions: [{type: Ready, status: \"True\"}]\n"
			   "  apiEnablements: [{groupVersion: apps/v1, resources: [{name: deployments, kind: Deployment}]}]\n"
			   "  resourceSummary:\n    allocatable: {cpu: \"8\", memory: 32Gi, pods: \"110\"}\n"
			   "    allocated: {cpu: \"%s\", memory: 4Gi, pods: \"%s\"}\n",
			i ? "roomy" : "full", i ? "1" : "8", i ? "10" : "110");
	fclose(f);
	fs_buf_reset(&path);
	fs_buf_printf(&path, "%s/bindings.yaml", dir);
	f = fopen(path.data, "w");
	assert_non_null(f);
	fprintf(f, "apiVersion: work.karmada.io/v1alpha2\nkind: ResourceBinding\n"
		   "metadata: {name: web, namespace: default,\n"
		   "  labels: {propagationpolicy.karmada.io/permanent-id: p1}}\n"
		   "spec:\n  resource: {apiVersion: apps/v1, kind: Deployment, namespace: default, name: web}\n"
		   "  replicas: 2\n  replicaRequirements: {resourceRequest: {cpu: 500m}}\n"
		   "  placement:\n    replicaScheduling: {replicaSchedulingType: Duplicated}\n");
	fclose(f);
	fs_buf_printf(&cmd, "'%s/bin/fedstate' simulate --config '%s/config/scheduler.yaml'"
		      " --plugin-dir '%s/plugins' --clusters '%s/clusters.yaml'"
		      " --bindings '%s/bindings.yaml' --output json", build, src, build, dir, dir);
	assert_int_equal(run(cmd.data, &out, &err), 0);
	cJSON *j = cJSON_Parse(out.data);
	assert_non_null(j);
	cJSON *with_config = demo_json;
	demo_json = j;
	expect_placement("web", "full:2 roomy:2");
	demo_json = with_config;
	cJSON_Delete(j);
	fs_buf_reset(&cmd);
	fs_buf_printf(&cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd.data), 0);
	fs_buf_release(&path);
	fs_buf_release(&cmd);
	fs_buf_release(&out);
	fs_buf_release(&err);
}


static void
test_bench_reports_numbers(void **st)
{
	(void)st;
	struct fs_buf cmd = FS_BUF_INIT, out = FS_BUF_INIT;
	demo_cmd(&cmd, "--bench --repeat 5 --output json", true);
	assert_int_equal(run(cmd.data, &out, NULL), 0);
	cJSON *j = cJSON_Parse(out.data);
	assert_non_null(j);
	assert_int_equal(cJSON_GetObjectItem(j, "bindings")->valueint, 16);
	assert_int_equal(cJSON_GetObjectItem(j, "repeat")->valueint, 5);
	assert_int_equal(cJSON_GetObjectItem(j, "clusters")->valueint, 9);
	assert_true(cJSON_GetObjectItem(j, "p50_us")->valuedouble > 0);
	assert_true(cJSON_GetObjectItem(j, "p99_us")->valuedouble >=
		    cJSON_GetObjectItem(j, "p50_us")->valuedouble);
	assert_true(cJSON_GetObjectItem(j, "bindings_per_second")->valuedouble > 0);
	cJSON_Delete(j);
	fs_buf_release(&cmd);
	fs_buf_release(&out);
}

static void
test_bad_inputs_exit_codes(void **st)
{
	(void)st;
	struct fs_buf cmd = FS_BUF_INIT, out = FS_BUF_INIT, err = FS_BUF_INIT;
	/* a missing file: reported, exit 1 */
	fs_buf_printf(&cmd, "'%s/bin/fedstate' simulate --plugin-dir '%s/plugins' "
		      "--clusters /nonexistent/clusters.yaml --bindings '%s/config/samples/workloads.yaml'",
		      build, build, src);
	assert_int_equal(run(cmd.data, &out, &err), 1);
	assert_non_null(strstr(err.data, "/nonexistent/clusters.yaml"));
	/* a broken config: exit 2 with the config's own diagnostics */
	fs_buf_reset(&cmd);
	fs_buf_reset(&err);
	fs_buf_printf(&cmd, "'%s/bin/fedstate' simulate --config '%s/tests/data/config-invalid/"
		      "07-weight-out-of-range.yaml' --plugin-dir '%s/plugins' --clusters x --bindings y",
		      build, src, build);
	assert_int_equal(run(cmd.data, &out, &err), 2);
	assert_non_null(strstr(err.data, "07-weight-out-of-range.yaml:7:46: "));
	/* 500 Clusters of one name: said, 10 one by one and once for the rest */
	char dup[] = "/tmp/fs-sim-dup-XXXXXX";
	int fd = mkstemp(dup);
	assert_true(fd >= 0);
	FILE *df = fdopen(fd, "w");
	fputs("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[", df);
	for (int i = 0; i < 500; i++)
		fprintf(df, "%s{\"apiVersion\":\"cluster.karmada.io/v1alpha1\",\"kind\":"
			"\"Cluster\",\"metadata\":{\"name\":\"same\"}}", i ? "," : "");
	fputs("]}", df);
	fclose(df);
	fs_buf_reset(&cmd);
	fs_buf_reset(&err);
	fs_buf_printf(&cmd, "'%s/bin/fedstate' simulate --plugin-dir '%s/plugins' "
		      "--clusters %s --bindings '%s/config/samples/workloads.yaml'",
		      build, build, dup, src);
	run(cmd.data, &out, &err);
	unlink(dup);
	int said = 0;
	for (const char *p = err.data; (p = strstr(p, "defined more than once")); p++)
		said++;
	assert_int_equal(said, 11);
	assert_non_null(strstr(err.data, "cluster 'same' is defined more than once; the last "
				"definition is used"));
	assert_non_null(strstr(err.data, "… and 489 more Clusters defined more than once"));
	/* usage */
	fs_buf_reset(&cmd);
	fs_buf_printf(&cmd, "'%s/bin/fedstate' simulate --output xml --clusters a --bindings b", build);
	assert_int_equal(run(cmd.data, &out, NULL), 2);
	fs_buf_release(&cmd);
	fs_buf_release(&out);
	fs_buf_release(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_strategy),
		cmocka_unit_test(test_unschedulable_reasons),
		cmocka_unit_test(test_affinity_fallback),
		cmocka_unit_test(test_mongodb_scheduler_result),
		cmocka_unit_test(test_yaml_equals_json),
		cmocka_unit_test(test_table_and_explain),
		cmocka_unit_test(test_explain_json),
		cmocka_unit_test(test_builtin_profile_is_karmada),
		cmocka_unit_test(test_shipped_default_profile_keeps_full_clusters),
		cmocka_unit_test(test_bench_reports_numbers),
		cmocka_unit_test(test_bad_inputs_exit_codes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
