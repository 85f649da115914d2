/* model/placement.c - Placement -> struct fs_placement, see placement.h */
#include "model/placement.h"

#include <string.h>

#include "util/intern.h"

/* the index of `s` in names[], or -1 */
static int
one_of(const char *s, const char *const *names, int n)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* selectors                                                           */
/* ------------------------------------------------------------------ */

/* matchExpressions of a label selector (field = false: In, NotIn, Exists,
 * DoesNotExist) or of a field selector (field = true: also Gt, Lt; keys
 * provider, region, zone) */
static uint32_t
decode_exprs(const cJSON *node, const struct fs_dpath *path, bool field,
	     struct fs_arena *a, struct fs_decode_ctx *ctx,
	     const struct fs_selector_req **out)
{
	static const char *const keys[] = {"key", "operator", "values"};
	static const char *const ops[] = {"In", "NotIn", "Exists", "DoesNotExist",
					  "Gt", "Lt"};
	static const char *const fields[] = {"provider", "region", "zone"};
	*out = NULL;
	if (!fs_decode_is(ctx, node, path, cJSON_Array))
		return 0;
	struct fs_selector_req *r = FS_ARENA_NEW(a, struct fs_selector_req,
						 fs_decode_count(node));
	uint32_t i = 0, k = 0;
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		struct fs_dpath pi = FS_DPATH_AT(path, i);
		const cJSON *f[3];
		if (!fs_decode_is(ctx, c, &pi, cJSON_Object))
			continue;
		fs_decode_fields(c, keys, 3, f);
		struct fs_dpath pk = FS_DPATH_KEY(&pi, "key"),
				po = FS_DPATH_KEY(&pi, "operator"),
				pv = FS_DPATH_KEY(&pi, "values");
		const char *key = fs_decode_str(ctx, f[0], &pk);
		const char *op = fs_decode_str(ctx, f[1], &po);
		int opi = one_of(op, ops, field ? 6 : 4);
		if (!key) {
			fs_decode_error(ctx, c, &pi, "missing key");
			continue;
		}
		if (field && one_of(key, fields, 3) < 0) {
			fs_decode_error(ctx, f[0], &pk,
					"expected one of provider, region, zone, "
					"got \"%s\"",
					key);
			continue;
		}
		if (opi < 0) {
			fs_decode_error(ctx, f[1] ? f[1] : c, &po,
					"expected one of %s, got %s%s%s",
					field ? "In, NotIn, Exists, DoesNotExist, Gt, Lt"
					      : "In, NotIn, Exists, DoesNotExist",
					op ? "\"" : "", op ? op : "nothing",
					op ? "\"" : "");
			continue;
		}
		r[k].key = key;
		r[k].op = (enum fs_selector_op)opi;
		r[k].n_values = fs_decode_str_list(ctx, f[2], &pv, true, a,
						   &r[k].values);
		bool want_values = r[k].op != FS_OP_EXISTS &&
				   r[k].op != FS_OP_DOES_NOT_EXIST;
		if (want_values && !r[k].n_values) {
			fs_decode_error(ctx, f[2] ? f[2] : c, &pv,
					"operator %s needs at least one value", op);
			continue;
		}
		if (!want_values && r[k].n_values) {
			fs_decode_error(ctx, f[2], &pv,
					"operator %s takes no values", op);
			continue;
		}
		if ((r[k].op == FS_OP_GT || r[k].op == FS_OP_LT) &&
		    r[k].n_values != 1) {
			fs_decode_error(ctx, f[2], &pv,
					"operator %s takes exactly one value", op);
			continue;
		}
		k++;
	}
	*out = r;
	return k;
}

const struct fs_label_selector *
fs_label_selector_decode(const cJSON *node, const struct fs_dpath *path,
			 struct fs_arena *a, struct fs_decode_ctx *ctx)
{
	static const char *const keys[] = {"matchLabels", "matchExpressions"};
	if (!fs_decode_is(ctx, node, path, cJSON_Object))
		return NULL;
	const cJSON *f[2];
	fs_decode_fields(node, keys, 2, f);
	struct fs_dpath pl = FS_DPATH_KEY(path, "matchLabels"),
			pe = FS_DPATH_KEY(path, "matchExpressions");
	struct fs_label_selector *s = FS_ARENA_NEW(a, struct fs_label_selector, 1);
	s->n_match_labels = fs_decode_kv_map(ctx, f[0], &pl, a, &s->match_labels);
	s->n_match_expressions = decode_exprs(f[1], &pe, false, a, ctx,
					      &s->match_expressions);
	return s;
}

bool
fs_affinity_decode(const cJSON *node, const struct fs_dpath *path,
		   struct fs_arena *a, struct fs_decode_ctx *ctx,
		   struct fs_cluster_affinity *out)
{
	static const char *const keys[] = {"labelSelector", "fieldSelector",
					   "clusterNames", "exclude"};
	static const char *const fkeys[] = {"matchExpressions"};
	memset(out, 0, sizeof *out);
	if (!fs_decode_is(ctx, node, path, cJSON_Object))
		return false;
	const cJSON *f[4], *ff[1];
	fs_decode_fields(node, keys, 4, f);
	struct fs_dpath pl = FS_DPATH_KEY(path, "labelSelector"),
			pf = FS_DPATH_KEY(path, "fieldSelector"),
			pn = FS_DPATH_KEY(path, "clusterNames"),
			px = FS_DPATH_KEY(path, "exclude");
	out->label_selector = fs_label_selector_decode(f[0], &pl, a, ctx);
	if (fs_decode_is(ctx, f[1], &pf, cJSON_Object)) {
		struct fs_dpath pe = FS_DPATH_KEY(&pf, "matchExpressions");
		fs_decode_fields(f[1], fkeys, 1, ff);
		out->has_field_selector = true;
		out->n_field_exprs = decode_exprs(ff[0], &pe, true, a, ctx,
						  &out->field_exprs);
	}
	out->n_cluster_names = fs_decode_str_list(ctx, f[2], &pn, false, a,
						  &out->cluster_names);
	out->n_exclude = fs_decode_str_list(ctx, f[3], &px, false, a,
					    &out->exclude);
	return true;
}

/* ------------------------------------------------------------------ */
/* placement parts                                                     */
/* ------------------------------------------------------------------ */

static uint32_t
decode_terms(const cJSON *node, const struct fs_dpath *path,
	     struct fs_arena *a, struct fs_decode_ctx *ctx,
	     const struct fs_affinity_term **out)
{
	static const char *const keys[] = {"affinityName", "overflowAffinities"};
	*out = NULL;
	if (!fs_decode_is(ctx, node, path, cJSON_Array))
		return 0;
	struct fs_affinity_term *t = FS_ARENA_NEW(a, struct fs_affinity_term,
						  fs_decode_count(node));
	uint32_t i = 0, k = 0;
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		struct fs_dpath pi = FS_DPATH_AT(path, i);
		const cJSON *f[2];
		if (!fs_affinity_decode(c, &pi, a, ctx, &t[k].affinity))
			continue;
		fs_decode_fields(c, keys, 2, f);
		struct fs_dpath pn = FS_DPATH_KEY(&pi, "affinityName"),
				po = FS_DPATH_KEY(&pi, "overflowAffinities");
		t[k].name = fs_decode_str(ctx, f[0], &pn);
		if (!t[k].name) {
			fs_decode_error(ctx, c, &pi, "missing affinityName");
			continue;
		}
		if (fs_decode_is(ctx, f[1], &po, cJSON_Array)) {
			struct fs_cluster_affinity *o = FS_ARENA_NEW(
				a, struct fs_cluster_affinity, fs_decode_count(f[1]));
			uint32_t j = 0, n = 0;
			for (const cJSON *e = f[1]->child; e; e = e->next, j++) {
				struct fs_dpath pj = FS_DPATH_AT(&po, j);
				if (fs_affinity_decode(e, &pj, a, ctx, &o[n]))
					n++;
			}
			t[k].overflow = o;
			t[k].n_overflow = n;
		}
		k++;
	}
	*out = t;
	return k;
}

static uint32_t
decode_tolerations(const cJSON *node, const struct fs_dpath *path,
		   struct fs_arena *a, struct fs_decode_ctx *ctx,
		   const struct fs_toleration **out)
{
	static const char *const keys[] = {"key", "operator", "value", "effect",
					   "tolerationSeconds"};
	static const char *const effects[] = {"NoSchedule", "PreferNoSchedule",
					      "NoExecute"};
	*out = NULL;
	if (!fs_decode_is(ctx, node, path, cJSON_Array))
		return 0;
	struct fs_toleration *t = FS_ARENA_NEW(a, struct fs_toleration,
					       fs_decode_count(node));
	uint32_t i = 0, k = 0;
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		struct fs_dpath pi = FS_DPATH_AT(path, i);
		const cJSON *f[5];
		if (!fs_decode_is(ctx, c, &pi, cJSON_Object))
			continue;
		fs_decode_fields(c, keys, 5, f);
		struct fs_dpath pk = FS_DPATH_KEY(&pi, "key"),
				po = FS_DPATH_KEY(&pi, "operator"),
				pv = FS_DPATH_KEY(&pi, "value"),
				pe = FS_DPATH_KEY(&pi, "effect"),
				ps = FS_DPATH_KEY(&pi, "tolerationSeconds");
		t[k].key = fs_decode_str(ctx, f[0], &pk);
		const char *op = fs_decode_str(ctx, f[1], &po);
		t[k].value = fs_decode_str(ctx, f[2], &pv);
		const char *eff = fs_decode_str(ctx, f[3], &pe);
		if (!op || strcmp(op, "Equal") == 0) {
			t[k].op = FS_OP_EQUAL;
		} else if (strcmp(op, "Exists") == 0) {
			t[k].op = FS_OP_EXISTS;
		} else {
			fs_decode_error(ctx, f[1], &po,
					"expected one of Equal, Exists, got \"%s\"", op);
			continue;
		}
		if (!t[k].key && t[k].op != FS_OP_EXISTS) {
			fs_decode_error(ctx, c, &po,
					"a toleration without key needs operator "
					"Exists");
			continue;
		}
		int e = one_of(eff, effects, 3);
		if (eff && e < 0) {
			fs_decode_error(ctx, f[3], &pe,
					"expected one of NoSchedule, "
					"PreferNoSchedule, NoExecute, got \"%s\"",
					eff);
			continue;
		}
		t[k].effect = (enum fs_taint_effect)(e + 1);
		t[k].has_seconds = fs_decode_int(ctx, f[4], &ps, INT64_MIN,
						 INT64_MAX, &t[k].seconds);
		k++;
	}
	*out = t;
	return k;
}

static uint32_t
decode_spread(const cJSON *node, const struct fs_dpath *path,
	      struct fs_arena *a, struct fs_decode_ctx *ctx,
	      const struct fs_spread_constraint **out)
{
	static const char *const keys[] = {"spreadByField", "spreadByLabel",
					   "minGroups", "maxGroups"};
	static const char *const fields[] = {"cluster", "region", "zone",
					     "provider"};
	*out = NULL;
	if (!fs_decode_is(ctx, node, path, cJSON_Array))
		return 0;
	struct fs_spread_constraint *s = FS_ARENA_NEW(
		a, struct fs_spread_constraint, fs_decode_count(node));
	uint32_t i = 0, k = 0;
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		struct fs_dpath pi = FS_DPATH_AT(path, i);
		const cJSON *f[4];
		int64_t v;
		if (!fs_decode_is(ctx, c, &pi, cJSON_Object))
			continue;
		fs_decode_fields(c, keys, 4, f);
		struct fs_dpath pf = FS_DPATH_KEY(&pi, "spreadByField"),
				pl = FS_DPATH_KEY(&pi, "spreadByLabel"),
				pmin = FS_DPATH_KEY(&pi, "minGroups"),
				pmax = FS_DPATH_KEY(&pi, "maxGroups");
		const char *field = fs_decode_str(ctx, f[0], &pf);
		const char *label = fs_decode_str(ctx, f[1], &pl);
		int fi = one_of(field, fields, 4);
		if (field && fi < 0) {
			fs_decode_error(ctx, f[0], &pf,
					"expected one of cluster, region, zone, "
					"provider, got \"%s\"",
					field);
			continue;
		}
		if (field && label) {
			fs_decode_error(ctx, f[1], &pl,
					"spreadByLabel cannot be used together "
					"with spreadByField");
			continue;
		}
		s[k].field = label ? FS_SPREAD_LABEL
			     : fi < 0 ? FS_SPREAD_CLUSTER
				      : (enum fs_spread_field)fi;
		s[k].label = label;
		s[k].min_groups = 1;
		if (fs_decode_int(ctx, f[2], &pmin, 0, INT32_MAX, &v) && v > 0)
			s[k].min_groups = (int32_t)v;
		if (fs_decode_int(ctx, f[3], &pmax, 0, INT32_MAX, &v) && v > 0) {
			/* 0 is unset, as Karmada's omitempty field reads it */
			s[k].max_groups = (int32_t)v;
			s[k].has_max_groups = true;
		}
		if (s[k].has_max_groups && s[k].max_groups < s[k].min_groups) {
			/* Karmada's webhook refuses it; scheduling would
			 * only report a misleading ">=min,<=max" reason */
			fs_decode_error(ctx, f[3], &pmax,
					"maxGroups lower than minGroups is not "
					"allowed: maxGroups %d, minGroups %d",
					(int)s[k].max_groups,
					(int)s[k].min_groups);
			continue;
		}
		k++;
	}
	*out = s;
	return k;
}

static const struct fs_replica_scheduling *
decode_replica_scheduling(const cJSON *node, const struct fs_dpath *path,
			  struct fs_arena *a, struct fs_decode_ctx *ctx)
{
	static const char *const keys[] = {"replicaSchedulingType",
					   "replicaDivisionPreference",
					   "weightPreference"};
	static const char *const wkeys[] = {"staticWeightList", "dynamicWeight"};
	static const char *const skeys[] = {"targetCluster", "weight"};
	if (!fs_decode_is(ctx, node, path, cJSON_Object))
		return NULL;
	const cJSON *f[3];
	fs_decode_fields(node, keys, 3, f);
	struct fs_dpath pt = FS_DPATH_KEY(path, "replicaSchedulingType"),
			pd = FS_DPATH_KEY(path, "replicaDivisionPreference"),
			pw = FS_DPATH_KEY(path, "weightPreference");
	struct fs_replica_scheduling *rs = FS_ARENA_NEW(
		a, struct fs_replica_scheduling, 1);
	const char *type = fs_decode_str(ctx, f[0], &pt);
	const char *div = fs_decode_str(ctx, f[1], &pd);
	if (!type || strcmp(type, "Divided") == 0)
		rs->type = FS_REPLICA_DIVIDED;
	else if (strcmp(type, "Duplicated") == 0)
		rs->type = FS_REPLICA_DUPLICATED;
	else
		fs_decode_error(ctx, f[0], &pt,
				"expected one of Duplicated, Divided, got \"%s\"",
				type);
	if (div && strcmp(div, "Aggregated") == 0)
		rs->division = FS_DIVISION_AGGREGATED;
	else if (!div || strcmp(div, "Weighted") == 0)
		rs->division = FS_DIVISION_WEIGHTED;
	else
		fs_decode_error(ctx, f[1], &pd,
				"expected one of Aggregated, Weighted, got \"%s\"",
				div);
	if (rs->type == FS_REPLICA_DUPLICATED)
		rs->division = FS_DIVISION_NONE;
	if (!fs_decode_is(ctx, f[2], &pw, cJSON_Object))
		return rs;
	const cJSON *w[2];
	fs_decode_fields(f[2], wkeys, 2, w);
	struct fs_dpath ps = FS_DPATH_KEY(&pw, "staticWeightList"),
			pdw = FS_DPATH_KEY(&pw, "dynamicWeight");
	rs->has_weight_preference = true;
	const char *dyn = fs_decode_str(ctx, w[1], &pdw);
	if (dyn && strcmp(dyn, "AvailableReplicas") == 0)
		rs->dynamic_available = true;
	else if (dyn)
		fs_decode_error(ctx, w[1], &pdw,
				"expected AvailableReplicas, got \"%s\"", dyn);
	if (!fs_decode_is(ctx, w[0], &ps, cJSON_Array))
		return rs;
	struct fs_static_weight *sw = FS_ARENA_NEW(a, struct fs_static_weight,
						   fs_decode_count(w[0]));
	uint32_t i = 0, k = 0;
	for (const cJSON *c = w[0]->child; c; c = c->next, i++) {
		struct fs_dpath pi = FS_DPATH_AT(&ps, i);
		const cJSON *sf[2];
		if (!fs_decode_is(ctx, c, &pi, cJSON_Object))
			continue;
		fs_decode_fields(c, skeys, 2, sf);
		struct fs_dpath ptc = FS_DPATH_KEY(&pi, "targetCluster"),
				pwt = FS_DPATH_KEY(&pi, "weight");
		if (!fs_affinity_decode(sf[0], &ptc, a, ctx, &sw[k].target)) {
			if (!sf[0])
				fs_decode_error(ctx, c, &pi, "missing targetCluster");
			continue;
		}
		if (!fs_decode_int(ctx, sf[1], &pwt, 1, INT64_MAX, &sw[k].weight)) {
			if (!sf[1])
				fs_decode_error(ctx, c, &pi, "missing weight");
			continue;
		}
		k++;
	}
	rs->static_weights = sw;
	rs->n_static_weights = k;
	return rs;
}

const struct fs_placement *
fs_placement_decode_at(const cJSON *placement, const struct fs_dpath *path,
		       struct fs_arena *a, struct fs_decode_ctx *ctx)
{
	static const char *const keys[] = {"clusterAffinity", "clusterAffinities",
					   "clusterTolerations", "spreadConstraints",
					   "replicaScheduling"};
	if (!fs_decode_is(ctx, placement, path, cJSON_Object))
		return NULL;
	const cJSON *f[FS_NKEYS(keys)];
	fs_decode_fields(placement, keys, FS_NKEYS(keys), f);
	struct fs_dpath pa = FS_DPATH_KEY(path, "clusterAffinity"),
			pas = FS_DPATH_KEY(path, "clusterAffinities"),
			pt = FS_DPATH_KEY(path, "clusterTolerations"),
			ps = FS_DPATH_KEY(path, "spreadConstraints"),
			pr = FS_DPATH_KEY(path, "replicaScheduling");
	struct fs_placement *p = FS_ARENA_NEW(a, struct fs_placement, 1);
	p->struct_size = sizeof *p;
	struct fs_cluster_affinity aff;
	if (fs_affinity_decode(f[0], &pa, a, ctx, &aff))
		p->affinity = fs_arena_memdup(a, &aff, sizeof aff);
	p->n_terms = decode_terms(f[1], &pas, a, ctx, &p->terms);
	if (p->affinity && p->n_terms)
		fs_decode_error(ctx, f[1], &pas,
				"clusterAffinities cannot be used together with "
				"clusterAffinity");
	p->n_tolerations = decode_tolerations(f[2], &pt, a, ctx, &p->tolerations);
	p->n_spread = decode_spread(f[3], &ps, a, ctx, &p->spread);
	p->replica_scheduling = decode_replica_scheduling(f[4], &pr, a, ctx);
	return p;
}

const struct fs_placement *
fs_placement_decode(const cJSON *placement, struct fs_arena *a,
		    struct fs_decode_ctx *ctx)
{
	struct fs_dpath p = FS_DPATH_KEY(NULL, "placement");
	return fs_placement_decode_at(placement, &p, a, ctx);
}
