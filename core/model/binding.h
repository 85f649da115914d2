/*
 * model/binding.h - decode a ResourceBinding or ClusterResourceBinding
 * (work.karmada.io/v1alpha2), or a federated middleware object plus its
 * plugin's interpret output, into struct fs_binding (fedstate/types.h).
 *
 * Defaults: schedulerName empty -> "default-scheduler" (a federated
 * middleware object's: FS_MIDDLEWARE_SCHEDULER_NAME, the default its CRD
 * gives, so offline reads route it as the API server would); placement defaults
 * as in model/placement.h. storage_class comes from the annotation
 * fedstate.io/storage-class ("" there means the default class).
 * metadata.annotations are kept in the view (sorted by key pointer, values
 * interned), except kubectl's last-applied-configuration.
 *
 * Strings: decoded through ctx, so pinned, or counted references in
 * ctx->refs when set (model/decode.h). A binding's strings are per-object
 * (uid, annotation values such as schedulerResult, names): a daemon keeps
 * each binding in a struct fs_binding_box, which owns its arrays and holds
 * its strings by reference, and frees it on update or delete.
 */
#ifndef FS_MODEL_BINDING_H
#define FS_MODEL_BINDING_H

/* the scheduler a federated middleware object names when it names none:
 * its CRD's default (reference/fedstate-objects.md §1) */
#define FS_MIDDLEWARE_SCHEDULER_NAME "multicloud-middleware-scheduler"

#include <fedstate/mw.h>

#include "model/decode.h"

#define FS_ANNOTATION_STORAGE_CLASS "fedstate.io/storage-class"
/* not kept in the view's annotations (see binding.c) */
#define FS_ANNOTATION_LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

/* Decode `obj` into *out; arrays in `a`, strings interned. The tree is not
 * referenced afterwards unless ctx->keep_raw (then out->raw = obj,
 * borrowed). api_id is looked up (not registered): -1 when no decoded
 * cluster serves the resource's kind. Sets ctx->what to
 * "resourcebinding <ns>/<name>". FS_OK, or FS_E_INVAL when the object had
 * any problem (all reported through ctx) and should be skipped. */
enum fs_code fs_binding_decode(const cJSON *obj, struct fs_arena *a,
			       struct fs_binding *out,
			       struct fs_decode_ctx *ctx);

/* A federated middleware object (`obj`, e.g. a MultiCloudMongoDB) as a
 * binding of kind FS_WORKLOAD_MIDDLEWARE: self = resource = the object;
 * replicas, requests (w->requests: an object of quantity strings or
 * numbers), placement, storage class, arbiter, mode and scheduler name from
 * `w` (a plugin's interpret output; its fs_json values are cJSON trees of
 * the host). `w` is borrowed. Same result codes as fs_binding_decode. */
enum fs_code fs_binding_from_workload(const cJSON *obj,
				      const struct fs_mw_workload *w,
				      struct fs_arena *a, struct fs_binding *out,
				      struct fs_decode_ctx *ctx);

/* One decoded binding and all it owns: the view, an arena for its arrays
 * and counted references to its strings (freed with the box, unless pinned
 * elsewhere). */
struct fs_binding_box;

/* Decode `obj` (fs_binding_decode) into a new box, *out (caller frees);
 * ctx->refs is ignored (the box holds the strings). On a problem *out is
 * NULL and the code is that of fs_binding_decode. */
enum fs_code fs_binding_new_json(const cJSON *obj, struct fs_decode_ctx *ctx,
				 struct fs_binding_box **out);
/* The same for a middleware object and its interpret output
 * (fs_binding_from_workload; `w` borrowed for the call). */
enum fs_code fs_binding_new_workload(const cJSON *obj,
				     const struct fs_mw_workload *w,
				     struct fs_decode_ctx *ctx,
				     struct fs_binding_box **out);
/* the view; valid until fs_binding_free(b) */
const struct fs_binding *fs_binding_view(const struct fs_binding_box *b);
void fs_binding_free(struct fs_binding_box *b); /* NULL-safe */

#endif
