/*
 * tests/bench/bench_main.c - fs-bench, the benchmark driver.
 *
 *   fs-bench sched  --config F --plugin-dir D --clusters C --bindings B...
 *                   [--repeat R]
 *       decide-only cycles (no bind) through the configured profiles;
 *       per-binding latency percentiles and throughput
 *   fs-bench decode --clusters C --bindings B
 *       parse and decode throughput (MB/s) of Cluster and binding JSON
 *   fs-bench memory --config F --plugin-dir D --clusters C --bindings B...
 *       resident memory with everything decoded, objects parsed one by one
 *       as a watch delivers them; with and without the raw JSON kept.
 *       bytes_per_* are RSS growth (what the process really pays, malloc
 *       slack included); view_bytes_per_binding is the binding views'
 *       arenas, view_bytes_per_cluster the heap the fleet holds per cluster
 *       (views, their arenas, interned strings)
 *   fs-bench watch  --bindings B [--count N]
 *       ResourceBindings through fedstate-testapi and an informer
 *       (bench_watch.c)
 *   fs-bench e2e    --clusters C --bindings B --config F --plugin-dir D
 *       the scheduler daemon end to end (bench_e2e.c)
 *   fs-bench ops    --clusters C --plugin-dir D [--count N] [--qps Q] [--steady 1]
 *       the ops daemon end to end: MultiCloudMongoDBs to Health, then
 *       (--steady 1) every object reconciled again (bench_ops.c)
 *
 * Every mode prints one JSON object on stdout (run-bench.sh assembles the
 * report); problems go to stderr and give exit status 1.
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "runtime/runtime.h"
#include "sched/config.h"
#include "sched/framework.h"
#include "util/diag.h"
#include "util/log.h"

#define MAX_BINDING_FILES 4

struct opts {
	const char *mode;
	const char *config;
	const char *plugin_dir;
	const char *clusters;
	const char *bindings[MAX_BINDING_FILES];
	int n_bindings;
	unsigned repeat;
	unsigned count;
	const char *label; /* names the profile in the output; "full" */
	double qps;        /* e2e: the scheduler's --kube-api-qps (0: off) */
	bool steady;       /* ops: measure a reconcile of every object after */
};

static void
usage(void)
{
	fputs("usage: fs-bench sched|decode|memory [--config FILE] [--plugin-dir DIR]\n"
	      "                --clusters FILE [--bindings FILE]... [--repeat N]\n"
	      "                [--label NAME]\n"
	      "       fs-bench watch --bindings FILE [--count N]\n"
	      "       fs-bench e2e --clusters FILE --bindings FILE --config FILE\n"
	      "                --plugin-dir DIR [--count N] [--qps Q]\n"
	      "       fs-bench ops --clusters FILE --plugin-dir DIR [--count N]\n"
	      "                [--qps Q] [--steady 1]\n",
	      stderr);
	exit(2);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof *o);
	o->repeat = 3;
	o->count = 5000;
	o->label = "full";
	if (argc < 2)
		usage();
	o->mode = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--config"))
			o->config = v;
		else if (!strcmp(a, "--plugin-dir"))
			o->plugin_dir = v;
		else if (!strcmp(a, "--clusters"))
			o->clusters = v;
		else if (!strcmp(a, "--bindings") && o->n_bindings < MAX_BINDING_FILES)
			o->bindings[o->n_bindings++] = v;
		else if (!strcmp(a, "--repeat"))
			o->repeat = (unsigned)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--label"))
			o->label = v;
		else if (!strcmp(a, "--count"))
			o->count = (unsigned)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--qps"))
			o->qps = strtod(v, NULL);
		else if (!strcmp(a, "--steady"))
			o->steady = strcmp(v, "0") != 0;
		else
			usage();
	}
	if (strcmp(o->mode, "watch") == 0 ? !o->n_bindings || !o->count
					       : !o->clusters || o->repeat == 0)
		usage();
}

/* ------------------------------------------------------------ profiles */

struct fs_runtime *
fs_bench_runtime(void)
{
	static struct fs_runtime *rt;

	if (!rt && !(rt = fs_runtime_new(NULL))) {
		fputs("fs-bench: cannot create a runtime\n", stderr);
		exit(1);
	}
	return rt;
}

static struct fs_profile_set *
build_profiles(const struct opts *o)
{
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_config *cfg = NULL;
	struct fs_profile_set *set = NULL;
	struct fs_registry reg;
	char err[512], dir[PATH_MAX];

	if (!o->config || !o->plugin_dir) {
		fputs("fs-bench: this mode needs --config and --plugin-dir\n", stderr);
		exit(2);
	}
	if (fs_config_load_file(o->config, &cfg, &d) != FS_OK) {
		fs_diags_print(&d, stderr);
		exit(1);
	}
	if (!realpath(o->plugin_dir, dir)) {
		fprintf(stderr, "fs-bench: --plugin-dir %s: %s\n", o->plugin_dir,
			strerror(errno));
		exit(1);
	}
	fs_registry_init(&reg);
	reg.env = fs_runtime_env(fs_bench_runtime());
	if (fs_registry_add_dir(&reg, dir, err, sizeof err) != FS_OK) {
		fprintf(stderr, "fs-bench: %s\n", err);
		exit(1);
	}
	if (fs_profile_set_build(cfg, &reg, &set, &d) != FS_OK) {
		fs_diags_print(&d, stderr);
		exit(1);
	}
	fs_registry_release(&reg);
	fs_diags_release(&d);
	fs_config_free(cfg);
	return set;
}

/* ------------------------------------------------------------ sched */

static double
pct_us(const uint64_t *sorted, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);

	return n ? (double)sorted[i] / 1000.0 : 0.0;
}

struct pass_count {
	size_t ok, unschedulable, failed, foreign;
	uint64_t feasible, targets; /* sums, to show the work is real */
};

/* one pass over every binding; lat (may be NULL) gets each cycle's ns */
static uint64_t
run_pass(struct fs_framework **fw, const struct fs_profile_set *set,
	 const struct fs_bench_fleet *f, uint64_t *lat, struct pass_count *pc)
{
	struct fs_sched_result res;
	uint64_t start = fs_bench_now_ns();

	for (uint32_t j = 0; j < f->n_bindings; j++) {
		const struct fs_binding *b = &f->bindings[j];
		const struct fs_profile *p = fs_profile_set_find(set, b->scheduler_name);
		uint32_t pi;
		uint64_t t0;
		enum fs_code rc;

		if (!p) {
			pc->foreign++;
			continue;
		}
		for (pi = 0; set->profiles[pi] != p; pi++)
			;
		t0 = fs_bench_now_ns();
		rc = fs_framework_schedule(fw[pi], f->cptr, f->n_clusters, b,
					   FS_SCHED_NO_BIND, &res);
		if (lat)
			lat[j] = fs_bench_now_ns() - t0;
		pc->feasible += res.n_feasible;
		pc->targets += res.n_targets;
		if (rc == FS_OK)
			pc->ok++;
		else if (rc == FS_UNSCHEDULABLE)
			pc->unschedulable++;
		else
			pc->failed++;
	}
	return fs_bench_now_ns() - start;
}

/* the strategy a binding exercises, for the per-class latencies */
enum bclass { BC_DUPLICATED, BC_AGGREGATED, BC_STATIC, BC_DYNAMIC, BC_EQUAL,
	      BC_MIDDLEWARE, BC_COUNT };
static const char *const bclass_names[BC_COUNT] = {
	"duplicated", "aggregated", "static_weights", "dynamic_weights",
	"divided_default", "middleware",
};

static enum bclass
bclass_of(const struct fs_binding *b)
{
	const struct fs_replica_scheduling *rs =
		b->placement ? b->placement->replica_scheduling : NULL;

	if (b->kind == FS_WORKLOAD_MIDDLEWARE)
		return BC_MIDDLEWARE;
	if (!rs || rs->type == FS_REPLICA_DUPLICATED)
		return BC_DUPLICATED;
	if (rs->division == FS_DIVISION_AGGREGATED)
		return BC_AGGREGATED;
	if (rs->dynamic_available)
		return BC_DYNAMIC;
	return rs->n_static_weights ? BC_STATIC : BC_EQUAL;
}

static uint64_t
cpu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* "\"classes\":{...}": p50/p99 and mean feasible per strategy */
static void
print_classes(const struct fs_bench_fleet *f, const uint64_t *lat, size_t n)
{
	uint64_t *v = malloc((n + 1) * sizeof *v);
	bool first = true;

	if (!v)
		return;
	printf(",\"classes\":{");
	for (int c = 0; c < BC_COUNT; c++) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (lat[i] && bclass_of(&f->bindings[i % f->n_bindings]) == (enum bclass)c)
				v[k++] = lat[i];
		if (!k)
			continue;
		qsort(v, k, sizeof *v, fs_bench_cmp_u64);
		printf("%s\"%s\":{\"cycles\":%zu,\"p50_us\":%.3f,\"p99_us\":%.3f}",
		       first ? "" : ",", bclass_names[c], k, pct_us(v, k, 0.5),
		       pct_us(v, k, 0.99));
		first = false;
	}
	printf("}");
	free(v);
}

static int
mode_sched(const struct opts *o)
{
	struct fs_profile_set *set = build_profiles(o);
	struct fs_bench_fleet f = {0};
	struct fs_framework **fw;
	struct pass_count warm = {0}, pc = {0};
	uint64_t *lat, *sorted, total = 0, cpu = 0, best = UINT64_MAX;
	size_t n = 0;

	if (!fs_bench_load_clusters(&f, o->clusters))
		return 1;
	for (int i = 0; i < o->n_bindings; i++)
		if (!fs_bench_load_bindings(&f, o->bindings[i], set, true, false))
			return 1;
	fw = calloc(set->n_profiles, sizeof *fw);
	lat = calloc((size_t)f.n_bindings * o->repeat + 1, sizeof *lat);
	sorted = calloc((size_t)f.n_bindings * o->repeat + 1, sizeof *sorted);
	if (!fw || !lat || !sorted) {
		fputs("fs-bench: out of memory\n", stderr);
		return 1;
	}
	for (uint32_t i = 0; i < set->n_profiles; i++)
		fw[i] = fs_framework_create(set->profiles[i]);

	run_pass(fw, set, &f, NULL, &warm); /* warm caches and plugin tables */
	for (unsigned r = 0; r < o->repeat; r++) {
		struct pass_count one = {0};
		uint64_t c0 = cpu_now_ns();
		uint64_t t = run_pass(fw, set, &f, lat + n, &one);
		cpu += cpu_now_ns() - c0;
		total += t;
		best = t < best ? t : best;
		n += f.n_bindings;
		pc.ok += one.ok;
		pc.unschedulable += one.unschedulable;
		pc.failed += one.failed;
		pc.foreign = one.foreign;
		pc.feasible += one.feasible;
		pc.targets += one.targets;
	}
	/* bindings of no profile left holes of 0 ns: count only cycles run */
	size_t cycles = pc.ok + pc.unschedulable + pc.failed;
	size_t per_pass = cycles / o->repeat;
	memcpy(sorted, lat, n * sizeof *lat);
	qsort(sorted, n, sizeof *sorted, fs_bench_cmp_u64);
	uint64_t *ran = sorted + (n - cycles);
	double sum = 0;
	for (size_t i = 0; i < cycles; i++)
		sum += (double)ran[i];
	double mean_us = cycles ? sum / (double)cycles / 1000.0 : 0;
	double p50 = pct_us(ran, cycles, 0.50);

	/* bindings/s: wall clock over all passes; _cpu: over the process's
	 * CPU time (what a shared machine's preemptions do not inflate);
	 * _best: the fastest pass */
	printf("{\"mode\":\"sched\",\"label\":\"%s\",\"clusters\":%u,\"bindings\":%u,\"skipped\":%zu,"
	       "\"repeat\":%u,\"cycles\":%zu,\"scheduled\":%zu,\"unschedulable\":%zu,"
	       "\"errors\":%zu,\"not_ours\":%zu,\"total_s\":%.6f,\"cpu_s\":%.6f,"
	       "\"bindings_per_s\":%.0f,\"bindings_per_cpu_s\":%.0f,"
	       "\"bindings_per_s_best\":%.0f,\"mean_us\":%.3f,\"p50_us\":%.3f,"
	       "\"p90_us\":%.3f,\"p99_us\":%.3f,\"max_us\":%.3f,"
	       "\"p50_ns_per_cluster\":%.2f,\"mean_ns_per_cluster\":%.2f,"
	       "\"mean_feasible\":%.1f,\"mean_targets\":%.2f",
	       o->label, f.n_clusters, f.n_bindings, f.skipped, o->repeat, cycles, pc.ok,
	       pc.unschedulable, pc.failed, pc.foreign, (double)total / 1e9,
	       (double)cpu / 1e9,
	       total ? (double)cycles / ((double)total / 1e9) : 0.0,
	       cpu ? (double)cycles / ((double)cpu / 1e9) : 0.0,
	       best ? (double)per_pass / ((double)best / 1e9) : 0.0, mean_us, p50,
	       pct_us(ran, cycles, 0.90), pct_us(ran, cycles, 0.99),
	       cycles ? (double)ran[cycles - 1] / 1000.0 : 0.0,
	       f.n_clusters ? p50 * 1000.0 / f.n_clusters : 0.0,
	       f.n_clusters ? mean_us * 1000.0 / f.n_clusters : 0.0,
	       cycles ? (double)pc.feasible / (double)cycles : 0.0,
	       cycles ? (double)pc.targets / (double)cycles : 0.0);
	print_classes(&f, lat, n);
	printf("}\n");
	for (uint32_t i = 0; i < set->n_profiles; i++)
		fs_framework_destroy(fw[i]);
	free(fw);
	free(lat);
	free(sorted);
	fs_bench_fleet_free(&f);
	fs_profile_set_free(set);
	return pc.failed ? 1 : 0;
}

/* ------------------------------------------------------------ decode */

static double
mb_s(size_t bytes, double s)
{
	return s > 0 ? (double)bytes / 1e6 / s : 0.0;
}

static int
mode_decode(const struct opts *o)
{
	struct fs_bench_fleet f = {0};
	size_t cb, bb = 0;
	double cp, cd, bp = 0, bd = 0;

	if (!fs_bench_load_clusters(&f, o->clusters))
		return 1;
	cb = f.bytes, cp = f.parse_s, cd = f.decode_s;
	for (int i = 0; i < o->n_bindings; i++) {
		if (!fs_bench_load_bindings(&f, o->bindings[i], NULL, false, false))
			return 1;
		bb += f.bytes, bp += f.parse_s, bd += f.decode_s;
	}
	printf("{\"mode\":\"decode\",\"clusters\":%u,\"bindings\":%u,\"skipped\":%zu,"
	       "\"cluster_mb\":%.2f,\"cluster_parse_mb_s\":%.1f,"
	       "\"cluster_decode_mb_s\":%.1f,\"cluster_mb_s\":%.1f,"
	       "\"cluster_us_each\":%.2f,"
	       "\"binding_mb\":%.2f,\"binding_parse_mb_s\":%.1f,"
	       "\"binding_decode_mb_s\":%.1f,\"binding_mb_s\":%.1f,"
	       "\"binding_us_each\":%.2f}\n",
	       f.n_clusters, f.n_bindings, f.skipped, (double)cb / 1e6,
	       mb_s(cb, cp), mb_s(cb, cd), mb_s(cb, cp + cd),
	       f.n_clusters ? (cp + cd) * 1e6 / f.n_clusters : 0.0,
	       (double)bb / 1e6, mb_s(bb, bp), mb_s(bb, bd), mb_s(bb, bp + bd),
	       f.n_bindings ? (bp + bd) * 1e6 / f.n_bindings : 0.0);
	fs_bench_fleet_free(&f);
	return 0;
}

/* ------------------------------------------------------------ memory */

static int
mode_memory(const struct opts *o)
{
	struct fs_profile_set *set = build_profiles(o);
	struct fs_bench_fleet f = {0};
	size_t base, after_clusters, views, with_raw;
	uint32_t nb;

	base = fs_bench_rss();
	if (!fs_bench_load_clusters(&f, o->clusters))
		return 1;
	malloc_trim(0); /* hand back the freed parse tree: count what is held */
	after_clusters = fs_bench_rss();
	size_t arena_clusters = f.cluster_heap;
	/* pass 1: views only (a scheduler that keeps no JSON) */
	for (int i = 0; i < o->n_bindings; i++)
		if (!fs_bench_load_bindings(&f, o->bindings[i], set, false, true))
			return 1;
	malloc_trim(0);
	views = fs_bench_rss();
	nb = f.n_bindings;
	size_t arena_bindings = f.arena.total;
	size_t views_peak = fs_bench_peak_rss();
	/* pass 2: the same bindings again, now keeping each one's parsed
	 * JSON (binding->raw), which plugins may read */
	for (int i = 0; i < o->n_bindings; i++)
		if (!fs_bench_load_bindings(&f, o->bindings[i], set, true, true))
			return 1;
	with_raw = fs_bench_rss();

	printf("{\"mode\":\"memory\",\"clusters\":%u,\"bindings\":%u,\"skipped\":%zu,"
	       "\"base_mb\":%.1f,\"peak_rss_mb\":%.1f,\"rss_views_mb\":%.1f,"
	       "\"rss_with_raw_mb\":%.1f,\"bytes_per_cluster\":%.0f,"
	       "\"bytes_per_binding\":%.0f,\"bytes_per_binding_raw\":%.0f,"
	       "\"view_bytes_per_cluster\":%.0f,\"view_bytes_per_binding\":%.0f}\n",
	       f.n_clusters, nb, f.skipped, (double)base / 1048576.0,
	       (double)views_peak / 1048576.0, (double)views / 1048576.0,
	       (double)with_raw / 1048576.0,
	       f.n_clusters ? (double)(after_clusters - base) / f.n_clusters : 0.0,
	       nb ? (double)(views - after_clusters) / nb : 0.0,
	       nb ? (double)(with_raw - views) / nb : 0.0,
	       f.n_clusters ? (double)arena_clusters / f.n_clusters : 0.0,
	       nb ? (double)arena_bindings / nb : 0.0);
	fs_bench_fleet_free(&f);
	fs_profile_set_free(set);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;

	parse_opts(argc, argv, &o);
	fs_log_set_verbosity(0);
	if (!strcmp(o.mode, "sched"))
		return mode_sched(&o);
	if (!strcmp(o.mode, "decode"))
		return mode_decode(&o);
	if (!strcmp(o.mode, "memory"))
		return mode_memory(&o);
	if (!strcmp(o.mode, "watch"))
		return fs_bench_watch(o.bindings[0], o.count);
	if (!strcmp(o.mode, "e2e"))
		return fs_bench_e2e(o.clusters, o.bindings[0], o.count, o.config,
				    o.plugin_dir, o.qps, o.label);
	if (!strcmp(o.mode, "ops")) {
		if (!o.plugin_dir)
			usage();
		return fs_bench_ops(o.clusters, o.count, o.plugin_dir, o.qps, o.steady);
	}
	usage();
	return 2;
}
