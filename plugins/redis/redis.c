/*
 * plugins/redis/redis.c - the Redis middleware plugin: MultiCloudRedis
 * (config/crd/middleware.fedstate.io_multicloudredis.yaml), one primary
 * and replicas over member clusters. It proves a middleware can be added
 * with the public ABI only: nothing in core/ knows about Redis.
 * See docs/plugins/redis.md.
 *
 * args (optional): vipLabel: Cluster label with the member VIP ("vip")
 */
#include <stddef.h>
#include <stdio.h>

#include <fedstate/args.h>

#include "rds.h"

static const struct fs_arg rds_args[] = {
	{.key = "vipLabel", .type = FS_ARG_STRING,
	 .offset = offsetof(struct rds_conf, vip_label)},
};

enum fs_code
rds_interpret(void *state, const struct fs_json *obj, struct fs_mw_workload *out,
	      char *err, size_t errlen)
{
	(void)state;
	const struct fs_json *spec = fs_host->json_get(obj, "spec");
	int64_t n;
	if (!fs_json_int_at(obj, "spec.replicas", 1, 1000, &n, err, errlen))
		return FS_E_INVAL;
	out->replicas = (int32_t)n;
	const struct fs_json *req = fs_host->json_path(spec, "resources.requests");
	for (size_t i = 0; i < fs_host->json_size(req); i++) {
		const char *k = fs_host->json_key_at(req, i);
		const char *v = fs_host->json_string(fs_host->json_at(req, i));
		int64_t amount;
		if (!v || (fs_host->quantity_parse &&
			   fs_host->quantity_parse(v, k, &amount) != FS_OK)) {
			snprintf(err, errlen, "spec.resources.requests.%s: expected a "
				 "quantity such as \"100m\" or \"256Mi\"", k);
			return FS_E_INVAL;
		}
	}
	if (fs_host->json_size(req))
		out->requests = fs_host->json_dup(req);
	const char *sc = fs_json_str_at(spec, "storage.storageClass");
	out->storage_class = sc && *sc ? fs_host->intern(sc, (size_t)-1) : NULL;
	out->mode = FS_MODE_UNIFORM;
	struct fs_json *pl = fs_json_object();
	struct fs_json *rs = fs_obj_set_obj(pl, "replicaScheduling");
	fs_obj_set_str(rs, "replicaSchedulingType", "Divided");
	fs_obj_set_str(rs, "replicaDivisionPreference", "Weighted");
	out->placement = pl;
	return FS_OK;
}

static enum fs_code
rds_init(struct fs_plugin *self, const struct fs_json *args, void **state,
	 char *err, size_t errlen)
{
	struct rds_conf *c = fs_host->calloc(1, sizeof *c);
	if (!c)
		return FS_E_NOMEM;
	c->vip_label = "vip";
	c->self = self;
	enum fs_code rc = fs_args_parse(args, rds_args,
					sizeof rds_args / sizeof rds_args[0], c, err,
					errlen);
	if (rc != FS_OK) {
		fs_host->free(c);
		return rc;
	}
	*state = c;
	return FS_OK;
}

static void
rds_fini(void *state)
{
	fs_host->free(state);
}

static const struct fs_mw_ops rds_ops = {
	.struct_size = sizeof(struct fs_mw_ops),
	.group = RDS_GROUP,
	.version = RDS_VERSION,
	.kind = RDS_KIND,
	.interpret = rds_interpret,
	.render = rds_render,
	.aggregate_status = rds_aggregate_status,
	.interpret_health = rds_interpret_health,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_MIDDLEWARE, .name = "redis", .version = "0.1.0",
		 .description = "MultiCloudRedis: one primary and replicas over "
				"member clusters (StatefulSet, NodePort, topology)",
		 .vendor = "FedState", .license = "Apache-2.0",
		 .caps = FS_CAP_INTERPRET | FS_CAP_RENDER | FS_CAP_AGGREGATE_STATUS |
			 FS_CAP_INTERPRET_HEALTH,
		 .args_schema = "{\"type\":\"object\",\"properties\":{\"vipLabel\":"
				"{\"type\":\"string\"}},\"additionalProperties\":false}",
		 .init = rds_init, .fini = rds_fini, .mw = &rds_ops)
