/*
 * plugin/host.c - the service table handed to every plugin's init().
 *
 * Each entry forwards to the core subsystem that owns the service; this
 * file only adapts signatures (adds the plugin's log prefix, resolves the
 * calling instance). Keep it thin.
 */
#include "plugin/host.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/apiid.h"
#include "model/estimate.h"
#include "model/quantity.h"
#include "model/selector.h"
#include "model/snapshot.h"
#include "net/net.h"
#include "ops/render.h"
#include "plugin/host_json.h"
#include "plugin/loader.h"
#include "sched/cycle.h"
#include "util/intern.h"
#include "util/log.h"
#include "util/status.h"

static struct fs_cluster_source clusters;

void
fs_host_set_cluster_source(const struct fs_cluster_source *src)
{
	if (src)
		clusters = *src;
	else
		memset(&clusters, 0, sizeof clusters);
}

static uint32_t
snap_count(void *ud)
{
	return fs_snapshot_count(ud);
}

static const struct fs_cluster *
snap_at(void *ud, uint32_t i)
{
	return fs_snapshot_at(ud, i);
}

static const struct fs_cluster *
snap_find(void *ud, const char *name)
{
	return fs_snapshot_find(ud, name);
}

static uint64_t
snap_generation(void *ud)
{
	return fs_snapshot_generation(ud);
}

void
fs_host_use_snapshot(struct fs_snapshot *snap)
{
	struct fs_cluster_source src = {snap_count, snap_at, snap_find,
					 snap_generation, snap};
	fs_host_set_cluster_source(snap ? &src : NULL);
}

static const char *
prefix(struct fs_plugin *self)
{
	return self && self->log_prefix ? self->log_prefix : "plugin";
}

static void
h_vlog(struct fs_plugin *self, enum fs_log_level level, const char *fmt, va_list ap)
{
	fs_vlog(level, prefix(self), fmt, ap);
}

static void
h_log(struct fs_plugin *self, enum fs_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fs_vlog(level, prefix(self), fmt, ap);
	va_end(ap);
}

static bool
h_log_enabled(struct fs_plugin *self, enum fs_log_level level)
{
	(void)self;
	return fs_log_enabled(level);
}

static char *
h_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int64_t
h_wall_time(void)
{
	return (int64_t)time(NULL);
}

static struct fs_timer *
h_timer_start(struct fs_plugin *self, uint64_t after_ms, uint64_t repeat_ms,
	      fs_timer_fn cb, void *ud)
{
	(void)self;
	return fs_timer_start(after_ms, repeat_ms, cb, ud);
}

static struct fs_http *
h_http_start(struct fs_plugin *self, const struct fs_http_request *req,
	     fs_http_done_fn done, void *ud)
{
	(void)self;
	return fs_http_start(req, done, ud);
}

static void
h_http_wait(struct fs_plugin *self, struct fs_http *const *reqs, size_t n,
	    int64_t deadline_ms)
{
	(void)self;
	fs_http_wait(reqs, n, deadline_ms);
}

static struct fs_probe *
h_tcp_probe(struct fs_plugin *self, const char *host, uint16_t port,
	    uint32_t timeout_ms, fs_probe_fn done, void *ud)
{
	(void)self;
	return fs_tcp_probe(host, port, timeout_ms, done, ud);
}

static uint32_t
h_cluster_count(struct fs_plugin *self)
{
	(void)self;
	return clusters.count ? clusters.count(clusters.ud) : 0;
}

static const struct fs_cluster *
h_cluster_at(struct fs_plugin *self, uint32_t i)
{
	(void)self;
	return clusters.at ? clusters.at(clusters.ud, i) : NULL;
}

static const struct fs_cluster *
h_cluster_find(struct fs_plugin *self, const char *name)
{
	(void)self;
	return clusters.find && name ? clusters.find(clusters.ud, name) : NULL;
}

static uint64_t
h_cluster_generation(struct fs_plugin *self)
{
	(void)self;
	return clusters.generation ? clusters.generation(clusters.ud) : 0;
}

static const char *
h_cycle_printf(struct fs_cycle *cyc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *s = fs_cycle_vprintf(cyc, fmt, ap);
	va_end(ap);
	return s;
}

static const struct fs_host host_table = {
	.struct_size = sizeof(struct fs_host),
	.abi_major = FS_ABI_MAJOR,
	.abi_minor = FS_ABI_MINOR,
	.host_version = FS_VERSION_STRING,

	.log = h_log,
	.vlog = h_vlog,
	.log_enabled = h_log_enabled,

	.alloc = malloc,
	.calloc = calloc,
	.realloc = realloc,
	.free = free,
	.strdup = h_strdup,

	.strerror = fs_strerror,
	.code_name = fs_code_name,
	.intern = fs_intern,

	.json_parse = fs_hjson_parse,
	.json_print = fs_hjson_print,
	.json_free = fs_hjson_free,
	.json_type = fs_hjson_type,
	.json_get = fs_hjson_get,
	.json_path = fs_hjson_path,
	.json_string = fs_hjson_string,
	.json_int = fs_hjson_int,
	.json_double = fs_hjson_double,
	.json_bool = fs_hjson_bool,
	.json_size = fs_hjson_size,
	.json_at = fs_hjson_at,
	.json_key_at = fs_hjson_key_at,
	.json_new = fs_hjson_new,
	.json_new_string = fs_hjson_new_string,
	.json_new_int = fs_hjson_new_int,
	.json_new_double = fs_hjson_new_double,
	.json_set = fs_hjson_set,
	.json_append = fs_hjson_append,
	.json_remove = fs_hjson_remove,
	.json_dup = fs_hjson_dup,
	.json_equal = fs_hjson_equal,

	.wall_time = h_wall_time,
	.now_ms = fs_now_ms,
	.timer_start = h_timer_start,
	.timer_stop = fs_timer_stop,
	.http_start = h_http_start,
	.http_cancel = fs_http_cancel,
	.http_wait = h_http_wait,
	.tcp_probe = h_tcp_probe,

	.cluster_count = h_cluster_count,
	.cluster_at = h_cluster_at,
	.cluster_find = h_cluster_find,
	.cluster_generation = h_cluster_generation,
	.api_id = fs_api_id,

	.cycle_binding = fs_cycle_binding,
	.cycle_affinity_term = fs_cycle_affinity_term,
	.cycle_put = fs_cycle_put,
	.cycle_get = fs_cycle_get,
	.cycle_printf = h_cycle_printf,
	.cycle_set_available = fs_cycle_set_available,
	.cycle_available = fs_cycle_available,

	.quantity_parse = fs_quantity_parse,
	.label_selector_matches = fs_label_selector_matches,
	.affinity_matches = fs_affinity_matches,
	.general_estimate = fs_general_estimate,
	.render_lookup = fs_render_lookup,
	.render_cluster_label = fs_render_cluster_label,
	.render_emit = fs_render_emit,
	.render_need_pass = fs_render_need_pass,
};

const struct fs_host *
fs_host_table(void)
{
	return &host_table;
}
