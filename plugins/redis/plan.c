/*
 * plugins/redis/plan.c - the MultiCloudRedis fields and the placement,
 * sorted most replicas first (scheduler order on ties). The primary stays
 * in the cluster that has it while that cluster keeps replicas.
 */
#include <stdio.h>
#include <string.h>

#include "rds.h"

static const char *
current_primary(struct fs_render *r, const struct rds_plan *p)
{
	char pp[RDS_NAME_LEN];
	snprintf(pp, sizeof pp, "%s-redis-primary-pp", p->name);
	const struct fs_json *pol = fs_host->render_lookup(r, RDS_POLICY_API,
							   "PropagationPolicy", NULL, pp);
	const char *c = fs_json_str_at(pol, "spec.placement.clusterAffinity.clusterNames.0");
	for (size_t i = 0; c && i < p->n; i++)
		if (strcmp(p->s[i].cluster, c) == 0)
			return p->s[i].cluster;
	return p->n ? p->s[0].cluster : NULL;
}

enum fs_code
rds_plan_build(struct rds_plan *p, const struct rds_conf *c, struct fs_render *r,
	       const struct fs_json *obj, const struct fs_json *placement,
	       bool need_vips, char *err, size_t errlen)
{
	memset(p, 0, sizeof *p);
	p->obj = obj;
	p->spec = fs_host->json_get(obj, "spec");
	p->name = fs_json_str_at(obj, "metadata.name");
	p->ns = fs_json_str_at(obj, "metadata.namespace");
	int64_t n;
	if (!p->name) {
		snprintf(err, errlen, "metadata.name: expected string");
		return FS_E_INVAL;
	}
	if (!fs_json_int_at(obj, "spec.replicas", 1, 1000, &n, err, errlen))
		return FS_E_INVAL;
	p->replicas = (int32_t)n;
	size_t total = fs_host->json_size(placement);
	p->s = fs_host->calloc(total ? total : 1, sizeof *p->s);
	if (!p->s)
		return FS_E_NOMEM;
	for (size_t i = 0; i < total; i++) {
		const struct fs_json *e = fs_host->json_at(placement, i);
		const char *cl = fs_json_str_at(e, "cluster");
		int64_t k;
		if (!cl || !fs_host->json_int(fs_host->json_get(e, "replicas"), &k) ||
		    k < 0 || k > INT32_MAX) {
			snprintf(err, errlen, "placement[%zu]: expected {cluster, replicas}", i);
			return FS_E_INVAL;
		}
		if (k == 0)
			continue;
		size_t j = p->n++;
		while (j > 0 && p->s[j - 1].replicas < k) {
			p->s[j] = p->s[j - 1];
			j--;
		}
		p->s[j] = (struct rds_site){cl, (int32_t)k, NULL};
	}
	for (size_t i = 0; i < p->n; i++) {
		p->s[i].vip = fs_host->render_cluster_label(r, p->s[i].cluster, c->vip_label);
		if ((!p->s[i].vip || !*p->s[i].vip) && need_vips) {
			snprintf(err, errlen,
				 "cluster \"%s\": no \"%s\" label; hint: kubectl label "
				 "cluster %s %s=<vip>",
				 p->s[i].cluster, c->vip_label, p->s[i].cluster, c->vip_label);
			return FS_E_INVAL;
		}
	}
	p->primary = current_primary(r, p);
	return FS_OK;
}

void
rds_plan_free(struct rds_plan *p)
{
	fs_host->free(p->s);
	p->s = NULL;
}

struct fs_json *
rds_labels(const struct rds_plan *p)
{
	const struct fs_json *own = fs_host->json_path(p->obj, "metadata.labels");
	struct fs_json *l = fs_host->json_type(own) == FS_JSON_OBJECT
		? fs_host->json_dup(own) : fs_json_object();
	fs_obj_set_str(l, RDS_INSTANCE, p->name);
	return l;
}

int64_t
rds_primary_port(struct fs_render *r, const struct rds_plan *p)
{
	char svc[RDS_NAME_LEN];
	snprintf(svc, sizeof svc, "%s-redis-primary", p->name);
	const struct fs_json *s = fs_host->render_lookup(r, "v1", "Service", NULL, svc);
	int64_t port = 0;
	if (fs_host->json_int(fs_host->json_path(s, "spec.ports.0.nodePort"), &port) &&
	    port > 0 && port < 65536)
		return port;
	return 0;
}
