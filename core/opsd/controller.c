/*
 * opsd/controller.c - the ops controller: informers, queue, the hooks the
 * daemon calls, reload and metrics (see opsd.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "opsd/opsd_int.h"
#include "util/jfield.h"
#include "ops/object.h"
#include "ops/render.h"
#include "plugin/poison.h"
#include "runtime/runtime.h"
#include "util/log.h"

static const struct fs_kube_resource res_clusters = {
	"cluster.karmada.io", "v1alpha1", "clusters", "Cluster", false};
static const struct fs_kube_resource res_rbs = {
	"work.karmada.io", "v1alpha2", "resourcebindings", "ResourceBinding", true};

/* watched from the start: what the shipped plugins render */
static const char *const initial_kids[][2] = {
	{"v1", "Service"},
	{"v1", "ConfigMap"},
	{"policy.karmada.io/v1alpha1", "PropagationPolicy"},
	{"policy.karmada.io/v1alpha1", "OverridePolicy"},
};

char *
opsd_key(const char *kind, const char *ns, const char *name)
{
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "%s/%s/%s", kind, ns && ns[0] ? ns : "default", name);
	return fs_buf_detach(&b);
}

void
opsd_enqueue_obj(struct fs_opsd *o, const cJSON *fed)
{
	struct fs_ops_ref r;
	if (!fs_ops_ref_of(fed, &r))
		return;
	char *key = opsd_key(r.kind, r.ns, r.name);
	fs_kube_queue_add(o->q, key);
	free(key);
}

/* ---------------------------------------------------------------- handlers */

static void
enqueue_each(void *ud, const char *key, const cJSON *obj)
{
	(void)key;
	opsd_enqueue_obj(ud, obj);
}

static void
enqueue_all(struct fs_opsd *o)
{
	for (struct opsd_kind *k = o->feds; k; k = k->next)
		fs_kube_informer_each(k->inf, enqueue_each, o);
}

/* a Cluster changed (labels such as the VIP): every object may render
 * differently */
static void on_cluster(void *ud, const cJSON *obj) { (void)obj; enqueue_all(ud); }
static void
on_cluster_update(void *ud, const cJSON *old, const cJSON *obj)
{
	const cJSON *a = fs_jget2(old, "metadata", "labels");
	const cJSON *b = fs_jget2(obj, "metadata", "labels");
	if (!cJSON_Compare(a, b, true))
		on_cluster(ud, obj);
}

/* a member binding changed: its resource's owner */
static void
on_rb(void *ud, const cJSON *rb)
{
	struct fs_opsd *o = ud;
	const cJSON *r = fs_jget2(rb, "spec", "resource");
	const char *av = fs_jstr(r, "apiVersion");
	const char *kind = fs_jstr(r, "kind");
	const char *ns = fs_jstr(r, "namespace");
	const char *name = fs_jstr(r, "name");
	if (!av || !kind || !name)
		return;
	struct opsd_kind *k = opsd_kind_get(o, &o->kids, av, kind, false, false);
	const cJSON *res = k ? fs_kube_informer_get(k->inf, ns, name) : NULL;
	const char *okind = res ? fs_ops_label(res, FS_OPS_LABEL_OWNER_KIND) : NULL;
	const char *oname = res ? fs_ops_label(res, FS_OPS_LABEL_OWNER_NAME) : NULL;
	if (okind && oname) {
		char *key = opsd_key(okind, ns, oname);
		fs_kube_queue_add(o->q, key);
		free(key);
	}
}
static void
on_rb_update(void *ud, const cJSON *old, const cJSON *obj)
{
	(void)old;
	on_rb(ud, obj);
}

/* ---------------------------------------------------------------- pump */

enum { PUMP_BATCH = 8 }; /* reconciles per turn of the loop, at most (and
			  * FS_DAEMON_TURN_MS) */

static void
pump(void *ud)
{
	struct fs_opsd *o = ud;
	fs_timer_stop(o->pump);
	o->pump = NULL;
	/* a reconcile that finishes at once frees its worker slot: without a
	 * bound this loop ran through the whole queue (200 objects x 1000
	 * clusters: seconds) and the Lease renewal waited, so the leader lost
	 * it. A batch, then back to the loop (timers, I/O) and on. */
	int batch = 0;
	int64_t until = fs_now_ms() + FS_DAEMON_TURN_MS;
	while (o->leading && !o->draining && o->inflight < o->opts.workers) {
		if (batch++ == PUMP_BATCH || (batch > 1 && fs_now_ms() >= until)) {
			/* a reconcile that finished in this batch may have asked
			 * for the next turn already (on_ready) */
			if (!o->pump)
				o->pump = fs_timer_start(o->loop, NULL, 0, 0, pump, o);
			break;
		}
		const char *key = fs_kube_queue_get(o->q);
		if (!key)
			break;
		o->inflight++;
		opsd_reconcile(o, key); /* may finish at once */
	}
	fs_metric_set(o->m.depth, (double)fs_kube_queue_len(o->q));
}

static void
on_ready(void *ud)
{
	struct fs_opsd *o = ud;
	if (!o->pump && o->leading && !o->draining)
		o->pump = fs_timer_start(o->loop, NULL, 0, 0, pump, o);
}

/* ---------------------------------------------------------------- config */

static enum fs_code
open_config(struct fs_opsd *o, const char *path, struct fs_ops_config **cfg,
	    struct fs_ops **ops, struct fs_buf *err)
{
	struct fs_diags d = FS_DIAGS_INIT;
	enum fs_code rc = fs_ops_config_load(path, cfg, &d);
	if (rc == FS_OK)
		rc = fs_ops_open(fs_runtime_registry(o->d->rt), *cfg,
				 (const char *const *)&o->plugin_dir, o->plugin_dir ? 1 : 0,
				 ops, &d);
	if (rc != FS_OK) {
		for (size_t i = 0; i < d.n; i++) {
			char *line = fs_diag_format(&d.items[i]);
			fs_buf_printf(err, "%s%s", i ? "\n" : "", line);
			free(line);
		}
		fs_ops_config_free(*cfg);
		*cfg = NULL;
	}
	fs_diags_release(&d);
	return rc;
}

/* a federated informer for every middleware of ops */
static void
watch_feds(struct fs_opsd *o)
{
	for (size_t i = 0; i < fs_ops_count(o->ops); i++) {
		const struct fs_ops_mw *mw = fs_ops_at(o->ops, i);
		opsd_kind_get(o, &o->feds, mw->api_version, mw->kind, true, true);
	}
}

static bool
ready_check(void *ud, struct fs_buf *reason)
{
	return opsd_all_synced(ud, reason);
}

static void
metrics_init(struct fs_opsd *o)
{
	struct fs_metrics *m = o->d->metrics;
	static const char *const result[] = {"result", NULL};
	static const char *const action[] = {"action", NULL};
	struct fs_metric *rec = fs_metrics_counter(m, "fedstate_ops_reconcile_total",
		"Reconciles of federated objects by result (success, error, requeue).", result);
	o->m.ok = fs_metric_series(rec, (const char *const[]){"success", NULL});
	o->m.err = fs_metric_series(rec, (const char *const[]){"error", NULL});
	o->m.requeue = fs_metric_series(rec, (const char *const[]){"requeue", NULL});
	double b[15];
	fs_metrics_exp_buckets(0.001, 2, 15, b);
	o->m.duration = fs_metric_series(fs_metrics_histogram(m,
		"fedstate_ops_reconcile_duration_seconds",
		"Time from a key handed out to its reconcile finished.", NULL, b, 15), NULL);
	o->m.depth = fs_metric_series(fs_metrics_gauge(m, "fedstate_ops_queue_depth",
		"Keys ready in the work queue.", NULL), NULL);
	struct fs_metric *ap = fs_metrics_counter(m, "fedstate_ops_objects_applied_total",
		"Rendered objects written (create, patch).", action);
	o->m.created = fs_metric_series(ap, (const char *const[]){"create", NULL});
	o->m.patched = fs_metric_series(ap, (const char *const[]){"patch", NULL});
	o->m.pruned = fs_metric_series(fs_metrics_counter(m, "fedstate_ops_objects_pruned_total",
		"Rendered objects deleted (no longer desired, or the owner is deleted).",
		NULL), NULL);
	o->m.status = fs_metric_series(fs_metrics_counter(m, "fedstate_ops_status_writes_total",
		"Writes of a federated object's /status.", NULL), NULL);
	o->m.api_calls = fs_metric_series(fs_metrics_counter(m, "fedstate_ops_api_calls_total",
		"Write requests the controller sent (Events not counted).", NULL), NULL);
	o->m.quarantined = fs_metric_series(fs_metrics_gauge(m, "fedstate_ops_quarantined_objects",
		"Federated objects skipped because a plugin call on them crashed the process.",
		NULL), NULL);
	o->m.crashes = fs_metric_series(fs_metrics_counter(m, "fedstate_ops_plugin_crashes_total",
		"Plugin calls that crashed (or hung until killed) an earlier process, found at start.",
		NULL), NULL);
}

/* the poison journal: what crashed the last process is held back */
static bool
open_poison(struct fs_opsd *o, struct fs_buf *err)
{
	char *perr = NULL;
	o->poison = fs_poison_open(o->opts.poison_dir, 0, &perr);
	if (!o->poison) {
		fs_buf_printf(err, "--poison-dir: %s", perr);
		free(perr);
		return false;
	}
	return true;
}

/* what the journal held back at this start: logged and counted */
static void
poison_report(struct fs_opsd *o)
{
	for (size_t i = 0; i < fs_poison_count(o->poison); i++) {
		const struct fs_poison_entry *e = fs_poison_at(o->poison, i);
		if (e->found_at_start) {
			fs_metric_add(o->m.crashes, 1);
			fs_warn("ops", "%s: plugin '%s' crashed the last process (%s in %s); "
				"the object is skipped until its spec changes or an hour passes",
				e->key, e->plugin, e->signal, e->point);
		}
	}
	fs_metric_set(o->m.quarantined, (double)fs_poison_count(o->poison));
}

struct fs_opsd *
fs_opsd_new(struct fs_daemon *d, const char *config_path,
	    const struct fs_opsd_opts *opts, struct fs_buf *err)
{
	struct fs_opsd *o = fs_xcalloc(1, sizeof *o);
	o->d = d;
	o->client = d->client;
	o->loop = d->loop;
	if (opts)
		o->opts = *opts;
	if (!o->opts.workers)
		o->opts.workers = 4;
	if (!o->opts.settle_ms)
		o->opts.settle_ms = 200;
	o->config_path = fs_xstrdup(config_path);
	o->plugin_dir = o->opts.plugin_dir ? fs_xstrdup(o->opts.plugin_dir) : NULL;
	o->opts.plugin_dir = NULL;
	if (o->opts.poison_dir && !open_poison(o, err)) {
		free(o->plugin_dir);
		free(o->config_path);
		free(o);
		return NULL;
	}
	o->opts.poison_dir = NULL;
	if (open_config(o, config_path, &o->cfg, &o->ops, err) != FS_OK) {
		fs_poison_close(o->poison);
		free(o->plugin_dir);
		free(o->config_path);
		free(o);
		return NULL;
	}
	struct fs_kube_queue_opts qo = {.base_delay_ms = 50, .max_delay_ms = 60000,
					.on_ready = on_ready, .ud = o};
	o->q = fs_kube_queue_new(o->loop, &qo);
	o->rec = fs_kube_recorder_new(o->client, &(struct fs_kube_recorder_opts){
		.component = d->component});
	metrics_init(o);
	poison_report(o);
	static const struct fs_kube_handlers ch = {
		.on_add = on_cluster, .on_update = on_cluster_update, .on_delete = on_cluster};
	o->clusters = fs_kube_informer_new(o->client, &(struct fs_kube_informer_opts){
		.res = &res_clusters, .ns = ""}, &ch, o);
	static const struct fs_kube_handlers rh = {
		.on_add = on_rb, .on_update = on_rb_update, .on_delete = on_rb};
	o->rbs = fs_kube_informer_new(o->client, &(struct fs_kube_informer_opts){
		.res = &res_rbs, .ns = ""}, &rh, o);
	fs_kube_informer_start(o->clusters);
	fs_kube_informer_start(o->rbs);
	for (size_t i = 0; i < sizeof initial_kids / sizeof *initial_kids; i++)
		opsd_kind_get(o, &o->kids, initial_kids[i][0], initial_kids[i][1], false, true);
	watch_feds(o);
	fs_daemon_add_ready_check(d, "informer-sync", ready_check, o);
	return o;
}

void
fs_opsd_free(struct fs_opsd *o)
{
	if (!o)
		return;
	o->leading = false;
	opsd_jobs_cancel(o);
	fs_timer_stop(o->pump);
	fs_kube_informer_free(o->clusters);
	fs_kube_informer_free(o->rbs);
	opsd_kinds_free(o->feds);
	opsd_kinds_free(o->kids);
	fs_kube_recorder_free(o->rec);
	fs_kube_queue_free(o->q);
	fs_poison_close(o->poison);
	fs_ops_close(o->ops);
	fs_ops_config_free(o->cfg);
	free(o->config_path);
	free(o->plugin_dir);
	free(o);
}

/* ---------------------------------------------------------------- hooks */

static void
h_start(void *ud)
{
	struct fs_opsd *o = ud;
	o->leading = true;
	enqueue_all(o); /* informers may have synced before we led */
	on_ready(o);
}

static void
h_stop(void *ud)
{
	struct fs_opsd *o = ud;
	o->leading = false;
}

static void
h_drain(void *ud)
{
	struct fs_opsd *o = ud;
	o->draining = true;
}

static bool
h_reload(void *ud, const char *path)
{
	struct fs_opsd *o = ud;
	struct fs_ops_config *cfg = NULL;
	struct fs_ops *ops = NULL;
	struct fs_buf err = FS_BUF_INIT;
	if (open_config(o, path, &cfg, &ops, &err) != FS_OK) {
		fs_error("ops", "reload refused, the running configuration stays:\n%s", err.data);
		fs_buf_release(&err);
		return false;
	}
	fs_buf_release(&err);
	/* jobs in flight hold no plugin pointer past their start */
	fs_ops_close(o->ops);
	fs_ops_config_free(o->cfg);
	o->ops = ops;
	o->cfg = cfg;
	watch_feds(o);
	enqueue_all(o);
	return true;
}

const struct fs_daemon_hooks *
fs_opsd_hooks(void)
{
	static const struct fs_daemon_hooks h = {
		.start = h_start, .stop = h_stop, .drain = h_drain, .reload = h_reload};
	return &h;
}

void
opsd_job_ended(struct fs_opsd *o)
{
	o->inflight--;
	on_ready(o);
}
