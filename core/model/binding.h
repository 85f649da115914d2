/*
 * model/binding.h - decode a ResourceBinding or ClusterResourceBinding
 * (work.karmada.io/v1alpha2), or a federated middleware object plus its
 * plugin's interpret output, into struct fs_binding (fedstate/types.h).
 *
 * Defaults: schedulerName empty -> "default-scheduler"; placement defaults
 * as in model/placement.h. storage_class comes from the annotation
 * fedstate.io/storage-class ("" there means the default class).
 * metadata.annotations are kept in the view (sorted by key pointer, values
 * interned), except kubectl's last-applied-configuration.
 */
#ifndef FS_MODEL_BINDING_H
#define FS_MODEL_BINDING_H

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

#endif
