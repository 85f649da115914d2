/*
 * runtime/host.c - the service table handed to every plugin's init().
 *
 * Each entry forwards to the core subsystem that owns the service, in the
 * runtime of the calling instance (self): timers and background requests
 * on the runtime's pool of the process loop, requests started inside a
 * scheduling cycle on the cycle's pool (runtime.h), the cluster cache from
 * the runtime's snapshot. Timers, requests and probes belong to the
 * instance that started them: retiring it cancels them (loader.h). This
 * file only adapts signatures; keep it thin.
 */
#include "runtime/runtime_internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/apiid.h"
#include "model/estimate.h"
#include "model/quantity.h"
#include "model/selector.h"
#include "net/net.h"
#include "ops/render.h"
#include "plugin/host_json.h"
#include "sched/cycle.h"
#include "util/intern.h"
#include "util/log.h"
#include "util/status.h"

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

/* the runtime of self, or NULL with a message: an instance that is not
 * bound to a runtime (a bare loader test) has no loop to run things on */
static struct fs_runtime *
runtime_for(struct fs_plugin *self, const char *service)
{
	struct fs_runtime *rt = fs_runtime_of(self);

	if (!rt) {
		fs_error(prefix(self), "%s: this instance has no runtime to run it "
			 "in; refused", service);
		fs_plugin_set_error(self, "%s: refused: this instance has no runtime "
				    "to run it in (a bare loader, no daemon or command)",
				    service);
	}
	return rt;
}

static const char *
h_last_error(struct fs_plugin *self)
{
	return fs_plugin_last_error(self);
}

static struct fs_timer *
h_timer_start(struct fs_plugin *self, uint64_t after_ms, uint64_t repeat_ms,
	      fs_timer_fn cb, void *ud)
{
	struct fs_runtime *rt = runtime_for(self, "timer_start");
	struct fs_timer *t;

	if (!rt)
		return NULL;
	if (!cb) {
		fs_plugin_set_error(self, "timer_start: refused: no callback given");
		return NULL;
	}
	t = fs_timer_start(rt->loop, &self->owner, after_ms, repeat_ms, cb, ud);
	if (!t)
		fs_plugin_set_error(self, "timer_start: refused: the instance is "
				    "being retired");
	return t;
}

/* the ABI 1.0 size of a request: smaller ones are refused, larger ones
 * read as zero past what the plugin gave (core/net/http.c) */
#define HTTP_REQ_1_0                                                           \
	(offsetof(struct fs_http_request, key_file) + sizeof(const char *))

/* why fs_http_start refused req, for last_error (the net layer logs it) */
static void
http_refused(struct fs_plugin *self, const struct fs_http_request *req,
	     fs_http_done_fn done)
{
	if (!req)
		fs_plugin_set_error(self, "http_start: refused: no request given");
	else if (req->struct_size < HTTP_REQ_1_0)
		fs_plugin_set_error(self, "http_start: refused: struct_size %u is "
				    "smaller than ABI 1.0's %zu", req->struct_size,
				    (size_t)HTTP_REQ_1_0);
	else if (!req->url)
		fs_plugin_set_error(self, "http_start: refused: no url");
	else if (!done)
		fs_plugin_set_error(self, "http_start: refused: no done callback");
	else
		fs_plugin_set_error(self, "http_start: %.200s: refused (a header "
				    "that is not one \"Name: value\" line, no API "
				    "server for FS_HTTP_API_SERVER, or the pool could "
				    "not start it; the log says which)", req->url);
}

static struct fs_http *
h_http_start(struct fs_plugin *self, const struct fs_http_request *req,
	     fs_http_done_fn done, void *ud)
{
	struct fs_runtime *rt = runtime_for(self, "http_start");

	struct fs_http *h;

	if (!rt)
		return NULL;
	h = fs_http_start(rt->in_cycle ? rt->cycle_net : rt->net, &self->owner,
			  req, done, ud);
	if (!h)
		http_refused(self, req, done);
	return h;
}

static void
h_http_wait(struct fs_plugin *self, struct fs_http *const *reqs, size_t n,
	    int64_t deadline_ms)
{
	struct fs_runtime *rt = runtime_for(self, "http_wait");

	if (!rt)
		return;
	if (!rt->in_cycle) {
		/* outside a cycle requests run on the process loop, which must
		 * not be run from inside one of its own callbacks */
		if (fs_http_wait(rt->net, reqs, n, deadline_ms) != FS_OK) {
			fs_warn(prefix(self), "http_wait outside a scheduling cycle "
				"cannot wait here; the requests go on in the background");
			fs_plugin_set_error(self, "http_wait: refused: called from a "
					    "callback of the loop it would run; the "
					    "requests go on in the background");
		}
		return;
	}
	fs_http_wait(rt->cycle_net, reqs, n, deadline_ms);
}

static struct fs_probe *
h_tcp_probe(struct fs_plugin *self, const char *host, uint16_t port,
	    uint32_t timeout_ms, fs_probe_fn done, void *ud)
{
	struct fs_runtime *rt = runtime_for(self, "tcp_probe");
	struct fs_probe *p;

	if (!rt)
		return NULL;
	p = fs_tcp_probe(rt->net, &self->owner, host, port, timeout_ms, done, ud);
	if (!p)
		fs_plugin_set_error(self, "tcp_probe: %.100s:%u: refused (expected a "
				    "host name or address, a port 1-65535 and a done "
				    "callback)", host ? host : "(null)", (unsigned)port);
	return p;
}

/* the clusters the caller sees now (runtime.h); all NULL without one */
static const struct fs_cluster_source *
source(struct fs_plugin *self)
{
	static const struct fs_cluster_source none;
	struct fs_runtime *rt = fs_runtime_of(self);

	return rt ? fs_runtime_source(rt) : &none;
}

static uint32_t
h_cluster_count(struct fs_plugin *self)
{
	const struct fs_cluster_source *s = source(self);

	return s->count ? s->count(s->ud) : 0;
}

static const struct fs_cluster *
h_cluster_at(struct fs_plugin *self, uint32_t i)
{
	const struct fs_cluster_source *s = source(self);

	return s->at ? s->at(s->ud, i) : NULL;
}

static const struct fs_cluster *
h_cluster_find(struct fs_plugin *self, const char *name)
{
	const struct fs_cluster_source *s = source(self);

	return s->find && name ? s->find(s->ud, name) : NULL;
}

static uint64_t
h_cluster_generation(struct fs_plugin *self)
{
	const struct fs_cluster_source *s = source(self);

	return s->generation ? s->generation(s->ud) : 0;
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

	/* ABI 1.1 */
	.last_error = h_last_error,
	.json_get_mut = fs_hjson_get_mut,
};

const struct fs_host *
fs_host_table(void)
{
	return &host_table;
}
