/*
 * sched/framework_int.h - what the files of the framework share: the
 * framework's state and one attempt's inputs. Private to core/sched/
 * framework*.c; see framework.h for the cycle itself.
 */
#ifndef FS_SCHED_FRAMEWORK_INT_H
#define FS_SCHED_FRAMEWORK_INT_H

#include "sched/framework.h"
#include "sched/cycle.h"
#include "sched/named.h"
#include "util/arena.h"
#include "util/buf.h"

struct fs_framework {
	const struct fs_profile *profile;
	struct fs_cycle *cyc;
	bool in_cycle;
	fs_capacity_fn capacity;  /* fs_framework_set_capacity */
	void *capacity_ud;
	struct fs_arena scratch; /* reset per attempt */
	uint32_t cap;            /* clusters the arrays below can hold */
	/* per attempt, in input order of candidates */
	const struct fs_cluster **cand;
	uint32_t *cand_pos;      /* position in clusters[] */
	const struct fs_cluster **feasible;
	uint32_t *feasible_pos;
	struct fs_cluster_score *one; /* one plugin's scores over feasible */
	struct fs_candidate *cands;
	struct fs_assignment *out;
	/* per cluster (input position) */
	struct fs_verdict *verdicts, *first_verdicts;
	int64_t *total;
	int32_t *available;
	int64_t *scores; /* n_score slots x cap */
	/* per instance */
	uint8_t *skip;
	struct active_filter *active; /* the filters that run this cycle */
	/* bindings that name their clusters: the filter chain runs on those
	 * clusters only (see narrow()) */
	struct fs_named_index *named;
	uint32_t *named_pos;  /* positions of the named clusters, ascending */
	uint32_t *cand_rank;  /* name rank of each candidate being ordered */
	const char *ca_name;  /* the "cluster-affinity" filter slot's name, or NULL */
	const char *assigned_by;
	/* placement.clusterAffinity as a term: what plugins see through
	 * host->cycle_affinity_term when clusterAffinities is not used */
	struct fs_affinity_term affinity_term;
	struct fs_buf msg, first_msg;
	char err[512];
};

enum { SKIP_FILTER = 1, SKIP_SCORE = 2 };

/* a filter that runs this cycle, flattened for the per-cluster loop */
struct active_filter {
	enum fs_code (*filter)(void *state, struct fs_cycle *cyc,
			       const struct fs_cluster *cluster, const char **reason);
	void *state;
	const char *name;
};

/* the per-attempt inputs */
struct attempt {
	const struct fs_cluster *const *clusters;
	uint32_t n;
	const struct fs_binding *b;
	const struct fs_affinity_term *term;
	unsigned flags;
	uint32_t n_cand, n_feasible, n_index;
	bool names;    /* the binding names clusters: the index is in sync */
	bool narrowed; /* verdicts outside the named clusters are not exact */
};

/* set the cycle's message (fw->msg) and return code */
enum fs_code fs_framework_fail(struct fs_framework *fw, enum fs_code code,
			       const char *fmt, ...) FS_PRINTF(3, 4);
/* reason, or "no reason given" */
const char *fs_framework_why(const char *reason);

/* framework_filter.c: pre_filter + filter of one attempt (verdicts and
 * the feasible list); a binding that names a few clusters runs the chain
 * on those only, leaving at->narrowed set */
enum fs_code fs_framework_filter(struct fs_framework *fw, struct attempt *at);
/* after a narrowed attempt: the exact verdicts of the clusters the chain
 * did not run on */
enum fs_code fs_framework_exact_unnamed(struct fs_framework *fw,
					struct attempt *at);

#endif
