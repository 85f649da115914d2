/*
 * tests/bench/bench_watch.c - fs-bench watch: how fast ResourceBindings
 * get from the API server into decoded views.
 *
 * Against BUILD/bin/fedstate-testapi (started here, on a free loopback
 * port, through tests/unit/lib/testapi_proc.c):
 *   1. watch events: an informer over every namespace is synced (empty);
 *      a writer creates N bindings (up to WINDOW in flight) and the clock
 *      stops when the informer has delivered and we have decoded the N-th
 *      ADDED event;
 *   2. list: a second informer lists the N bindings (pages of 500) and
 *      the clock stops at its sync, every object decoded.
 * Both rates include the server's own work and the loopback HTTP; the
 * server runs as a separate process (on the other core when there is one).
 * The client's CPU per object (creates included for the watch phase) is
 * what ingestion costs the scheduler process itself.
 */
#include <ev.h>
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loop_wait.h"
#include "bench.h"
#include "kube/client.h"
#include "kube/config.h"
#include "kube/informer.h"
#include "model/binding.h"
#include "net/net.h"
#include "testapi_proc.h"

#ifndef WINDOW
#define WINDOW 64 /* creates in flight */
#endif
#define TIMEOUT_MS 120000

static const struct fs_kube_resource rb_res = {
	"work.karmada.io", "v1alpha2", "resourcebindings", "ResourceBinding", true,
};

struct wstate {
	struct fs_kube_client *writer;
	cJSON **objs;
	uint32_t n, next, done, errors;
	uint32_t added, decoded;
	bool synced;
	struct fs_arena arena;
	const char *first_error;
};

static void
on_add(void *ud, const cJSON *obj)
{
	struct wstate *w = ud;
	struct fs_decode_ctx ctx = {0};
	struct fs_binding b;

	w->added++;
	if (fs_binding_decode(obj, &w->arena, &b, &ctx) == FS_OK)
		w->decoded++;
}

static void
on_synced(void *ud)
{
	((struct wstate *)ud)->synced = true;
}

static void issue(struct wstate *w);

/* this process's CPU time: how busy the client side was */
static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const char *
ns_of(const cJSON *o)
{
	const char *ns = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(o, "metadata"), "namespace"));
	return ns ? ns : "default";
}

static void
on_created(void *ud, struct fs_kube_result *res)
{
	struct wstate *w = ud;

	w->done++;
	if (res->code != FS_OK) {
		w->errors++;
		if (!w->first_error && res->error)
			w->first_error = strdup(res->error);
	}
	issue(w);
}

static void
issue(struct wstate *w)
{
	while (w->next < w->n && w->next - w->done < WINDOW) {
		fs_kube_create(w->writer, &rb_res, ns_of(w->objs[w->next]),
			       w->objs[w->next], 0, on_created, w);
		w->next++;
	}
}

static bool
is_synced(const struct wstate *w)
{
	return w->synced;
}

/* every create answered and every created object seen and decoded */
static bool
all_added(const struct wstate *w)
{
	return w->done == w->n && w->added >= w->n - w->errors;
}

static bool
spin_until(const struct wstate *w, bool (*cond)(const struct wstate *))
{
	int64_t deadline = fs_now_ms() + TIMEOUT_MS;

	while (!cond(w)) {
		if (fs_now_ms() >= deadline)
			return false;
		ev_run(tl_loop(), EVRUN_ONCE);
	}
	return true;
}

/* the first n bindings of the generator's file (one object per line) */
uint32_t
fs_bench_read_bindings(const char *path, uint32_t n, cJSON **out)
{
	FILE *in = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	uint32_t k = 0;

	if (!in)
		return 0;
	while (k < n && (len = getline(&line, &cap, in)) > 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == ','))
			line[--len] = '\0';
		if (strncmp(line, "{\"apiVersion\":\"work.karmada.io/", 31) != 0)
			continue;
		out[k] = cJSON_Parse(line);
		if (out[k])
			k++;
	}
	free(line);
	fclose(in);
	return k;
}

static struct fs_kube_informer *
informer(struct fs_kube_client *c, struct wstate *w)
{
	static const struct fs_kube_handlers h = {on_add, NULL, NULL, on_synced};
	struct fs_kube_informer_opts io = {.res = &rb_res, .ns = "", .page_size = 500};
	struct fs_kube_informer *inf = fs_kube_informer_new(c, &io, &h, w);

	fs_kube_informer_start(inf);
	return inf;
}

int
fs_bench_watch(const char *bindings, uint32_t n)
{
	struct ta_proc proc;
	struct fs_kube_config *cfg = NULL;
	struct fs_kube_config_opts co = {0};
	struct fs_kube_client_opts fast = {.qps = 1e6, .burst = 1000000,
					   .user_agent = "fs-bench"};
	struct wstate w = {0};
	struct fs_kube_client *reader = NULL;
	struct fs_kube_informer *inf = NULL;
	char *err = NULL;
	uint64_t t0, t1, t2, t3, c0, c1, c2, c3;
	int rc = 1;

	w.objs = calloc(n + 1, sizeof *w.objs);
	if (!w.objs || (w.n = fs_bench_read_bindings(bindings, n, w.objs)) == 0) {
		fprintf(stderr, "fs-bench: %s: no ResourceBindings to create\n", bindings);
		return 1;
	}
	if (!ta_proc_start(&proc, NULL)) {
		fputs("fs-bench: fedstate-testapi did not start (FEDSTATE_BUILD?)\n", stderr);
		return 1;
	}
	co.kubeconfig = proc.kubeconfig;
	if (fs_kube_config_load(&co, &cfg, &err) != FS_OK) {
		fprintf(stderr, "fs-bench: %s: %s\n", proc.kubeconfig, err ? err : "unreadable");
		goto out;
	}
	w.writer = fs_kube_client_new(tl_net(), cfg, &fast);
	reader = fs_kube_client_new(tl_net(), cfg, &fast);
	/* the bindings' namespaces (the server refuses objects in a missing
	 * one), before the clock starts */
	for (uint32_t i = 0; i < w.n; i++) {
		bool seen = false;
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = !strcmp(ns_of(w.objs[i]), ns_of(w.objs[j]));
		if (!seen)
			fs_bench_ensure_ns(w.writer, ns_of(w.objs[i]));
	}

	/* 1. watch events */
	inf = informer(reader, &w);
	if (!spin_until(&w, is_synced)) {
		fputs("fs-bench: the informer never synced\n", stderr);
		goto out;
	}
	t0 = fs_bench_now_ns();
	c0 = cpu_ns();
	issue(&w);
	if (!spin_until(&w, all_added)) {
		fprintf(stderr, "fs-bench: %u of %u events after %d s (%u create errors%s%s)\n",
			w.added, w.n, TIMEOUT_MS / 1000, w.errors,
			w.first_error ? ": " : "", w.first_error ? w.first_error : "");
		goto out;
	}
	t1 = fs_bench_now_ns();
	c1 = cpu_ns();
	fs_kube_informer_free(inf);
	inf = NULL;

	/* 2. list */
	uint32_t events = w.added, decoded = w.decoded;
	w.added = w.decoded = 0;
	w.synced = false;
	t2 = fs_bench_now_ns();
	c2 = cpu_ns();
	inf = informer(reader, &w);
	if (!spin_until(&w, is_synced)) {
		fputs("fs-bench: the second informer never synced\n", stderr);
		goto out;
	}
	t3 = fs_bench_now_ns();
	c3 = cpu_ns();

	printf("{\"mode\":\"watch\",\"objects\":%u,\"create_errors\":%u,\"events\":%u,"
	       "\"events_decoded\":%u,\"watch_events_per_s\":%.0f,"
	       "\"watch_client_cpu_share\":%.2f,\"watch_client_us_per_event\":%.1f,"
	       "\"listed\":%u,\"list_objects_per_s\":%.0f,"
	       "\"list_client_cpu_share\":%.2f,\"list_client_us_per_object\":%.1f}\n",
	       w.n, w.errors, events, decoded,
	       (double)events / ((double)(t1 - t0) / 1e9),
	       (double)(c1 - c0) / (double)(t1 - t0),
	       events ? (double)(c1 - c0) / 1e3 / events : 0.0, w.added,
	       (double)w.added / ((double)(t3 - t2) / 1e9),
	       (double)(c3 - c2) / (double)(t3 - t2),
	       w.added ? (double)(c3 - c2) / 1e3 / w.added : 0.0);
	rc = w.errors || decoded != events ? 1 : 0;
out:
	fs_kube_informer_free(inf);
	fs_kube_client_free(w.writer);
	fs_kube_client_free(reader);
	free(err);
	fs_kube_config_free(cfg);
	tl_net_reset();
	ta_proc_stop(&proc);
	for (uint32_t i = 0; i < w.n; i++)
		cJSON_Delete(w.objs[i]);
	free(w.objs);
	fs_arena_release(&w.arena);
	return rc;
}
