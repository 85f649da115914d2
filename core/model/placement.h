/*
 * model/placement.h - decode a Karmada Placement (policy.karmada.io/v1alpha1)
 * into struct fs_placement, applying the defaults Karmada's CRD and webhook
 * apply: spreadByField empty -> cluster, minGroups 0 -> 1; a
 * replicaScheduling block without a type -> Divided; Divided without a
 * division preference -> Weighted.
 *
 * Callable on its own: the middleware path decodes the placement that a
 * plugin's interpret step returns.
 */
#ifndef FS_MODEL_PLACEMENT_H
#define FS_MODEL_PLACEMENT_H

#include "model/decode.h"

/* NULL when `placement` is NULL/null. Otherwise a view in `a` (also when
 * some fields were bad: check ctx->errors to tell). Paths in messages start
 * at "placement". */
const struct fs_placement *fs_placement_decode(const cJSON *placement,
					       struct fs_arena *a,
					       struct fs_decode_ctx *ctx);
/* The same with the field path of `placement` given (e.g. spec.placement). */
const struct fs_placement *fs_placement_decode_at(const cJSON *placement,
						  const struct fs_dpath *path,
						  struct fs_arena *a,
						  struct fs_decode_ctx *ctx);
/* A ClusterAffinity ({labelSelector, fieldSelector, clusterNames, exclude})
 * into *out; false when `node` is unset or not an object. */
bool fs_affinity_decode(const cJSON *node, const struct fs_dpath *path,
			struct fs_arena *a, struct fs_decode_ctx *ctx,
			struct fs_cluster_affinity *out);
/* A metav1.LabelSelector; NULL when unset. */
const struct fs_label_selector *fs_label_selector_decode(
	const cJSON *node, const struct fs_dpath *path, struct fs_arena *a,
	struct fs_decode_ctx *ctx);

#endif
