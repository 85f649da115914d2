/* scheduler/worker.c - the queue's worker: one cycle per key, then the
 * writes, in order, as Karmada's scheduler makes them (see scheduler.h) */
#include "scheduler/scheduler_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kube/events.h"
#include "kube/informer.h"
#include "kube/queue.h"
#include "model/schedresult.h"
#include "plugin/crash.h"
#include "plugin/poison.h"
#include "net/net.h"
#include "runtime/runtime.h"
#include "sched/assume.h"
#include "sched/decide.h"
#include "sched/framework.h"
#include "sched/intake.h"
#include "sched/profile.h"
#include "sched/writeback.h"
#include "util/buf.h"
#include "util/timefmt.h"
#include "util/intern.h"
#include "util/jfield.h"
#include "util/log.h"
#include "util/status.h"

#define BATCH 16 /* keys per loop iteration, at most (and FS_DAEMON_TURN_MS) */
#define UNSCHEDULABLE_MS (5 * 60 * 1000) /* Karmada's unschedulable flush */

enum outcome { OUT_DONE, OUT_UNSCHEDULABLE, OUT_RETRY };

/* one key whose writes are in flight; the key stays "processing" in the
 * queue until they landed, so it is never in two cycles at once */
struct op {
	struct fs_schedctl *c;
	struct op *prev, *next;
	char *key;                /* the queue's key, copied */
	struct sched_kind *k;
	char *ns, *name;
	cJSON *status;            /* the /status patch still to send */
	cJSON *regarding;         /* the object's identity, for Events */
	cJSON *template_ref;      /* the resource template, for Events */
	char *ev_type, *ev_reason, *ev_msg;
	enum outcome outcome;
	bool observe;             /* a success: the status observes the spec write's generation */
	struct fs_kube_call *call;
};

static struct op **
op_list(struct fs_schedctl *c)
{
	return (struct op **)&c->ops;
}

/* ------------------------------------------------------------ worker */

static void work(struct ev_loop *loop, ev_idle *w, int revents);

static void
on_ready(void *ud)
{
	sched_worker_kick(ud);
}

void
sched_worker_init(struct fs_schedctl *c)
{
	struct fs_kube_queue_opts qo = {
		.base_delay_ms = 1000, .max_delay_ms = 10000, /* Karmada's backoff */
		.on_ready = on_ready, .ud = c,
	};
	c->queue = fs_kube_queue_new(c->d->loop, &qo);
	ev_idle_init(&c->worker, work);
	c->worker.data = c;
}

void
sched_worker_kick(struct fs_schedctl *c)
{
	if (c->leading && !c->draining && sched_synced(c) && !ev_is_active(&c->worker))
		ev_idle_start(c->d->loop, &c->worker);
}

static void
op_free(struct op *o)
{
	struct op **head = op_list(o->c);

	if (o->prev)
		o->prev->next = o->next;
	else if (*head == o)
		*head = o->next;
	if (o->next)
		o->next->prev = o->prev;
	cJSON_Delete(o->status);
	cJSON_Delete(o->regarding);
	cJSON_Delete(o->template_ref);
	free(o->key);
	free(o->ns);
	free(o->name);
	free(o->ev_type);
	free(o->ev_reason);
	free(o->ev_msg);
	free(o);
}

void
sched_worker_stop(struct fs_schedctl *c)
{
	if (c->queue)
		ev_idle_stop(c->d->loop, &c->worker);
	/* writes in flight end now (their callbacks see the cancel) */
	struct op **head = op_list(c);
	for (struct op *o = *head, *next; o; o = next) {
		next = o->next;
		if (o->c != c)
			continue;
		if (o->call) {
			struct fs_kube_call *call = o->call;
			o->call = NULL;
			fs_kube_call_cancel(call); /* runs the callback: frees o */
		}
	}
}

/* ------------------------------------------------------------ finish */

static void
finish(struct op *o)
{
	struct fs_schedctl *c = o->c;

	if (o->ev_reason && c->events) {
		fs_kube_record(c->events, o->regarding, o->ev_type, o->ev_reason,
			       "Scheduling", "%s", o->ev_msg);
		if (o->template_ref)
			fs_kube_record(c->events, o->template_ref, o->ev_type,
				       o->ev_reason, "Scheduling", "%s", o->ev_msg);
	}
	fs_kube_queue_done(c->queue, o->key);
	switch (o->outcome) {
	case OUT_DONE:
		fs_kube_queue_forget(c->queue, o->key);
		break;
	case OUT_UNSCHEDULABLE:
		fs_kube_queue_forget(c->queue, o->key);
		fs_kube_queue_add_after(c->queue, o->key, UNSCHEDULABLE_MS);
		break;
	case OUT_RETRY:
		fs_kube_queue_add_rate_limited(c->queue, o->key);
		break;
	}
	c->in_flight--;
	op_free(o);
}

static void
status_done(void *ud, struct fs_kube_result *res)
{
	struct op *o = ud;

	o->call = NULL;
	if (res->code != FS_OK) {
		fs_warn("scheduler", "%s: writing the status failed: %s; retrying",
			o->key, res->error ? res->error : fs_strerror(res->code));
		o->outcome = OUT_RETRY;
		free(o->ev_reason);
		o->ev_reason = NULL;
	}
	finish(o);
}

static void
send_status(struct op *o)
{
	if (!o->status) {
		finish(o);
		return;
	}
	char *body = cJSON_PrintUnformatted(o->status);
	fs_debug("scheduler", "%s: status patch %s", o->key, body);
	o->call = fs_kube_patch(o->c->d->client, &o->k->res, o->ns, o->name,
				FS_KUBE_MERGE_PATCH, body, FS_KUBE_STATUS | FS_KUBE_LEADER_ONLY,
				status_done, o);
	free(body);
}

static void
spec_done(void *ud, struct fs_kube_result *res)
{
	struct op *o = ud;

	o->call = NULL;
	if (res->code == FS_E_CONFLICT) {
		/* someone changed it since: compute again from the newer object
		 * (the informer brings it), never overwrite it */
		fs_info("scheduler", "%s: changed since it was read; scheduling it again",
			o->key);
		o->outcome = OUT_RETRY;
		free(o->ev_reason);
		o->ev_reason = NULL;
		finish(o);
		return;
	}
	if (res->code != FS_OK) {
		fs_warn("scheduler", "%s: writing the result failed: %s; retrying", o->key,
			res->error ? res->error : fs_strerror(res->code));
		o->outcome = OUT_RETRY;
		free(o->ev_reason);
		o->ev_reason = NULL;
		finish(o);
		return;
	}
	/* the spec change moved the generation: a success observes the new
	 * one in this status write, even where the object already said it
	 * observed the one before (the patch then left it out); a later pass
	 * through the queue must not be what observes it */
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(res->object, "metadata"), "generation");
	if (o->observe && cJSON_IsNumber(g)) {
		if (!o->status)
			o->status = cJSON_CreateObject();
		cJSON *st = cJSON_GetObjectItemCaseSensitive(o->status, "status");
		if (!st)
			st = cJSON_AddObjectToObject(o->status, "status");
		cJSON_DeleteItemFromObjectCaseSensitive(st, "schedulerObservedGeneration");
		cJSON_AddNumberToObject(st, "schedulerObservedGeneration", g->valuedouble);
	}
	send_status(o);
}

/* ------------------------------------------------------------ one key */

/* an object reference to spec.resource, shaped as an object for Events */
static cJSON *
template_of(const cJSON *obj)
{
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "spec"), "resource");
	const char *f[] = {"apiVersion", "kind", "name", "namespace", "uid"};
	const char *v[5];

	for (int i = 0; i < 5; i++) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(r, f[i]);
		v[i] = cJSON_IsString(x) ? x->valuestring : NULL;
	}
	if (!v[0] || !v[1] || !v[2])
		return NULL;
	cJSON *t = cJSON_CreateObject(), *m = cJSON_AddObjectToObject(t, "metadata");
	cJSON_AddStringToObject(t, "apiVersion", v[0]);
	cJSON_AddStringToObject(t, "kind", v[1]);
	cJSON_AddStringToObject(m, "name", v[2]);
	if (v[3])
		cJSON_AddStringToObject(m, "namespace", v[3]);
	if (v[4])
		cJSON_AddStringToObject(m, "uid", v[4]);
	return t;
}

/* ------------------------------------------------------- poison objects */

static int64_t
generation_of(const cJSON *obj)
{
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "generation");
	return cJSON_IsNumber(g) ? (int64_t)g->valuedouble : 0;
}

/* an object whose plugin call crashed an earlier process: the text for
 * its Warning Event and condition (into msg), or false: go ahead */
static bool
poisoned(struct fs_schedctl *c, const char *key, const cJSON *obj, char *msg, size_t n)
{
	if (!c->poison)
		return false;
	int64_t now = fs_wall_ms();
	const struct fs_poison_entry *e =
		fs_poison_check(c->poison, key, generation_of(obj), now);
	fs_metric_set(c->m_quarantined, (double)fs_poison_count(c->poison));
	if (!e)
		return false;
	snprintf(msg, n, "PluginCrashed: plugin '%s' crashed the scheduler with %s in %s of "
		 "this object (generation %lld); skipped until its spec changes or %lld s pass",
		 e->plugin, e->signal, e->point, (long long)e->generation,
		 (long long)((e->until_ms - now) / 1000));
	return true;
}

static void
set_event(struct op *o, const char *type, const char *reason, const char *msg)
{
	o->ev_type = fs_xstrdup(type);
	o->ev_reason = fs_xstrdup(reason);
	o->ev_msg = fs_xstrdup(msg);
}

/* Karmada's success text: "... Result: {m1:2, m2:3}" ("Result {…}" for CRBs) */
static void
result_text(struct fs_buf *b, const struct fs_sched_result *r, bool crb)
{
	fs_buf_printf(b, "%s %s{", FS_SCHEDULED_MESSAGE, crb ? "Result " : "Result: ");
	for (uint32_t i = 0; i < r->n_targets; i++)
		fs_buf_printf(b, "%s%s:%d", i ? ", " : "", r->targets[i].cluster->name,
			      r->targets[i].replicas);
	fs_buf_addc(b, '}');
}

static const struct fs_framework *
framework_for(struct fs_schedctl *c, const char *scheduler_name, uint32_t *idx)
{
	const struct fs_profile *p = fs_profile_set_find(c->set, scheduler_name);

	for (uint32_t i = 0; p && i < c->set->n_profiles; i++)
		if (c->set->profiles[i] == p) {
			*idx = i;
			return c->fws[i];
		}
	return NULL;
}

static cJSON *
observed_patch(int64_t generation)
{
	cJSON *p = cJSON_CreateObject();
	cJSON_AddNumberToObject(cJSON_AddObjectToObject(p, "status"),
				"schedulerObservedGeneration", (double)generation);
	return p;
}

/* the middleware patch: schedulerResult and the generation it is for */
static cJSON *
middleware_patch(const cJSON *obj, const struct fs_sched_result *r, int64_t gen)
{
	cJSON *p = fs_writeback_annotation(obj, r);
	char g[32];

	if (!p && r->code == FS_OK) {
		/* same result: record only that it is for this generation */
		const char *have = fs_jannotation(obj, FS_ANNOTATION_SCHEDULED_GENERATION);
		snprintf(g, sizeof g, "%lld", (long long)gen);
		if (have && strcmp(have, g) == 0)
			return NULL;
		p = cJSON_CreateObject();
		cJSON_AddObjectToObject(cJSON_AddObjectToObject(p, "metadata"), "annotations");
	}
	if (!p)
		return NULL;
	snprintf(g, sizeof g, "%lld", (long long)gen);
	cJSON *ann = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(p, "metadata"), "annotations");
	cJSON_AddStringToObject(ann, FS_ANNOTATION_SCHEDULED_GENERATION, g);
	return p;
}

static void
with_rv(cJSON *patch, const cJSON *obj)
{
	const char *rv = fs_jmeta(obj, "resourceVersion");
	cJSON *m = cJSON_GetObjectItemCaseSensitive(patch, "metadata");

	if (!rv)
		return;
	if (!m)
		m = cJSON_AddObjectToObject(patch, "metadata");
	cJSON_AddStringToObject(m, "resourceVersion", rv);
}

/* schedule one key; returns after starting its writes (or finishing it) */
static void
process(struct fs_schedctl *c, const char *key)
{
	char buf[512];
	const char *ns = NULL, *name = NULL;
	struct sched_kind *k = sched_kind_of(c, key, &ns, &name, buf, sizeof buf);
	const cJSON *obj = k ? fs_kube_informer_get(k->inf, ns, name) : NULL;
	struct op *o;

	if (!obj || !fs_sched_wanted(obj, k->middleware, sched_is_ours, c)) {
		/* forget first: key is the queue's, and done frees it */
		fs_kube_queue_forget(c->queue, key);
		fs_kube_queue_done(c->queue, key);
		return;
	}
	o = fs_xcalloc(1, sizeof *o);
	o->c = c;
	o->key = fs_xstrdup(key);
	o->k = k;
	o->ns = ns ? fs_xstrdup(ns) : NULL;
	o->name = fs_xstrdup(name);
	/* not a copy of the object: a Duplicated binding over 300 clusters is
	 * ~100 KB of cJSON, and a new leader's burst holds thousands of ops */
	o->regarding = fs_kube_event_subject(obj);
	o->next = *op_list(c);
	if (o->next)
		o->next->prev = o;
	*op_list(c) = o;
	c->in_flight++;

	char pmsg[768];
	cJSON *spec = NULL;
	struct fs_intern_refs refs = {0};
	struct fs_diags diags = FS_DIAGS_INIT;
	if (k->middleware && poisoned(c, key, obj, pmsg, sizeof pmsg)) {
		fs_warn("scheduler", "%s: skipped: %s", key, pmsg);
		set_event(o, "Warning", "PluginCrashed", pmsg);
		o->outcome = OUT_UNSCHEDULABLE; /* until the next change */
		goto write;
	}
	/* decode, with the strings held for this cycle only */
	struct fs_decode_ctx ctx = {.diags = &diags, .refs = &refs};
	struct fs_intake in;
	fs_arena_reset(&c->arena);
	/* the journal notes the object while a plugin may run on it */
	struct fs_crash_call cc;
	const struct fs_mw_instance *mi = k->middleware
		? fs_profile_set_middleware(c->set, fs_jstr(obj, "apiVersion"), fs_jstr(obj, "kind"))
		: NULL;
	fs_crash_from(&cc, mi ? mi->inst : NULL, "interpret");
	if (mi) { /* a ResourceBinding is decoded by the host alone */
		fs_crash_enter(&cc);
		fs_poison_enter(c->poison, &cc, key, generation_of(obj));
	}
	enum fs_code rc = fs_intake_object(c->set, obj, &c->arena, &ctx, &in);
	if (mi) {
		fs_poison_leave(c->poison, &cc);
		fs_crash_leave(&cc);
	}
	if (rc != FS_OK) {
		char *first = diags.n ? fs_diag_format(&diags.items[0]) : NULL;
		fs_warn("scheduler", "%s: skipped: %s", key, first ? first : "cannot decode");
		const char *why = first ? first : in.error ? in.error : "the object cannot be decoded";
		set_event(o, "Warning", "ScheduleBindingFailed", why);
		if (!k->middleware) { /* and the binding's Scheduled condition says why */
			struct fs_binding none = {0};
			struct fs_sched_result pr = {.code = rc, .message = why,
						     .term_index = -1, .first_term = -1};
			o->status = fs_writeback_status(obj, &none, &pr, (int64_t)time(NULL));
		}
		free(first);
		goto write;
	}
	struct fs_binding b = in.b;
	if (!k->middleware && poisoned(c, key, obj, pmsg, sizeof pmsg)) {
		struct fs_sched_result pr = {.code = FS_E_PLUGIN, .message = pmsg,
					     .term_index = -1, .first_term = -1};
		fs_warn("scheduler", "%s: skipped: %s", key, pmsg);
		o->status = fs_writeback_status(obj, &b, &pr, (int64_t)time(NULL));
		set_event(o, "Warning", "PluginCrashed", pmsg);
		o->outcome = OUT_UNSCHEDULABLE;
		goto write;
	}
	enum fs_sched_need need = fs_sched_decide(obj, &b, sched_cluster_deleting, c);
	if (need == FS_NEED_NONE)
		goto write;
	if (need == FS_NEED_OBSERVED) {
		o->status = observed_patch(b.generation);
		goto write;
	}
	uint32_t fi = 0;
	const struct fs_framework *fw = framework_for(c, b.scheduler_name, &fi);
	if (!fw)
		goto write; /* filtered out above; the set may have changed */
	if (need == FS_NEED_FRESH) {
		b.previous = NULL;
		b.n_previous = 0;
	}
	sched_publish(c);
	fs_assume_expire(c->assume, fs_now_ms());
	int64_t t0 = fs_now_ms();
	struct fs_sched_result r;
	fs_crash_about(&cc, NULL, "schedule", obj);
	cc.plugin = "(scheduling plugins)";
	fs_crash_enter(&cc);
	fs_poison_enter(c->poison, &cc, key, generation_of(obj));
	rc = fs_runtime_schedule(c->d->rt, c->fws[fi], &b, 0, &r);
	fs_poison_leave(c->poison, &cc);
	fs_crash_leave(&cc);
	const char *type = fs_sched_need_type(need);
	const char *result = rc == FS_OK ? "scheduled" : "error";
	fs_metric_inc(fs_metric_series(c->m_attempts, (const char *const[]){result, type, NULL}));
	fs_metric_observe(fs_metric_series(c->m_e2e, (const char *const[]){result, type, NULL}),
			  (double)(fs_now_ms() - t0) / 1000.0);

	if (k->middleware) {
		spec = middleware_patch(obj, &r, b.generation);
	} else {
		spec = fs_writeback_spec(obj, &r);
		if (spec) /* a new placement: assumed until the summary shows it */
			fs_assume_placed(c->assume, &b, &r, fs_now_ms());
		o->status = fs_writeback_status(obj, &b, &r, (int64_t)time(NULL));
		o->template_ref = template_of(obj);
		o->observe = rc == FS_OK && r.code == FS_OK;
	}
	/* clusterAffinities fail-over: a Warning per term that did not fit */
	for (int32_t t = r.first_term; rc == FS_OK && t >= 0 && t < r.term_index; t++) {
		const char *tn = b.placement->terms[t].name;
		fs_kube_record(c->events, obj, "Warning", "ScheduleBindingFailed", "Scheduling",
			       "clusterAffinities term '%s' could not be scheduled; tried the "
			       "next term", tn ? tn : "");
	}
	if (rc == FS_OK) {
		struct fs_buf m = FS_BUF_INIT;
		result_text(&m, &r, b.kind == FS_WORKLOAD_CLUSTER_RESOURCE_BINDING);
		set_event(o, "Normal", "ScheduleBindingSucceed", m.data);
		fs_buf_release(&m);
	} else {
		set_event(o, "Warning", "ScheduleBindingFailed",
			  r.message ? r.message : fs_strerror(rc));
		/* a FitError alone waits for the next event (Karmada) */
		o->outcome = rc == FS_UNSCHEDULABLE ? OUT_UNSCHEDULABLE : OUT_RETRY;
		if (r.fit_error)
			o->outcome = OUT_UNSCHEDULABLE;
	}
	fs_debug("scheduler", "%s: %s (%s)", key, result, type);
write:
	fs_intern_refs_release(&refs);
	fs_diags_release(&diags);
	if (!spec && o->status) {
		/* the placement did not change: lastScheduledTime alone is no
		 * reason to write (a Duplicated binding runs on every event) */
		cJSON *st = cJSON_GetObjectItemCaseSensitive(o->status, "status");
		cJSON_DeleteItemFromObjectCaseSensitive(st, "lastScheduledTime");
		if (!st || !st->child) {
			cJSON_Delete(o->status);
			o->status = NULL;
		}
	}
	if (!spec && !o->status) {
		/* nothing changed: no write; a failure is still told (Karmada
		 * records one per attempt; the recorder folds repeats) */
		if (o->ev_type && strcmp(o->ev_type, "Normal") == 0) {
			free(o->ev_reason);
			o->ev_reason = NULL;
		}
		finish(o);
		return;
	}
	if (!spec) {
		send_status(o);
		return;
	}
	with_rv(spec, obj);
	char *body = cJSON_PrintUnformatted(spec);
	cJSON_Delete(spec);
	fs_debug("scheduler", "%s: patch %s", key, body);
	o->call = fs_kube_patch(c->d->client, &k->res, o->ns, o->name, FS_KUBE_MERGE_PATCH,
				body, FS_KUBE_LEADER_ONLY, spec_done, o);
	free(body);
}

static void
work(struct ev_loop *loop, ev_idle *w, int revents)
{
	struct fs_schedctl *c = w->data;
	const char *key;
	int64_t until = fs_now_ms() + FS_DAEMON_TURN_MS;

	(void)revents;
	for (int i = 0; i < BATCH && (i == 0 || fs_now_ms() < until); i++) {
		if (!c->leading || c->draining || !(key = fs_kube_queue_get(c->queue))) {
			ev_idle_stop(loop, w);
			break;
		}
		process(c, key);
	}
	fs_metric_set(c->m_pending, (double)fs_kube_queue_len(c->queue));
	fs_metric_set(c->m_assumed, (double)fs_assume_count(c->assume));
}
