/*
 * scheduler/scheduler_int.h - what the files of core/scheduler share:
 * the controller (controller.c: informers, enqueue, profiles, reload) and
 * its worker (worker.c: cycles and writes). Not for use elsewhere.
 */
#ifndef FS_SCHEDULER_SCHEDULER_INT_H
#define FS_SCHEDULER_SCHEDULER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "daemon/daemon.h"
#include "kube/client.h"
#include "scheduler/scheduler.h"
#include "util/arena.h"

struct fs_kube_informer;
struct fs_kube_queue;
struct fs_kube_recorder;
struct fs_fleet;
struct fs_profile_set;
struct fs_framework;

#define SCHED_MAX_MW 8 /* middleware kinds watched */

/* one watched kind of objects to schedule */
struct sched_kind {
	char prefix[8];               /* queue key prefix: "rb", "crb", "mw0".. */
	struct fs_kube_resource res;  /* strings owned below */
	char *group, *version, *plural, *kind_name;
	struct fs_kube_informer *inf;
	bool middleware;
	struct fs_schedctl *ctl;
};

struct fs_schedctl {
	struct fs_daemon *d;
	char *config, *plugin_dir;
	struct fs_profile_set *set;
	struct fs_framework **fws;    /* one per profile of set */
	struct fs_fleet *fleet;
	bool fleet_dirty;
	struct fs_assume *assume;     /* over-commit protection (sched/assume.h) */
	struct fs_poison *poison;     /* --poison-dir journal, or NULL */
	bool overcommit_protection;
	struct fs_kube_informer *clusters;
	struct sched_kind kinds[2 + SCHED_MAX_MW]; /* rb, crb, middleware... */
	uint32_t n_kinds;
	struct fs_kube_queue *queue;
	struct fs_kube_recorder *events;
	ev_idle worker;
	bool leading, draining;
	struct fs_arena arena;        /* per cycle */
	struct fs_arena scan;         /* per cluster event: placements decoded */
	uint32_t in_flight;           /* keys whose writes have not landed */
	void *ops;                    /* worker.c: their list */
	/* metrics */
	struct fs_metric *m_attempts, *m_e2e, *m_incoming;
	struct fs_metric_series *m_pending, *m_assumed;
	struct fs_metric_series *m_quarantined, *m_crashes;
};

/* controller.c */
struct sched_kind *sched_kind_of(struct fs_schedctl *c, const char *key,
				 const char **ns, const char **name, char *buf,
				 size_t len);
bool sched_is_ours(void *ud, const char *scheduler_name);
void sched_enqueue(struct fs_schedctl *c, const char *prefix, const char *key,
		   const cJSON *obj, const char *event);
bool sched_cluster_deleting(void *ud, const char *name);
void sched_publish(struct fs_schedctl *c);
bool sched_synced(const struct fs_schedctl *c); /* every informer listed */

/* worker.c */
void sched_worker_init(struct fs_schedctl *c);
void sched_worker_kick(struct fs_schedctl *c);
void sched_worker_stop(struct fs_schedctl *c);

#endif
