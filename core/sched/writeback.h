/*
 * sched/writeback.h - what the scheduler writes back after a cycle, as
 * JSON merge patch bodies (RFC 7386, Content-Type
 * application/merge-patch+json), exactly as Karmada's scheduler writes
 * them (pkg/scheduler/scheduler.go; reference: karmada-scheduler.md §5).
 *
 * ResourceBinding / ClusterResourceBinding, two patches:
 *  - the object itself (fs_writeback_spec):
 *      {"metadata":{"annotations":{"policy.karmada.io/applied-placement":
 *        "<spec.placement as compact JSON>"}},
 *       "spec":{"clusters":[{"name":"m1","replicas":3}, ...]}}
 *    in the result's order; `replicas` left out when 0 (Go's omitempty).
 *    On a FitError (no cluster passed the filters) it is still written
 *    with an empty result, which clears spec.clusters ("clusters": null).
 *    Other failures write nothing here.
 *  - the /status subresource (fs_writeback_status): {"status":{...}} with
 *    the condition `Scheduled` set in status.conditions (the whole array,
 *    as a merge patch replaces arrays): True/Success/"Binding has been
 *    scheduled successfully.", or False with reason NoClusterFit,
 *    Unschedulable or SchedulerError and the cycle's message;
 *    lastTransitionTime changes only when the status flips. On success also
 *    schedulerObservedGeneration = metadata.generation, lastScheduledTime =
 *    now and, when a clusterAffinities term was used and its name changed,
 *    schedulerObservingAffinityName (Karmada sends that one as a third
 *    patch of /status; the merged state is the same).
 * Federated middleware object, one patch (fs_writeback_annotation):
 *      {"metadata":{"annotations":{"schedulerResult":"{\"ClusterWithReplicaset\":[...]}"}}}
 *    (model/schedresult.h), written only on success.
 *
 * Each patch is the difference between the object as read (`obj`) and
 * the object with the result applied: only changed fields, NULL when
 * nothing changed (Karmada sends no empty patch). Values are compared by
 * meaning (JSON equality, absent = null = [] for lists, absent replicas =
 * 0), so a patch written by Karmada is not rewritten for key order.
 *
 * Deviation: a binding without spec.placement gets no applied-placement
 * annotation (Karmada refuses such a binding outright; we schedule it
 * with defaults).
 *
 * All arguments are borrowed; `r` is read only during the call. Returned
 * trees are new (caller frees with cJSON_Delete). Transport-free.
 */
#ifndef FS_SCHED_WRITEBACK_H
#define FS_SCHED_WRITEBACK_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <fedstate/types.h>

#include "sched/framework.h"

#define FS_ANNOTATION_APPLIED_PLACEMENT "policy.karmada.io/applied-placement"
#define FS_CONDITION_SCHEDULED "Scheduled"
#define FS_SCHEDULED_MESSAGE "Binding has been scheduled successfully."

/* Karmada's Scheduled condition reason for a cycle's outcome: "Success",
 * "NoClusterFit", "Unschedulable" or "SchedulerError" (static text). */
const char *fs_writeback_reason(enum fs_code code, bool fit_error);

/* the merge patch for the (Cluster)ResourceBinding obj; NULL: none */
cJSON *fs_writeback_spec(const cJSON *obj, const struct fs_sched_result *r);

/* the merge patch for obj's /status; b is obj's binding view (generation,
 * clusterAffinities term names); now is unix seconds (lastTransitionTime,
 * lastScheduledTime). NULL: nothing changed. */
cJSON *fs_writeback_status(const cJSON *obj, const struct fs_binding *b,
			   const struct fs_sched_result *r, int64_t now);

/* the merge patch putting the schedulerResult annotation on the
 * middleware object obj; NULL when the cycle failed or the annotation
 * already says the same. */
cJSON *fs_writeback_annotation(const cJSON *obj,
			       const struct fs_sched_result *r);

#endif
