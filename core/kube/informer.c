/*
 * kube/informer.c - list + watch into a cache (see informer.h).
 *
 * States: listing (pages accumulate into `next`), watching (a stream from
 * `rv`), waiting (a backoff timer before the next list or watch).
 */
#include "kube/informer.h"

#include <stdlib.h>
#include <string.h>

#include "kube/cache.h"
#include "kube/client_internal.h"
#include "util/log.h"

struct fs_kube_informer {
	struct fs_kube_client *client;
	struct fs_kube_resource res;
	char *group, *version, *plural, *kind;
	char *ns, *label_selector, *field_selector;
	uint32_t page_size, resync_ms, watch_timeout_s;
	uint32_t backoff_base_ms, backoff_max_ms;
	struct fs_kube_handlers h;
	void *ud;
	struct fs_kube_cache cache;
	struct fs_kube_cache next; /* the list being assembled */
	bool listing_pages;
	char *rv;
	char *cont;
	bool synced;
	bool running;
	uint32_t failures;
	struct fs_kube_call *call;
	struct fs_kube_stream *stream;
	struct fs_timer *timer;
	struct fs_timer *resync;
	struct fs_kube_informer_stats stats;
};

static void inf_list(struct fs_kube_informer *inf);
static void inf_watch(struct fs_kube_informer *inf);

static char *dup_or_null(const char *s) { return s ? fs_xstrdup(s) : NULL; }

struct fs_kube_informer *
fs_kube_informer_new(struct fs_kube_client *c,
		     const struct fs_kube_informer_opts *o,
		     const struct fs_kube_handlers *h,
		     void *ud)
{
	struct fs_kube_informer *inf = fs_xcalloc(1, sizeof(*inf));
	inf->client = c;
	inf->group = fs_xstrdup(o->res->group ? o->res->group : "");
	inf->version = fs_xstrdup(o->res->version);
	inf->plural = fs_xstrdup(o->res->plural);
	inf->kind = dup_or_null(o->res->kind);
	inf->res = (struct fs_kube_resource){inf->group, inf->version, inf->plural,
					     inf->kind, o->res->namespaced};
	inf->ns = fs_xstrdup(o->ns ? o->ns : fs_kube_client_namespace(c));
	inf->label_selector = dup_or_null(o->label_selector);
	inf->field_selector = dup_or_null(o->field_selector);
	inf->page_size = o->page_size ? o->page_size : 500;
	inf->resync_ms = o->resync_ms;
	inf->watch_timeout_s = o->watch_timeout_s ? o->watch_timeout_s : 300;
	inf->backoff_base_ms = o->backoff_base_ms ? o->backoff_base_ms : 200;
	inf->backoff_max_ms = o->backoff_max_ms ? o->backoff_max_ms : 30000;
	if (h)
		inf->h = *h;
	inf->ud = ud;
	inf->rv = fs_xstrdup("");
	fs_kube_cache_init(&inf->cache);
	return inf;
}

static void
inf_stop_io(struct fs_kube_informer *inf)
{
	fs_timer_stop(inf->timer);
	inf->timer = NULL;
	if (inf->call) {
		struct fs_kube_call *call = inf->call;
		inf->call = NULL;
		fs_kube_call_cancel(call);
	}
	fs_kube_stream_stop(inf->stream);
	inf->stream = NULL;
}

void
fs_kube_informer_free(struct fs_kube_informer *inf)
{
	if (!inf)
		return;
	inf->running = false;
	inf_stop_io(inf);
	fs_timer_stop(inf->resync);
	if (inf->listing_pages)
		fs_kube_cache_release(&inf->next);
	fs_kube_cache_release(&inf->cache);
	free(inf->group);
	free(inf->version);
	free(inf->plural);
	free(inf->kind);
	free(inf->ns);
	free(inf->label_selector);
	free(inf->field_selector);
	free(inf->rv);
	free(inf->cont);
	free(inf);
}

bool fs_kube_informer_synced(const struct fs_kube_informer *inf) { return inf->synced; }
size_t fs_kube_informer_count(const struct fs_kube_informer *inf) { return inf->cache.n; }
const char *fs_kube_informer_rv(const struct fs_kube_informer *inf) { return inf->rv; }

void
fs_kube_informer_stats(const struct fs_kube_informer *inf,
		       struct fs_kube_informer_stats *out)
{
	*out = inf->stats;
}

const cJSON *
fs_kube_informer_get(const struct fs_kube_informer *inf,
		     const char *ns, const char *name)
{
	struct fs_buf b = FS_BUF_INIT;
	if (ns && ns[0])
		fs_buf_printf(&b, "%s/", ns);
	fs_buf_adds(&b, name);
	struct fs_kube_cache_entry *e = fs_kube_cache_get(&inf->cache, b.data);
	fs_buf_release(&b);
	return e ? e->obj : NULL;
}

static void
set_rv(struct fs_kube_informer *inf, const char *rv)
{
	if (!rv || !rv[0])
		return;
	free(inf->rv);
	inf->rv = fs_xstrdup(rv);
}

/* ------------------------------------------------------------ retries */

static void
inf_on_timer(void *ud)
{
	struct fs_kube_informer *inf = ud;
	fs_timer_stop(inf->timer);
	inf->timer = NULL;
	if (!inf->running)
		return;
	if (inf->synced && inf->rv[0])
		inf_watch(inf);
	else
		inf_list(inf);
}

static void
inf_retry(struct fs_kube_informer *inf, bool relist)
{
	uint64_t d = inf->backoff_base_ms;
	for (uint32_t i = 0; i < inf->failures && d < inf->backoff_max_ms; i++)
		d *= 2;
	if (d > inf->backoff_max_ms)
		d = inf->backoff_max_ms;
	d = (uint64_t)((double)d * (0.5 + (double)(random() % 1000) / 1000.0));
	inf->failures++;
	if (relist) {
		free(inf->rv);
		inf->rv = fs_xstrdup("");
	}
	fs_debug("kube", "informer %s: %s in %llu ms", inf->plural,
		 relist || !inf->rv[0] ? "list" : "watch", (unsigned long long)d);
	inf->timer = fs_timer_start(fs_kube_client_loop(inf->client), NULL, d, 0, inf_on_timer, inf);
}

/* ------------------------------------------------------------ list */

struct diff_ctx {
	struct fs_kube_informer *inf;
	struct fs_kube_cache *fresh;
};

/* objects in the old cache that the new list lacks: deleted meanwhile */
static void
diff_deleted(void *ud, struct fs_kube_cache_entry *e)
{
	struct diff_ctx *d = ud;
	if (!fs_kube_cache_get(d->fresh, e->key) && d->inf->h.on_delete) {
		d->inf->stats.events++;
		d->inf->h.on_delete(d->inf->ud, e->obj);
	}
}

static void
diff_present(void *ud, struct fs_kube_cache_entry *e)
{
	struct diff_ctx *d = ud;
	struct fs_kube_informer *inf = d->inf;
	struct fs_kube_cache_entry *old = fs_kube_cache_get(&inf->cache, e->key);
	if (!old) {
		inf->stats.events++;
		if (inf->h.on_add)
			inf->h.on_add(inf->ud, e->obj);
	} else if (strcmp(old->rv, e->rv)) {
		inf->stats.events++;
		if (inf->h.on_update)
			inf->h.on_update(inf->ud, old->obj, e->obj);
	}
}

static void
inf_list_complete(struct fs_kube_informer *inf, const char *list_rv)
{
	struct diff_ctx d = {inf, &inf->next};
	fs_kube_cache_each(&inf->cache, diff_deleted, &d);
	fs_kube_cache_each(&inf->next, diff_present, &d);
	fs_kube_cache_release(&inf->cache);
	inf->cache = inf->next;
	inf->listing_pages = false;
	memset(&inf->next, 0, sizeof(inf->next));
	set_rv(inf, list_rv);
	inf->stats.lists++;
	inf->failures = 0;
	if (!inf->synced) {
		inf->synced = true;
		if (inf->h.on_synced)
			inf->h.on_synced(inf->ud);
	}
	if (inf->running)
		inf_watch(inf);
}

static void
inf_on_list(void *ud, struct fs_kube_result *res)
{
	struct fs_kube_informer *inf = ud;
	inf->call = NULL;
	if (!inf->running)
		return;
	if (res->code != FS_OK) {
		fs_warn("kube", "informer %s: %s", inf->plural, res->error ? res->error
								 : fs_strerror(res->code));
		if (inf->listing_pages) {
			fs_kube_cache_release(&inf->next);
			inf->listing_pages = false;
		}
		free(inf->cont);
		inf->cont = NULL;
		inf_retry(inf, true);
		return;
	}
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(res->object, "items");
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(res->object, "metadata");
	const cJSON *it;
	cJSON_ArrayForEach(it, items)
	{
		char *key = fs_kube_cache_key(it);
		if (!key)
			continue;
		cJSON_Delete(fs_kube_cache_put(&inf->next, key, cJSON_Duplicate(it, true)));
		free(key);
	}
	const cJSON *cont = cJSON_GetObjectItemCaseSensitive(md, "continue");
	free(inf->cont);
	inf->cont = cJSON_IsString(cont) && cont->valuestring[0]
			    ? fs_xstrdup(cont->valuestring) : NULL;
	if (inf->cont) {
		inf_list(inf);
		return;
	}
	const cJSON *rv = cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");
	inf_list_complete(inf, cJSON_IsString(rv) ? rv->valuestring : "");
}

static void
inf_list(struct fs_kube_informer *inf)
{
	if (!inf->listing_pages) {
		fs_kube_cache_init(&inf->next);
		inf->listing_pages = true;
	}
	struct fs_kube_list_opts lo = {
		.label_selector = inf->label_selector,
		.field_selector = inf->field_selector,
		.limit = inf->page_size,
		.continue_token = inf->cont,
	};
	inf->call = fs_kube_list(inf->client, &inf->res, inf->ns, &lo, inf_on_list, inf);
}

/* ------------------------------------------------------------ watch */

static enum fs_code
inf_on_event(void *ud, struct fs_kube_event *ev)
{
	struct fs_kube_informer *inf = ud;
	inf->failures = 0;
	if (ev->type == FS_KUBE_BOOKMARK) {
		set_rv(inf, ev->rv);
		return FS_OK;
	}
	char *key = fs_kube_cache_key(ev->object);
	if (!key)
		return FS_OK;
	if (ev->type == FS_KUBE_DELETED) {
		cJSON *old = fs_kube_cache_remove(&inf->cache, key);
		if (old) {
			inf->stats.events++;
			if (inf->h.on_delete)
				inf->h.on_delete(inf->ud, ev->object);
			cJSON_Delete(old);
		}
	} else {
		struct fs_kube_cache_entry *e = fs_kube_cache_get(&inf->cache, key);
		if (!e || strcmp(e->rv, ev->rv ? ev->rv : "")) { /* same version: a repeat */
			cJSON *obj = ev->object;
			ev->object = NULL;
			cJSON *old = fs_kube_cache_put(&inf->cache, key, obj);
			inf->stats.events++;
			if (old && inf->h.on_update)
				inf->h.on_update(inf->ud, old, obj);
			else if (!old && inf->h.on_add)
				inf->h.on_add(inf->ud, obj);
			cJSON_Delete(old);
		}
	}
	free(key);
	set_rv(inf, ev->rv);
	return FS_OK;
}

static void
inf_on_end(void *ud, enum fs_code code, const char *error)
{
	struct fs_kube_informer *inf = ud;
	inf->stream = NULL;
	if (!inf->running)
		return;
	/* a version the server has not reached (a server that lost its
	 * state): list again, as client-go's reflector does */
	bool too_large = error && strstr(error, "Too large resource version");
	if (code == FS_E_GONE || too_large) {
		inf->stats.gone++;
		fs_info("kube", "informer %s: resourceVersion %s is %s, listing again",
			inf->plural, inf->rv, too_large ? "ahead of the server" : "gone");
		free(inf->rv);
		inf->rv = fs_xstrdup("");
		inf_list(inf);
		return;
	}
	if (code == FS_OK) { /* the server's timeout: go on from rv */
		inf_watch(inf);
		return;
	}
	fs_warn("kube", "informer %s: watch ended: %s", inf->plural,
		error ? error : fs_strerror(code));
	inf_retry(inf, false);
}

static void
inf_watch(struct fs_kube_informer *inf)
{
	/* vary the server timeout so that many informers do not reconnect
	 * at the same moment */
	uint32_t t = inf->watch_timeout_s + (uint32_t)(random() % (inf->watch_timeout_s / 2 + 1));
	struct fs_kube_watch_opts wo = {
		.resource_version = inf->rv,
		.label_selector = inf->label_selector,
		.field_selector = inf->field_selector,
		.bookmarks = true,
		.timeout_s = t,
		/* the server ends the stream after t; silence well past that
		 * means a dead connection (e.g. a peer gone without a FIN):
		 * drop it and go on from rv */
		.idle_s = t + 30,
	};
	inf->stats.watches++;
	inf->stream = fs_kube_watch(inf->client, &inf->res, inf->ns, &wo, inf_on_event,
				    inf_on_end, inf);
}

static void
resync_one(void *ud, struct fs_kube_cache_entry *e)
{
	struct fs_kube_informer *inf = ud;
	if (inf->h.on_update)
		inf->h.on_update(inf->ud, e->obj, e->obj);
}

static void
inf_on_resync(void *ud)
{
	struct fs_kube_informer *inf = ud;
	if (inf->synced)
		fs_kube_cache_each(&inf->cache, resync_one, inf);
}

void
fs_kube_informer_start(struct fs_kube_informer *inf)
{
	if (inf->running)
		return;
	inf->running = true;
	if (inf->resync_ms)
		inf->resync = fs_timer_start(fs_kube_client_loop(inf->client), NULL, inf->resync_ms,
					     inf->resync_ms, inf_on_resync, inf);
	inf_list(inf);
}

struct each_ctx {
	void (*fn)(void *ud, const char *key, const cJSON *obj);
	void *ud;
};

static void
each_entry(void *ud, struct fs_kube_cache_entry *e)
{
	struct each_ctx *c = ud;

	c->fn(c->ud, e->key, e->obj);
}

void
fs_kube_informer_each(const struct fs_kube_informer *inf,
		      void (*fn)(void *ud, const char *key, const cJSON *obj),
		      void *ud)
{
	struct each_ctx c = {fn, ud};

	fs_kube_cache_each(&inf->cache, each_entry, &c);
}
