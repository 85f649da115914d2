/*
 * tests/bench/bench_e2e.c - fs-bench e2e: the scheduler daemon end to end
 * on loopback. fedstate-testapi is seeded with a generated fleet; a real
 * `fedstate scheduler` (a child process) runs against it; this process
 * creates N ResourceBindings (up to WINDOW in flight) and watches them
 * with an informer until each shows its Scheduled condition. Reported:
 * bindings/s from the first create to the last bound, create -> bound
 * p50/p99, API requests per binding the scheduler made (the server's
 * request count less this process's), and the scheduler's peak RSS.
 * Timing is the whole system on one machine, both processes and the
 * server sharing its cores.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <ev.h>

#include "bench.h"
#include "kube/client.h"
#include "kube/config.h"
#include "kube/informer.h"
#include "loop_wait.h"
#include "net/net.h"
#include "testapi_proc.h"
#include "util/jfield.h"

#define WINDOW 64
#define TIMEOUT_MS 180000

static const struct fs_kube_resource rb_res = {
	"work.karmada.io", "v1alpha2", "resourcebindings", "ResourceBinding", true,
};

struct e2e {
	struct fs_kube_client *writer;
	cJSON **objs;
	uint32_t n, next, done, errors, bound;
	uint64_t *sent, *lat; /* ns */
	uint64_t first_sent, last_bound;
	bool synced;
};

static void
on_created(void *ud, struct fs_kube_result *res);

static void
issue(struct e2e *e)
{
	while (e->next < e->n && e->next - e->done < WINDOW) {
		e->sent[e->next] = fs_bench_now_ns();
		if (!e->first_sent)
			e->first_sent = e->sent[e->next];
		fs_kube_create(e->writer, &rb_res, "default", e->objs[e->next], 0,
			       on_created, e);
		e->next++;
	}
}

static void
on_created(void *ud, struct fs_kube_result *res)
{
	struct e2e *e = ud;

	e->done++;
	e->errors += res->code != FS_OK;
	issue(e);
}

static bool
scheduled(const cJSON *obj)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, fs_jget2(obj, "status", "conditions"))
		if (fs_jstr(c, "type") && strcmp(fs_jstr(c, "type"), "Scheduled") == 0)
			return true;
	return false;
}

static void
seen(struct e2e *e, const cJSON *obj)
{
	const char *name = fs_jmeta(obj, "name");
	unsigned i;

	if (!name || sscanf(name, "bench-%u", &i) != 1 || i >= e->n || e->lat[i] ||
	    !scheduled(obj))
		return;
	e->lat[i] = fs_bench_now_ns() - e->sent[i];
	e->last_bound = fs_bench_now_ns();
	e->bound++;
}

static void on_add(void *ud, const cJSON *obj) { seen(ud, obj); }
static void on_update(void *ud, const cJSON *old, const cJSON *obj) { (void)old; seen(ud, obj); }
static void on_synced(void *ud) { ((struct e2e *)ud)->synced = true; }

static bool
spin(struct e2e *e, bool (*done)(const struct e2e *))
{
	int64_t deadline = fs_now_ms() + TIMEOUT_MS;
	while (!done(e)) {
		if (fs_now_ms() >= deadline)
			return false;
		ev_run(tl_loop(), EVRUN_ONCE);
	}
	return true;
}

static bool is_synced(const struct e2e *e) { return e->synced; }
static bool all_bound(const struct e2e *e) { return e->bound + e->errors >= e->n; }

double
fs_bench_server_requests(const struct ta_proc *p)
{
	long st = 0;
	char *body = ta_proc_get(p, "/_testapi/stats", &st);
	cJSON *j = body ? cJSON_Parse(body) : NULL;
	const cJSON *r = fs_jget(j, "requests");
	double n = cJSON_IsNumber(r) ? r->valuedouble : 0;
	cJSON_Delete(j);
	free(body);
	return n;
}

void
fs_bench_ensure_ns(struct fs_kube_client *c, const char *ns)
{
	static const struct fs_kube_resource ns_res = {"", "v1", "namespaces", "Namespace", false};
	cJSON *o = cJSON_CreateObject(), *made = NULL;
	char *err = NULL;
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	cJSON_AddStringToObject(o, "kind", "Namespace");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "metadata"), "name", ns);
	fs_kube_wait(fs_kube_create(c, &ns_res, NULL, o, 0, NULL, NULL), &made, &err);
	cJSON_Delete(made);
	cJSON_Delete(o);
	free(err);
}

long
fs_bench_peak_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = 0;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

int
fs_bench_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static pid_t
start_scheduler(const struct ta_proc *p, const char *config, const char *plugin_dir,
		double qps)
{
	char bin[4096], q[32];
	const char *b = getenv("FEDSTATE_BUILD");
	snprintf(bin, sizeof bin, "%s/bin/fedstate", b && *b ? b : "build");
	snprintf(q, sizeof q, "%g", qps);
	pid_t pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		execl(bin, bin, "scheduler", "--config", config, "--plugin-dir", plugin_dir,
		      "--kubeconfig", p->kubeconfig, "--leader-elect=false",
		      "--kube-api-qps", q, "--kube-api-burst", qps > 0 ? "60" : "1000000",
		      "--metrics-bind-address", "0", "--health-probe-bind-address", "0",
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

int
fs_bench_e2e(const char *clusters, const char *bindings, uint32_t n,
	     const char *config, const char *plugin_dir, double qps, const char *label)
{
	struct e2e e = {0};
	struct ta_proc proc;
	struct fs_kube_config *cfg = NULL;
	struct fs_kube_config_opts co = {0};
	struct fs_kube_client_opts fast = {.qps = 1e6, .burst = 1000000, .user_agent = "fs-bench"};
	char *err = NULL;
	int rc = 1;

	e.objs = calloc(n + 1, sizeof *e.objs);
	e.sent = calloc(n + 1, sizeof *e.sent);
	e.lat = calloc(n + 1, sizeof *e.lat);
	if (!e.objs || (e.n = fs_bench_read_bindings(bindings, n, e.objs)) == 0) {
		fprintf(stderr, "fs-bench: %s: no ResourceBindings\n", bindings);
		return 1;
	}
	for (uint32_t i = 0; i < e.n; i++) { /* ours, new, in one namespace */
		cJSON *md = cJSON_GetObjectItem(e.objs[i], "metadata");
		char name[32];
		snprintf(name, sizeof name, "bench-%u", i);
		cJSON_ReplaceItemInObject(md, "name", cJSON_CreateString(name));
		cJSON_ReplaceItemInObject(md, "namespace", cJSON_CreateString("default"));
		cJSON_DeleteItemFromObject(md, "labels");
		cJSON_AddItemToObject(md, "labels", cJSON_Parse(
			"{\"propagationpolicy.karmada.io/permanent-id\":\"bench\"}"));
		cJSON_DeleteItemFromObject(e.objs[i], "status");
		cJSON *spec = cJSON_GetObjectItem(e.objs[i], "spec");
		cJSON_DeleteItemFromObject(spec, "clusters");
		cJSON_DeleteItemFromObject(spec, "schedulerName");
	}
	const char *extra[] = {"--seed", clusters, "--window", "2000000", NULL};
	if (!ta_proc_start(&proc, extra)) {
		fputs("fs-bench: fedstate-testapi did not start\n", stderr);
		return 1;
	}
	co.kubeconfig = proc.kubeconfig;
	if (fs_kube_config_load(&co, &cfg, &err) != FS_OK)
		goto out;
	e.writer = fs_kube_client_new(tl_net(), cfg, &fast);
	struct fs_kube_client *reader = fs_kube_client_new(tl_net(), cfg, &fast);
	static const struct fs_kube_handlers h = {on_add, on_update, NULL, on_synced};
	struct fs_kube_informer_opts io = {.res = &rb_res, .ns = ""};
	struct fs_kube_informer *inf = fs_kube_informer_new(reader, &io, &h, &e);
	fs_kube_informer_start(inf);
	pid_t sched = start_scheduler(&proc, config, plugin_dir, qps);
	spin(&e, is_synced);
	usleep(1500000); /* the scheduler lists the fleet */
	double r0 = fs_bench_server_requests(&proc);
	issue(&e);
	bool ok = spin(&e, all_bound);
	double r1 = fs_bench_server_requests(&proc);
	long rss = fs_bench_peak_rss_kb(sched);
	kill(sched, SIGTERM);
	waitpid(sched, NULL, 0);
	fs_kube_informer_free(inf);
	fs_kube_client_free(reader);
	fs_kube_client_free(e.writer);
	if (!ok || e.errors) {
		fprintf(stderr, "fs-bench e2e: %u of %u bound (%u create errors)\n", e.bound, e.n,
			e.errors);
		goto out;
	}
	qsort(e.lat, e.n, sizeof *e.lat, fs_bench_cmp_u64);
	double secs = (double)(e.last_bound - e.first_sent) / 1e9;
	/* the server counts every request; the creates are this process's */
	double per = (r1 - r0 - e.n) / e.n;
	printf("{\"mode\":\"e2e\",\"label\":\"%s\",\"bindings\":%u,\"qps\":%g,\"bindings_per_second\":%.1f,"
	       "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"requests_per_binding\":%.2f,"
	       "\"scheduler_peak_rss_mb\":%.1f}\n",
	       label, e.n, qps, secs > 0 ? e.n / secs : 0, (double)e.lat[e.n / 2] / 1e6,
	       (double)e.lat[(e.n * 99) / 100 < e.n ? (e.n * 99) / 100 : e.n - 1] / 1e6,
	       per, (double)rss / 1024.0);
	rc = 0;
out:
	free(err);
	fs_kube_config_free(cfg);
	tl_net_reset();
	ta_proc_stop(&proc);
	for (uint32_t i = 0; i < e.n; i++)
		cJSON_Delete(e.objs[i]);
	free(e.objs);
	free(e.sent);
	free(e.lat);
	return rc;
}
