/* ops_harness.c - see ops_harness.h */
#include "ops_harness.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ops/input.h"
#include "model/schedresult.h"
#include "plugin_harness.h"
#include "util/buf.h"

static struct fs_ops_config *configs[16];
static size_t n_configs;

struct fs_ops *
oh_open(const char *middlewares)
{
	char real[PATH_MAX];
	const char *dir = ph_build_path("plugins");
	if (!realpath(dir, real))
		fail_msg("plugin directory %s: not found (build first)", dir);
	struct fs_buf text = FS_BUF_INIT;
	fs_buf_printf(&text,
		      "apiVersion: config.fedstate.io/v1alpha1\n"
		      "kind: OpsConfiguration\n"
		      "pluginDirs: [\"%s\"]\n"
		      "middlewares: %s\n",
		      real, middlewares);
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_ops_config *cfg;
	struct fs_ops *ops = NULL;
	if (fs_ops_config_load_mem("test-ops.yaml", text.data, text.len, &cfg, &d) ==
	    FS_OK)
		fs_ops_open(ph_registry(), cfg, NULL, 0, &ops, &d);
	fs_buf_release(&text);
	if (!ops) {
		fs_diags_print(&d, stderr);
		fail_msg("ops config did not open");
	}
	fs_diags_release(&d);
	if (n_configs < sizeof configs / sizeof *configs)
		configs[n_configs++] = cfg;
	return ops;
}

void
oh_close(struct fs_ops *ops)
{
	fs_ops_close(ops);
	for (size_t i = 0; i < n_configs; i++)
		fs_ops_config_free(configs[i]);
	n_configs = 0;
}

const struct fs_ops_mw *
oh_mw(struct fs_ops *ops, const char *api_version, const char *kind)
{
	const struct fs_ops_mw *mw = fs_ops_find(ops, api_version, kind);
	if (!mw)
		fail_msg("no plugin for %s %s", api_version, kind);
	return mw;
}

cJSON *
oh_load(const char *rel)
{
	struct fs_diags d = FS_DIAGS_INIT;
	cJSON *arr;
	if (fs_ops_load_objects(ph_src_path(rel), &arr, &d) != FS_OK) {
		fs_diags_print(&d, stderr);
		fail_msg("%s: did not load", rel);
	}
	fs_diags_release(&d);
	return arr;
}

cJSON *
oh_doc(const char *rel, int i)
{
	cJSON *arr = oh_load(rel);
	cJSON *o = cJSON_GetArrayItem(arr, i);
	if (!o)
		fail_msg("%s: no object %d", rel, i);
	cJSON *c = cJSON_Duplicate(o, 1);
	cJSON_Delete(arr);
	return c;
}

cJSON *
oh_placement(const char *json)
{
	cJSON *p;
	char err[512];
	if (fs_schedresult_parse("test", json, strlen(json), &p, err, sizeof err) !=
	    FS_OK)
		fail_msg("%s", err);
	return p;
}

void
oh_settle(const struct fs_ops_mw *mw, struct fs_ops_input *in, cJSON **existing,
	  struct fs_ops_output *out)
{
	if (!*existing)
		*existing = cJSON_CreateArray();
	char err[1024];
	for (int pass = 1;; pass++) {
		in->existing = *existing;
		if (fs_ops_render(mw, in, out, err, sizeof err) != FS_OK)
			fail_msg("render: %s", err);
		if (!out->need_pass || pass == 3)
			break;
		if (!fs_ops_allocate_nodeports(out->desired, *existing))
			break;
		fs_ops_output_release(out);
	}
	in->existing = NULL;
}

cJSON *
oh_render_find(const struct fs_ops_mw *mw, struct fs_ops_input *in,
	       cJSON **existing, const char *kind, const char *name)
{
	struct fs_ops_output out = {0};
	oh_settle(mw, in, existing, &out);
	const cJSON *o = oh_find(out.desired, kind, name);
	if (!o)
		fail_msg("render: no %s/%s among %s", kind, name, oh_refs(out.desired));
	cJSON *copy = cJSON_Duplicate(o, 1);
	fs_ops_output_release(&out);
	return copy;
}

cJSON *
oh_status(const struct fs_ops_mw *mw, const struct fs_ops_input *in)
{
	struct fs_ops_output out;
	char err[1024];
	if (fs_ops_status(mw, in, &out, err, sizeof err) != FS_OK)
		fail_msg("status: %s", err);
	cJSON *st = out.status;
	out.status = NULL;
	fs_ops_output_release(&out);
	return st;
}

void
oh_assert_same(const cJSON *want, const cJSON *got, const char *what)
{
	if (cJSON_Compare(want, got, 1))
		return;
	char *a = cJSON_PrintUnformatted(want), *b = cJSON_PrintUnformatted(got);
	fail_msg("%s differs\nwant %s\ngot  %s", what, a, b);
}

cJSON *
oh_find(const cJSON *arr, const char *kind, const char *name)
{
	cJSON *o;
	cJSON_ArrayForEach(o, arr)
	{
		const char *k = oh_str(o, "kind"), *n = oh_str(o, "metadata.name");
		if (k && n && strcmp(k, kind) == 0 && strcmp(n, name) == 0)
			return o;
	}
	return NULL;
}

char *
oh_refs(const cJSON *arr)
{
	struct fs_buf b = FS_BUF_INIT;
	const cJSON *o;
	cJSON_ArrayForEach(o, arr)
		fs_buf_printf(&b, "%s%s/%s", b.len ? "," : "", oh_str(o, "kind"),
			      oh_str(o, "metadata.name"));
	return fs_buf_detach(&b);
}

static const cJSON *
at_path(const cJSON *v, const char *path)
{
	char key[256];
	while (v && path && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		snprintf(key, sizeof key, "%.*s", (int)n, path);
		if (cJSON_IsArray(v))
			v = cJSON_GetArrayItem(v, atoi(key));
		else
			v = cJSON_GetObjectItemCaseSensitive(v, key);
		path = dot ? dot + 1 : NULL;
	}
	return v;
}

const char *
oh_str(const cJSON *obj, const char *path)
{
	const cJSON *v = at_path(obj, path);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

char *
oh_json(const cJSON *obj, const char *path)
{
	const cJSON *v = at_path(obj, path);
	return v ? cJSON_PrintUnformatted(v) : fs_xstrdup("null");
}
