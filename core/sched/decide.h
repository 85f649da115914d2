/*
 * sched/decide.h - whether a (Cluster)ResourceBinding or a federated
 * middleware object needs a scheduling cycle, and of which kind: Karmada's
 * informer filter and doScheduleBinding order (reference:
 * karmada-scheduler.md §5.3), evaluated on the object as the API server
 * has it and its decoded view. Transport-free.
 *
 * Bindings, first rule that applies wins:
 *   1. being deleted                         -> FS_NEED_NONE
 *   2. placement changed (applied-placement annotation missing, or its
 *      clusterAffinity / clusterTolerations / spreadConstraints /
 *      replicaScheduling differ from spec.placement, or clusterAffinities
 *      set and the observed term is gone)     -> FS_NEED_RECONCILE
 *   3. replicas changed (Duplicated: a cluster's replicas differ from
 *      spec.replicas; Divided: their sum does) -> FS_NEED_SCALE
 *   4. rescheduleTriggeredAt after lastScheduledTime -> FS_NEED_FRESH
 *   5. a non-workload (no replicas) or Duplicated -> FS_NEED_ALWAYS
 *   6. a cluster in spec.clusters is being deleted -> FS_NEED_RECONCILE
 *   7. else only status.schedulerObservedGeneration catches up when it
 *      lags metadata.generation            -> FS_NEED_OBSERVED, else NONE.
 * Middleware objects: scheduled when they carry no schedulerResult, or
 * when metadata.generation moved past the one recorded with it
 * (annotation FS_ANNOTATION_SCHEDULED_GENERATION) -> FS_NEED_RECONCILE.
 */
#ifndef FS_SCHED_DECIDE_H
#define FS_SCHED_DECIDE_H

#include <stdbool.h>

#include <cjson/cJSON.h>
#include <fedstate/types.h>

#define FS_ANNOTATION_SCHEDULED_GENERATION "fedstate.io/scheduled-generation"

enum fs_sched_need {
	FS_NEED_NONE = 0,
	FS_NEED_OBSERVED,  /* patch status.schedulerObservedGeneration only */
	FS_NEED_RECONCILE, /* schedule_type ReconcileSchedule */
	FS_NEED_SCALE,     /* ScaleSchedule */
	FS_NEED_FRESH,     /* rescheduleTriggeredAt: ignore the previous result */
	FS_NEED_ALWAYS,    /* Duplicated / non-workload: every enqueue */
};

/* Karmada's schedule_type label for a need ("ReconcileSchedule",
 * "ScaleSchedule", "FreshSchedule"); static text */
const char *fs_sched_need_type(enum fs_sched_need n);

/* The informer filter: obj (an RB or CRB) is for a scheduler that serves
 * `ours` (a profile's name: pass each profile's schedulerName through
 * is_ours), is not suspended and carries one of Karmada's policy labels.
 * Middleware objects pass when their schedulerName is ours. */
bool fs_sched_wanted(const cJSON *obj, bool is_middleware,
		     bool (*is_ours)(void *ud, const char *scheduler_name), void *ud);

/* What obj (borrowed) needs; b is its decoded view; deleting(ud, name)
 * tells whether a member cluster is being deleted (may be NULL). */
enum fs_sched_need fs_sched_decide(const cJSON *obj, const struct fs_binding *b,
				   bool (*deleting)(void *ud, const char *cluster),
				   void *ud);

#endif
