/* cmd/simulate_load.c - reading cluster and workload dumps for simulate:
 * single objects, multi-document YAML and `kind: List`; Clusters into a
 * snapshot, workloads (ResourceBindings, ClusterResourceBindings,
 * middleware objects) through sched/intake.h. A bad object is reported
 * and skipped; the rest go on. */
#include <string.h>

#include "cmd/simulate.h"
#include "sched/intake.h"
#include "util/jfield.h"

static struct sim_item *
new_item(struct sim *s, const cJSON *obj, const char *kind)
{
	if (s->n_items == s->cap_items) {
		s->cap_items = s->cap_items ? s->cap_items * 2 : 32;
		s->items = fs_xrealloc(s->items, s->cap_items * sizeof *s->items);
	}
	struct sim_item *it = &s->items[s->n_items++];
	memset(it, 0, sizeof *it);
	it->kind = fs_arena_strdup(&s->arena, kind);
	it->namespace_ = fs_arena_strdup(&s->arena, fs_jmeta(obj, "namespace"));
	it->name = fs_arena_strdup(&s->arena, fs_jmeta(obj, "name") ? fs_jmeta(obj, "name") : "(unnamed)");
	it->term_index = -1;
	return it;
}

static void
note(struct sim *s, const struct fs_docset *ds, const cJSON *obj,
     enum fs_diag_level level, const char *fmt, const char *a, const char *b)
{
	unsigned line = 0, col = 0;
	fs_docset_pos(ds, obj, &line, &col);
	fs_diags_add(&s->diags, level, fs_docset_name(ds), line, col, NULL, fmt, a, b);
}

static void
load_object(struct sim *s, const struct fs_docset *ds, const cJSON *obj,
	    bool clusters_file)
{
	const char *kind = fs_jstr(obj, "kind");
	const char *name = fs_jmeta(obj, "name");
	if (!cJSON_IsObject(obj) || !kind) {
		note(s, ds, obj, FS_DIAG_ERROR, "skipped an object without %s%s", "kind", "");
		s->skipped++;
		return;
	}
	size_t kl = strlen(kind);
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(obj, "items");
	if (kl >= 4 && strcmp(kind + kl - 4, "List") == 0 && cJSON_IsArray(items)) {
		const cJSON *o;
		cJSON_ArrayForEach(o, items)
			load_object(s, ds, o, clusters_file);
		return;
	}
	bool is_cluster = strcmp(kind, "Cluster") == 0;
	if (clusters_file || is_cluster) {
		if (!clusters_file || !is_cluster) {
			note(s, ds, obj, FS_DIAG_WARNING,
			     clusters_file ? "skipped %s '%s': --clusters files hold Cluster objects"
					   : "skipped %s '%s': Cluster objects belong in --clusters files",
			     kind, name ? name : "?");
			return;
		}
		struct fs_decode_ctx ctx = {.ds = ds, .diags = &s->diags};
		uint32_t before = fs_fleet_count(s->fleet);
		if (fs_fleet_put_json(s->fleet, obj, &ctx) != FS_OK)
			s->skipped++;
		else if (fs_fleet_count(s->fleet) == before && s->dup_clusters++ < FS_DUP_SHOWN)
			note(s, ds, obj, FS_DIAG_WARNING,
			     "cluster '%s' is defined more than once%s; the last definition "
			     "is used", name ? name : "?", "");
		return;
	}
	struct fs_decode_ctx ctx = {.ds = ds, .diags = &s->diags, .keep_raw = true};
	struct fs_intake in;
	enum fs_code rc = fs_intake_object_isolated(s->set, obj, &s->arena, &ctx, s->isolate_ms, &in);
	if (rc == FS_E_NOTFOUND) {
		note(s, ds, obj, FS_DIAG_WARNING,
		     "skipped %s '%s': not a ResourceBinding, ClusterResourceBinding or a kind of a configured middleware",
		     kind, name ? name : "?");
		return;
	}
	struct sim_item *it = new_item(s, obj, kind);
	it->middleware = in.kind == FS_INTAKE_MIDDLEWARE;
	if (rc == FS_OK) {
		it->ok = true;
		it->b = in.b;
	} else {
		it->error = in.error;
		s->skipped++;
	}
}

static enum fs_code
load_file(struct sim *s, const char *path, bool clusters_file)
{
	struct fs_docset *ds = NULL;
	enum fs_code rc = fs_docset_load_file(&ds, path, &s->diags);
	if (rc != FS_OK)
		return rc;
	s->docsets = fs_xrealloc(s->docsets, (s->n_docsets + 1) * sizeof *s->docsets);
	s->docsets[s->n_docsets++] = ds; /* kept: binding views point into it */
	for (size_t i = 0; i < fs_docset_count(ds); i++)
		load_object(s, ds, fs_docset_doc(ds, i), clusters_file);
	return FS_OK;
}

enum fs_code
sim_load(struct sim *s)
{
	enum fs_code worst = FS_OK;
	s->fleet = fs_fleet_new();
	for (uint32_t i = 0; i < s->n_cluster_files; i++) {
		enum fs_code rc = load_file(s, s->cluster_files[i], true);
		if (rc != FS_OK)
			worst = rc;
	}
	if (s->dup_clusters > FS_DUP_SHOWN)
		fs_diags_add(&s->diags, FS_DIAG_WARNING, NULL, 0, 0, NULL,
			     "… and %u more Clusters defined more than once (the last "
			     "definition of each is used)", s->dup_clusters - FS_DUP_SHOWN);
	s->snap = fs_fleet_publish(s->fleet);
	fs_fleet_free(s->fleet); /* the snapshot lives on */
	s->fleet = NULL;
	s->n_clusters = fs_snapshot_count(s->snap);
	s->clusters = fs_xcalloc(s->n_clusters + 1, sizeof *s->clusters);
	for (uint32_t i = 0; i < s->n_clusters; i++)
		s->clusters[i] = fs_snapshot_at(s->snap, i);
	/* bindings after clusters: their API ids come from the clusters */
	for (uint32_t i = 0; i < s->n_binding_files; i++) {
		enum fs_code rc = load_file(s, s->binding_files[i], false);
		if (rc != FS_OK)
			worst = rc;
	}
	return worst;
}
