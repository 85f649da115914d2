/*
 * test_opsd - `fedstate ops` end to end: fedstate-testapi with the CRDs,
 * the demo fleet and the FedState sample MultiCloudMongoDB (its
 * schedulerResult annotation set as the scheduler writes it), and the
 * real binary as a child process (--leader-elect=false unless said).
 *
 * The fixture is tests/unit/lib/opsd_fixture.h (the server allocates
 * NodePorts, so the two-pass render completes against it). Every wait
 * is a bounded poll; every process is stopped in teardown.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "kube/client.h"
#include "kube/config.h"
#include "lib/daemon_proc.h"
#include "lib/opsd_fixture.h"
#include "lib/loop_wait.h"
#include "lib/testapi_proc.h"
#include "ops/input.h"
#include "ops/object.h"
#include "ops/ops.h"
#include "ops/render.h"
#include "opsd/apply.h"
#include "opsd/opsd.h"
#include "plugin/loader.h"
#include "runtime/runtime.h"

#define NS OF_NS
#define NAME "multicloudmongodb-sample"

/* the sample created and converged, ops running */
static void
start_with_sample(struct of_fx *f)
{
	cJSON *o = of_sample_mcm(NAME, NULL);
	assert_int_equal(of_kcreate(f, &of_r_mcm, NS, o), FS_OK);
	cJSON_Delete(o);
	assert_true(of_start_ops(f, NULL));
	assert_true(of_converge(f, NAME, 20000));
}

/* ---------------------------------------------------------------- tests */

/* Every object the offline render gives exists with our labels and the
 * rendered fields: 15 for the sample (4 Services and their policies,
 * hostconf and its policy, the member MongoDB, its policy, the rsInit
 * and 2 VIP OverridePolicies); the finalizer is on. */
static void
test_renders_and_applies(void **state)
{
	struct of_fx *f = *state;
	start_with_sample(f);
	cJSON *obj = of_kget(f, &of_r_mcm, NS, NAME);
	cJSON *live = of_live_owned(f, NS, of_mstr(obj, "uid"));
	assert_int_equal(cJSON_GetArraySize(live), 15);
	const cJSON *l;
	cJSON_ArrayForEach(l, live)
	{
		assert_string_equal(fs_ops_label(l, FS_OPS_LABEL_MANAGED_BY), FS_OPS_MANAGER);
		assert_string_equal(fs_ops_label(l, FS_OPS_LABEL_OWNER_NAME), NAME);
	}
	const cJSON *fin = cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"), "finalizers");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetArrayItem(fin, 0)), FS_OPSD_FINALIZER);
	/* the member CR carries no owner reference (Karmada propagates it) */
	cJSON *mdb = of_kget(f, &of_r_mdb, NS, NAME);
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(mdb, "metadata"), "ownerReferences"));
	cJSON_Delete(mdb);
	cJSON_Delete(live);
	cJSON_Delete(obj);
}

/* At steady state a reconcile (forced by an annotation on the object;
 * its labels would be copied to what it renders) writes nothing. */
static void
test_second_pass_writes_nothing(void **state)
{
	struct of_fx *f = *state;
	start_with_sample(f);
	/* let the last status write and its echo settle */
	int mark = 0, prev = -1;
	for (int t = 0; t < 5000 && mark != prev; t += 500) {
		prev = mark;
		of_nap(500);
		of_ops_writes(f, 0, &mark, true, NULL);
	}
	assert_int_equal(of_kpatch(f, &of_r_mcm, NS, NAME,
				"{\"metadata\":{\"annotations\":{\"touched\":\"1\"}}}", 0), FS_OK);
	of_nap(1500);
	int n = of_ops_writes(f, mark, NULL, true, NULL);
	if (n) {
		char *log = dm_log(&f->ops);
		fprintf(stderr, "%s\n", log);
		free(log);
	}
	assert_int_equal(n, 0);
	char *log = dm_log(&f->ops);
	assert_non_null(strstr(log, "leading"));
	free(log);
}

/* A label someone else added survives; a field we own that someone
 * changed is put back, with one write. */
static void
test_foreign_field_survives_owned_restored(void **state)
{
	struct of_fx *f = *state;
	start_with_sample(f);
	int mark = 0;
	of_ops_writes(f, 0, &mark, false, NULL);
	assert_int_equal(of_kpatch(f, &of_r_svc, NS, NAME "-mongodb-0",
				"{\"metadata\":{\"labels\":{\"team\":\"dba\"}}}", 0), FS_OK);
	assert_int_equal(of_kpatch(f, &of_r_pp, NS, NAME "-mongodb-0-pp",
				"{\"spec\":{\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"bogus\"]}}}}",
				0), FS_OK);
	assert_true(of_converge(f, NAME, 10000));
	cJSON *svc = of_kget(f, &of_r_svc, NS, NAME "-mongodb-0");
	assert_string_equal(fs_ops_label(svc, "team"), "dba");
	/* the allocated nodePort survived our patches too */
	assert_non_null(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
		cJSON_GetObjectItem(svc, "spec"), "ports"), 0), "nodePort"));
	cJSON_Delete(svc);
	of_nap(500);
	assert_int_equal(of_ops_writes(f, mark, NULL, false, "/services/"), 0);
	assert_int_equal(of_ops_writes(f, mark, NULL, false, "/propagationpolicies/" NAME "-mongodb-0-pp"), 1);
}

/* 4+1 -> 2+1: Services 2 and 3 and their policies are pruned, the rest
 * keep their names (ordinals are stable); then 2+1 -> 3+2+1 on a third
 * cluster. Each time the live set equals the offline render. */
static void
test_scale_prunes(void **state)
{
	struct of_fx *f = *state;
	start_with_sample(f);
	cJSON *svc0 = of_kget(f, &of_r_svc, NS, NAME "-mongodb-0");
	const char *uid0 = of_mstr(svc0, "uid");
	assert_int_equal(of_kpatch(f, &of_r_mcm, NS, NAME,
		"{\"metadata\":{\"annotations\":{\"schedulerResult\":"
		"\"{\\\"ClusterWithReplicaset\\\":[{\\\"cluster\\\":\\\"10-29-14-21\\\",\\\"replicaset\\\":2},"
		"{\\\"cluster\\\":\\\"10-29-14-25\\\",\\\"replicaset\\\":1}]}\"}},"
		"\"spec\":{\"replicaset\":3}}", 0), FS_OK);
	assert_true(of_converge(f, NAME, 15000));
	cJSON *gone = of_kget(f, &of_r_svc, NS, NAME "-mongodb-3");
	assert_null(gone);
	assert_null(of_kget(f, &of_r_pp, NS, NAME "-mongodb-2-pp"));
	cJSON *svc0b = of_kget(f, &of_r_svc, NS, NAME "-mongodb-0");
	assert_string_equal(of_mstr(svc0b, "uid"), uid0);
	cJSON_Delete(svc0b);
	cJSON_Delete(svc0);
	assert_int_equal(of_kpatch(f, &of_r_cluster, NULL, "10-29-14-30",
				"{\"metadata\":{\"labels\":{\"vip\":\"10.29.5.110\"}}}", 0), FS_OK);
	assert_int_equal(of_kpatch(f, &of_r_mcm, NS, NAME,
		"{\"metadata\":{\"annotations\":{\"schedulerResult\":"
		"\"{\\\"ClusterWithReplicaset\\\":[{\\\"cluster\\\":\\\"10-29-14-21\\\",\\\"replicaset\\\":3},"
		"{\\\"cluster\\\":\\\"10-29-14-25\\\",\\\"replicaset\\\":2},"
		"{\\\"cluster\\\":\\\"10-29-14-30\\\",\\\"replicaset\\\":1}]}\"}},"
		"\"spec\":{\"replicaset\":6}}", 0), FS_OK);
	/* the offline render reads clusters.yaml, where 10-29-14-30 has only
	 * an upper-case VIP label: compare object names, not content */
	char sel[128];
	snprintf(sel, sizeof sel, "%s=%s", FS_OPS_LABEL_OWNER_NAME, NAME);
	bool ok = false;
	for (int t = 0; t < 15000 && !ok; t += 100) {
		cJSON *op = of_kget(f, &of_r_op, NS, NAME "-10-29-14-30-vip");
		cJSON *s2 = of_kget(f, &of_r_svc, NS, NAME "-mongodb-2");
		ok = op && s2;
		cJSON_Delete(op);
		cJSON_Delete(s2);
		if (!ok)
			of_nap(100);
	}
	assert_true(ok);
}

/* Member binding status -> federated status and an Event per change:
 * healthy -> Health, one member down -> SubHealth, a cluster missing ->
 * UnKnown; a binding of an earlier incarnation (stale uid) -> UnKnown. */
static void
test_status_from_member_binding(void **state)
{
	struct of_fx *f = *state;
	start_with_sample(f);
	assert_true(of_wait_state(f, NAME, "UnKnown", 5000));
	cJSON *mdb = of_kget(f, &of_r_mdb, NS, NAME);
	cJSON *rbs = of_load_first("tests/data/ops/rb-healthy.yaml");
	cJSON *rb = cJSON_DetachItemFromArray(rbs, 0);
	cJSON_Delete(rbs);
	cJSON *status = cJSON_DetachItemFromObject(rb, "status");
	cJSON *m = cJSON_GetObjectItem(rb, "metadata");
	static const char *const drop[] = {"creationTimestamp", "finalizers", "generation",
					   "resourceVersion", "uid", "ownerReferences"};
	for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
		cJSON_DeleteItemFromObject(m, drop[i]);
	cJSON *res = cJSON_GetObjectItem(cJSON_GetObjectItem(rb, "spec"), "resource");
	cJSON_ReplaceItemInObject(res, "uid", cJSON_CreateString(of_mstr(mdb, "uid")));
	assert_int_equal(of_kcreate(f, &of_r_rb, NS, rb), FS_OK);
	cJSON *patch = cJSON_CreateObject();
	cJSON_AddItemToObject(patch, "status", status);
	char *ps = cJSON_PrintUnformatted(patch);
	assert_int_equal(of_kpatch(f, &of_r_rb, NS, NAME "-mongodb", ps, FS_KUBE_STATUS), FS_OK);
	free(ps);
	cJSON_Delete(patch);
	assert_true(of_wait_state(f, NAME, "Health", 5000));
	assert_true(of_wait_event(f, NAME, "Normal", "StateChanged", "UnKnown -> Health", 3000));

	rbs = of_load_first("tests/data/ops/rb-degraded.yaml");
	cJSON *deg = cJSON_DetachItemFromArray(rbs, 0);
	cJSON_Delete(rbs);
	patch = cJSON_CreateObject();
	cJSON_AddItemToObject(patch, "status", cJSON_DetachItemFromObject(deg, "status"));
	cJSON_Delete(deg);
	ps = cJSON_PrintUnformatted(patch);
	assert_int_equal(of_kpatch(f, &of_r_rb, NS, NAME "-mongodb", ps, FS_KUBE_STATUS), FS_OK);
	free(ps);
	cJSON_Delete(patch);
	assert_true(of_wait_state(f, NAME, "SubHealth", 5000));
	assert_true(of_wait_event(f, NAME, "Warning", "StateChanged", "Health -> SubHealth", 3000));
	/* observedGeneration and our Rendered condition are there */
	cJSON *obj = of_kget(f, &of_r_mcm, NS, NAME);
	const cJSON *st = cJSON_GetObjectItem(obj, "status");
	assert_int_equal(cJSON_GetObjectItem(st, "observedGeneration")->valueint,
			 cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"), "generation")->valueint);
	cJSON_Delete(obj);

	/* one cluster missing */
	assert_int_equal(of_kpatch(f, &of_r_rb, NS, NAME "-mongodb",
		"{\"status\":{\"aggregatedStatus\":[{\"clusterName\":\"10-29-14-21\",\"applied\":true,"
		"\"status\":{\"state\":\"Running\",\"currentInfo\":{\"members\":4}}}]}}",
		FS_KUBE_STATUS), FS_OK);
	assert_true(of_wait_state(f, NAME, "UnKnown", 5000));

	/* healthy again, then stale: the binding names another incarnation
	 * of the member CR, so it reads as missing */
	patch = cJSON_CreateObject();
	cJSON_AddItemToObject(patch, "status", cJSON_Duplicate(cJSON_GetObjectItem(
		cJSON_GetArrayItem(rbs = of_load_first("tests/data/ops/rb-healthy.yaml"), 0), "status"), 1));
	cJSON_Delete(rbs);
	ps = cJSON_PrintUnformatted(patch);
	assert_int_equal(of_kpatch(f, &of_r_rb, NS, NAME "-mongodb", ps, FS_KUBE_STATUS), FS_OK);
	free(ps);
	cJSON_Delete(patch);
	assert_true(of_wait_state(f, NAME, "Health", 5000));
	assert_int_equal(of_kpatch(f, &of_r_rb, NS, NAME "-mongodb",
				"{\"spec\":{\"resource\":{\"uid\":\"an-earlier-one\"}}}", 0), FS_OK);
	assert_true(of_wait_state(f, NAME, "UnKnown", 5000));
	cJSON_Delete(rb);
	cJSON_Delete(mdb);
}

/* A bad annotation on one object: a Warning Event naming the field and
 * Rendered=False on it; a good object created after it converges. */
static void
test_bad_object_others_go_on(void **state)
{
	struct of_fx *f = *state;
	cJSON *bad = of_sample_mcm("bad", "{\"ClusterWithReplicaset\":[{\"cluster\":\"a\",\"replicaset\":\"4\"}]}");
	assert_int_equal(of_kcreate(f, &of_r_mcm, NS, bad), FS_OK);
	cJSON_Delete(bad);
	start_with_sample(f);
	assert_true(of_wait_event(f, "bad", "Warning", "RenderFailed",
			       "metadata.annotations.schedulerResult", 5000));
	cJSON *o = of_kget(f, &of_r_mcm, NS, "bad");
	const cJSON *c, *rendered = NULL;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(cJSON_GetObjectItem(o, "status"), "conditions"))
		if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(c, "type")), "Rendered"))
			rendered = c;
	assert_non_null(rendered);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(rendered, "status")), "False");
	assert_non_null(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(rendered, "message")),
			       "replicaset: expected integer"));
	cJSON_Delete(o);
	/* no annotation yet: waits, writes nothing but the finalizer and status */
	cJSON *waiting = of_sample_mcm("waiting", NULL);
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(waiting, "metadata"), "annotations");
	assert_int_equal(of_kcreate(f, &of_r_mcm, NS, waiting), FS_OK);
	cJSON_Delete(waiting);
	cJSON *good = of_sample_mcm("other", NULL);
	assert_int_equal(of_kcreate(f, &of_r_mcm, NS, good), FS_OK);
	cJSON_Delete(good);
	assert_true(of_converge(f, "other", 15000));
	cJSON *w = of_kget(f, &of_r_mcm, NS, "waiting");
	cJSON *owned = of_live_owned(f, NS, of_mstr(w, "uid"));
	assert_int_equal(cJSON_GetArraySize(owned), 0);
	cJSON_Delete(owned);
	cJSON_Delete(w);
	assert_true(dm_alive(&f->ops));
}

/* Delete: every owned object goes (policies last), then the finalizer and
 * the object; an object of another owner with the same name in another
 * namespace is untouched. */
static void
test_delete_removes_children_then_finalizer(void **state)
{
	struct of_fx *f = *state;
	of_ensure_ns(f, "elsewhere");
	cJSON *foreign = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{"
		"\"name\":\"" NAME "-hostconf\",\"labels\":{\"fedstate.io/managed-by\":\"fedstate-ops\","
		"\"fedstate.io/owner-kind\":\"MultiCloudMongoDB\",\"fedstate.io/owner-name\":\"" NAME "\","
		"\"fedstate.io/owner-uid\":\"someone-else\"}},\"data\":{\"k\":\"v\"}}");
	assert_int_equal(of_kcreate(f, &of_r_cm, "elsewhere", foreign), FS_OK);
	cJSON_Delete(foreign);
	start_with_sample(f);
	assert_int_equal(of_kdelete(f, &of_r_mcm, NS, NAME), FS_OK);
	cJSON *obj = NULL;
	bool gone = false;
	for (int t = 0; t < 15000 && !gone; t += 100) {
		obj = of_kget(f, &of_r_mcm, NS, NAME);
		gone = !obj;
		cJSON_Delete(obj);
		if (!gone)
			of_nap(100);
	}
	assert_true(gone);
	for (size_t i = 0; i < of_n_owned_kinds; i++) {
		cJSON *items = of_klist(f, of_owned_kinds[i], NS, FS_OPS_LABEL_MANAGED_BY "=" FS_OPS_MANAGER);
		assert_int_equal(cJSON_GetArraySize(items), 0);
		cJSON_Delete(items);
	}
	cJSON *still = of_kget(f, &of_r_cm, "elsewhere", NAME "-hostconf");
	assert_non_null(still);
	cJSON_Delete(still);
	/* order: no policy was deleted before the last other object */
	long st = 0;
	char *body = ta_proc_get(&f->ta, "/_testapi/writes", &st);
	cJSON *w = cJSON_Parse(body);
	free(body);
	int last_other = -1, first_policy = -1, i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, w)
	{
		const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(e, "method"));
		const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(e, "path"));
		if (m && !strcmp(m, "DELETE") && strstr(p, "/" NS "/")) {
			if (strstr(p, "policy.karmada.io")) {
				if (first_policy < 0)
					first_policy = i;
			} else if (!strstr(p, "multicloudmongodbs")) {
				last_other = i;
			}
		}
		i++;
	}
	cJSON_Delete(w);
	assert_true(last_other >= 0 && first_policy > last_other);
}

/* kill -9 in the middle of creating, then a restart: converges, and no
 * Service is created twice. */
static void
test_kill9_restart_converges(void **state)
{
	struct of_fx *f = *state;
	assert_true(of_start_ops(f, NULL));
	of_nap(300);
	cJSON *o = of_sample_mcm(NAME, NULL);
	assert_int_equal(of_kcreate(f, &of_r_mcm, NS, o), FS_OK);
	cJSON_Delete(o);
	for (int t = 0; t < 5000; t += 10) { /* until the first Service exists */
		cJSON *s = of_kget(f, &of_r_svc, NS, NAME "-mongodb-0");
		bool have = s != NULL;
		cJSON_Delete(s);
		if (have)
			break;
		of_nap(10);
	}
	dm_kill9(&f->ops);
	assert_true(of_start_ops(f, NULL));
	assert_true(of_converge(f, NAME, 20000));
	int creates = 0;
	long st = 0;
	char *body = ta_proc_get(&f->ta, "/_testapi/writes", &st);
	cJSON *w = cJSON_Parse(body);
	free(body);
	const cJSON *e;
	cJSON_ArrayForEach(e, w)
	{
		const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(e, "method"));
		const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(e, "path"));
		if (!strcmp(m, "POST") && strstr(p, "/services"))
			creates++;
	}
	cJSON_Delete(w);
	/* 4 Services; a create refused as AlreadyExists is harmless but none
	 * landed twice (names are unique): at most one retry per Service */
	assert_true(creates >= 4 && creates <= 8);
}

/* 500s for a while (8: more than one call's client-side retries, so a
 * reconcile fails and the queue's backoff retries it) and a server
 * restart keeping state: converges, nothing pruned by mistake. */
static void
test_faults_converge(void **state)
{
	struct of_fx *f = *state;
	start_with_sample(f);
	cJSON *s0 = of_kget(f, &of_r_svc, NS, NAME "-mongodb-0");
	char uid0[64];
	snprintf(uid0, sizeof uid0, "%s", of_mstr(s0, "uid"));
	cJSON_Delete(s0);
	assert_int_equal(ta_proc_admin(&f->ta, "fail?status=500&count=8&agent=fedstate-ops"), 200);
	assert_int_equal(of_kpatch(f, &of_r_pp, NS, NAME "-mongodb-1-pp",
		"{\"spec\":{\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"bogus\"]}}}}", 0), FS_OK);
	assert_true(of_converge(f, NAME, 20000));
	assert_int_equal(ta_proc_admin(&f->ta, "restart?keep=1&down-ms=300"), 200);
	of_nap(600);
	assert_int_equal(of_kpatch(f, &of_r_pp, NS, NAME "-mongodb-2-pp",
		"{\"spec\":{\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"bogus\"]}}}}", 0), FS_OK);
	assert_true(of_converge(f, NAME, 20000));
	cJSON *s = of_kget(f, &of_r_svc, NS, NAME "-mongodb-0");
	assert_string_equal(of_mstr(s, "uid"), uid0);
	cJSON_Delete(s);
}

/* SIGHUP reloads the config (fedstate_config_reloads_total), the ops
 * metrics are there; SIGTERM drains with exit 0. */
static void
test_reload_metrics_and_drain(void **state)
{
	struct of_fx *f = *state;
	start_with_sample(f);
	kill(f->ops.pid, SIGHUP);
	int port = dm_port(&f->ops, 0);
	assert_true(port > 0);
	struct ta_proc m = f->ta;
	snprintf(m.base, sizeof m.base, "http://127.0.0.1:%d", port);
	bool seen = false;
	for (int t = 0; t < 5000 && !seen; t += 100) {
		long st = 0;
		char *body = ta_proc_get(&m, "/metrics", &st);
		seen = body && strstr(body, "fedstate_config_reloads_total{result=\"success\"} 1");
		if (seen) {
			assert_non_null(strstr(body, "fedstate_ops_reconcile_total{result=\"success\"}"));
			assert_non_null(strstr(body, "fedstate_ops_objects_applied_total{action=\"create\"} 15"));
		}
		free(body);
		if (!seen)
			of_nap(100);
	}
	assert_true(seen);
	int st = dm_stop(&f->ops, 5000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* With leader election: the controller writes once it holds the Lease. */
static void
test_leader_election(void **state)
{
	struct of_fx *f = *state;
	of_ensure_ns(f, "karmada-system");
	cJSON *o = of_sample_mcm(NAME, NULL);
	assert_int_equal(of_kcreate(f, &of_r_mcm, NS, o), FS_OK);
	cJSON_Delete(o);
	assert_true(of_start_ops(f, "--leader-elect"));
	assert_true(of_converge(f, NAME, 20000));
	static const struct fs_kube_resource r_lease = {"coordination.k8s.io", "v1", "leases",
							"Lease", true};
	cJSON *lease = of_kget(f, &r_lease, "karmada-system", "fedstate-ops");
	assert_non_null(lease);
	cJSON_Delete(lease);
}

/* the live objects of the sample whose name contains part */
static int
owned_named(struct of_fx *f, const char *part)
{
	cJSON *obj = of_kget(f, &of_r_mcm, NS, NAME);
	cJSON *live = of_live_owned(f, NS, of_mstr(obj, "uid"));
	int n = 0;
	const cJSON *l;
	cJSON_ArrayForEach(l, live)
		n += strstr(of_mstr(l, "name"), part) != NULL;
	cJSON_Delete(live);
	cJSON_Delete(obj);
	return n;
}

#define SCHED(a, b) "\"{\\\"ClusterWithReplicaset\\\":[" a b "]}\""
#define ON(c, n) "{\\\"cluster\\\":\\\"" c "\\\",\\\"replicaset\\\":" #n "}"

/* Arbiter on (4 + arbiter), then off (5), then a cluster leaves the
 * placement: each time the live set equals the offline render of the
 * new state, with only the difference written or pruned. */
static void
test_arbiter_and_cluster_leaving(void **state)
{
	struct of_fx *f = *state;
	start_with_sample(f);
	assert_int_equal(owned_named(f, "arbiter"), 0);
	assert_int_equal(of_kpatch(f, &of_r_mcm, NS, NAME,
		"{\"metadata\":{\"annotations\":{\"schedulerResult\":"
		SCHED(ON("10-29-14-21", 3) ",", ON("10-29-14-25", 1)) "}},"
		"\"spec\":{\"replicaset\":4,\"config\":{\"arbiter\":true}}}", 0), FS_OK);
	assert_true(of_converge(f, NAME, 15000));
	assert_true(owned_named(f, "arbiter") >= 1);
	assert_int_equal(of_kpatch(f, &of_r_mcm, NS, NAME,
		"{\"metadata\":{\"annotations\":{\"schedulerResult\":"
		SCHED(ON("10-29-14-21", 4) ",", ON("10-29-14-25", 1)) "}},"
		"\"spec\":{\"replicaset\":5,\"config\":{\"arbiter\":false}}}", 0), FS_OK);
	assert_true(of_converge(f, NAME, 15000));
	assert_int_equal(owned_named(f, "arbiter"), 0);
	assert_true(owned_named(f, "10-29-14-25") >= 1);
	assert_int_equal(of_kpatch(f, &of_r_mcm, NS, NAME,
		"{\"metadata\":{\"annotations\":{\"schedulerResult\":"
		SCHED(ON("10-29-14-21", 5), "") "}}}", 0), FS_OK);
	assert_true(of_converge(f, NAME, 15000));
	assert_int_equal(owned_named(f, "10-29-14-25"), 0);
}

/* the /metrics series `want` (name{labels}) of the running controller
 * reaches at least min (polled) */
static bool
wait_metric(struct of_fx *f, const char *want, double min, int guard_ms)
{
	struct ta_proc m = f->ta;
	snprintf(m.base, sizeof m.base, "http://127.0.0.1:%d", dm_port(&f->ops, 0));
	for (int t = 0; t < guard_ms; t += 100) {
		long st = 0;
		char *body = ta_proc_get(&m, "/metrics", &st);
		const char *at = body ? strstr(body, want) : NULL;
		bool hit = at && strtod(at + strlen(want), NULL) >= min;
		free(body);
		if (hit)
			return true;
		of_nap(100);
	}
	return false;
}

/* A reload with a broken config is refused as a whole: the log names
 * file:line:col, the failure is counted, and the old plugins keep
 * reconciling (a scale converges); the fixed file then loads. */
static void
test_refused_reload_keeps_old_set(void **state)
{
	struct of_fx *f = *state;
	start_with_sample(f);
	char good[4096];
	FILE *y = fopen(f->opsyaml, "r");
	assert_non_null(y);
	size_t n = fread(good, 1, sizeof good - 1, y);
	good[n] = '\0';
	fclose(y);
	y = fopen(f->opsyaml, "w");
	assert_non_null(y);
	fputs("apiVersion: config.fedstate.io/v1alpha1\nkind: OpsConfiguration\n"
	      "middlewares:\n- name: mongodbb\n  kind: MultiCloudMongoDB\n", y);
	fclose(y);
	kill(f->ops.pid, SIGHUP);
	/* (the file watch may reload it too) */
	assert_true(wait_metric(f, "fedstate_config_reloads_total{result=\"error\"}", 1, 5000));
	char *log = dm_log(&f->ops);
	assert_non_null(strstr(log, "ops.yaml:4:"));
	free(log);
	assert_int_equal(of_kpatch(f, &of_r_mcm, NS, NAME, "{\"spec\":{\"members\":3}}", 0),
			 FS_OK);
	/* the offline render compared against reads the good copy */
	char running[sizeof f->opsyaml];
	snprintf(running, sizeof running, "%s", f->opsyaml);
	snprintf(f->opsyaml, sizeof f->opsyaml, "%s/ops-good.yaml", f->ta.dir);
	y = fopen(f->opsyaml, "w");
	assert_non_null(y);
	fputs(good, y);
	fclose(y);
	assert_true(of_converge(f, NAME, 15000));
	snprintf(f->opsyaml, sizeof f->opsyaml, "%s", running);
	y = fopen(f->opsyaml, "w");
	assert_non_null(y);
	fputs(good, y);
	fclose(y);
	kill(f->ops.pid, SIGHUP);
	assert_true(wait_metric(f, "fedstate_config_reloads_total{result=\"success\"}", 1, 5000));
	assert_true(dm_alive(&f->ops));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_renders_and_applies, of_setup, of_teardown),
		cmocka_unit_test_setup_teardown(test_second_pass_writes_nothing, of_setup, of_teardown),
		cmocka_unit_test_setup_teardown(test_foreign_field_survives_owned_restored, of_setup, of_teardown),
		cmocka_unit_test_setup_teardown(test_scale_prunes, of_setup, of_teardown),
		cmocka_unit_test_setup_teardown(test_status_from_member_binding, of_setup, of_teardown),
		cmocka_unit_test_setup_teardown(test_bad_object_others_go_on, of_setup, of_teardown),
		cmocka_unit_test_setup_teardown(test_delete_removes_children_then_finalizer, of_setup, of_teardown),
		cmocka_unit_test_setup_teardown(test_kill9_restart_converges, of_setup, of_teardown),
		cmocka_unit_test_setup_teardown(test_faults_converge, of_setup, of_teardown),
		cmocka_unit_test_setup_teardown(test_reload_metrics_and_drain, of_setup, of_teardown),
		cmocka_unit_test_setup_teardown(test_refused_reload_keeps_old_set, of_setup,
						of_teardown),
		cmocka_unit_test_setup_teardown(test_arbiter_and_cluster_leaving, of_setup,
						of_teardown),
		cmocka_unit_test_setup_teardown(test_leader_election, of_setup, of_teardown),
	};
	if (getenv("OPSD_TEST")) /* one test by name (a pattern) while iterating */
		cmocka_set_test_filter(getenv("OPSD_TEST"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
