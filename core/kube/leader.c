/*
 * kube/leader.c - Lease-based leader election (see leader.h).
 */
#include "kube/leader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "net/net.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/status.h"

static const struct fs_kube_resource lease_res = {
	"coordination.k8s.io", "v1", "leases", "Lease", true};

struct fs_kube_leader {
	struct fs_kube_client *client;
	char *ns, *name, *identity;
	uint32_t lease_ms, renew_deadline_ms, retry_ms;
	struct fs_kube_leader_opts o;
	bool leading;
	bool stopping;
	int64_t last_renew_ms;   /* when our last successful acquire/renew was sent */
	int64_t sent_ms;         /* when the acquire/renew in flight was sent */
	char *observed;          /* the lease's holder+renewTime when it last changed */
	int64_t observed_ms;
	char *holder;
	struct fs_kube_call *call;
	struct fs_timer *timer;
	struct fs_timer *deadline; /* leading: the renew deadline, on its own */
};

static void le_tick(void *ud);
static void le_arm_deadline(struct fs_kube_leader *le);

static void
micro_time(char *buf, size_t n)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	gmtime_r(&tv.tv_sec, &tm);
	char s[32];
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%06ldZ", s, (long)tv.tv_usec);
}

static const char *
spec_str(const cJSON *lease, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(lease, "spec"), key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static void
le_schedule(struct fs_kube_leader *le, uint32_t ms)
{
	fs_timer_stop(le->timer);
	le->timer = fs_timer_start(fs_kube_client_loop(le->client), NULL, ms, 0, le_tick, le);
}

static void
le_lose(struct fs_kube_leader *le, const char *why)
{
	if (!le->leading)
		return;
	le->leading = false;
	fs_kube_client_fence(le->client, true); /* first: no write slips out */
	fs_timer_stop(le->deadline);
	le->deadline = NULL;
	fs_warn("kube", "leader election %s/%s: %s lost the lease: %s", le->ns, le->name,
		le->identity, why);
	if (le->o.on_stopped)
		le->o.on_stopped(le->o.ud);
}

/* the renew deadline is measured from when the renewal was sent (the
 * renewTime it wrote), not from when its answer arrived: a slow answer or a
 * stopped process must not stretch it past what a candidate waits */
static void
le_on_deadline(void *ud)
{
	struct fs_kube_leader *le = ud;
	fs_timer_stop(le->deadline);
	le->deadline = NULL;
	if (!le->leading || le->stopping)
		return;
	if (fs_now_ms() - le->last_renew_ms >= (int64_t)le->renew_deadline_ms) {
		/* the renewal in flight (queued, retried, slow) cannot save us */
		le_lose(le, "no renewal succeeded within the renew deadline");
		return;
	}
	le_arm_deadline(le);
}

static void
le_arm_deadline(struct fs_kube_leader *le)
{
	int64_t left = le->last_renew_ms + (int64_t)le->renew_deadline_ms - fs_now_ms();
	fs_timer_stop(le->deadline);
	le->deadline = fs_timer_start(fs_kube_client_loop(le->client), NULL,
				      left > 0 ? (uint64_t)left : 0, 0, le_on_deadline, le);
}

static void
le_win(struct fs_kube_leader *le)
{
	le->last_renew_ms = le->sent_ms;
	fs_kube_client_fence_at(le->client, le->last_renew_ms + (int64_t)le->renew_deadline_ms);
	if (le->leading) {
		le_arm_deadline(le);
		return;
	}
	if (fs_now_ms() - le->last_renew_ms >= (int64_t)le->renew_deadline_ms) {
		/* won, but the answer came too late to lead on it */
		fs_kube_client_fence_at(le->client, 0);
		return;
	}
	le->leading = true;
	fs_kube_client_fence(le->client, false);
	le_arm_deadline(le);
	fs_info("kube", "leader election %s/%s: %s is the leader", le->ns, le->name,
		le->identity);
	if (le->o.on_started)
		le->o.on_started(le->o.ud);
}

static void
set_holder(struct fs_kube_leader *le, const char *holder)
{
	if (!strcmp(le->holder, holder))
		return;
	free(le->holder);
	le->holder = fs_xstrdup(holder);
	if (holder[0] && strcmp(holder, le->identity) && le->o.on_new_leader)
		le->o.on_new_leader(le->o.ud, holder);
}

static cJSON *
lease_spec(struct fs_kube_leader *le, cJSON *spec, bool taking,
	   const char *prev_holder)
{
	char now[64];
	micro_time(now, sizeof(now));
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "holderIdentity");
	cJSON_AddStringToObject(spec, "holderIdentity", le->identity);
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "leaseDurationSeconds");
	cJSON_AddNumberToObject(spec, "leaseDurationSeconds",
				(double)((le->lease_ms + 999) / 1000));
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "renewTime");
	cJSON_AddStringToObject(spec, "renewTime", now);
	if (taking) {
		cJSON_DeleteItemFromObjectCaseSensitive(spec, "acquireTime");
		cJSON_AddStringToObject(spec, "acquireTime", now);
		const cJSON *tr = cJSON_GetObjectItemCaseSensitive(spec, "leaseTransitions");
		double n = cJSON_IsNumber(tr) ? tr->valuedouble : 0;
		if (prev_holder[0] && strcmp(prev_holder, le->identity))
			n += 1;
		cJSON_DeleteItemFromObjectCaseSensitive(spec, "leaseTransitions");
		cJSON_AddNumberToObject(spec, "leaseTransitions", n);
	}
	return spec;
}

static void
le_on_write(void *ud, struct fs_kube_result *res)
{
	struct fs_kube_leader *le = ud;
	le->call = NULL;
	if (le->stopping)
		return;
	if (res->code == FS_OK) {
		set_holder(le, le->identity);
		le_win(le);
	} else {
		fs_debug("kube", "leader election %s/%s: %s", le->ns, le->name, res->error);
		if (le->leading && fs_now_ms() - le->last_renew_ms >= le->renew_deadline_ms)
			le_lose(le, "no renewal succeeded within the renew deadline");
	}
	le_schedule(le, le->retry_ms);
}

static void
le_on_get(void *ud, struct fs_kube_result *res)
{
	struct fs_kube_leader *le = ud;
	le->call = NULL;
	if (le->stopping)
		return;
	int64_t now = fs_now_ms();
	if (res->code == FS_E_NOTFOUND) {
		cJSON *lease = cJSON_CreateObject();
		cJSON_AddStringToObject(lease, "apiVersion", "coordination.k8s.io/v1");
		cJSON_AddStringToObject(lease, "kind", "Lease");
		cJSON *md = cJSON_AddObjectToObject(lease, "metadata");
		cJSON_AddStringToObject(md, "name", le->name);
		cJSON_AddStringToObject(md, "namespace", le->ns);
		lease_spec(le, cJSON_AddObjectToObject(lease, "spec"), true, "");
		le->sent_ms = fs_now_ms();
		le->call = fs_kube_create(le->client, &lease_res, le->ns, lease, FS_KUBE_UNLIMITED,
					  le_on_write, le);
		cJSON_Delete(lease);
		return;
	}
	if (res->code != FS_OK) {
		fs_debug("kube", "leader election %s/%s: %s", le->ns, le->name, res->error);
		if (le->leading && now - le->last_renew_ms >= le->renew_deadline_ms)
			le_lose(le, "the lease could not be read within the renew deadline");
		le_schedule(le, le->retry_ms);
		return;
	}
	cJSON *lease = res->object;
	const char *holder = spec_str(lease, "holderIdentity");
	const char *renew = spec_str(lease, "renewTime");
	struct fs_buf rec = FS_BUF_INIT;
	fs_buf_printf(&rec, "%s|%s", holder, renew);
	if (!le->observed || strcmp(le->observed, rec.data)) {
		free(le->observed);
		le->observed = fs_buf_detach(&rec);
		le->observed_ms = now;
	}
	fs_buf_release(&rec);
	set_holder(le, holder);
	bool mine = !strcmp(holder, le->identity);
	if (!mine && le->leading)
		le_lose(le, "another candidate holds it");
	bool expired = now - le->observed_ms >= (int64_t)le->lease_ms;
	if (!mine && holder[0] && !expired) {
		le_schedule(le, le->retry_ms);
		return;
	}
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(lease, "spec");
	if (!spec)
		spec = cJSON_AddObjectToObject(lease, "spec");
	char prev[256];
	snprintf(prev, sizeof(prev), "%s", holder);
	lease_spec(le, spec, !mine, prev);
	/* the update carries the resourceVersion we read: a race is a 409 */
	le->sent_ms = fs_now_ms();
	le->call = fs_kube_update(le->client, &lease_res, le->ns, lease, FS_KUBE_UNLIMITED,
				  le_on_write, le);
}

static void
le_tick(void *ud)
{
	struct fs_kube_leader *le = ud;
	fs_timer_stop(le->timer);
	le->timer = NULL;
	if (le->stopping || le->call)
		return;
	if (le->leading && fs_now_ms() - le->last_renew_ms >= le->renew_deadline_ms) {
		le_lose(le, "no renewal succeeded within the renew deadline");
	}
	le->call = fs_kube_get_ex(le->client, &lease_res, le->ns, le->name, FS_KUBE_UNLIMITED,
				  le_on_get, le);
}

struct fs_kube_leader *
fs_kube_leader_start(struct fs_kube_client *c,
		     const struct fs_kube_leader_opts *o)
{
	struct fs_kube_leader *le = fs_xcalloc(1, sizeof(*le));
	le->client = c;
	le->o = *o;
	le->ns = fs_xstrdup(o->ns ? o->ns : fs_kube_client_namespace(c));
	le->name = fs_xstrdup(o->name);
	if (o->identity) {
		le->identity = fs_xstrdup(o->identity);
	} else {
		char host[256] = "unknown";
		gethostname(host, sizeof(host) - 1);
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "%s_%08lx", host, (unsigned long)(random() & 0xffffffff));
		le->identity = fs_buf_detach(&b);
	}
	le->o.ns = le->o.name = le->o.identity = NULL;
	le->lease_ms = o->lease_ms ? o->lease_ms : 15000;
	le->renew_deadline_ms = o->renew_deadline_ms ? o->renew_deadline_ms : 10000;
	le->retry_ms = o->retry_ms ? o->retry_ms : 2000;
	le->holder = fs_xstrdup("");
	fs_kube_client_fence(c, true);
	le_schedule(le, 0);
	return le;
}

static void
le_free(struct fs_kube_leader *le)
{
	fs_timer_stop(le->timer);
	fs_timer_stop(le->deadline);
	free(le->ns);
	free(le->name);
	free(le->identity);
	free(le->observed);
	free(le->holder);
	free(le);
}

/* the release update completed, failed or was canceled at its deadline */
static void
le_on_release(void *ud, struct fs_kube_result *res)
{
	struct fs_kube_leader *le = ud;

	le->call = NULL;
	if (res->code != FS_OK)
		fs_warn("kube", "leader election %s/%s: releasing the lease failed: %s",
			le->ns, le->name, res->code == FS_E_CANCELED ? "timed out"
			: res->error ? res->error : fs_strerror(res->code));
	if (le->o.on_stopped)
		le->o.on_stopped(le->o.ud);
	le_free(le);
}

static void
le_release_deadline(void *ud)
{
	struct fs_kube_leader *le = ud;

	fs_timer_stop(le->timer);
	le->timer = NULL;
	/* last statement: le_on_release runs and frees le */
	fs_kube_call_cancel(le->call);
}

void
fs_kube_leader_stop(struct fs_kube_leader *le)
{
	if (!le)
		return;
	le->stopping = true;
	fs_timer_stop(le->timer);
	le->timer = NULL;
	if (le->call) {
		struct fs_kube_call *call = le->call;
		le->call = NULL;
		fs_kube_call_cancel(call);
	}
	if (!le->leading) {
		le_free(le);
		return;
	}
	le->leading = false;
	fs_timer_stop(le->deadline);
	le->deadline = NULL;
	/* no write from us from now on, even before the release lands */
	fs_kube_client_fence(le->client, true);
	/* release: an empty holder lets a successor take over at once */
	static const char patch[] =
		"{\"spec\":{\"holderIdentity\":\"\",\"leaseDurationSeconds\":1}}";
	le->call = fs_kube_patch(le->client, &lease_res, le->ns, le->name,
				 FS_KUBE_MERGE_PATCH, patch, FS_KUBE_UNLIMITED, le_on_release, le);
	if (!le->call) /* le_on_release ran (a refused call) or nothing to wait for */
		return;
	le->timer = fs_timer_start(fs_kube_client_loop(le->client), NULL, le->retry_ms, 0,
				   le_release_deadline, le);
}

bool fs_kube_leader_is_leader(const struct fs_kube_leader *le) { return le->leading; }
const char *fs_kube_leader_identity(const struct fs_kube_leader *le) { return le->identity; }
const char *fs_kube_leader_holder(const struct fs_kube_leader *le) { return le->holder; }
