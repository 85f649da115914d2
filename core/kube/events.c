/*
 * kube/events.c - the Event recorder (see events.h).
 */
#include "kube/events.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "net/net.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/status.h"

#define MAX_SERIES 1024
#define MAX_BUCKETS 1024

static const struct fs_kube_resource ev_new = {"events.k8s.io", "v1", "events", "Event", true};
static const struct fs_kube_resource ev_core = {"", "v1", "events", "Event", true};

struct series {
	char *key;      /* uid|type|reason|message */
	char *ns, *name; /* the Event object, once created */
	uint32_t count;
	int64_t last_ms;
	bool core;      /* created as a core/v1 Event */
};

struct bucket {
	char *uid;
	double tokens;
	int64_t at_ms;
};

struct fs_kube_recorder {
	struct fs_kube_client *client;
	char *component, *instance;
	uint32_t burst, refill_ms, dedup_ms;
	bool core;
	struct series series[MAX_SERIES];
	size_t n_series;
	struct bucket buckets[MAX_BUCKETS];
	size_t n_buckets;
	struct fs_kube_recorder_stats stats;
	struct pending *pending; /* creates in flight */
};

/* a create in flight, kept so the recorder can be freed under it */
struct pending {
	struct fs_kube_recorder *rec;
	struct fs_kube_call *call;
	cJSON *core_body;  /* the core/v1 form, for the fallback */
	char *ns;
	size_t series;     /* index, or SIZE_MAX */
	struct pending *next;
};

struct fs_kube_recorder *
fs_kube_recorder_new(struct fs_kube_client *c,
		     const struct fs_kube_recorder_opts *o)
{
	struct fs_kube_recorder *r = fs_xcalloc(1, sizeof(*r));
	r->client = c;
	r->component = fs_xstrdup(o && o->component ? o->component : "fedstate");
	char host[256] = "unknown";
	gethostname(host, sizeof(host) - 1);
	r->instance = fs_xstrdup(o && o->instance ? o->instance : host);
	r->burst = o && o->burst ? o->burst : 25;
	r->refill_ms = o && o->refill_ms ? o->refill_ms : 300000;
	r->dedup_ms = o && o->dedup_ms ? o->dedup_ms : 600000;
	return r;
}

static void
series_clear(struct series *s)
{
	free(s->key);
	free(s->ns);
	free(s->name);
	memset(s, 0, sizeof(*s));
}

void
fs_kube_recorder_free(struct fs_kube_recorder *r)
{
	if (!r)
		return;
	while (r->pending)
		fs_kube_call_cancel(r->pending->call); /* unlinks it */
	for (size_t i = 0; i < r->n_series; i++)
		series_clear(&r->series[i]);
	for (size_t i = 0; i < r->n_buckets; i++)
		free(r->buckets[i].uid);
	free(r->component);
	free(r->instance);
	free(r);
}

void
fs_kube_recorder_stats(const struct fs_kube_recorder *r,
		       struct fs_kube_recorder_stats *out)
{
	*out = r->stats;
	out->core_v1 = r->core;
}

static void
micro_time(char *buf, size_t n, bool micro)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	gmtime_r(&tv.tv_sec, &tm);
	char s[32];
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	if (micro)
		snprintf(buf, n, "%s.%06ldZ", s, (long)tv.tv_usec);
	else
		snprintf(buf, n, "%sZ", s);
}

static const char *
md_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static const char *
top_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* per-object token bucket; false when over the limit */
static bool
take_token(struct fs_kube_recorder *r, const char *uid)
{
	int64_t now = fs_now_ms();
	struct bucket *b = NULL;
	for (size_t i = 0; i < r->n_buckets; i++)
		if (!strcmp(r->buckets[i].uid, uid))
			b = &r->buckets[i];
	if (!b) {
		size_t i = r->n_buckets < MAX_BUCKETS ? r->n_buckets++
						      : (size_t)(random() % MAX_BUCKETS);
		b = &r->buckets[i];
		free(b->uid);
		b->uid = fs_xstrdup(uid);
		b->tokens = r->burst;
		b->at_ms = now;
	}
	b->tokens += (double)(now - b->at_ms) / (double)r->refill_ms;
	if (b->tokens > r->burst)
		b->tokens = r->burst;
	b->at_ms = now;
	if (b->tokens < 1.0)
		return false;
	b->tokens -= 1.0;
	return true;
}

static cJSON *
object_ref(const cJSON *obj)
{
	cJSON *ref = cJSON_CreateObject();
	cJSON_AddStringToObject(ref, "apiVersion", top_str(obj, "apiVersion"));
	cJSON_AddStringToObject(ref, "kind", top_str(obj, "kind"));
	cJSON_AddStringToObject(ref, "name", md_str(obj, "name"));
	if (md_str(obj, "namespace")[0])
		cJSON_AddStringToObject(ref, "namespace", md_str(obj, "namespace"));
	cJSON_AddStringToObject(ref, "uid", md_str(obj, "uid"));
	if (md_str(obj, "resourceVersion")[0])
		cJSON_AddStringToObject(ref, "resourceVersion", md_str(obj, "resourceVersion"));
	return ref;
}

cJSON *
fs_kube_event_subject(const cJSON *obj)
{
	static const char *const top[] = {"apiVersion", "kind"};
	static const char *const meta[] = {"name", "namespace", "uid", "resourceVersion"};
	cJSON *id = cJSON_CreateObject(), *m = cJSON_AddObjectToObject(id, "metadata");

	for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
		if (top_str(obj, top[i])[0])
			cJSON_AddStringToObject(id, top[i], top_str(obj, top[i]));
	for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++)
		if (md_str(obj, meta[i])[0])
			cJSON_AddStringToObject(m, meta[i], md_str(obj, meta[i]));
	return id;
}

static void
pending_unlink(struct pending *p)
{
	struct pending **pp = &p->rec->pending;
	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp)
		*pp = p->next;
	cJSON_Delete(p->core_body);
	free(p->ns);
	free(p);
}

static void
on_created(void *ud, struct fs_kube_result *res)
{
	struct pending *p = ud;
	struct fs_kube_recorder *r = p->rec;
	if (res->code == FS_E_NOTFOUND && !r->core && p->core_body) {
		/* no events.k8s.io here: core/v1 from now on */
		r->core = true;
		fs_info("kube", "events: events.k8s.io/v1 is not served, using core/v1 Events");
		cJSON *body = p->core_body;
		p->core_body = NULL;
		p->call = fs_kube_create(r->client, &ev_core, p->ns, body, 0, on_created, p);
		cJSON_Delete(body);
		if (p->series != SIZE_MAX)
			r->series[p->series].core = true;
		return;
	}
	if (res->code == FS_OK) {
		r->stats.created++;
		if (p->series != SIZE_MAX && r->series[p->series].key) {
			struct series *s = &r->series[p->series];
			free(s->name);
			s->name = fs_xstrdup(md_str(res->object, "name"));
		}
	} else if (res->code != FS_E_CANCELED) {
		r->stats.failed++;
		fs_warn("kube", "events: %s", res->error ? res->error : fs_strerror(res->code));
	}
	pending_unlink(p);
}

static void
on_patched(void *ud, struct fs_kube_result *res)
{
	struct fs_kube_recorder *r = ud;
	if (res->code == FS_OK)
		r->stats.updated++;
	else if (res->code != FS_E_CANCELED)
		r->stats.failed++;
}

static size_t
series_slot(struct fs_kube_recorder *r, const char *key)
{
	int64_t now = fs_now_ms();
	for (size_t i = 0; i < r->n_series; i++)
		if (r->series[i].key && !strcmp(r->series[i].key, key))
			return i;
	size_t oldest = 0;
	for (size_t i = 0; i < r->n_series; i++) {
		if (!r->series[i].key || now - r->series[i].last_ms > (int64_t)r->dedup_ms)
			return i;
		if (r->series[i].last_ms < r->series[oldest].last_ms)
			oldest = i;
	}
	if (r->n_series < MAX_SERIES)
		return r->n_series++;
	return oldest;
}

void
fs_kube_record(struct fs_kube_recorder *r, const cJSON *regarding,
	       const char *type, const char *reason, const char *action,
	       const char *fmt, ...)
{
	struct fs_buf msg = FS_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	fs_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (msg.len > 1024) { /* the API server caps note at 1 kB */
		msg.len = 1024;
		msg.data[1024] = '\0';
	}
	const char *uid = md_str(regarding, "uid");
	const char *ns = md_str(regarding, "namespace");
	if (!ns[0])
		ns = "default";
	struct fs_buf key = FS_BUF_INIT;
	fs_buf_printf(&key, "%s|%s|%s|%s|%s", uid, md_str(regarding, "name"), type,
		      reason, msg.data);
	int64_t now = fs_now_ms();
	size_t si = series_slot(r, key.data);
	struct series *s = &r->series[si];
	char ts[64];
	micro_time(ts, sizeof(ts), true);
	if (s->key && !strcmp(s->key, key.data) && s->name &&
	    now - s->last_ms <= (int64_t)r->dedup_ms) {
		/* a repeat: count it on the existing Event */
		s->count++;
		s->last_ms = now;
		char patch[256];
		if (s->core) {
			char sec[64];
			micro_time(sec, sizeof(sec), false);
			snprintf(patch, sizeof(patch), "{\"count\":%u,\"lastTimestamp\":\"%s\"}",
				 s->count, sec);
		} else {
			snprintf(patch, sizeof(patch),
				 "{\"series\":{\"count\":%u,\"lastObservedTime\":\"%s\"}}", s->count, ts);
		}
		fs_kube_patch(r->client, s->core ? &ev_core : &ev_new, s->ns, s->name,
			      FS_KUBE_MERGE_PATCH, patch, 0, on_patched, r);
		goto out;
	}
	if (!take_token(r, uid[0] ? uid : key.data)) {
		r->stats.dropped++;
		goto out;
	}
	series_clear(s);
	s->key = fs_xstrdup(key.data);
	s->ns = fs_xstrdup(ns);
	s->count = 1;
	s->last_ms = now;
	s->core = r->core;
	char name[300];
	snprintf(name, sizeof(name), "%.200s.%llx", md_str(regarding, "name"),
		 (unsigned long long)(time(NULL) * 1000000ull + (unsigned long long)(random() % 1000000)));
	/* core/v1 form (always built: it is the fallback) */
	cJSON *core = cJSON_CreateObject();
	cJSON_AddStringToObject(core, "apiVersion", "v1");
	cJSON_AddStringToObject(core, "kind", "Event");
	cJSON *cmd = cJSON_AddObjectToObject(core, "metadata");
	cJSON_AddStringToObject(cmd, "name", name);
	cJSON_AddStringToObject(cmd, "namespace", ns);
	cJSON_AddItemToObject(core, "involvedObject", object_ref(regarding));
	cJSON_AddStringToObject(core, "reason", reason);
	cJSON_AddStringToObject(core, "message", msg.data);
	cJSON_AddStringToObject(core, "type", type);
	cJSON *src = cJSON_AddObjectToObject(core, "source");
	cJSON_AddStringToObject(src, "component", r->component);
	cJSON_AddStringToObject(src, "host", r->instance);
	char sec[64];
	micro_time(sec, sizeof(sec), false);
	cJSON_AddStringToObject(core, "firstTimestamp", sec);
	cJSON_AddStringToObject(core, "lastTimestamp", sec);
	cJSON_AddNumberToObject(core, "count", 1);
	cJSON_AddStringToObject(core, "reportingComponent", r->component);
	cJSON_AddStringToObject(core, "reportingInstance", r->instance);
	struct pending *p = fs_xcalloc(1, sizeof(*p));
	p->rec = r;
	p->ns = fs_xstrdup(ns);
	p->series = si;
	p->next = r->pending;
	r->pending = p;
	if (r->core) {
		p->call = fs_kube_create(r->client, &ev_core, ns, core, 0, on_created, p);
		cJSON_Delete(core);
		goto out;
	}
	p->core_body = core;
	cJSON *ev = cJSON_CreateObject();
	cJSON_AddStringToObject(ev, "apiVersion", "events.k8s.io/v1");
	cJSON_AddStringToObject(ev, "kind", "Event");
	cJSON *md = cJSON_AddObjectToObject(ev, "metadata");
	cJSON_AddStringToObject(md, "name", name);
	cJSON_AddStringToObject(md, "namespace", ns);
	cJSON_AddStringToObject(ev, "eventTime", ts);
	cJSON_AddStringToObject(ev, "reportingController", r->component);
	cJSON_AddStringToObject(ev, "reportingInstance", r->instance);
	cJSON_AddStringToObject(ev, "action", action ? action : reason);
	cJSON_AddStringToObject(ev, "reason", reason);
	cJSON_AddStringToObject(ev, "note", msg.data);
	cJSON_AddStringToObject(ev, "type", type);
	cJSON_AddItemToObject(ev, "regarding", object_ref(regarding));
	p->call = fs_kube_create(r->client, &ev_new, ns, ev, 0, on_created, p);
	cJSON_Delete(ev);
out:
	fs_buf_release(&key);
	fs_buf_release(&msg);
}
