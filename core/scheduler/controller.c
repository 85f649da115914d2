/* scheduler/controller.c - informers, enqueue rules, profiles and reload
 * of `fedstate scheduler` (see scheduler.h) */
#include "scheduler/scheduler_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/cache.h"
#include "kube/events.h"
#include "kube/informer.h"
#include "kube/queue.h"
#include "model/fleet.h"
#include "model/placement.h"
#include "model/selector.h"
#include "runtime/runtime.h"
#include "sched/assume.h"
#include "sched/config.h"
#include "sched/decide.h"
#include "sched/framework.h"
#include "sched/profile.h"
#include "util/diag.h"
#include "plugin/poison.h"
#include "util/doc.h"
#include "util/jfield.h"
#include "util/log.h"

static const struct fs_kube_resource cluster_res = {
	"cluster.karmada.io", "v1alpha1", "clusters", "Cluster", false};

/* ------------------------------------------------------------ profiles */

static void
free_set(struct fs_profile_set *set, struct fs_framework **fws)
{
	for (uint32_t i = 0; set && i < set->n_profiles; i++)
		fs_framework_destroy(fws[i]);
	free(fws);
	fs_profile_set_free(set);
}

/* the complete new set, or nothing (diagnostics on stderr) */
static enum fs_code
build_set(struct fs_schedctl *c, const char *path, struct fs_profile_set **set_out,
	  struct fs_framework ***fws_out)
{
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_config *cfg = NULL;
	struct fs_registry *reg = fs_runtime_registry(c->d->rt);
	enum fs_code rc = fs_config_load_file(path, &cfg, &d);

	if (rc == FS_OK)
		rc = fs_profile_set_build(cfg, reg, set_out, &d);
	fs_diags_print(&d, stderr);
	fs_diags_release(&d);
	fs_config_free(cfg);
	if (rc != FS_OK)
		return FS_E_CONFIG;
	*fws_out = fs_xcalloc((*set_out)->n_profiles + 1, sizeof **fws_out);
	for (uint32_t i = 0; i < (*set_out)->n_profiles; i++) {
		(*fws_out)[i] = fs_framework_create((*set_out)->profiles[i]);
		if (c->overcommit_protection)
			fs_framework_set_capacity((*fws_out)[i], fs_assume_capacity, c->assume);
	}
	return FS_OK;
}

bool
sched_is_ours(void *ud, const char *scheduler_name)
{
	struct fs_schedctl *c = ud;

	return fs_profile_set_find(c->set, scheduler_name) != NULL;
}

/* ------------------------------------------------------------ queue */

void
sched_enqueue(struct fs_schedctl *c, const char *prefix, const char *key,
	      const cJSON *obj, const char *event)
{
	char k[512];
	const cJSON *p = fs_jget2(fs_jget(obj, "spec"), "schedulePriority", "priority");

	if ((size_t)snprintf(k, sizeof k, "%s|%s", prefix, key) >= sizeof k)
		return; /* names are DNS labels: cannot happen */
	fs_metric_inc(fs_metric_series(c->m_incoming, (const char *const[]){event, NULL}));
	/* Karmada's order: spec.schedulePriority, then arrival */
	fs_kube_queue_add_priority(c->queue, k, cJSON_IsNumber(p) ? (int32_t)p->valuedouble : 0);
}

struct sched_kind *
sched_kind_of(struct fs_schedctl *c, const char *key, const char **ns,
	      const char **name, char *buf, size_t len)
{
	const char *bar = strchr(key, '|');

	if (!bar || (size_t)snprintf(buf, len, "%s", bar + 1) >= len)
		return NULL;
	for (uint32_t i = 0; i < c->n_kinds; i++) {
		struct sched_kind *k = &c->kinds[i];
		if (strlen(k->prefix) == (size_t)(bar - key) &&
		    strncmp(k->prefix, key, (size_t)(bar - key)) == 0) {
			char *slash = strchr(buf, '/');
			if (slash) {
				*slash = '\0';
				*ns = buf;
				*name = slash + 1;
			} else {
				*ns = NULL;
				*name = buf;
			}
			return k;
		}
	}
	return NULL;
}

static int64_t
generation_of(const cJSON *obj)
{
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "generation");
	int64_t v;
	return fs_doc_int(g, &v) == FS_OK ? v : 0;
}

static void
obj_add(void *ud, const cJSON *obj)
{
	struct sched_kind *k = ud;
	char *key = fs_kube_cache_key(obj);

	if (key && fs_sched_wanted(obj, k->middleware, sched_is_ours, k->ctl))
		sched_enqueue(k->ctl, k->prefix, key, obj, "BindingAdd");
	free(key);
}

static void
obj_update(void *ud, const cJSON *old, const cJSON *obj)
{
	struct sched_kind *k = ud;

	/* status-only updates schedule nothing */
	if (generation_of(old) == generation_of(obj))
		return;
	char *key = fs_kube_cache_key(obj);
	if (key && fs_sched_wanted(obj, k->middleware, sched_is_ours, k->ctl))
		sched_enqueue(k->ctl, k->prefix, key, obj, "BindingUpdate");
	free(key);
}

/* ------------------------------------------------------------ clusters */

struct affected {
	struct sched_kind *k;
	const struct fs_cluster *was, *now; /* the cluster before and after; NULL: none */
	bool all_unscheduled;               /* a reload: what is not scheduled yet */
};

static bool
scheduled_true(const cJSON *obj)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, fs_jget2(obj, "status", "conditions"))
		if (fs_jstr(e, "type") && strcmp(fs_jstr(e, "type"), "Scheduled") == 0)
			return fs_jstr(e, "status") && strcmp(fs_jstr(e, "status"), "True") == 0;
	return false;
}

/* Karmada's rule: a binding whose active affinity is unset, or matches the
 * cluster as it was or as it is now; with clusterAffinities, any binding
 * whose observed generation lags. Decoding only the placement, only on
 * cluster events that can matter (labels, generation, deletion). */
static bool
affinity_hit(struct fs_schedctl *c, const struct affected *a, const cJSON *obj)
{
	struct fs_decode_ctx ctx = {0};
	const struct fs_cluster_affinity *aff = NULL;

	fs_arena_reset(&c->scan);
	const struct fs_placement *p =
		fs_placement_decode(fs_jget2(obj, "spec", "placement"), &c->scan, &ctx);
	if (p && p->n_terms) {
		const cJSON *seen = fs_jget2(obj, "status", "schedulerObservedGeneration");
		const cJSON *gen = fs_jget2(obj, "metadata", "generation");
		if (!cJSON_IsNumber(seen) || !cJSON_IsNumber(gen) ||
		    seen->valuedouble < gen->valuedouble)
			return true;
		const char *obs = fs_jstr(fs_jget(obj, "status"), "schedulerObservingAffinityName");
		aff = &p->terms[0].affinity;
		for (uint32_t i = 0; obs && i < p->n_terms; i++)
			if (p->terms[i].name && strcmp(p->terms[i].name, obs) == 0)
				aff = &p->terms[i].affinity;
	} else if (p) {
		aff = p->affinity;
	}
	if (!aff)
		return true;
	return (a->was && fs_affinity_matches(aff, a->was)) ||
	       (a->now && fs_affinity_matches(aff, a->now));
}

static void
maybe_affected(void *ud, const char *key, const cJSON *obj)
{
	struct affected *a = ud;
	struct sched_kind *k = a->k;
	bool hit;

	if (!fs_sched_wanted(obj, k->middleware, sched_is_ours, k->ctl))
		return;
	if (k->middleware) /* placed once; what is not placed yet may fit now */
		hit = !fs_jannotation(obj, "schedulerResult");
	else if (a->all_unscheduled)
		hit = !scheduled_true(obj);
	else
		hit = affinity_hit(k->ctl, a, obj);
	if (hit)
		sched_enqueue(k->ctl, k->prefix, key, obj, "ClusterChanged");
}

/* re-queue what a change of one cluster (was -> now) can affect */
static void
cluster_changed(struct fs_schedctl *c, const struct fs_cluster *was,
		const struct fs_cluster *now)
{
	for (uint32_t i = 0; i < c->n_kinds; i++) {
		struct affected a = {.k = &c->kinds[i], .was = was, .now = now};
		fs_kube_informer_each(c->kinds[i].inf, maybe_affected, &a);
	}
}

/* after a reload: everything the old profiles did not schedule */
static void
requeue_unscheduled(struct fs_schedctl *c)
{
	for (uint32_t i = 0; i < c->n_kinds; i++) {
		struct affected a = {.k = &c->kinds[i], .all_unscheduled = true};
		fs_kube_informer_each(c->kinds[i].inf, maybe_affected, &a);
	}
}

/* the view of `name` in the snapshot published now (held by the caller) */
static const struct fs_cluster *
view_in(struct fs_snapshot *s, const char *name)
{
	return s && name ? fs_snapshot_find(s, name) : NULL;
}

static void
put_cluster(struct fs_schedctl *c, const cJSON *obj)
{
	struct fs_decode_ctx ctx = {0};

	if (fs_fleet_put_json(c->fleet, obj, &ctx) != FS_OK) {
		fs_warn("scheduler", "cluster %s: %zu problem(s) decoding it; keeping "
			"what was known before (fix the object; run fedstate simulate "
			"on it to see each field)", fs_jmeta(obj, "name") ? fs_jmeta(obj, "name") : "?",
			ctx.errors);
		return;
	}
	c->fleet_dirty = true;
}

static void
cluster_add(void *ud, const cJSON *obj)
{
	struct fs_schedctl *c = ud;

	put_cluster(c, obj);
	if (!sched_synced(c))
		return; /* the first list: every binding comes with its own add */
	sched_publish(c);
	cluster_changed(c, NULL, view_in(fs_runtime_snapshot(c->d->rt), fs_jmeta(obj, "name")));
}

static void
cluster_update(void *ud, const cJSON *old, const cJSON *obj)
{
	struct fs_schedctl *c = ud;

	/* Karmada's triggers: deletion started, labels or generation changed;
	 * a status update only refreshes the cache */
	bool deleting = fs_jget2(obj, "metadata", "deletionTimestamp") &&
			!fs_jget2(old, "metadata", "deletionTimestamp");
	bool trigger = deleting || generation_of(old) != generation_of(obj) ||
		       !cJSON_Compare(fs_jget2(old, "metadata", "labels"),
				      fs_jget2(obj, "metadata", "labels"), true);
	if (!trigger || !sched_synced(c)) {
		put_cluster(c, obj);
		return;
	}
	sched_publish(c); /* so that `before` is the cluster as it was */
	struct fs_snapshot *before = fs_snapshot_ref(fs_runtime_snapshot(c->d->rt));
	put_cluster(c, obj);
	sched_publish(c);
	const char *name = fs_jmeta(obj, "name");
	cluster_changed(c, view_in(before, name), view_in(fs_runtime_snapshot(c->d->rt), name));
	fs_snapshot_unref(before);
}

static void
cluster_delete(void *ud, const cJSON *obj)
{
	struct fs_schedctl *c = ud;
	const char *name = fs_jmeta(obj, "name");

	if (!name)
		return;
	if (!sched_synced(c)) {
		if (fs_fleet_remove(c->fleet, name) == FS_OK)
			c->fleet_dirty = true;
		return;
	}
	sched_publish(c);
	struct fs_snapshot *before = fs_snapshot_ref(fs_runtime_snapshot(c->d->rt));
	if (fs_fleet_remove(c->fleet, name) == FS_OK)
		c->fleet_dirty = true;
	cluster_changed(c, view_in(before, name), NULL);
	fs_snapshot_unref(before);
}

bool
sched_cluster_deleting(void *ud, const char *name)
{
	struct fs_schedctl *c = ud;
	const cJSON *o = fs_kube_informer_get(c->clusters, NULL, name);

	return !o || fs_jget2(o, "metadata", "deletionTimestamp");
}

void
sched_publish(struct fs_schedctl *c)
{
	if (!c->fleet_dirty)
		return;
	struct fs_snapshot *s = fs_fleet_publish(c->fleet);
	fs_runtime_publish(c->d->rt, s);
	/* what the newer summaries show is no longer assumed */
	for (uint32_t i = 0; i < fs_snapshot_count(s); i++)
		fs_assume_observe(c->assume, fs_snapshot_at(s, i));
	fs_snapshot_unref(s);
	c->fleet_dirty = false;
}

/* ------------------------------------------------------------ kinds */

/* no cycle before every cache is complete (a binding scheduled over a
 * half-listed fleet would lose its placement) */
bool
sched_synced(const struct fs_schedctl *c)
{
	if (!fs_kube_informer_synced(c->clusters))
		return false;
	for (uint32_t i = 0; i < c->n_kinds; i++)
		if (!fs_kube_informer_synced(c->kinds[i].inf))
			return false;
	return true;
}

static void
kind_synced(void *ud)
{
	struct sched_kind *k = ud;

	sched_worker_kick(k->ctl);
}

static void
clusters_synced(void *ud)
{
	sched_worker_kick(ud);
}

static void
kind_init(struct sched_kind *k, struct fs_schedctl *c, const char *prefix,
	  const char *group, const char *version, const char *plural,
	  const char *kind, bool namespaced, bool middleware)
{
	snprintf(k->prefix, sizeof k->prefix, "%s", prefix);
	k->group = fs_xstrdup(group);
	k->version = fs_xstrdup(version);
	k->plural = fs_xstrdup(plural);
	k->kind_name = fs_xstrdup(kind);
	k->res = (struct fs_kube_resource){k->group, k->version, k->plural,
					   k->kind_name, namespaced};
	k->middleware = middleware;
	k->ctl = c;
	static const struct fs_kube_handlers h = {
		.on_add = obj_add, .on_update = obj_update, .on_synced = kind_synced,
	};
	struct fs_kube_informer_opts o = {.res = &k->res, .ns = ""};
	k->inf = fs_kube_informer_new(c->d->client, &o, &h, k);
}

static void
add_kinds(struct fs_schedctl *c)
{
	kind_init(&c->kinds[c->n_kinds++], c, "rb", "work.karmada.io", "v1alpha2",
		  "resourcebindings", "ResourceBinding", true, false);
	kind_init(&c->kinds[c->n_kinds++], c, "crb", "work.karmada.io", "v1alpha2",
		  "clusterresourcebindings", "ClusterResourceBinding", false, false);
	for (uint32_t i = 0; i < c->set->n_middlewares && i < SCHED_MAX_MW; i++) {
		const struct fs_mw_instance *mw = &c->set->middlewares[i];
		char group[256], prefix[8];
		const char *slash = strchr(mw->api_version, '/');
		if (!slash)
			continue;
		snprintf(group, sizeof group, "%.*s", (int)(slash - mw->api_version),
			 mw->api_version);
		snprintf(prefix, sizeof prefix, "mw%u", i);
		char *plural = fs_kube_plural(mw->kind);
		kind_init(&c->kinds[c->n_kinds++], c, prefix, group, slash + 1, plural,
			  mw->kind, true, true);
		free(plural);
	}
}

/* ------------------------------------------------------------ ready */

static bool
synced(void *ud, struct fs_buf *reason)
{
	struct fs_schedctl *c = ud;

	if (!fs_kube_informer_synced(c->clusters)) {
		fs_buf_adds(reason, "clusters not listed yet");
		return false;
	}
	for (uint32_t i = 0; i < c->n_kinds; i++)
		if (!fs_kube_informer_synced(c->kinds[i].inf)) {
			fs_buf_printf(reason, "%s not listed yet", c->kinds[i].plural);
			return false;
		}
	return true;
}

/* ------------------------------------------------------------ hooks */

static void
on_start(void *ud)
{
	struct fs_schedctl *c = ud;

	c->leading = true;
	sched_worker_kick(c);
}

static void
on_stop(void *ud)
{
	struct fs_schedctl *c = ud;

	c->leading = false;
	sched_worker_stop(c);
}

static void
on_drain(void *ud)
{
	struct fs_schedctl *c = ud;

	c->draining = true;
	sched_worker_stop(c);
}

static bool
on_reload(void *ud, const char *path)
{
	struct fs_schedctl *c = ud;
	struct fs_profile_set *set = NULL;
	struct fs_framework **fws = NULL;

	if (build_set(c, path, &set, &fws) != FS_OK)
		return false;
	if (set->n_middlewares != c->set->n_middlewares)
		fs_warn("scheduler", "%s: the middleware kinds changed; watching the "
			"new kinds needs a restart", path);
	/* between cycles: no cycle runs while a loop callback does */
	free_set(c->set, c->fws);
	c->set = set;
	c->fws = fws;
	/* what the old profiles could not schedule may fit the new ones */
	requeue_unscheduled(c);
	return true;
}

static const struct fs_daemon_hooks hooks = {
	.start = on_start, .stop = on_stop, .drain = on_drain, .reload = on_reload,
};

const struct fs_daemon_hooks *
fs_schedctl_hooks(void)
{
	return &hooks;
}

/* ------------------------------------------------------------ life */

static void
add_metrics(struct fs_schedctl *c)
{
	static const char *const attempts[] = {"result", "schedule_type", NULL};
	static const char *const incoming[] = {"event", NULL};
	static const char *const queue[] = {"queue", NULL};
	double buckets[15];

	fs_metrics_exp_buckets(0.001, 2, 15, buckets);
	c->m_attempts = fs_metrics_counter(c->d->metrics,
		"karmada_scheduler_schedule_attempts_total",
		"Number of attempts to schedule resourceBinding", attempts);
	c->m_e2e = fs_metrics_histogram(c->d->metrics,
		"karmada_scheduler_e2e_scheduling_duration_seconds",
		"E2e scheduling latency in seconds", attempts, buckets, 15);
	c->m_incoming = fs_metrics_counter(c->d->metrics,
		"karmada_scheduler_queue_incoming_bindings_total",
		"Number of bindings added to scheduling queues by event type", incoming);
	c->m_pending = fs_metric_series(fs_metrics_gauge(c->d->metrics,
		"scheduler_pending_bindings", "Number of pending bindings", queue),
		(const char *const[]){"active", NULL});
	c->m_assumed = fs_metric_series(fs_metrics_gauge(c->d->metrics,
		"fedstate_scheduler_assumed_clusters",
		"Clusters with placements written that their summary does not show yet", NULL),
		NULL);
	c->m_quarantined = fs_metric_series(fs_metrics_gauge(c->d->metrics,
		"fedstate_scheduler_quarantined_objects",
		"Objects skipped because a plugin call on them crashed the process.", NULL), NULL);
	c->m_crashes = fs_metric_series(fs_metrics_counter(c->d->metrics,
		"fedstate_scheduler_plugin_crashes_total",
		"Plugin calls that crashed (or hung until killed) an earlier process, found at start.",
		NULL), NULL);
}

enum fs_code
fs_schedctl_new(struct fs_daemon *d, const struct fs_schedctl_opts *o,
		struct fs_schedctl **out, struct fs_buf *err)
{
	struct fs_schedctl *c = fs_xcalloc(1, sizeof *c);
	const char *config = o->config, *plugin_dir = o->plugin_dir;
	char msg[512];

	*out = NULL;
	c->d = d;
	c->config = fs_xstrdup(config);
	c->overcommit_protection = !o->no_overcommit_protection;
	if (plugin_dir &&
	    fs_registry_add_dir(fs_runtime_registry(d->rt), plugin_dir, msg, sizeof msg) != FS_OK) {
		fs_buf_printf(err, "--plugin-dir: %s", msg);
		fs_schedctl_free(c);
		return FS_E_INVAL;
	}
	c->assume = fs_assume_new(0);
	if (o->poison_dir) {
		char *perr = NULL;
		if (!(c->poison = fs_poison_open(o->poison_dir, 0, &perr))) {
			fs_buf_printf(err, "--poison-dir: %s", perr);
			free(perr);
			fs_schedctl_free(c);
			return FS_E_INVAL;
		}
	}
	if (build_set(c, config, &c->set, &c->fws) != FS_OK) {
		fs_buf_printf(err, "%s is not usable; check it with: fedstate config "
			      "validate %s", config, config);
		fs_schedctl_free(c);
		return FS_E_CONFIG;
	}
	c->fleet = fs_fleet_new();
	add_metrics(c);
	for (size_t i = 0; i < fs_poison_count(c->poison); i++) {
		const struct fs_poison_entry *e = fs_poison_at(c->poison, i);
		if (!e->found_at_start)
			continue;
		fs_metric_add(c->m_crashes, 1);
		fs_warn("scheduler", "%s: a plugin crashed the last process (%s in %s, plugin "
			"'%s'); the object is skipped until its spec changes or an hour passes",
			e->key, e->signal, e->point, e->plugin);
	}
	fs_metric_set(c->m_quarantined, (double)fs_poison_count(c->poison));
	struct fs_kube_recorder_opts ro = {.component = d->component};
	c->events = fs_kube_recorder_new(d->client, &ro);
	sched_worker_init(c);
	static const struct fs_kube_handlers ch = {
		.on_add = cluster_add, .on_update = cluster_update, .on_delete = cluster_delete,
		.on_synced = clusters_synced,
	};
	struct fs_kube_informer_opts co = {.res = &cluster_res, .ns = ""};
	c->clusters = fs_kube_informer_new(d->client, &co, &ch, c);
	add_kinds(c);
	fs_daemon_add_ready_check(d, "informer-sync", synced, c);
	fs_kube_informer_start(c->clusters);
	for (uint32_t i = 0; i < c->n_kinds; i++)
		fs_kube_informer_start(c->kinds[i].inf);
	*out = c;
	return FS_OK;
}

void
fs_schedctl_free(struct fs_schedctl *c)
{
	if (!c)
		return;
	sched_worker_stop(c);
	fs_kube_informer_free(c->clusters);
	for (uint32_t i = 0; i < c->n_kinds; i++) {
		struct sched_kind *k = &c->kinds[i];
		fs_kube_informer_free(k->inf);
		free(k->group);
		free(k->version);
		free(k->plural);
		free(k->kind_name);
	}
	fs_kube_queue_free(c->queue);
	fs_kube_recorder_free(c->events);
	fs_runtime_publish(c->d->rt, NULL);
	fs_fleet_free(c->fleet);
	free_set(c->set, c->fws);
	fs_poison_close(c->poison);
	fs_assume_free(c->assume);
	fs_arena_release(&c->arena);
	fs_arena_release(&c->scan);
	free(c->config);
	free(c->plugin_dir);
	free(c);
}
