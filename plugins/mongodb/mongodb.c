/*
 * plugins/mongodb/mongodb.c - the MongoDB middleware plugin: FedState's
 * MultiCloudMongoDB rendered into Karmada objects, and its status
 * aggregated back. See docs/plugins/mongodb.md.
 *
 * args (all optional):
 *   vipLabel: Cluster label that holds a member cluster's VIP ("vip")
 *   port:     mongod port inside the Services (27017)
 */
#include <stdio.h>
#include <string.h>

#include "mdb.h"

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
	size_t n = fs_host->json_size(args);
	for (size_t i = 0; i < n; i++) {
		const char *k = fs_host->json_key_at(args, i);
		const struct fs_json *v = fs_host->json_at(args, i);
		if (strcmp(k, "vipLabel") == 0) {
			const char *s = fs_host->json_string(v);
			if (!s || !*s) {
				snprintf(err, errlen, "vipLabel: expected a non-empty string");
				goto bad;
			}
			c->vip_label = fs_host->intern(s, (size_t)-1);
		} else if (strcmp(k, "port") == 0) {
			if (!fs_host->json_int(v, &c->port) || c->port < 1 ||
			    c->port > 65535) {
				snprintf(err, errlen, "port: expected integer 1..65535");
				goto bad;
			}
		} else {
			snprintf(err, errlen, "%s: unknown argument (known: vipLabel, port)",
				 k);
			goto bad;
		}
	}
	*state = c;
	return FS_OK;
bad:
	fs_host->free(c);
	return FS_E_CONFIG;
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
		 .init = mdb_init, .fini = mdb_fini, .mw = &mdb_ops);
