/*
 * ops/health.h - a middleware plugin's interpret_health, per member, in
 * status aggregation.
 *
 * Karmada reflects each member cluster's object into the ResourceBinding
 * as status.aggregatedStatus[] items {clusterName, applied, status,
 * health}; `health` (Healthy / Unhealthy / Unknown) comes from Karmada's
 * resource interpreter, which answers Unknown for a kind it has no health
 * rule for. Before aggregate_status runs, the ops core asks the plugin's
 * interpret_health about every item whose `health` is missing or Unknown
 * and has a reported `status`, and writes the answer (and its reason, as
 * FedState's `healthReason`) into a copy of the binding that
 * aggregate_status then gets. Karmada's own Healthy/Unhealthy stands.
 *
 * The member object handed to interpret_health is what the host knows of
 * the object in that cluster:
 *   apiVersion, kind, metadata.name, metadata.namespace  the binding's
 *                                                        spec.resource
 *   spec     the control plane's copy (the rendered template among the
 *            existing objects), when known: before Karmada's per-cluster
 *            revisions, so a Divided replica count is the total there,
 *            not this cluster's share
 *   status   what the cluster reported (aggregatedStatus[].status)
 *
 * Threading: the ops thread only.
 */
#ifndef FS_OPS_HEALTH_H
#define FS_OPS_HEALTH_H

#include <cjson/cJSON.h>

#include "ops/ops.h"

/* The binding (borrowed) with health filled in as above: a new copy
 * (caller frees) when mw has interpret_health and at least one item was
 * asked, else NULL (use the binding as it is). existing (borrowed, may be
 * NULL) is where the member's spec is looked up. A plugin call that
 * fails leaves that item as it was. */
cJSON *fs_ops_member_health(const struct fs_ops_mw *mw, const cJSON *binding,
			    const cJSON *existing);

#endif
