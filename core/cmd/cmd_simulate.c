/*
 * cmd/cmd_simulate.c - `fedstate simulate`: the real scheduling cycle over
 * dumps of clusters and workloads (docs/simulate.md).
 *
 *   fedstate simulate [--config FILE] --clusters FILE... --bindings FILE...
 *       [--plugin-dir DIR]... [--output table|json|yaml] [--explain]
 *       [--bench [--repeat N]]
 *
 * Exit status: 0 when every object was read and scheduled (an
 * unschedulable workload is a result, not a failure), 1 when some input
 * object could not be read or a plugin failed, 2 for usage and config
 * errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/plugin_dirs.h"
#include "cmd/simulate.h"
#include "plugin/loader.h"
#include "runtime/runtime.h"
#include "sched/config.h"
#include "daemon/duration.h"
#include "plugin/isolate.h"
#include "util/buf.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: fedstate simulate [--config FILE] --clusters FILE... --bindings FILE...\n"
		"           [--plugin-dir DIR]... [--output table|json|yaml] [--explain]\n"
		"           [--bench [--repeat N]] [--isolate[=DURATION]]\n"
		"\n"
		"Runs the scheduling cycle offline and prints, per workload, the strategy,\n"
		"the replicas and the placement (member1:3 member2:2) or why it cannot be\n"
		"placed. Without --config the built-in profile is Karmada's default set.\n"
		"  --clusters FILE   Cluster objects (kubectl get clusters -o yaml); repeatable\n"
		"  --bindings FILE   ResourceBindings and middleware objects; repeatable\n"
		"  --plugin-dir DIR  search DIR for plugins first (absolute; repeatable)\n"
		"  --output FORMAT   table (default), json or yaml (docs/simulate.md)\n"
		"  --explain         each cluster's filter verdict and per-plugin scores\n"
		"  --bench           time the decide-only cycle: p50/p99 per binding\n"
		"  --repeat N        cycles per binding with --bench (default 100)\n"
		"  --isolate[=D]     each plugin call (interpret, and each binding's cycle) in a\n"
		"                    child process with a deadline (default 10s): a crash or\n"
		"                    hang is that workload's error, the others are still placed\n");
}

/* --clusters a.yaml b.yaml --bindings ...: every following non-option */
static int
take_files(int argc, char **argv, int i, const char ***list, uint32_t *n)
{
	int j = i + 1;
	for (; j < argc && argv[j][0] != '-'; j++) {
		*list = fs_xrealloc(*list, (*n + 1) * sizeof **list);
		(*list)[(*n)++] = argv[j];
	}
	return j - 1;
}

static int
parse(struct sim *s, struct fs_registry *reg, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char err[512];
		if (strcmp(a, "--clusters") == 0 && v) {
			i = take_files(argc, argv, i, &s->cluster_files, &s->n_cluster_files);
		} else if (strcmp(a, "--bindings") == 0 && v) {
			i = take_files(argc, argv, i, &s->binding_files, &s->n_binding_files);
		} else if (strcmp(a, "--config") == 0 && v) {
			s->config_path = argv[++i];
		} else if (strcmp(a, "--plugin-dir") == 0 && v) {
			if (fs_registry_add_dir(reg, argv[++i], err, sizeof err) != FS_OK) {
				fprintf(stderr, "fedstate simulate: --plugin-dir: %s\n", err);
				return 2;
			}
		} else if (strcmp(a, "--output") == 0 && v) {
			i++;
			if (strcmp(v, "table") == 0)
				s->output = SIM_TABLE;
			else if (strcmp(v, "json") == 0)
				s->output = SIM_JSON;
			else if (strcmp(v, "yaml") == 0)
				s->output = SIM_YAML;
			else {
				fprintf(stderr, "fedstate simulate: --output: expected table, json or yaml, got '%s'\n", v);
				return 2;
			}
		} else if (strcmp(a, "--isolate") == 0 || strncmp(a, "--isolate=", 10) == 0) {
			double secs = 10;
			if (a[9] == '=' && (fs_duration_parse(a + 10, &secs) != FS_OK ||
					   secs <= 0 || secs > 3600)) {
				fprintf(stderr, "fedstate simulate: --isolate: expected a duration such as \"10s\" (at most 1h), got '%s'\n", a + 10);
				return 2;
			}
			s->isolate_ms = (uint32_t)(secs * 1000);
		} else if (strcmp(a, "--explain") == 0) {
			s->explain = true;
		} else if (strcmp(a, "--bench") == 0) {
			s->bench = true;
		} else if (strcmp(a, "--repeat") == 0 && v) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 1 || n > 10000000) {
				fprintf(stderr, "fedstate simulate: --repeat: expected 1..10000000, got '%s'\n", v);
				return 2;
			}
			s->repeat = (uint32_t)n;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "fedstate simulate: %s '%s'\n",
				a[0] == '-' && !v ? "missing value for" : "unexpected argument", a);
			usage(stderr);
			return 2;
		}
	}
	if (!s->n_cluster_files || !s->n_binding_files) {
		fprintf(stderr, "fedstate simulate: --clusters and --bindings are required\n");
		usage(stderr);
		return 2;
	}
	return -1;
}

static struct fs_framework *
framework_for(struct sim *s, const struct fs_profile *p)
{
	for (uint32_t i = 0; i < s->set->n_profiles; i++)
		if (s->set->profiles[i] == p)
			return s->fws[i];
	return NULL;
}

/* copy what the items need out of the framework's result */
static void
keep_result(struct sim *s, struct sim_item *it, const struct fs_sched_result *r)
{
	it->code = r->code;
	it->message = r->message ? fs_arena_strdup(&s->arena, r->message) : NULL;
	it->fit_error = r->fit_error;
	it->term_index = r->term_index;
	it->assigned_by = r->assigned_by;
	it->n_targets = r->n_targets;
	it->targets = FS_ARENA_NEW(&s->arena, struct fs_assignment, r->n_targets + 1);
	memcpy(it->targets, r->targets, r->n_targets * sizeof *r->targets);
}

/* one cycle inside the runtime's cycle boundary (the snapshot pinned,
 * plugins' requests on the cycle pool) */
static void
schedule_one(struct sim *s, struct sim_item *it, unsigned flags,
	     struct fs_sched_result *r)
{
	if (fs_runtime_cycle_begin(s->rt) != FS_OK) {
		*r = (struct fs_sched_result){.code = FS_E_INTERNAL};
		return;
	}
	fs_framework_schedule(it->fw, s->clusters, s->n_clusters, &it->b, flags, r);
	fs_runtime_cycle_end(s->rt);
}

/* --isolate: the cycle first runs in a child with the deadline; only a
 * cycle that came back there runs here (cycles are deterministic, so the
 * answer is the same), and a crash or hang is that workload's error */
struct probe {
	struct sim *s;
	struct sim_item *it;
	unsigned flags;
};

static void
probe_child(void *arg, struct fs_buf *reply)
{
	struct probe *p = arg;
	struct fs_sched_result r;
	schedule_one(p->s, p->it, p->flags, &r);
	fs_buf_adds(reply, "done");
}

static bool
probe_survives(struct sim *s, struct sim_item *it, unsigned flags)
{
	struct probe p = {s, it, flags};
	struct fs_buf reply = FS_BUF_INIT;
	int sig = 0;
	char sigbuf[32];
	enum fs_code rc = fs_isolate_run(probe_child, &p, s->isolate_ms, &reply, &sig);
	fs_buf_release(&reply);
	if (rc == FS_OK)
		return true;
	it->ok = false;
	if (rc == FS_E_PLUGIN)
		it->error = fs_arena_printf(&s->arena, "scheduling: a plugin crashed with %s "
					    "(isolated: the other workloads go on)",
					    fs_isolate_signame(sig, sigbuf, sizeof sigbuf));
	else if (rc == FS_E_TIMEOUT)
		it->error = fs_arena_printf(&s->arena, "scheduling: the cycle did not end "
					    "within %u ms (isolated: killed, the other workloads "
					    "go on)", s->isolate_ms);
	else
		it->error = "scheduling: the isolated cycle ended without a result";
	fprintf(stderr, "fedstate simulate: %s %s/%s: %s\n", it->kind,
		it->namespace_ ? it->namespace_ : "", it->name ? it->name : "", it->error);
	return false;
}

static int
schedule_all(struct sim *s)
{
	int failures = 0;
	for (uint32_t i = 0; i < s->n_items; i++) {
		struct sim_item *it = &s->items[i];
		if (!it->ok)
			continue;
		it->profile = fs_profile_set_find(s->set, it->b.scheduler_name);
		if (!it->profile)
			continue;
		it->fw = framework_for(s, it->profile);
		struct fs_sched_result r;
		unsigned flags = FS_SCHED_NO_BIND | (s->explain ? FS_SCHED_EXPLAIN : 0);
		if (s->isolate_ms && !probe_survives(s, it, flags)) {
			failures++;
			continue;
		}
		schedule_one(s, it, flags, &r);
		keep_result(s, it, &r);
		if (FS_IS_ERROR(r.code) && r.code != FS_E_NOTFOUND && r.code != FS_E_NOTSUP)
			failures++;
		if (s->explain)
			sim_explain(s, it, &r);
	}
	return failures;
}

static int64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* --bench: the decide-only cycle, every binding `repeat` times */
static void
bench(struct sim *s)
{
	uint32_t repeat = s->repeat ? s->repeat : 100, n = 0;
	for (uint32_t i = 0; i < s->n_items; i++)
		n += s->items[i].ok && s->items[i].profile;
	size_t total = (size_t)n * repeat;
	int64_t *ns = fs_xcalloc(total + 1, sizeof *ns);
	size_t k = 0;
	int64_t start = now_ns();
	for (uint32_t r = 0; r < repeat; r++) {
		for (uint32_t i = 0; i < s->n_items; i++) {
			struct sim_item *it = &s->items[i];
			if (!it->ok || !it->profile)
				continue;
			struct fs_sched_result res;
			int64_t t0 = now_ns();
			schedule_one(s, it, FS_SCHED_NO_BIND, &res);
			ns[k++] = now_ns() - t0;
		}
	}
	int64_t elapsed = now_ns() - start;
	qsort(ns, k, sizeof *ns, cmp_i64);
	double p50 = k ? (double)ns[k / 2] / 1e3 : 0;
	double p99 = k ? (double)ns[(k * 99) / 100 < k ? (k * 99) / 100 : k - 1] / 1e3 : 0;
	double rate = elapsed > 0 ? (double)k * 1e9 / (double)elapsed : 0;
	if (s->output == SIM_TABLE)
		printf("bench: %u binding(s) x %u repeat(s) over %u cluster(s)\n"
		       "  per binding: p50 %.2f us, p99 %.2f us\n"
		       "  throughput: %.0f bindings/s\n",
		       n, repeat, s->n_clusters, p50, p99, rate);
	else
		printf("{\"bindings\": %u, \"repeat\": %u, \"clusters\": %u, \"p50_us\": %.3f, "
		       "\"p99_us\": %.3f, \"bindings_per_second\": %.1f}\n",
		       n, repeat, s->n_clusters, p50, p99, rate);
	free(ns);
}

static void
cleanup(struct sim *s)
{
	fs_runtime_publish(s->rt, NULL);
	for (uint32_t i = 0; s->set && i < s->set->n_profiles; i++)
		fs_framework_destroy(s->fws[i]);
	free(s->fws);
	for (uint32_t i = 0; i < s->n_items; i++)
		cJSON_Delete(s->items[i].explain_json);
	free(s->items);
	fs_profile_set_free(s->set);
	fs_snapshot_unref(s->snap);
	free(s->clusters);
	for (uint32_t i = 0; i < s->n_docsets; i++)
		fs_docset_free(s->docsets[i]);
	free(s->docsets);
	free(s->cluster_files);
	free(s->binding_files);
	fs_diags_release(&s->diags);
	fs_arena_release(&s->arena);
}

static int
configure(struct sim *s, struct fs_registry *reg)
{
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_config *cfg = NULL;
	enum fs_code rc;
	if (s->config_path) {
		rc = fs_config_load_file(s->config_path, &cfg, &d);
	} else {
		cfg = fs_config_default();
		rc = FS_OK;
	}
	if (rc == FS_OK)
		rc = fs_profile_set_build(cfg, reg, &s->set, &d);
	fs_diags_print(&d, stderr);
	if (rc != FS_OK)
		fprintf(stderr, "fedstate simulate: %s is not usable (%zu error(s)); "
			"check it with: fedstate config validate %s\n",
			s->config_path ? s->config_path : "the built-in configuration",
			d.errors, s->config_path ? s->config_path : "FILE");
	fs_diags_release(&d);
	fs_config_free(cfg);
	if (rc != FS_OK)
		return 2;
	s->fws = fs_xcalloc(s->set->n_profiles + 1, sizeof *s->fws);
	for (uint32_t i = 0; i < s->set->n_profiles; i++)
		s->fws[i] = fs_framework_create(s->set->profiles[i]);
	return -1;
}

int
fs_cmd_simulate(int argc, char **argv)
{
	struct sim s = {.diags = FS_DIAGS_INIT};
	if (!(s.rt = fs_runtime_new(NULL)))
		return 2;
	struct fs_registry *reg = fs_runtime_registry(s.rt);
	int rc = parse(&s, reg, argc, argv);
	if (rc < 0) {
		fs_registry_add_env_dirs(reg);
		fs_cmd_add_default_plugin_dirs(reg);
		rc = configure(&s, reg);
	}
	if (rc < 0) {
		/* an unreadable file is reported; the others go on (exit 1) */
		if (sim_load(&s) != FS_OK)
			s.skipped++;
		fs_diags_print(&s.diags, stderr);
		fs_runtime_publish(s.rt, s.snap);
		int failures = schedule_all(&s);
		if (s.bench)
			bench(&s);
		else
			sim_print(&s);
		rc = failures || s.skipped ? 1 : 0;
	}
	cleanup(&s);
	fs_runtime_free(s.rt);
	return rc;
}
