/*
 * ops/config.c - loading and validating OpsConfiguration files.
 */
#include "ops/config.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/loader.h"
#include "util/buf.h"
#include "util/doc.h"
#include "util/keys.h"

struct ctx {
	const struct fs_docset *ds;
	const char *file;
	struct fs_diags *d;
};

static void
problem(struct ctx *c, const cJSON *at, const char *path, const char *msg,
	const char *hint)
{
	unsigned line = 0, col = 0;
	fs_docset_pos(c->ds, at, &line, &col);
	fs_diags_add(c->d, FS_DIAG_ERROR, c->file, line, col, path, "%s", msg);
	if (hint)
		fs_diags_hint(c->d, "%s", hint);
}

static void
wrong_type(struct ctx *c, const cJSON *at, const char *path, const char *want)
{
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "expected %s, got %s", want, fs_doc_type_name(at));
	problem(c, at, path, b.data, NULL);
	fs_buf_release(&b);
}

static char *
dup_string(struct ctx *c, const cJSON *obj, const char *key, const char *path,
	   bool required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[160];
	snprintf(p, sizeof p, "%s.%s", path, key);
	if (!v) {
		if (required)
			problem(c, obj, p, "required field is missing", NULL);
		return NULL;
	}
	if (!cJSON_IsString(v) || !*v->valuestring) {
		wrong_type(c, v, p, "non-empty string");
		return NULL;
	}
	return fs_xstrdup(v->valuestring);
}

static char *
resolve_dir(const char *file, const char *dir)
{
	if (dir[0] == '/')
		return fs_xstrdup(dir);
	char *copy = fs_xstrdup(file);
	struct fs_buf b = FS_BUF_INIT;
	char *base = dirname(copy);
	char *abs = realpath(base, NULL);
	fs_buf_printf(&b, "%s/%s", abs ? abs : base, dir);
	free(abs);
	free(copy);
	return fs_buf_detach(&b);
}

static void
load_dirs(struct ctx *c, const cJSON *root, struct fs_ops_config *cfg)
{
	const cJSON *dirs = cJSON_GetObjectItemCaseSensitive(root, "pluginDirs");
	if (!dirs)
		return;
	if (!cJSON_IsArray(dirs)) {
		wrong_type(c, dirs, "pluginDirs", "array of strings");
		return;
	}
	cfg->plugin_dirs = fs_xcalloc((size_t)cJSON_GetArraySize(dirs) + 1,
				      sizeof(char *));
	const cJSON *it;
	size_t i = 0;
	cJSON_ArrayForEach(it, dirs)
	{
		char p[64];
		snprintf(p, sizeof p, "pluginDirs[%zu]", i++);
		if (!cJSON_IsString(it) || !*it->valuestring)
			wrong_type(c, it, p, "non-empty string");
		else
			cfg->plugin_dirs[cfg->n_dirs++] =
				resolve_dir(c->file, it->valuestring);
	}
}

static void
load_mw(struct ctx *c, const cJSON *e, size_t i, struct fs_ops_config *cfg)
{
	static const char *const known[] = {"name", "group", "version", "kind",
					    "sha256", "args", NULL};
	char path[64];
	snprintf(path, sizeof path, "middlewares[%zu]", i);
	if (!cJSON_IsObject(e)) {
		wrong_type(c, e, path, "object");
		return;
	}
	fs_keys_check(c->d, c->ds, c->file, path, e, known);
	struct fs_ops_mw_conf *m = &cfg->mws[cfg->n_mws];
	memset(m, 0, sizeof *m);
	m->name = dup_string(c, e, "name", path, true);
	m->group = dup_string(c, e, "group", path, false);
	m->version = dup_string(c, e, "version", path, false);
	m->kind = dup_string(c, e, "kind", path, false);
	m->sha256 = dup_string(c, e, "sha256", path, false);
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(e, "args");
	char p[96];
	snprintf(p, sizeof p, "%s.args", path);
	if (args && !cJSON_IsObject(args) && !cJSON_IsNull(args))
		wrong_type(c, args, p, "object");
	else if (cJSON_IsObject(args))
		m->args = cJSON_Duplicate(args, 1);
	unsigned line = 0, col = 0;
	fs_docset_pos(c->ds, e, &line, &col);
	struct fs_buf w = FS_BUF_INIT;
	fs_buf_printf(&w, "%s:%u:%u", c->file, line, col);
	m->where = fs_buf_detach(&w);
	cfg->n_mws++;
	if (m->name && !fs_plugin_name_valid(m->name)) {
		snprintf(p, sizeof p, "%s.name", path);
		problem(c, cJSON_GetObjectItemCaseSensitive(e, "name"), p,
			"expected a plugin name of [a-z0-9-], at most 63 characters",
			"the plugin file is <pluginDir>/<name>.so");
	}
	for (size_t j = 0; m->name && j + 1 < cfg->n_mws; j++) {
		if (cfg->mws[j].name && strcmp(cfg->mws[j].name, m->name) == 0) {
			snprintf(p, sizeof p, "%s.name", path);
			char msg[160];
			snprintf(msg, sizeof msg,
				 "middleware '%s' is configured twice (first at "
				 "middlewares[%zu])",
				 m->name, j);
			problem(c, cJSON_GetObjectItemCaseSensitive(e, "name"), p,
				msg, NULL);
		}
	}
}

static void
check_header(struct ctx *c, const cJSON *root, const char *key,
	     const char *want)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
	char msg[200];
	if (!v) {
		snprintf(msg, sizeof msg, "required field is missing, expected \"%s\"",
			 want);
		problem(c, root, key, msg, NULL);
	} else if (!cJSON_IsString(v) || strcmp(v->valuestring, want) != 0) {
		snprintf(msg, sizeof msg, "expected \"%s\", got %s%.60s%s", want,
			 cJSON_IsString(v) ? "\"" : "",
			 cJSON_IsString(v) ? v->valuestring : fs_doc_type_name(v),
			 cJSON_IsString(v) ? "\"" : "");
		problem(c, v, key, msg, NULL);
	}
}

static enum fs_code
decode(struct ctx *c, struct fs_ops_config **out)
{
	static const char *const known[] = {"apiVersion", "kind", "pluginDirs",
					    "middlewares", NULL};
	size_t before = c->d->errors;
	if (fs_docset_count(c->ds) != 1) {
		fs_diags_add(c->d, FS_DIAG_ERROR, c->file, 0, 0, NULL,
			     "expected exactly one YAML document, got %zu",
			     fs_docset_count(c->ds));
		return FS_E_CONFIG;
	}
	const cJSON *root = fs_docset_doc(c->ds, 0);
	if (!cJSON_IsObject(root)) {
		wrong_type(c, root, "(top level)", "mapping");
		return FS_E_CONFIG;
	}
	check_header(c, root, "apiVersion", FS_OPS_CONFIG_API_VERSION);
	check_header(c, root, "kind", FS_OPS_CONFIG_KIND);
	fs_keys_check(c->d, c->ds, c->file, "", root, known);
	struct fs_ops_config *cfg = fs_xcalloc(1, sizeof *cfg);
	cfg->file = fs_xstrdup(c->file);
	load_dirs(c, root, cfg);
	const cJSON *mws = cJSON_GetObjectItemCaseSensitive(root, "middlewares");
	if (!mws) {
		problem(c, root, "middlewares", "required field is missing",
			"list at least one middleware plugin, e.g. "
			"{name: mongodb}");
	} else if (!cJSON_IsArray(mws)) {
		wrong_type(c, mws, "middlewares", "array");
	} else {
		cfg->mws = fs_xcalloc((size_t)cJSON_GetArraySize(mws) + 1,
				      sizeof *cfg->mws);
		size_t i = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, mws) load_mw(c, e, i++, cfg);
	}
	if (c->d->errors > before) {
		fs_ops_config_free(cfg);
		return FS_E_CONFIG;
	}
	*out = cfg;
	return FS_OK;
}

enum fs_code
fs_ops_config_load_mem(const char *name, const char *text, size_t len,
		       struct fs_ops_config **out, struct fs_diags *d)
{
	*out = NULL;
	struct fs_docset *ds;
	enum fs_code code = fs_docset_load_mem(&ds, name, text, len, d);
	if (code != FS_OK)
		return code;
	struct ctx c = {ds, name, d};
	code = decode(&c, out);
	fs_docset_free(ds);
	return code;
}

enum fs_code
fs_ops_config_load(const char *path, struct fs_ops_config **out,
		   struct fs_diags *d)
{
	*out = NULL;
	struct fs_docset *ds;
	enum fs_code code = fs_docset_load_file(&ds, path, d);
	if (code != FS_OK)
		return code;
	struct ctx c = {ds, path, d};
	code = decode(&c, out);
	fs_docset_free(ds);
	return code;
}

void
fs_ops_config_free(struct fs_ops_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_dirs; i++)
		free(c->plugin_dirs[i]);
	free(c->plugin_dirs);
	for (size_t i = 0; i < c->n_mws; i++) {
		struct fs_ops_mw_conf *m = &c->mws[i];
		free(m->name);
		free(m->group);
		free(m->version);
		free(m->kind);
		free(m->sha256);
		free(m->where);
		cJSON_Delete(m->args);
	}
	free(c->mws);
	free(c->file);
	free(c);
}
