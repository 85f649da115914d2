/*
 * plugins/mongodb/status.c - MultiCloudMongoDB.status from the member
 * MongoDB's ResourceBinding (status.aggregatedStatus[], whose .status is
 * the member's whole status), and the health of one member.
 *
 * Overall state:
 *   UnKnown    no binding yet, or a scheduled cluster has not reported
 *   Health     every cluster Running with its scheduled member count
 *   SubHealth  something is not right, but the replica set still has a
 *              healthy voting majority (the condition says what)
 *   UnHealth   the voting majority is lost
 * Each cluster's result is matched by cluster name, so a missing item never
 * shifts another cluster's entry.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mdb.h"

#define READY_MSG "Service Dispatch Successful And Ready For External Service"
#define NOT_READY_MSG "Service Dispatch Failed And NotReady For External Service"

struct agg {
	struct fs_json *result;
	char addrs[4096];
	size_t alen;
	char why[1024];     /* what is not right, "; "-joined */
	size_t wlen;
	char waiting[512];  /* clusters without status */
	size_t walen;
	bool all_good;
	bool scale_down;
	/* voting members seen in replset reports, by name */
	const char *seen[256];
	bool seen_ok[256];
	size_t n_seen;
	int32_t running_members; /* fallback count without replset reports */
};

static void
append(char *buf, size_t cap, size_t *len, const char *sep, const char *s)
{
	int n = snprintf(buf + *len, cap - *len, "%s%s", *len ? sep : "", s);
	if (n > 0 && (size_t)n < cap - *len)
		*len += (size_t)n;
}

static const struct fs_json *
find_item(const struct fs_json *binding, const char *cluster)
{
	const struct fs_json *items = fs_host->json_path(binding, "status.aggregatedStatus");
	size_t n = fs_host->json_size(items);
	for (size_t i = 0; i < n; i++) {
		const struct fs_json *it = fs_host->json_at(items, i);
		const char *c = fs_json_str_at(it, "clusterName");
		if (c && strcmp(c, cluster) == 0)
			return it;
	}
	return NULL;
}

/* "10.29.5.103:38640" belongs to vip "10.29.5.103" (exact host match) */
static bool
addr_on(const char *addr, const char *vip)
{
	if (!vip || !*vip)
		return false;
	size_t n = strlen(vip);
	return strncmp(addr, vip, n) == 0 && addr[n] == ':';
}

static void
see_member(struct agg *a, const struct fs_json *rm)
{
	const char *name = fs_json_str_at(rm, "name");
	if (!name)
		return;
	int64_t health = 0, state = 0;
	fs_host->json_int(fs_host->json_get(rm, "health"), &health);
	fs_host->json_int(fs_host->json_get(rm, "state"), &state);
	/* 1 PRIMARY, 2 SECONDARY, 7 ARBITER vote and count as healthy */
	bool ok = health == 1 && (state == 1 || state == 2 || state == 7);
	for (size_t i = 0; i < a->n_seen; i++) {
		if (strcmp(a->seen[i], name) == 0) {
			a->seen_ok[i] = a->seen_ok[i] && ok;
			return;
		}
	}
	if (a->n_seen < sizeof a->seen / sizeof *a->seen) {
		a->seen[a->n_seen] = name;
		a->seen_ok[a->n_seen++] = ok;
	}
}

static void
placeholder(struct fs_json *e, bool applied)
{
	fs_obj_set_bool(e, "applied", applied);
	fs_obj_set_int(e, "replicasetStatus", 0);
	fs_obj_set_str(e, "currentRevision", "Unknown");
	fs_obj_set_str(e, "state", "Unknown");
}

static void
one_cluster(struct agg *a, const struct mdb_plan *p, const struct mdb_member *m, const struct fs_json *item,
	    int64_t arbiter_port)
{
	struct fs_json *e = fs_json_object();
	fs_obj_set_str(e, "cluster", m->cluster);
	fs_obj_set_int(e, "replicasetSpec", m->want);
	fs_arr_push(a->result, e);
	const struct fs_json *st = fs_host->json_get(item, "status");
	bool applied = false;
	fs_host->json_bool(fs_host->json_get(item, "applied"), &applied);
	if (fs_host->json_type(st) != FS_JSON_OBJECT) {
		placeholder(e, applied);
		append(a->waiting, sizeof a->waiting, &a->walen, ", ", m->cluster);
		return;
	}
	int64_t members = 0;
	fs_host->json_int(fs_host->json_path(st, "currentInfo.members"), &members);
	const char *state = fs_json_str_at(st, "state");
	const char *rev = fs_json_str_at(st, "currentRevision");
	fs_obj_set_bool(e, "applied", applied);
	fs_obj_set_int(e, "replicasetStatus", members);
	fs_obj_set_str(e, "currentRevision", rev ? rev : "Unknown");
	fs_obj_set_str(e, "state", state ? state : "Unknown");
	bool running = state && strcmp(state, "Running") == 0;
	if (running)
		a->running_members += (int32_t)members;
	if (!running || members != m->want) {
		char msg[256];
		snprintf(msg, sizeof msg, "cluster %s: state %s, %lld/%d members",
			 m->cluster, state ? state : "unknown", (long long)members,
			 (int)m->want);
		append(a->why, sizeof a->why, &a->wlen, "; ", msg);
		a->all_good = false;
	}
	if (members > m->want)
		a->scale_down = true;

	struct fs_json *roles = fs_obj_set_obj(e, "connectAddrWithRole");
	if (p->arbiter && strcmp(p->arbiter, m->cluster) == 0 && m->vip &&
	    arbiter_port > 0) {
		char addr[128];
		snprintf(addr, sizeof addr, "%s:%lld", m->vip, (long long)arbiter_port);
		fs_obj_set_str(roles, addr, "ARBITER");
	}
	const struct fs_json *rs = fs_host->json_get(st, "replset");
	size_t n = fs_host->json_size(rs);
	for (size_t i = 0; i < n; i++) {
		const struct fs_json *rm = fs_host->json_at(rs, i);
		see_member(a, rm);
		const char *name = fs_json_str_at(rm, "name");
		const char *role = fs_json_str_at(rm, "stateStr");
		if (!name || !addr_on(name, m->vip))
			continue;
		fs_obj_set_str(roles, name, role ? role : "UNKNOWN");
		if (!role || strcmp(role, "ARBITER") != 0)
			append(a->addrs, sizeof a->addrs, &a->alen, ",", name);
	}
}

static void
timestamp(char *buf, size_t n)
{
	time_t t = (time_t)fs_host->wall_time();
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool
managed(const char *type)
{
	static const char *const mine[] = {"ServerReady", "ServerSubHealthy",
					   "ServerUnHealthy", "ServerStatusReported",
					   "ServerWaitingScaleDown",
					   "ServerScheduledResult", NULL};
	for (const char *const *t = mine; *t; t++)
		if (type && strcmp(type, *t) == 0)
			return true;
	return false;
}

/* one condition; lastTransitionTime kept when the status did not change */
static void
condition(struct fs_json *list, const struct fs_json *old, const char *type,
	  bool status, const char *reason, const char *message)
{
	const char *st = status ? "True" : "False";
	char when[32];
	timestamp(when, sizeof when);
	size_t n = fs_host->json_size(old);
	for (size_t i = 0; i < n; i++) {
		const struct fs_json *c = fs_host->json_at(old, i);
		const char *t = fs_json_str_at(c, "type"), *s = fs_json_str_at(c, "status");
		const char *lt = fs_json_str_at(c, "lastTransitionTime");
		if (t && s && lt && strcmp(t, type) == 0 && strcmp(s, st) == 0)
			snprintf(when, sizeof when, "%s", lt);
	}
	struct fs_json *c = fs_json_object();
	fs_obj_set_str(c, "type", type);
	fs_obj_set_str(c, "status", st);
	fs_obj_set_str(c, "lastTransitionTime", when);
	fs_obj_set_str(c, "reason", reason);
	fs_obj_set_str(c, "message", message);
	fs_arr_push(list, c);
}

static const char *
overall(const struct agg *a, const struct mdb_plan *p, bool have_binding,
	char *msg, size_t n)
{
	if (!have_binding || a->walen) {
		snprintf(msg, n, "no status yet from cluster(s): %s",
			 a->walen ? a->waiting : "(member binding not found)");
		return "UnKnown";
	}
	if (a->all_good)
		return "Health";
	size_t total = a->n_seen, ok = 0;
	for (size_t i = 0; i < a->n_seen; i++)
		ok += a->seen_ok[i];
	if (!total) { /* no replica-set report: count Running members */
		total = (size_t)p->replicaset + (p->arbiter ? 1 : 0);
		ok = (size_t)a->running_members;
	}
	if (ok * 2 > total) {
		snprintf(msg, n, "voting majority holds (%zu/%zu members healthy); %s",
			 ok, total, a->why);
		return "SubHealth";
	}
	snprintf(msg, n, "voting majority lost (%zu/%zu members healthy); %s", ok,
		 total, a->why);
	return "UnHealth";
}

static void
write_conditions(struct fs_json *status, const struct mdb_plan *p,
		 const char *state, const char *msg, const struct agg *a)
{
	const struct fs_json *old = fs_host->json_path(p->obj, "status.conditions");
	struct fs_json *list = fs_obj_set_arr(status, "conditions");
	size_t n = fs_host->json_size(old);
	for (size_t i = 0; i < n; i++) {
		const struct fs_json *c = fs_host->json_at(old, i);
		if (!managed(fs_json_str_at(c, "type")))
			fs_arr_push(list, fs_host->json_dup(c));
	}
	const char *raw = fs_host->json_string(fs_host->json_get(
		fs_host->json_path(p->obj, "metadata.annotations"), "schedulerResult"));
	if (raw) {
		char m[1024];
		snprintf(m, sizeof m,
			 "Get Scheduler Result From MultiCloudMongoDB Annotations "
			 "Success (%s/%s): %s",
			 p->ns ? p->ns : "default", p->name, raw);
		condition(list, old, "ServerScheduledResult", true,
			  "GetSchedulerSuccess", m);
	}
	bool health = strcmp(state, "Health") == 0;
	condition(list, old, "ServerReady", health, "ServerReady",
		  health ? READY_MSG : NOT_READY_MSG);
	if (strcmp(state, "SubHealth") == 0)
		condition(list, old, "ServerSubHealthy", true, "MembersNotReady", msg);
	if (strcmp(state, "UnHealth") == 0)
		condition(list, old, "ServerUnHealthy", true, "MajorityLost", msg);
	if (strcmp(state, "UnKnown") == 0)
		condition(list, old, "ServerStatusReported", false,
			  "WaitingForMembers", msg);
	if (a->scale_down) {
		char m[160];
		snprintf(m, sizeof m,
			 "Waiting for member clusters to undergo capacity "
			 "reduction SpecReplicaset: %d",
			 (int)p->replicaset);
		condition(list, old, "ServerWaitingScaleDown", true,
			  "WaitingMemberScaleDown", m);
	}
}

enum fs_code
mdb_aggregate_status(void *state, struct fs_render *r, const struct fs_json *obj,
		     const struct fs_json *placement,
		     const struct fs_json *binding, struct fs_json **status,
		     char *err, size_t errlen)
{
	const struct mdb_conf *conf = state;
	struct mdb_plan p;
	*status = NULL;
	enum fs_code code = mdb_plan_build(&p, conf, r, obj, placement, false, err,
					   errlen);
	if (code != FS_OK) {
		mdb_plan_free(&p);
		return code;
	}
	struct agg *a = fs_host->calloc(1, sizeof *a);
	if (!a) {
		mdb_plan_free(&p);
		return FS_E_NOMEM;
	}
	a->all_good = true;
	struct fs_json *st = fs_json_object();
	a->result = fs_obj_set_arr(st, "result");
	int64_t arbiter_port = 0;
	if (p.arbiter) {
		char svc[320];
		snprintf(svc, sizeof svc, "%s-mongodb-arbiter", p.name);
		arbiter_port = mdb_node_port(r, svc);
	}
	for (size_t i = 0; i < p.n; i++)
		if (p.m[i].want > 0)
			one_cluster(a, &p, &p.m[i],
				    binding ? find_item(binding, p.m[i].cluster) : NULL,
				    arbiter_port);
	char msg[1400];
	const char *s = overall(a, &p, binding != NULL, msg, sizeof msg);
	fs_obj_set_str(st, "state", s);
	if (a->alen)
		fs_obj_set_str(st, "externalAddr", a->addrs);
	else if (fs_json_str_at(obj, "status.externalAddr"))
		fs_obj_set_str(st, "externalAddr", fs_json_str_at(obj, "status.externalAddr"));
	write_conditions(st, &p, s, msg, a);
	fs_host->free(a);
	mdb_plan_free(&p);
	*status = st;
	return FS_OK;
}

enum fs_code
mdb_interpret_health(void *state, const struct fs_json *member, bool *healthy,
		     const char **reason)
{
	(void)state;
	int64_t want = 0, have = 0;
	const char *st = fs_json_str_at(member, "status.state");
	*healthy = false;
	if (!st) {
		*reason = "no status yet";
		return FS_OK;
	}
	if (strcmp(st, "Running") != 0) {
		*reason = "status.state is not Running";
		return FS_OK;
	}
	if (!fs_host->json_int(fs_host->json_path(member, "spec.members"), &want) ||
	    !fs_host->json_int(fs_host->json_path(member, "status.currentInfo.members"),
			       &have)) {
		*reason = "spec.members or status.currentInfo.members missing";
		return FS_OK;
	}
	if (want != have) {
		*reason = "status.currentInfo.members differs from spec.members";
		return FS_OK;
	}
	*healthy = true;
	*reason = "running with every member";
	return FS_OK;
}
