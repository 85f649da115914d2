/*
 * plugins/mongodb/mdb.h - shared pieces of the MongoDB middleware plugin
 * (middleware.fedstate.io/v1alpha1 MultiCloudMongoDB). Internal to the
 * plugin: everything here has hidden visibility.
 *
 * Every JSON value goes through fs_host->json_*, mostly by way of the
 * public helpers in <fedstate/objects.h>; the plugin never sees the host's
 * JSON library.
 */
#ifndef FS_PLUGIN_MONGODB_MDB_H
#define FS_PLUGIN_MONGODB_MDB_H

#include <fedstate/fedstate.h>
#include <fedstate/objects.h>

#define MDB_GROUP "middleware.fedstate.io"
#define MDB_VERSION "v1alpha1"
#define MDB_API MDB_GROUP "/" MDB_VERSION
#define MDB_KIND "MultiCloudMongoDB"
#define MDB_MEMBER_KIND "MongoDB"
#define MDB_PP_API "policy.karmada.io/v1alpha1"
#define MDB_INSTANCE "app.kubernetes.io/instance"
#define MDB_VIP_LABEL "app.multicloudmongodb.io/vip"

/* plugin instance settings (init args) */
struct mdb_conf {
	const char *vip_label; /* Cluster label holding the VIP, "vip" */
	int64_t port;          /* mongod port in the Services, 27017 */
};

/* ---- plan.c: the decoded object + placement ---- */
struct mdb_member {
	const char *cluster; /* borrowed from the placement or status */
	int32_t want;        /* scheduled data members */
	int32_t keep;        /* members whose Services stay: max(want, still running) */
	bool arbiter;        /* the scheduler put the arbiter here */
	const char *vip;     /* borrowed from the cluster facts; NULL unknown */
};

struct mdb_plan {
	const struct fs_json *obj;
	const struct fs_json *spec;
	const char *name;
	const char *ns;
	struct mdb_member *m; /* want descending (scheduler order on ties), then
	                         leaving clusters */
	size_t n;
	int32_t replicaset;   /* spec.replicaset */
	int32_t max_keep;     /* Services <name>-mongodb-0 .. max_keep-1 */
	const char *rs_init;  /* cluster that runs rs.initiate */
	bool want_arbiter;    /* spec.config.arbiter */
	const char *arbiter;  /* arbiter cluster, NULL without arbiter */
};

enum fs_code mdb_plan_build(struct mdb_plan *p, const struct mdb_conf *conf,
			    struct fs_render *r, const struct fs_json *obj,
			    const struct fs_json *placement, bool need_vips,
			    char *err, size_t errlen);
void mdb_plan_free(struct mdb_plan *p);
const struct mdb_member *mdb_plan_find(const struct mdb_plan *p,
				       const char *cluster);
/* the object's own labels, plus app.kubernetes.io/instance when asked
 * (new object) */
struct fs_json *mdb_labels(const struct mdb_plan *p, bool instance);
/* NodePort of Service `name` as it exists now, 0 when unknown */
int64_t mdb_node_port(struct fs_render *r, const char *name);

/* ---- member.c: the member MongoDB CR (new object) ---- */
struct fs_json *mdb_member_cr(const struct mdb_plan *p);

/* ---- interpret.c ---- */
enum fs_code mdb_interpret(void *state, const struct fs_json *obj,
			   struct fs_mw_workload *out, char *err, size_t errlen);

/* ---- render.c ---- */
enum fs_code mdb_render(void *state, struct fs_render *r,
			const struct fs_json *obj,
			const struct fs_json *placement, char *err,
			size_t errlen);

/* ---- status.c ---- */
enum fs_code mdb_aggregate_status(void *state, struct fs_render *r,
				  const struct fs_json *obj,
				  const struct fs_json *placement,
				  const struct fs_json *binding,
				  struct fs_json **status, char *err,
				  size_t errlen);
enum fs_code mdb_interpret_health(void *state, const struct fs_json *member,
				  bool *healthy, const char **reason);

#endif
