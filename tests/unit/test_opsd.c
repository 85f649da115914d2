/*
 * test_opsd - `fedstate ops` end to end: fedstate-testapi with the CRDs,
 * the demo fleet and the FedState sample MultiCloudMongoDB (its
 * schedulerResult annotation set as the scheduler writes it), and the
 * real binary as a child process (--leader-elect=false unless said).
 *
 * The test plays the API server's NodePort allocator where the test
 * server does not allocate (it patches a port into every NodePort
 * Service that has none), so the two-pass render completes.
 *
 * Every wait is a bounded poll; every process is stopped in teardown.
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

#define NS "federation-mongo-operator"
#define NAME "multicloudmongodb-sample"

static const struct fs_kube_resource r_mcm = {"middleware.fedstate.io", "v1alpha1",
					      "multicloudmongodbs", "MultiCloudMongoDB", true};
static const struct fs_kube_resource r_mdb = {"middleware.fedstate.io", "v1alpha1",
					      "mongodbs", "MongoDB", true};
static const struct fs_kube_resource r_svc = {"", "v1", "services", "Service", true};
static const struct fs_kube_resource r_cm = {"", "v1", "configmaps", "ConfigMap", true};
static const struct fs_kube_resource r_pp = {"policy.karmada.io", "v1alpha1",
					     "propagationpolicies", "PropagationPolicy", true};
static const struct fs_kube_resource r_op = {"policy.karmada.io", "v1alpha1",
					     "overridepolicies", "OverridePolicy", true};
static const struct fs_kube_resource r_rb = {"work.karmada.io", "v1alpha2",
					     "resourcebindings", "ResourceBinding", true};
static const struct fs_kube_resource r_cluster = {"cluster.karmada.io", "v1alpha1",
						  "clusters", "Cluster", false};
static const struct fs_kube_resource r_ns = {"", "v1", "namespaces", "Namespace", false};
static const struct fs_kube_resource r_ev = {"events.k8s.io", "v1", "events", "Event", true};

static const struct fs_kube_resource *const owned_kinds[] = {
	&r_svc, &r_cm, &r_pp, &r_op, &r_mdb,
};

struct fx {
	struct ta_proc ta;
	struct fs_kube_config *cfg;
	struct fs_kube_client *c;
	struct dm_proc ops;
	char opsyaml[128];
};

/* ---------------------------------------------------------------- helpers */

static void
nap(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static cJSON *
kcall(struct fs_kube_call *call, enum fs_code *code)
{
	cJSON *out = NULL;
	char *err = NULL;
	enum fs_code rc = fs_kube_wait(call, &out, &err);
	if (code)
		*code = rc;
	free(err);
	return out;
}

static cJSON *
kget(struct fx *f, const struct fs_kube_resource *r, const char *ns, const char *name)
{
	return kcall(fs_kube_get(f->c, r, ns, name, NULL, NULL), NULL);
}

static enum fs_code
kcreate(struct fx *f, const struct fs_kube_resource *r, const char *ns, const cJSON *obj)
{
	enum fs_code rc;
	cJSON_Delete(kcall(fs_kube_create(f->c, r, ns, obj, 0, NULL, NULL), &rc));
	return rc;
}

static enum fs_code
kpatch(struct fx *f, const struct fs_kube_resource *r, const char *ns, const char *name,
       const char *patch, uint32_t flags)
{
	enum fs_code rc;
	cJSON_Delete(kcall(fs_kube_patch(f->c, r, ns, name, FS_KUBE_MERGE_PATCH, patch, flags,
					 NULL, NULL), &rc));
	return rc;
}

static enum fs_code
kdelete(struct fx *f, const struct fs_kube_resource *r, const char *ns, const char *name)
{
	enum fs_code rc;
	cJSON_Delete(kcall(fs_kube_delete(f->c, r, ns, name, NULL, 0, NULL, NULL), &rc));
	return rc;
}

/* items of a list (caller frees) */
static cJSON *
klist(struct fx *f, const struct fs_kube_resource *r, const char *ns, const char *sel)
{
	struct fs_kube_list_opts lo = {.label_selector = sel};
	cJSON *l = kcall(fs_kube_list(f->c, r, ns, &lo, NULL, NULL), NULL);
	cJSON *items = cJSON_DetachItemFromObjectCaseSensitive(l, "items");
	cJSON_Delete(l);
	return items ? items : cJSON_CreateArray();
}

static const char *
mstr(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(o, "metadata"), key));
}

static cJSON *
load_first(const char *rel)
{
	char path[4096];
	const char *src = getenv("FEDSTATE_SRC");
	snprintf(path, sizeof path, "%s/%s", src && src[0] ? src : ".", rel);
	struct fs_diags d = FS_DIAGS_INIT;
	cJSON *arr = NULL;
	if (fs_ops_load_objects(path, &arr, &d) != FS_OK)
		fs_diags_print(&d, stderr);
	fs_diags_release(&d);
	return arr;
}

/* a MultiCloudMongoDB from the sample: what a user creates, with the
 * scheduler's annotation */
static cJSON *
sample_mcm(const char *name, const char *sched)
{
	cJSON *arr = load_first("tests/data/ops/mcmongo-sample.yaml");
	cJSON *o = cJSON_DetachItemFromArray(arr, 0);
	cJSON_Delete(arr);
	cJSON_DeleteItemFromObject(o, "status");
	cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "metadata");
	static const char *const drop[] = {"creationTimestamp", "finalizers", "generation",
					   "resourceVersion", "uid"};
	for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
		cJSON_DeleteItemFromObject(m, drop[i]);
	cJSON_ReplaceItemInObject(m, "name", cJSON_CreateString(name));
	if (sched)
		cJSON_ReplaceItemInObject(cJSON_GetObjectItemCaseSensitive(m, "annotations"),
					  "schedulerResult", cJSON_CreateString(sched));
	return o;
}

static void
ensure_ns(struct fx *f, const char *ns)
{
	cJSON *o = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{}}");
	cJSON_AddStringToObject(cJSON_GetObjectItem(o, "metadata"), "name", ns);
	kcreate(f, &r_ns, NULL, o);
	cJSON_Delete(o);
}

static bool
start_ops(struct fx *f, const char *extra)
{
	const char *args[16] = {"ops", "--config", f->opsyaml, "--kubeconfig", f->ta.kubeconfig,
				"--metrics-bind-address", "127.0.0.1:0",
				"--health-probe-bind-address", "127.0.0.1:0", "-v", "2"};
	size_t n = 11;
	if (extra)
		args[n++] = extra;
	else
		args[n++] = "--leader-elect=false";
	args[n] = NULL;
	return dm_start(&f->ops, &f->ta, "ops", args);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!ta_proc_start(&f->ta, NULL)) {
		free(f);
		return -1;
	}
	struct fs_kube_config_opts o = {.kubeconfig = f->ta.kubeconfig};
	char *err = NULL;
	if (fs_kube_config_load(&o, &f->cfg, &err) != FS_OK) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return -1;
	}
	struct fs_kube_client_opts co = {.qps = 1000, .burst = 1000, .backoff_base_ms = 20,
					 .backoff_max_ms = 200, .user_agent = "test-opsd"};
	f->c = fs_kube_client_new(tl_net(), f->cfg, &co);
	snprintf(f->opsyaml, sizeof f->opsyaml, "%s/ops.yaml", f->ta.dir);
	const char *build = getenv("FEDSTATE_BUILD");
	FILE *y = fopen(f->opsyaml, "w");
	if (!y)
		return -1;
	fprintf(y, "apiVersion: config.fedstate.io/v1alpha1\nkind: OpsConfiguration\n"
		   "pluginDirs: [%s/plugins]\nmiddlewares:\n- name: mongodb\n"
		   "  kind: MultiCloudMongoDB\n  args: {vipLabel: vip, port: 27017}\n",
		build && build[0] ? build : "build");
	fclose(y);
	cJSON *clusters = load_first("tests/data/ops/clusters.yaml");
	const cJSON *c;
	cJSON_ArrayForEach(c, clusters) kcreate(f, &r_cluster, NULL, c);
	cJSON_Delete(clusters);
	ensure_ns(f, NS);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	if (getenv("OPSD_TEST_LOG"))
		dm_dump(&f->ops);
	dm_stop_all();
	fs_kube_client_free(f->c);
	fs_kube_config_free(f->cfg);
	tl_net_reset();
	bool clean = ta_proc_stop(&f->ta);
	free(f);
	return clean ? 0 : -1;
}

/* the API server's NodePort allocation, where the test server has none */
/* every object in ns rendered for owner uid, from the server */
static cJSON *
live_owned(struct fx *f, const char *ns, const char *uid)
{
	char sel[256];
	snprintf(sel, sizeof sel, "%s=%s,%s=%s", FS_OPS_LABEL_MANAGED_BY, FS_OPS_MANAGER,
		 FS_OPS_LABEL_OWNER_UID, uid);
	cJSON *all = cJSON_CreateArray();
	for (size_t i = 0; i < sizeof owned_kinds / sizeof *owned_kinds; i++) {
		cJSON *items = klist(f, owned_kinds[i], ns, sel);
		cJSON *it;
		while ((it = cJSON_DetachItemFromArray(items, 0))) {
			cJSON_AddStringToObject(it, "kind", owned_kinds[i]->kind);
			char av[96];
			snprintf(av, sizeof av, "%s%s%s", owned_kinds[i]->group,
				 owned_kinds[i]->group[0] ? "/" : "", owned_kinds[i]->version);
			cJSON_AddStringToObject(it, "apiVersion", av);
			cJSON_AddItemToArray(all, it);
		}
		cJSON_Delete(items);
	}
	return all;
}

/* The offline render (what `fedstate render --allocate-nodeports` gives,
 * with the ports the server holds) of the live federated object. */
static cJSON *
offline_render(struct fx *f, const cJSON *obj, const cJSON *existing)
{
	struct fs_runtime *rt = fs_runtime_new(NULL);
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_ops_config *cfg = NULL;
	struct fs_ops *ops = NULL;
	cJSON *desired = NULL;
	if (fs_ops_config_load(f->opsyaml, &cfg, &d) == FS_OK &&
	    fs_ops_open(fs_runtime_registry(rt), cfg, NULL, 0, &ops, &d) == FS_OK) {
		cJSON *clusters = load_first("tests/data/ops/clusters.yaml");
		struct fs_ops_input in = {.object = obj, .clusters = clusters, .existing = existing};
		struct fs_ops_output out;
		char err[1024];
		if (fs_ops_render(fs_ops_at(ops, 0), &in, &out, err, sizeof err) == FS_OK) {
			if (!out.need_pass) {
				desired = out.desired;
				out.desired = NULL;
			}
			fs_ops_output_release(&out);
		} else {
			fprintf(stderr, "offline render: %s\n", err);
		}
		cJSON_Delete(clusters);
	}
	fs_diags_print(&d, stderr);
	fs_diags_release(&d);
	fs_ops_close(ops);
	fs_ops_config_free(cfg);
	fs_runtime_free(rt);
	return desired;
}

/* the live set equals the offline render: same objects, each holding
 * every rendered field; *why says what differs */
static bool
matches_render(struct fx *f, const char *name, char *why, size_t n)
{
	cJSON *obj = kget(f, &r_mcm, NS, name);
	if (!obj) {
		snprintf(why, n, "no object");
		return false;
	}
	cJSON *live = live_owned(f, NS, mstr(obj, "uid"));
	cJSON *desired = offline_render(f, obj, live);
	bool ok = desired && cJSON_GetArraySize(desired) == cJSON_GetArraySize(live);
	if (!desired)
		snprintf(why, n, "the offline render is incomplete");
	else if (!ok)
		snprintf(why, n, "%d live objects, %d rendered", cJSON_GetArraySize(live),
			 cJSON_GetArraySize(desired));
	const cJSON *d, *list = ok ? desired : NULL;
	cJSON_ArrayForEach(d, list)
	{
		struct fs_ops_ref r;
		fs_ops_ref_of(d, &r);
		const cJSON *l, *hit = NULL;
		cJSON_ArrayForEach(l, live)
		{
			struct fs_ops_ref lr;
			if (fs_ops_ref_of(l, &lr) && fs_ops_ref_same(&r, &lr))
				hit = l;
		}
		if (!hit || !fs_opsd_subset(d, hit)) {
			snprintf(why, n, "%s %s: %s", r.kind, r.name, hit ? "differs" : "missing");
			ok = false;
			break;
		}
	}
	cJSON_Delete(desired);
	cJSON_Delete(live);
	cJSON_Delete(obj);
	return ok;
}

/* poll until the live set matches (the server allocates NodePorts) */
static bool
converge(struct fx *f, const char *name, int guard_ms)
{
	char why[512] = "";
	for (int t = 0; t < guard_ms; t += 100) {
		if (matches_render(f, name, why, sizeof why))
			return true;
		nap(100);
	}
	fprintf(stderr, "%s did not converge: %s\n", name, why);
	return false;
}

/* writes made by fedstate-ops (Events excluded unless with_events) from
 * index `from` of the server's write log; *end gets the log's length */
static int
ops_writes(struct fx *f, int from, int *end, bool with_events, const char *path_part)
{
	long st = 0;
	char *body = ta_proc_get(&f->ta, "/_testapi/writes", &st);
	cJSON *w = cJSON_Parse(body ? body : "[]");
	free(body);
	int n = 0, i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, w)
	{
		const char *agent = cJSON_GetStringValue(cJSON_GetObjectItem(e, "agent"));
		const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(e, "path"));
		if (i++ < from || !agent || !strstr(agent, "fedstate-ops") || !path)
			continue;
		if (!with_events && strstr(path, "/events"))
			continue;
		if (path_part && !strstr(path, path_part))
			continue;
		n++;
	}
	if (end)
		*end = cJSON_GetArraySize(w);
	cJSON_Delete(w);
	return n;
}

static const char *
status_state(struct fx *f, const char *name)
{
	static char buf[64];
	cJSON *o = kget(f, &r_mcm, NS, name);
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(o, "status"), "state"));
	snprintf(buf, sizeof buf, "%s", s ? s : "");
	cJSON_Delete(o);
	return buf;
}

static bool
wait_state(struct fx *f, const char *name, const char *want, int guard_ms)
{
	for (int t = 0; t < guard_ms; t += 100) {
		if (!strcmp(status_state(f, name), want))
			return true;
		nap(100);
	}
	fprintf(stderr, "%s: state %s, expected %s\n", name, status_state(f, name), want);
	return false;
}

/* an Event about `name` with this reason whose note contains `text` */
static bool
has_event(struct fx *f, const char *name, const char *type, const char *reason,
	  const char *text)
{
	cJSON *evs = klist(f, &r_ev, NS, NULL);
	bool hit = false;
	const cJSON *e;
	cJSON_ArrayForEach(e, evs)
	{
		const cJSON *reg = cJSON_GetObjectItem(e, "regarding");
		const char *n = cJSON_GetStringValue(cJSON_GetObjectItem(reg, "name"));
		const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(e, "type"));
		const char *r = cJSON_GetStringValue(cJSON_GetObjectItem(e, "reason"));
		const char *note = cJSON_GetStringValue(cJSON_GetObjectItem(e, "note"));
		if (n && !strcmp(n, name) && t && !strcmp(t, type) && r && !strcmp(r, reason) &&
		    (!text || (note && strstr(note, text))))
			hit = true;
	}
	cJSON_Delete(evs);
	return hit;
}

static bool
wait_event(struct fx *f, const char *name, const char *type, const char *reason,
	   const char *text, int guard_ms)
{
	for (int t = 0; t < guard_ms; t += 100) {
		if (has_event(f, name, type, reason, text))
			return true;
		nap(100);
	}
	return false;
}

/* the sample created and converged, ops running */
static void
start_with_sample(struct fx *f)
{
	cJSON *o = sample_mcm(NAME, NULL);
	assert_int_equal(kcreate(f, &r_mcm, NS, o), FS_OK);
	cJSON_Delete(o);
	assert_true(start_ops(f, NULL));
	assert_true(converge(f, NAME, 20000));
}

/* ---------------------------------------------------------------- tests */

/* Every object the offline render gives exists with our labels and the
 * rendered fields: 15 for the sample (4 Services and their policies,
 * hostconf and its policy, the member MongoDB, its policy, the rsInit
 * and 2 VIP OverridePolicies); the finalizer is on. */
static void
test_renders_and_applies(void **state)
{
	struct fx *f = *state;
	start_with_sample(f);
	cJSON *obj = kget(f, &r_mcm, NS, NAME);
	cJSON *live = live_owned(f, NS, mstr(obj, "uid"));
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
	cJSON *mdb = kget(f, &r_mdb, NS, NAME);
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
	struct fx *f = *state;
	start_with_sample(f);
	/* let the last status write and its echo settle */
	int mark = 0, prev = -1;
	for (int t = 0; t < 5000 && mark != prev; t += 500) {
		prev = mark;
		nap(500);
		ops_writes(f, 0, &mark, true, NULL);
	}
	assert_int_equal(kpatch(f, &r_mcm, NS, NAME,
				"{\"metadata\":{\"annotations\":{\"touched\":\"1\"}}}", 0), FS_OK);
	nap(1500);
	int n = ops_writes(f, mark, NULL, true, NULL);
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
	struct fx *f = *state;
	start_with_sample(f);
	int mark = 0;
	ops_writes(f, 0, &mark, false, NULL);
	assert_int_equal(kpatch(f, &r_svc, NS, NAME "-mongodb-0",
				"{\"metadata\":{\"labels\":{\"team\":\"dba\"}}}", 0), FS_OK);
	assert_int_equal(kpatch(f, &r_pp, NS, NAME "-mongodb-0-pp",
				"{\"spec\":{\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"bogus\"]}}}}",
				0), FS_OK);
	assert_true(converge(f, NAME, 10000));
	cJSON *svc = kget(f, &r_svc, NS, NAME "-mongodb-0");
	assert_string_equal(fs_ops_label(svc, "team"), "dba");
	/* the allocated nodePort survived our patches too */
	assert_non_null(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
		cJSON_GetObjectItem(svc, "spec"), "ports"), 0), "nodePort"));
	cJSON_Delete(svc);
	nap(500);
	assert_int_equal(ops_writes(f, mark, NULL, false, "/services/"), 0);
	assert_int_equal(ops_writes(f, mark, NULL, false, "/propagationpolicies/" NAME "-mongodb-0-pp"), 1);
}

/* 4+1 -> 2+1: Services 2 and 3 and their policies are pruned, the rest
 * keep their names (ordinals are stable); then 2+1 -> 3+2+1 on a third
 * cluster. Each time the live set equals the offline render. */
static void
test_scale_prunes(void **state)
{
	struct fx *f = *state;
	start_with_sample(f);
	cJSON *svc0 = kget(f, &r_svc, NS, NAME "-mongodb-0");
	const char *uid0 = mstr(svc0, "uid");
	assert_int_equal(kpatch(f, &r_mcm, NS, NAME,
		"{\"metadata\":{\"annotations\":{\"schedulerResult\":"
		"\"{\\\"ClusterWithReplicaset\\\":[{\\\"cluster\\\":\\\"10-29-14-21\\\",\\\"replicaset\\\":2},"
		"{\\\"cluster\\\":\\\"10-29-14-25\\\",\\\"replicaset\\\":1}]}\"}},"
		"\"spec\":{\"replicaset\":3}}", 0), FS_OK);
	assert_true(converge(f, NAME, 15000));
	cJSON *gone = kget(f, &r_svc, NS, NAME "-mongodb-3");
	assert_null(gone);
	assert_null(kget(f, &r_pp, NS, NAME "-mongodb-2-pp"));
	cJSON *svc0b = kget(f, &r_svc, NS, NAME "-mongodb-0");
	assert_string_equal(mstr(svc0b, "uid"), uid0);
	cJSON_Delete(svc0b);
	cJSON_Delete(svc0);
	assert_int_equal(kpatch(f, &r_cluster, NULL, "10-29-14-30",
				"{\"metadata\":{\"labels\":{\"vip\":\"10.29.5.110\"}}}", 0), FS_OK);
	assert_int_equal(kpatch(f, &r_mcm, NS, NAME,
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
		cJSON *op = kget(f, &r_op, NS, NAME "-10-29-14-30-vip");
		cJSON *s2 = kget(f, &r_svc, NS, NAME "-mongodb-2");
		ok = op && s2;
		cJSON_Delete(op);
		cJSON_Delete(s2);
		if (!ok)
			nap(100);
	}
	assert_true(ok);
}

/* Member binding status -> federated status and an Event per change:
 * healthy -> Health, one member down -> SubHealth, a cluster missing ->
 * UnKnown; a binding of an earlier incarnation (stale uid) -> UnKnown. */
static void
test_status_from_member_binding(void **state)
{
	struct fx *f = *state;
	start_with_sample(f);
	assert_true(wait_state(f, NAME, "UnKnown", 5000));
	cJSON *mdb = kget(f, &r_mdb, NS, NAME);
	cJSON *rbs = load_first("tests/data/ops/rb-healthy.yaml");
	cJSON *rb = cJSON_DetachItemFromArray(rbs, 0);
	cJSON_Delete(rbs);
	cJSON *status = cJSON_DetachItemFromObject(rb, "status");
	cJSON *m = cJSON_GetObjectItem(rb, "metadata");
	static const char *const drop[] = {"creationTimestamp", "finalizers", "generation",
					   "resourceVersion", "uid", "ownerReferences"};
	for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
		cJSON_DeleteItemFromObject(m, drop[i]);
	cJSON *res = cJSON_GetObjectItem(cJSON_GetObjectItem(rb, "spec"), "resource");
	cJSON_ReplaceItemInObject(res, "uid", cJSON_CreateString(mstr(mdb, "uid")));
	assert_int_equal(kcreate(f, &r_rb, NS, rb), FS_OK);
	cJSON *patch = cJSON_CreateObject();
	cJSON_AddItemToObject(patch, "status", status);
	char *ps = cJSON_PrintUnformatted(patch);
	assert_int_equal(kpatch(f, &r_rb, NS, NAME "-mongodb", ps, FS_KUBE_STATUS), FS_OK);
	free(ps);
	cJSON_Delete(patch);
	assert_true(wait_state(f, NAME, "Health", 5000));
	assert_true(wait_event(f, NAME, "Normal", "StateChanged", "UnKnown -> Health", 3000));

	rbs = load_first("tests/data/ops/rb-degraded.yaml");
	cJSON *deg = cJSON_DetachItemFromArray(rbs, 0);
	cJSON_Delete(rbs);
	patch = cJSON_CreateObject();
	cJSON_AddItemToObject(patch, "status", cJSON_DetachItemFromObject(deg, "status"));
	cJSON_Delete(deg);
	ps = cJSON_PrintUnformatted(patch);
	assert_int_equal(kpatch(f, &r_rb, NS, NAME "-mongodb", ps, FS_KUBE_STATUS), FS_OK);
	free(ps);
	cJSON_Delete(patch);
	assert_true(wait_state(f, NAME, "SubHealth", 5000));
	assert_true(wait_event(f, NAME, "Warning", "StateChanged", "Health -> SubHealth", 3000));
	/* observedGeneration and our Rendered condition are there */
	cJSON *obj = kget(f, &r_mcm, NS, NAME);
	const cJSON *st = cJSON_GetObjectItem(obj, "status");
	assert_int_equal(cJSON_GetObjectItem(st, "observedGeneration")->valueint,
			 cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"), "generation")->valueint);
	cJSON_Delete(obj);

	/* one cluster missing */
	assert_int_equal(kpatch(f, &r_rb, NS, NAME "-mongodb",
		"{\"status\":{\"aggregatedStatus\":[{\"clusterName\":\"10-29-14-21\",\"applied\":true,"
		"\"status\":{\"state\":\"Running\",\"currentInfo\":{\"members\":4}}}]}}",
		FS_KUBE_STATUS), FS_OK);
	assert_true(wait_state(f, NAME, "UnKnown", 5000));

	/* healthy again, then stale: the binding names another incarnation
	 * of the member CR, so it reads as missing */
	patch = cJSON_CreateObject();
	cJSON_AddItemToObject(patch, "status", cJSON_Duplicate(cJSON_GetObjectItem(
		cJSON_GetArrayItem(rbs = load_first("tests/data/ops/rb-healthy.yaml"), 0), "status"), 1));
	cJSON_Delete(rbs);
	ps = cJSON_PrintUnformatted(patch);
	assert_int_equal(kpatch(f, &r_rb, NS, NAME "-mongodb", ps, FS_KUBE_STATUS), FS_OK);
	free(ps);
	cJSON_Delete(patch);
	assert_true(wait_state(f, NAME, "Health", 5000));
	assert_int_equal(kpatch(f, &r_rb, NS, NAME "-mongodb",
				"{\"spec\":{\"resource\":{\"uid\":\"an-earlier-one\"}}}", 0), FS_OK);
	assert_true(wait_state(f, NAME, "UnKnown", 5000));
	cJSON_Delete(rb);
	cJSON_Delete(mdb);
}

/* A bad annotation on one object: a Warning Event naming the field and
 * Rendered=False on it; a good object created after it converges. */
static void
test_bad_object_others_go_on(void **state)
{
	struct fx *f = *state;
	cJSON *bad = sample_mcm("bad", "{\"ClusterWithReplicaset\":[{\"cluster\":\"a\",\"replicaset\":\"4\"}]}");
	assert_int_equal(kcreate(f, &r_mcm, NS, bad), FS_OK);
	cJSON_Delete(bad);
	start_with_sample(f);
	assert_true(wait_event(f, "bad", "Warning", "RenderFailed",
			       "metadata.annotations.schedulerResult", 5000));
	cJSON *o = kget(f, &r_mcm, NS, "bad");
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
	cJSON *waiting = sample_mcm("waiting", NULL);
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(waiting, "metadata"), "annotations");
	assert_int_equal(kcreate(f, &r_mcm, NS, waiting), FS_OK);
	cJSON_Delete(waiting);
	cJSON *good = sample_mcm("other", NULL);
	assert_int_equal(kcreate(f, &r_mcm, NS, good), FS_OK);
	cJSON_Delete(good);
	assert_true(converge(f, "other", 15000));
	cJSON *w = kget(f, &r_mcm, NS, "waiting");
	cJSON *owned = live_owned(f, NS, mstr(w, "uid"));
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
	struct fx *f = *state;
	ensure_ns(f, "elsewhere");
	cJSON *foreign = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{"
		"\"name\":\"" NAME "-hostconf\",\"labels\":{\"fedstate.io/managed-by\":\"fedstate-ops\","
		"\"fedstate.io/owner-kind\":\"MultiCloudMongoDB\",\"fedstate.io/owner-name\":\"" NAME "\","
		"\"fedstate.io/owner-uid\":\"someone-else\"}},\"data\":{\"k\":\"v\"}}");
	assert_int_equal(kcreate(f, &r_cm, "elsewhere", foreign), FS_OK);
	cJSON_Delete(foreign);
	start_with_sample(f);
	assert_int_equal(kdelete(f, &r_mcm, NS, NAME), FS_OK);
	cJSON *obj = NULL;
	bool gone = false;
	for (int t = 0; t < 15000 && !gone; t += 100) {
		obj = kget(f, &r_mcm, NS, NAME);
		gone = !obj;
		cJSON_Delete(obj);
		if (!gone)
			nap(100);
	}
	assert_true(gone);
	for (size_t i = 0; i < sizeof owned_kinds / sizeof *owned_kinds; i++) {
		cJSON *items = klist(f, owned_kinds[i], NS, FS_OPS_LABEL_MANAGED_BY "=" FS_OPS_MANAGER);
		assert_int_equal(cJSON_GetArraySize(items), 0);
		cJSON_Delete(items);
	}
	cJSON *still = kget(f, &r_cm, "elsewhere", NAME "-hostconf");
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
	struct fx *f = *state;
	assert_true(start_ops(f, NULL));
	nap(300);
	cJSON *o = sample_mcm(NAME, NULL);
	assert_int_equal(kcreate(f, &r_mcm, NS, o), FS_OK);
	cJSON_Delete(o);
	for (int t = 0; t < 5000; t += 10) { /* until the first Service exists */
		cJSON *s = kget(f, &r_svc, NS, NAME "-mongodb-0");
		bool have = s != NULL;
		cJSON_Delete(s);
		if (have)
			break;
		nap(10);
	}
	dm_kill9(&f->ops);
	assert_true(start_ops(f, NULL));
	assert_true(converge(f, NAME, 20000));
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
	struct fx *f = *state;
	start_with_sample(f);
	cJSON *s0 = kget(f, &r_svc, NS, NAME "-mongodb-0");
	char uid0[64];
	snprintf(uid0, sizeof uid0, "%s", mstr(s0, "uid"));
	cJSON_Delete(s0);
	assert_int_equal(ta_proc_admin(&f->ta, "fail?status=500&count=8&agent=fedstate-ops"), 200);
	assert_int_equal(kpatch(f, &r_pp, NS, NAME "-mongodb-1-pp",
		"{\"spec\":{\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"bogus\"]}}}}", 0), FS_OK);
	assert_true(converge(f, NAME, 20000));
	assert_int_equal(ta_proc_admin(&f->ta, "restart?keep=1&down-ms=300"), 200);
	nap(600);
	assert_int_equal(kpatch(f, &r_pp, NS, NAME "-mongodb-2-pp",
		"{\"spec\":{\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"bogus\"]}}}}", 0), FS_OK);
	assert_true(converge(f, NAME, 20000));
	cJSON *s = kget(f, &r_svc, NS, NAME "-mongodb-0");
	assert_string_equal(mstr(s, "uid"), uid0);
	cJSON_Delete(s);
}

/* SIGHUP reloads the config (fedstate_config_reloads_total), the ops
 * metrics are there; SIGTERM drains with exit 0. */
static void
test_reload_metrics_and_drain(void **state)
{
	struct fx *f = *state;
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
			nap(100);
	}
	assert_true(seen);
	int st = dm_stop(&f->ops, 5000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* With leader election: the controller writes once it holds the Lease. */
static void
test_leader_election(void **state)
{
	struct fx *f = *state;
	ensure_ns(f, "karmada-system");
	cJSON *o = sample_mcm(NAME, NULL);
	assert_int_equal(kcreate(f, &r_mcm, NS, o), FS_OK);
	cJSON_Delete(o);
	assert_true(start_ops(f, "--leader-elect"));
	assert_true(converge(f, NAME, 20000));
	static const struct fs_kube_resource r_lease = {"coordination.k8s.io", "v1", "leases",
							"Lease", true};
	cJSON *lease = kget(f, &r_lease, "karmada-system", "fedstate-ops");
	assert_non_null(lease);
	cJSON_Delete(lease);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_renders_and_applies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_pass_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_field_survives_owned_restored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scale_prunes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_from_member_binding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_object_others_go_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_removes_children_then_finalizer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill9_restart_converges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults_converge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_metrics_and_drain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leader_election, setup, teardown),
	};
	if (getenv("OPSD_TEST")) /* one test by name (a pattern) while iterating */
		cmocka_set_test_filter(getenv("OPSD_TEST"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
