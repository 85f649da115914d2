/*
 * plugins/vip/vip.c - the `vip` scheduling plugin: args, pre_filter and
 * filter. See docs/plugins/vip.md for what it decides and why.
 */
#include "vip.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fedstate/args.h>

#define VIP_ANNOTATION "fedstate.io/require-vip"

static const char *const scope_names[] = {"middleware", "all", NULL};
static const char *const unknown_names[] = {"allow", "filter", NULL};

#define VIP_ARG(k, t, f, ...) {k, t, offsetof(struct vip_conf, f), __VA_ARGS__}
static const struct fs_arg vip_args[] = {
	VIP_ARG("labelKey", FS_ARG_STRING, label_key, 0, 0, NULL, NULL),
	VIP_ARG("scope", FS_ARG_ENUM, scope, 0, 0, scope_names, NULL),
	VIP_ARG("probe", FS_ARG_BOOL, probe, 0, 0, NULL, NULL),
	VIP_ARG("probePort", FS_ARG_INT, port, 1, 65535, NULL, NULL),
	VIP_ARG("probeInterval", FS_ARG_DURATION, interval_ms, 100,
		24 * 3600 * 1000LL, NULL, NULL),
	VIP_ARG("probeTimeout", FS_ARG_DURATION, timeout_ms, 10, 600000, NULL,
		NULL),
	VIP_ARG("probeFailureThreshold", FS_ARG_INT, failures, 1, 100, NULL,
		NULL),
	VIP_ARG("probeTTL", FS_ARG_DURATION, ttl_ms, 100, 7 * 24 * 3600 * 1000LL,
		NULL, NULL),
	VIP_ARG("probeUnknown", FS_ARG_ENUM, unknown, 0, 0, unknown_names, NULL),
};

static enum fs_code
vip_init(struct fs_plugin *self, const struct fs_json *args, void **state,
	 char *err, size_t errlen)
{
	struct vip_state *st = calloc(1, sizeof *st);
	char d1[32], d2[32];
	enum fs_code rc;

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return FS_E_NOMEM;
	}
	st->self = self;
	st->conf = (struct vip_conf){
		.label_key = fs_host->intern("vip", (size_t)-1),
		.scope = VIP_SCOPE_MIDDLEWARE,
		.probe = false,
		.port = 27017,
		.interval_ms = 10000,
		.timeout_ms = 2000,
		.ttl_ms = 60000,
		.failures = 3,
		.unknown = VIP_UNKNOWN_ALLOW,
	};
	rc = fs_args_parse(args, vip_args, sizeof vip_args / sizeof vip_args[0],
			    &st->conf, err, errlen);
	if (rc == FS_OK && st->conf.ttl_ms <= st->conf.interval_ms) {
		snprintf(err, errlen,
			 "probeTTL: %s is not longer than probeInterval %s (every "
			 "result would go stale before the next probe)",
			 fs_duration_format(st->conf.ttl_ms, d1, sizeof d1),
			 fs_duration_format(st->conf.interval_ms, d2, sizeof d2));
		rc = FS_E_CONFIG;
	}
	if (rc == FS_OK && st->conf.timeout_ms >= st->conf.interval_ms) {
		snprintf(err, errlen,
			 "probeTimeout: %s is not shorter than probeInterval %s",
			 fs_duration_format(st->conf.timeout_ms, d1, sizeof d1),
			 fs_duration_format(st->conf.interval_ms, d2, sizeof d2));
		rc = FS_E_CONFIG;
	}
	if (rc != FS_OK) {
		free(st);
		return rc;
	}
	st->r_no_label = vip_intern_printf("cluster(s) had no VIP label '%s'",
				       st->conf.label_key);
	st->r_unreachable = vip_intern_printf(
		"cluster(s) had a VIP that failed its last %lld TCP probe(s) on "
		"port %lld", (long long)st->conf.failures, (long long)st->conf.port);
	st->ann_key = fs_host->intern(VIP_ANNOTATION, (size_t)-1);
	st->s_true = fs_host->intern("true", (size_t)-1);
	st->s_false = fs_host->intern("false", (size_t)-1);
	st->r_unknown = vip_intern_printf(
		"cluster(s) had no VIP probe result in the last %s",
		fs_duration_format(st->conf.ttl_ms, d1, sizeof d1));
	if (st->conf.probe && (rc = vip_probe_start(st)) != FS_OK) {
		snprintf(err, errlen, "cannot start the probe timer: %s",
			 fs_host->strerror(rc));
		free(st);
		return rc;
	}
	*state = st;
	return FS_OK;
}

static void
vip_fini(void *state)
{
	struct vip_state *st = state;

	if (!st)
		return;
	vip_probe_stop(st);
	vip_state_free(st);
}

/* The binding's fedstate.io/require-vip annotation: interned, NULL when
 * absent; *bad when present but not a string (only a host without
 * fs_binding.annotations, where the source JSON is read, can tell). */
static const char *
vip_annotation(const struct vip_state *st, const struct fs_binding *b, bool *bad)
{
	*bad = false;
	if (FS_HAS_FIELD(b, n_annotations)) {
		const struct fs_kv *kv = fs_kv_find(b->annotations, b->n_annotations,
						    st->ann_key);
		return kv ? kv->value : NULL;
	}
	const struct fs_json *ann = fs_host->json_path(b->raw, "metadata.annotations");
	const struct fs_json *v = fs_host->json_get(ann, VIP_ANNOTATION);
	const char *s = fs_host->json_string(v);
	*bad = v && !s;
	return s ? fs_host->intern(s, (size_t)-1) : NULL;
}

/* Is this binding concerned? FS_OK yes, FS_SKIP no, FS_UNRESOLVABLE when
 * its fedstate.io/require-vip annotation is not "true" or "false". */
static enum fs_code
vip_concerned(const struct vip_state *st, struct fs_cycle *cyc,
	      const struct fs_binding *b, const char **reason)
{
	bool bad;
	const char *s = vip_annotation(st, b, &bad);

	if (s || bad) {
		if (s == st->s_true)
			return FS_OK;
		if (s == st->s_false)
			return FS_SKIP;
		*reason = fs_host->cycle_printf(
			cyc, "%s %s/%s: annotation " VIP_ANNOTATION ": expected "
			"\"true\" or \"false\", got %s%.40s%s",
			b->self.kind ? b->self.kind : "object",
			b->self.namespace_ ? b->self.namespace_ : "",
			b->self.name ? b->self.name : "", s ? "\"" : "",
			s ? s : "a non-string value", s ? "\"" : "");
		return FS_UNRESOLVABLE;
	}
	if (b->kind == FS_WORKLOAD_MIDDLEWARE || st->conf.scope == VIP_SCOPE_ALL)
		return FS_OK;
	return FS_SKIP;
}

static enum fs_code
vip_pre_filter(void *state, struct fs_cycle *cyc,
	       const struct fs_cluster *const *clusters, uint32_t n,
	       const char **reason)
{
	struct vip_state *st = state;
	enum fs_code rc = vip_concerned(st, cyc, fs_host->cycle_binding(cyc),
					reason);

	if (rc != FS_OK)
		return rc;
	vip_table_refresh(st, clusters, n);
	st->now_ms = fs_host->now_ms();
	return FS_OK;
}

static enum fs_code
vip_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	   const char **reason)
{
	struct vip_state *st = state;
	const struct vip_entry *e = vip_table_entry(&st->table, c);
	const char *vip;

	(void)cyc;
	if (!e) {
		/* a view the table does not hold: judge it alone */
		if (vip_classify(st, c, &vip, reason) != VIP_OK)
			return FS_UNSCHEDULABLE;
		if (st->conf.probe && st->conf.unknown == VIP_UNKNOWN_FILTER) {
			*reason = st->r_unknown;
			return FS_UNSCHEDULABLE;
		}
		return FS_OK;
	}
	if (e->verdict != VIP_OK) {
		*reason = e->reason;
		return FS_UNSCHEDULABLE;
	}
	if (!st->conf.probe)
		return FS_OK;
	if (!e->has_result ||
	    st->now_ms - e->result_ms > (int64_t)st->conf.ttl_ms) {
		if (st->conf.unknown == VIP_UNKNOWN_ALLOW)
			return FS_OK;
		*reason = st->r_unknown;
		return FS_UNSCHEDULABLE;
	}
	if (e->failed >= (uint32_t)st->conf.failures) {
		*reason = st->r_unreachable;
		return FS_UNSCHEDULABLE;
	}
	return FS_OK;
}

static const struct fs_sched_ops vip_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.pre_filter = vip_pre_filter,
	.filter = vip_filter,
};

static const char vip_schema[] =
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"labelKey\":{\"type\":\"string\",\"default\":\"vip\"},"
	"\"scope\":{\"enum\":[\"middleware\",\"all\"],\"default\":\"middleware\"},"
	"\"probe\":{\"type\":\"boolean\",\"default\":false},"
	"\"probePort\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":65535,"
	"\"default\":27017},"
	"\"probeInterval\":{\"type\":[\"string\",\"integer\"],\"default\":\"10s\"},"
	"\"probeTimeout\":{\"type\":[\"string\",\"integer\"],\"default\":\"2s\"},"
	"\"probeFailureThreshold\":{\"type\":\"integer\",\"minimum\":1,"
	"\"maximum\":100,\"default\":3},"
	"\"probeTTL\":{\"type\":[\"string\",\"integer\"],\"default\":\"1m\"},"
	"\"probeUnknown\":{\"enum\":[\"allow\",\"filter\"],\"default\":\"allow\"}}}";

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_SCHED, .name = "vip", .version = "0.1.0",
		 .description = "filters clusters without a unique, valid and "
				"reachable VIP label",
		 .vendor = "FedState", .license = "Apache-2.0",
		 .caps = FS_CAP_PRE_FILTER | FS_CAP_FILTER,
		 .args_schema = vip_schema, .init = vip_init, .fini = vip_fini,
		 .sched = &vip_ops)
