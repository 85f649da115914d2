/*
 * tests/unit/lib/opsd_fixture.c - the fixture of the `fedstate ops`
 * end-to-end suites (opsd_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "opsd_fixture.h"
#include "loop_wait.h"
#include "ops/input.h"
#include "ops/object.h"
#include "ops/ops.h"
#include "ops/render.h"
#include "opsd/apply.h"
#include "plugin/loader.h"
#include "runtime/runtime.h"

const struct fs_kube_resource of_r_mcm = {"middleware.fedstate.io", "v1alpha1",
					      "multicloudmongodbs", "MultiCloudMongoDB", true};
const struct fs_kube_resource of_r_mdb = {"middleware.fedstate.io", "v1alpha1",
					      "mongodbs", "MongoDB", true};
const struct fs_kube_resource of_r_svc = {"", "v1", "services", "Service", true};
const struct fs_kube_resource of_r_cm = {"", "v1", "configmaps", "ConfigMap", true};
const struct fs_kube_resource of_r_pp = {"policy.karmada.io", "v1alpha1",
					     "propagationpolicies", "PropagationPolicy", true};
const struct fs_kube_resource of_r_op = {"policy.karmada.io", "v1alpha1",
					     "overridepolicies", "OverridePolicy", true};
const struct fs_kube_resource of_r_rb = {"work.karmada.io", "v1alpha2",
					     "resourcebindings", "ResourceBinding", true};
const struct fs_kube_resource of_r_cluster = {"cluster.karmada.io", "v1alpha1",
						  "clusters", "Cluster", false};
const struct fs_kube_resource of_r_ns = {"", "v1", "namespaces", "Namespace", false};
const struct fs_kube_resource of_r_ev = {"events.k8s.io", "v1", "events", "Event", true};

const struct fs_kube_resource of_r_sts = {"apps", "v1", "statefulsets", "StatefulSet", true};
const struct fs_kube_resource of_r_mcr = {"middleware.fedstate.io", "v1alpha1",
					  "multicloudredises", "MultiCloudRedis", true};

/* every kind the mongodb and redis plugins render */
const struct fs_kube_resource *const of_owned_kinds[] = {
	&of_r_svc, &of_r_cm, &of_r_pp, &of_r_op, &of_r_mdb, &of_r_sts,
};
const size_t of_n_owned_kinds = sizeof of_owned_kinds / sizeof *of_owned_kinds;

void
of_nap(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

cJSON *
of_kcall(struct fs_kube_call *call, enum fs_code *code)
{
	cJSON *out = NULL;
	char *err = NULL;
	enum fs_code rc = fs_kube_wait(call, &out, &err);
	if (code)
		*code = rc;
	free(err);
	return out;
}

cJSON *
of_kget(struct of_fx *f, const struct fs_kube_resource *r, const char *ns, const char *name)
{
	return of_kcall(fs_kube_get(f->c, r, ns, name, NULL, NULL), NULL);
}

enum fs_code
of_kcreate(struct of_fx *f, const struct fs_kube_resource *r, const char *ns, const cJSON *obj)
{
	enum fs_code rc;
	cJSON_Delete(of_kcall(fs_kube_create(f->c, r, ns, obj, 0, NULL, NULL), &rc));
	return rc;
}

enum fs_code
of_kpatch(struct of_fx *f, const struct fs_kube_resource *r, const char *ns, const char *name,
       const char *patch, uint32_t flags)
{
	enum fs_code rc;
	cJSON_Delete(of_kcall(fs_kube_patch(f->c, r, ns, name, FS_KUBE_MERGE_PATCH, patch, flags,
					 NULL, NULL), &rc));
	return rc;
}

enum fs_code
of_kdelete(struct of_fx *f, const struct fs_kube_resource *r, const char *ns, const char *name)
{
	enum fs_code rc;
	cJSON_Delete(of_kcall(fs_kube_delete(f->c, r, ns, name, NULL, 0, NULL, NULL), &rc));
	return rc;
}

/* items of a list (caller frees) */
cJSON *
of_klist(struct of_fx *f, const struct fs_kube_resource *r, const char *ns, const char *sel)
{
	struct fs_kube_list_opts lo = {.label_selector = sel};
	cJSON *l = of_kcall(fs_kube_list(f->c, r, ns, &lo, NULL, NULL), NULL);
	cJSON *items = cJSON_DetachItemFromObjectCaseSensitive(l, "items");
	cJSON_Delete(l);
	return items ? items : cJSON_CreateArray();
}

const char *
of_mstr(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(o, "metadata"), key));
}

cJSON *
of_load_first(const char *rel)
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
cJSON *
of_sample_mcm(const char *name, const char *sched)
{
	cJSON *arr = of_load_first("tests/data/ops/mcmongo-sample.yaml");
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

void
of_ensure_ns(struct of_fx *f, const char *ns)
{
	cJSON *o = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{}}");
	cJSON_AddStringToObject(cJSON_GetObjectItem(o, "metadata"), "name", ns);
	of_kcreate(f, &of_r_ns, NULL, o);
	cJSON_Delete(o);
}

bool
of_start_ops(struct of_fx *f, const char *extra)
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

bool
of_start_ops_with(struct of_fx *f, const char *const *extra)
{
	const char *args[24] = {"ops", "--config", f->opsyaml, "--kubeconfig", f->ta.kubeconfig,
				"--metrics-bind-address", "127.0.0.1:0",
				"--health-probe-bind-address", "127.0.0.1:0", "-v", "2"};
	size_t n = 11;
	for (size_t i = 0; extra && extra[i] && n < 23; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	return dm_start(&f->ops, &f->ta, "ops", args);
}

int
of_setup_with(void **state, const char *middlewares)
{
	struct of_fx *f = calloc(1, sizeof *f);
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
		   "pluginDirs: [%s/plugins]\nmiddlewares:\n%s",
		build && build[0] ? build : "build", middlewares);
	fclose(y);
	cJSON *clusters = of_load_first("tests/data/ops/clusters.yaml");
	const cJSON *c;
	cJSON_ArrayForEach(c, clusters) of_kcreate(f, &of_r_cluster, NULL, c);
	cJSON_Delete(clusters);
	of_ensure_ns(f, OF_NS);
	*state = f;
	return 0;
}

int
of_setup(void **state)
{
	return of_setup_with(state, "- name: mongodb\n  kind: MultiCloudMongoDB\n"
				    "  args: {vipLabel: vip, port: 27017}\n");
}

int
of_teardown(void **state)
{
	struct of_fx *f = *state;
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

/* every object in ns rendered for owner uid, from the server */
cJSON *
of_live_owned(struct of_fx *f, const char *ns, const char *uid)
{
	char sel[256];
	snprintf(sel, sizeof sel, "%s=%s,%s=%s", FS_OPS_LABEL_MANAGED_BY, FS_OPS_MANAGER,
		 FS_OPS_LABEL_OWNER_UID, uid);
	cJSON *all = cJSON_CreateArray();
	for (size_t i = 0; i < of_n_owned_kinds; i++) {
		cJSON *items = of_klist(f, of_owned_kinds[i], ns, sel);
		cJSON *it;
		while ((it = cJSON_DetachItemFromArray(items, 0))) {
			cJSON_AddStringToObject(it, "kind", of_owned_kinds[i]->kind);
			char av[96];
			snprintf(av, sizeof av, "%s%s%s", of_owned_kinds[i]->group,
				 of_owned_kinds[i]->group[0] ? "/" : "", of_owned_kinds[i]->version);
			cJSON_AddStringToObject(it, "apiVersion", av);
			cJSON_AddItemToArray(all, it);
		}
		cJSON_Delete(items);
	}
	return all;
}

/* The offline render (what `fedstate render --allocate-nodeports` gives,
 * with the ports the server holds) of the live federated object. */
cJSON *
of_offline_render(struct of_fx *f, const cJSON *obj, const cJSON *existing)
{
	struct fs_runtime *rt = fs_runtime_new(NULL);
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_ops_config *cfg = NULL;
	struct fs_ops *ops = NULL;
	cJSON *desired = NULL;
	if (fs_ops_config_load(f->opsyaml, &cfg, &d) == FS_OK &&
	    fs_ops_open(fs_runtime_registry(rt), cfg, NULL, 0, &ops, &d) == FS_OK) {
		cJSON *clusters = of_load_first("tests/data/ops/clusters.yaml");
		struct fs_ops_input in = {.object = obj, .clusters = clusters, .existing = existing};
		struct fs_ops_output out;
		char err[1024];
		const struct fs_ops_mw *mw = fs_ops_find(ops, cJSON_GetStringValue(cJSON_GetObjectItem(obj, "apiVersion")),
						       cJSON_GetStringValue(cJSON_GetObjectItem(obj, "kind")));
		if (!mw)
			fprintf(stderr, "offline render: no plugin for the object's kind\n");
		else if (fs_ops_render(mw, &in, &out, err, sizeof err) == FS_OK) {
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
bool
of_matches(struct of_fx *f, const struct fs_kube_resource *r, const char *ns,
	   const char *name, char *why, size_t n)
{
	cJSON *obj = of_kget(f, r, ns, name);
	if (!obj) {
		snprintf(why, n, "no object");
		return false;
	}
	cJSON *live = of_live_owned(f, ns, of_mstr(obj, "uid"));
	cJSON *desired = of_offline_render(f, obj, live);
	bool ok = desired && cJSON_GetArraySize(desired) == cJSON_GetArraySize(live);
	if (!desired)
		snprintf(why, n, "the offline render is incomplete");
	else if (!ok)
		snprintf(why, n, "%d live objects, %d rendered", cJSON_GetArraySize(live),
			 cJSON_GetArraySize(desired));
	const cJSON *d, *list = ok ? desired : NULL;
	cJSON_ArrayForEach(d, list)
	{
		struct fs_ops_ref dr;
		fs_ops_ref_of(d, &dr);
		const cJSON *l, *hit = NULL;
		cJSON_ArrayForEach(l, live)
		{
			struct fs_ops_ref lr;
			if (fs_ops_ref_of(l, &lr) && fs_ops_ref_same(&dr, &lr))
				hit = l;
		}
		if (!hit || !fs_opsd_subset(d, hit)) {
			snprintf(why, n, "%s %s: %s", dr.kind, dr.name, hit ? "differs" : "missing");
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
bool
of_converge_obj(struct of_fx *f, const struct fs_kube_resource *r, const char *ns,
		const char *name, int guard_ms)
{
	char why[512] = "";
	for (int t = 0; t < guard_ms; t += 100) {
		if (of_matches(f, r, ns, name, why, sizeof why))
			return true;
		of_nap(100);
	}
	fprintf(stderr, "%s did not converge: %s\n", name, why);
	return false;
}

bool
of_converge(struct of_fx *f, const char *name, int guard_ms)
{
	return of_converge_obj(f, &of_r_mcm, OF_NS, name, guard_ms);
}

/* writes made by fedstate-ops (Events excluded unless with_events) from
 * index `from` of the server's write log; *end gets the log's length */
int
of_ops_writes(struct of_fx *f, int from, int *end, bool with_events, const char *path_part)
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

const char *
of_state_of(struct of_fx *f, const struct fs_kube_resource *r, const char *name)
{
	static char buf[64];
	cJSON *o = of_kget(f, r, OF_NS, name);
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(o, "status"), "state"));
	snprintf(buf, sizeof buf, "%s", s ? s : "");
	cJSON_Delete(o);
	return buf;
}

const char *
of_status_state(struct of_fx *f, const char *name)
{
	return of_state_of(f, &of_r_mcm, name);
}

bool
of_wait_state_of(struct of_fx *f, const struct fs_kube_resource *r, const char *name,
		 const char *want, int guard_ms)
{
	for (int t = 0; t < guard_ms; t += 100) {
		if (!strcmp(of_state_of(f, r, name), want))
			return true;
		of_nap(100);
	}
	fprintf(stderr, "%s: state %s, expected %s\n", name, of_state_of(f, r, name), want);
	return false;
}

bool
of_wait_state(struct of_fx *f, const char *name, const char *want, int guard_ms)
{
	return of_wait_state_of(f, &of_r_mcm, name, want, guard_ms);
}

/* an Event about `name` with this reason whose note contains `text` */
bool
of_has_event(struct of_fx *f, const char *name, const char *type, const char *reason,
	  const char *text)
{
	cJSON *evs = of_klist(f, &of_r_ev, OF_NS, NULL);
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

bool
of_wait_event(struct of_fx *f, const char *name, const char *type, const char *reason,
	   const char *text, int guard_ms)
{
	for (int t = 0; t < guard_ms; t += 100) {
		if (of_has_event(f, name, type, reason, text))
			return true;
		of_nap(100);
	}
	return false;
}

