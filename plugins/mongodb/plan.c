/*
 * plugins/mongodb/plan.c - what one render or status call works from: the
 * federated object's fields and the placement, sorted the way FedState's
 * hostconf and rsInit expect (most members first, scheduler order on ties).
 */
#include <stdio.h>
#include <string.h>

#include "mdb.h"

const struct mdb_member *
mdb_plan_find(const struct mdb_plan *p, const char *cluster)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->m[i].cluster, cluster) == 0)
			return &p->m[i];
	return NULL;
}

static struct mdb_member *
find_mut(struct mdb_plan *p, const char *cluster)
{
	return (struct mdb_member *)mdb_plan_find(p, cluster);
}

/* stable: want descending, then keep descending */
static void
sort_members(struct mdb_member *m, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct mdb_member x = m[i];
		size_t j = i;
		while (j > 0 && (m[j - 1].want < x.want ||
				 (m[j - 1].want == x.want && m[j - 1].keep < x.keep))) {
			m[j] = m[j - 1];
			j--;
		}
		m[j] = x;
	}
}

static enum fs_code
read_placement(struct mdb_plan *p, const struct fs_json *pl, char *err,
	       size_t errlen)
{
	size_t n = fs_host->json_size(pl);
	for (size_t i = 0; i < n; i++) {
		const struct fs_json *e = fs_host->json_at(pl, i);
		const char *c = fs_json_str_at(e, "cluster");
		int64_t want;
		if (!c || !*c || !fs_host->json_int(fs_host->json_get(e, "replicas"), &want) ||
		    want < 0 || want > INT32_MAX) {
			snprintf(err, errlen,
				 "placement[%zu]: expected {cluster: <name>, "
				 "replicas: <integer >= 0>}",
				 i);
			return FS_E_INVAL;
		}
		if (find_mut(p, c)) {
			snprintf(err, errlen, "placement[%zu]: cluster \"%s\" is listed twice",
				 i, c);
			return FS_E_INVAL;
		}
		bool arb = false;
		fs_host->json_bool(fs_host->json_get(e, "arbiter"), &arb);
		struct mdb_member *m = &p->m[p->n++];
		m->cluster = c;
		m->want = (int32_t)want;
		m->keep = (int32_t)want;
		m->arbiter = arb;
	}
	return FS_OK;
}

/* Members a cluster still runs (status.result[].replicasetStatus) stay in
 * the Services and the hostconf until the cluster reports the smaller
 * count: scaling down never cuts a running member off. */
static void
read_running(struct mdb_plan *p, size_t cap)
{
	const struct fs_json *res = fs_host->json_path(p->obj, "status.result");
	size_t n = fs_host->json_size(res);
	for (size_t i = 0; i < n; i++) {
		const struct fs_json *e = fs_host->json_at(res, i);
		const char *c = fs_json_str_at(e, "cluster");
		int64_t running;
		if (!c || !fs_host->json_int(fs_host->json_get(e, "replicasetStatus"),
					     &running) ||
		    running <= 0 || running > INT32_MAX)
			continue;
		struct mdb_member *m = find_mut(p, c);
		if (!m && p->n < cap) {
			m = &p->m[p->n++];
			memset(m, 0, sizeof *m);
			m->cluster = c;
		}
		if (m && running > m->keep)
			m->keep = (int32_t)running;
	}
}

static const char *
vip_of(const struct mdb_conf *conf, struct fs_render *r, const char *cluster)
{
	const char *v = fs_host->render_cluster_label(r, cluster, conf->vip_label);
	if (!v && strcmp(conf->vip_label, "vip") == 0)
		v = fs_host->render_cluster_label(r, cluster, "VIP"); /* README spelling */
	return v && *v ? v : NULL;
}

/* keep the replica set's initiator where it is while it has members */
static const char *
pick_rs_init(struct mdb_plan *p, struct fs_render *r)
{
	char name[320];
	snprintf(name, sizeof name, "%s-init", p->name);
	const struct fs_json *op = fs_host->render_lookup(r, MDB_PP_API, "OverridePolicy",
							  NULL, name);
	const char *had = fs_json_str_at(op, "spec.overrideRules.0.targetCluster.clusterNames.0");
	const struct mdb_member *m = had ? mdb_plan_find(p, had) : NULL;
	if (m && m->want > 0)
		return m->cluster;
	return p->n && p->m[0].want > 0 ? p->m[0].cluster : NULL;
}

static const char *
pick_arbiter(const struct mdb_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->m[i].arbiter && p->m[i].want > 0)
			return p->m[i].cluster;
	/* no flag from the scheduler: the smallest active cluster, so the
	 * arbiter does not sit beside the largest share of voters */
	const char *last = NULL;
	for (size_t i = 0; i < p->n; i++)
		if (p->m[i].want > 0)
			last = p->m[i].cluster;
	return last;
}

enum fs_code
mdb_plan_build(struct mdb_plan *p, const struct mdb_conf *conf,
	       struct fs_render *r, const struct fs_json *obj,
	       const struct fs_json *placement, bool need_vips, char *err,
	       size_t errlen)
{
	memset(p, 0, sizeof *p);
	p->obj = obj;
	p->spec = fs_host->json_get(obj, "spec");
	p->name = fs_json_str_at(obj, "metadata.name");
	p->ns = fs_json_str_at(obj, "metadata.namespace");
	if (!p->name) {
		snprintf(err, errlen, "metadata.name: expected string");
		return FS_E_INVAL;
	}
	int64_t rs;
	if (!fs_json_int_at(obj, "spec.replicaset", 1, 1000, &rs, err, errlen))
		return FS_E_INVAL;
	p->replicaset = (int32_t)rs;
	fs_host->json_bool(fs_host->json_path(p->spec, "config.arbiter"),
			   &p->want_arbiter);
	size_t cap = fs_host->json_size(placement) +
		     fs_host->json_size(fs_host->json_path(obj, "status.result"));
	p->m = fs_host->calloc(cap ? cap : 1, sizeof *p->m);
	if (!p->m)
		return FS_E_NOMEM;
	enum fs_code code = read_placement(p, placement, err, errlen);
	if (code != FS_OK)
		return code;
	read_running(p, cap);
	sort_members(p->m, p->n);
	for (size_t i = 0; i < p->n; i++) {
		struct mdb_member *m = &p->m[i];
		m->vip = vip_of(conf, r, m->cluster);
		if (!m->vip && m->want > 0 && need_vips) {
			snprintf(err, errlen,
				 "cluster \"%s\": no \"%s\" label, so its members "
				 "have no address; hint: kubectl label cluster %s "
				 "%s=<vip>",
				 m->cluster, conf->vip_label, m->cluster,
				 conf->vip_label);
			return FS_E_INVAL;
		}
		if (!m->vip)
			m->keep = m->want; /* no address: nothing to keep */
		if (m->keep > p->max_keep)
			p->max_keep = m->keep;
	}
	p->rs_init = pick_rs_init(p, r);
	p->arbiter = p->want_arbiter ? pick_arbiter(p) : NULL;
	return FS_OK;
}

void
mdb_plan_free(struct mdb_plan *p)
{
	fs_host->free(p->m);
	p->m = NULL;
	p->n = 0;
}

struct fs_json *
mdb_labels(const struct mdb_plan *p, bool instance)
{
	struct fs_json *l = fs_obj_dup(fs_host->json_path(p->obj, "metadata.labels"));
	if (instance)
		fs_obj_set_str(l, MDB_INSTANCE, p->name);
	return l;
}

int64_t
mdb_node_port(struct fs_render *r, const char *name)
{
	const struct fs_json *svc = fs_host->render_lookup(r, "v1", "Service", NULL, name);
	const struct fs_json *ports = fs_host->json_path(svc, "spec.ports");
	size_t n = fs_host->json_size(ports);
	for (size_t i = 0; i < n; i++) {
		const struct fs_json *pt = fs_host->json_at(ports, i);
		const char *pn = fs_json_str_at(pt, "name");
		int64_t np;
		if ((n == 1 || (pn && strcmp(pn, "mongo") == 0)) &&
		    fs_host->json_int(fs_host->json_get(pt, "nodePort"), &np) &&
		    np > 0 && np < 65536)
			return np;
	}
	return 0;
}
