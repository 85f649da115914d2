/*
 * cmd/cmd_render.c - `fedstate render`: run a middleware plugin's render
 * (or, with --status, its status aggregation) over files, offline.
 *
 *   fedstate render --config config/ops.yaml --object mcmongo.yaml
 *       --clusters clusters.yaml [--placement JSON] [--existing objects.yaml]
 *       [--allocate-nodeports] [--plugin-dir DIR] [--output yaml|json]
 *   fedstate render --status --config ... --object ... --binding rb.yaml
 *
 * Exit codes: 0 done, 1 an input or the plugin failed, 2 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "daemon/duration.h"
#include "runtime/runtime.h"
#include "model/schedresult.h"
#include "ops/input.h"
#include "ops/object.h"
#include "ops/ops.h"
#include "ops/yaml_out.h"
#include "plugin/loader.h"
#include "util/buf.h"

#define MAX_PASSES 3

struct opts {
	const char *config, *object, *clusters, *placement, *existing, *binding;
	const char *dirs[16];
	size_t n_dirs;
	bool json, status, allocate;
	uint32_t isolate_ms; /* --isolate: each plugin call in a child; 0: in process */
};

#define ISOLATE_DEFAULT_MS 10000u

static void
usage(FILE *f)
{
	fputs("usage: fedstate render --config FILE --object FILE [--clusters FILE]\n"
	      "           [--placement JSON] [--existing FILE] [--allocate-nodeports]\n"
	      "           [--plugin-dir DIR]... [--output yaml|json] [--isolate[=DURATION]]\n"
	      "       fedstate render --status --config FILE --object FILE\n"
	      "           --binding FILE [--clusters FILE] [--existing FILE] ...\n"
	      "\n"
	      "Prints the objects a middleware plugin renders for each federated\n"
	      "object in --object, and the objects an earlier render made that are\n"
	      "no longer desired (found by their fedstate.io labels in --existing).\n"
	      "--placement takes the schedulerResult annotation's JSON; without it\n"
	      "the object's own annotation is used. --allocate-nodeports stands in\n"
	      "for the API server and gives new NodePort Services a port, so a\n"
	      "second pass can complete the hostconf.\n"
	      "--isolate runs each plugin call in a child process with a deadline\n"
	      "(default 10s): a crash or hang is that object's error (exit 1), the\n"
	      "other objects are still rendered.\n",
	      f);
}

static int
parse(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{"config", required_argument, 0, 'c'},
		{"object", required_argument, 0, 'f'},
		{"clusters", required_argument, 0, 'C'},
		{"placement", required_argument, 0, 'p'},
		{"existing", required_argument, 0, 'e'},
		{"binding", required_argument, 0, 'b'},
		{"plugin-dir", required_argument, 0, 'd'},
		{"output", required_argument, 0, 'o'},
		{"status", no_argument, 0, 's'},
		{"allocate-nodeports", no_argument, 0, 'a'},
		{"isolate", optional_argument, 0, 'i'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:f:o:h", longs, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'f': o->object = optarg; break;
		case 'C': o->clusters = optarg; break;
		case 'p': o->placement = optarg; break;
		case 'e': o->existing = optarg; break;
		case 'i': {
			double s = ISOLATE_DEFAULT_MS / 1000.0;
			if (optarg && (fs_duration_parse(optarg, &s) != FS_OK || s <= 0 || s > 3600)) {
				fprintf(stderr, "fedstate render: --isolate: expected a duration "
					"such as \"10s\" (at most 1h), got \"%s\"\n", optarg);
				return 2;
			}
			o->isolate_ms = (uint32_t)(s * 1000);
			break;
		}
		case 'b': o->binding = optarg; break;
		case 's': o->status = true; break;
		case 'a': o->allocate = true; break;
		case 'd':
			if (o->n_dirs == sizeof o->dirs / sizeof *o->dirs) {
				fprintf(stderr, "fedstate render: too many --plugin-dir (at most 16)\n");
				return 2;
			}
			o->dirs[o->n_dirs++] = optarg;
			break;
		case 'o':
			if (strcmp(optarg, "json") && strcmp(optarg, "yaml")) {
				fprintf(stderr, "fedstate render: --output: expected yaml or json, got \"%s\"\n",
					optarg);
				return 2;
			}
			o->json = strcmp(optarg, "json") == 0;
			break;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "fedstate render: unexpected argument \"%s\"\n", argv[optind]);
		return 2;
	}
	if (!o->config || !o->object) {
		fprintf(stderr, "fedstate render: --config and --object are required\n");
		usage(stderr);
		return 2;
	}
	if (o->status && !o->binding)
		fprintf(stderr, "fedstate render: no --binding: status is computed as if "
				"no cluster had reported yet\n");
	return 0;
}

static cJSON *
load(const char *path, struct fs_diags *d)
{
	cJSON *arr = NULL;
	if (path && fs_ops_load_objects(path, &arr, d) != FS_OK)
		return NULL;
	return arr ? arr : cJSON_CreateArray();
}

static void
print_doc(struct fs_buf *b, const cJSON *v)
{
	fs_buf_adds(b, "---\n");
	fs_ops_yaml_write(b, v);
}

static void
print_render(struct fs_buf *b, const cJSON *obj, const struct fs_ops_output *out,
	     bool json)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const char *ns = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta, "namespace"));
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta, "name"));
	if (json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "desired", cJSON_Duplicate(out->desired, 1));
		cJSON_AddItemToObject(o, "prune", cJSON_Duplicate(out->prune, 1));
		if (out->need_pass)
			cJSON_AddStringToObject(o, "passNeeded", out->why);
		char *s = cJSON_Print(o);
		fs_buf_printf(b, "%s\n", s);
		free(s);
		cJSON_Delete(o);
		return;
	}
	fs_buf_printf(b, "# %s %s/%s: %d desired, %d to prune\n",
		      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "kind")),
		      ns ? ns : "default", name, cJSON_GetArraySize(out->desired),
		      cJSON_GetArraySize(out->prune));
	if (out->need_pass)
		fs_buf_printf(b, "# pass 2 needed: %s\n", out->why);
	const cJSON *o;
	cJSON_ArrayForEach(o, out->desired) print_doc(b, o);
	if (cJSON_GetArraySize(out->prune)) {
		fs_buf_adds(b, "# prune (rendered earlier, no longer desired):\n");
		cJSON_ArrayForEach(o, out->prune)
		{
			struct fs_ops_ref r;
			if (fs_ops_ref_of(o, &r))
				fs_buf_printf(b, "#   %s %s %s/%s\n", r.api_version,
					      r.kind, r.ns, r.name);
		}
	}
}

/* render, and with --allocate-nodeports simulate the API server between
 * passes */
static enum fs_code
render_one(const struct fs_ops_mw *mw, struct fs_ops_input *in, bool allocate,
	   uint32_t isolate_ms, struct fs_ops_output *out, char *err, size_t errlen)
{
	cJSON *existing = cJSON_Duplicate(in->existing, 1);
	in->existing = existing;
	enum fs_code code = FS_OK;
	for (int pass = 1; pass <= MAX_PASSES; pass++) {
		code = isolate_ms
			? fs_ops_render_isolated(mw, in, isolate_ms, out, err, errlen)
			: fs_ops_render(mw, in, out, err, errlen);
		if (code != FS_OK || !out->need_pass || !allocate || pass == MAX_PASSES)
			break;
		if (!fs_ops_allocate_nodeports(out->desired, existing))
			break;
		fs_ops_output_release(out);
	}
	in->existing = NULL;
	cJSON_Delete(existing);
	return code;
}

static const cJSON *
first_binding(const cJSON *arr)
{
	const cJSON *o;
	cJSON_ArrayForEach(o, arr)
	{
		const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "kind"));
		if (k && strcmp(k, "ResourceBinding") == 0)
			return o;
	}
	return cJSON_GetArrayItem(arr, 0);
}

static int
run(const struct opts *o, struct fs_ops *ops, const cJSON *objects,
    const cJSON *clusters, const cJSON *existing, const cJSON *bindings,
    const cJSON *placement)
{
	struct fs_buf b = FS_BUF_INIT;
	int rc = 0, done = 0;
	const cJSON *obj;
	cJSON_ArrayForEach(obj, objects)
	{
		const char *av = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "apiVersion"));
		const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "kind"));
		const struct fs_ops_mw *mw = fs_ops_find(ops, av, kind);
		if (!mw)
			continue;
		done++;
		struct fs_ops_input in = {.object = obj, .placement = placement,
					  .clusters = clusters, .existing = existing,
					  .binding = bindings ? first_binding(bindings) : NULL};
		struct fs_ops_output out;
		char err[1024];
		enum fs_code code = o->status
			? (o->isolate_ms ? fs_ops_status_isolated(mw, &in, o->isolate_ms, &out, err, sizeof err)
					 : fs_ops_status(mw, &in, &out, err, sizeof err))
			: render_one(mw, &in, o->allocate, o->isolate_ms, &out, err, sizeof err);
		if (code != FS_OK) {
			fprintf(stderr, "fedstate render: %s\n", err);
			rc = 1;
			continue;
		}
		if (o->status) {
			cJSON *wrap = cJSON_CreateObject();
			cJSON_AddItemToObject(wrap, "status", cJSON_Duplicate(out.status, 1));
			if (o->json) {
				char *s = cJSON_Print(wrap);
				fs_buf_printf(&b, "%s\n", s);
				free(s);
			} else {
				print_doc(&b, wrap);
			}
			cJSON_Delete(wrap);
		} else {
			if (out.need_pass)
				fprintf(stderr, "fedstate render: pass 2 needed: %s%s\n", out.why,
					o->allocate ? "" : " (try --allocate-nodeports)");
			print_render(&b, obj, &out, o->json);
		}
		fs_ops_output_release(&out);
		/* each object's output out at once: a later crash loses none */
		fwrite(b.data, 1, b.len, stdout);
		fflush(stdout);
		fs_buf_reset(&b);
	}
	if (!done) {
		fprintf(stderr, "fedstate render: %s: no object of a kind the configured "
				"middlewares handle", o->object);
		for (size_t i = 0; i < fs_ops_count(ops); i++)
			fprintf(stderr, "%s %s %s", i ? "," : " (expected", fs_ops_at(ops, i)->api_version,
				fs_ops_at(ops, i)->kind);
		fputs(fs_ops_count(ops) ? ")\n" : "\n", stderr);
		rc = 1;
	}
	fwrite(b.data, 1, b.len, stdout);
	fs_buf_release(&b);
	return rc;
}

int
fs_cmd_render(int argc, char **argv)
{
	struct opts o = {0};
	int rc = parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_ops_config *cfg = NULL;
	struct fs_ops *ops = NULL;
	/* the command's own runtime and registry, released at the end */
	struct fs_runtime *rt = fs_runtime_new(NULL);
	if (!rt)
		return 2;
	struct fs_registry *reg = fs_runtime_registry(rt);
	cJSON *objects = NULL, *clusters = NULL, *existing = NULL, *bindings = NULL,
	      *placement = NULL;
	char *dirs[16] = {0};
	rc = 1;
	if (fs_ops_config_load(o.config, &cfg, &d) != FS_OK)
		goto out;
	for (size_t i = 0; i < o.n_dirs; i++) {
		dirs[i] = realpath(o.dirs[i], NULL);
		if (!dirs[i]) {
			fs_diags_add(&d, FS_DIAG_ERROR, NULL, 0, 0, "--plugin-dir",
				     "%s: no such directory", o.dirs[i]);
			goto out;
		}
	}
	if (fs_ops_open(reg, cfg, (const char *const *)dirs, o.n_dirs, &ops, &d) != FS_OK)
		goto out;
	objects = load(o.object, &d);
	clusters = load(o.clusters, &d);
	existing = load(o.existing, &d);
	bindings = o.binding ? load(o.binding, &d) : NULL;
	if (!objects || !clusters || !existing || (o.binding && !bindings))
		goto out;
	if (o.placement) {
		char err[512];
		if (fs_schedresult_parse("--placement", o.placement, strlen(o.placement),
					 &placement, err, sizeof err) != FS_OK) {
			fprintf(stderr, "fedstate render: %s\n", err);
			goto out;
		}
	}
	rc = run(&o, ops, objects, clusters, existing, bindings, placement);
out:
	fs_diags_print(&d, stderr);
	fs_diags_release(&d);
	cJSON_Delete(objects);
	cJSON_Delete(clusters);
	cJSON_Delete(existing);
	cJSON_Delete(bindings);
	cJSON_Delete(placement);
	for (size_t i = 0; i < o.n_dirs; i++)
		free(dirs[i]);
	fs_ops_close(ops);
	fs_runtime_free(rt);
	fs_ops_config_free(cfg);
	return rc;
}
