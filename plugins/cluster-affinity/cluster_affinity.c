/*
 * plugins/cluster-affinity - Karmada's ClusterAffinity filter: the cluster
 * must match the attempt's affinity (placement.clusterAffinity, or the
 * clusterAffinities term being tried; for workloads a match of one of
 * that term's overflowAffinities passes too). Karmada's score of this
 * plugin is always 0: ours skips scoring (pre_score FS_SKIP), which adds
 * the same nothing. See docs/plugins/cluster-affinity.md.
 */
#include <fedstate/fedstate.h>

#include "../common/karmada.h"
#include "ca.h"

static const char reason_affinity[] =
	"cluster(s) did not match the placement cluster affinity constraint";

/* the term last compiled (in pre_filter, or by filter when called for
 * another term) */
struct ca_state {
	const struct fs_affinity_term *term;
	struct ca_compiled main;
};

static enum fs_code
ca_init(struct fs_plugin *self, const struct fs_json *args, void **state,
	char *err, size_t errlen)
{
	(void)self;
	*state = NULL;
	enum fs_code rc = fsk_no_args("cluster-affinity", args, err, errlen);
	if (rc != FS_OK)
		return rc;
	struct ca_state *st = fs_host->alloc(sizeof *st);
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return FS_E_NOMEM;
	}
	*st = (struct ca_state){0};
	ca_keys_init();
	*state = st;
	return FS_OK;
}

static void
ca_fini(void *state)
{
	struct ca_state *st = state;
	if (!st)
		return;
	ca_release(&st->main);
	fs_host->free(st);
}

static enum fs_code
ca_pre_filter(void *state, struct fs_cycle *cyc,
	      const struct fs_cluster *const *clusters, uint32_t n,
	      const char **reason)
{
	(void)clusters, (void)n;
	struct ca_state *st = state;
	const struct fs_affinity_term *term = fs_host->cycle_affinity_term(cyc);
	if (!term)
		return FS_SKIP;
	st->term = term;
	if (ca_compile(&st->main, &term->affinity) != FS_OK) {
		st->term = NULL;
		*reason = "cluster-affinity: out of memory";
		return FS_E_NOMEM;
	}
	return FS_OK;
}

static enum fs_code
ca_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	  const char **reason)
{
	struct ca_state *st = state;
	const struct fs_affinity_term *term = fs_host->cycle_affinity_term(cyc);
	if (!term)
		return FS_OK;
	if (term != st->term) { /* pre_filter did not see this term */
		st->term = NULL;
		if (ca_compile(&st->main, &term->affinity) != FS_OK) {
			*reason = "cluster-affinity: out of memory";
			return FS_E_NOMEM;
		}
		st->term = term;
	}
	if (ca_matches(&st->main, c))
		return FS_OK;
	if (term->n_overflow && fsk_is_workload(fs_host->cycle_binding(cyc)))
		for (uint32_t k = 0; k < term->n_overflow; k++)
			if (fs_host->affinity_matches(&term->overflow[k], c))
				return FS_OK;
	*reason = reason_affinity;
	return FS_UNSCHEDULABLE;
}

static enum fs_code
ca_pre_score(void *state, struct fs_cycle *cyc,
	     const struct fs_cluster *const *feasible, uint32_t n,
	     const char **reason)
{
	(void)state, (void)cyc, (void)feasible, (void)n, (void)reason;
	return FS_SKIP; /* every score would be 0 */
}

static enum fs_code
ca_score(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	 int64_t *score, const char **reason)
{
	(void)state, (void)cyc, (void)c, (void)reason;
	*score = FS_SCORE_MIN;
	return FS_OK;
}

static const struct fs_sched_ops ca_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.pre_filter = ca_pre_filter,
	.filter = ca_filter,
	.pre_score = ca_pre_score,
	.score = ca_score,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_SCHED, .name = "cluster-affinity",
		 .version = "1.0.0",
		 .description = "filters clusters outside the placement's cluster "
				"affinity (Karmada ClusterAffinity)",
		 .license = "Apache-2.0",
		 .caps = FS_CAP_PRE_FILTER | FS_CAP_FILTER | FS_CAP_PRE_SCORE |
			 FS_CAP_SCORE,
		 .init = ca_init, .fini = ca_fini, .sched = &ca_ops)
