/*
 * plugins/redis/render.c - the Karmada objects of one MultiCloudRedis:
 *
 *   StatefulSet <name>-redis            all Redis servers, divided over the
 *   PropagationPolicy <name>-redis      clusters by static weights
 *   OverridePolicy <name>-redis-primary marks the primary cluster (its pod 0
 *                                       runs the primary)
 *   Service <name>-redis-primary        NodePort to that pod, only in the
 *   PropagationPolicy <name>-redis-primary-pp   primary cluster
 *   ConfigMap <name>-redis-topology     primary: "<vip>:<nodePort>", read by
 *   PropagationPolicy <name>-redis-topology-pp  every replica (all clusters)
 */
#include <stdio.h>
#include <string.h>

#include "rds.h"

#define PORT 6379

/* primary on the primary cluster's pod 0, replicas everywhere else */
static const char start_script[] =
	"if [ \"$REDIS_PRIMARY_CLUSTER\" = true ] && [ \"${HOSTNAME##*-}\" = 0 ]; then\n"
	"  exec redis-server --port 6379\n"
	"fi\n"
	"exec redis-server --port 6379 --replicaof \"${REDIS_PRIMARY%:*}\" \"${REDIS_PRIMARY##*:}\"\n";

struct ctx {
	struct fs_render *r;
	struct rds_plan p;
	enum fs_code code;
};

static void
emit(struct ctx *c, struct fs_json *o)
{
	enum fs_code code = fs_host->render_emit(c->r, o);
	if (c->code == FS_OK)
		c->code = code;
}

static struct fs_json *
active_names(const struct rds_plan *p)
{
	struct fs_json *a = fs_json_array();
	for (size_t i = 0; i < p->n; i++)
		fs_arr_push_str(a, p->s[i].cluster);
	return a;
}

static void
render_primary(struct ctx *c)
{
	const struct rds_plan *p = &c->p;
	char svc[RDS_NAME_LEN], pp[RDS_NAME_LEN + 4], pod[RDS_NAME_LEN];
	snprintf(svc, sizeof svc, "%s-redis-primary", p->name);
	snprintf(pp, sizeof pp, "%s-pp", svc);
	snprintf(pod, sizeof pod, "%s-redis-0", p->name);
	int64_t node_port = rds_primary_port(c->r, p);
	struct fs_json *labels = rds_labels(p);
	fs_obj_set_str(labels, "app", svc);
	struct fs_json *s = fs_obj_new("v1", "Service", svc, fs_host->json_dup(labels));
	struct fs_json *spec = fs_obj_set_obj(s, "spec");
	fs_obj_set_str(spec, "type", "NodePort");
	struct fs_json *port = fs_json_object();
	fs_obj_set_str(port, "name", "redis");
	fs_obj_set_int(port, "port", PORT);
	fs_obj_set_int(port, "targetPort", PORT);
	if (node_port)
		fs_obj_set_int(port, "nodePort", node_port);
	fs_arr_push(fs_obj_set_arr(spec, "ports"), port);
	fs_obj_set_str(fs_obj_set_obj(spec, "selector"), "statefulset.kubernetes.io/pod-name", pod);
	emit(c, s);
	emit(c, fs_obj_propagation_policy(pp, labels, fs_arr_of_str(p->primary),
					  fs_obj_selector("v1", "Service", svc, p->ns),
					  NULL));

	char topo[RDS_NAME_LEN], addr[128];
	snprintf(topo, sizeof topo, "%s-redis-topology", p->name);
	if (!node_port) {
		char why[RDS_NAME_LEN + 40];
		snprintf(why, sizeof why, "Service %s has no nodePort yet", svc);
		fs_host->render_need_pass(c->r, why);
		return; /* replicas must not start without the primary's address */
	}
	const char *vip = NULL;
	for (size_t i = 0; i < p->n; i++)
		if (p->s[i].cluster == p->primary)
			vip = p->s[i].vip;
	snprintf(addr, sizeof addr, "%s:%lld", vip ? vip : "", (long long)node_port);
	struct fs_json *cm = fs_obj_new("v1", "ConfigMap", topo, rds_labels(p));
	struct fs_json *data = fs_obj_set_obj(cm, "data");
	fs_obj_set_str(data, "primary", addr);
	fs_obj_set_str(data, "primaryCluster", p->primary);
	emit(c, cm);
	snprintf(pp, sizeof pp, "%s-pp", topo);
	emit(c, fs_obj_propagation_policy(pp, rds_labels(p), active_names(p),
					  fs_obj_selector("v1", "ConfigMap", topo, p->ns),
					  NULL));
}

static struct fs_json *
env(const char *name, const char *value)
{
	struct fs_json *e = fs_json_object();
	fs_obj_set_str(e, "name", name);
	fs_obj_set_str(e, "value", value);
	return e;
}

static struct fs_json *
container(const struct rds_plan *p)
{
	struct fs_json *k = fs_json_object();
	fs_obj_set_str(k, "name", "redis");
	const char *image = fs_json_str_at(p->spec, "image");
	fs_obj_set_str(k, "image", image && *image ? image : "redis:7.2");
	struct fs_json *cmd = fs_obj_set_arr(k, "command");
	fs_arr_push_str(cmd, "sh");
	fs_arr_push_str(cmd, "-c");
	fs_arr_push_str(cmd, start_script);
	struct fs_json *envs = fs_obj_set_arr(k, "env");
	fs_arr_push(envs, env("REDIS_PRIMARY_CLUSTER", "false")); /* index 0: overridden */
	struct fs_json *ref = fs_json_object();
	fs_obj_set_str(ref, "name", "REDIS_PRIMARY");
	struct fs_json *key = fs_obj_set_obj(fs_obj_set_obj(ref, "valueFrom"), "configMapKeyRef");
	char topo[RDS_NAME_LEN];
	snprintf(topo, sizeof topo, "%s-redis-topology", p->name);
	fs_obj_set_str(key, "name", topo);
	fs_obj_set_str(key, "key", "primary");
	fs_arr_push(envs, ref);
	struct fs_json *port = fs_json_object();
	fs_obj_set_str(port, "name", "redis");
	fs_obj_set_int(port, "containerPort", PORT);
	fs_arr_push(fs_obj_set_arr(k, "ports"), port);
	const struct fs_json *res = fs_host->json_get(p->spec, "resources");
	if (fs_host->json_type(res) == FS_JSON_OBJECT)
		fs_obj_set(k, "resources", fs_host->json_dup(res));
	return k;
}

static void
render_statefulset(struct ctx *c)
{
	const struct rds_plan *p = &c->p;
	char name[RDS_NAME_LEN];
	snprintf(name, sizeof name, "%s-redis", p->name);
	/* selector labels are immutable: only ours, never the user's */
	struct fs_json *pod_labels = fs_json_object();
	fs_obj_set_str(pod_labels, RDS_INSTANCE, p->name);
	fs_obj_set_str(pod_labels, "app", name);
	struct fs_json *sts = fs_obj_new("apps/v1", "StatefulSet", name, rds_labels(p));
	/* no owner: like every workload Karmada propagates, it must not carry a
	 * reference to an object that does not exist in member clusters */
	fs_obj_set_arr(fs_obj_metadata(sts), "ownerReferences");
	struct fs_json *spec = fs_obj_spec(sts);
	fs_obj_set_int(spec, "replicas", p->replicas);
	fs_obj_set_str(spec, "serviceName", name);
	fs_obj_set(fs_obj_set_obj(spec, "selector"), "matchLabels", fs_host->json_dup(pod_labels));
	struct fs_json *tmpl = fs_obj_set_obj(spec, "template");
	fs_obj_set(fs_obj_set_obj(tmpl, "metadata"), "labels", pod_labels);
	struct fs_json *k = container(p);
	const char *size = fs_json_str_at(p->spec, "storage.size");
	if (size && *size) {
		struct fs_json *vm = fs_json_object();
		fs_obj_set_str(vm, "name", "data");
		fs_obj_set_str(vm, "mountPath", "/data");
		fs_arr_push(fs_obj_set_arr(k, "volumeMounts"), vm);
		struct fs_json *pvc = fs_json_object();
		fs_obj_set_str(fs_obj_set_obj(pvc, "metadata"), "name", "data");
		struct fs_json *ps = fs_obj_set_obj(pvc, "spec");
		fs_arr_push_str(fs_obj_set_arr(ps, "accessModes"), "ReadWriteOnce");
		const char *sc = fs_json_str_at(p->spec, "storage.storageClass");
		if (sc && *sc)
			fs_obj_set_str(ps, "storageClassName", sc);
		fs_obj_set_str(fs_obj_set_obj(fs_obj_set_obj(ps, "resources"), "requests"), "storage",
			       size);
		fs_arr_push(fs_obj_set_arr(spec, "volumeClaimTemplates"), pvc);
	}
	fs_arr_push(fs_obj_set_arr(fs_obj_set_obj(tmpl, "spec"), "containers"), k);
	emit(c, sts);

	struct fs_json *pl;
	struct fs_json *pol = fs_obj_propagation_policy(
		name, rds_labels(p), active_names(p),
		fs_obj_selector("apps/v1", "StatefulSet", name, NULL), &pl);
	struct fs_json *list = fs_obj_static_weights(pl);
	for (size_t i = 0; i < p->n; i++)
		fs_obj_static_weight(list, p->s[i].cluster, p->s[i].replicas);
	emit(c, pol);

	char op_name[RDS_NAME_LEN + 8];
	snprintf(op_name, sizeof op_name, "%s-primary", name);
	/* env 0 is REDIS_PRIMARY_CLUSTER */
	struct fs_json *primary = fs_obj_plaintext(
		"replace", "/spec/template/spec/containers/0/env/0/value",
		fs_host->json_new_string("true"));
	emit(c, fs_obj_override_policy(op_name, rds_labels(p), p->primary, primary,
				       fs_obj_selector("apps/v1", "StatefulSet", name,
						       p->ns)));
}

enum fs_code
rds_render(void *state, struct fs_render *r, const struct fs_json *obj,
	   const struct fs_json *placement, char *err, size_t errlen)
{
	struct ctx c = {.r = r};
	enum fs_code code = rds_plan_build(&c.p, state, r, obj, placement, true, err,
					   errlen);
	if (code == FS_OK && !c.p.n) {
		snprintf(err, errlen, "placement: no cluster has replicas yet "
			 "(waiting for the scheduler's schedulerResult)");
		code = FS_E_NOTFOUND;
	}
	if (code == FS_OK) {
		render_statefulset(&c);
		render_primary(&c);
		code = c.code;
		/* the host's reason for the refused object (ABI 1.1) */
		const char *why = fs_host->last_error(((const struct rds_conf *)state)->self);
		if (code != FS_OK && why)
			snprintf(err, errlen, "%s", why);
	}
	rds_plan_free(&c.p);
	return code;
}
