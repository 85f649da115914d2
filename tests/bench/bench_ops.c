/*
 * tests/bench/bench_ops.c - fs-bench ops: the `fedstate ops` daemon end to
 * end on loopback. fedstate-testapi is seeded with a generated fleet; a
 * real `fedstate ops` (a child process, the built plugins) runs against
 * it; this process creates N MultiCloudMongoDBs (the FedState sample,
 * renamed, with a schedulerResult over 2 or 3 clusters of the fleet that
 * carry a vip label; up to WINDOW creates in flight) and plays Karmada:
 * when a member MongoDB CR appears it creates the ResourceBinding
 * <name>-mongodb naming it (uid of the live CR) and patches a healthy
 * aggregatedStatus (the shape of tests/data/ops/rb-healthy.yaml) for each
 * placed cluster. Measured per object: created -> Rendered condition True
 * (every rendered object applied) and status.state Health. Reported:
 * p50/p99, objects/s, API requests per object made by ops (the server's
 * count less this process's), the daemon's peak RSS. With steady=true the
 * daemon is then sent SIGHUP (a reload queues every object again) and
 * timed until fedstate_ops_reconcile_total grew by N, and every write it
 * made in that window (Events excluded) is counted: at steady state there
 * must be none. FS_BENCH_OPS_LOG=FILE keeps the daemon's log in FILE and
 * the server's write log in FILE.writes.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <ev.h>

#include "bench.h"
#include "kube/client.h"
#include "kube/config.h"
#include "kube/informer.h"
#include "loop_wait.h"
#include "net/net.h"
#include "ops/input.h"
#include "testapi_proc.h"
#include "util/diag.h"
#include "util/jfield.h"

#define WINDOW 64
#define TIMEOUT_MS 300000
#define NS "federation-mongo-operator"

static const struct fs_kube_resource mcm_res = {
	"middleware.fedstate.io", "v1alpha1", "multicloudmongodbs", "MultiCloudMongoDB", true,
};
static const struct fs_kube_resource mdb_res = {
	"middleware.fedstate.io", "v1alpha1", "mongodbs", "MongoDB", true,
};
static const struct fs_kube_resource rb_res = {
	"work.karmada.io", "v1alpha2", "resourcebindings", "ResourceBinding", true,
};

struct obj {
	char name[32];
	char *status; /* the binding's /status patch, made at create */
	char *sched;  /* the schedulerResult annotation */
	uint64_t sent, lat, member; /* member: created -> member CR seen */
	bool rb_sent;
};

struct ops_run {
	struct fs_kube_client *writer;
	struct obj *o;
	const cJSON *tmpl;
	uint32_t n, next, done, errors, healthy, rb_errors;
	uint64_t first_sent, last_healthy;
	uint32_t own; /* requests this process made */
	int synced;
};

static void on_created(void *ud, struct fs_kube_result *res);

static void
issue(struct ops_run *r)
{
	while (r->next < r->n && r->next - r->done < WINDOW) {
		struct obj *o = &r->o[r->next];
		cJSON *c = cJSON_Duplicate(r->tmpl, 1);
		cJSON *md = cJSON_GetObjectItem(c, "metadata");
		cJSON_ReplaceItemInObject(md, "name", cJSON_CreateString(o->name));
		cJSON_ReplaceItemInObject(cJSON_GetObjectItem(md, "annotations"), "schedulerResult",
					  cJSON_CreateString(o->sched));
		o->sent = fs_bench_now_ns();
		if (!r->first_sent)
			r->first_sent = o->sent;
		fs_kube_create(r->writer, &mcm_res, NS, c, 0, on_created, r);
		cJSON_Delete(c);
		r->own++;
		r->next++;
	}
}

static void
on_created(void *ud, struct fs_kube_result *res)
{
	struct ops_run *r = ud;
	r->done++;
	if (res->code != FS_OK) {
		fprintf(stderr, "fs-bench ops: create: %s\n", res->error ? res->error : "failed");
		r->errors++;
	}
	issue(r);
}

static struct obj *
find(struct ops_run *r, const cJSON *obj)
{
	const char *name = fs_jmeta(obj, "name");
	unsigned i;
	if (!name || sscanf(name, "bench-ops-%u", &i) != 1 || i >= r->n)
		return NULL;
	return &r->o[i];
}

struct rb_ctx {
	struct ops_run *r;
	struct obj *o;
};

static void
on_status(void *ud, struct fs_kube_result *res)
{
	struct ops_run *r = ud;
	if (res->code != FS_OK) {
		fprintf(stderr, "fs-bench ops: binding status: %s\n", res->error ? res->error : "failed");
		r->rb_errors++;
	}
}

static void
on_rb(void *ud, struct fs_kube_result *res)
{
	struct rb_ctx *x = ud;
	struct ops_run *r = x->r;
	if (res->code != FS_OK) {
		fprintf(stderr, "fs-bench ops: binding create: %s\n", res->error ? res->error : "failed");
		r->rb_errors++;
	} else {
		char name[48];
		snprintf(name, sizeof name, "%s-mongodb", x->o->name);
		fs_kube_patch(r->writer, &rb_res, NS, name, FS_KUBE_MERGE_PATCH, x->o->status,
			      FS_KUBE_STATUS, on_status, r);
		r->own++;
	}
	free(x);
}

/* Karmada's part: the member CR appeared, so bind it */
static void
mdb_seen(struct ops_run *r, const cJSON *obj)
{
	struct obj *o = find(r, obj);
	const char *uid = fs_jmeta(obj, "uid");
	if (!o || o->rb_sent || !uid)
		return;
	o->rb_sent = true;
	o->member = o->sent ? fs_bench_now_ns() - o->sent : 0;
	cJSON *rb = cJSON_CreateObject();
	cJSON_AddStringToObject(rb, "apiVersion", "work.karmada.io/v1alpha2");
	cJSON_AddStringToObject(rb, "kind", "ResourceBinding");
	cJSON *md = cJSON_AddObjectToObject(rb, "metadata");
	char name[48];
	snprintf(name, sizeof name, "%s-mongodb", o->name);
	cJSON_AddStringToObject(md, "name", name);
	cJSON_AddStringToObject(md, "namespace", NS);
	cJSON *res = cJSON_AddObjectToObject(cJSON_AddObjectToObject(rb, "spec"), "resource");
	cJSON_AddStringToObject(res, "apiVersion", "middleware.fedstate.io/v1alpha1");
	cJSON_AddStringToObject(res, "kind", "MongoDB");
	cJSON_AddStringToObject(res, "name", o->name);
	cJSON_AddStringToObject(res, "namespace", NS);
	cJSON_AddStringToObject(res, "uid", uid);
	struct rb_ctx *x = malloc(sizeof *x);
	if (!x)
		abort();
	x->r = r;
	x->o = o;
	fs_kube_create(r->writer, &rb_res, NS, rb, 0, on_rb, x);
	r->own++;
	cJSON_Delete(rb);
}

static bool
rendered(const cJSON *obj)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, fs_jget2(obj, "status", "conditions"))
		if (fs_jstr(c, "type") && !strcmp(fs_jstr(c, "type"), "Rendered"))
			return fs_jstr(c, "status") && !strcmp(fs_jstr(c, "status"), "True");
	return false;
}

static void
mcm_seen(struct ops_run *r, const cJSON *obj)
{
	struct obj *o = find(r, obj);
	const char *st = fs_jstr(fs_jget(obj, "status"), "state");
	if (!o || o->lat || !o->sent || !st || strcmp(st, "Health") || !rendered(obj))
		return;
	r->last_healthy = fs_bench_now_ns();
	o->lat = r->last_healthy - o->sent;
	r->healthy++;
}

static void m_add(void *ud, const cJSON *obj) { mdb_seen(ud, obj); }
static void m_upd(void *ud, const cJSON *old, const cJSON *obj) { (void)old; mdb_seen(ud, obj); }
static void c_add(void *ud, const cJSON *obj) { mcm_seen(ud, obj); }
static void c_upd(void *ud, const cJSON *old, const cJSON *obj) { (void)old; mcm_seen(ud, obj); }
static void on_synced(void *ud) { ((struct ops_run *)ud)->synced++; }

static bool
spin(struct ops_run *r, bool (*done)(const struct ops_run *), int ms)
{
	int64_t deadline = fs_now_ms() + ms;
	while (!done(r)) {
		if (fs_now_ms() >= deadline)
			return false;
		ev_run(tl_loop(), EVRUN_ONCE);
	}
	return true;
}

static bool is_synced(const struct ops_run *r) { return r->synced >= 2; }
static bool all_healthy(const struct ops_run *r)
{
	return r->healthy + r->errors >= r->n || r->rb_errors;
}

/* run the loop for ms (replies, watch events) */
static void
pump(struct ops_run *r, int ms)
{
	int64_t end = fs_now_ms() + ms;
	while (fs_now_ms() < end)
		ev_run(tl_loop(), EVRUN_NOWAIT), usleep(2000);
	(void)r;
}

/* writes by fedstate-ops from index `from` of the write log (Events
 * excluded); *end gets the log's length */
static int
ops_writes(const struct ta_proc *p, int from, int *end)
{
	long st = 0;
	char *body = ta_proc_get(p, "/_testapi/writes", &st);
	cJSON *w = cJSON_Parse(body ? body : "[]");
	free(body);
	int n = 0, i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, w)
	{
		const char *agent = fs_jstr(e, "agent"), *path = fs_jstr(e, "path");
		if (i++ < from || !agent || !strstr(agent, "fedstate-ops") || !path ||
		    strstr(path, "/events"))
			continue;
		if (n < 5)
			fprintf(stderr, "fs-bench ops: steady-state write: %s %s\n",
				fs_jstr(e, "method") ? fs_jstr(e, "method") : "?", path);
		n++;
	}
	if (end)
		*end = cJSON_GetArraySize(w);
	cJSON_Delete(w);
	return n;
}

/* the sum of fedstate_ops_reconcile_total over its results; -1 when the
 * endpoint does not answer */
static double
reconciles(const struct ta_proc *metrics)
{
	long st = 0;
	char *body = ta_proc_get(metrics, "/metrics", &st);
	if (!body || st != 200) {
		free(body);
		return -1;
	}
	double sum = 0;
	for (char *l = body; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, "fedstate_ops_reconcile_total{", 29)) {
			const char *sp = strchr(l, ' ');
			if (sp)
				sum += strtod(sp + 1, NULL);
		}
	free(body);
	return sum;
}

/* a loopback port nobody listens on now */
static int
free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM, 0), port = 0;
	if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (s >= 0)
		close(s);
	return port;
}

static pid_t
start_ops(const struct ta_proc *p, const char *config, int port, double qps)
{
	char bin[4096], addr[64], log[160], q[32];
	const char *b = getenv("FEDSTATE_BUILD");
	snprintf(bin, sizeof bin, "%s/bin/fedstate", b && *b ? b : "build");
	snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
	snprintf(log, sizeof log, "%s/ops.log", p->dir);
	snprintf(q, sizeof q, "%g", qps);
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen(log, "w", stderr) || !freopen(log, "a", stdout))
			_exit(127);
		execl(bin, bin, "ops", "--config", config, "--kubeconfig", p->kubeconfig,
		      "--leader-elect=false", "--metrics-bind-address", addr,
		      "--health-probe-bind-address", "127.0.0.1:0", "--kube-api-qps", q,
		      "--kube-api-burst", qps > 0 ? "60" : "1000000", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* names of the fleet's clusters with a vip label (caller frees the array
 * and the strings); how many */
static uint32_t
vip_clusters(const char *path, char ***out)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len = 0;
	if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)len + 1)) && fread(buf, 1, (size_t)len, f) == (size_t)len)
		buf[len] = 0;
	else
		len = 0;
	if (f)
		fclose(f);
	cJSON *l = len ? cJSON_Parse(buf) : NULL;
	free(buf);
	uint32_t n = 0;
	const cJSON *c;
	*out = calloc((size_t)cJSON_GetArraySize(fs_jget(l, "items")) + 1, sizeof **out);
	cJSON_ArrayForEach(c, fs_jget(l, "items"))
		if (fs_jstr(fs_jget2(c, "metadata", "labels"), "vip") && *out)
			(*out)[n++] = strdup(fs_jmeta(c, "name"));
	cJSON_Delete(l);
	return n;
}

/* object i's placement (5 members over 2 or 3 vip clusters) and its
 * binding's healthy status, one aggregatedStatus item per cluster */
static void
plan(struct obj *o, uint32_t i, char **vips, uint32_t nv)
{
	static const int split2[] = {3, 2}, split3[] = {2, 2, 1};
	int k = i % 2 ? 3 : 2;
	const int *w = k == 2 ? split2 : split3;
	cJSON *sr = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(sr, "ClusterWithReplicaset");
	cJSON *patch = cJSON_CreateObject();
	cJSON *agg = cJSON_AddArrayToObject(cJSON_AddObjectToObject(patch, "status"), "aggregatedStatus");
	snprintf(o->name, sizeof o->name, "bench-ops-%u", i);
	for (int j = 0; j < k; j++) {
		const char *c = vips[(i * 7 + (uint32_t)j * 13) % nv];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "cluster", c);
		cJSON_AddNumberToObject(e, "replicaset", w[j]);
		cJSON_AddItemToArray(list, e);
		cJSON *a = cJSON_CreateObject();
		cJSON_AddStringToObject(a, "clusterName", c);
		cJSON_AddBoolToObject(a, "applied", true);
		cJSON_AddStringToObject(a, "health", "Healthy");
		cJSON *st = cJSON_AddObjectToObject(a, "status");
		cJSON_AddNumberToObject(cJSON_AddObjectToObject(st, "currentInfo"), "members", w[j]);
		char rev[64];
		snprintf(rev, sizeof rev, "%s-%d", o->name, j);
		cJSON_AddStringToObject(st, "currentRevision", rev);
		cJSON_AddStringToObject(st, "state", "Running");
		cJSON_AddItemToArray(agg, a);
	}
	o->sched = cJSON_PrintUnformatted(sr);
	o->status = cJSON_PrintUnformatted(patch);
	cJSON_Delete(sr);
	cJSON_Delete(patch);
}

/* the FedState sample as a user creates it (caller frees) */
static cJSON *
template(void)
{
	char path[4096];
	const char *src = getenv("FEDSTATE_SRC");
	struct fs_diags d = FS_DIAGS_INIT;
	cJSON *arr = NULL;
	snprintf(path, sizeof path, "%s/tests/data/ops/mcmongo-sample.yaml", src && *src ? src : ".");
	if (fs_ops_load_objects(path, &arr, &d) != FS_OK)
		fs_diags_print(&d, stderr);
	fs_diags_release(&d);
	cJSON *o = cJSON_DetachItemFromArray(arr, 0);
	cJSON_Delete(arr);
	if (!o)
		return NULL;
	cJSON_DeleteItemFromObject(o, "status");
	cJSON *m = cJSON_GetObjectItem(o, "metadata");
	static const char *const drop[] = {"creationTimestamp", "finalizers", "generation",
					   "resourceVersion", "uid"};
	for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
		cJSON_DeleteItemFromObject(m, drop[i]);
	return o;
}

static bool
write_config(const struct ta_proc *p, const char *plugin_dir, char *out, size_t n)
{
	snprintf(out, n, "%s/ops.yaml", p->dir);
	FILE *y = fopen(out, "w");
	if (!y)
		return false;
	fprintf(y, "apiVersion: config.fedstate.io/v1alpha1\nkind: OpsConfiguration\n"
		   "pluginDirs: [%s]\nmiddlewares:\n- name: mongodb\n  group: middleware.fedstate.io\n"
		   "  version: v1alpha1\n  kind: MultiCloudMongoDB\n  args: {vipLabel: vip, port: 27017}\n",
		   plugin_dir);
	return fclose(y) == 0;
}

/* steady state: SIGHUP queues every object again; reconciles/s until the
 * counter grew by n, and ops' writes in that window. false on a timeout */
static bool
steady(struct ops_run *r, const struct ta_proc *p, const struct ta_proc *metrics, pid_t ops,
       double *per_s, int *writes)
{
	int mark = 0, prev = -1;
	/* settle: the last status writes and Events of the ramp land */
	for (int t = 0; t < 60 && prev != mark; t++) {
		prev = mark;
		pump(r, 1000);
		ops_writes(p, 1 << 30, &mark);
	}
	double c0 = reconciles(metrics);
	if (c0 < 0)
		return false;
	uint64_t t0 = fs_bench_now_ns();
	kill(ops, SIGHUP);
	double c = c0;
	int64_t deadline = fs_now_ms() + TIMEOUT_MS;
	while (c < c0 + r->n && fs_now_ms() < deadline) {
		pump(r, 20);
		c = reconciles(metrics);
	}
	double secs = (double)(fs_bench_now_ns() - t0) / 1e9;
	pump(r, 500); /* a write the last reconcile makes lands */
	*writes = ops_writes(p, mark, NULL);
	*per_s = secs > 0 ? (c - c0) / secs : 0;
	return c >= c0 + r->n;
}

int
fs_bench_ops(const char *clusters, uint32_t n, const char *plugin_dir, double qps,
	     bool steady_state)
{
	struct ops_run r = {0};
	struct ta_proc proc, metrics;
	struct fs_kube_config *cfg = NULL;
	struct fs_kube_config_opts co = {0};
	struct fs_kube_client_opts fast = {.qps = 1e6, .burst = 1000000, .user_agent = "fs-bench"};
	char *err = NULL, **vips = NULL, config[160];
	cJSON *tmpl = template();
	int rc = 1;
	uint32_t nv = vip_clusters(clusters, &vips);

	if (!tmpl || nv < 3) {
		fprintf(stderr, "fs-bench ops: %s: %u clusters with a vip label, expected 3 or more "
				"(or the sample tests/data/ops/mcmongo-sample.yaml is missing: set FEDSTATE_SRC)\n",
			clusters, nv);
		goto early;
	}
	r.tmpl = tmpl;
	r.n = n;
	r.o = calloc(n, sizeof *r.o);
	for (uint32_t i = 0; i < n; i++)
		plan(&r.o[i], i, vips, nv);
	const char *extra[] = {"--seed", clusters, "--window", "2000000", NULL};
	if (!ta_proc_start(&proc, extra)) {
		fputs("fs-bench ops: fedstate-testapi did not start\n", stderr);
		goto early;
	}
	co.kubeconfig = proc.kubeconfig;
	if (fs_kube_config_load(&co, &cfg, &err) != FS_OK || !write_config(&proc, plugin_dir, config,
									   sizeof config)) {
		fprintf(stderr, "fs-bench ops: %s\n", err ? err : "cannot write the ops config");
		goto out;
	}
	r.writer = fs_kube_client_new(tl_net(), cfg, &fast);
	struct fs_kube_client *reader = fs_kube_client_new(tl_net(), cfg, &fast);
	fs_bench_ensure_ns(r.writer, NS);
	static const struct fs_kube_handlers mh = {m_add, m_upd, NULL, on_synced};
	static const struct fs_kube_handlers ch = {c_add, c_upd, NULL, on_synced};
	struct fs_kube_informer_opts mo = {.res = &mdb_res, .ns = NS};
	struct fs_kube_informer_opts mco = {.res = &mcm_res, .ns = NS};
	struct fs_kube_informer *mi = fs_kube_informer_new(reader, &mo, &mh, &r);
	struct fs_kube_informer *ci = fs_kube_informer_new(reader, &mco, &ch, &r);
	fs_kube_informer_start(mi);
	fs_kube_informer_start(ci);
	int port = free_port();
	pid_t ops = start_ops(&proc, config, port, qps);
	metrics = proc;
	snprintf(metrics.base, sizeof metrics.base, "http://127.0.0.1:%d", port);
	spin(&r, is_synced, 10000);
	for (int t = 0; t < 100 && reconciles(&metrics) < 0; t++) /* it lists, then serves */
		usleep(100000);
	pump(&r, 500);
	double q0 = fs_bench_server_requests(&proc);
	issue(&r);
	bool ok = spin(&r, all_healthy, TIMEOUT_MS) && !r.errors && !r.rb_errors;
	double q1 = fs_bench_server_requests(&proc);
	uint32_t own = r.own;
	double rec_s = 0;
	int writes = -1;
	bool steady_ok = !steady_state || (ok && steady(&r, &proc, &metrics, ops, &rec_s, &writes));
	long rss = fs_bench_peak_rss_kb(ops);
	kill(ops, SIGTERM);
	waitpid(ops, NULL, 0);
	fs_kube_informer_free(mi);
	fs_kube_informer_free(ci);
	fs_kube_client_free(reader);
	fs_kube_client_free(r.writer);
	if (!ok || !steady_ok) {
		fprintf(stderr, "fs-bench ops: %u of %u Health (%u create errors, %u binding errors)%s; "
				"the daemon's log follows\n",
			r.healthy, r.n, r.errors, r.rb_errors,
			steady_ok ? "" : ", the steady-state reconciles did not all run");
		char cmd[256];
		snprintf(cmd, sizeof cmd, "tail -n 40 %s/ops.log >&2", proc.dir);
		if (system(cmd) != 0)
			fputs("fs-bench ops: no log\n", stderr);
		goto out;
	}
	uint64_t *lat = calloc(n, sizeof *lat);
	for (uint32_t i = 0; i < n; i++)
		lat[i] = r.o[i].lat;
	qsort(lat, n, sizeof *lat, fs_bench_cmp_u64);
	uint64_t *mem = calloc(n, sizeof *mem);
	for (uint32_t i = 0; i < n; i++)
		mem[i] = r.o[i].member;
	qsort(mem, n, sizeof *mem, fs_bench_cmp_u64);
	double secs = (double)(r.last_healthy - r.first_sent) / 1e9;
	printf("{\"mode\":\"ops\",\"objects\":%u,\"qps\":%g,\"clusters_with_vip\":%u,\"objects_per_second\":%.1f,"
	       "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"requests_per_object\":%.2f,"
	       "\"member_cr_p50_ms\":%.2f,\"ops_peak_rss_mb\":%.1f",
	       n, qps, nv, secs > 0 ? n / secs : 0, (double)lat[n / 2] / 1e6,
	       (double)lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] / 1e6,
	       (q1 - q0 - own) / n, (double)mem[n / 2] / 1e6, (double)rss / 1024.0);
	if (steady_state)
		printf(",\"steady_reconciles_per_second\":%.1f,\"steady_writes\":%d", rec_s, writes);
	printf("}\n");
	free(lat);
	free(mem);
	if (getenv("FS_BENCH_OPS_LOG")) { /* the daemon's log and the server's write log */
		char cmd[512];
		const char *to = getenv("FS_BENCH_OPS_LOG");
		long st = 0;
		char *w = ta_proc_get(&proc, "/_testapi/writes", &st);
		snprintf(cmd, sizeof cmd, "%s.writes", to);
		FILE *wf = w ? fopen(cmd, "w") : NULL;
		if (wf) {
			fputs(w, wf);
			fclose(wf);
		}
		free(w);
		snprintf(cmd, sizeof cmd, "cp %s/ops.log %s", proc.dir, to);
		if (system(cmd) != 0)
			fputs("fs-bench ops: cannot copy the log\n", stderr);
	}
	rc = steady_state && writes ? 1 : 0;
out:
	free(err);
	fs_kube_config_free(cfg);
	tl_net_reset();
	ta_proc_stop(&proc);
early:
	for (uint32_t i = 0; r.o && i < n; i++) {
		free(r.o[i].sched);
		free(r.o[i].status);
	}
	free(r.o);
	for (uint32_t i = 0; i < nv; i++)
		free(vips[i]);
	free(vips);
	cJSON_Delete(tmpl);
	return rc;
}
