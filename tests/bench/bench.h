/*
 * tests/bench/bench.h - what the benchmark driver's files share.
 *
 * The driver (fs-bench) is built by run-bench.sh against the optimised
 * core library; it calls only the core's public functions (model decoders,
 * config, profiles, framework) the way `fedstate simulate` does.
 *
 * Not thread-safe; one thread. Everything a fleet holds lives until
 * fs_bench_fleet_free().
 */
#ifndef FS_BENCH_H
#define FS_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <fedstate/types.h>

#include "sched/profile.h"
#include "util/arena.h"

struct fs_docset;
struct ta_proc;

struct fs_fleet;
struct fs_snapshot;

/* A loaded fleet: decoded cluster views and binding views. */
struct fs_bench_fleet {
	struct fs_arena arena;             /* the binding views' arrays */
	struct fs_fleet *fleet;            /* the clusters, as a daemon keeps them */
	struct fs_snapshot *snap;          /* published once loaded; held */
	const struct fs_cluster **cptr;    /* the framework's argument: snapshot order */
	uint32_t n_clusters;
	size_t cluster_heap;               /* heap in use for the clusters' views */
	struct fs_binding *bindings;
	uint32_t n_bindings;
	struct fs_docset **docs;           /* kept alive: bindings' raw JSON */
	uint32_t n_docs;
	struct cJSON **raws;               /* the same, from per-object loads */
	uint32_t n_raws;
	size_t skipped;                    /* objects that failed to decode */
	/* timings of the last load, seconds */
	double parse_s, decode_s;
	size_t bytes;                      /* input bytes of the last load */
};

/* monotonic clock, nanoseconds */
uint64_t fs_bench_now_ns(void);
/* the runtime the benchmark's plugins are bound to (made on first use) */
struct fs_runtime *fs_bench_runtime(void);

/* current and peak resident set size of this process, bytes */
size_t fs_bench_rss(void);
size_t fs_bench_peak_rss(void);

/* Load a kind: List of Clusters from `path` (JSON or YAML), put every
 * item into a fleet, publish it and install the snapshot as the host's
 * cluster source. Returns false
 * with a message on stderr when the file cannot be read. */
bool fs_bench_load_clusters(struct fs_bench_fleet *f, const char *path);

/* Load a kind: List of ResourceBindings and/or middleware objects from
 * `path`, appending to the fleet's bindings. Middleware objects go through
 * their plugin's interpret (set may be NULL: they are then skipped).
 * keep_raw: keep the parsed documents so binding->raw stays valid.
 * per_object: parse each line of the file as one object (the generator
 * writes one item per line) with cJSON alone, as the watch path delivers
 * them (no docset, no positions), instead of one document for the whole
 * file. */
bool fs_bench_load_bindings(struct fs_bench_fleet *f, const char *path,
			    const struct fs_profile_set *set, bool keep_raw,
			    bool per_object);

void fs_bench_fleet_free(struct fs_bench_fleet *f);

/* the first n ResourceBindings of a generator's bindings file (one object
 * per line) into out (caller frees each); how many were read */
uint32_t fs_bench_read_bindings(const char *path, uint32_t n, cJSON **out);

/* qsort order of uint64_t values, ascending */
int fs_bench_cmp_u64(const void *a, const void *b);
/* the requests fedstate-testapi p has served (/_testapi/stats); 0 when
 * it does not answer */
double fs_bench_server_requests(const struct ta_proc *p);
/* create namespace ns (blocking; one that exists is fine): the test
 * server refuses objects in a namespace it does not hold */
struct fs_kube_client;
void fs_bench_ensure_ns(struct fs_kube_client *c, const char *ns);
/* peak resident set (VmHWM) of process pid, kB; 0 when unknown */
long fs_bench_peak_rss_kb(pid_t pid);

/* fs-bench e2e (bench_e2e.c): N bindings created in fedstate-testapi
 * seeded with `clusters`, bound by a real `fedstate scheduler` (config,
 * plugin_dir; qps 0: no client limit) */
int fs_bench_e2e(const char *clusters, const char *bindings, uint32_t n,
		 const char *config, const char *plugin_dir, double qps,
		 const char *label);

/* fs-bench watch (bench_watch.c): create the first n ResourceBindings of
 * `bindings` in a fresh fedstate-testapi and time their arrival through
 * an informer, then a full list. Prints one JSON line; exit status. */
int fs_bench_watch(const char *bindings, uint32_t n);

/* fs-bench ops (bench_ops.c): n MultiCloudMongoDBs created in
 * fedstate-testapi seeded with `clusters`, reconciled by a real `fedstate
 * ops` (plugins from plugin_dir; qps: its --kube-api-qps, 0 no limit) until Health, this process playing
 * Karmada's bindings; steady: then every object reconciled again (SIGHUP)
 * and ops' writes counted (must be none). Prints one JSON line; exit
 * status (1 also when ops wrote at steady state). */
int fs_bench_ops(const char *clusters, uint32_t n, const char *plugin_dir, double qps,
		 bool steady);

#endif
