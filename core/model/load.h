/*
 * model/load.h - read many objects from files or docsets: single objects,
 * multi-document YAML, `kind: List` with `items` (kubectl get -o yaml),
 * dispatched by kind:
 *   Cluster                                  -> set->fleet
 *   ResourceBinding, ClusterResourceBinding  -> set->bindings
 *   anything else                            -> the `other` callback (e.g.
 *                                               MultiCloudMongoDB for the
 *                                               middleware path), or a
 *                                               warning when there is none
 * A bad object is reported (file:line:col, object, field) and skipped; the
 * rest are used.
 *
 *   struct fs_model_set set;
 *   fs_model_set_init(&set);
 *   fs_model_load_file(&set, "clusters.yaml", &diags);
 *   ... set.snapshot, set.bindings[0..n_bindings) ...
 *
 * Every load call ends by publishing the fleet into set->snapshot (the
 * previous snapshot is unref'd: take a reference to keep one longer).
 *   fs_model_set_release(&set);
 *
 * Not thread-safe (interning, the API-id registry).
 */
#ifndef FS_MODEL_LOAD_H
#define FS_MODEL_LOAD_H

#include "model/fleet.h"

/* An object of another kind: `obj` and `ds` are borrowed for the call only
 * (unless set->keep_docs); `apiVersion`/`kind` are interned (kind may be
 * NULL when the object has none). */
typedef void (*fs_model_other_fn)(void *ud, const cJSON *obj,
				  const char *api_version, const char *kind,
				  const struct fs_docset *ds,
				  struct fs_diags *diags);

struct fs_model_set {
	struct fs_fleet *fleet;       /* owned; the clusters read so far */
	struct fs_snapshot *snapshot; /* one reference: the fleet as of the
					 last load call */
	struct fs_arena arena;        /* binding views */
	struct fs_binding *bindings;  /* malloc'd; moves while loading */
	uint32_t n_bindings, cap_bindings;
	fs_model_other_fn other;      /* may be NULL */
	void *other_ud;
	/* keep every docset until release, and point binding->raw at the
	 * source objects */
	bool keep_docs;
	struct fs_docset **docs;
	size_t n_docs;
	/* counts of what was read */
	uint32_t n_skipped; /* objects skipped for errors */
	uint32_t n_dup_clusters; /* Clusters whose name came before */
};

void fs_model_set_init(struct fs_model_set *set);
void fs_model_set_release(struct fs_model_set *set);

/* Load every object of a file; FS_OK when the file could be parsed (even if
 * some objects were skipped: see set->n_skipped and diags), else the
 * loader's code (FS_E_IO, FS_E_PARSE). */
enum fs_code fs_model_load_file(struct fs_model_set *set, const char *path,
				struct fs_diags *diags);
/* The same over an already loaded docset (borrowed; with keep_docs the set
 * takes it and frees it on release). */
enum fs_code fs_model_load_docset(struct fs_model_set *set,
				  struct fs_docset *ds,
				  struct fs_diags *diags);
/* One object (a List is walked). */
void fs_model_load_object(struct fs_model_set *set, const cJSON *obj,
			  const struct fs_docset *ds, struct fs_diags *diags);

#endif
