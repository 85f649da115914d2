/* model/binding.c - bindings and middleware workloads -> struct fs_binding */
#include "model/binding.h"

#include <stdlib.h>
#include <string.h>

#include "model/apiid.h"
#include "model/placement.h"
#include "util/intern.h"

static int
cmp_kv(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t)((const struct fs_kv *)x)->key;
	uintptr_t b = (uintptr_t)((const struct fs_kv *)y)->key;
	return (a > b) - (a < b);
}

/* metadata.annotations into out->annotations (sorted by key pointer) and
 * the storage class. Left out: null values (the API server never sends
 * them) and kubectl's last-applied-configuration, a copy of the whole
 * object that no plugin reads and that would be interned for good. */
static void
decode_annotations(struct fs_decode_ctx *ctx, const cJSON *node,
		   const struct fs_dpath *path, struct fs_arena *a,
		   struct fs_binding *out, const char **storage_class)
{
	if (!fs_decode_is(ctx, node, path, cJSON_Object))
		return;
	uint32_t n = fs_decode_count(node), k = 0;
	if (!n)
		return;
	struct fs_kv *kv = FS_ARENA_NEW(a, struct fs_kv, n);
	for (const cJSON *c = node->child; c; c = c->next) {
		struct fs_dpath p = FS_DPATH_KEY(path, c->string);
		if (cJSON_IsNull(c) || strcmp(c->string, FS_ANNOTATION_LAST_APPLIED) == 0)
			continue;
		if (!cJSON_IsString(c)) {
			fs_decode_type_error(ctx, c, &p, "string");
			continue;
		}
		kv[k].key = fs_intern_ref(ctx->refs, c->string, (size_t)-1);
		kv[k].value = fs_intern_ref(ctx->refs, c->valuestring, (size_t)-1);
		if (strcmp(c->string, FS_ANNOTATION_STORAGE_CLASS) == 0)
			*storage_class = kv[k].value;
		k++;
	}
	qsort(kv, k, sizeof *kv, cmp_kv);
	out->annotations = kv;
	out->n_annotations = k;
}

/* apiVersion, kind and metadata of `obj` into out->self, generation,
 * annotations and the storage class they name */
static void
decode_self(struct fs_decode_ctx *ctx, const cJSON *obj, struct fs_arena *a,
	    struct fs_binding *out, const char **storage_class)
{
	static const char *const keys[] = {"apiVersion", "kind", "metadata"};
	static const char *const mkeys[] = {"namespace", "name", "uid",
					    "generation", "annotations"};
	struct fs_object_ref *ref = &out->self;
	const cJSON *f[3], *m[5];
	fs_decode_fields(obj, keys, 3, f);
	struct fs_dpath pv = FS_DPATH_KEY(NULL, "apiVersion"),
			pk = FS_DPATH_KEY(NULL, "kind"),
			pm = FS_DPATH_KEY(NULL, "metadata");
	ref->api_version = fs_decode_str(ctx, f[0], &pv);
	ref->kind = fs_decode_str(ctx, f[1], &pk);
	if (!f[2] || cJSON_IsNull(f[2])) {
		fs_decode_set_what(ctx, ref->kind ? ref->kind : "object", NULL, NULL);
		fs_decode_error(ctx, obj, NULL, "missing metadata");
		return;
	}
	if (!fs_decode_is(ctx, f[2], &pm, cJSON_Object))
		return;
	fs_decode_fields(f[2], mkeys, 5, m);
	struct fs_dpath pns = FS_DPATH_KEY(&pm, "namespace"),
			pn = FS_DPATH_KEY(&pm, "name"), pu = FS_DPATH_KEY(&pm, "uid"),
			pg = FS_DPATH_KEY(&pm, "generation"),
			pa = FS_DPATH_KEY(&pm, "annotations");
	ref->namespace_ = fs_decode_str(ctx, m[0], &pns);
	ref->name = fs_decode_str(ctx, m[1], &pn);
	fs_decode_set_what(ctx, ref->kind ? ref->kind : "object", ref->namespace_,
			   ref->name);
	if (!ref->name)
		fs_decode_error(ctx, f[2], &pm, "missing name");
	ref->uid = fs_decode_str(ctx, m[2], &pu);
	fs_decode_int(ctx, m[3], &pg, 0, INT64_MAX, &out->generation);
	decode_annotations(ctx, m[4], &pa, a, out, storage_class);
}

static void
decode_resource(struct fs_decode_ctx *ctx, const cJSON *node,
		const struct fs_dpath *path, struct fs_object_ref *ref)
{
	static const char *const keys[] = {"apiVersion", "kind", "namespace",
					   "name", "uid"};
	const cJSON *f[5];
	if (!node || cJSON_IsNull(node)) {
		fs_decode_error(ctx, NULL, path->up, "missing resource");
		return;
	}
	if (!fs_decode_is(ctx, node, path, cJSON_Object))
		return;
	fs_decode_fields(node, keys, 5, f);
	struct fs_dpath pv = FS_DPATH_KEY(path, "apiVersion"),
			pk = FS_DPATH_KEY(path, "kind"),
			pns = FS_DPATH_KEY(path, "namespace"),
			pn = FS_DPATH_KEY(path, "name"), pu = FS_DPATH_KEY(path, "uid");
	ref->api_version = fs_decode_str(ctx, f[0], &pv);
	ref->kind = fs_decode_str(ctx, f[1], &pk);
	ref->namespace_ = fs_decode_str(ctx, f[2], &pns);
	ref->name = fs_decode_str(ctx, f[3], &pn);
	ref->uid = fs_decode_str(ctx, f[4], &pu);
	if (!ref->api_version)
		fs_decode_error(ctx, node, path, "missing apiVersion");
	if (!ref->kind)
		fs_decode_error(ctx, node, path, "missing kind");
	if (!ref->name)
		fs_decode_error(ctx, node, path, "missing name");
}

static void
decode_requirements(struct fs_decode_ctx *ctx, const cJSON *node,
		    const struct fs_dpath *path, struct fs_arena *a,
		    struct fs_binding *out)
{
	static const char *const keys[] = {"resourceRequest", "nodeClaim",
					   "namespace", "priorityClassName"};
	static const char *const nkeys[] = {"nodeSelector"};
	const cJSON *f[4], *n[1];
	if (!fs_decode_is(ctx, node, path, cJSON_Object))
		return;
	out->has_requirements = true;
	fs_decode_fields(node, keys, 4, f);
	struct fs_dpath pr = FS_DPATH_KEY(path, "resourceRequest"),
			pc = FS_DPATH_KEY(path, "nodeClaim"),
			pns = FS_DPATH_KEY(path, "namespace"),
			pp = FS_DPATH_KEY(path, "priorityClassName");
	out->n_requests = fs_decode_resources(ctx, f[0], &pr, a, &out->requests);
	if (fs_decode_is(ctx, f[1], &pc, cJSON_Object)) {
		struct fs_dpath ps = FS_DPATH_KEY(&pc, "nodeSelector");
		fs_decode_fields(f[1], nkeys, 1, n);
		out->n_node_selector = fs_decode_kv_map(ctx, n[0], &ps, a,
							&out->node_selector);
	}
	out->namespace_req = fs_decode_str(ctx, f[2], &pns);
	out->priority_class = fs_decode_str(ctx, f[3], &pp);
}

struct named_at {
	const char *name;
	uint32_t index; /* in spec.clusters */
};

static int
by_name_then_index(const void *x, const void *y)
{
	const struct named_at *a = x, *b = y;
	int d = strcmp(a->name, b->name);
	return d ? d : (a->index > b->index) - (a->index < b->index);
}

/* a cluster listed twice in spec.clusters: which replicas run there is
 * ambiguous (the API server refuses such a list for listType=map
 * fields), so the binding is not scheduled until it is fixed. s: the
 * decoded names with their indexes (sorted here) */
static void
check_unique_targets(struct fs_decode_ctx *ctx, const cJSON *node,
		     const struct fs_dpath *path, struct named_at *s, uint32_t n)
{
	qsort(s, n, sizeof *s, by_name_then_index);
	for (uint32_t i = 1; i < n; i++) {
		if (strcmp(s[i - 1].name, s[i].name) != 0)
			continue;
		struct fs_dpath pi = FS_DPATH_AT(path, s[i].index);
		struct fs_dpath pn = FS_DPATH_KEY(&pi, "name");
		fs_decode_error(ctx, cJSON_GetArrayItem(node, (int)s[i].index), &pn,
				"cluster '%s' is listed twice (first at index %u); hint: list "
				"each cluster once, with all of its replicas",
				s[i].name, s[i - 1].index);
		return; /* one says what is wrong */
	}
}

static void
decode_targets(struct fs_decode_ctx *ctx, const cJSON *node,
	       const struct fs_dpath *path, struct fs_arena *a,
	       struct fs_binding *out)
{
	static const char *const keys[] = {"name", "replicas"};
	if (!fs_decode_is(ctx, node, path, cJSON_Array))
		return;
	struct fs_target *t = FS_ARENA_NEW(a, struct fs_target, fs_decode_count(node));
	struct named_at *seen = FS_ARENA_NEW(a, struct named_at, fs_decode_count(node));
	uint32_t i = 0, k = 0;
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		struct fs_dpath pi = FS_DPATH_AT(path, i);
		const cJSON *f[2];
		int64_t r = 0;
		if (!fs_decode_is(ctx, c, &pi, cJSON_Object))
			continue;
		fs_decode_fields(c, keys, 2, f);
		struct fs_dpath pn = FS_DPATH_KEY(&pi, "name"),
				pr = FS_DPATH_KEY(&pi, "replicas");
		t[k].name = fs_decode_str(ctx, f[0], &pn);
		if (!t[k].name) {
			fs_decode_error(ctx, c, &pi, "missing name");
			continue;
		}
		fs_decode_int(ctx, f[1], &pr, 0, INT32_MAX, &r);
		seen[k] = (struct named_at){t[k].name, i};
		t[k++].replicas = (int32_t)r;
	}
	out->previous = t;
	out->n_previous = k;
	check_unique_targets(ctx, node, path, seen, k);
}

static void
decode_evictions(struct fs_decode_ctx *ctx, const cJSON *node,
		 const struct fs_dpath *path, struct fs_arena *a,
		 struct fs_binding *out)
{
	static const char *const keys[] = {"fromCluster"};
	if (!fs_decode_is(ctx, node, path, cJSON_Array))
		return;
	const char **v = FS_ARENA_NEW(a, const char *, fs_decode_count(node));
	uint32_t i = 0, k = 0;
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		struct fs_dpath pi = FS_DPATH_AT(path, i);
		const cJSON *f[1];
		if (!fs_decode_is(ctx, c, &pi, cJSON_Object))
			continue;
		fs_decode_fields(c, keys, 1, f);
		struct fs_dpath pf = FS_DPATH_KEY(&pi, "fromCluster");
		const char *from = fs_decode_str(ctx, f[0], &pf);
		if (from)
			v[k++] = from;
		else
			fs_decode_error(ctx, c, &pi, "missing fromCluster");
	}
	out->evicting_from = v;
	out->n_evicting_from = k;
}

static void
decode_spec(struct fs_decode_ctx *ctx, const cJSON *obj, const cJSON *spec,
	    struct fs_arena *a, struct fs_binding *out)
{
	static const char *const keys[] = {
		"resource", "replicas", "replicaRequirements", "placement",
		"clusters", "gracefulEvictionTasks", "schedulerName",
		"rescheduleTriggeredAt"};
	const cJSON *f[FS_NKEYS(keys)];
	struct fs_dpath p = FS_DPATH_KEY(NULL, "spec");
	if (!spec || cJSON_IsNull(spec)) {
		fs_decode_error(ctx, obj, NULL, "missing spec");
		return;
	}
	if (!fs_decode_is(ctx, spec, &p, cJSON_Object))
		return;
	fs_decode_fields(spec, keys, FS_NKEYS(keys), f);
	struct fs_dpath pres = FS_DPATH_KEY(&p, "resource"),
			prep = FS_DPATH_KEY(&p, "replicas"),
			preq = FS_DPATH_KEY(&p, "replicaRequirements"),
			ppl = FS_DPATH_KEY(&p, "placement"),
			pcl = FS_DPATH_KEY(&p, "clusters"),
			pev = FS_DPATH_KEY(&p, "gracefulEvictionTasks"),
			psn = FS_DPATH_KEY(&p, "schedulerName"),
			prt = FS_DPATH_KEY(&p, "rescheduleTriggeredAt");
	int64_t replicas = 0;
	decode_resource(ctx, f[0], &pres, &out->resource);
	fs_decode_int(ctx, f[1], &prep, 0, INT32_MAX, &replicas);
	out->replicas = (int32_t)replicas;
	decode_requirements(ctx, f[2], &preq, a, out);
	out->placement = fs_placement_decode_at(f[3], &ppl, a, ctx);
	decode_targets(ctx, f[4], &pcl, a, out);
	decode_evictions(ctx, f[5], &pev, a, out);
	out->scheduler_name = fs_decode_str(ctx, f[6], &psn);
	fs_decode_time(ctx, f[7], &prt, &out->reschedule_triggered_at);
}

static void
decode_status(struct fs_decode_ctx *ctx, const cJSON *status,
	      struct fs_binding *out)
{
	static const char *const keys[] = {"lastScheduledTime",
					   "schedulerObservingAffinityName"};
	const cJSON *f[2];
	struct fs_dpath p = FS_DPATH_KEY(NULL, "status");
	if (!fs_decode_is(ctx, status, &p, cJSON_Object))
		return;
	fs_decode_fields(status, keys, 2, f);
	struct fs_dpath pl = FS_DPATH_KEY(&p, "lastScheduledTime"),
			pa = FS_DPATH_KEY(&p, "schedulerObservingAffinityName");
	fs_decode_time(ctx, f[0], &pl, &out->last_scheduled_time);
	out->observed_affinity = fs_decode_str(ctx, f[1], &pa);
}

static void
finish(struct fs_binding *out)
{
	if (!out->scheduler_name)
		out->scheduler_name = fs_intern("default-scheduler", (size_t)-1);
	out->api_id = fs_api_id(out->resource.api_version, out->resource.kind);
}

enum fs_code
fs_binding_decode(const cJSON *obj, struct fs_arena *a, struct fs_binding *out,
		  struct fs_decode_ctx *ctx)
{
	size_t errors = ctx->errors;
	memset(out, 0, sizeof *out);
	out->struct_size = sizeof *out;
	out->api_id = -1;
	ctx->what[0] = '\0';
	if (!cJSON_IsObject(obj)) {
		fs_decode_type_error(ctx, obj, NULL, "binding object");
		return FS_E_INVAL;
	}
	decode_self(ctx, obj, a, out, &out->storage_class);
	struct fs_dpath pk = FS_DPATH_KEY(NULL, "kind");
	const char *kind = out->self.kind;
	if (kind && strcmp(kind, "ResourceBinding") == 0) {
		out->kind = FS_WORKLOAD_RESOURCE_BINDING;
	} else if (kind && strcmp(kind, "ClusterResourceBinding") == 0) {
		out->kind = FS_WORKLOAD_CLUSTER_RESOURCE_BINDING;
	} else {
		fs_decode_error(ctx, cJSON_GetObjectItemCaseSensitive(obj, "kind"),
				&pk,
				"expected ResourceBinding or "
				"ClusterResourceBinding, got %s%s%s",
				kind ? "\"" : "", kind ? kind : "nothing",
				kind ? "\"" : "");
		return FS_E_INVAL;
	}
	decode_spec(ctx, obj, cJSON_GetObjectItemCaseSensitive(obj, "spec"), a,
		    out);
	decode_status(ctx, cJSON_GetObjectItemCaseSensitive(obj, "status"), out);
	finish(out);
	if (ctx->keep_raw)
		out->raw = (const struct fs_json *)obj;
	return ctx->errors == errors ? FS_OK : FS_E_INVAL;
}

enum fs_code
fs_binding_from_workload(const cJSON *obj, const struct fs_mw_workload *w,
			 struct fs_arena *a, struct fs_binding *out,
			 struct fs_decode_ctx *ctx)
{
	size_t errors = ctx->errors;
	memset(out, 0, sizeof *out);
	out->struct_size = sizeof *out;
	out->kind = FS_WORKLOAD_MIDDLEWARE;
	ctx->what[0] = '\0';
	if (!cJSON_IsObject(obj) || !w) {
		fs_decode_type_error(ctx, obj, NULL, "middleware object");
		return FS_E_INVAL;
	}
	const char *sc = NULL;
	decode_self(ctx, obj, a, out, &sc);
	out->resource = out->self;
	if (w->replicas < 0) {
		fs_decode_error(ctx, obj, NULL,
				"interpret returned %d replicas, expected >= 0",
				(int)w->replicas);
		return FS_E_INVAL;
	}
	out->replicas = w->replicas;
	struct fs_dpath pr = FS_DPATH_KEY(NULL, "requests"),
			pp = FS_DPATH_KEY(NULL, "placement");
	const cJSON *req = (const cJSON *)w->requests;
	if (req && !cJSON_IsNull(req)) {
		out->has_requirements = true;
		out->n_requests = fs_decode_resources(ctx, req, &pr, a, &out->requests);
	}
	out->placement = fs_placement_decode_at((const cJSON *)w->placement, &pp,
						a, ctx);
	out->storage_class = w->storage_class
				     ? fs_intern_ref(ctx->refs, w->storage_class,
						     (size_t)-1)
				     : sc;
	out->arbiter = w->arbiter;
	out->mode = w->mode;
	out->scheduler_name = w->scheduler_name
				      ? fs_intern_ref(ctx->refs, w->scheduler_name,
						      (size_t)-1)
				      : fs_intern(FS_MIDDLEWARE_SCHEDULER_NAME, (size_t)-1);
	finish(out);
	if (ctx->keep_raw)
		out->raw = (const struct fs_json *)obj;
	return ctx->errors == errors ? FS_OK : FS_E_INVAL;
}
