/*
 * plugins/mongo-spread/mongo_spread.c - the `mongo-spread` scheduling
 * plugin: args and descriptor. The division is in assign.c, the
 * failure-domain score in score.c; docs/plugins/mongo-spread.md has the
 * rules.
 */
#include "spread.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <fedstate/args.h>

static const char *const scope_names[] = {"middleware", "all", NULL};

#define MS_ARG(k, t, f, ...) {k, t, offsetof(struct ms_conf, f), __VA_ARGS__}
static const struct fs_arg ms_args[] = {
	MS_ARG("scope", FS_ARG_ENUM, scope, 0, 0, scope_names, NULL),
	MS_ARG("requireMajoritySurvival", FS_ARG_BOOL, require_survival, 0, 0,
	       NULL, NULL),
	MS_ARG("regionScore", FS_ARG_INT, region_score, 0, 100, NULL, NULL),
	MS_ARG("zoneScore", FS_ARG_INT, zone_score, 0, 100, NULL, NULL),
	MS_ARG("clusterScore", FS_ARG_INT, cluster_score, 0, 100, NULL, NULL),
};

static enum fs_code
ms_init(struct fs_plugin *self, const struct fs_json *args, void **state,
	char *err, size_t errlen)
{
	struct ms_state *st = calloc(1, sizeof *st);
	enum fs_code rc;
	int64_t sum;

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return FS_E_NOMEM;
	}
	st->self = self;
	st->conf = (struct ms_conf){
		.scope = MS_SCOPE_MIDDLEWARE,
		.require_survival = true,
		.region_score = 50,
		.zone_score = 30,
		.cluster_score = 20,
	};
	rc = fs_args_parse(args, ms_args, sizeof ms_args / sizeof ms_args[0],
			    &st->conf, err, errlen);
	sum = st->conf.region_score + st->conf.zone_score + st->conf.cluster_score;
	if (rc == FS_OK && sum > FS_SCORE_MAX) {
		snprintf(err, errlen, "regionScore + zoneScore + clusterScore: "
			 "%lld is above the maximum score %d", (long long)sum,
			 FS_SCORE_MAX);
		rc = FS_E_CONFIG;
	}
	if (rc != FS_OK) {
		free(st);
		return rc;
	}
	*state = st;
	return FS_OK;
}

static void
ms_fini(void *state)
{
	struct ms_state *st = state;

	if (!st)
		return;
	ms_scratch_release(&st->scratch);
	ms_used_release(&st->used);
	free(st);
}

static const struct fs_sched_ops ms_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.pre_score = ms_pre_score,
	.score = ms_score,
	.assign = ms_assign,
};

static const char ms_schema[] =
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"scope\":{\"enum\":[\"middleware\",\"all\"],\"default\":\"middleware\"},"
	"\"requireMajoritySurvival\":{\"type\":\"boolean\",\"default\":true},"
	"\"regionScore\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100,"
	"\"default\":50},"
	"\"zoneScore\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100,"
	"\"default\":30},"
	"\"clusterScore\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100,"
	"\"default\":20}}}";

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_SCHED, .name = "mongo-spread",
		 .version = "0.1.0",
		 .description = "divides MongoDB replica set members so that losing "
				"any one cluster keeps a voting majority",
		 .vendor = "FedState", .license = "Apache-2.0",
		 .caps = FS_CAP_PRE_SCORE | FS_CAP_SCORE | FS_CAP_ASSIGN,
		 .args_schema = ms_schema, .init = ms_init, .fini = ms_fini,
		 .sched = &ms_ops)
