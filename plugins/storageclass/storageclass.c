/*
 * plugins/storageclass/storageclass.c - the `storageclass` scheduling
 * plugin: args, pre_filter and filter. See docs/plugins/storageclass.md.
 *
 * A binding asks for a StorageClass through fs_binding.storage_class (set
 * by a middleware plugin's interpret, or decoded by the host from the
 * binding annotation fedstate.io/storage-class): NULL means "not
 * requested" (pre_filter skips), "" means "the cluster's default class",
 * anything else names a class that must exist in the member cluster.
 */
#include "sc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fedstate/args.h>

static const char *const unknown_names[] = {"filter", "allow", NULL};

static int
static_cmp(const void *pa, const void *pb)
{
	uintptr_t a = (uintptr_t)((const struct sc_static *)pa)->cluster;
	uintptr_t b = (uintptr_t)((const struct sc_static *)pb)->cluster;

	return a < b ? -1 : a > b;
}

/* args.classes: {"<cluster>": [{name, default, allowVolumeExpansion,
 * provisioner}, ...], ...} */
static enum fs_code
parse_classes(void *confp, const struct fs_json *v, char *err, size_t errlen)
{
	struct sc_conf *conf = confp;
	size_t n = fs_host->json_size(v);
	char what[64], sub[200];

	if (fs_host->json_type(v) != FS_JSON_OBJECT) {
		snprintf(err, errlen, "expected an object of cluster name to "
			 "StorageClass list, got %s",
			 fs_json_describe(v, what, sizeof what));
		return FS_E_CONFIG;
	}
	if (conf->statics) {
		snprintf(err, errlen, "given twice");
		return FS_E_CONFIG;
	}
	conf->statics = calloc(n ? n : 1, sizeof *conf->statics);
	if (!conf->statics) {
		snprintf(err, errlen, "out of memory");
		return FS_E_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct sc_static *s = &conf->statics[i];
		const char *name = fs_host->json_key_at(v, i);

		s->cluster = fs_host->intern(name, (size_t)-1);
		if (sc_list_parse(fs_host->json_at(v, i), &s->list, sub,
				  sizeof sub) != FS_OK) {
			snprintf(err, errlen, "%s%s%s", name,
				 sub[0] == '[' ? "" : ": ", sub);
			return FS_E_CONFIG;
		}
		conf->n_statics++;
	}
	qsort(conf->statics, conf->n_statics, sizeof *conf->statics, static_cmp);
	for (uint32_t i = 1; i < conf->n_statics; i++)
		if (conf->statics[i].cluster == conf->statics[i - 1].cluster) {
			snprintf(err, errlen, "cluster '%s' is listed twice",
				 conf->statics[i].cluster);
			return FS_E_CONFIG;
		}
	return FS_OK;
}

#define SC_ARG(k, t, f, ...) {k, t, offsetof(struct sc_conf, f), __VA_ARGS__}
static const struct fs_arg sc_args[] = {
	SC_ARG("classes", FS_ARG_CUSTOM, statics, 0, 0, NULL, parse_classes),
	SC_ARG("annotationKey", FS_ARG_STRING, annotation, 0, 0, NULL, NULL),
	SC_ARG("fetch", FS_ARG_BOOL, fetch, 0, 0, NULL, NULL),
	SC_ARG("refreshInterval", FS_ARG_DURATION, refresh_ms, 1000,
	       24 * 3600 * 1000LL, NULL, NULL),
	SC_ARG("requestTimeout", FS_ARG_DURATION, timeout_ms, 100, 600000, NULL,
	       NULL),
	SC_ARG("staleAfter", FS_ARG_DURATION, stale_ms, 1000,
	       7 * 24 * 3600 * 1000LL, NULL, NULL),
	SC_ARG("unknown", FS_ARG_ENUM, unknown, 0, 0, unknown_names, NULL),
	SC_ARG("requireVolumeExpansion", FS_ARG_BOOL, require_expansion, 0, 0,
	       NULL, NULL),
	SC_ARG("provisioner", FS_ARG_STRING, provisioner, 0, 0, NULL, NULL),
};

static enum fs_code
check_conf(const struct sc_conf *c, char *err, size_t errlen)
{
	char d1[32], d2[32];

	if (c->stale_ms <= c->refresh_ms) {
		snprintf(err, errlen, "staleAfter: %s is not longer than "
			 "refreshInterval %s (fetched lists would go stale "
			 "before the next refresh)",
			 fs_duration_format(c->stale_ms, d1, sizeof d1),
			 fs_duration_format(c->refresh_ms, d2, sizeof d2));
		return FS_E_CONFIG;
	}
	if (c->timeout_ms >= c->refresh_ms) {
		snprintf(err, errlen, "requestTimeout: %s is not shorter than "
			 "refreshInterval %s",
			 fs_duration_format(c->timeout_ms, d1, sizeof d1),
			 fs_duration_format(c->refresh_ms, d2, sizeof d2));
		return FS_E_CONFIG;
	}
	return FS_OK;
}

static enum fs_code
sc_init(struct fs_plugin *self, const struct fs_json *args, void **state,
	char *err, size_t errlen)
{
	struct sc_state *st = calloc(1, sizeof *st);
	enum fs_code rc;

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return FS_E_NOMEM;
	}
	st->self = self;
	st->conf = (struct sc_conf){
		.annotation = fs_host->intern("fedstate.io/storage-classes",
					      (size_t)-1),
		.refresh_ms = 60000,
		.timeout_ms = 10000,
		.stale_ms = 600000,
		.unknown = SC_UNKNOWN_FILTER,
	};
	rc = fs_args_parse(args, sc_args, sizeof sc_args / sizeof sc_args[0],
			    &st->conf, err, errlen);
	if (rc == FS_OK)
		rc = check_conf(&st->conf, err, errlen);
	if (rc == FS_OK && st->conf.fetch && (rc = sc_fetch_start(st)) != FS_OK)
		snprintf(err, errlen, "cannot start the refresh timer: %s",
			 fs_host->strerror(rc));
	if (rc != FS_OK) {
		sc_state_free(st);
		return rc;
	}
	st->empty = fs_host->intern("", 0);
	st->r_no_default = fs_host->intern("cluster(s) had no default StorageClass",
					   (size_t)-1);
	st->r_unknown = fs_host->intern(
		"cluster(s) had no known StorageClass list (no args entry, fresh "
		"fetch or annotation)", (size_t)-1);
	*state = st;
	return FS_OK;
}

static void
sc_fini(void *state)
{
	struct sc_state *st = state;

	if (!st)
		return;
	sc_fetch_stop(st);
	sc_state_free(st);
}

static enum fs_code
sc_pre_filter(void *state, struct fs_cycle *cyc,
	      const struct fs_cluster *const *clusters, uint32_t n,
	      const char **reason)
{
	struct sc_state *st = state;
	const struct fs_binding *b = fs_host->cycle_binding(cyc);
	struct sc_request *r = &st->req;
	const char *shown;

	(void)reason;
	if (!b->storage_class)
		return FS_SKIP;
	r->name = b->storage_class[0] ? b->storage_class : st->empty;
	shown = r->name == st->empty ? "(default)" : r->name;
	r->r_missing = r->name == st->empty
		? st->r_no_default
		: fs_host->cycle_printf(cyc, "cluster(s) had no StorageClass '%s'",
					r->name);
	r->r_no_expansion = st->conf.require_expansion
		? fs_host->cycle_printf(cyc, "cluster(s) had StorageClass '%s' "
					"without allowVolumeExpansion", shown)
		: NULL;
	r->r_provisioner = st->conf.provisioner
		? fs_host->cycle_printf(cyc, "cluster(s) had StorageClass '%s' "
					"from a provisioner other than '%s'",
					shown, st->conf.provisioner)
		: NULL;
	sc_table_refresh(st, clusters, n);
	st->now_ms = fs_host->now_ms();
	return FS_OK;
}

/* The list that speaks for cluster entry e now; NULL when unknown. Sets
 * *bad to the annotation's error when that is all there is. */
static const struct sc_list *
sc_facts(const struct sc_state *st, const struct sc_entry *e, const char **bad)
{
	*bad = NULL;
	if (e->statik)
		return e->statik;
	if (st->conf.fetch && e->has_fetch &&
	    st->now_ms - e->fetched_ms <= (int64_t)st->conf.stale_ms)
		return &e->fetched;
	if (e->ann_error)
		*bad = e->ann_error;
	return e->ann_text && !e->ann_error ? &e->ann : NULL;
}

static enum fs_code
sc_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	  const char **reason)
{
	struct sc_state *st = state;
	const struct sc_entry *e = sc_table_entry(&st->table, c);
	const struct sc_list *list = NULL;
	const struct sc_class *cls;
	const char *bad = NULL;

	(void)cyc;
	if (e)
		list = sc_facts(st, e, &bad);
	if (bad) {
		*reason = bad;
		return FS_UNSCHEDULABLE;
	}
	if (!list) {
		if (st->conf.unknown == SC_UNKNOWN_ALLOW)
			return FS_OK;
		*reason = st->r_unknown;
		return FS_UNSCHEDULABLE;
	}
	cls = sc_list_find(list, st->req.name, st->empty);
	if (!cls)
		*reason = st->req.r_missing;
	else if (st->conf.require_expansion && !cls->expansion)
		*reason = st->req.r_no_expansion;
	else if (st->conf.provisioner && cls->provisioner != st->conf.provisioner)
		*reason = st->req.r_provisioner;
	else
		return FS_OK;
	return FS_UNSCHEDULABLE;
}

static const struct fs_sched_ops sc_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.pre_filter = sc_pre_filter,
	.filter = sc_filter,
};

static const char sc_schema[] =
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"classes\":{\"type\":\"object\",\"additionalProperties\":{\"type\":"
	"\"array\",\"items\":{\"type\":\"object\",\"required\":[\"name\"],"
	"\"properties\":{\"name\":{\"type\":\"string\"},\"default\":{\"type\":"
	"\"boolean\"},\"allowVolumeExpansion\":{\"type\":\"boolean\"},"
	"\"provisioner\":{\"type\":\"string\"}}}}},"
	"\"annotationKey\":{\"type\":\"string\",\"default\":"
	"\"fedstate.io/storage-classes\"},"
	"\"fetch\":{\"type\":\"boolean\",\"default\":false},"
	"\"refreshInterval\":{\"type\":[\"string\",\"integer\"],\"default\":\"1m\"},"
	"\"requestTimeout\":{\"type\":[\"string\",\"integer\"],\"default\":\"10s\"},"
	"\"staleAfter\":{\"type\":[\"string\",\"integer\"],\"default\":\"10m\"},"
	"\"unknown\":{\"enum\":[\"filter\",\"allow\"],\"default\":\"filter\"},"
	"\"requireVolumeExpansion\":{\"type\":\"boolean\",\"default\":false},"
	"\"provisioner\":{\"type\":\"string\"}}}";

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_SCHED, .name = "storageclass",
		 .version = "0.1.0",
		 .description = "filters clusters that lack the requested "
				"StorageClass (or a default one)",
		 .vendor = "FedState", .license = "Apache-2.0",
		 .caps = FS_CAP_PRE_FILTER | FS_CAP_FILTER,
		 .args_schema = sc_schema, .init = sc_init, .fini = sc_fini,
		 .sched = &sc_ops)
