/*
 * sched/divide.c - static-weight, dynamic-weight and aggregated division
 * (reference §2.3). See divide.h and assign.h.
 */
#include "sched/divide.h"

#include <inttypes.h>
#include <stdio.h>

#include "model/selector.h"
#include "sched/assign.h"
#include "sched/webster.h"
#include "util/sort.h"

/* A weighted list of candidates: idx[k] indexes cands, w[k] its weight. */
struct wlist {
	uint32_t *idx;
	int64_t *w;
	uint32_t m;
};

static void
wlist_init(struct wlist *l, struct fs_arena *a, uint32_t n)
{
	l->idx = FS_ARENA_NEW(a, uint32_t, n ? n : 1);
	l->w = FS_ARENA_NEW(a, int64_t, n ? n : 1);
	l->m = 0;
}

static void
wlist_push(struct wlist *l, uint32_t i, int64_t w)
{
	l->idx[l->m] = i;
	l->w[l->m] = w;
	l->m++;
}

/*
 * Run Webster over the list and append the result to out in name order:
 * each party's seats plus (add_previous) its previous replicas. Parties
 * that end with 0 are left out (Karmada drops them afterwards anyway).
 */
static void
wlist_webster(const struct fs_divide *d, const struct wlist *l,
	      const struct fs_candidate *cands, int64_t seats,
	      bool add_previous, struct fs_assignment *out, uint32_t *n_out)
{
	uint32_t m = l->m;
	if (m == 0)
		return;
	const char **names = FS_ARENA_NEW(d->scratch, const char *, m);
	uint32_t *shown = FS_ARENA_NEW(d->scratch, uint32_t, 2 * m);
	int64_t *got = FS_ARENA_NEW(d->scratch, int64_t, m);
	void *scratch = fs_arena_alloc(d->scratch, fs_webster_scratch_size(m));
	for (uint32_t k = 0; k < m; k++)
		names[k] = cands[l->idx[k]].cluster->name;
	fs_webster((uint32_t)seats, l->w, NULL, names, m, d->b->resource.uid,
		   scratch, got);

	uint32_t ns = 0;
	for (uint32_t k = 0; k < m; k++) {
		const struct fs_candidate *c = &cands[l->idx[k]];
		if (add_previous && c->previous > 0)
			got[k] += c->previous;
		if (got[k] > 0)
			shown[ns++] = k;
	}
	fs_webster_sort_by_name(names, shown, ns, shown + m);
	for (uint32_t j = 0; j < ns; j++) {
		uint32_t k = shown[j];
		out[*n_out].cluster = cands[l->idx[k]].cluster;
		out[*n_out].replicas = (int32_t)(got[k] > INT32_MAX ? INT32_MAX : got[k]);
		out[*n_out].arbiter = false;
		(*n_out)++;
	}
}

/* ------------------------------------------------------------------ */
/* static weights                                                      */
/* ------------------------------------------------------------------ */

enum fs_code
fs_divide_static(const struct fs_divide *d, const struct fs_candidate *cands,
		 uint32_t n, int32_t replicas, struct fs_assignment *out,
		 uint32_t *n_out)
{
	const struct fs_replica_scheduling *rs = d->rs;
	for (uint32_t r = 0; rs->has_weight_preference && r < rs->n_static_weights; r++) {
		if (rs->static_weights[r].weight < 0) {
			if (d->err)
				snprintf(d->err, d->errlen,
					 "placement.replicaScheduling.weightPreference.staticWeightList[%" PRIu32
					 "].weight: expected >= 0, got %" PRId64,
					 r, rs->static_weights[r].weight);
			return FS_E_INVAL;
		}
	}

	struct wlist l;
	wlist_init(&l, d->scratch, n);
	bool any = false;
	for (uint32_t i = 0; i < n; i++) {
		int64_t w = 0;
		if (!rs->has_weight_preference) {
			w = 1;
		} else {
			/* the largest weight among the rules that match */
			for (uint32_t r = 0; r < rs->n_static_weights; r++) {
				const struct fs_static_weight *sw = &rs->static_weights[r];
				if (sw->weight > w &&
				    fs_affinity_matches(&sw->target, cands[i].cluster))
					w = sw->weight;
			}
		}
		if (w > 0)
			any = true;
		wlist_push(&l, i, w);
	}
	/* weight 0 leaves a cluster out, unless every weight is 0 */
	uint32_t m = 0;
	for (uint32_t k = 0; k < l.m; k++) {
		if (!any)
			l.w[k] = 1;
		if (l.w[k] > 0) {
			l.idx[m] = l.idx[k];
			l.w[m] = l.w[k];
			m++;
		}
	}
	l.m = m;
	wlist_webster(d, &l, cands, replicas, false, out, n_out);
	return FS_OK;
}

/* ------------------------------------------------------------------ */
/* dynamic weights and aggregated                                      */
/* ------------------------------------------------------------------ */

static bool
heavier(const void *w, uint32_t a, uint32_t b)
{
	const int64_t *weights = w;
	return weights[a] > weights[b];
}

/* sort the list by weight descending; equal weights keep their order
 * (a stable sort: Go's sort.Sort is stable only up to 12 items) */
static void
wlist_sort_desc(struct wlist *l, struct fs_arena *a)
{
	uint32_t m = l->m;
	uint32_t *ord = FS_ARENA_NEW(a, uint32_t, 2 * (m ? m : 1));
	for (uint32_t k = 0; k < m; k++)
		ord[k] = k;
	fs_sort_index(ord, ord + m, m, heavier, l->w);
	uint32_t *idx = FS_ARENA_NEW(a, uint32_t, m ? m : 1);
	int64_t *w = FS_ARENA_NEW(a, int64_t, m ? m : 1);
	for (uint32_t k = 0; k < m; k++) {
		idx[k] = l->idx[ord[k]];
		w[k] = l->w[ord[k]];
	}
	l->idx = idx;
	l->w = w;
}

/* move clusters that had replicas to the front, keeping relative order */
static void
wlist_previous_first(struct wlist *l, const struct fs_candidate *cands,
		     struct fs_arena *a)
{
	struct wlist t;
	wlist_init(&t, a, l->m);
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t k = 0; k < l->m; k++)
			if ((cands[l->idx[k]].previous > 0) == (pass == 0))
				wlist_push(&t, l->idx[k], l->w[k]);
	for (uint32_t k = 0; k < l->m; k++) {
		l->idx[k] = t.idx[k];
		l->w[k] = t.w[k];
	}
}

/* The previous result, unchanged, in spec.clusters order. */
static void
keep_previous(const struct fs_divide *d, const struct fs_candidate *cands,
	      uint32_t n, struct fs_assignment *out, uint32_t *n_out)
{
	const struct fs_binding *b = d->b;
	for (uint32_t j = 0; j < b->n_previous; j++) {
		for (uint32_t i = 0; i < n; i++) {
			if (cands[i].previous <= 0 ||
			    cands[i].cluster->name != b->previous[j].name)
				continue;
			out[*n_out] = (struct fs_assignment){cands[i].cluster,
							     cands[i].previous, false};
			(*n_out)++;
			break;
		}
	}
}

enum fs_code
fs_divide_dynamic(const struct fs_divide *d, const struct fs_candidate *cands,
		  uint32_t n, int32_t replicas, bool aggregated,
		  struct fs_assignment *out, uint32_t *n_out)
{
	int64_t assigned = 0;
	for (uint32_t i = 0; i < n; i++)
		if (cands[i].previous > 0)
			assigned += cands[i].previous;

	struct wlist l;
	wlist_init(&l, d->scratch, n);
	int64_t target;
	bool merge = false;
	if (fs_assign_is_fresh(d->b)) {
		/* Fresh: divide everything again by room + current replicas */
		target = replicas;
		for (uint32_t i = 0; i < n; i++) {
			int64_t w = (cands[i].available > 0 ? cands[i].available : 0) +
				    (cands[i].previous > 0 ? cands[i].previous : 0);
			wlist_push(&l, i, w);
		}
	} else if (assigned > replicas) {
		/* scale down: shrink the previous counts proportionally */
		target = replicas;
		for (uint32_t i = 0; i < n; i++)
			if (cands[i].previous > 0)
				wlist_push(&l, i, cands[i].previous);
	} else if (assigned < replicas) {
		/* scale up: divide only the extra replicas by free room */
		target = replicas - assigned;
		for (uint32_t i = 0; i < n; i++)
			wlist_push(&l, i, cands[i].available > 0 ? cands[i].available : 0);
		merge = assigned > 0;
	} else {
		keep_previous(d, cands, n, out, n_out);
		return FS_OK;
	}

	int64_t sum = 0;
	for (uint32_t k = 0; k < l.m; k++)
		sum += l.w[k];
	if (sum < target) {
		if (d->err)
			snprintf(d->err, d->errlen,
				 "Clusters available replicas %" PRId64
				 " are not enough to schedule.",
				 sum);
		return FS_UNSCHEDULABLE;
	}

	if (aggregated) {
		/* Webster ignores list order; only the prefix needs the sort */
		wlist_sort_desc(&l, d->scratch);
		if (merge)
			wlist_previous_first(&l, cands, d->scratch);
		/* the fewest clusters whose weights cover the target */
		int64_t cum = 0;
		uint32_t keep = 0;
		while (keep < l.m && cum < target)
			cum += l.w[keep++];
		l.m = keep;
	}

	wlist_webster(d, &l, cands, target, merge, out, n_out);
	if (!merge || !aggregated)
		return FS_OK; /* without a prefix every candidate was divided */

	/* clusters that only had previous replicas follow, in cluster order */
	bool *divided = FS_ARENA_NEW(d->scratch, bool, n);
	for (uint32_t k = 0; k < l.m; k++)
		divided[l.idx[k]] = true;
	for (uint32_t i = 0; i < n; i++) {
		if (cands[i].previous <= 0 || divided[i])
			continue;
		out[*n_out] = (struct fs_assignment){cands[i].cluster,
						     cands[i].previous, false};
		(*n_out)++;
	}
	return FS_OK;
}
