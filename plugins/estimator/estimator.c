/*
 * plugins/estimator/estimator.c - the `estimator` scheduling plugin:
 * init/fini, the per-cycle estimate, the zero-capacity filter and the
 * failure summary. See est.h and docs/plugins/estimator.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "est.h"

void
est_fail(struct est *st, const char *cluster, const char *fmt, ...)
{
	struct est_failures *f = &st->fails;
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	f->total_failures++;
	f->since_log++;
	if (f->n_examples < EST_MAX_EXAMPLES) {
		f->examples[f->n_examples].cluster = cluster;
		memcpy(f->examples[f->n_examples++].why, why, sizeof(why));
	}
	if (fs_host->log_enabled(st->self, FS_LOG_DEBUG))
		fs_host->log(st->self, FS_LOG_DEBUG, "cluster %s: estimator call "
			     "failed: %s", cluster, why);
}

static void log_failures(struct est *st, int64_t now);

static void
flush_fired(void *ud)
{
	struct est *st = ud;

	fs_host->timer_stop(st->fails.flush);
	st->fails.flush = NULL;
	log_failures(st, fs_host->now_ms());
}

/* one summary line per interval, not one per binding or per cluster; what
 * happens within an interval is logged when it ends */
static void
log_failures(struct est *st, int64_t now)
{
	struct est_failures *f = &st->fails;
	int64_t wait = f->last_log_ms + (int64_t)st->conf.log_interval_ms - now;
	char line[1200];
	size_t used;

	if (!f->since_log)
		return;
	if (f->last_log_ms && wait > 0) {
		if (!f->flush)
			f->flush = fs_host->timer_start(st->self, (uint64_t)wait, 0,
							flush_fired, st);
		return;
	}
	used = (size_t)snprintf(line, sizeof(line),
				"%u estimator call(s) failed%s; those clusters fell "
				"back to %s:", f->since_log,
				f->last_log_ms ? " since the last report" : "",
				st->conf.general ? "the general estimate" : "no estimate");
	for (uint32_t i = 0; i < f->n_examples && used < sizeof(line); i++)
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s %s: %s",
					 i ? ";" : "", f->examples[i].cluster,
					 f->examples[i].why);
	if (f->since_log > f->n_examples && used < sizeof(line))
		snprintf(line + used, sizeof(line) - used, "; and %u more",
			 f->since_log - f->n_examples);
	fs_host->log(st->self, FS_LOG_WARN, "%s", line);
	f->last_log_ms = now;
	f->since_log = 0;
	f->n_examples = 0;
}

/* the estimate of clusters[0..n) for this cycle's binding, published with
 * cycle_set_available; no allocation unless the services are asked */
static enum fs_code
estimate(struct est *st, struct fs_cycle *cyc,
	 const struct fs_cluster *const *clusters, uint32_t n, const char **reason)
{
	const struct fs_binding *b = fs_host->cycle_binding(cyc);
	int32_t *service = NULL;
	bool general = st->conf.general && fs_host->general_estimate;

	/* a non-workload (no replicas, no requirements) fits anywhere: Karmada
	 * makes no estimator call for it */
	if (!b || (b->replicas == 0 && !b->has_requirements) || !n)
		return FS_SKIP;
	if (st->conf.service) {
		if (!(service = fs_host->alloc(n * sizeof(*service)))) {
			*reason = "estimator: out of memory";
			return FS_E_NOMEM;
		}
		est_ask_services(st, b, clusters, n, service);
	}
	for (uint32_t i = 0; i < n; i++) {
		int32_t v = general ? fs_host->general_estimate(clusters[i], b) : -1;

		if (service && service[i] >= 0 && (v < 0 || service[i] < v))
			v = service[i];
		/* -1: no answer from any source; the host ignores it */
		if (v >= 0)
			fs_host->cycle_set_available(cyc, clusters[i]->index, v);
	}
	if (service) {
		fs_host->free(service);
		log_failures(st, fs_host->now_ms());
	}
	return FS_OK;
}

static enum fs_code
est_pre_filter(void *state, struct fs_cycle *cyc,
	       const struct fs_cluster *const *clusters, uint32_t n,
	       const char **reason)
{
	struct est *st = state;
	const struct fs_binding *b = fs_host->cycle_binding(cyc);

	/* without the filter, estimate only the clusters that pass the others */
	if (!st->conf.filter_zero)
		return FS_SKIP;
	if (!b || (b->replicas == 0 && !b->has_requirements) || !n)
		return FS_SKIP;
	/* the services are asked for every candidate at once; the general
	 * estimate alone is made in filter, for the clusters that get there */
	if (!st->conf.service)
		return FS_OK;
	return estimate(st, cyc, clusters, n, reason);
}

/* the combined estimate (ours and any other plugin's, by minimum): an
 * array lookup, no string compare per cluster */
static enum fs_code
est_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	   const char **reason)
{
	struct est *st = state;

	if (!st->conf.service && st->conf.general && fs_host->general_estimate)
		fs_host->cycle_set_available(cyc, c->index,
					     fs_host->general_estimate(c, fs_host->cycle_binding(cyc)));
	if (fs_host->cycle_available(cyc, c->index) != 0)
		return FS_OK;
	*reason = "cluster(s) had no room for a single replica";
	return FS_UNSCHEDULABLE;
}

static enum fs_code
est_pre_score(void *state, struct fs_cycle *cyc,
	      const struct fs_cluster *const *feasible, uint32_t n,
	      const char **reason)
{
	struct est *st = state;
	enum fs_code rc = FS_SKIP;

	if (!st->conf.filter_zero)
		rc = estimate(st, cyc, feasible, n, reason);
	/* no score callback: the estimate feeds the assign phase */
	return FS_IS_ERROR(rc) ? rc : FS_SKIP;
}

static void
est_fini(void *state)
{
	struct est *st = state;

	if (!st)
		return;
	fs_host->timer_stop(st->fails.flush);
	est_cache_free(st->cache);
	est_peers_release(st);
	est_conf_release(&st->conf);
	pb_release(&st->req, fs_host->free);
	pb_release(&st->frame, fs_host->free);
	fs_host->free(st);
}

static enum fs_code
est_init(struct fs_plugin *self, const struct fs_json *args, void **state,
	 char *err, size_t errlen)
{
	struct est *st = fs_host->calloc(1, sizeof(*st));
	enum fs_code rc;

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return FS_E_NOMEM;
	}
	st->self = self;
	st->i_cpu = fs_host->intern("cpu", (size_t)-1);
	pb_init(&st->req, fs_host->realloc);
	pb_init(&st->frame, fs_host->realloc);
	rc = est_conf_parse(&st->conf, args, err, errlen);
	if (rc == FS_OK && st->conf.cache_ttl_ms && !(st->cache = est_cache_new())) {
		snprintf(err, errlen, "out of memory");
		rc = FS_E_NOMEM;
	}
	if (rc != FS_OK) {
		est_fini(st);
		return rc;
	}
	if (st->conf.general && !fs_host->general_estimate)
		fs_host->log(self, FS_LOG_WARN, "this host has no general estimate; "
			     "only the estimator services are used");
	*state = st;
	return FS_OK;
}

#define EST_DURATION "{\"type\":[\"string\",\"integer\"]}"
static const char est_schema[] =
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"filterZero\":{\"type\":\"boolean\",\"default\":true},"
	"\"generalEstimator\":{\"type\":\"boolean\",\"default\":true},"
	"\"schedulerEstimator\":{\"type\":\"boolean\",\"default\":false},"
	"\"timeout\":" EST_DURATION ","
	"\"servicePrefix\":{\"type\":\"string\",\"default\":\"karmada-scheduler-estimator\"},"
	"\"serviceNamespace\":{\"type\":\"string\",\"default\":\"karmada-system\"},"
	"\"port\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":65535,\"default\":10352},"
	"\"addresses\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}},"
	"\"tls\":{\"type\":\"boolean\",\"default\":false},"
	"\"caFile\":{\"type\":\"string\"},\"certFile\":{\"type\":\"string\"},"
	"\"keyFile\":{\"type\":\"string\"},"
	"\"insecureSkipVerify\":{\"type\":\"boolean\",\"default\":false},"
	"\"cacheTTL\":" EST_DURATION ","
	"\"failureLogInterval\":" EST_DURATION "}}";

static const struct fs_sched_ops est_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.pre_filter = est_pre_filter,
	.filter = est_filter,
	.pre_score = est_pre_score,
};

FS_PLUGIN_DEFINE(
	.kind = FS_PLUGIN_SCHED,
	.name = "estimator",
	.version = "0.1.0",
	.description = "available replicas per cluster from resourceSummary and "
		       "the karmada-scheduler-estimator services (gRPC)",
	.vendor = "FedState",
	.license = "Apache-2.0",
	.caps = FS_CAP_PRE_FILTER | FS_CAP_FILTER | FS_CAP_PRE_SCORE,
	.args_schema = est_schema,
	.init = est_init,
	.fini = est_fini,
	.sched = &est_ops);
