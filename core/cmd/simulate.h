/*
 * cmd/simulate.h - private glue of `fedstate simulate` (cmd_simulate.c:
 * options and the run, simulate_load.c: reading dumps, simulate_out.c:
 * table, JSON and YAML output). Not for other parts.
 */
#ifndef FS_CMD_SIMULATE_H
#define FS_CMD_SIMULATE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <fedstate/types.h>

#include "model/fleet.h"
#include "sched/framework.h"
#include "sched/profile.h"
#include "util/arena.h"
#include "util/diag.h"
#include "util/doc.h"

enum sim_output { SIM_TABLE = 0, SIM_JSON, SIM_YAML };

/* One workload to schedule, in input order. */
struct sim_item {
	const char *kind;      /* "ResourceBinding", "MultiCloudMongoDB", ... */
	const char *namespace_;
	const char *name;
	bool middleware;       /* interpreted by a middleware plugin */
	bool ok;               /* b is usable; otherwise `error` says why */
	const char *error;     /* arena text when !ok */
	struct fs_binding b;
	const struct fs_profile *profile; /* NULL: schedulerName not served */
	struct fs_framework *fw;          /* borrowed from the run */
	/* result (copied out of the framework) */
	enum fs_code code;
	const char *message;
	bool fit_error;
	int32_t term_index;
	const char *assigned_by;  /* the assign plugin that divided; NULL: Karmada's */
	struct fs_assignment *targets;
	uint32_t n_targets;
	const char *explain_text; /* --explain: per-cluster table, arena text */
	cJSON *explain_json;      /* --explain: per-cluster objects, owned */
};

struct fs_runtime;

struct sim {
	struct fs_runtime *rt;
	/* options */
	const char *config_path;
	const char **cluster_files, **binding_files;
	uint32_t n_cluster_files, n_binding_files;
	enum sim_output output;
	bool explain, bench;
	uint32_t isolate_ms; /* --isolate: interpret in a child; 0: in process */
	uint32_t repeat;
	/* state */
	struct fs_diags diags;    /* problems in the input files */
	struct fs_docset **docsets;
	uint32_t n_docsets;
	struct fs_fleet *fleet;   /* while reading --clusters files */
	struct fs_snapshot *snap; /* one reference: the clusters read */
	const struct fs_cluster **clusters; /* snapshot order */
	uint32_t n_clusters;
	struct fs_profile_set *set;
	struct fs_framework **fws; /* one per profile of set */
	struct sim_item *items;
	uint32_t n_items, cap_items;
	size_t skipped;           /* objects that could not be read */
	uint32_t dup_clusters;    /* Clusters whose name came before */
	struct fs_arena arena;
};

/* read every --clusters then every --bindings file; problems go to
 * s->diags and s->skipped; FS_OK unless a file could not be read at all */
enum fs_code sim_load(struct sim *s);

/* "Duplicated", "Divided/StaticWeight", ... with " spread(region>=2)";
 * "mongo-spread Uniform" when an assign plugin divided */
const char *sim_strategy(const struct sim_item *it, char *buf, size_t len);
/* --explain: keep the per-cluster table and JSON of an item; call right
 * after its cycle, while r (the framework's memory) is valid */
void sim_explain(struct sim *s, struct sim_item *it, const struct fs_sched_result *r);
/* the result of every item in the chosen format on stdout */
void sim_print(const struct sim *s);

#endif
