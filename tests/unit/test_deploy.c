/*
 * test_deploy.c - deploy/ as an admin applies it. `kubectl kustomize
 * deploy/` renders, every source file and every rendered object parses
 * with the project's YAML reader and says which API server it belongs on;
 * RBAC grants exactly the table below (each verb with the call that needs
 * it) and covers every kind the middleware plugins render; both
 * Deployments run as docs/daemon.md and the issue say; the generated
 * ConfigMaps are config/scheduler.yaml and ops.yaml byte for byte; against fedstate-testapi,
 * `kubectl apply --dry-run=server -k` and `kubectl apply -k` succeed
 * (skipped, with a message, while the test server lacks the built-in
 * kinds).
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "lib/plugin_harness.h"
#include "lib/testapi_proc.h"
#include "util/buf.h"
#include "util/doc.h"

#define NS "fedstate-system"
#define L_KARMADA "install.fedstate.io/karmada-apiserver"
#define L_HOST "install.fedstate.io/host"

/* ---------------------------------------------------------------- the grants
 * Every permission on the Karmada API server, per daemon. scope: "*" for
 * a ClusterRole, else the Role's namespace. name: a resourceName, or NULL
 * for any. No `get` on informer kinds: the daemons read them from the
 * informer caches (core/scheduler/controller.c), never one by one; add
 * it here and in deploy/ with the call the day one does. */
struct grant {
	const char *sa, *scope, *group, *resource, *verb, *name, *why;
	bool seen;
};

#define SCHED "fedstate-scheduler"
#define OPS "fedstate-ops"
#define CRD_VERBS(sa, g, r, why)                                                 \
	{sa, "*", g, r, "list", NULL, why ": informer list (kube/informer.c)", false}, \
	{sa, "*", g, r, "watch", NULL, why ": informer watch (kube/informer.c)", false}
#define WRITE_VERBS(g, r)                                                        \
	CRD_VERBS(OPS, g, r, "rendered kind: live state for the merge and prune"), \
	{OPS, "*", g, r, "create", NULL, "rendered kind: created when missing", false}, \
	{OPS, "*", g, r, "patch", NULL, "rendered kind: applied as a merge, never a replace", false}, \
	{OPS, "*", g, r, "delete", NULL, "rendered kind: pruned (docs/ops.md)", false}
#define DAEMON_COMMON(sa)                                                        \
	{sa, "*", "", "events", "create", NULL, "Events (kube/events.c: core fallback)", false}, \
	{sa, "*", "", "events", "patch", NULL, "Events: a repeat bumps the count (kube/events.c)", false}, \
	{sa, "*", "events.k8s.io", "events", "create", NULL, "Events (kube/events.c)", false}, \
	{sa, "*", "events.k8s.io", "events", "patch", NULL, "Events: series update (kube/events.c)", false}, \
	{sa, NS, "coordination.k8s.io", "leases", "create", NULL, "first leader creates its Lease (kube/leader.c)", false}, \
	{sa, NS, "coordination.k8s.io", "leases", "get", sa, "followers read the holder (kube/leader.c)", false}, \
	{sa, NS, "coordination.k8s.io", "leases", "update", sa, "acquire and renew (kube/leader.c)", false}, \
	{sa, NS, "coordination.k8s.io", "leases", "patch", sa, "release on drain (kube/leader.c)", false}

static struct grant grants[] = {
	CRD_VERBS(SCHED, "cluster.karmada.io", "clusters", "the fleet the cycle filters"),
	{SCHED, "*", "cluster.karmada.io", "clusters/proxy", "get", NULL,
	 "storageclass plugin: members' StorageClasses (plugins/storageclass/fetch.c)", false},
	CRD_VERBS(SCHED, "work.karmada.io", "resourcebindings", "bindings to schedule"),
	CRD_VERBS(SCHED, "work.karmada.io", "clusterresourcebindings", "bindings to schedule"),
	{SCHED, "*", "work.karmada.io", "resourcebindings", "patch", NULL,
	 "spec.clusters + applied-placement (sched/writeback.h)", false},
	{SCHED, "*", "work.karmada.io", "clusterresourcebindings", "patch", NULL,
	 "spec.clusters + applied-placement (sched/writeback.h)", false},
	{SCHED, "*", "work.karmada.io", "resourcebindings/status", "patch", NULL,
	 "Scheduled condition (sched/writeback.h)", false},
	{SCHED, "*", "work.karmada.io", "clusterresourcebindings/status", "patch", NULL,
	 "Scheduled condition (sched/writeback.h)", false},
	CRD_VERBS(SCHED, "middleware.fedstate.io", "multicloudmongodbs", "federated middleware"),
	CRD_VERBS(SCHED, "middleware.fedstate.io", "multicloudredises", "federated middleware"),
	{SCHED, "*", "middleware.fedstate.io", "multicloudmongodbs", "patch", NULL,
	 "schedulerResult annotation (sched/writeback.h)", false},
	{SCHED, "*", "middleware.fedstate.io", "multicloudredises", "patch", NULL,
	 "schedulerResult annotation (sched/writeback.h)", false},
	DAEMON_COMMON(SCHED),

	CRD_VERBS(OPS, "cluster.karmada.io", "clusters", "VIP labels render reads (render_cluster_label)"),
	CRD_VERBS(OPS, "work.karmada.io", "resourcebindings", "members' aggregatedStatus (fs_ops_status)"),
	CRD_VERBS(OPS, "middleware.fedstate.io", "multicloudmongodbs", "objects to reconcile"),
	CRD_VERBS(OPS, "middleware.fedstate.io", "multicloudredises", "objects to reconcile"),
	{OPS, "*", "middleware.fedstate.io", "multicloudmongodbs", "patch", NULL,
	 "the fedstate.io/ops finalizer (issue 12)", false},
	{OPS, "*", "middleware.fedstate.io", "multicloudredises", "patch", NULL,
	 "the fedstate.io/ops finalizer (issue 12)", false},
	{OPS, "*", "middleware.fedstate.io", "multicloudmongodbs/status", "patch", NULL,
	 "aggregated status (issue 12)", false},
	{OPS, "*", "middleware.fedstate.io", "multicloudredises/status", "patch", NULL,
	 "aggregated status (issue 12)", false},
	WRITE_VERBS("middleware.fedstate.io", "mongodbs"),
	WRITE_VERBS("policy.karmada.io", "propagationpolicies"),
	WRITE_VERBS("policy.karmada.io", "overridepolicies"),
	WRITE_VERBS("", "services"),
	WRITE_VERBS("", "configmaps"),
	WRITE_VERBS("apps", "statefulsets"),
	DAEMON_COMMON(OPS),
};
#define N_GRANTS (sizeof grants / sizeof grants[0])

/* ---------------------------------------------------------------- helpers */

static struct fs_docset *rendered;
static char *kubectl_missing; /* why the kubectl tests skip, or NULL */

/* run cmd; stdout+stderr into *out (caller frees); the exit code */
static int
run(const char *cmd, char **out)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_read(&b, p);
	int st = pclose(p);
	*out = fs_buf_detach(&b);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const cJSON *
at(const cJSON *o, const char *path)
{
	char key[128];
	while (o && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof key, "%.*s", (int)n, path);
		o = cJSON_GetObjectItemCaseSensitive(o, key);
		path += n + (path[n] == '.');
	}
	return o;
}

/* "a.b.c"; NULL when absent or not a string */
static const char *
str(const cJSON *o, const char *path)
{
	o = at(o, path);
	return cJSON_IsString(o) ? o->valuestring : NULL;
}

/* a key that has dots itself (a label) */
static const char *
key(const cJSON *map, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(map, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *
find(const char *kind, const char *name)
{
	for (size_t i = 0; i < fs_docset_count(rendered); i++) {
		const cJSON *o = fs_docset_doc(rendered, i);
		if (strcmp(str(o, "kind") ? str(o, "kind") : "", kind) == 0 &&
		    strcmp(str(o, "metadata.name") ? str(o, "metadata.name") : "", name) == 0)
			return o;
	}
	return NULL;
}

static bool
has_string(const cJSON *arr, const char *s)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
		if (cJSON_IsString(it) && strcmp(it->valuestring, s) == 0)
			return true;
	return false;
}

#define NEED_KUBECTL()                                                           \
	do {                                                                     \
		if (kubectl_missing) {                                           \
			print_message("skipped: %s\n", kubectl_missing);         \
			skip();                                                  \
		}                                                                \
	} while (0)

/* ---------------------------------------------------------------- tests */

static void
test_sources_parse(void **st)
{
	(void)st;
	glob_t g;
	assert_int_equal(glob(ph_src_path("deploy/*.yaml"), 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 8);
	for (size_t i = 0; i <= g.gl_pathc; i++) {
		const char *f = i < g.gl_pathc ? g.gl_pathv[i] : ph_src_path("config/kustomization.yaml");
		struct fs_diags d = FS_DIAGS_INIT;
		struct fs_docset *ds;
		if (fs_docset_load_file(&ds, f, &d) != FS_OK) {
			fs_diags_print(&d, stderr);
			fail_msg("%s does not parse", f);
		}
		assert_true(fs_docset_count(ds) >= 1);
		fs_docset_free(ds);
		fs_diags_release(&d);
	}
	globfree(&g);
}

/* every object: apiVersion, kind, name, an install target; namespaced
 * ones in fedstate-system; the CRDs and customization of config/ */
static void
test_rendered_objects(void **st)
{
	(void)st;
	NEED_KUBECTL();
	static const char *const cluster_kinds[] = {"Namespace", "ClusterRole", "ClusterRoleBinding",
		"CustomResourceDefinition", "ResourceInterpreterCustomization", NULL};
	size_t n_k = 0, n_h = 0;
	for (size_t i = 0; i < fs_docset_count(rendered); i++) {
		const cJSON *o = fs_docset_doc(rendered, i);
		const char *kind = str(o, "kind"), *name = str(o, "metadata.name");
		assert_non_null(str(o, "apiVersion"));
		assert_non_null(kind);
		assert_non_null(name);
		const cJSON *labels = at(o, "metadata.labels");
		bool k = key(labels, L_KARMADA) != NULL;
		bool h = key(labels, L_HOST) != NULL;
		if (!k && !h)
			fail_msg("%s %s: no install target label (%s or %s)", kind, name, L_KARMADA, L_HOST);
		n_k += k;
		n_h += h;
		if (!key(labels, "app.kubernetes.io/part-of"))
			fail_msg("%s %s: no app.kubernetes.io/part-of label", kind, name);
		bool cluster = false;
		for (size_t j = 0; cluster_kinds[j]; j++)
			cluster |= strcmp(kind, cluster_kinds[j]) == 0;
		if (cluster)
			assert_null(str(o, "metadata.namespace"));
		else if (!str(o, "metadata.namespace") || strcmp(str(o, "metadata.namespace"), NS))
			fail_msg("%s %s: namespace '%s', expected '%s'", kind, name,
				 str(o, "metadata.namespace") ? str(o, "metadata.namespace") : "", NS);
	}
	assert_true(n_k > 0 && n_h > 0);
	/* every CRD of config/crd/ and the customization are in */
	static const char *const crds[] = {"multicloudmongodbs.middleware.fedstate.io",
		"mongodbs.middleware.fedstate.io", "multicloudredises.middleware.fedstate.io", NULL};
	glob_t g;
	assert_int_equal(glob(ph_src_path("config/crd/*.yaml"), 0, NULL, &g), 0);
	size_t n = 0;
	for (size_t i = 0; crds[i]; i++, n++)
		if (!find("CustomResourceDefinition", crds[i]))
			fail_msg("CRD %s is not rendered", crds[i]);
	assert_int_equal(n, g.gl_pathc);
	globfree(&g);
	assert_non_null(find("ResourceInterpreterCustomization", "fedstate-mongodb"));
}

static struct grant *
lookup(const char *sa, const char *scope, const char *group, const char *res,
       const char *verb, const char *name)
{
	for (size_t i = 0; i < N_GRANTS; i++) {
		struct grant *g = &grants[i];
		if (!strcmp(g->sa, sa) && !strcmp(g->scope, scope) && !strcmp(g->group, group) &&
		    !strcmp(g->resource, res) && !strcmp(g->verb, verb) &&
		    ((!g->name && !name) || (g->name && name && !strcmp(g->name, name))))
			return g;
	}
	return NULL;
}

static void
check_rule(const char *sa, const char *scope, const char *role, const cJSON *rule)
{
	const cJSON *gr, *re, *ve, *nm;
	const cJSON *names = at(rule, "resourceNames");
	cJSON_ArrayForEach(gr, at(rule, "apiGroups"))
	cJSON_ArrayForEach(re, at(rule, "resources"))
	cJSON_ArrayForEach(ve, at(rule, "verbs")) {
		if (!strcmp(gr->valuestring, "*") || !strcmp(re->valuestring, "*") ||
		    !strcmp(ve->valuestring, "*"))
			fail_msg("%s: a wildcard grants more than the table", role);
		if (cJSON_GetArraySize(names) == 0) {
			struct grant *g = lookup(sa, scope, gr->valuestring, re->valuestring,
						 ve->valuestring, NULL);
			if (!g)
				fail_msg("%s grants %s '%s' %s %s (scope %s), which the table in "
					 "test_deploy.c does not list; add it with the call that needs it",
					 role, sa, gr->valuestring, re->valuestring, ve->valuestring, scope);
			g->seen = true;
		}
		cJSON_ArrayForEach(nm, names) {
			struct grant *g = lookup(sa, scope, gr->valuestring, re->valuestring,
						 ve->valuestring, nm->valuestring);
			if (!g)
				fail_msg("%s grants %s '%s' %s %s on %s, not in the table", role, sa,
					 gr->valuestring, re->valuestring, ve->valuestring, nm->valuestring);
			g->seen = true;
		}
	}
}

static void
test_rbac_grants_exactly_the_table(void **st)
{
	(void)st;
	NEED_KUBECTL();
	size_t bindings = 0;
	for (size_t i = 0; i < fs_docset_count(rendered); i++) {
		const cJSON *b = fs_docset_doc(rendered, i);
		const char *kind = str(b, "kind");
		bool cluster = !strcmp(kind, "ClusterRoleBinding");
		if (!cluster && strcmp(kind, "RoleBinding"))
			continue;
		bindings++;
		const char *rk = str(b, "roleRef.kind"), *rn = str(b, "roleRef.name");
		const cJSON *role = find(rk, rn);
		if (!role)
			fail_msg("%s %s: its %s %s is not in deploy/", kind, str(b, "metadata.name"), rk, rn);
		const char *scope = cluster ? "*" : str(b, "metadata.namespace");
		if (!cluster && !strcmp(rk, "Role"))
			assert_string_equal(str(role, "metadata.namespace"), scope);
		const cJSON *s, *rule;
		cJSON_ArrayForEach(s, at(b, "subjects")) {
			assert_string_equal(str(s, "kind"), "ServiceAccount");
			assert_string_equal(str(s, "namespace"), NS);
			assert_non_null(find("ServiceAccount", str(s, "name")));
			cJSON_ArrayForEach(rule, at(role, "rules"))
				check_rule(str(s, "name"), scope, rn, rule);
		}
	}
	assert_int_equal(bindings, 4);
	for (size_t i = 0; i < N_GRANTS; i++)
		if (!grants[i].seen)
			fail_msg("the table lists %s '%s' %s %s (%s), which deploy/ does not grant",
				 grants[i].sa, grants[i].group, grants[i].resource, grants[i].verb,
				 grants[i].why);
}

/* the kinds `fedstate render` makes for the samples, each writable by ops */
static void
test_ops_may_write_every_rendered_kind(void **st)
{
	(void)st;
	static const char *const samples[] = {"mcmongo-sample.yaml", "mcredis-sample.yaml", NULL};
	size_t kinds = 0;
	for (size_t s = 0; samples[s]; s++) {
		char cmd[8192], obj[4096], *out;
		snprintf(obj, sizeof obj, "%s%s", ph_src_path("tests/data/ops/"), samples[s]);
		snprintf(cmd, sizeof cmd, "'%s' render --config '%s' --object '%s' --clusters '%s' "
			 "--allocate-nodeports --output json 2>&1", ph_build_path("bin/fedstate"),
			 ph_src_path("config/ops.yaml"), obj, ph_src_path("tests/data/ops/clusters.yaml"));
		if (run(cmd, &out) != 0)
			fail_msg("%s: %s", cmd, out);
		cJSON *j = cJSON_Parse(out);
		assert_non_null(j);
		const cJSON *o;
		cJSON_ArrayForEach(o, at(j, "desired")) {
			const char *api = str(o, "apiVersion"), *slash = strchr(api, '/');
			char group[128], plural[128];
			snprintf(group, sizeof group, "%.*s", slash ? (int)(slash - api) : 0, api);
			size_t n = 0;
			for (const char *k = str(o, "kind"); *k && n < sizeof plural - 4; k++)
				plural[n++] = (char)(*k >= 'A' && *k <= 'Z' ? *k + 32 : *k);
			plural[n] = '\0';
			if (n && plural[n - 1] == 'y')
				strcpy(plural + n - 1, "ies");
			else
				strcat(plural, plural[n - 1] == 's' ? "es" : "s");
			static const char *const verbs[] = {"list", "watch", "create", "patch",
							    "delete", NULL};
			for (size_t v = 0; verbs[v]; v++)
				if (!lookup(OPS, "*", group, plural, verbs[v], NULL))
					fail_msg("%s renders %s (%s '%s' %s) but fedstate-ops may not %s it",
						 samples[s], str(o, "kind"), api, group, plural, verbs[v]);
			kinds++;
		}
		cJSON_Delete(j);
		free(out);
	}
	assert_true(kinds >= 10);
}

static const char *
arg_value(const cJSON *args, const char *flag) /* "--flag=VALUE" */
{
	const cJSON *a;
	size_t n = strlen(flag);
	cJSON_ArrayForEach(a, args)
		if (!strncmp(a->valuestring, flag, n) && a->valuestring[n] == '=')
			return a->valuestring + n + 1;
	return NULL;
}

static const cJSON *
named(const cJSON *arr, const char *key, const char *value)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
		if (str(it, key) && !strcmp(str(it, key), value))
			return it;
	return NULL;
}

static void
check_deployment(const char *daemon, const char **secret)
{
	char name[64], label[80];
	snprintf(name, sizeof name, "fedstate-%s", daemon);
	const cJSON *d = find("Deployment", name);
	if (!d)
		fail_msg("no Deployment %s", name);
	assert_int_equal(at(d, "spec.replicas")->valueint, 2);
	const cJSON *pod = at(d, "spec.template.spec");
	const cJSON *c = cJSON_GetArrayItem(at(pod, "containers"), 0);
	const cJSON *args = at(c, "args");
	assert_string_equal(cJSON_GetArrayItem(args, 0)->valuestring, daemon);
	assert_string_equal(arg_value(args, "--leader-elect"), "true");
	assert_string_equal(arg_value(args, "--leader-elect-resource-name"), name);
	assert_string_equal(arg_value(args, "--leader-elect-resource-namespace"), NS);
	assert_string_equal(arg_value(args, "--metrics-bind-address"), ":8080");
	assert_string_equal(arg_value(args, "--health-probe-bind-address"), ":10351");
	/* the real flag parser takes them (--help last: everything before it
	 * is parsed); ops only once `fedstate ops` exists */
	char cmd[8192], *out;
	int n = snprintf(cmd, sizeof cmd, "'%s'", ph_build_path("bin/fedstate"));
	const cJSON *a;
	cJSON_ArrayForEach(a, args)
		n += snprintf(cmd + n, sizeof cmd - (size_t)n, " '%s'", a->valuestring);
	snprintf(cmd + n, sizeof cmd - (size_t)n, " --help 2>&1");
	int rc = run(cmd, &out);
	if (rc != 0 && strstr(out, "unknown command"))
		print_message("not checked: fedstate %s does not exist yet\n", daemon);
	else if (rc != 0)
		fail_msg("%s: the daemon refuses the Deployment's args: %s", name, out);
	free(out);
	/* the Lease the Role names is this one */
	snprintf(label, sizeof label, "%s-leader-election", name);
	assert_true(has_string(at(cJSON_GetArrayItem(at(find("Role", label), "rules"), 1),
				  "resourceNames"), name));
	/* identity: its own ServiceAccount, no host token */
	assert_string_equal(str(pod, "serviceAccountName"), name);
	assert_true(cJSON_IsFalse(at(pod, "automountServiceAccountToken")));
	/* hardening */
	assert_true(cJSON_IsTrue(at(pod, "securityContext.runAsNonRoot")));
	assert_string_equal(str(pod, "securityContext.seccompProfile.type"), "RuntimeDefault");
	assert_true(cJSON_IsTrue(at(c, "securityContext.readOnlyRootFilesystem")));
	assert_true(cJSON_IsFalse(at(c, "securityContext.allowPrivilegeEscalation")));
	assert_true(has_string(at(c, "securityContext.capabilities.drop"), "ALL"));
	assert_null(at(c, "securityContext.capabilities.add"));
	static const char *const res[] = {"resources.requests.cpu", "resources.requests.memory",
					  "resources.limits.cpu", "resources.limits.memory", NULL};
	for (size_t i = 0; res[i]; i++)
		if (!str(c, res[i]))
			fail_msg("%s: no %s", name, res[i]);
	/* probes on the health port */
	const cJSON *health = named(at(c, "ports"), "name", "health");
	assert_non_null(health);
	assert_int_equal(at(health, "containerPort")->valueint, 10351);
	assert_int_equal(at(named(at(c, "ports"), "name", "metrics"), "containerPort")->valueint, 8080);
	assert_string_equal(str(c, "livenessProbe.httpGet.path"), "/livez");
	assert_string_equal(str(c, "livenessProbe.httpGet.port"), "health");
	assert_string_equal(str(c, "readinessProbe.httpGet.path"), "/readyz");
	assert_string_equal(str(c, "readinessProbe.httpGet.port"), "health");
	/* --kubeconfig: a file of the Secret's volume */
	const char *kc = arg_value(args, "--kubeconfig");
	assert_non_null(kc);
	const cJSON *m, *vm = NULL;
	cJSON_ArrayForEach(m, at(c, "volumeMounts")) {
		size_t len = strlen(str(m, "mountPath"));
		if (!strncmp(kc, str(m, "mountPath"), len) && kc[len] == '/')
			vm = m;
	}
	assert_non_null(vm);
	const cJSON *vol = named(at(pod, "volumes"), "name", str(vm, "name"));
	assert_non_null(at(vol, "secret"));
	const cJSON *item = cJSON_GetArrayItem(at(vol, "secret.items"), 0);
	assert_string_equal(kc + strlen(str(vm, "mountPath")) + 1, str(item, "path"));
	snprintf(label, sizeof label, "%s.kubeconfig", daemon);
	assert_string_equal(str(item, "key"), label);
	*secret = str(vol, "secret.secretName");
	/* --config: the generated ConfigMap, its file config/<daemon>.yaml */
	const char *cfg = arg_value(args, "--config");
	assert_non_null(cfg);
	vm = named(at(c, "volumeMounts"), "mountPath", "/etc/fedstate/config");
	assert_non_null(vm);
	vol = named(at(pod, "volumes"), "name", str(vm, "name"));
	const cJSON *cm = find("ConfigMap", str(vol, "configMap.name"));
	if (!cm)
		fail_msg("%s mounts ConfigMap %s, which is not rendered", name, str(vol, "configMap.name"));
	snprintf(label, sizeof label, "%s.yaml", daemon);
	char expect_path[4200];
	snprintf(expect_path, sizeof expect_path, "/etc/fedstate/config/%s", label);
	assert_string_equal(cfg, expect_path);
	char *want, rel[128];
	snprintf(rel, sizeof rel, "config/%s", label);
	snprintf(expect_path, sizeof expect_path, "cat '%s'", ph_src_path(rel));
	assert_int_equal(run(expect_path, &want), 0);
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(at(cm, "data"), label);
	assert_non_null(data);
	assert_string_equal(data->valuestring, want);
	free(want);
	/* TMPDIR: a tmpfs emptyDir (root-owned and sticky: the loader takes it) */
	const cJSON *tmp = named(at(c, "env"), "name", "TMPDIR");
	assert_non_null(tmp);
	vm = named(at(c, "volumeMounts"), "mountPath", str(tmp, "value"));
	assert_non_null(vm);
	vol = named(at(pod, "volumes"), "name", str(vm, "name"));
	assert_string_equal(str(vol, "emptyDir.medium"), "Memory");
	/* a metrics Service and a PDB select these Pods */
	const char *app = key(at(d, "spec.selector.matchLabels"), "app.kubernetes.io/name");
	snprintf(label, sizeof label, "%s-metrics", name);
	const cJSON *svc = find("Service", label);
	assert_non_null(svc);
	assert_string_equal(key(at(svc, "spec.selector"), "app.kubernetes.io/name"), app);
	assert_string_equal(str(cJSON_GetArrayItem(at(svc, "spec.ports"), 0), "targetPort"), "metrics");
	const cJSON *pdb = find("PodDisruptionBudget", name);
	assert_non_null(pdb);
	assert_string_equal(key(at(pdb, "spec.selector.matchLabels"), "app.kubernetes.io/name"), app);
}

static void
test_deployments(void **st)
{
	(void)st;
	NEED_KUBECTL();
	const char *s1 = NULL, *s2 = NULL;
	check_deployment("scheduler", &s1);
	check_deployment("ops", &s2);
	assert_string_equal(s1, s2);
	/* named in one place: deploy/kustomization.yaml, nowhere else */
	char cmd[8192], *out;
	snprintf(cmd, sizeof cmd, "grep -rlw --include='*.yaml' -- '%s' '%s' '%s'", s1, ph_src_path("deploy"),
		 ph_src_path("config"));
	assert_int_equal(run(cmd, &out), 0);
	char expect[4096];
	snprintf(expect, sizeof expect, "%s\n", ph_src_path("deploy/kustomization.yaml"));
	assert_string_equal(out, expect);
	free(out);
}

/* the test server, as the Karmada API server and the host in one */
static void
test_apply_to_test_server(void **st)
{
	(void)st;
	NEED_KUBECTL();
	struct ta_proc p;
	assert_true(ta_proc_start(&p, NULL));
	static const char *const need[] = {"/apis/apps/v1", "/apis/rbac.authorization.k8s.io/v1",
		"/apis/policy/v1", "/apis/apiextensions.k8s.io/v1", "/api/v1", NULL};
	for (size_t i = 0; need[i]; i++) {
		long status = 0;
		char *body = ta_proc_get(&p, need[i], &status);
		free(body);
		if (status != 200) {
			ta_proc_stop(&p);
			print_message("skipped: the test server does not serve %s yet (%ld); "
				      "kubectl apply -k deploy/ needs the built-in kinds\n", need[i], status);
			skip();
		}
	}
	/* as deploy/README.md: the Karmada side, then the host side (here
	 * one server); then a server dry run of the whole has nothing to
	 * refuse (before the install it would: no namespace yet, as for real) */
	static const char *const steps[] = {"apply -l " L_KARMADA, "apply -l " L_HOST,
					    "apply --dry-run=server", NULL};
	char cmd[8192], *out;
	for (size_t i = 0; steps[i]; i++) {
		snprintf(cmd, sizeof cmd, "KUBECONFIG='%s' kubectl %s -k '%s' 2>&1",
			 p.kubeconfig, steps[i], ph_src_path("deploy"));
		int rc = run(cmd, &out);
		if (rc != 0 || strstr(out, "rror"))
			fail_msg("kubectl %s -k deploy/: %s", steps[i], out);
		free(out);
	}
	snprintf(cmd, sizeof cmd, "KUBECONFIG='%s' kubectl -n %s get deployment fedstate-ops "
		 "-o jsonpath='{.spec.replicas}' 2>&1", p.kubeconfig, NS);
	assert_int_equal(run(cmd, &out), 0);
	assert_string_equal(out, "2");
	free(out);
	assert_true(ta_proc_stop(&p));
}

/* the CRDs as an admin applies them, and FedState's own sample object,
 * unchanged, admitted with its defaults from the schema (no webhook) */
static void
test_crds_apply_and_default_the_sample(void **st)
{
	(void)st;
	NEED_KUBECTL();
	struct ta_proc p;
	char cmd[8192], *out;
	const char *sample = "/work/shared/fixtures/crds/fedstate/samples/"
			     "middleware_v1alpha1_multicloudmongodb.yaml";
	assert_true(ta_proc_start(&p, NULL));
	snprintf(cmd, sizeof cmd, "KUBECONFIG='%s' kubectl apply -f '%s' 2>&1", p.kubeconfig,
		 ph_src_path("config/crd"));
	if (run(cmd, &out) != 0 || strstr(out, "rror"))
		fail_msg("kubectl apply -f config/crd/: %s", out);
	free(out);
	if (access(sample, R_OK) == 0) {
		snprintf(cmd, sizeof cmd, "KUBECONFIG='%s' kubectl apply -f '%s' 2>&1",
			 p.kubeconfig, sample);
		if (run(cmd, &out) != 0 || strstr(out, "rror"))
			fail_msg("kubectl apply -f the FedState sample: %s", out);
		free(out);
		snprintf(cmd, sizeof cmd, "KUBECONFIG='%s' kubectl get multicloudmongodb "
			 "multicloudmongodb-sample -o jsonpath='{.spec.scheduler.schedulerName} "
			 "{.spec.scheduler.schedulerMode}' 2>&1", p.kubeconfig);
		assert_int_equal(run(cmd, &out), 0);
		assert_string_equal(out, "multicloud-middleware-scheduler Uniform");
		free(out);
	}
	assert_true(ta_proc_stop(&p));
}

static int
setup(void **st)
{
	(void)st;
	char *out = NULL;
	if (run("kubectl version --client -o json 2>/dev/null", &out) != 0) {
		kubectl_missing = strdup("no kubectl on PATH (kubectl 1.27+ renders deploy/)");
		free(out);
		return 0;
	}
	cJSON *v = cJSON_Parse(out);
	const char *minor = str(at(v, "clientVersion"), "minor");
	int m = minor ? atoi(minor) : 0;
	free(out);
	cJSON_Delete(v);
	if (m < 27) {
		kubectl_missing = strdup("kubectl is older than 1.27: its kustomize cannot render deploy/");
		return 0;
	}
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "kubectl kustomize '%s' 2>&1", ph_src_path("deploy"));
	if (run(cmd, &out) != 0) {
		fprintf(stderr, "kubectl kustomize deploy/ failed: %s\n", out);
		free(out);
		return -1;
	}
	struct fs_diags d = FS_DIAGS_INIT;
	enum fs_code rc = fs_docset_load_mem(&rendered, "kustomize-output", out, strlen(out), &d);
	fs_diags_print(&d, stderr);
	fs_diags_release(&d);
	free(out);
	return rc == FS_OK ? 0 : -1;
}

static int
teardown(void **st)
{
	(void)st;
	fs_docset_free(rendered);
	free(kubectl_missing);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sources_parse),
		cmocka_unit_test(test_rendered_objects),
		cmocka_unit_test(test_rbac_grants_exactly_the_table),
		cmocka_unit_test(test_ops_may_write_every_rendered_kind),
		cmocka_unit_test(test_deployments),
		cmocka_unit_test(test_apply_to_test_server),
		cmocka_unit_test(test_crds_apply_and_default_the_sample),
	};
	return cmocka_run_group_tests_name("deploy", tests, setup, teardown);
}
