/*
 * model/cluster.h - decode a Cluster (cluster.karmada.io/v1alpha1) into
 * the view of fedstate/types.h.
 *
 * Read: metadata.{name, uid, labels, annotations, deletionTimestamp,
 * generation}; spec.{provider, region, zone, zones, taints, syncMode,
 * resourceModels}; status.{conditions (Ready, CompleteAPIEnablements),
 * apiEnablements, resourceSummary}. Unknown fields are ignored.
 */
#ifndef FS_MODEL_CLUSTER_H
#define FS_MODEL_CLUSTER_H

#include "model/decode.h"

/* Decode `obj` into *out; every array is in `a`; the cJSON tree is not
 * referenced afterwards. Strings are interned and pinned (ctx->refs is
 * ignored): a fleet's clusters are a small vocabulary (names, uids, labels,
 * annotations, taints, zones, resource and API names), plugins keep cluster
 * names and label/annotation values across snapshots (caches keyed by
 * pointer), and the API-id registry and the resource-model table
 * (model/apiid.h, model/restable.h) keep pointers for good.
 * out->index is left 0 (the snapshot numbers clusters). API enablements
 * register their ids (model/apiid.h). Every problem is reported through
 * ctx (which gets ctx->what = "cluster <name>"); the result is FS_OK, or
 * FS_E_INVAL when the object had any problem and should be skipped. */
enum fs_code fs_cluster_decode(const cJSON *obj, struct fs_arena *a,
			       struct fs_cluster *out,
			       struct fs_decode_ctx *ctx);

#endif
