/*
 * test_intake.c - sched/intake.h (objects to bindings: ResourceBinding,
 * ClusterResourceBinding, middleware objects through their plugin, bad
 * objects skipped with a diagnostic) and sched/writeback.h (a cycle's
 * result as the merge patches Karmada's scheduler writes, and the
 * schedulerResult annotation, model/schedresult.h, encoded and decoded).
 * Patches are compared structurally with golden JSON, then applied
 * (RFC 7386) to show that writing them again is a no-op.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/plugin_harness.h"
#include "lib/sched_views.h"
#include "model/schedresult.h"
#include "sched/config.h"
#include "sched/intake.h"
#include "sched/writeback.h"
#include "util/buf.h"
#include "util/doc.h"

#define NOW 1710144902 /* 2024-03-11T08:15:02Z */
#define NOW_TEXT "2024-03-11T08:15:02Z"

static struct fs_profile_set *set;
static struct fs_config *cfg;

static int
setup(void **st)
{
	(void)st;
	char real[4096];
	if (!realpath(ph_build_path("plugins"), real))
		return -1;
	struct fs_buf t = FS_BUF_INIT;
	fs_buf_printf(&t, "apiVersion: config.fedstate.io/v1alpha1\n"
		      "kind: SchedulerConfiguration\n"
		      "pluginDirs: [\"%s\"]\n"
		      "middlewares: [{name: mongodb}]\n"
		      "profiles: [{schedulerName: default-scheduler}]\n", real);
	struct fs_diags d = FS_DIAGS_INIT;
	enum fs_code rc = fs_config_load_mem("intake.yaml", t.data, t.len, &cfg, &d);
	if (rc == FS_OK)
		rc = fs_profile_set_build(cfg, ph_registry(), &set, &d);
	fs_diags_print(&d, stderr);
	fs_diags_release(&d);
	fs_buf_release(&t);
	return rc == FS_OK ? 0 : -1;
}

static int
teardown(void **st)
{
	(void)st;
	fs_profile_set_free(set);
	fs_config_free(cfg);
	sv_reset();
	return 0;
}

/* one object of YAML through fs_intake_object (intake_done frees) */
struct in {
	struct fs_docset *ds;
	struct fs_diags d;
	struct fs_arena a;
	struct fs_intake it;
	enum fs_code rc;
	const cJSON *doc; /* what was taken in, borrowed from ds */
	cJSON *obj;       /* a copy of it that the tests patch */
};

static void
intake(struct in *x, const char *yaml)
{
	memset(x, 0, sizeof *x);
	x->d = (struct fs_diags)FS_DIAGS_INIT;
	assert_int_equal(fs_docset_load_mem(&x->ds, "w.yaml", yaml, strlen(yaml), &x->d),
			 FS_OK);
	x->doc = fs_docset_doc(x->ds, 0);
	x->obj = cJSON_Duplicate(x->doc, true);
	struct fs_decode_ctx ctx = {.ds = x->ds, .diags = &x->d, .keep_raw = true};
	x->rc = fs_intake_object(set, x->doc, &x->a, &ctx, &x->it);
}

static void
intake_done(struct in *x)
{
	cJSON_Delete(x->obj);
	fs_docset_free(x->ds);
	fs_diags_release(&x->d);
	fs_arena_release(&x->a);
}

/* the text of every diagnostic, one per line */
static char *
diag_text(const struct fs_diags *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fs_diags_print(d, f);
	fclose(f);
	return buf;
}

#define RB                                                                     \
	"apiVersion: work.karmada.io/v1alpha2\n"                               \
	"kind: ResourceBinding\n"                                              \
	"metadata: {name: web, namespace: default, generation: 4}\n"           \
	"spec:\n"                                                              \
	"  resource: {apiVersion: apps/v1, kind: Deployment, namespace: default, name: web}\n" \
	"  replicas: 10\n"                                                     \
	"  clusters: [{name: m1, replicas: 5}]\n"                              \
	"  placement:\n"                                                       \
	"    clusterAffinity: {clusterNames: [m1, m2]}\n"                      \
	"    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}\n"

static void
intake_bindings(void **st)
{
	(void)st;
	struct in x;
	intake(&x, RB);
	assert_int_equal(x.rc, FS_OK);
	assert_int_equal(x.it.kind, FS_INTAKE_BINDING);
	assert_null(x.it.mw);
	assert_string_equal(x.it.b.self.name, "web");
	assert_int_equal(x.it.b.replicas, 10);
	assert_int_equal(x.it.b.n_previous, 1);
	assert_int_equal(x.it.b.generation, 4);
	assert_ptr_equal(x.it.b.raw, x.doc);
	assert_int_equal(x.d.errors, 0);
	intake_done(&x);

	intake(&x, "apiVersion: work.karmada.io/v1alpha2\n"
		   "kind: ClusterResourceBinding\n"
		   "metadata: {name: crds}\n"
		   "spec:\n"
		   "  resource: {apiVersion: v1, kind: Namespace, name: team-a}\n");
	assert_int_equal(x.rc, FS_OK);
	assert_int_equal(x.it.kind, FS_INTAKE_CLUSTER_BINDING);
	assert_string_equal(x.it.b.self.name, "crds");
	assert_int_equal(x.it.b.replicas, 0);
	intake_done(&x);
}

static void
intake_middleware(void **st)
{
	(void)st;
	struct in x;
	intake(&x, "apiVersion: middleware.fedstate.io/v1alpha1\n"
		   "kind: MultiCloudMongoDB\n"
		   "metadata: {name: orders, namespace: mongo}\n"
		   "spec:\n"
		   "  replicaset: 3\n"
		   "  resource: {requests: {cpu: '1', memory: 2Gi}}\n"
		   "  scheduler: {schedulerName: multicloud-middleware-scheduler}\n");
	assert_int_equal(x.rc, FS_OK);
	assert_int_equal(x.it.kind, FS_INTAKE_MIDDLEWARE);
	assert_non_null(x.it.mw);
	assert_string_equal(x.it.mw->name, "mongodb");
	assert_int_equal(x.it.b.kind, FS_WORKLOAD_MIDDLEWARE);
	assert_int_equal(x.it.b.replicas, 3);
	assert_string_equal(x.it.b.scheduler_name, "multicloud-middleware-scheduler");
	assert_int_equal(x.d.errors, 0);
	intake_done(&x);
}

static void
intake_bad_objects(void **st)
{
	(void)st;
	struct in x;
	/* the plugin refuses it: one error at the object, naming it and the plugin */
	intake(&x, "apiVersion: middleware.fedstate.io/v1alpha1\n"
		   "kind: MultiCloudMongoDB\n"
		   "metadata: {name: broken, namespace: mongo}\n"
		   "spec: 5\n");
	assert_int_equal(x.rc, FS_E_INVAL);
	assert_int_equal(x.it.kind, FS_INTAKE_MIDDLEWARE);
	assert_int_equal(x.d.errors, 1);
	char *text = diag_text(&x.d);
	assert_non_null(strstr(text, "w.yaml:1:1: "));
	assert_non_null(strstr(text, "MultiCloudMongoDB mongo/broken: spec: expected an object "
				     "(middleware plugin 'mongodb')"));
	free(text);
	assert_string_equal(x.it.error, "interpret (mongodb): spec: expected an object");
	intake_done(&x);

	/* a binding the decoder refuses: its diagnostic names the field */
	intake(&x, "apiVersion: work.karmada.io/v1alpha2\n"
		   "kind: ResourceBinding\n"
		   "metadata: {name: bad, namespace: default}\n"
		   "spec:\n"
		   "  resource: {apiVersion: apps/v1, kind: Deployment, name: bad}\n"
		   "  replicas: many\n");
	assert_int_equal(x.rc, FS_E_INVAL);
	assert_int_equal(x.it.kind, FS_INTAKE_BINDING);
	assert_true(x.d.errors >= 1);
	text = diag_text(&x.d);
	assert_non_null(strstr(text, "spec.replicas"));
	free(text);
	assert_string_equal(x.it.error, "the binding could not be read (see the errors above)");
	intake_done(&x);

	/* not ours: nothing reported, the caller decides */
	intake(&x, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
	assert_int_equal(x.rc, FS_E_NOTFOUND);
	assert_int_equal(x.it.kind, FS_INTAKE_NONE);
	assert_int_equal(x.d.n, 0);
	intake_done(&x);
}

/* ---- writeback ---- */

/* RFC 7386 merge patch applied to target in place */
static void
merge(cJSON *target, const cJSON *patch)
{
	const cJSON *p;
	cJSON_ArrayForEach(p, patch) {
		cJSON *t = cJSON_GetObjectItemCaseSensitive(target, p->string);
		if (cJSON_IsNull(p)) {
			cJSON_DeleteItemFromObjectCaseSensitive(target, p->string);
		} else if (cJSON_IsObject(p) && cJSON_IsObject(t)) {
			merge(t, p);
		} else {
			cJSON_DeleteItemFromObjectCaseSensitive(target, p->string);
			cJSON_AddItemToObject(target, p->string, cJSON_Duplicate(p, true));
		}
	}
}

/* fail unless got is structurally the JSON of want (NULL: no patch) */
static void
assert_json(const cJSON *got, const char *want)
{
	if (!want) {
		if (got) {
			char *g = cJSON_PrintUnformatted(got);
			fail_msg("expected no patch, got %s", g);
		}
		return;
	}
	cJSON *w = cJSON_Parse(want);
	assert_non_null(w);
	if (!got || !cJSON_Compare(w, got, true)) {
		char *g = got ? cJSON_PrintUnformatted(got) : NULL;
		fail_msg("patch differs\n  want %s\n  got  %s", want, g ? g : "(none)");
	}
	cJSON_Delete(w);
}

static struct fs_sched_result
result(enum fs_code code, bool fit, const char *msg, const struct fs_assignment *t,
       uint32_t n)
{
	struct fs_sched_result r = {.code = code, .fit_error = fit, .message = msg,
				    .targets = t, .n_targets = n, .term_index = -1};
	return r;
}

#define PLACEMENT_TEXT                                                         \
	"{\\\"clusterAffinity\\\":{\\\"clusterNames\\\":[\\\"m1\\\",\\\"m2\\\"]}," \
	"\\\"replicaScheduling\\\":{\\\"replicaSchedulingType\\\":\\\"Divided\\\"," \
	"\\\"replicaDivisionPreference\\\":\\\"Weighted\\\"}}"

static void
spec_divided(void **st)
{
	(void)st;
	struct in x;
	intake(&x, RB);
	struct fs_assignment t[] = {{sv_named("m1"), 6, false}, {sv_named("m2"), 4, false}};
	struct fs_sched_result r = result(FS_OK, false, NULL, t, 2);
	cJSON *p = fs_writeback_spec(x.obj, &r);
	assert_json(p, "{\"metadata\":{\"annotations\":{\"policy.karmada.io/applied-placement\":\""
		       PLACEMENT_TEXT "\"}},"
		       "\"spec\":{\"clusters\":[{\"name\":\"m1\",\"replicas\":6},"
		       "{\"name\":\"m2\",\"replicas\":4}]}}");
	/* written once, the same result again changes nothing */
	merge(x.obj, p);
	cJSON_Delete(p);
	assert_json(fs_writeback_spec(x.obj, &r), NULL);
	/* a new division changes only spec.clusters */
	t[0].replicas = 7;
	t[1].replicas = 3;
	p = fs_writeback_spec(x.obj, &r);
	assert_json(p, "{\"spec\":{\"clusters\":[{\"name\":\"m1\",\"replicas\":7},"
		       "{\"name\":\"m2\",\"replicas\":3}]}}");
	cJSON_Delete(p);
	intake_done(&x);
}

static void
spec_duplicated(void **st)
{
	(void)st;
	struct in x;
	/* Duplicated: every cluster the whole count, in candidate order */
	intake(&x, "kind: ResourceBinding\nmetadata: {name: d}\n"
		   "spec: {replicas: 2, placement: {replicaScheduling: "
		   "{replicaSchedulingType: Duplicated}}}\n");
	struct fs_assignment t[] = {{sv_named("m2"), 2, false}, {sv_named("m1"), 2, false}};
	struct fs_sched_result r = result(FS_OK, false, NULL, t, 2);
	cJSON *p = fs_writeback_spec(x.obj, &r);
	assert_json(p, "{\"metadata\":{\"annotations\":{\"policy.karmada.io/applied-placement\":"
		       "\"{\\\"replicaScheduling\\\":{\\\"replicaSchedulingType\\\":\\\"Duplicated\\\"}}\"}},"
		       "\"spec\":{\"clusters\":[{\"name\":\"m2\",\"replicas\":2},"
		       "{\"name\":\"m1\",\"replicas\":2}]}}");
	/* the same clusters in another order (scores moved) write nothing: a
	 * new leader, or the next event, must not rewrite every Duplicated
	 * binding for its order alone */
	merge(x.obj, p);
	cJSON_Delete(p);
	t[0].cluster = sv_named("m1");
	t[1].cluster = sv_named("m2");
	assert_json(fs_writeback_spec(x.obj, &r), NULL);
	/* and the same names with other replicas, or one cluster more, do */
	t[1].replicas = 3;
	p = fs_writeback_spec(x.obj, &r);
	assert_json(p, "{\"spec\":{\"clusters\":[{\"name\":\"m1\",\"replicas\":2},"
		       "{\"name\":\"m2\",\"replicas\":3}]}}");
	cJSON_Delete(p);
	intake_done(&x);
	/* a non-workload (0 replicas): Go's omitempty leaves replicas out */
	intake(&x, "kind: ClusterResourceBinding\nmetadata: {name: ns}\n"
		   "spec: {clusters: [{name: m1}]}\n");
	t[0].replicas = t[1].replicas = 0;
	p = fs_writeback_spec(x.obj, &r);
	assert_json(p, "{\"spec\":{\"clusters\":[{\"name\":\"m1\"},{\"name\":\"m2\"}]}}");
	cJSON_Delete(p);
	intake_done(&x);
}

static void
spec_no_fit(void **st)
{
	(void)st;
	struct in x;
	intake(&x, RB);
	/* FitError: still written, with an empty result that clears clusters */
	struct fs_sched_result r = result(FS_UNSCHEDULABLE, true,
					  "0/2 clusters are available: 2 cluster(s) had untolerated taint {k: v}.",
					  NULL, 0);
	cJSON *p = fs_writeback_spec(x.obj, &r);
	assert_json(p, "{\"metadata\":{\"annotations\":{\"policy.karmada.io/applied-placement\":\""
		       PLACEMENT_TEXT "\"}},\"spec\":{\"clusters\":null}}");
	merge(x.obj, p);
	cJSON_Delete(p);
	assert_null(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(x.obj, "spec"), "clusters"));
	assert_json(fs_writeback_spec(x.obj, &r), NULL);
	intake_done(&x);
	/* not enough capacity, or an error: nothing written to the object */
	intake(&x, RB);
	r = result(FS_UNSCHEDULABLE, false, "Clusters available replicas 3 are not enough to schedule.",
		   NULL, 0);
	assert_json(fs_writeback_spec(x.obj, &r), NULL);
	r = result(FS_E_PLUGIN, false, "plugin \"x\" failed", NULL, 0);
	assert_json(fs_writeback_spec(x.obj, &r), NULL);
	intake_done(&x);
}

static void
status_conditions(void **st)
{
	(void)st;
	struct in x;
	intake(&x, RB "status:\n  conditions:\n"
		   "  - {type: FullyApplied, status: 'True', reason: ok, message: m,"
		   " lastTransitionTime: '2024-01-01T00:00:00Z'}\n");
	struct fs_assignment t[] = {{sv_named("m1"), 10, false}};
	struct fs_sched_result r = result(FS_OK, false, NULL, t, 1);
	cJSON *p = fs_writeback_status(x.obj, &x.it.b, &r, NOW);
	assert_json(p, "{\"status\":{\"conditions\":["
		       "{\"type\":\"FullyApplied\",\"status\":\"True\",\"reason\":\"ok\",\"message\":\"m\","
		       "\"lastTransitionTime\":\"2024-01-01T00:00:00Z\"},"
		       "{\"type\":\"Scheduled\",\"status\":\"True\",\"lastTransitionTime\":\"" NOW_TEXT "\","
		       "\"reason\":\"Success\",\"message\":\"Binding has been scheduled successfully.\"}],"
		       "\"schedulerObservedGeneration\":4,\"lastScheduledTime\":\"" NOW_TEXT "\"}}");
	merge(x.obj, p);
	cJSON_Delete(p);
	/* the same success at the same second: nothing to write */
	assert_json(fs_writeback_status(x.obj, &x.it.b, &r, NOW), NULL);
	/* then no cluster fits: False, NoClusterFit, the FitError text; the
	 * generation and lastScheduledTime stay (set on success only) */
	r = result(FS_UNSCHEDULABLE, true, "0/2 clusters are available: 2 cluster(s) is in the "
		   "process of eviction.", NULL, 0);
	p = fs_writeback_status(x.obj, &x.it.b, &r, NOW + 60);
	assert_json(p, "{\"status\":{\"conditions\":["
		       "{\"type\":\"FullyApplied\",\"status\":\"True\",\"reason\":\"ok\",\"message\":\"m\","
		       "\"lastTransitionTime\":\"2024-01-01T00:00:00Z\"},"
		       "{\"type\":\"Scheduled\",\"status\":\"False\","
		       "\"lastTransitionTime\":\"2024-03-11T08:16:02Z\",\"reason\":\"NoClusterFit\","
		       "\"message\":\"0/2 clusters are available: 2 cluster(s) is in the process of "
		       "eviction.\"}]}}");
	merge(x.obj, p);
	cJSON_Delete(p);
	/* another failure: the status stays False, lastTransitionTime too */
	r = result(FS_UNSCHEDULABLE, false, "Clusters available replicas 3 are not enough to "
		   "schedule.", NULL, 0);
	p = fs_writeback_status(x.obj, &x.it.b, &r, NOW + 120);
	const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(p, "status"), "conditions"), 1);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c, "reason")->valuestring,
			    "Unschedulable");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c, "lastTransitionTime")->valuestring,
			    "2024-03-11T08:16:02Z");
	cJSON_Delete(p);
	r = result(FS_E_PLUGIN, false, "plugin \"estimator\" failed", NULL, 0);
	p = fs_writeback_status(x.obj, &x.it.b, &r, NOW + 120);
	c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(p, "status"), "conditions"), 1);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c, "reason")->valuestring,
			    "SchedulerError");
	cJSON_Delete(p);
	intake_done(&x);
}

static void
status_affinity_name(void **st)
{
	(void)st;
	struct in x;
	intake(&x, "kind: ResourceBinding\nmetadata: {name: a, generation: 2}\n"
		   "spec:\n  replicas: 1\n  placement:\n    clusterAffinities:\n"
		   "    - {affinityName: primary, clusterNames: [m1]}\n"
		   "    - {affinityName: backup, clusterNames: [m2]}\n"
		   "status: {schedulerObservingAffinityName: primary}\n");
	struct fs_assignment t[] = {{sv_named("m2"), 1, false}};
	struct fs_sched_result r = result(FS_OK, false, NULL, t, 1);
	r.term_index = 1;
	cJSON *p = fs_writeback_status(x.obj, &x.it.b, &r, NOW);
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(p, "status");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(s, "schedulerObservingAffinityName")
				    ->valuestring, "backup");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(s, "schedulerObservedGeneration")
				 ->valueint, 2);
	cJSON_Delete(p);
	intake_done(&x);
}

static void
schedresult_round_trip(void **st)
{
	(void)st;
	struct fs_assignment t[] = {{sv_named("10-29-14-21"), 2, false},
				    {sv_named("10-29-14-25"), 2, false},
				    {sv_named("10-29-14-30"), 1, true}};
	char *text = fs_schedresult_format(t, 3);
	assert_string_equal(text, "{\"ClusterWithReplicaset\":["
				  "{\"cluster\":\"10-29-14-21\",\"replicaset\":2},"
				  "{\"cluster\":\"10-29-14-25\",\"replicaset\":2},"
				  "{\"cluster\":\"10-29-14-30\",\"replicaset\":1,\"arbiter\":true}]}");
	cJSON *p = NULL;
	char err[256];
	assert_int_equal(fs_schedresult_parse("schedulerResult", text, strlen(text), &p, err,
					      sizeof err), FS_OK);
	assert_json(p, "[{\"cluster\":\"10-29-14-21\",\"replicas\":2,\"arbiter\":false},"
		       "{\"cluster\":\"10-29-14-25\",\"replicas\":2,\"arbiter\":false},"
		       "{\"cluster\":\"10-29-14-30\",\"replicas\":1,\"arbiter\":true}]");
	cJSON_Delete(p);

	/* the middleware object's patch, and what the ops side reads back */
	struct in x;
	intake(&x, "apiVersion: middleware.fedstate.io/v1alpha1\nkind: MultiCloudMongoDB\n"
		   "metadata: {name: o, namespace: mongo}\nspec: {replicaset: 5}\n");
	assert_int_equal(x.rc, FS_OK);
	struct fs_sched_result r = result(FS_OK, false, NULL, t, 3);
	cJSON *patch = fs_writeback_annotation(x.obj, &r);
	cJSON *want = cJSON_CreateObject();
	cJSON_AddStringToObject(cJSON_AddObjectToObject(cJSON_AddObjectToObject(want, "metadata"),
							"annotations"),
				"schedulerResult", text);
	char *w = cJSON_PrintUnformatted(want);
	assert_json(patch, w);
	free(w);
	cJSON_Delete(want);
	merge(x.obj, patch);
	cJSON_Delete(patch);
	assert_int_equal(fs_schedresult_of(x.obj, &p, err, sizeof err), FS_OK);
	assert_int_equal(cJSON_GetArraySize(p), 3);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(p, 2),
								  "arbiter")));
	cJSON_Delete(p);
	/* written again: nothing; a failed cycle writes nothing either */
	assert_json(fs_writeback_annotation(x.obj, &r), NULL);
	r = result(FS_UNSCHEDULABLE, true, "0/3 clusters are available", NULL, 0);
	assert_json(fs_writeback_annotation(x.obj, &r), NULL);
	intake_done(&x);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intake_bindings),
		cmocka_unit_test(intake_middleware),
		cmocka_unit_test(intake_bad_objects),
		cmocka_unit_test(spec_divided),
		cmocka_unit_test(spec_duplicated),
		cmocka_unit_test(spec_no_fit),
		cmocka_unit_test(status_conditions),
		cmocka_unit_test(status_affinity_name),
		cmocka_unit_test(schedresult_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
