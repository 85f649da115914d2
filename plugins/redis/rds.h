/*
 * plugins/redis/rds.h - the Redis middleware plugin (MultiCloudRedis):
 * one primary and its replicas spread over member clusters, built only on
 * the public plugin ABI. Internal header; hidden visibility.
 */
#ifndef FS_PLUGIN_REDIS_RDS_H
#define FS_PLUGIN_REDIS_RDS_H

#include <fedstate/fedstate.h>
#include <fedstate/objects.h>

#define RDS_GROUP "middleware.fedstate.io"
#define RDS_VERSION "v1alpha1"
#define RDS_KIND "MultiCloudRedis"
#define RDS_POLICY_API "policy.karmada.io/v1alpha1"
#define RDS_INSTANCE "app.kubernetes.io/instance"
#define RDS_NAME_LEN 300

struct rds_conf {
	const char *vip_label; /* "vip" */
	/* the instance handle init() got: valid until fini (mw.h), for
	 * host->last_error */
	struct fs_plugin *self;
};

/* ---- plan.c: object + placement ---- */
struct rds_site {
	const char *cluster;
	int32_t replicas;
	const char *vip;
};

struct rds_plan {
	const struct fs_json *obj, *spec;
	const char *name, *ns;
	int32_t replicas;       /* spec.replicas: primary + replicas */
	struct rds_site *s;     /* active clusters, most replicas first */
	size_t n;
	const char *primary;    /* the cluster whose pod 0 is the primary */
};

enum fs_code rds_plan_build(struct rds_plan *p, const struct rds_conf *c,
			    struct fs_render *r, const struct fs_json *obj,
			    const struct fs_json *placement, bool need_vips,
			    char *err, size_t errlen);
void rds_plan_free(struct rds_plan *p);
struct fs_json *rds_labels(const struct rds_plan *p); /* <labels> + instance */
int64_t rds_primary_port(struct fs_render *r, const struct rds_plan *p);

/* ---- callbacks ---- */
enum fs_code rds_interpret(void *state, const struct fs_json *obj,
			   struct fs_mw_workload *out, char *err, size_t errlen);
enum fs_code rds_render(void *state, struct fs_render *r,
			const struct fs_json *obj,
			const struct fs_json *placement, char *err,
			size_t errlen);
enum fs_code rds_aggregate_status(void *state, struct fs_render *r,
				  const struct fs_json *obj,
				  const struct fs_json *placement,
				  const struct fs_json *binding,
				  struct fs_json **status, char *err,
				  size_t errlen);
enum fs_code rds_interpret_health(void *state, const struct fs_json *member,
				  bool *healthy, const char **reason);

#endif
