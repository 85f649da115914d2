/*
 * opsd/reconcile.c - one reconcile of a federated object, level-triggered
 * and idempotent: everything is computed from the caches at the start
 * (render, the merge patch of each desired object, the prune set, the
 * status), then written in two phases:
 *   0  the finalizer, creates and patches of what differs (nothing when
 *      the live objects already hold the rendered fields);
 *   1  once phase 0 succeeded and the render was complete: prune
 *      deletes; then (always) the /status write when it changed.
 * A cache that lags (a kind just watched, a 409, an object still being
 * deleted) makes the job look again after settle_ms; a failure retries
 * with the queue's per-key backoff.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/net.h"
#include "opsd/apply.h"
#include "opsd/opsd_int.h"
#include "plugin/crash.h"
#include "plugin/poison.h"
#include "ops/object.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/jfield.h"


static void
job_fail(struct opsd_job *j, const char *fmt, const char *what)
{
	j->failed = true;
	if (!j->error) {
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, fmt, what);
		j->error = fs_buf_detach(&b);
	}
}

static void
again(struct opsd_job *j, uint32_t ms)
{
	if (!j->again_ms || ms < j->again_ms)
		j->again_ms = ms;
}

/* ---------------------------------------------------------------- calls */

static void call_done(void *ud, struct fs_kube_result *res);

static void
start_call(struct opsd_call *c)
{
	struct fs_opsd *o = c->j->o;
	uint32_t fl = FS_KUBE_LEADER_ONLY;
	fs_metric_inc(o->m.api_calls);
	switch (c->op) {
	case OPSD_CREATE:
		c->call = fs_kube_create(o->client, &c->kind->res, c->ns, c->obj, fl, call_done, c);
		break;
	case OPSD_APPLY:
		c->call = fs_kube_apply(o->client, &c->kind->res, c->ns, c->obj,
					FS_OPSD_FIELD_MANAGER, fl, call_done, c);
		break;
	case OPSD_PATCH:
	case OPSD_FINALIZER:
		c->call = fs_kube_patch(o->client, &c->kind->res, c->ns, c->name,
					FS_KUBE_MERGE_PATCH, c->patch, fl, call_done, c);
		break;
	case OPSD_STATUS:
		c->call = fs_kube_patch(o->client, &c->kind->res, c->ns, c->name,
					FS_KUBE_MERGE_PATCH, c->patch,
					fl | FS_KUBE_STATUS, call_done, c);
		break;
	case OPSD_DELETE:
		c->call = fs_kube_delete(o->client, &c->kind->res, c->ns, c->name, NULL, fl,
					 call_done, c);
		break;
	}
}

void
opsd_issue(struct opsd_job *j, enum opsd_op op, struct opsd_kind *k,
	   const char *ns, const char *name, const cJSON *obj, char *patch)
{
	struct opsd_call *c = fs_xcalloc(1, sizeof *c);
	c->j = j;
	c->op = op;
	c->kind = k;
	c->ns = fs_xstrdup(ns);
	c->name = fs_xstrdup(name);
	c->patch = patch;
	c->obj = obj ? fs_opsd_for_write(obj) : NULL;
	c->next = j->calls;
	j->calls = c;
	j->pending++;
	start_call(c);
}

static void
call_free(struct opsd_call *c)
{
	struct opsd_job *j = c->j;
	for (struct opsd_call **p = &j->calls; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	free(c->ns);
	free(c->name);
	free(c->patch);
	cJSON_Delete(c->obj);
	free(c);
}

static const char *const op_names[] = {"create", "apply", "patch", "delete",
				       "status write", "finalizer patch"};

static void
call_done(void *ud, struct fs_kube_result *res)
{
	struct opsd_call *c = ud;
	struct opsd_job *j = c->j;
	struct fs_opsd *o = j->o;
	c->call = NULL;
	if (c->op == OPSD_APPLY && !j->canceled &&
	    (res->http_status == 415 || (res->code == FS_E_NOTFOUND && !c->patch))) {
		/* no server-side apply here (415, or a 404 to an apply that
		 * should have created: a server with apply never answers so):
		 * a merge patch against the cached live object, or a create */
		if (!o->no_ssa)
			fs_info("ops", "the API server has no server-side apply (%ld to an "
				"apply); writing JSON merge patches of the rendered fields "
				"instead", res->http_status);
		o->no_ssa = true;
		c->op = c->patch ? OPSD_PATCH : OPSD_CREATE;
		start_call(c);
		return;
	}
	switch (res->code) {
	case FS_OK:
		if (c->op != OPSD_DELETE && cJSON_IsObject(res->object)) {
			opsd_kind_wrote(c->kind, c->ns, c->name, res->object);
			res->object = NULL;
		}
		if (c->op == OPSD_CREATE || (c->op == OPSD_APPLY && !c->patch))
			fs_metric_inc(o->m.created);
		else if (c->op == OPSD_PATCH || c->op == OPSD_APPLY)
			fs_metric_inc(o->m.patched);
		else if (c->op == OPSD_DELETE)
			fs_metric_inc(o->m.pruned);
		else if (c->op == OPSD_STATUS)
			fs_metric_inc(o->m.status);
		break;
	case FS_E_CANCELED:
		j->canceled = true;
		break;
	case FS_E_NOTFOUND:
		if (c->op != OPSD_DELETE) {
			opsd_kind_wrote(c->kind, c->ns, c->name, NULL);
			again(j, o->opts.settle_ms); /* our cache is behind */
		}
		break;
	case FS_E_EXISTS:
	case FS_E_CONFLICT:
		again(j, o->opts.settle_ms);
		break;
	default:
		fs_warn("ops", "%s: %s %s %s/%s failed: %s", j->key, op_names[c->op],
			c->kind->kind, c->ns, c->name, res->error ? res->error : "?");
		job_fail(j, "%s", res->error ? res->error : "a write failed");
		break;
	}
	j->pending--;
	call_free(c);
	opsd_job_settle(j);
}

/* ---------------------------------------------------------------- job end */

static void
job_finish(struct opsd_job *j)
{
	struct fs_opsd *o = j->o;
	if (j->prev)
		j->prev->next = j->next;
	else if (o->jobs == j)
		o->jobs = j->next;
	if (j->next)
		j->next->prev = j->prev;
	fs_metric_observe(o->m.duration, (double)(fs_now_ms() - j->t0) / 1000.0);
	fs_kube_queue_done(o->q, j->qkey);
	if (j->canceled) {
		/* nothing: the controller is stopping */
	} else if (j->failed) {
		uint32_t ms = fs_kube_queue_add_rate_limited(o->q, j->key);
		fs_metric_inc(o->m.err);
		fs_debug("ops", "%s: retry in %u ms: %s", j->key, ms,
			 j->error ? j->error : "?");
	} else if (j->again_ms) {
		fs_metric_inc(o->m.requeue);
		fs_kube_queue_add_after(o->q, j->key, j->again_ms);
	} else {
		fs_metric_inc(o->m.ok);
		fs_kube_queue_forget(o->q, j->key);
	}
	free(j->key);
	free(j->error);
	cJSON_Delete(j->obj);
	cJSON_Delete(j->prune);
	cJSON_Delete(j->status_patch);
	free(j);
	opsd_job_ended(o);
}

/* policies after the rest (Karmada cleans members through them) */
static void
issue_deletes(struct opsd_job *j, const cJSON *refs, bool policies)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, refs)
	{
		struct fs_ops_ref ref;
		if (!fs_ops_ref_of(r, &ref))
			continue;
		struct opsd_kind *k = opsd_kind_of(j->o, r);
		if (k && k->policy == policies)
			opsd_issue(j, OPSD_DELETE, k, ref.ns, ref.name, NULL, NULL);
	}
}

void
opsd_job_settle(struct opsd_job *j)
{
	if (j->pending)
		return;
	if (j->phase == 0) {
		j->phase = 1;
		if (!j->canceled) {
			if (!j->failed && !j->again_ms && j->prune) {
				bool any_other = false;
				const cJSON *r;
				cJSON_ArrayForEach(r, j->prune)
				{
					struct opsd_kind *k = opsd_kind_of(j->o, r);
					any_other |= k && !k->policy;
				}
				issue_deletes(j, j->prune, false);
				if (!any_other)
					issue_deletes(j, j->prune, true);
				else
					again(j, j->o->opts.settle_ms); /* the policies next */
			}
			if (j->status_patch) {
				char *p = cJSON_PrintUnformatted(j->status_patch);
				opsd_issue(j, OPSD_STATUS, j->fed, fs_jmeta(j->obj, "namespace"),
					   fs_jmeta(j->obj, "name"), NULL, p);
			}
		}
		if (j->pending)
			return;
	}
	if (j->phase == 1) {
		j->phase = 2;
		job_finish(j);
	}
}

void
opsd_jobs_cancel(struct fs_opsd *o)
{
	while (o->jobs) {
		struct opsd_job *j = o->jobs;
		j->canceled = true;
		if (!j->calls) { /* cannot happen: a job without calls ends */
			job_finish(j);
			continue;
		}
		fs_kube_call_cancel(j->calls->call);
	}
}

/* ---------------------------------------------------------------- reconcile */

static void
add_cluster(void *ud, const char *key, const cJSON *obj)
{
	(void)key;
	/* a reference to the cache's object, not a copy: the render reads the
	 * clusters only (fs_ops_input.clusters is const), and copying 1000 of
	 * them (with their status) for every reconcile kept the loop busy for
	 * seconds, past the Lease's renew deadline */
	cJSON_AddItemToArray(ud, cJSON_CreateObjectReference(obj->child));
}

static struct opsd_kind *
fed_of(struct fs_opsd *o, const char *kind, size_t klen)
{
	for (struct opsd_kind *k = o->feds; k; k = k->next)
		if (strlen(k->kind) == klen && !strncmp(k->kind, kind, klen))
			return k;
	return NULL;
}

/* apply every desired object; false when a cache is not ready */
static bool
apply_all(struct opsd_job *j, const struct opsd_kind *fed, const cJSON *desired)
{
	struct fs_opsd *o = j->o;
	bool ready = true;
	(void)fed;
	const cJSON *d;
	cJSON_ArrayForEach(d, desired)
	{
		struct fs_ops_ref r;
		if (!fs_ops_ref_of(d, &r))
			continue;
		struct opsd_kind *k = opsd_kind_get(o, &o->kids, r.api_version, r.kind,
						    false, true);
		if (!fs_kube_informer_synced(k->inf)) {
			ready = false;
			continue;
		}
		const cJSON *live = opsd_kind_live(k, r.ns, r.name);
		if (live && fs_jmeta(live, "deletionTimestamp")) {
			ready = false; /* being deleted: create it again once gone */
			continue;
		}
		cJSON *patch = fs_opsd_merge_patch(d, live);
		if (!patch)
			continue; /* live already holds what we render */
		char *ps = live ? cJSON_PrintUnformatted(patch) : NULL;
		cJSON_Delete(patch);
		fs_debug("ops", "%s: %s %s/%s: %s", j->key, r.kind, r.ns, r.name,
			 ps ? ps : "create");

		if (o->no_ssa)
			opsd_issue(j, live ? OPSD_PATCH : OPSD_CREATE, k, r.ns, r.name,
				   live ? NULL : d, ps);
		else
			opsd_issue(j, OPSD_APPLY, k, r.ns, r.name, d, ps);
	}
	return ready;
}

static void
render_failed(struct opsd_job *j, const char *reason, const char *msg)
{
	struct fs_opsd *o = j->o;
	fs_warn("ops", "%s: %s", j->key, msg);
	fs_kube_record(o->rec, j->obj, "Warning", reason, "Render", "%s", msg);
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(j->obj, "status");
	j->status_patch = opsd_status_patch(o, j->obj,
		cJSON_IsObject(st) ? cJSON_Duplicate(st, true) : cJSON_CreateObject(),
		false, reason, msg);
	job_fail(j, "%s", msg);
}

/* ------------------------------------------------------- poison objects */

/* the poison journal's key of obj ("MultiCloudMongoDB ns/name") */
static void
poison_key(const cJSON *obj, char *key, size_t n)
{
	const char *ns = fs_jmeta(obj, "namespace");
	snprintf(key, n, "%s %s/%s", fs_jstr(obj, "kind") ? fs_jstr(obj, "kind") : "?",
		 ns ? ns : "", fs_jmeta(obj, "name") ? fs_jmeta(obj, "name") : "?");
}

static int64_t
poison_generation(const cJSON *obj)
{
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "generation");
	return cJSON_IsNumber(g) ? (int64_t)g->valuedouble : 0;
}

/* an object whose plugin call crashed an earlier process: skipped, with
 * a Warning Event and condition PluginCrashed; true when it is */
static bool
poisoned(struct opsd_job *j)
{
	struct fs_opsd *o = j->o;
	if (!o->poison)
		return false;
	char key[512];
	poison_key(j->obj, key, sizeof key);
	int64_t now = fs_wall_ms();
	const struct fs_poison_entry *e =
		fs_poison_check(o->poison, key, poison_generation(j->obj), now);
	fs_metric_set(o->m.quarantined, (double)fs_poison_count(o->poison));
	if (!e)
		return false;
	int64_t left = e->until_ms - now;
	char msg[768];
	snprintf(msg, sizeof msg, "plugin '%s' crashed the process with %s in %s of this "
		 "object (generation %lld); skipped until its spec changes or %lld s pass",
		 e->plugin, e->signal, e->point, (long long)e->generation,
		 (long long)(left / 1000));
	render_failed(j, "PluginCrashed", msg);
	again(j, (uint32_t)(left < 3600000 ? left : 3600000));
	return true;
}

/* mark a plugin call on j's object in the crash record and the journal */
static void
poison_enter(struct opsd_job *j, const struct fs_ops_mw *mw, const char *point,
	     struct fs_crash_call *cc)
{
	char key[512];
	fs_crash_about(cc, mw->inst, point, j->obj);
	fs_crash_enter(cc);
	poison_key(j->obj, key, sizeof key);
	fs_poison_enter(j->o->poison, cc, key, poison_generation(j->obj));
}

static void
poison_leave(struct opsd_job *j, struct fs_crash_call *cc)
{
	fs_poison_leave(j->o->poison, cc);
	fs_crash_leave(cc);
}

static void
reconcile_live(struct opsd_job *j, struct opsd_kind *fed,
	       const struct fs_ops_mw *mw)
{
	struct fs_opsd *o = j->o;
	const cJSON *obj = j->obj;
	if (!opsd_has_finalizer(obj))
		opsd_issue(j, OPSD_FINALIZER, fed, fs_jmeta(obj, "namespace"),
			   fs_jmeta(obj, "name"), NULL, opsd_finalizer_patch(obj, true));
	if (poisoned(j))
		return;
	const char *sr = fs_jannotation(obj, "schedulerResult");
	if (!sr) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(obj, "status");
		j->status_patch = opsd_status_patch(o, obj,
			cJSON_IsObject(st) ? cJSON_Duplicate(st, true) : cJSON_CreateObject(),
			false, "WaitingForScheduler",
			"waiting for the scheduler: no metadata.annotations.schedulerResult yet");
		return;
	}
	cJSON *existing = opsd_owned(o, obj);
	cJSON *clusters = cJSON_CreateArray();
	fs_kube_informer_each(o->clusters, add_cluster, clusters);
	struct fs_ops_input in = {.object = obj, .clusters = clusters, .existing = existing};
	struct fs_ops_output out;
	char err[1024];
	struct fs_crash_call cc;
	poison_enter(j, mw, "render", &cc);
	enum fs_code rc = fs_ops_render(mw, &in, &out, err, sizeof err);
	poison_leave(j, &cc);
	if (rc != FS_OK) {
		render_failed(j, "RenderFailed", err);
		goto out;
	}
	bool ready = apply_all(j, fed, out.desired);
	if (!ready)
		again(j, o->opts.settle_ms);
	if (out.need_pass)
		again(j, 1000); /* the Service informer's event usually comes first */
	else if (ready) {
		j->prune = out.prune;
		out.prune = NULL;
	}
	in.binding = opsd_member_binding(o, out.desired);
	struct fs_ops_output so;
	poison_enter(j, mw, "aggregate_status", &cc);
	rc = fs_ops_status(mw, &in, &so, err, sizeof err);
	poison_leave(j, &cc);
	if (rc != FS_OK) {
		render_failed(j, "StatusFailed", err);
	} else {
		char why[600];
		snprintf(why, sizeof why, "%s", out.need_pass && out.why ? out.why : "");
		j->status_patch = opsd_status_patch(o, obj, so.status,
			!out.need_pass, out.need_pass ? "PassPending" : "Rendered",
			out.need_pass ? why : "every desired object is rendered");
		so.status = NULL;
		fs_ops_output_release(&so);
	}
	fs_ops_output_release(&out);
out:
	cJSON_Delete(existing);
	cJSON_Delete(clusters);
}

void
opsd_reconcile(struct fs_opsd *o, const char *qkey)
{
	struct opsd_job *j = fs_xcalloc(1, sizeof *j);
	j->o = o;
	j->qkey = qkey;
	j->key = fs_xstrdup(qkey);
	j->t0 = fs_now_ms();
	j->next = o->jobs;
	if (o->jobs)
		o->jobs->prev = j;
	o->jobs = j;
	if (!opsd_all_synced(o, NULL)) { /* render only over complete caches */
		again(j, o->opts.settle_ms);
		opsd_job_settle(j);
		return;
	}
	const char *s1 = strchr(qkey, '/'), *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
	struct opsd_kind *fed = s2 ? fed_of(o, qkey, (size_t)(s1 - qkey)) : NULL;
	const struct fs_ops_mw *mw = fed ? fs_ops_find(o->ops, fed->api_version, fed->kind) : NULL;
	if (!mw) { /* a kind no longer configured */
		opsd_job_settle(j);
		return;
	}
	char *ns = fs_xstrndup(s1 + 1, (size_t)(s2 - s1 - 1));
	const cJSON *obj = opsd_kind_live(fed, ns, s2 + 1);
	free(ns);
	if (!obj) {
		if (!fs_kube_informer_synced(fed->inf))
			again(j, o->opts.settle_ms);
		opsd_job_settle(j);
		return;
	}
	j->obj = cJSON_Duplicate(obj, true);
	opsd_stamp(j->obj, fed);
	j->fed = fed;
	if (fs_jmeta(obj, "deletionTimestamp"))
		opsd_finalize(j);
	else
		reconcile_live(j, fed, mw);
	opsd_job_settle(j);
}
