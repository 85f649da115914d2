/*
 * plugins/redis/status.c - MultiCloudRedis.status from the StatefulSet's
 * ResourceBinding (<name>-redis-statefulset; each aggregatedStatus item
 * carries the member StatefulSet's status: replicas, readyReplicas).
 *
 *   UnKnown    no binding yet, or an active cluster has not reported
 *   Health     every cluster has all its replicas ready
 *   SubHealth  the primary cluster has ready pods, but replicas are missing
 *   UnHealth   the primary cluster has no ready pod: no primary
 */
#include <stdio.h>
#include <string.h>

#include "rds.h"

static const struct fs_json *
item_for(const struct fs_json *binding, const char *cluster)
{
	const struct fs_json *items = fs_host->json_path(binding, "status.aggregatedStatus");
	for (size_t i = 0; i < fs_host->json_size(items); i++) {
		const struct fs_json *it = fs_host->json_at(items, i);
		const char *c = fs_json_str_at(it, "clusterName");
		if (c && strcmp(c, cluster) == 0)
			return it;
	}
	return NULL;
}

static void
add(char *buf, size_t cap, size_t *len, const char *s)
{
	int n = snprintf(buf + *len, cap - *len, "%s%s", *len ? "; " : "", s);
	if (n > 0 && (size_t)n < cap - *len)
		*len += (size_t)n;
}

enum fs_code
rds_aggregate_status(void *state, struct fs_render *r, const struct fs_json *obj,
		     const struct fs_json *placement, const struct fs_json *binding,
		     struct fs_json **status, char *err, size_t errlen)
{
	struct rds_plan p;
	*status = NULL;
	enum fs_code code = rds_plan_build(&p, state, r, obj, placement, false, err, errlen);
	if (code != FS_OK) {
		rds_plan_free(&p);
		return code;
	}
	struct fs_json *st = fs_json_object();
	struct fs_json *result = fs_obj_set_arr(st, "result");
	char why[1024] = "";
	size_t wl = 0;
	bool unknown = !binding, all_ready = true, primary_ready = false;
	for (size_t i = 0; i < p.n; i++) {
		const struct rds_site *s = &p.s[i];
		const struct fs_json *it = binding ? item_for(binding, s->cluster) : NULL;
		const struct fs_json *ms = fs_host->json_get(it, "status");
		bool is_primary = s->cluster == p.primary;
		struct fs_json *e = fs_json_object();
		fs_obj_set_str(e, "cluster", s->cluster);
		fs_obj_set_str(e, "role", is_primary ? "primary" : "replica");
		fs_obj_set_int(e, "replicasSpec", s->replicas);
		bool applied = false;
		fs_host->json_bool(fs_host->json_get(it, "applied"), &applied);
		fs_obj_set_bool(e, "applied", applied);
		int64_t ready = 0;
		if (fs_host->json_type(ms) != FS_JSON_OBJECT) {
			unknown = true;
			fs_obj_set_str(e, "state", "Unknown");
		} else {
			fs_host->json_int(fs_host->json_get(ms, "readyReplicas"), &ready);
			fs_obj_set_str(e, "state", ready >= s->replicas ? "Ready" : "NotReady");
		}
		fs_obj_set_int(e, "readyReplicas", ready);
		fs_arr_push(result, e);
		if (is_primary && ready > 0)
			primary_ready = true;
		if (ready < s->replicas) {
			char m[200];
			snprintf(m, sizeof m, "cluster %s: %lld/%d replicas ready", s->cluster,
				 (long long)ready, (int)s->replicas);
			add(why, sizeof why, &wl, m);
			all_ready = false;
		}
	}
	const char *state_s = unknown ? "UnKnown" : all_ready ? "Health"
				      : primary_ready ? "SubHealth" : "UnHealth";
	fs_obj_set_str(st, "state", state_s);
	int64_t port = rds_primary_port(r, &p);
	for (size_t i = 0; i < p.n && port; i++) {
		if (p.s[i].cluster == p.primary && p.s[i].vip) {
			char addr[128];
			snprintf(addr, sizeof addr, "%s:%lld", p.s[i].vip, (long long)port);
			fs_obj_set_str(st, "primaryAddr", addr);
		}
	}
	if (wl)
		fs_obj_set_str(st, "message", why);
	rds_plan_free(&p);
	*status = st;
	return FS_OK;
}

enum fs_code
rds_interpret_health(void *state, const struct fs_json *member, bool *healthy,
		     const char **reason)
{
	(void)state;
	int64_t want = 0, ready = 0;
	*healthy = false;
	if (!fs_host->json_int(fs_host->json_path(member, "spec.replicas"), &want)) {
		*reason = "spec.replicas missing";
		return FS_OK;
	}
	fs_host->json_int(fs_host->json_path(member, "status.readyReplicas"), &ready);
	*healthy = ready >= want;
	*reason = *healthy ? "every replica ready" : "status.readyReplicas below spec.replicas";
	return FS_OK;
}
