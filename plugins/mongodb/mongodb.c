/*
 * plugins/mongodb/mongodb.c - the MongoDB middleware plugin: FedState's
 * MultiCloudMongoDB rendered into Karmada objects, and its status
 * aggregated back. See docs/plugins/mongodb.md.
 *
 * args (all optional):
 *   vipLabel: Cluster label that holds a member cluster's VIP ("vip")
 *   port:     mongod port inside the Services (27017)
 */
#include <stddef.h>

#include <fedstate/args.h>

#include "mdb.h"

static const struct fs_arg mdb_args[] = {
	{.key = "vipLabel", .type = FS_ARG_STRING,
	 .offset = offsetof(struct mdb_conf, vip_label)},
	{.key = "port", .type = FS_ARG_INT, .offset = offsetof(struct mdb_conf, port),
	 .min = 1, .max = 65535},
};

static enum fs_code
mdb_init(struct fs_plugin *self, const struct fs_json *args, void **state,
	 char *err, size_t errlen)
{
	(void)self;
	struct mdb_conf *c = fs_host->calloc(1, sizeof *c);
	if (!c)
		return FS_E_NOMEM;
	c->vip_label = "vip";
	c->port = 27017;
	enum fs_code rc = fs_args_parse(args, mdb_args,
					sizeof mdb_args / sizeof mdb_args[0], c, err,
					errlen);
	if (rc != FS_OK) {
		fs_host->free(c);
		return rc;
	}
	*state = c;
	return FS_OK;
}

static void
mdb_fini(void *state)
{
	fs_host->free(state);
}

static const struct fs_mw_ops mdb_ops = {
	.struct_size = sizeof(struct fs_mw_ops),
	.group = MDB_GROUP,
	.version = MDB_VERSION,
	.kind = MDB_KIND,
	.interpret = mdb_interpret,
	.render = mdb_render,
	.aggregate_status = mdb_aggregate_status,
	.interpret_health = mdb_interpret_health,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_MIDDLEWARE, .name = "mongodb",
		 .version = "0.1.0",
		 .description = "MultiCloudMongoDB: renders NodePort Services, "
				"hostconf, member CR and Karmada policies; "
				"aggregates member status",
		 .vendor = "FedState", .license = "Apache-2.0",
		 .caps = FS_CAP_INTERPRET | FS_CAP_RENDER |
			 FS_CAP_AGGREGATE_STATUS | FS_CAP_INTERPRET_HEALTH,
		 .args_schema = "{\"type\":\"object\",\"properties\":{"
				"\"vipLabel\":{\"type\":\"string\"},"
				"\"port\":{\"type\":\"integer\",\"minimum\":1,"
				"\"maximum\":65535}},\"additionalProperties\":false}",
		 .init = mdb_init, .fini = mdb_fini, .mw = &mdb_ops)
