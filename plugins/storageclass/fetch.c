/*
 * plugins/storageclass/fetch.c - background refresh of every cluster's
 * StorageClasses through Karmada's cluster proxy:
 *
 *   GET /apis/cluster.karmada.io/v1alpha1/clusters/<name>/proxy/apis/
 *       storage.k8s.io/v1/storageclasses
 *
 * on the Karmada API server (FS_HTTP_API_SERVER: the host adds address, TLS
 * and credentials). One request per cluster per refreshInterval, never two
 * at once for the same cluster. A failed fetch keeps the previous list until
 * it is older than staleAfter. Never on the scheduling path. The instance
 * owns its timer and requests: retiring it cancels them before fini.
 */
#include "sc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SC_PROXY_PATH                                                          \
	"/apis/cluster.karmada.io/v1alpha1/clusters/%s/proxy/apis/"             \
	"storage.k8s.io/v1/storageclasses"

/* Owned by one request; freed in its callback. */
struct sc_fetch_ctx {
	struct sc_state *st;
	const char *name; /* interned cluster name */
};

static void
log_failure(struct sc_state *st, const char *name, const char *why)
{
	fs_host->log(st->self, FS_LOG_WARN,
		     "cluster %s: fetching StorageClasses through the cluster "
		     "proxy failed: %s; keeping the previous list until it is "
		     "stale", name, why);
}

static void
fetch_done(void *ud, const struct fs_http_response *resp)
{
	struct sc_fetch_ctx *ctx = ud;
	struct sc_state *st = ctx->st;
	struct sc_entry *e;
	struct fs_json *doc = NULL;
	struct sc_list list = {0};
	char err[200], why[320];

	e = sc_table_find(&st->table, ctx->name);
	if (e)
		e->http = NULL;
	if (resp->code == FS_E_CANCELED) {
		/* the instance is being retired (the host cancels what it owns
		 * before fini) */
	} else if (resp->code != FS_OK) {
		snprintf(why, sizeof why, "%s", resp->error ? resp->error
					  : fs_host->strerror(resp->code));
		log_failure(st, ctx->name, why);
	} else if (resp->status != 200) {
		/* the body of an error is a Status object: show its message */
		const char *msg;

		doc = fs_host->json_parse(resp->body, resp->body_len, err, sizeof err);
		msg = fs_host->json_string(fs_host->json_get(doc, "message"));
		snprintf(why, sizeof why, "HTTP %ld%s%.200s", resp->status,
			 msg ? ": " : "", msg ? msg : "");
		log_failure(st, ctx->name, why);
	} else if (!(doc = fs_host->json_parse(resp->body, resp->body_len, err,
					       sizeof err))) {
		snprintf(why, sizeof why, "response is not JSON: %s", err);
		log_failure(st, ctx->name, why);
	} else if (sc_list_from_k8s(doc, &list, err, sizeof err) != FS_OK) {
		snprintf(why, sizeof why, "unexpected StorageClassList: %s", err);
		log_failure(st, ctx->name, why);
	} else if (e) {
		sc_list_free(&e->fetched);
		e->fetched = list;
		e->has_fetch = true;
		e->fetched_ms = fs_host->now_ms();
		list = (struct sc_list){0};
		fs_host->log(st->self, FS_LOG_DEBUG,
			     "cluster %s: %u StorageClass(es) fetched", ctx->name,
			     e->fetched.n);
	}
	sc_list_free(&list);
	fs_host->json_free(doc);
	free(ctx);
}

static void
fetch_round(void *ud)
{
	struct sc_state *st = ud;
	char path[512];

	sc_table_refresh(st, NULL, 0);
	for (uint32_t i = 0; i < st->table.n; i++) {
		struct sc_entry *e = &st->table.e[i];
		struct fs_http_request req = {
			.struct_size = sizeof req,
			.method = "GET",
			.url = path,
			.timeout_ms = (uint32_t)st->conf.timeout_ms,
			.flags = FS_HTTP_API_SERVER,
		};
		struct sc_fetch_ctx *ctx;

		if (!e->cluster || e->http || e->statik)
			continue;
		if ((size_t)snprintf(path, sizeof path, SC_PROXY_PATH, e->name) >=
		    sizeof path)
			continue; /* cluster names are DNS labels; cannot happen */
		ctx = malloc(sizeof *ctx);
		if (!ctx)
			return;
		*ctx = (struct sc_fetch_ctx){st, e->name};
		e->http = fs_host->http_start(st->self, &req, fetch_done, ctx);
		if (!e->http) {
			free(ctx);
			fs_host->log(st->self, FS_LOG_WARN,
				     "cluster %s: cannot start the StorageClass "
				     "fetch", e->name);
		}
	}
}

enum fs_code
sc_fetch_start(struct sc_state *st)
{
	st->timer = fs_host->timer_start(st->self, 0, st->conf.refresh_ms,
					 fetch_round, st);
	return st->timer ? FS_OK : FS_E_NOMEM;
}

/* the timer only: the host cancels the instance's requests before fini */
void
sc_fetch_stop(struct sc_state *st)
{
	fs_host->timer_stop(st->timer);
	st->timer = NULL;
}

void
sc_state_free(struct sc_state *st)
{
	sc_table_release(&st->table);
	for (uint32_t i = 0; i < st->conf.n_statics; i++)
		sc_list_free(&st->conf.statics[i].list);
	free(st->conf.statics);
	free(st);
}
