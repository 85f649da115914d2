/* sched/framework_filter.c - the filter phase of an attempt, and the
 * shortcut for bindings that name their clusters (see framework_int.h) */
#include "sched/framework_int.h"

#include <fedstate/sched.h>

/* the filter chain on candidate c: its verdict, and the feasible list */
static enum fs_code
filter_one(struct fs_framework *fw, struct attempt *at, uint32_t na, uint32_t c)
{
	const struct fs_cluster *cl = fw->cand[c];
	struct fs_verdict *v = &fw->verdicts[fw->cand_pos[c]];
	*v = (struct fs_verdict){NULL, NULL, FS_OK};
	for (uint32_t i = 0; i < na; i++) {
		const struct active_filter *s = &fw->active[i];
		const char *reason = NULL;
		enum fs_code rc = s->filter(s->state, fw->cyc, cl, &reason);
		if (rc == FS_OK)
			continue;
		if (FS_IS_ERROR(rc))
			return fs_framework_fail(fw, rc, "plugin '%s' failed at filter on cluster %s: %s",
				    s->name, cl->name, fs_framework_why(reason));
		if (rc == FS_SKIP)
			continue;
		*v = (struct fs_verdict){s->name, reason, rc};
		break;
	}
	if (v->code == FS_OK) {
		fw->feasible[at->n_feasible] = cl;
		fw->feasible_pos[at->n_feasible++] = fw->cand_pos[c];
	}
	return FS_OK;
}

/* the affinity of this attempt when it names clusters and nothing else
 * (no overflow tier) can admit a cluster it does not name */
static const struct fs_cluster_affinity *
naming_affinity(const struct attempt *at)
{
	const struct fs_placement *pl = at->b->placement;
	const struct fs_cluster_affinity *aff =
		at->term ? &at->term->affinity : pl ? pl->affinity : NULL;
	if (!aff || !aff->n_cluster_names || (at->term && at->term->n_overflow))
		return NULL;
	return aff;
}

/*
 * A binding that names a few clusters: run the chain on those only. Every
 * other candidate is one cluster-affinity rejects; its verdict becomes
 * that plugin's (reason taken from one real call) without running the
 * filters before it, so it may differ from the first failing filter in
 * profile order: at->narrowed says so, and fs_framework_exact_unnamed() redoes those
 * verdicts when they are reported (a failed attempt). Not used with
 * FS_SCHED_EXPLAIN. True when it ran the chain (*rc is the result).
 */
static bool
narrow(struct fs_framework *fw, struct attempt *at, uint32_t na, enum fs_code *rc)
{
	const struct fs_cluster_affinity *aff;
	uint32_t ia = 0;
	if (!at->names || (at->flags & FS_SCHED_EXPLAIN) || !fw->ca_name ||
	    !(aff = naming_affinity(at)) || aff->n_cluster_names > 64 ||
	    aff->n_cluster_names * 4 >= at->n_cand || !fs_named_index_usable(fw->named))
		return false;
	while (ia < na && fw->active[ia].name != fw->ca_name)
		ia++;
	if (ia == na)
		return false; /* cluster-affinity skipped this attempt */
	uint32_t k = fs_named_positions(fw->named, aff->cluster_names,
					aff->n_cluster_names, fw->named_pos);
	/* one candidate outside the names shows cluster-affinity's verdict */
	uint32_t j = 0, first = UINT32_MAX;
	for (uint32_t c = 0; c < at->n_cand && first == UINT32_MAX; c++) {
		while (j < k && fw->named_pos[j] < fw->cand_pos[c])
			j++;
		if (j == k || fw->named_pos[j] != fw->cand_pos[c])
			first = c;
	}
	if (first == UINT32_MAX)
		return false;
	const struct active_filter *ca = &fw->active[ia];
	const char *reason = NULL;
	enum fs_code code = ca->filter(ca->state, fw->cyc, fw->cand[first], &reason);
	if (code != FS_UNSCHEDULABLE && code != FS_UNRESOLVABLE)
		return false; /* not the affinity we know: walk everything */
	for (uint32_t c = 0; c < at->n_cand; c++)
		fw->verdicts[fw->cand_pos[c]] = (struct fs_verdict){ca->name, reason, code};
	at->narrowed = true;
	*rc = FS_OK;
	for (uint32_t i = 0, c = 0; i < k && *rc == FS_OK; i++) {
		/* named positions are ascending, like the candidates */
		while (c < at->n_cand && fw->cand_pos[c] < fw->named_pos[i])
			c++;
		if (c < at->n_cand && fw->cand_pos[c] == fw->named_pos[i])
			*rc = filter_one(fw, at, na, c);
	}
	return true;
}

/* the exact verdicts of the candidates a narrowed attempt did not filter */
enum fs_code
fs_framework_exact_unnamed(struct fs_framework *fw, struct attempt *at)
{
	uint32_t na = 0, nf = at->n_feasible;
	const struct fs_profile *p = fw->profile;
	for (uint32_t i = 0; i < p->n_slots[FS_POINT_FILTER]; i++) {
		const struct fs_profile_slot *s = &p->slots[FS_POINT_FILTER][i];
		if (s->ops->filter && !(fw->skip[s->instance] & SKIP_FILTER))
			fw->active[na++] = (struct active_filter){s->ops->filter, s->state, s->name};
	}
	at->narrowed = false;
	for (uint32_t c = 0, j = 0; c < at->n_cand; c++) {
		while (j < nf && fw->feasible_pos[j] < fw->cand_pos[c])
			j++;
		if (j < nf && fw->feasible_pos[j] == fw->cand_pos[c])
			continue; /* named and feasible */
		const struct fs_verdict keep = fw->verdicts[fw->cand_pos[c]];
		if (keep.plugin != fw->ca_name)
			continue; /* named and rejected: exact already */
		enum fs_code rc = filter_one(fw, at, na, c);
		if (rc != FS_OK)
			return rc;
	}
	at->n_feasible = nf; /* the named feasible clusters only */
	return FS_OK;
}

/* pre_filter + filter; fills verdicts and the feasible list */
enum fs_code
fs_framework_filter(struct fs_framework *fw, struct attempt *at)
{
	const struct fs_profile *p = fw->profile;
	for (uint32_t i = 0; i < p->n_slots[FS_POINT_PRE_FILTER]; i++) {
		const struct fs_profile_slot *s = &p->slots[FS_POINT_PRE_FILTER][i];
		const char *reason = NULL;
		if (!s->ops->pre_filter)
			continue;
		enum fs_code rc = s->ops->pre_filter(s->state, fw->cyc, fw->cand,
						     at->n_cand, &reason);
		if (rc == FS_SKIP) {
			fw->skip[s->instance] |= SKIP_FILTER;
		} else if (rc == FS_UNSCHEDULABLE || rc == FS_UNRESOLVABLE) {
			/* the plugin rejects the binding: every candidate fails */
			for (uint32_t c = 0; c < at->n_cand; c++)
				fw->verdicts[fw->cand_pos[c]] =
					(struct fs_verdict){s->name, reason, rc};
			at->n_feasible = 0;
			return FS_OK;
		} else if (rc != FS_OK) {
			return fs_framework_fail(fw, rc, "plugin '%s' failed at pre_filter: %s",
				    s->name, fs_framework_why(reason));
		}
	}
	uint32_t na = 0;
	enum fs_code rc;
	for (uint32_t i = 0; i < p->n_slots[FS_POINT_FILTER]; i++) {
		const struct fs_profile_slot *s = &p->slots[FS_POINT_FILTER][i];
		if (s->ops->filter && !(fw->skip[s->instance] & SKIP_FILTER))
			fw->active[na++] = (struct active_filter){s->ops->filter, s->state, s->name};
	}
	at->narrowed = false;
	at->n_feasible = 0;
	if (narrow(fw, at, na, &rc))
		return rc;
	for (uint32_t c = 0; c < at->n_cand; c++)
		if ((rc = filter_one(fw, at, na, c)) != FS_OK)
			return rc;
	return FS_OK;
}
