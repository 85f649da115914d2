/* model/cluster.c - Cluster objects -> struct fs_cluster, see cluster.h */
#include "model/cluster.h"

#include <stdlib.h>
#include <string.h>

#include "model/apiid.h"
#include "model/estimate.h"
#include "util/intern.h"

static void
decode_metadata(struct fs_decode_ctx *ctx, const cJSON *obj, const cJSON *md,
		struct fs_arena *a, struct fs_cluster *out)
{
	static const char *const keys[] = {"name", "uid", "labels", "annotations",
					   "deletionTimestamp", "generation"};
	const cJSON *f[FS_NKEYS(keys)];
	struct fs_dpath p = FS_DPATH_KEY(NULL, "metadata");
	fs_decode_set_what(ctx, "cluster", NULL, NULL);
	if (!md || cJSON_IsNull(md)) {
		fs_decode_error(ctx, obj, NULL, "missing metadata");
		return;
	}
	if (!fs_decode_is(ctx, md, &p, cJSON_Object))
		return;
	fs_decode_fields(md, keys, FS_NKEYS(keys), f);
	struct fs_dpath pn = FS_DPATH_KEY(&p, "name"), pu = FS_DPATH_KEY(&p, "uid"),
			pl = FS_DPATH_KEY(&p, "labels"),
			pa = FS_DPATH_KEY(&p, "annotations"),
			pd = FS_DPATH_KEY(&p, "deletionTimestamp"),
			pg = FS_DPATH_KEY(&p, "generation");
	out->name = fs_decode_str(ctx, f[0], &pn);
	fs_decode_set_what(ctx, "cluster", NULL, out->name);
	if (!out->name)
		fs_decode_error(ctx, md, &p, "missing name");
	out->uid = fs_decode_str(ctx, f[1], &pu);
	out->n_labels = fs_decode_kv_map(ctx, f[2], &pl, a, &out->labels);
	out->n_annotations = fs_decode_kv_map(ctx, f[3], &pa, a, &out->annotations);
	int64_t t;
	if (fs_decode_time(ctx, f[4], &pd, &t))
		out->flags |= FS_CLUSTER_DELETING;
	fs_decode_int(ctx, f[5], &pg, 0, INT64_MAX, &out->generation);
}

static bool
parse_effect(const char *s, enum fs_taint_effect *out)
{
	static const char *const names[] = {NULL, "NoSchedule", "PreferNoSchedule",
					    "NoExecute"};
	for (int i = 1; i < 4; i++)
		if (s && strcmp(s, names[i]) == 0) {
			*out = (enum fs_taint_effect)i;
			return true;
		}
	return false;
}

static void
decode_taints(struct fs_decode_ctx *ctx, const cJSON *node,
	      const struct fs_dpath *path, struct fs_arena *a,
	      struct fs_cluster *out)
{
	if (!fs_decode_is(ctx, node, path, cJSON_Array))
		return;
	static const char *const keys[] = {"key", "value", "effect"};
	struct fs_taint *t = FS_ARENA_NEW(a, struct fs_taint, fs_decode_count(node));
	uint32_t i = 0, k = 0;
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		struct fs_dpath pi = FS_DPATH_AT(path, i);
		const cJSON *f[3];
		if (!fs_decode_is(ctx, c, &pi, cJSON_Object))
			continue;
		fs_decode_fields(c, keys, 3, f);
		struct fs_dpath pk = FS_DPATH_KEY(&pi, "key"),
				pv = FS_DPATH_KEY(&pi, "value"),
				pe = FS_DPATH_KEY(&pi, "effect");
		t[k].key = fs_decode_str(ctx, f[0], &pk);
		t[k].value = fs_decode_str(ctx, f[1], &pv);
		const char *eff = fs_decode_str(ctx, f[2], &pe);
		if (!t[k].key) {
			fs_decode_error(ctx, c, &pi, "missing key");
			continue;
		}
		if (!parse_effect(eff, &t[k].effect)) {
			if (eff || !f[2])
				fs_decode_error(ctx, f[2] ? f[2] : c, &pe,
						"expected one of NoSchedule, "
						"PreferNoSchedule, NoExecute, got %s%s%s",
						eff ? "\"" : "", eff ? eff : "nothing",
						eff ? "\"" : "");
			continue;
		}
		k++;
	}
	out->taints = t;
	out->n_taints = k;
}

static void
decode_spec(struct fs_decode_ctx *ctx, const cJSON *spec, struct fs_arena *a,
	    struct fs_cluster *out, const cJSON **models)
{
	static const char *const keys[] = {"provider", "region", "zone", "zones",
					   "taints", "syncMode", "resourceModels"};
	const cJSON *f[FS_NKEYS(keys)];
	struct fs_dpath p = FS_DPATH_KEY(NULL, "spec");
	*models = NULL;
	if (!fs_decode_is(ctx, spec, &p, cJSON_Object))
		return;
	fs_decode_fields(spec, keys, FS_NKEYS(keys), f);
	struct fs_dpath pp = FS_DPATH_KEY(&p, "provider"),
			pr = FS_DPATH_KEY(&p, "region"), pz = FS_DPATH_KEY(&p, "zone"),
			pzs = FS_DPATH_KEY(&p, "zones"), pt = FS_DPATH_KEY(&p, "taints"),
			ps = FS_DPATH_KEY(&p, "syncMode");
	out->provider = fs_decode_str(ctx, f[0], &pp);
	out->region = fs_decode_str(ctx, f[1], &pr);
	const char *zone = fs_decode_str(ctx, f[2], &pz);
	out->n_zones = fs_decode_str_list(ctx, f[3], &pzs, false, a, &out->zones);
	if (!out->n_zones && zone) {
		const char **z = FS_ARENA_NEW(a, const char *, 1);
		z[0] = zone;
		out->zones = z;
		out->n_zones = 1;
	}
	decode_taints(ctx, f[4], &pt, a, out);
	const char *mode = fs_decode_str(ctx, f[5], &ps);
	if (mode && strcmp(mode, "Pull") == 0)
		out->flags |= FS_CLUSTER_PULL;
	else if (mode && strcmp(mode, "Push") != 0)
		fs_decode_error(ctx, f[5], &ps, "expected one of Push, Pull, got \"%s\"",
				mode);
	*models = f[6];
}

static void
decode_conditions(struct fs_decode_ctx *ctx, const cJSON *node,
		  const struct fs_dpath *path, struct fs_cluster *out)
{
	if (!fs_decode_is(ctx, node, path, cJSON_Array))
		return;
	static const char *const keys[] = {"type", "status"};
	uint32_t i = 0;
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		struct fs_dpath pi = FS_DPATH_AT(path, i);
		const cJSON *f[2];
		if (!fs_decode_is(ctx, c, &pi, cJSON_Object))
			continue;
		fs_decode_fields(c, keys, 2, f);
		struct fs_dpath pt = FS_DPATH_KEY(&pi, "type"),
				ps = FS_DPATH_KEY(&pi, "status");
		const char *type = fs_decode_str(ctx, f[0], &pt);
		const char *st = fs_decode_str(ctx, f[1], &ps);
		if (!type || !st || strcmp(st, "True") != 0)
			continue;
		if (strcmp(type, "Ready") == 0)
			out->flags |= FS_CLUSTER_READY;
		else if (strcmp(type, "CompleteAPIEnablements") == 0)
			out->flags |= FS_CLUSTER_COMPLETE_APIS;
	}
}

static void
decode_apis(struct fs_decode_ctx *ctx, const cJSON *node,
	    const struct fs_dpath *path, struct fs_arena *a,
	    struct fs_cluster *out)
{
	if (!fs_decode_is(ctx, node, path, cJSON_Array))
		return;
	static const char *const gkeys[] = {"groupVersion", "resources"};
	static const char *const rkeys[] = {"kind"};
	uint32_t total = 0, n = 0, i = 0;
	for (const cJSON *g = node->child; g; g = g->next)
		total += fs_decode_count(cJSON_GetObjectItemCaseSensitive(g, "resources"));
	int32_t *ids = FS_ARENA_NEW(a, int32_t, total + 1), max = -1;
	for (const cJSON *g = node->child; g; g = g->next, i++) {
		struct fs_dpath pi = FS_DPATH_AT(path, i);
		const cJSON *f[2];
		if (!fs_decode_is(ctx, g, &pi, cJSON_Object))
			continue;
		fs_decode_fields(g, gkeys, 2, f);
		struct fs_dpath pg = FS_DPATH_KEY(&pi, "groupVersion"),
				pr = FS_DPATH_KEY(&pi, "resources");
		const char *gv = fs_decode_str(ctx, f[0], &pg);
		if (!gv || !fs_decode_is(ctx, f[1], &pr, cJSON_Array))
			continue;
		uint32_t j = 0;
		for (const cJSON *r = f[1]->child; r && n < total; r = r->next, j++) {
			struct fs_dpath pj = FS_DPATH_AT(&pr, j);
			const cJSON *kf[1];
			if (!fs_decode_is(ctx, r, &pj, cJSON_Object))
				continue;
			fs_decode_fields(r, rkeys, 1, kf);
			struct fs_dpath pk = FS_DPATH_KEY(&pj, "kind");
			const char *kind = fs_decode_str(ctx, kf[0], &pk);
			if (!kind)
				continue;
			ids[n] = fs_api_register(gv, kind);
			if (ids[n] > max)
				max = ids[n];
			n++;
		}
	}
	if (max < 0)
		return;
	uint32_t words = (uint32_t)max / 64 + 1;
	uint64_t *bits = FS_ARENA_NEW(a, uint64_t, words);
	for (uint32_t k = 0; k < n; k++)
		bits[ids[k] / 64] |= 1ull << (ids[k] % 64);
	out->api_bits = bits;
	out->n_api_words = words;
}

static int
cmp_model(const void *x, const void *y)
{
	uint32_t a = ((const struct fs_resource_model *)x)->grade;
	uint32_t b = ((const struct fs_resource_model *)y)->grade;
	return (a > b) - (a < b);
}

static int
cmp_res(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t)((const struct fs_resource *)x)->name;
	uintptr_t b = (uintptr_t)((const struct fs_resource *)y)->name;
	return (a > b) - (a < b);
}

/* the `min` of every range of spec.resourceModels entry `m` */
static uint32_t
model_mins(struct fs_decode_ctx *ctx, const cJSON *ranges,
	   const struct fs_dpath *path, struct fs_arena *a,
	   const struct fs_resource **out)
{
	static const char *const keys[] = {"name", "min"};
	*out = NULL;
	if (!fs_decode_is(ctx, ranges, path, cJSON_Array))
		return 0;
	struct fs_resource *r = FS_ARENA_NEW(a, struct fs_resource,
					     fs_decode_count(ranges));
	uint32_t i = 0, k = 0;
	for (const cJSON *c = ranges->child; c; c = c->next, i++) {
		struct fs_dpath pi = FS_DPATH_AT(path, i);
		const cJSON *f[2];
		if (!fs_decode_is(ctx, c, &pi, cJSON_Object))
			continue;
		fs_decode_fields(c, keys, 2, f);
		struct fs_dpath pn = FS_DPATH_KEY(&pi, "name"),
				pm = FS_DPATH_KEY(&pi, "min");
		const char *name = fs_decode_str(ctx, f[0], &pn);
		if (!name) {
			fs_decode_error(ctx, c, &pi, "missing name");
			continue;
		}
		if (!f[1] || fs_decode_quantity(ctx, f[1], &pm, name, &r[k].amount))
			r[k++].name = name; /* a missing min is 0 */
	}
	qsort(r, k, sizeof *r, cmp_res);
	*out = r;
	return k;
}

/* join spec.resourceModels with status.resourceSummary.allocatableModelings
 * by grade (grades present in both, sorted ascending) */
static void
decode_models(struct fs_decode_ctx *ctx, const cJSON *spec_models,
	      const cJSON *status_models, struct fs_arena *a,
	      struct fs_cluster *out)
{
	struct fs_dpath ps = FS_DPATH_KEY(NULL, "spec"),
			psm = FS_DPATH_KEY(&ps, "resourceModels"),
			pst = FS_DPATH_KEY(NULL, "status"),
			prs = FS_DPATH_KEY(&pst, "resourceSummary"),
			pam = FS_DPATH_KEY(&prs, "allocatableModelings");
	bool have_spec = fs_decode_is(ctx, spec_models, &psm, cJSON_Array);
	if (!fs_decode_is(ctx, status_models, &pam, cJSON_Array) || !have_spec)
		return;
	static const char *const skeys[] = {"grade", "count"};
	static const char *const mkeys[] = {"grade", "ranges"};
	struct fs_resource_model *m = FS_ARENA_NEW(a, struct fs_resource_model,
						   fs_decode_count(status_models));
	uint32_t i = 0, k = 0;
	for (const cJSON *c = status_models->child; c; c = c->next, i++) {
		struct fs_dpath pi = FS_DPATH_AT(&pam, i);
		const cJSON *f[2];
		int64_t grade, count = 0;
		if (!fs_decode_is(ctx, c, &pi, cJSON_Object))
			continue;
		fs_decode_fields(c, skeys, 2, f);
		struct fs_dpath pg = FS_DPATH_KEY(&pi, "grade"),
				pc = FS_DPATH_KEY(&pi, "count");
		if (!fs_decode_int(ctx, f[0], &pg, 0, UINT32_MAX, &grade))
			continue;
		fs_decode_int(ctx, f[1], &pc, 0, INT64_MAX, &count);
		uint32_t j = 0;
		for (const cJSON *s = spec_models->child; s; s = s->next, j++) {
			struct fs_dpath pj = FS_DPATH_AT(&psm, j);
			const cJSON *sf[2];
			int64_t sg;
			fs_decode_fields(s, mkeys, 2, sf);
			if (!cJSON_IsNumber(sf[0]) || fs_doc_int(sf[0], &sg) != FS_OK ||
			    sg != grade)
				continue;
			struct fs_dpath pr = FS_DPATH_KEY(&pj, "ranges");
			m[k].grade = (uint32_t)grade;
			m[k].count = count;
			m[k].n_min = model_mins(ctx, sf[1], &pr, a, &m[k].min);
			k++;
			break;
		}
	}
	qsort(m, k, sizeof *m, cmp_model);
	out->models = m;
	out->n_models = k;
}

static void
decode_status(struct fs_decode_ctx *ctx, const cJSON *status,
	      const cJSON *spec_models, struct fs_arena *a,
	      struct fs_cluster *out)
{
	static const char *const keys[] = {"conditions", "apiEnablements",
					   "resourceSummary"};
	static const char *const rkeys[] = {"allocatable", "allocated", "allocating",
					    "allocatableModelings"};
	const cJSON *f[3], *r[4];
	struct fs_dpath p = FS_DPATH_KEY(NULL, "status");
	if (!fs_decode_is(ctx, status, &p, cJSON_Object))
		return;
	fs_decode_fields(status, keys, 3, f);
	struct fs_dpath pc = FS_DPATH_KEY(&p, "conditions"),
			pa = FS_DPATH_KEY(&p, "apiEnablements"),
			prs = FS_DPATH_KEY(&p, "resourceSummary");
	decode_conditions(ctx, f[0], &pc, out);
	decode_apis(ctx, f[1], &pa, a, out);
	if (!fs_decode_is(ctx, f[2], &prs, cJSON_Object))
		return;
	out->flags |= FS_CLUSTER_HAS_SUMMARY;
	fs_decode_fields(f[2], rkeys, 4, r);
	struct fs_dpath p0 = FS_DPATH_KEY(&prs, "allocatable"),
			p1 = FS_DPATH_KEY(&prs, "allocated"),
			p2 = FS_DPATH_KEY(&prs, "allocating");
	out->n_allocatable = fs_decode_resources(ctx, r[0], &p0, a, &out->allocatable);
	out->n_allocated = fs_decode_resources(ctx, r[1], &p1, a, &out->allocated);
	out->n_allocating = fs_decode_resources(ctx, r[2], &p2, a, &out->allocating);
	decode_models(ctx, spec_models, r[3], a, out);
}

enum fs_code
fs_cluster_decode(const cJSON *obj, struct fs_arena *a, struct fs_cluster *out,
		  struct fs_decode_ctx *ctx)
{
	static const char *const keys[] = {"metadata", "spec", "status"};
	const cJSON *f[3], *models = NULL;
	size_t errors = ctx->errors;
	memset(out, 0, sizeof *out);
	out->struct_size = sizeof *out;
	ctx->what[0] = '\0';
	if (!cJSON_IsObject(obj)) {
		fs_decode_type_error(ctx, obj, NULL, "cluster object");
		return FS_E_INVAL;
	}
	fs_decode_fields(obj, keys, 3, f);
	/* a cluster's strings are pinned whatever ctx->refs says (cluster.h) */
	struct fs_intern_refs *refs = ctx->refs;
	ctx->refs = NULL;
	decode_metadata(ctx, obj, f[0], a, out);
	decode_spec(ctx, f[1], a, out, &models);
	decode_status(ctx, f[2], models, a, out);
	ctx->refs = refs;
	fs_estimate_prepare(out, a);
	return ctx->errors == errors ? FS_OK : FS_E_INVAL;
}
