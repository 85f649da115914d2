/*
 * example.c - the smallest useful FedState plugin, as a starting point.
 *
 * It is a scheduling plugin that implements two extension points:
 *
 *   filter  drop clusters that carry the label `<labelKey>=<labelValue>`
 *           (args; default "fedstate.io/cordon" = "true"), the way an admin
 *           might cordon a cluster for maintenance;
 *   score   prefer clusters in the region named by args.preferredRegion.
 *
 * Build it out of tree with nothing but the installed headers:
 *
 *   cc $(pkg-config --cflags fedstate-plugin) -O2 -c example.c
 *   cc $(pkg-config --libs fedstate-plugin) -o example.so example.o
 *
 * then check it and use it:
 *
 *   fedstate plugins check ./example.so
 *   cp example.so $(pkg-config --variable=plugindir fedstate-plugin)/
 *
 * Rules every plugin follows (docs/plugin-guide.md explains each):
 *   - include only the installed <fedstate/...> headers: fedstate.h, plus
 *     the optional helpers args.h (args checks) and objects.h (JSON
 *     building); call the host only through the `fs_host` table (the
 *     loader sets it before init runs);
 *   - export nothing but the entry point (-fvisibility=hidden, and
 *     FS_PLUGIN_DEFINE marks the entry visible);
 *   - callbacks run on the scheduling thread and must not block;
 *   - strings in cluster and binding views are interned: intern your own
 *     constants once (in init) and compare pointers.
 */
#include <stddef.h>

#include <fedstate/fedstate.h>
#include <fedstate/args.h>

/* One instance per configured use of the plugin (args may differ). */
struct example {
	const char *label_key;   /* interned */
	const char *label_value; /* interned */
	const char *region;      /* interned; NULL: no preference */
};

/*
 * The args, as a table for fs_args_parse() (<fedstate/args.h>): each entry
 * names a key and the field of struct example it fills. Unknown keys are
 * refused with a "did you mean" hint and wrong values get one line naming
 * the key, e.g. "labelKey: expected a string, got integer 5"; strings
 * arrive interned. Ranges, durations and enums work the same way.
 */
static const struct fs_arg example_args[] = {
	{.key = "labelKey", .type = FS_ARG_STRING,
	 .offset = offsetof(struct example, label_key)},
	{.key = "labelValue", .type = FS_ARG_STRING,
	 .offset = offsetof(struct example, label_value)},
	{.key = "preferredRegion", .type = FS_ARG_STRING,
	 .offset = offsetof(struct example, region)},
};

static enum fs_code
example_init(struct fs_plugin *self, const struct fs_json *args, void **state,
	     char *err, size_t errlen)
{
	struct example *ex = fs_host->calloc(1, sizeof *ex);
	if (!ex)
		return FS_E_NOMEM;
	/* defaults first: keys that are absent keep them */
	ex->label_key = fs_host->intern("fedstate.io/cordon", (size_t)-1);
	ex->label_value = fs_host->intern("true", (size_t)-1);

	enum fs_code rc = fs_args_parse(args, example_args,
					sizeof example_args / sizeof example_args[0],
					ex, err, errlen);
	if (rc != FS_OK) {
		fs_host->free(ex);
		return rc;
	}
	FS_LOG(self, FS_LOG_DEBUG, "cordon label %s=%s", ex->label_key, ex->label_value);
	*state = ex;
	return FS_OK;
}

static void
example_fini(void *state)
{
	fs_host->free(state);
}

static enum fs_code
example_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	       const char **reason)
{
	(void)cyc;
	const struct example *ex = state;
	const struct fs_kv *l = fs_kv_find(c->labels, c->n_labels, ex->label_key);
	if (l && l->value == ex->label_value) {
		/* a static reason groups across clusters in the diagnosis:
		 * "3 cluster(s) were cordoned" */
		*reason = "cluster(s) were cordoned";
		return FS_UNSCHEDULABLE;
	}
	return FS_OK;
}

static enum fs_code
example_score(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	      int64_t *score, const char **reason)
{
	(void)cyc;
	(void)reason;
	const struct example *ex = state;
	*score = ex->region && c->region == ex->region ? FS_SCORE_MAX : FS_SCORE_MIN;
	return FS_OK;
}

static const struct fs_sched_ops example_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.filter = example_filter,
	.score = example_score,
};

FS_PLUGIN_DEFINE(
	.name = "example",
	.version = "1.0.0",
	.description = "filters cordoned clusters and prefers one region",
	.vendor = "FedState",
	.license = "Apache-2.0",
	.kind = FS_PLUGIN_SCHED,
	.caps = FS_CAP_FILTER | FS_CAP_SCORE,
	.args_schema = "{\"type\":\"object\",\"properties\":{"
		       "\"labelKey\":{\"type\":\"string\"},"
		       "\"labelValue\":{\"type\":\"string\"},"
		       "\"preferredRegion\":{\"type\":\"string\"}},"
		       "\"additionalProperties\":false}",
	.init = example_init,
	.fini = example_fini,
	.sched = &example_ops)
