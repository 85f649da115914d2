/* model/load.c - objects from files, dispatched by kind; see load.h */
#include "model/load.h"

#include <stdlib.h>
#include <string.h>

#include "model/binding.h"
#include "model/cluster.h"
#include "util/buf.h"
#include "util/intern.h"

void
fs_model_set_init(struct fs_model_set *set)
{
	memset(set, 0, sizeof *set);
	set->fleet = fs_fleet_new();
	set->snapshot = fs_fleet_publish(set->fleet);
	set->arena.block_size = 256 * 1024;
}

void
fs_model_set_release(struct fs_model_set *set)
{
	fs_snapshot_unref(set->snapshot);
	fs_fleet_free(set->fleet);
	fs_arena_release(&set->arena);
	free(set->bindings);
	for (size_t i = 0; i < set->n_docs; i++)
		fs_docset_free(set->docs[i]);
	free(set->docs);
	memset(set, 0, sizeof *set);
}

static void
ctx_init(struct fs_decode_ctx *ctx, const struct fs_model_set *set,
	 const struct fs_docset *ds, struct fs_diags *diags)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->ds = ds;
	ctx->diags = diags;
	ctx->keep_raw = set->keep_docs;
}

static bool
is_list_kind(const char *kind)
{
	size_t n = kind ? strlen(kind) : 0;
	return n >= 4 && strcmp(kind + n - 4, "List") == 0;
}

static void
load_cluster(struct fs_model_set *set, const cJSON *obj,
	     struct fs_decode_ctx *ctx)
{
	uint32_t before = fs_fleet_count(set->fleet);
	if (fs_fleet_put_json(set->fleet, obj, ctx) != FS_OK) {
		set->n_skipped++;
		return;
	}
	if (fs_fleet_count(set->fleet) == before && ctx->diags &&
	    set->n_dup_clusters++ < FS_DUP_SHOWN) {
		unsigned line = 0, col = 0;
		fs_docset_pos(ctx->ds, obj, &line, &col);
		fs_diags_add(ctx->diags, FS_DIAG_WARNING,
			     ctx->ds ? fs_docset_name(ctx->ds) : NULL, line, col,
			     ctx->what, "defined more than once; the last "
					"definition is used");
	}
}

static void
load_binding(struct fs_model_set *set, const cJSON *obj,
	     struct fs_decode_ctx *ctx)
{
	if (set->n_bindings == set->cap_bindings) {
		set->cap_bindings = set->cap_bindings ? set->cap_bindings * 2 : 64;
		set->bindings = fs_xrealloc(set->bindings,
					    set->cap_bindings * sizeof *set->bindings);
	}
	struct fs_binding *b = &set->bindings[set->n_bindings];
	if (fs_binding_decode(obj, &set->arena, b, ctx) != FS_OK) {
		set->n_skipped++;
		return;
	}
	set->n_bindings++;
}

/* the fleet as it is now into set->snapshot */
static void
publish(struct fs_model_set *set)
{
	fs_snapshot_unref(set->snapshot);
	set->snapshot = fs_fleet_publish(set->fleet);
}

static void
load_object(struct fs_model_set *set, const cJSON *obj,
	    const struct fs_docset *ds, struct fs_diags *diags)
{
	static const char *const keys[] = {"apiVersion", "kind", "items"};
	struct fs_decode_ctx ctx;
	ctx_init(&ctx, set, ds, diags);
	if (!cJSON_IsObject(obj)) {
		fs_decode_type_error(&ctx, obj, NULL, "a Kubernetes object");
		set->n_skipped++;
		return;
	}
	const cJSON *f[3];
	fs_decode_fields(obj, keys, 3, f);
	struct fs_dpath pv = FS_DPATH_KEY(NULL, "apiVersion"),
			pk = FS_DPATH_KEY(NULL, "kind"),
			pi = FS_DPATH_KEY(NULL, "items");
	const char *gv = fs_decode_str(&ctx, f[0], &pv);
	const char *kind = fs_decode_str(&ctx, f[1], &pk);
	if (ctx.errors) {
		set->n_skipped++;
		return;
	}
	if (is_list_kind(kind) && f[2]) {
		if (!fs_decode_is(&ctx, f[2], &pi, cJSON_Array)) {
			set->n_skipped++;
			return;
		}
		for (const cJSON *it = f[2]->child; it; it = it->next)
			load_object(set, it, ds, diags);
		return;
	}
	if (kind && strcmp(kind, "Cluster") == 0) {
		load_cluster(set, obj, &ctx);
	} else if (kind && (strcmp(kind, "ResourceBinding") == 0 ||
			    strcmp(kind, "ClusterResourceBinding") == 0)) {
		load_binding(set, obj, &ctx);
	} else if (set->other) {
		set->other(set->other_ud, obj, gv, kind, ds, diags);
	} else if (diags) {
		unsigned line = 0, col = 0;
		fs_docset_pos(ds, obj, &line, &col);
		fs_diags_add(diags, FS_DIAG_WARNING, ds ? fs_docset_name(ds) : NULL,
			     line, col, NULL, "ignoring object of kind %s",
			     kind ? kind : "(none)");
		fs_diags_hint(diags, "expected Cluster, ResourceBinding or "
				     "ClusterResourceBinding here");
	}
}

void
fs_model_load_object(struct fs_model_set *set, const cJSON *obj,
		     const struct fs_docset *ds, struct fs_diags *diags)
{
	load_object(set, obj, ds, diags);
	publish(set);
}

enum fs_code
fs_model_load_docset(struct fs_model_set *set, struct fs_docset *ds,
		     struct fs_diags *diags)
{
	uint32_t dups = set->n_dup_clusters;
	for (size_t i = 0; i < fs_docset_count(ds); i++)
		load_object(set, fs_docset_doc(ds, i), ds, diags);
	if (diags && set->n_dup_clusters > FS_DUP_SHOWN && set->n_dup_clusters > dups) {
		uint32_t more = set->n_dup_clusters - (dups > FS_DUP_SHOWN ? dups : FS_DUP_SHOWN);
		fs_diags_add(diags, FS_DIAG_WARNING, fs_docset_name(ds), 0, 0, NULL,
			     "… and %u more Clusters defined more than once (the last "
			     "definition of each is used)", more);
	}
	publish(set);
	if (set->keep_docs) {
		set->docs = fs_xrealloc(set->docs,
					(set->n_docs + 1) * sizeof *set->docs);
		set->docs[set->n_docs++] = ds;
	}
	return FS_OK;
}

enum fs_code
fs_model_load_file(struct fs_model_set *set, const char *path,
		   struct fs_diags *diags)
{
	struct fs_docset *ds;
	enum fs_code rc = fs_docset_load_file(&ds, path, diags);
	if (rc != FS_OK)
		return rc;
	fs_model_load_docset(set, ds, diags);
	if (!set->keep_docs)
		fs_docset_free(ds);
	return FS_OK;
}
