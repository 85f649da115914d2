/*
 * plugins/estimator/service.c - asking every candidate cluster's
 * karmada-scheduler-estimator at once: one gRPC call per cluster on the
 * host's connection pool, one deadline for all (host->http_wait), so N
 * estimators cost about one round trip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "est.h"
#include "wire.h"

struct call {
	struct est *st;
	const char *cluster;
	int32_t *out;
	bool answered;
};

static uint32_t
hash_ptr(const char *p)
{
	uint64_t v = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;
	return (uint32_t)(v >> 32);
}

static struct est_peer *
peer_slot(struct est_peer *t, uint32_t cap, const char *cluster)
{
	for (uint32_t i = hash_ptr(cluster) & (cap - 1);; i = (i + 1) & (cap - 1))
		if (t[i].cluster == cluster || !t[i].cluster)
			return &t[i];
}

static bool
peers_grow(struct est *st)
{
	uint32_t cap = st->peers_cap ? st->peers_cap * 2 : 64;
	struct est_peer *t = fs_host->calloc(cap, sizeof(*t));

	if (!t)
		return false;
	for (uint32_t i = 0; i < st->peers_cap; i++)
		if (st->peers[i].cluster)
			*peer_slot(t, cap, st->peers[i].cluster) = st->peers[i];
	fs_host->free(st->peers);
	st->peers = t;
	st->peers_cap = cap;
	return true;
}

struct est_peer *
est_peer_of(struct est *st, const char *cluster)
{
	const struct est_conf *cf = &st->conf;
	struct est_peer *e;
	const char *hostport = NULL;
	char buf[512];

	if (st->peers_cap) {
		e = peer_slot(st->peers, st->peers_cap, cluster);
		if (e->cluster)
			return e;
	}
	if ((st->peers_n + 1) * 4 > st->peers_cap * 3 && !peers_grow(st))
		return NULL;
	for (uint32_t i = 0; i < cf->n_addrs; i++)
		if (cf->addrs[i].cluster == cluster)
			hostport = cf->addrs[i].hostport;
	if (!est_format_url(buf, sizeof(buf), cf->tls, hostport, cf->prefix, cluster,
			    cf->namespace_, (long long)cf->port))
		return NULL;
	e = peer_slot(st->peers, st->peers_cap, cluster);
	if (!(e->url = fs_host->strdup(buf)))
		return NULL;
	e->cluster = cluster;
	e->listed = hostport != NULL;
	st->peers_n++;
	return e;
}

void
est_peers_release(struct est *st)
{
	for (uint32_t i = 0; i < st->peers_cap; i++)
		fs_host->free(st->peers[i].url);
	fs_host->free(st->peers);
	st->peers = NULL;
	st->peers_cap = st->peers_n = 0;
}

/* the call got no answer and the cycle waited for it: back off (est.h).
 * The peer is looked up again: the table may have grown since the call
 * started. */
static void
back_off(struct est *st, const char *cluster, const char *why)
{
	struct est_peer *e = est_peer_of(st, cluster);
	uint64_t next;

	if (!e)
		return;
	next = e->backoff_ms ? (uint64_t)e->backoff_ms * 8 / 5 : EST_BACKOFF_FIRST_MS;
	e->backoff_ms = (uint32_t)(next < EST_BACKOFF_MAX_MS ? next : EST_BACKOFF_MAX_MS);
	e->down_until_ms = fs_host->now_ms() + e->backoff_ms;
	snprintf(e->down_why, sizeof(e->down_why), "%s", why);
}

static void
call_done(void *ud, const struct fs_http_response *r)
{
	struct call *c = ud;
	struct est *st = c->st;
	struct est_peer *e;
	char msg[160], why[200];
	int32_t max = 0;
	int gs;

	if (r->code == FS_E_TIMEOUT || r->code == FS_E_CANCELED) {
		snprintf(why, sizeof(why), "no answer within the deadline (%llu ms)",
			 (unsigned long long)st->conf.timeout_ms);
		est_fail(st, c->cluster, "%s", why);
		back_off(st, c->cluster, why);
		return;
	}
	if (r->code != FS_OK) {
		/* the host's text starts with "POST <url>: "; the cluster says
		 * enough, keep what went wrong */
		const char *text = r->error ? r->error : fs_host->strerror(r->code);
		const char *tail = strstr(text, EST_METHOD_PATH ": ");

		text = tail ? tail + strlen(EST_METHOD_PATH ": ") : text;
		est_fail(st, c->cluster, "%s", text);
		back_off(st, c->cluster, text);
		return;
	}
	/* an answer, even an error status: the estimator is reachable */
	if ((e = est_peer_of(st, c->cluster)))
		e->backoff_ms = 0, e->down_until_ms = 0;
	gs = est_grpc_status(r->headers, r->n_headers, msg, sizeof(msg));
	if (gs > 0) {
		est_fail(st, c->cluster, "grpc status %d %s: %s", gs,
			 est_grpc_code_name(gs), msg[0] ? msg : "(no message)");
		return;
	}
	if (r->status != 200) {
		est_fail(st, c->cluster, "http status %ld, expected 200", r->status);
		return;
	}
	if (gs < 0) {
		est_fail(st, c->cluster, "response without grpc-status");
		return;
	}
	if (est_decode_response(r->body, r->body_len, &max, why, sizeof(why)) != FS_OK) {
		est_fail(st, c->cluster, "%s", why);
		return;
	}
	if (max < 0) {
		est_fail(st, c->cluster, "maxReplicas %d is negative", max);
		return;
	}
	*c->out = max;
	c->answered = true;
}

void
est_ask_services(struct est *st, const struct fs_binding *b,
		 const struct fs_cluster *const *clusters, uint32_t n, int32_t *out)
{
	const struct est_conf *cf = &st->conf;
	char timeout[48], object[400];
	const char *hdrs[] = {"content-type: application/grpc", "te: trailers",
			      "user-agent: fedstate-estimator/" FS_VERSION_STRING,
			      timeout, object, NULL};
	struct fs_http_request req = {
		.struct_size = sizeof(req), .method = "POST", .headers = hdrs,
		/* the deadline is http_wait's; curl's own limit is a backstop */
		.timeout_ms = (uint32_t)cf->timeout_ms + 1000,
		.flags = (cf->tls ? FS_HTTP_H2 : FS_HTTP_H2_PRIOR_KNOWLEDGE) |
			 (cf->insecure ? FS_HTTP_INSECURE : 0),
		.ca_file = cf->ca_file, .cert_file = cf->cert_file,
		.key_file = cf->key_file};
	int64_t now = fs_host->now_ms();
	struct est_cache_set *set = NULL;
	struct call *calls;
	struct fs_http **handles;
	uint32_t k = 0;

	for (uint32_t i = 0; i < n; i++)
		out[i] = -1;
	if (!n)
		return;
	calls = fs_host->calloc(n ? n : 1, sizeof(*calls));
	handles = fs_host->calloc(n ? n : 1, sizeof(*handles));
	if (!calls || !handles) {
		fs_host->free(calls);
		fs_host->free(handles);
		est_fail(st, clusters[0]->name, "out of memory");
		return;
	}
	/* gRPC deadline in milliseconds; metadata `object` as Karmada sends */
	snprintf(timeout, sizeof(timeout), "grpc-timeout: %llum",
		 (unsigned long long)cf->timeout_ms);
	snprintf(object, sizeof(object), "object: kind=%s, name=%s/%s",
		 b->resource.kind ? b->resource.kind : "",
		 b->resource.namespace_ ? b->resource.namespace_ : "",
		 b->resource.name ? b->resource.name : "");
	pb_reset(&st->req);
	if (!est_encode_requirements(&st->req, b, st->i_cpu)) {
		for (uint32_t i = 0; i < n; i++)
			est_fail(st, clusters[i]->name, "%u resource requests, at most %d "
				 "can be sent", b->n_requests, EST_MAX_RESOURCES);
		fs_host->free(calls);
		fs_host->free(handles);
		return;
	}
	if (st->cache && cf->cache_ttl_ms && !st->req.failed)
		set = est_cache_set(st->cache, st->req.data, st->req.len, now);
	for (uint32_t i = 0; i < n; i++) {
		const char *name = clusters[i]->name;
		struct est_peer *e;
		struct fs_http *h;

		if (est_cache_get(set, name, now, &out[i]))
			continue;
		e = est_peer_of(st, name);
		/* a cluster that runs no estimator: the general estimate alone */
		if (e && cf->addresses_only && !e->listed)
			continue;
		if (e && now < e->down_until_ms) {
			est_fail(st, name, "not called for %lld ms more: backing off "
				 "after %s", (long long)(e->down_until_ms - now),
				 e->down_why);
			continue;
		}
		calls[i] = (struct call){.st = st, .cluster = name, .out = &out[i]};
		req.url = e ? e->url : NULL;
		est_encode_request(&st->frame, name, st->req.data, st->req.len);
		if (!req.url || st->req.failed || st->frame.failed) {
			est_fail(st, name, "out of memory building the request");
			continue;
		}
		req.body = st->frame.data;
		req.body_len = st->frame.len;
		st->fails.total_calls++;
		if (!(h = fs_host->http_start(st->self, &req, call_done, &calls[i])))
			est_fail(st, name, "cannot start a call to %s", req.url);
		else
			handles[k++] = h;
	}
	if (k)
		fs_host->http_wait(st->self, handles, k, now + (int64_t)cf->timeout_ms);
	for (uint32_t i = 0; set && i < n; i++)
		if (calls[i].answered)
			est_cache_put(set, calls[i].cluster, out[i],
				      now + (int64_t)cf->cache_ttl_ms);
	fs_host->free(calls);
	fs_host->free(handles);
}
