/*
 * plugins/mongodb/render.c - the Karmada objects that run one
 * MultiCloudMongoDB (names, labels and shapes of FedState's ops controller;
 * docs/plugins/mongodb.md lists where we deliberately differ).
 */
#include <stdio.h>
#include <string.h>

#include "mdb.h"

struct ctx {
	const struct mdb_conf *conf;
	struct fs_render *r;
	struct mdb_plan p;
	int64_t *ports;      /* NodePort of <name>-mongodb-<i>, 0 unknown */
	int64_t arbiter_port;
	bool ports_complete;
	enum fs_code code;
};

#define NAME_MAX_LEN 320

static void
emit(struct ctx *c, struct fs_json *o)
{
	enum fs_code code = fs_host->render_emit(c->r, o);
	if (c->code == FS_OK && code != FS_OK)
		c->code = code;
}

static struct fs_json *
cluster_names(const struct mdb_plan *p, int32_t above, bool use_keep)
{
	struct fs_json *a = fs_json_array();
	for (size_t i = 0; i < p->n; i++)
		if ((use_keep ? p->m[i].keep : p->m[i].want) > above)
			fs_arr_push_str(a, p->m[i].cluster);
	return a;
}

static struct fs_json *
nodeport_service(struct ctx *c, const char *name, struct fs_json *labels,
		 int64_t node_port)
{
	struct fs_json *svc = fs_obj_new("v1", "Service", name, labels);
	struct fs_json *spec = fs_obj_set_obj(svc, "spec");
	fs_obj_set_str(spec, "type", "NodePort");
	struct fs_json *port = fs_json_object();
	fs_obj_set_str(port, "name", "mongo");
	fs_obj_set_int(port, "port", c->conf->port);
	fs_obj_set_int(port, "targetPort", c->conf->port);
	if (node_port > 0)
		fs_obj_set_int(port, "nodePort", node_port); /* keep the allocated one */
	fs_arr_push(fs_obj_set_arr(spec, "ports"), port);
	fs_obj_set(spec, "selector", fs_host->json_dup(labels));
	if (node_port <= 0) {
		char why[NAME_MAX_LEN + 64];
		snprintf(why, sizeof why, "Service %s has no nodePort yet", name);
		fs_host->render_need_pass(c->r, why);
	}
	return svc;
}

/* <name>-mongodb-<i> and its PropagationPolicy, for every member index */
static void
render_services(struct ctx *c)
{
	const struct mdb_plan *p = &c->p;
	for (int32_t i = 0; i < p->max_keep; i++) {
		char svc[NAME_MAX_LEN], pp[NAME_MAX_LEN + 8], tag[NAME_MAX_LEN];
		snprintf(svc, sizeof svc, "%s-mongodb-%d", p->name, (int)i);
		snprintf(pp, sizeof pp, "%s-pp", svc);
		snprintf(tag, sizeof tag, "%s-service-pp", p->name);
		c->ports[i] = mdb_node_port(c->r, svc);
		if (c->ports[i] <= 0)
			c->ports_complete = false;
		struct fs_json *labels = mdb_labels(p, true);
		fs_obj_set_str(labels, "app", svc);
		struct fs_json *pp_labels = fs_host->json_dup(labels);
		emit(c, nodeport_service(c, svc, labels, c->ports[i]));

		fs_obj_set_str(pp_labels, "app.karmada.io/service-pp", tag);
		emit(c, fs_obj_propagation_policy(pp, pp_labels,
						  cluster_names(p, i, true),
						  fs_obj_selector("v1", "Service", svc, NULL),
						  NULL));
	}
}

static void
render_arbiter(struct ctx *c)
{
	const struct mdb_plan *p = &c->p;
	if (!p->arbiter)
		return;
	char svc[NAME_MAX_LEN], name[NAME_MAX_LEN + 8];
	snprintf(svc, sizeof svc, "%s-mongodb-arbiter", p->name);
	c->arbiter_port = mdb_node_port(c->r, svc);
	if (c->arbiter_port <= 0)
		c->ports_complete = false;
	struct fs_json *labels = mdb_labels(p, false);
	fs_obj_set_str(labels, "app", svc);
	struct fs_json *op_labels = fs_host->json_dup(labels);
	emit(c, nodeport_service(c, svc, labels, c->arbiter_port));

	snprintf(name, sizeof name, "%s-pp", svc);
	struct fs_json *pp_labels = fs_json_object();
	fs_obj_set_str(pp_labels, "app.arbiter.io/instance", p->name);
	emit(c, fs_obj_propagation_policy(name, pp_labels, fs_arr_of_str(p->arbiter),
					  fs_obj_selector("v1", "Service", svc, NULL),
					  NULL));

	snprintf(name, sizeof name, "%s-arbiter", p->name);
	emit(c, fs_obj_override_policy(name, op_labels, p->arbiter,
				       fs_obj_plaintext("add", "/spec/arbiter",
							fs_host->json_new(FS_JSON_TRUE)),
				       fs_obj_selector(MDB_API, MDB_MEMBER_KIND, p->name,
						       p->ns)));
}

static void
add_line(char *buf, size_t cap, size_t *len, const char *vip, int64_t port)
{
	int n = snprintf(buf + *len, cap - *len, "%shost:'%s:%lld'",
			 *len ? "\n" : "", vip, (long long)port);
	if (n > 0 && (size_t)n < cap - *len)
		*len += (size_t)n;
}

/* <name>-hostconf: every member address, index by index; only written
 * once every NodePort is known (a partial list would initiate a smaller
 * replica set) */
static void
render_hostconf(struct ctx *c)
{
	const struct mdb_plan *p = &c->p;
	if (!c->ports_complete)
		return;
	size_t cap = ((size_t)p->max_keep * p->n + 1) * 80 + 1;
	char *datas = fs_host->calloc(1, cap);
	if (!datas) {
		c->code = FS_E_NOMEM;
		return;
	}
	size_t len = 0;
	for (int32_t i = 0; i < p->max_keep; i++)
		for (size_t k = 0; k < p->n; k++)
			if (p->m[k].keep > i && p->m[k].vip)
				add_line(datas, cap, &len, p->m[k].vip, c->ports[i]);
	char arb[128] = "";
	size_t alen = 0;
	const struct mdb_member *am = p->arbiter ? mdb_plan_find(p, p->arbiter) : NULL;
	if (am && am->vip)
		add_line(arb, sizeof arb, &alen, am->vip, c->arbiter_port);

	char name[NAME_MAX_LEN], tag[NAME_MAX_LEN];
	snprintf(name, sizeof name, "%s-hostconf", p->name);
	struct fs_json *labels = mdb_labels(p, true);
	fs_obj_set_str(labels, "app", p->name);
	struct fs_json *pp_labels = fs_host->json_dup(labels);
	struct fs_json *cm = fs_obj_new("v1", "ConfigMap", name, labels);
	struct fs_json *data = fs_obj_set_obj(cm, "data");
	fs_obj_set_str(data, "arbiters", arb);
	fs_obj_set_str(data, "datas", datas);
	fs_host->free(datas);
	emit(c, cm);

	char pp[NAME_MAX_LEN + 8];
	snprintf(pp, sizeof pp, "%s-pp", name);
	snprintf(tag, sizeof tag, "%s-configmap-pp", p->name);
	fs_obj_set_str(pp_labels, "app.karmada.io/configmap-pp", tag);
	emit(c, fs_obj_propagation_policy(pp, pp_labels, cluster_names(p, 0, true),
					  fs_obj_selector("v1", "ConfigMap", name, p->ns),
					  NULL));
}

static void
render_custom_config(struct ctx *c)
{
	const struct mdb_plan *p = &c->p;
	const char *ref = fs_json_str_at(p->spec, "config.configRef");
	if (!ref || !*ref)
		return;
	char name[NAME_MAX_LEN], tag[NAME_MAX_LEN];
	snprintf(name, sizeof name, "%s-custom-configmap-pp", ref);
	snprintf(tag, sizeof tag, "%s-custom-configmap-pp", p->name);
	const struct fs_json *cm = fs_host->render_lookup(c->r, "v1", "ConfigMap",
							  NULL, ref);
	struct fs_json *labels = fs_obj_dup(fs_host->json_path(cm, "metadata.labels"));
	fs_obj_set_str(labels, "app.karmada.io/custom-configmap-pp", tag);
	emit(c, fs_obj_propagation_policy(name, labels, cluster_names(p, 0, false),
					  fs_obj_selector("v1", "ConfigMap", ref, p->ns),
					  NULL));
}

static struct fs_json *
override_policy(const struct mdb_plan *p, const char *name, const char *tag,
		const char *cluster, struct fs_json *overriders)
{
	struct fs_json *labels = mdb_labels(p, false);
	fs_obj_set_str(labels, tag, p->name);
	return fs_obj_override_policy(name, labels, cluster, overriders,
				      fs_obj_selector(MDB_API, MDB_MEMBER_KIND,
						      p->name, p->ns));
}

static void
render_overrides(struct ctx *c)
{
	const struct mdb_plan *p = &c->p;
	char name[NAME_MAX_LEN * 2];
	if (p->rs_init) {
		snprintf(name, sizeof name, "%s-init", p->name);
		emit(c, override_policy(p, name, "app.mongoinit.io/instance",
					p->rs_init,
					fs_obj_plaintext("add", "/spec/rsInit",
							 fs_host->json_new(FS_JSON_TRUE))));
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct mdb_member *m = &p->m[i];
		if (m->want <= 0)
			continue;
		snprintf(name, sizeof name, "%s-%s-vip", p->name, m->cluster);
		struct fs_json *ov = fs_json_object();
		struct fs_json *lo = fs_json_object();
		fs_obj_set_str(lo, "operator", "add");
		fs_obj_set_str(fs_obj_set_obj(lo, "value"), MDB_VIP_LABEL, m->vip);
		fs_arr_push(fs_obj_set_arr(ov, "labelsOverrider"), lo);
		emit(c, override_policy(p, name, "app.mongoclustervip.io/instance",
					m->cluster, ov));
	}
}

/* PropagationPolicy <name>: the member CR, divided by static weights equal
 * to the scheduled counts */
static void
render_member_policy(struct ctx *c)
{
	const struct mdb_plan *p = &c->p;
	struct fs_json *pl;
	struct fs_json *pol = fs_obj_propagation_policy(
		p->name, mdb_labels(p, true), cluster_names(p, 0, false),
		fs_obj_selector(MDB_API, MDB_MEMBER_KIND, p->name, NULL), &pl);
	struct fs_json *list = fs_obj_static_weights(pl);
	for (size_t i = 0; i < p->n; i++)
		if (p->m[i].want > 0)
			fs_obj_static_weight(list, p->m[i].cluster, p->m[i].want);
	const struct fs_json *sc = fs_host->json_path(p->spec,
						      "spreadConstraints.spreadConstraints");
	if (fs_host->json_type(sc) == FS_JSON_ARRAY && fs_host->json_size(sc))
		fs_obj_set(pl, "spreadConstraints", fs_host->json_dup(sc));
	const struct fs_json *tol = fs_host->json_path(p->spec, "scheduler.tolerations");
	if (fs_host->json_type(tol) == FS_JSON_ARRAY && fs_host->json_size(tol))
		fs_obj_set(pl, "clusterTolerations", fs_host->json_dup(tol));
	emit(c, pol);
}

enum fs_code
mdb_render(void *state, struct fs_render *r, const struct fs_json *obj,
	   const struct fs_json *placement, char *err, size_t errlen)
{
	struct ctx c = {.conf = state, .r = r, .ports_complete = true};
	enum fs_code code = mdb_plan_build(&c.p, c.conf, r, obj, placement, true,
					   err, errlen);
	if (code != FS_OK) {
		mdb_plan_free(&c.p);
		return code;
	}
	if (!c.p.n || c.p.m[0].want <= 0) {
		snprintf(err, errlen,
			 "placement: no cluster has members yet (waiting for "
			 "the scheduler's schedulerResult)");
		mdb_plan_free(&c.p);
		return FS_E_NOTFOUND;
	}
	c.ports = fs_host->calloc((size_t)c.p.max_keep + 1, sizeof *c.ports);
	if (!c.ports) {
		mdb_plan_free(&c.p);
		return FS_E_NOMEM;
	}
	render_services(&c);
	render_arbiter(&c);
	render_hostconf(&c);
	render_custom_config(&c);
	emit(&c, mdb_member_cr(&c.p));
	render_overrides(&c);
	render_member_policy(&c);
	/* a refused object: the host puts its reason in the render error */
	fs_host->free(c.ports);
	mdb_plan_free(&c.p);
	return c.code;
}
