/*
 * opsd/opsd_int.h - the controller's pieces, shared by the files of
 * core/opsd (not a public header):
 *   controller.c  the struct, informers' handlers, queue pump, hooks,
 *                 reload, metrics
 *   kinds.c       watched kinds: apiVersion/kind -> resource, informers
 *                 started as a render first emits a kind
 *   owners.c      owner -> rendered children index
 *   reconcile.c   one reconcile of a federated object (a job)
 *   status.c      the member binding, conditions and the /status write
 *   finalizer.c   the finalizer and ordered deletion
 *   apply.c       subset / merge patch (apply.h)
 */
#ifndef FS_OPSD_INT_H
#define FS_OPSD_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "kube/client.h"
#include "kube/cache.h"
#include "kube/events.h"
#include "kube/informer.h"
#include "kube/queue.h"
#include "opsd/opsd.h"
#include "ops/ops.h"

/* one watched kind */
struct opsd_kind {
	struct fs_opsd *o;
	char *api_version, *group, *version, *kind, *plural;
	struct fs_kube_resource res;
	struct fs_kube_informer *inf;
	bool federated;  /* a middleware kind of the config */
	bool policy;     /* policy.karmada.io: deleted after the rest */
	/* what our own writes returned, until the informer catches up (a
	 * mutation cache, as client-go's): a reconcile right after a write
	 * must not see the older cached object and write again */
	struct fs_kube_cache recent;
	/* rendered kinds: owner -> its children's cache keys (owners.c) */
	struct fs_kube_cache owners;
	struct opsd_kind *next;
};

struct opsd_metrics {
	struct fs_metric_series *ok, *err, *requeue;
	struct fs_metric_series *duration;
	struct fs_metric_series *depth;
	struct fs_metric_series *created, *patched, *pruned, *status;
	struct fs_metric_series *api_calls;
	struct fs_metric_series *quarantined; /* poison objects held back now */
	struct fs_metric_series *crashes;     /* plugin crashes found at start */
};

struct fs_opsd {
	struct fs_daemon *d;
	struct fs_kube_client *client;
	struct ev_loop *loop;
	struct fs_opsd_opts opts;
	char *config_path;
	char *plugin_dir;        /* --plugin-dir, or NULL */
	struct fs_ops_config *cfg;
	struct fs_ops *ops;
	struct fs_poison *poison; /* --poison-dir journal, or NULL */
	struct opsd_kind *feds;  /* federated kinds */
	struct opsd_kind *kids;  /* rendered kinds */
	struct fs_kube_informer *clusters, *rbs;
	struct fs_kube_queue *q;
	struct fs_kube_recorder *rec;
	struct fs_timer *pump, *resync;
	bool leading, draining;
	uint32_t inflight;
	bool no_ssa;             /* the server answered 415 to an apply */
	struct opsd_metrics m;
	struct opsd_job *jobs;   /* in flight, to cancel on free */
};

/* --- kinds.c */
/* the watched kind for apiVersion/kind in list *head; with create, a new
 * one is added (its informer started: federated kinds unselected, others
 * by fedstate.io/managed-by); NULL when absent and !create */
struct opsd_kind *opsd_kind_get(struct fs_opsd *o, struct opsd_kind **head,
				const char *api_version, const char *kind,
				bool federated, bool create);
void opsd_kinds_free(struct opsd_kind *k);
/* --- owners.c */
/* index (add) or unindex obj, an object of rendered kind k, under the
 * owner its stamp names; handlers call it as the informer changes */
void opsd_owners_update(struct opsd_kind *k, const cJSON *obj, bool add);
/* every object in ns labelled as rendered for owner (by uid, else kind +
 * name), from every rendered kind's cache, through the index: cost in
 * the owner's children, not in the cache's size; new array of copies */
cJSON *opsd_owned(struct fs_opsd *o, const cJSON *owner);
bool opsd_all_synced(const struct fs_opsd *o, struct fs_buf *why);

/* --- controller.c */
/* "<Kind>/<ns>/<name>" of a federated object; caller frees */
char *opsd_key(const char *kind, const char *ns, const char *name);
void opsd_enqueue_obj(struct fs_opsd *o, const cJSON *fed);

/* --- reconcile.c: one job per key handed out by the queue */
enum opsd_op { OPSD_CREATE, OPSD_APPLY, OPSD_PATCH, OPSD_DELETE, OPSD_STATUS,
	       OPSD_FINALIZER };

struct opsd_call {
	struct opsd_job *j;
	enum opsd_op op;
	struct opsd_kind *kind;   /* borrowed */
	char *ns, *name;
	char *patch;              /* PATCH body; APPLY: the fallback merge patch */
	cJSON *obj;               /* CREATE/APPLY body (owned) */
	struct fs_kube_call *call;
	struct opsd_call *next;
};

struct opsd_job {
	struct fs_opsd *o;
	char *key;               /* own copy of the queue's key */
	const char *qkey;        /* the queue's, until done */
	int64_t t0;
	int pending;             /* calls in flight */
	int phase;               /* 0 apply, 1 prune + status, 2 finished */
	bool failed;
	bool canceled;
	uint32_t again_ms;       /* > 0: look again after this */
	char *error;             /* first failure */
	cJSON *obj;              /* the federated object (copy) */
	struct opsd_kind *fed;   /* its kind */
	cJSON *prune;            /* phase 1 deletes */
	cJSON *status_patch;     /* phase 1 /status write, or NULL */
	struct opsd_call *calls;
	struct opsd_job *next, *prev;
};
void opsd_reconcile(struct fs_opsd *o, const char *qkey);
/* start a call for j; obj (borrowed) is the body of CREATE/APPLY; patch
 * (taken) of PATCH/STATUS/FINALIZER, and APPLY's fallback */
void opsd_issue(struct opsd_job *j, enum opsd_op op,
		struct opsd_kind *k, const char *ns,
		const char *name, const cJSON *obj, char *patch);
/* the job ends now if nothing is in flight (else when the last call ends) */
void opsd_job_settle(struct opsd_job *j);
void opsd_jobs_cancel(struct fs_opsd *o);
/* a job ended: one worker free again (controller.c) */
void opsd_job_ended(struct fs_opsd *o);

/* --- status.c */
/* the member ResourceBinding of desired (the workload rendered without an
 * owner reference), NULL when none is cached or it is stale (its
 * resource uid is not the live object's); borrowed */
const cJSON *opsd_member_binding(struct fs_opsd *o, const cJSON *desired);
/* status (taken) plus our conditions and observedGeneration -> the
 * /status merge patch against obj's live status, NULL when nothing
 * changes; records an Event when status.state changes */
cJSON *opsd_status_patch(struct fs_opsd *o, const cJSON *obj, cJSON *status,
			 bool rendered, const char *reason, const char *msg);

/* --- finalizer.c */
bool opsd_has_finalizer(const cJSON *obj);
/* merge patch adding (add) or removing our finalizer, with the object's
 * resourceVersion (a 409 re-reads); caller frees */
char *opsd_finalizer_patch(const cJSON *obj, bool add);
/* the deletion step of a terminating object: delete what is left, in
 * order, or drop the finalizer once nothing is */
void opsd_finalize(struct opsd_job *j);

/* the rendered kind of an object's apiVersion/kind, added when unknown;
 * NULL when the object has neither */
struct opsd_kind *opsd_kind_of(struct fs_opsd *o, const cJSON *obj);
/* the newer of the cached object and what our last write of it returned
 * (integer resourceVersions, as client-go's mutation cache); borrowed,
 * NULL when neither */
const cJSON *opsd_kind_live(struct opsd_kind *k, const char *ns, const char *name);
/* set apiVersion and kind from k where obj lacks them (list items and
 * some answers leave them out) */
void opsd_stamp(cJSON *obj, const struct opsd_kind *k);
/* remember what a write returned (takes obj), or forget (obj NULL) */
void opsd_kind_wrote(struct opsd_kind *k, const char *ns, const char *name, cJSON *obj);

#endif
