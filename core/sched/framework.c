/* sched/framework.c - one binding's scheduling cycle (see framework.h) */
#include "sched/framework_int.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <fedstate/sched.h>

#include "model/estimate.h"
#include "sched/assign.h"
#include "sched/order.h"
#include "sched/select.h"
#include "util/log.h"
#include "util/status.h"

struct fs_framework *
fs_framework_create(const struct fs_profile *profile)
{
	struct fs_framework *fw = fs_xcalloc(1, sizeof *fw);
	fw->profile = profile;
	fw->cyc = fs_cycle_create(NULL, 0);
	fw->skip = fs_xcalloc(profile->n_instances + 1, 1);
	fw->active = fs_xcalloc(profile->n_slots[FS_POINT_FILTER] + 1, sizeof *fw->active);
	fw->named = fs_named_index_new();
	for (uint32_t i = 0; i < profile->n_slots[FS_POINT_FILTER]; i++)
		if (strcmp(profile->slots[FS_POINT_FILTER][i].name, "cluster-affinity") == 0)
			fw->ca_name = profile->slots[FS_POINT_FILTER][i].name;
	fs_buf_init(&fw->msg);
	fs_buf_init(&fw->first_msg);
	return fw;
}

void
fs_framework_set_capacity(struct fs_framework *fw, fs_capacity_fn fn, void *ud)
{
	fw->capacity = fn;
	fw->capacity_ud = ud;
}

void
fs_framework_destroy(struct fs_framework *fw)
{
	if (!fw)
		return;
	fs_cycle_destroy(fw->cyc);
	fs_arena_release(&fw->scratch);
	free(fw->cand);
	free(fw->cand_pos);
	free(fw->feasible);
	free(fw->feasible_pos);
	free(fw->one);
	free(fw->cands);
	free(fw->out);
	free(fw->verdicts);
	free(fw->first_verdicts);
	free(fw->total);
	free(fw->available);
	free(fw->scores);
	free(fw->skip);
	free(fw->active);
	fs_named_index_free(fw->named);
	free(fw->named_pos);
	free(fw->cand_rank);
	fs_buf_release(&fw->msg);
	fs_buf_release(&fw->first_msg);
	free(fw);
}

#define GROW(p, n) ((p) = fs_xrealloc((p), (size_t)(n) * sizeof *(p)))

static void
reserve(struct fs_framework *fw, uint32_t n)
{
	if (n <= fw->cap)
		return;
	uint32_t cap = fw->cap ? fw->cap : 64;
	while (cap < n)
		cap *= 2;
	GROW(fw->cand, cap);
	GROW(fw->cand_pos, cap);
	GROW(fw->feasible, cap);
	GROW(fw->feasible_pos, cap);
	GROW(fw->one, cap);
	GROW(fw->cands, cap);
	GROW(fw->out, cap);
	GROW(fw->verdicts, cap);
	GROW(fw->first_verdicts, cap);
	GROW(fw->total, cap);
	GROW(fw->available, cap);
	GROW(fw->named_pos, cap);
	GROW(fw->cand_rank, cap);
	uint32_t ns = fw->profile->n_slots[FS_POINT_SCORE];
	fw->scores = fs_xrealloc(fw->scores, (size_t)cap * (ns ? ns : 1) * sizeof *fw->scores);
	fw->cap = cap;
}

enum fs_code
fs_framework_fail(struct fs_framework *fw, enum fs_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fs_buf_reset(&fw->msg);
	fs_buf_vprintf(&fw->msg, fmt, ap);
	va_end(ap);
	return code;
}

const char *
fs_framework_why(const char *reason)
{
	return reason && *reason ? reason : "no reason given";
}


/* pre_score + score + normalize + weights into total[] */
static enum fs_code
run_scores(struct fs_framework *fw, struct attempt *at)
{
	const struct fs_profile *p = fw->profile;
	uint32_t nf = at->n_feasible;
	for (uint32_t i = 0; i < nf; i++)
		fw->total[fw->feasible_pos[i]] = 0;
	for (uint32_t i = 0; i < p->n_slots[FS_POINT_PRE_SCORE]; i++) {
		const struct fs_profile_slot *s = &p->slots[FS_POINT_PRE_SCORE][i];
		const char *reason = NULL;
		if (!s->ops->pre_score)
			continue;
		enum fs_code rc = s->ops->pre_score(s->state, fw->cyc, fw->feasible, nf, &reason);
		if (rc == FS_SKIP)
			fw->skip[s->instance] |= SKIP_SCORE;
		else if (rc != FS_OK)
			return fs_framework_fail(fw, FS_IS_ERROR(rc) ? rc : FS_E_PLUGIN,
				    "plugin '%s' failed at pre_score: %s", s->name, fs_framework_why(reason));
	}
	bool explain = at->flags & FS_SCHED_EXPLAIN;
	for (uint32_t k = 0; k < p->n_slots[FS_POINT_SCORE]; k++) {
		const struct fs_profile_slot *s = &p->slots[FS_POINT_SCORE][k];
		int64_t *row = fw->scores + (size_t)k * at->n;
		if (explain)
			for (uint32_t i = 0; i < at->n; i++)
				row[i] = FS_SCORE_NONE;
		if (!s->ops->score || (fw->skip[s->instance] & SKIP_SCORE))
			continue;
		for (uint32_t i = 0; i < nf; i++) {
			const char *reason = NULL;
			fw->one[i].cluster = fw->feasible[i];
			fw->one[i].score = 0;
			enum fs_code rc = s->ops->score(s->state, fw->cyc, fw->feasible[i],
							&fw->one[i].score, &reason);
			if (rc != FS_OK && rc != FS_SKIP)
				return fs_framework_fail(fw, FS_IS_ERROR(rc) ? rc : FS_E_PLUGIN,
					    "plugin \"%s\" failed with: %s (cluster %s)",
					    s->name, fs_framework_why(reason), fw->feasible[i]->name);
		}
		if (s->ops->normalize) {
			const char *reason = NULL;
			enum fs_code rc = s->ops->normalize(s->state, fw->cyc, fw->one, nf, &reason);
			if (rc != FS_OK && rc != FS_SKIP)
				return fs_framework_fail(fw, FS_IS_ERROR(rc) ? rc : FS_E_PLUGIN,
					    "plugin \"%s\" failed at normalize: %s", s->name,
					    fs_framework_why(reason));
		}
		for (uint32_t i = 0; i < nf; i++) {
			int64_t sc = fw->one[i].score;
			if (sc < FS_SCORE_MIN || sc > FS_SCORE_MAX)
				return fs_framework_fail(fw, FS_E_PLUGIN,
					    "plugin '%s' gave cluster %s the score %lld, expected %d..%d",
					    s->name, fw->feasible[i]->name, (long long)sc,
					    FS_SCORE_MIN, FS_SCORE_MAX);
			fw->total[fw->feasible_pos[i]] += sc * s->weight;
			if (explain)
				row[fw->feasible_pos[i]] = sc;
		}
	}
	return FS_OK;
}

static int32_t
previous_of(const struct fs_binding *b, const struct fs_cluster *c)
{
	for (uint32_t i = 0; i < b->n_previous; i++)
		if (b->previous[i].name == c->name)
			return b->previous[i].replicas;
	return 0;
}

/* candidates with score, estimate and previous replicas, in cluster order */
static void
build_candidates(struct fs_framework *fw, struct attempt *at)
{
	const struct fs_binding *b = at->b;
	bool workload = b->replicas != 0 || b->has_requirements;
	for (uint32_t i = 0; i < at->n_feasible; i++) {
		const struct fs_cluster *c = fw->feasible[i];
		uint32_t pos = fw->feasible_pos[i];
		int32_t avail = INT32_MAX;
		if (workload) {
			/* as in Karmada, where the general estimator is always
			 * registered: nobody published (no estimating plugin, or
			 * none answered for this cluster) means the general
			 * estimate from resourceSummary */
			avail = fs_cycle_available(fw->cyc, c->index);
			if (avail == INT32_MAX)
				avail = fs_general_estimate(c, b);
			/* less what earlier placements are assumed to take */
			int32_t cap = fw->capacity
				? fw->capacity(fw->capacity_ud, c, b, avail) : -1;
			if (cap >= 0)
				avail = cap;
			if (avail == INT32_MAX)
				avail = b->replicas;
		}
		fw->available[pos] = avail;
		fw->cands[i] = (struct fs_candidate){
			.cluster = c,
			.score = fw->total[pos],
			.available = avail,
			.previous = b->n_previous ? previous_of(b, c) : 0,
		};
	}
	const uint32_t *ranks = fs_named_ranks(fw->named);
	for (uint32_t i = 0; ranks && i < at->n_feasible; i++)
		fw->cand_rank[i] = ranks[fw->feasible_pos[i]];
	fs_order_candidates_ranked(fw->cands, at->n_feasible, at->term, NULL,
				   ranks ? fw->cand_rank : NULL, &fw->scratch);
}

static enum fs_code
run_assign(struct fs_framework *fw, struct attempt *at, uint32_t n_sel,
	   uint32_t *n_out)
{
	const struct fs_profile *p = fw->profile;
	for (uint32_t i = 0; i < p->n_slots[FS_POINT_ASSIGN]; i++) {
		const struct fs_profile_slot *s = &p->slots[FS_POINT_ASSIGN][i];
		const char *reason = NULL;
		if (!s->ops->assign)
			continue;
		*n_out = 0;
		enum fs_code rc = s->ops->assign(s->state, fw->cyc, fw->cands, n_sel,
						 fw->out, n_out, &reason);
		if (rc == FS_SKIP)
			continue;
		if (rc == FS_OK) {
			fw->assigned_by = s->name;
			if (*n_out > n_sel)
				return fs_framework_fail(fw, FS_E_PLUGIN,
					    "plugin '%s' assigned %u clusters out of %u candidates",
					    s->name, *n_out, n_sel);
			return FS_OK;
		}
		return fs_framework_fail(fw, FS_IS_ERROR(rc) ? rc : FS_UNSCHEDULABLE, "%s%s%s",
			    FS_IS_ERROR(rc) ? s->name : "", FS_IS_ERROR(rc) ? ": " : "",
			    fs_framework_why(reason));
	}
	fw->err[0] = '\0';
	enum fs_code rc = fs_assign_replicas(at->b, at->term, fw->cands, n_sel, fw->out,
					     n_out, &fw->scratch, fw->err, sizeof fw->err);
	if (rc != FS_OK)
		return fs_framework_fail(fw, rc, "%s", fw->err[0] ? fw->err : fs_strerror(rc));
	return FS_OK;
}

static enum fs_code
run_bind(struct fs_framework *fw, uint32_t n_out)
{
	const struct fs_profile *p = fw->profile;
	for (uint32_t i = 0; i < p->n_slots[FS_POINT_BIND]; i++) {
		const struct fs_profile_slot *s = &p->slots[FS_POINT_BIND][i];
		const char *reason = NULL;
		if (!s->ops->bind)
			continue;
		enum fs_code rc = s->ops->bind(s->state, fw->cyc, fw->out, n_out, &reason);
		if (rc == FS_SKIP)
			continue;
		if (rc == FS_OK)
			return FS_OK;
		return fs_framework_fail(fw, FS_IS_ERROR(rc) ? rc : FS_E_PLUGIN,
			    "plugin '%s' failed at bind: %s", s->name, fs_framework_why(reason));
	}
	return FS_OK;
}

/* one attempt with one affinity term; *fit_error when nothing passed */
static enum fs_code
attempt_run(struct fs_framework *fw, struct attempt *at, uint32_t *n_out, bool *fit_error)
{
	*n_out = 0;
	*fit_error = false;
	fw->assigned_by = NULL;
	fs_arena_reset(&fw->scratch);
	fs_cycle_reset(fw->cyc, at->b, at->n_index);
	const struct fs_placement *pl = at->b->placement;
	if (!at->term && pl && pl->affinity) {
		fw->affinity_term = (struct fs_affinity_term){.affinity = *pl->affinity};
		fs_cycle_set_term(fw->cyc, &fw->affinity_term);
	} else {
		fs_cycle_set_term(fw->cyc, at->term);
	}
	memset(fw->skip, 0, fw->profile->n_instances + 1);
	enum fs_code rc = fs_framework_filter(fw, at);
	if (rc != FS_OK)
		return rc;
	if (at->n_feasible == 0) {
		if (at->narrowed && (rc = fs_framework_exact_unnamed(fw, at)) != FS_OK)
			return rc;
		*fit_error = true;
		fs_buf_reset(&fw->msg);
		fs_diagnosis_fit_error(&fw->msg, at->n, fw->verdicts, at->n);
		return FS_UNSCHEDULABLE;
	}
	if ((rc = run_scores(fw, at)) != FS_OK)
		return rc;
	build_candidates(fw, at);
	uint32_t n_sel = at->n_feasible;
	fw->err[0] = '\0';
	rc = fs_select_clusters(at->b, fw->cands, at->n_feasible, &n_sel,
				&fw->scratch, fw->err, sizeof fw->err);
	if (rc != FS_OK)
		return fs_framework_fail(fw, rc, "%s", fw->err[0] ? fw->err : "cannot select clusters");
	if ((rc = run_assign(fw, at, n_sel, n_out)) != FS_OK)
		return rc;
	if (!(at->flags & FS_SCHED_NO_BIND))
		return run_bind(fw, *n_out);
	return FS_OK;
}

/* attempt_run, with exact verdicts whenever the attempt fails */
static enum fs_code
attempt(struct fs_framework *fw, struct attempt *at, uint32_t *n_out, bool *fit_error)
{
	enum fs_code rc = attempt_run(fw, at, n_out, fit_error);
	if (rc != FS_OK && at->narrowed) {
		enum fs_code e = fs_framework_exact_unnamed(fw, at);
		if (e != FS_OK)
			rc = e;
	}
	return rc;
}

/* does any affinity of b name clusters? */
static bool
names_clusters(const struct fs_binding *b)
{
	const struct fs_placement *pl = b->placement;
	if (!pl)
		return false;
	if (pl->affinity)
		return pl->affinity->n_cluster_names > 0;
	for (uint32_t i = 0; i < pl->n_terms; i++)
		if (pl->terms[i].affinity.n_cluster_names)
			return true;
	return false;
}

/* the clusterAffinities term to start from; -1 when terms are not in use */
static int32_t
first_term(const struct fs_binding *b)
{
	const struct fs_placement *pl = b->placement;
	if (!pl || pl->affinity || !pl->n_terms)
		return -1;
	if (fs_assign_is_fresh(b) || !b->observed_affinity)
		return 0;
	for (uint32_t i = 0; i < pl->n_terms; i++)
		if (pl->terms[i].name == b->observed_affinity)
			return (int32_t)i;
	return 0;
}

enum fs_code
fs_framework_schedule(struct fs_framework *fw,
		      const struct fs_cluster *const *clusters, uint32_t n,
		      const struct fs_binding *b, unsigned flags,
		      struct fs_sched_result *res)
{
	if (fw->in_cycle) {
		/* a callback that ran inside this cycle started another one on
		 * the same framework: its arrays are in use */
		fs_error("sched", "fs_framework_schedule re-entered from inside a "
			 "cycle of the same framework; refused");
		assert(!"fs_framework_schedule re-entered");
		*res = (struct fs_sched_result){.code = FS_E_INTERNAL,
			.message = "scheduling cycle re-entered"};
		return FS_E_INTERNAL;
	}
	reserve(fw, n ? n : 1); /* never NULL arrays, even for an empty fleet */
	struct attempt at = {.clusters = clusters, .n = n, .b = b, .flags = flags};
	uint64_t sum = 0;
	at.names = fw->ca_name && !(flags & FS_SCHED_EXPLAIN) && names_clusters(b);
	for (uint32_t i = 0; i < n; i++) {
		const struct fs_cluster *c = clusters[i];
		sum += fs_named_sum(c, i);
		if (c->index >= at.n_index)
			at.n_index = c->index + 1;
		if (c->flags & FS_CLUSTER_DELETING) {
			fw->verdicts[i] = (struct fs_verdict){NULL, NULL, FS_SKIP};
			continue;
		}
		fw->cand[at.n_cand] = c;
		fw->cand_pos[at.n_cand++] = i;
	}
	fs_named_index_sync(fw->named, clusters, n, sum);
	int32_t t = first_term(b);
	int32_t first = t, used = -1;
	enum fs_code rc, first_rc = FS_OK;
	bool fit = false, first_fit = false;
	uint32_t n_out = 0;
	fw->in_cycle = true;
	do {
		at.term = t >= 0 ? &b->placement->terms[t] : NULL;
		rc = attempt(fw, &at, &n_out, &fit);
		used = t;
		if (rc == FS_OK)
			break;
		if (t == first) {
			/* keep the first failure: it is the result when all fail */
			first_rc = rc;
			first_fit = fit;
			fs_buf_reset(&fw->first_msg);
			fs_buf_add(&fw->first_msg, fw->msg.data, fw->msg.len);
			memcpy(fw->first_verdicts, fw->verdicts, (size_t)n * sizeof *fw->verdicts);
		}
	} while (t >= 0 && (uint32_t)++t < b->placement->n_terms);
	fw->in_cycle = false;

	bool failed = rc != FS_OK;
	*res = (struct fs_sched_result){
		.code = failed ? first_rc : FS_OK,
		.message = failed ? fw->first_msg.data : NULL,
		.fit_error = failed && first_fit,
		.targets = fw->out,
		.n_targets = failed ? 0 : n_out,
		.term_index = failed ? first : used,
		.first_term = first,
		.assigned_by = failed ? NULL : fw->assigned_by,
		.n_clusters = n,
		.n_feasible = at.n_feasible,
		.verdicts = failed ? fw->first_verdicts : fw->verdicts,
		.total = fw->total,
		.available = fw->available,
		.scores = (flags & FS_SCHED_EXPLAIN) ? fw->scores : NULL,
		.n_score_plugins = fw->profile->n_slots[FS_POINT_SCORE],
		.score_plugins = fw->profile->slots[FS_POINT_SCORE],
	};
	return res->code;
}
