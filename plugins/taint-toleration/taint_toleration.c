/*
 * plugins/taint-toleration - Karmada's TaintToleration filter: a cluster
 * with a NoSchedule or NoExecute taint that placement.clusterTolerations
 * does not tolerate is filtered, unless it already runs the binding.
 * Matching follows Kubernetes' toleration rules (Lt/Gt disabled).
 * See docs/plugins/taint-toleration.md.
 */
#include <stdio.h>

#include <fedstate/fedstate.h>

#include "../common/karmada.h"
#include "tolindex.h"

/* Reasons are formatted once per distinct taint and kept: a direct-mapped
 * cache keyed by the taint's interned key/value pointers and effect (the
 * text depends on nothing else, so entries never go stale). */
#define TT_CACHE_SLOTS 256

struct tt_reason {
	const char *key, *value;
	enum fs_taint_effect effect;
	const char *reason; /* interned; NULL: empty slot */
};

struct tt_state {
	struct tt_reason cache[TT_CACHE_SLOTS];
};

static enum fs_code
tt_init(struct fs_plugin *self, const struct fs_json *args, void **state,
	char *err, size_t errlen)
{
	(void)self;
	enum fs_code rc = fsk_no_args("taint-toleration", args, err, errlen);
	if (rc != FS_OK)
		return rc;
	*state = fs_host->calloc(1, sizeof(struct tt_state));
	if (!*state) {
		snprintf(err, errlen, "out of memory");
		return FS_E_NOMEM;
	}
	return FS_OK;
}

static void
tt_fini(void *state)
{
	fs_host->free(state);
}

static const char *
effect_name(enum fs_taint_effect e)
{
	switch (e) {
	case FS_EFFECT_NO_SCHEDULE:
		return "NoSchedule";
	case FS_EFFECT_PREFER_NO_SCHEDULE:
		return "PreferNoSchedule";
	case FS_EFFECT_NO_EXECUTE:
		return "NoExecute";
	case FS_EFFECT_NONE:
	default:
		return "";
	}
}

/* Kubernetes' Toleration.ToleratesTaint (strings are interned) */
static bool
tolerates(const struct fs_toleration *t, const struct fs_taint *taint)
{
	if (t->effect != FS_EFFECT_NONE && t->effect != taint->effect)
		return false;
	if (t->key && t->key != taint->key)
		return false;
	switch (t->op) {
	case FS_OP_EXISTS:
		return true;
	case FS_OP_EQUAL:
		return t->value == taint->value;
	default:
		return false; /* Lt/Gt and anything else: not tolerated */
	}
}

/* Up to this many tolerations a scan is cheapest; beyond, the first
 * filter call of the cycle indexes them by (key, value) and every taint
 * then costs four probes (tolindex.h). */
#define TT_SCAN_MAX 8
#define TT_INDEX_KEY "taint-toleration/index"

struct tt_index {
	struct tol_index ix;
	struct tol_slot slots[];
};

static void
tt_index_free(void *index)
{
	fs_host->free(index);
}

/* the cycle's index of p's tolerations; NULL when out of memory (the
 * caller scans instead) */
static struct tol_index *
cycle_index(struct fs_cycle *cyc, const struct fs_placement *p)
{
	struct tt_index *t = fs_host->cycle_get(cyc, TT_INDEX_KEY);
	if (t)
		return &t->ix;
	uint32_t n = tol_index_slots(p->n_tolerations);
	t = fs_host->calloc(1, sizeof *t + (size_t)n * sizeof(struct tol_slot));
	if (!t)
		return NULL;
	tol_index_build(&t->ix, t->slots, n, p->tolerations, p->n_tolerations);
	if (fs_host->cycle_put(cyc, TT_INDEX_KEY, t, tt_index_free) != FS_OK) {
		fs_host->free(t);
		return NULL;
	}
	return &t->ix;
}

static bool
scan_tolerated(const struct fs_placement *p, const struct fs_taint *taint)
{
	for (uint32_t i = 0; p && i < p->n_tolerations; i++)
		if (tolerates(&p->tolerations[i], taint))
			return true;
	return false;
}

/* Kubernetes' Taint.ToString in braces, interned so equal reasons group */
static const char *
untolerated_reason(struct tt_state *st, const struct fs_taint *taint)
{
	uintptr_t h = ((uintptr_t)taint->key >> 4) * 31u +
		      ((uintptr_t)taint->value >> 4) * 7u + (uintptr_t)taint->effect;
	struct tt_reason *slot = &st->cache[(h ^ (h >> 8)) % TT_CACHE_SLOTS];
	if (slot->reason && slot->key == taint->key && slot->value == taint->value &&
	    slot->effect == taint->effect)
		return slot->reason;

	char buf[512];
	if (taint->value)
		snprintf(buf, sizeof buf, "cluster(s) had untolerated taint {%s=%s:%s}",
			 taint->key ? taint->key : "", taint->value,
			 effect_name(taint->effect));
	else
		snprintf(buf, sizeof buf, "cluster(s) had untolerated taint {%s:%s}",
			 taint->key ? taint->key : "", effect_name(taint->effect));
	*slot = (struct tt_reason){taint->key, taint->value, taint->effect,
				   fs_host->intern(buf, (size_t)-1)};
	return slot->reason;
}

static enum fs_code
tt_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	  const char **reason)
{
	if (c->n_taints == 0)
		return FS_OK;
	const struct fs_binding *b = fs_host->cycle_binding(cyc);
	if (fsk_in_previous(b, c))
		return FS_OK;
	const struct fs_placement *p = b->placement;
	struct tol_index *ix =
		p && p->n_tolerations > TT_SCAN_MAX ? cycle_index(cyc, p) : NULL;
	for (uint32_t i = 0; i < c->n_taints; i++) {
		const struct fs_taint *taint = &c->taints[i];
		if (taint->effect != FS_EFFECT_NO_SCHEDULE &&
		    taint->effect != FS_EFFECT_NO_EXECUTE)
			continue;
		if (ix ? tol_index_tolerates(ix, taint) : scan_tolerated(p, taint))
			continue;
		*reason = untolerated_reason(state, taint);
		return FS_UNSCHEDULABLE;
	}
	return FS_OK;
}

static const struct fs_sched_ops tt_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.filter = tt_filter,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_SCHED, .name = "taint-toleration",
		 .version = "1.0.0",
		 .description = "filters clusters with NoSchedule/NoExecute taints the "
				"placement does not tolerate (Karmada TaintToleration)",
		 .license = "Apache-2.0", .caps = FS_CAP_FILTER, .init = tt_init,
		 .fini = tt_fini, .sched = &tt_ops)
