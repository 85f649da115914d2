/*
 * model/selector.h - label selectors and Karmada cluster affinities over
 * decoded views. Every string is interned, so matching compares pointers
 * only (no strcmp; Gt/Lt parse integers). Thread-safe for concurrent
 * readers (after the first call, which interns three field names).
 */
#ifndef FS_MODEL_SELECTOR_H
#define FS_MODEL_SELECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include <fedstate/types.h>

/* API enablement is matched by id: fs_api_id() here, fs_cluster_serves()
 * in fedstate/types.h */
#include "model/apiid.h"

/* Kubernetes metav1.LabelSelector semantics: matchLabels AND every
 * matchExpression (In, NotIn, Exists, DoesNotExist; Gt/Lt compare
 * integers). An empty selector matches everything; NULL `sel` too.
 * `labels` sorted by key pointer (as in every view). */
bool fs_label_selector_matches(const struct fs_label_selector *sel,
			       const struct fs_kv *labels, uint32_t n);

/* Karmada util.ClusterMatches: the cluster is not excluded, matches the
 * label selector (when set), the field selector (when set: provider and
 * region like labels; zone against the cluster's zones, In = one of the
 * cluster's zones is listed, NotIn = none is, Exists = it has zones), and
 * is named in clusterNames when that list is non-empty. NULL or an empty
 * affinity matches every cluster. */
bool fs_affinity_matches(const struct fs_cluster_affinity *aff,
			 const struct fs_cluster *c);

#endif
