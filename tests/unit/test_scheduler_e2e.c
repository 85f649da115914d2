/*
 * test_scheduler_e2e.c - `fedstate scheduler` against fedstate-testapi:
 * the demo fleet and every binding kind of config/samples are created in
 * the server as an admin would; the daemon (the real binary, a child
 * process) binds each, and what it wrote equals what `fedstate simulate`
 * computes on the same objects: spec.clusters, the Scheduled condition
 * and its reason, schedulerObservedGeneration, the schedulerResult of
 * every MultiCloudMongoDB, and the Events. A second daemon started on the
 * converged state writes nothing. Every wait is bounded; nothing is left
 * running.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "lib/daemon_proc.h"
#include "lib/plugin_harness.h"
#include "lib/testapi_proc.h"
#include "util/buf.h"

static struct ta_proc api;
static cJSON *expected; /* simulate's results */
static char plugins[4096];

static uint16_t
free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/* fedstate simulate on the demo, as JSON; extra: more flags ("" for none) */
static cJSON *
simulate(const char *extra)
{
	char cmd[16384], *out = NULL;
	size_t len = 0;
	snprintf(cmd, sizeof cmd,
		 "%s --config %s --plugin-dir %s --clusters %s --bindings %s --output json %s",
		 ph_build_path("bin/fedstate simulate"), ph_src_path("config/scheduler.yaml"),
		 plugins, ph_src_path("config/samples/clusters.yaml"),
		 ph_src_path("config/samples/workloads.yaml"), extra);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	FILE *m = open_memstream(&out, &len);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, p)) > 0)
		fwrite(buf, 1, n, m);
	pclose(p);
	fclose(m);
	cJSON *j = cJSON_Parse(out);
	free(out);
	assert_non_null(j);
	return j;
}

static int
setup(void **state)
{
	(void)state;
	if (!realpath(ph_build_path("plugins"), plugins))
		return -1;
	if (!ta_proc_start(&api, NULL))
		return -1;
	dm_seed_file(&api, ph_src_path("config/samples/clusters.yaml"));
	dm_seed_file(&api, ph_src_path("config/samples/workloads.yaml"));
	expected = simulate("");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	dm_stop_all();
	cJSON_Delete(expected);
	return ta_proc_stop(&api) ? 0 : -1;
}

/* simulate computes each binding on its own; so does the daemon without
 * its over-commit protection (which makes placements depend on the order
 * of a burst: test_assume covers it) */
static bool
start_scheduler_with(struct dm_proc *d, const char *name, uint16_t port, bool protect)
{
	char addr[32];
	snprintf(addr, sizeof addr, "127.0.0.1:%u", port);
	const char *argv[] = {"scheduler", "--config", ph_src_path("config/scheduler.yaml"),
			      "--plugin-dir", plugins, "--kubeconfig", api.kubeconfig,
			      "--leader-elect=false", "--metrics-bind-address", addr,
			      "--health-probe-bind-address", addr,
			      protect ? "--overcommit-protection=true" : "--overcommit-protection=false",
			      "-v", "1", NULL};
	return dm_start(d, &api, name, argv);
}

static bool
start_scheduler(struct dm_proc *d, const char *name, uint16_t port)
{
	return start_scheduler_with(d, name, port, false);
}

static const cJSON *
item(const cJSON *o, const char *a)
{
	return cJSON_GetObjectItemCaseSensitive(o, a);
}

static const cJSON *
scheduled_condition(const cJSON *obj)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, item(item(obj, "status"), "conditions"))
		if (strcmp(cJSON_GetStringValue(item(c, "type")), "Scheduled") == 0)
			return c;
	return NULL;
}

static cJSON *
fetch(const cJSON *result)
{
	char path[512];
	const char *kind = cJSON_GetStringValue(item(result, "kind"));
	const char *ns = cJSON_GetStringValue(item(result, "namespace"));
	const char *name = cJSON_GetStringValue(item(result, "name"));

	if (strcmp(kind, "ResourceBinding") == 0)
		snprintf(path, sizeof path,
			 "/apis/work.karmada.io/v1alpha2/namespaces/%s/resourcebindings/%s", ns, name);
	else
		snprintf(path, sizeof path,
			 "/apis/middleware.fedstate.io/v1alpha1/namespaces/%s/multicloudmongodbs/%s",
			 ns, name);
	return dm_get_json(&api, path);
}

static const char *
annotation(const cJSON *obj, const char *key)
{
	return cJSON_GetStringValue(item(item(item(obj, "metadata"), "annotations"), key));
}

/* everything simulate placed shows its result; the rest its failure */
static bool
converged(void)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, item(expected, "results")) {
		cJSON *o = fetch(r);
		bool mw = strcmp(cJSON_GetStringValue(item(r, "kind")), "MultiCloudMongoDB") == 0;
		bool ok = o && (mw ? (!cJSON_IsTrue(item(r, "scheduled")) ||
				      annotation(o, "schedulerResult"))
				   : scheduled_condition(o) != NULL);
		cJSON_Delete(o);
		if (!ok)
			return false;
	}
	return true;
}

static bool
wait_converged(struct dm_proc *d, int ms)
{
	for (int i = 0; i < ms / 100; i++) {
		if (converged())
			return true;
		if (!dm_alive(d))
			return false;
		usleep(100000);
	}
	return false;
}

static void
check_binding(const cJSON *r, const cJSON *o)
{
	const char *name = cJSON_GetStringValue(item(r, "name"));
	const cJSON *cond = scheduled_condition(o);
	bool scheduled = cJSON_IsTrue(item(r, "scheduled"));
	const cJSON *want = item(r, "clusters"), *got = item(item(o, "spec"), "clusters");
	int n = cJSON_GetArraySize(want);

	if (cJSON_GetArraySize(got) != n)
		fail_msg("%s: %d clusters written, simulate placed %d", name,
			 cJSON_GetArraySize(got), n);
	for (int i = 0; i < n; i++) {
		const cJSON *w = cJSON_GetArrayItem(want, i), *g = cJSON_GetArrayItem(got, i);
		const cJSON *gr = item(g, "replicas");
		assert_string_equal(cJSON_GetStringValue(item(g, "name")),
				    cJSON_GetStringValue(item(w, "name")));
		assert_int_equal(gr ? gr->valueint : 0, item(w, "replicas")->valueint);
	}
	assert_non_null(cond);
	assert_string_equal(cJSON_GetStringValue(item(cond, "status")), scheduled ? "True" : "False");
	assert_string_equal(cJSON_GetStringValue(item(cond, "reason")),
			    cJSON_GetStringValue(item(r, "reason")));
	if (scheduled) {
		assert_int_equal(item(item(o, "status"), "schedulerObservedGeneration")->valueint,
				 item(item(o, "metadata"), "generation")->valueint);
		assert_non_null(annotation(o, "policy.karmada.io/applied-placement"));
	} else {
		assert_string_equal(cJSON_GetStringValue(item(cond, "message")),
				    cJSON_GetStringValue(item(r, "error")));
	}
}

static void
check_middleware(const cJSON *r, const cJSON *o)
{
	const char *have = annotation(o, "schedulerResult");

	if (!cJSON_IsTrue(item(r, "scheduled"))) {
		assert_null(have);
		return;
	}
	assert_non_null(have);
	cJSON *a = cJSON_Parse(have);
	assert_true(cJSON_Compare(a, item(r, "schedulerResult"), true));
	cJSON_Delete(a);
	/* the generation it was computed for rides along */
	assert_non_null(annotation(o, "fedstate.io/scheduled-generation"));
}

static int
count_events(const char *reason, const char *kind, const char *name)
{
	cJSON *list = dm_get_json(&api, "/apis/events.k8s.io/v1/events");
	const cJSON *e;
	int n = 0;

	if (!list)
		list = dm_get_json(&api, "/api/v1/events");
	cJSON_ArrayForEach(e, item(list, "items")) {
		const cJSON *reg = item(e, "regarding") ? item(e, "regarding") : item(e, "involvedObject");
		if (strcmp(cJSON_GetStringValue(item(e, "reason")) ?: "", reason) == 0 &&
		    strcmp(cJSON_GetStringValue(item(reg, "kind")) ?: "", kind) == 0 &&
		    strcmp(cJSON_GetStringValue(item(reg, "name")) ?: "", name) == 0)
			n++;
	}
	cJSON_Delete(list);
	return n;
}

static int
writes_by(const char *agent)
{
	long st = 0;
	char *body = ta_proc_get(&api, "/_testapi/writes", &st);
	cJSON *w = body ? cJSON_Parse(body) : NULL;
	const cJSON *e;
	int n = 0;

	/* writes to what it schedules (Events of failures may repeat) */
	cJSON_ArrayForEach(e, w)
		if (strstr(cJSON_GetStringValue(item(e, "agent")) ?: "", agent) &&
		    !strstr(cJSON_GetStringValue(item(e, "path")) ?: "", "/events"))
			n++;
	cJSON_Delete(w);
	free(body);
	return n;
}


/* ------------------------------------------------------------ helpers */

#define RB_PATH "/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings"

/* a copy of the demo's binding `src` named `name` */
static void
copy_rb(const char *src, const char *name, const char *scheduler)
{
	char from[256];
	snprintf(from, sizeof from, RB_PATH "/%s", src);
	cJSON *o = dm_get_json(&api, from);
	assert_non_null(o);
	cJSON *md = cJSON_GetObjectItem(o, "metadata");
	cJSON_DeleteItemFromObject(o, "status");
	cJSON_DeleteItemFromObject(md, "resourceVersion");
	cJSON_DeleteItemFromObject(md, "uid");
	cJSON_DeleteItemFromObject(md, "annotations");
	cJSON_DeleteItemFromObject(md, "creationTimestamp");
	cJSON_DeleteItemFromObject(md, "generation");
	cJSON_ReplaceItemInObject(md, "name", cJSON_CreateString(name));
	cJSON *spec = cJSON_GetObjectItem(o, "spec");
	cJSON_DeleteItemFromObject(spec, "clusters");
	cJSON_DeleteItemFromObject(spec, "schedulerName");
	if (scheduler)
		cJSON_AddStringToObject(spec, "schedulerName", scheduler);
	char *body = cJSON_PrintUnformatted(o);
	long st = 0;
	free(ta_proc_request(&api, "POST", RB_PATH, "application/json", body, NULL, &st, NULL));
	assert_int_equal(st, 201);
	free(body);
	cJSON_Delete(o);
}

static void
create_rb(const char *name, const char *scheduler)
{
	copy_rb("web-deployment", name, scheduler);
}

static bool
is_scheduled(const char *name)
{
	char path[256];
	snprintf(path, sizeof path, RB_PATH "/%s", name);
	cJSON *o = dm_get_json(&api, path);
	const cJSON *c = o ? scheduled_condition(o) : NULL;
	bool ok = c && strcmp(cJSON_GetStringValue(item(c, "status")), "True") == 0;
	cJSON_Delete(o);
	return ok;
}

static bool
wait_scheduled(const char *name, int ms)
{
	for (int i = 0; i < ms / 50; i++) {
		if (is_scheduled(name))
			return true;
		usleep(50000);
	}
	return false;
}

/* how many writes to binding `name` carried `agent` (NULL: any) */
static int
writes_to(const char *name, const char *agent)
{
	long st = 0;
	char *body = ta_proc_get(&api, "/_testapi/writes", &st), suffix[160];
	cJSON *w = body ? cJSON_Parse(body) : NULL;
	const cJSON *e;
	int n = 0;

	snprintf(suffix, sizeof suffix, "/resourcebindings/%s", name);
	cJSON_ArrayForEach(e, w) {
		const char *p = cJSON_GetStringValue(item(e, "path")) ?: "";
		const char *a = cJSON_GetStringValue(item(e, "agent")) ?: "";
		if (strstr(p, suffix) && (!agent || strstr(a, agent)))
			n++;
	}
	cJSON_Delete(w);
	free(body);
	return n;
}

/* the identity a daemon logged when it started leading; "" before */
static void
leader_identity(const struct dm_proc *d, char *out, size_t n)
{
	FILE *f = fopen(d->log, "r");
	char line[1024];

	out[0] = '\0';
	while (f && fgets(line, sizeof line, f)) {
		char *p = strstr(line, "leading (");
		if (p) {
			snprintf(out, n, "%s", p + 9);
			out[strcspn(out, ")")] = '\0';
		}
	}
	if (f)
		fclose(f);
}

static void
test_binds_as_simulate_computes(void **state)
{
	struct dm_proc d = {0};
	const cJSON *r;

	(void)state;
	assert_true(start_scheduler(&d, "scheduler", free_port()));
	if (!wait_converged(&d, 20000)) {
		dm_dump(&d);
		dm_stop(&d, 3000);
		fail_msg("the scheduler did not bind the demo within 20 s");
	}
	int n = 0;
	cJSON_ArrayForEach(r, item(expected, "results")) {
		cJSON *o = fetch(r);
		assert_non_null(o);
		if (strcmp(cJSON_GetStringValue(item(r, "kind")), "ResourceBinding") == 0)
			check_binding(r, o);
		else
			check_middleware(r, o);
		cJSON_Delete(o);
		n++;
	}
	assert_true(n >= 16);
	/* Events on the binding and on its resource template */
	assert_true(count_events("ScheduleBindingSucceed", "ResourceBinding", "web-deployment") >= 1);
	assert_true(count_events("ScheduleBindingSucceed", "Deployment", "web") >= 1);
	assert_true(count_events("ScheduleBindingFailed", "ResourceBinding",
				 "gpu-train-deployment") >= 1);
	/* clusterAffinities fail-over: a Warning for the term that did not fit */
	assert_true(count_events("ScheduleBindingFailed", "ResourceBinding",
				 "payments-deployment") >= 1);
	assert_true(count_events("ScheduleBindingSucceed", "ResourceBinding",
				 "payments-deployment") >= 1);
	int st = dm_stop(&d, 5000);
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
		dm_dump(&d);
		fail_msg("SIGTERM: the scheduler did not exit 0 (status %d)", st);
	}

	/* a fresh daemon on the converged state writes nothing */
	int before = writes_by("fedstate-scheduler");
	uint16_t port = free_port();
	assert_true(start_scheduler(&d, "scheduler-2", port));
	char ready[64];
	snprintf(ready, sizeof ready, "http://127.0.0.1:%u/readyz", port);
	bool up = false;
	for (int i = 0; i < 100 && !up; i++) {
		char cmd[128];
		snprintf(cmd, sizeof cmd, "curl -sf %s >/dev/null 2>&1", ready);
		up = system(cmd) == 0;
		if (!up)
			usleep(100000);
	}
	assert_true(up);
	usleep(1500000); /* its first pass over every object */
	int w = writes_by("fedstate-scheduler") - before;
	dm_stop(&d, 5000);
	if (w) {
		dm_dump(&d);
		fail_msg("a scheduler started on the converged state wrote %d time(s)", w);
	}
}


/* two replicas: one writes; kill -9 of it, the other takes over within
 * lease duration + retry; no write ever from the one that does not lead */
static void
test_leader_election(void **state)
{
	struct dm_proc a = {0}, b = {0};
	char ida[96] = "", idb[96] = "";
	const char *lease[] = {"--leader-elect=true", "--leader-elect-resource-namespace",
			       "default", "--leader-elect-lease-duration", "4s",
			       "--leader-elect-renew-deadline", "3s",
			       "--leader-elect-retry-period", "1s"};
	(void)state;
	for (int r = 0; r < 2; r++) {
		char addr[32];
		snprintf(addr, sizeof addr, "127.0.0.1:%u", free_port());
		const char *argv[] = {"scheduler", "--config", ph_src_path("config/scheduler.yaml"),
				      "--plugin-dir", plugins, "--kubeconfig", api.kubeconfig,
				      lease[0], lease[1], lease[2], lease[3], lease[4], lease[5],
				      lease[6], lease[7], lease[8], "--metrics-bind-address", addr,
				      "--health-probe-bind-address", addr, NULL};
		assert_true(dm_start(r ? &b : &a, &api, r ? "replica-b" : "replica-a", argv));
	}
	for (int i = 0; i < 150 && !ida[0] && !idb[0]; i++) {
		usleep(100000);
		leader_identity(&a, ida, sizeof ida);
		leader_identity(&b, idb, sizeof idb);
	}
	assert_true((ida[0] != 0) != (idb[0] != 0)); /* exactly one leads */
	struct dm_proc *leader = ida[0] ? &a : &b, *follower = ida[0] ? &b : &a;
	const char *lid = ida[0] ? ida : idb;

	create_rb("web-leader-1", NULL);
	assert_true(wait_scheduled("web-leader-1", 15000));
	assert_true(writes_to("web-leader-1", NULL) > 0);
	assert_int_equal(writes_to("web-leader-1", NULL), writes_to("web-leader-1", lid));

	/* the leader dies without releasing: the follower takes over */
	kill(leader->pid, SIGKILL);
	dm_stop(leader, 1000);
	create_rb("web-leader-2", NULL);
	if (!wait_scheduled("web-leader-2", 15000)) {
		dm_dump(follower);
		fail_msg("the follower did not take over");
	}
	char fid[96];
	leader_identity(follower, fid, sizeof fid);
	assert_true(fid[0] != 0);
	assert_int_equal(writes_to("web-leader-2", NULL), writes_to("web-leader-2", fid));
	assert_int_equal(writes_to("web-leader-2", lid), 0);
	int st = dm_stop(follower, 5000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int ch;
	while (f && (ch = fgetc(f)) != EOF)
		fputc(ch, m);
	if (f)
		fclose(f);
	fclose(m);
	return buf;
}

/* a good config changes results from the next cycle on; a bad one keeps
 * the running profiles and the daemon keeps binding */
static void
test_hot_reload(void **state)
{
	struct dm_proc d = {0};
	char cfg[256], addr[32];
	(void)state;

	snprintf(cfg, sizeof cfg, "%s/scheduler.yaml", api.dir);
	char *text = slurp(ph_src_path("config/scheduler.yaml"));
	write_file(cfg, text);
	snprintf(addr, sizeof addr, "127.0.0.1:%u", free_port());
	const char *argv[] = {"scheduler", "--config", cfg, "--plugin-dir", plugins,
			      "--kubeconfig", api.kubeconfig, "--leader-elect=false",
			      "--metrics-bind-address", addr, "--health-probe-bind-address",
			      addr, NULL};
	assert_true(dm_start(&d, &api, "reload", argv));
	create_rb("web-extra", "extra-scheduler");
	create_rb("web-before", NULL);
	assert_true(wait_scheduled("web-before", 15000));
	assert_false(is_scheduled("web-extra")); /* no profile serves it yet */

	/* a new profile: the binding it serves is scheduled without a restart */
	struct fs_buf more = FS_BUF_INIT;
	fs_buf_adds(&more, text);
	fs_buf_adds(&more, "  - schedulerName: extra-scheduler\n");
	write_file(cfg, more.data);
	if (!wait_scheduled("web-extra", 15000)) {
		dm_dump(&d);
		fail_msg("the reloaded profile did not schedule web-extra");
	}
	/* a broken config: refused, the old profiles keep scheduling */
	write_file(cfg, "profiles: [ {schedulerName: \n");
	usleep(800000);
	create_rb("web-after", NULL);
	assert_true(wait_scheduled("web-after", 15000));
	assert_true(dm_alive(&d));
	bool refused = false;
	for (int i = 0; i < 100 && !refused; i++) { /* the watch debounces */
		char *log = slurp(d.log);
		refused = strstr(log, "the new configuration was refused") &&
			  strstr(log, "configuration reloaded");
		free(log);
		if (!refused)
			usleep(100000);
	}
	assert_true(refused);
	/* an unknown plugin, then a plugin whose init refuses its args: each
	 * refused as well, and the daemon keeps binding */
	static const char *const bad[] = {
		"apiVersion: config.fedstate.io/v1alpha1\nkind: SchedulerConfiguration\n"
		"profiles:\n  - schedulerName: default-scheduler\n    plugins:\n"
		"      multiPoint:\n        enabled:\n          - name: no-such-plugin\n",
		"apiVersion: config.fedstate.io/v1alpha1\nkind: SchedulerConfiguration\n"
		"plugins:\n  - name: example\n"
		"profiles:\n  - schedulerName: default-scheduler\n    plugins:\n"
		"      multiPoint:\n        enabled:\n          - name: example\n"
		"    pluginConfig:\n      - name: example\n        args: {bogus: 1}\n",
	};
	for (int b = 0; b < 2; b++) {
		write_file(cfg, bad[b]);
		int want = b + 2, seen = 0;
		for (int i = 0; i < 100 && seen < want; i++) {
			char *log = slurp(d.log);
			seen = 0;
			for (char *p = log; (p = strstr(p, "the new configuration was refused")); p++)
				seen++;
			free(log);
			if (seen < want)
				usleep(100000);
		}
		assert_int_equal(seen, want);
	}
	create_rb("web-after-2", NULL);
	assert_true(wait_scheduled("web-after-2", 15000));
	char *log = slurp(d.log);
	assert_non_null(strstr(log, "no-such-plugin"));
	assert_non_null(strstr(log, "bogus"));
	free(log);
	fs_buf_release(&more);
	free(text);
	dm_stop(&d, 5000);
}


/* a write refused with 409 (someone changed the binding since it was
 * read) is not retried blindly: the binding is computed again from the
 * newer object and then written */
static void
test_conflict_recomputes(void **state)
{
	struct dm_proc d = {0};
	(void)state;
	assert_true(start_scheduler(&d, "conflict", free_port()));
	create_rb("web-409-warmup", NULL);
	assert_true(wait_scheduled("web-409-warmup", 15000));
	assert_int_equal(ta_proc_admin(&api, "fail?status=409&count=1&agent=fedstate-scheduler"), 200);
	create_rb("web-409", NULL);
	if (!wait_scheduled("web-409", 15000)) {
		dm_dump(&d);
		fail_msg("web-409 was not scheduled after a conflict");
	}
	dm_stop(&d, 5000);
	char *log = slurp(d.log);
	assert_non_null(strstr(log, "rb|default/web-409: changed since it was read"));
	free(log);
}

/* the API server goes away and comes back, keeping its state, then
 * losing it: the daemon reconnects, relists, and binds what is new */
static void
test_api_server_restarts(void **state)
{
	struct dm_proc d = {0};
	(void)state;
	assert_true(start_scheduler(&d, "restarts", free_port()));
	create_rb("web-r0", NULL);
	assert_true(wait_scheduled("web-r0", 15000));
	assert_int_equal(ta_proc_admin(&api, "restart?keep=1&down-ms=500"), 200);
	usleep(800000);
	create_rb("web-r1", NULL);
	if (!wait_scheduled("web-r1", 20000)) {
		dm_dump(&d);
		fail_msg("not scheduled after the server came back with its state");
	}
	assert_int_equal(ta_proc_admin(&api, "restart?keep=0&down-ms=300"), 200);
	usleep(600000);
	/* an empty server: the admin puts the fleet and a binding back */
	dm_seed_file(&api, ph_src_path("config/samples/clusters.yaml"));
	dm_seed_file(&api, ph_src_path("config/samples/workloads.yaml"));
	if (!wait_scheduled("web-deployment", 25000)) {
		dm_dump(&d);
		fail_msg("not scheduled after the server lost its state");
	}
	assert_true(dm_alive(&d));
	dm_stop(&d, 5000);
}

/* an unschedulable binding is bound, without a restart, once a cluster
 * it may use becomes Ready (Karmada's controller lifts the not-ready
 * taint: a spec change, so the cluster event re-queues it) */
static void
test_unschedulable_binds_when_a_cluster_recovers(void **state)
{
	struct dm_proc d = {0};
	long st = 0;
	(void)state;
	assert_true(start_scheduler(&d, "recover", free_port()));
	create_rb("web-sz", NULL);
	/* only sz-1, which is not ready */
	free(ta_proc_request(&api, "PATCH", RB_PATH "/web-sz", "application/merge-patch+json",
			     "{\"spec\":{\"placement\":{\"clusterAffinity\":{\"clusterNames\":"
			     "[\"sz-1\"]}}}}", NULL, &st, NULL));
	assert_int_equal(st, 200);
	bool failed = false;
	for (int i = 0; i < 150 && !failed; i++) {
		cJSON *o = dm_get_json(&api, RB_PATH "/web-sz");
		const cJSON *c = o ? scheduled_condition(o) : NULL;
		failed = c && strcmp(cJSON_GetStringValue(item(c, "reason")), "NoClusterFit") == 0;
		cJSON_Delete(o);
		if (!failed)
			usleep(100000);
	}
	assert_true(failed);
	/* sz-1 recovers */
	free(ta_proc_request(&api, "PATCH", "/apis/cluster.karmada.io/v1alpha1/clusters/sz-1",
			     "application/merge-patch+json", "{\"spec\":{\"taints\":null}}",
			     NULL, &st, NULL));
	assert_int_equal(st, 200);
	free(ta_proc_request(&api, "PATCH", "/apis/cluster.karmada.io/v1alpha1/clusters/sz-1/status",
			     "application/merge-patch+json",
			     "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}",
			     NULL, &st, NULL));
	assert_int_equal(st, 200);
	if (!wait_scheduled("web-sz", 15000)) {
		dm_dump(&d);
		fail_msg("web-sz was not bound after sz-1 recovered");
	}
	cJSON *o = dm_get_json(&api, RB_PATH "/web-sz");
	const cJSON *cl = item(item(o, "spec"), "clusters");
	assert_int_equal(cJSON_GetArraySize(cl), 1);
	assert_string_equal(cJSON_GetStringValue(item(cJSON_GetArrayItem(cl, 0), "name")), "sz-1");
	cJSON_Delete(o);
	assert_true(dm_alive(&d));
	dm_stop(&d, 5000);
}

static int
cycles_of(const struct dm_proc *d, const char *key)
{
	char *log = slurp(d->log), needle[160];
	int n = 0;
	snprintf(needle, sizeof needle, "scheduler: %s: ", key);
	for (char *p = log; (p = strstr(p, needle)); p++)
		if (strstr(p, "Schedule)") && strchr(p, '\n') > strstr(p, "Schedule)"))
			n++;
	free(log);
	return n;
}

static bool
reason_is(const char *name, const char *reason)
{
	char path[256];
	snprintf(path, sizeof path, RB_PATH "/%s", name);
	cJSON *o = dm_get_json(&api, path);
	const cJSON *c = o ? scheduled_condition(o) : NULL;
	bool ok = c && strcmp(cJSON_GetStringValue(item(c, "reason")), reason) == 0;
	cJSON_Delete(o);
	return ok;
}

/* a label change on a cluster re-queues only the bindings whose affinity
 * matches the cluster as it was or is */
static void
test_label_change_requeues_only_matching(void **state)
{
	struct dm_proc d = {0};
	long st = 0;
	(void)state;
	assert_true(start_scheduler(&d, "labels", free_port()));
	static const char *const sel[] = {"web-sel-a", "web-sel-b"};
	static const char *const val[] = {"a", "b"};
	for (int i = 0; i < 2; i++) {
		char path[256], body[256];
		create_rb(sel[i], NULL);
		snprintf(path, sizeof path, RB_PATH "/%s", sel[i]);
		snprintf(body, sizeof body, "{\"spec\":{\"placement\":{\"clusterAffinity\":"
			 "{\"labelSelector\":{\"matchLabels\":{\"fs-test\":\"%s\"}}}}}}", val[i]);
		free(ta_proc_request(&api, "PATCH", path, "application/merge-patch+json", body,
				     NULL, &st, NULL));
		assert_int_equal(st, 200);
	}
	for (int i = 0; i < 150 && !(reason_is("web-sel-a", "NoClusterFit") &&
				     reason_is("web-sel-b", "NoClusterFit")); i++)
		usleep(100000);
	assert_true(reason_is("web-sel-a", "NoClusterFit") && reason_is("web-sel-b", "NoClusterFit"));
	int b0 = cycles_of(&d, "rb|default/web-sel-b");
	free(ta_proc_request(&api, "PATCH", "/apis/cluster.karmada.io/v1alpha1/clusters/bj-1",
			     "application/merge-patch+json",
			     "{\"metadata\":{\"labels\":{\"fs-test\":\"a\"}}}", NULL, &st, NULL));
	assert_int_equal(st, 200);
	if (!wait_scheduled("web-sel-a", 15000)) {
		dm_dump(&d);
		fail_msg("web-sel-a was not bound after bj-1 got its label");
	}
	usleep(300000);
	assert_int_equal(cycles_of(&d, "rb|default/web-sel-b"), b0);
	assert_true(reason_is("web-sel-b", "NoClusterFit"));
	dm_stop(&d, 5000);
}

static int
replicas_on(const cJSON *clusters, const char *name)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, clusters)
		if (strcmp(cJSON_GetStringValue(item(e, "name")), name) == 0)
			return item(e, "replicas") ? item(e, "replicas")->valueint : 0;
	return 0;
}

/* Divided by available replicas, scaled up: the clusters it had keep at
 * least what they had (Karmada's scale-up adds to the previous result) */
static void
test_divided_scale_up_keeps_previous(void **state)
{
	struct dm_proc d = {0};
	long st = 0;
	(void)state;
	assert_true(start_scheduler(&d, "scale", free_port()));
	cJSON *before = dm_get_json(&api, RB_PATH "/cache-deployment");
	for (int i = 0; i < 150 && !(before && scheduled_condition(before)); i++) {
		cJSON_Delete(before);
		usleep(100000);
		before = dm_get_json(&api, RB_PATH "/cache-deployment");
	}
	const cJSON *was = item(item(before, "spec"), "clusters");
	int total = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, was)
		total += item(e, "replicas") ? item(e, "replicas")->valueint : 0;
	assert_true(total > 0);
	char body[128];
	snprintf(body, sizeof body, "{\"spec\":{\"replicas\":%d}}", total + 3);
	free(ta_proc_request(&api, "PATCH", RB_PATH "/cache-deployment",
			     "application/merge-patch+json", body, NULL, &st, NULL));
	assert_int_equal(st, 200);
	cJSON *after = NULL;
	int now = 0;
	for (int i = 0; i < 150 && now != total + 3; i++) {
		cJSON_Delete(after);
		usleep(100000);
		after = dm_get_json(&api, RB_PATH "/cache-deployment");
		now = 0;
		cJSON_ArrayForEach(e, item(item(after, "spec"), "clusters"))
			now += item(e, "replicas") ? item(e, "replicas")->valueint : 0;
	}
	if (now != total + 3) {
		dm_dump(&d);
		fail_msg("cache-deployment: %d replicas placed after scaling to %d", now, total + 3);
	}
	cJSON_ArrayForEach(e, was)
		assert_true(replicas_on(item(item(after, "spec"), "clusters"),
					cJSON_GetStringValue(item(e, "name"))) >=
			    item(e, "replicas")->valueint);
	cJSON_Delete(before);
	cJSON_Delete(after);
	dm_stop(&d, 5000);
}

/* a burst against clusters whose summaries never change: with the
 * over-commit protection (the default) no cluster gets more replicas of
 * the burst than fit it (simulate --explain's available replicas) */
static void
test_burst_never_overcommits(void **state)
{
	struct dm_proc d = {0};
	enum { N = 200 };
	(void)state;
	/* what fits each cluster for this shape, per simulate */
	cJSON *sim = simulate("--explain"), *fits = NULL;
	const cJSON *r;
	cJSON_ArrayForEach(r, item(sim, "results"))
		if (strcmp(cJSON_GetStringValue(item(r, "name")), "cache-deployment") == 0)
			fits = cJSON_Duplicate(item(r, "explain"), true);
	cJSON_Delete(sim);
	assert_non_null(fits);

	assert_true(start_scheduler_with(&d, "burst", free_port(), true));
	for (int i = 0; i < N; i++) {
		char name[32];
		snprintf(name, sizeof name, "cache-burst-%d", i);
		copy_rb("cache-deployment", name, NULL);
	}
	int done = 0;
	for (int t = 0; t < 300 && done < N; t++) {
		done = 0;
		for (int i = 0; i < N; i++) {
			char path[256];
			snprintf(path, sizeof path, RB_PATH "/cache-burst-%d", i);
			cJSON *o = dm_get_json(&api, path);
			done += o && scheduled_condition(o);
			cJSON_Delete(o);
		}
		if (done < N)
			usleep(100000);
	}
	assert_int_equal(done, N);
	const cJSON *f;
	int placed = 0;
	cJSON_ArrayForEach(f, fits) {
		if (!cJSON_IsTrue(item(f, "feasible")))
			continue;
		const char *cl = cJSON_GetStringValue(item(f, "cluster"));
		int on = 0;
		for (int i = 0; i < N; i++) {
			char path[256];
			snprintf(path, sizeof path, RB_PATH "/cache-burst-%d", i);
			cJSON *o = dm_get_json(&api, path);
			on += replicas_on(item(item(o, "spec"), "clusters"), cl);
			cJSON_Delete(o);
		}
		if (on > item(f, "available")->valueint)
			fail_msg("%s: %d replicas of the burst, %d fit", cl, on,
				 item(f, "available")->valueint);
		placed += on;
	}
	assert_true(placed > 0);
	assert_true(placed < N * 6); /* the rest reported unschedulable */
	cJSON_Delete(fits);
	dm_stop(&d, 5000);
}

/* a status-only update schedules nothing; rescheduleTriggeredAt after
 * lastScheduledTime forces a fresh schedule */
static void
test_status_only_and_reschedule(void **state)
{
	struct dm_proc d = {0};
	long st = 0;
	(void)state;
	assert_true(start_scheduler(&d, "rules", free_port()));
	create_rb("web-rules", NULL);
	assert_true(wait_scheduled("web-rules", 15000));
	usleep(300000);
	int c0 = cycles_of(&d, "rb|default/web-rules");
	assert_true(c0 >= 1);
	free(ta_proc_request(&api, "PATCH", RB_PATH "/web-rules/status",
			     "application/merge-patch+json",
			     "{\"status\":{\"aggregatedStatus\":[{\"clusterName\":\"bj-1\","
			     "\"applied\":true}]}}", NULL, &st, NULL));
	assert_int_equal(st, 200);
	usleep(800000);
	assert_int_equal(cycles_of(&d, "rb|default/web-rules"), c0);
	/* a manual reschedule, as `karmadactl` or a WorkloadRebalancer asks */
	free(ta_proc_request(&api, "PATCH", RB_PATH "/web-rules", "application/merge-patch+json",
			     "{\"spec\":{\"rescheduleTriggeredAt\":\"2099-01-01T00:00:00Z\"}}",
			     NULL, &st, NULL));
	assert_int_equal(st, 200);
	bool fresh = false;
	for (int i = 0; i < 150 && !fresh; i++) {
		char *log = slurp(d.log);
		fresh = strstr(log, "rb|default/web-rules: scheduled (FreshSchedule)") != NULL;
		free(log);
		if (!fresh)
			usleep(100000);
	}
	if (!fresh) {
		dm_dump(&d);
		fail_msg("rescheduleTriggeredAt did not force a fresh schedule");
	}
	dm_stop(&d, 5000);
}

static int
stop_daemons(void **state)
{
	(void)state;
	dm_stop_all();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_binds_as_simulate_computes, stop_daemons),
		cmocka_unit_test_teardown(test_leader_election, stop_daemons),
		cmocka_unit_test_teardown(test_hot_reload, stop_daemons),
		cmocka_unit_test_teardown(test_conflict_recomputes, stop_daemons),
		cmocka_unit_test_teardown(test_unschedulable_binds_when_a_cluster_recovers,
					  stop_daemons),
		cmocka_unit_test_teardown(test_label_change_requeues_only_matching, stop_daemons),
		cmocka_unit_test_teardown(test_divided_scale_up_keeps_previous, stop_daemons),
		cmocka_unit_test_teardown(test_burst_never_overcommits, stop_daemons),
		cmocka_unit_test_teardown(test_status_only_and_reschedule, stop_daemons),
		cmocka_unit_test_teardown(test_api_server_restarts, stop_daemons),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
