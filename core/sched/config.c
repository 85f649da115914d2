/* sched/config.c - reading the scheduler configuration file (see config.h) */
#include "sched/config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <fedstate/plugin.h>

#include "plugin/loader.h"
#include "sched/config_parse.h"
#include "util/buf.h"
#include "util/doc.h"

const char *const fs_config_defaults[] = {
	"api-enablement",   "taint-toleration", "cluster-affinity",
	"spread-constraint", "cluster-locality", "cluster-eviction",
};
const uint32_t fs_config_n_defaults =
	sizeof fs_config_defaults / sizeof fs_config_defaults[0];

/* parsing of profiles[] lives in config_profile.c */
void fs_cfg_read_profiles(struct fs_cfg_ctx *c, const cJSON *profiles);
void fs_cfg_default_profile(struct fs_config *cfg, struct fs_config_profile *p);

static const char *const point_names[FS_POINT_SETS] = {
	"preFilter", "filter", "preScore", "score", "assign", "bind", "multiPoint",
};
static const uint32_t point_caps[FS_POINT_SETS] = {
	FS_CAP_PRE_FILTER, FS_CAP_FILTER, FS_CAP_PRE_SCORE, FS_CAP_SCORE,
	FS_CAP_ASSIGN,     FS_CAP_BIND,   0,
};

const char *
fs_point_name(enum fs_point p)
{
	return (unsigned)p < FS_POINT_SETS ? point_names[p] : "?";
}

uint32_t
fs_point_cap(enum fs_point p)
{
	return (unsigned)p < FS_POINT_SETS ? point_caps[p] : 0;
}

const struct fs_config_lib *
fs_config_find_lib(const struct fs_config *cfg, const char *name)
{
	for (uint32_t i = 0; name && i < cfg->n_plugins; i++)
		if (strcmp(cfg->plugins[i].name, name) == 0)
			return &cfg->plugins[i];
	return NULL;
}

const struct fs_config_args *
fs_config_profile_args(const struct fs_config_profile *p, const char *name)
{
	for (uint32_t i = 0; i < p->n_args; i++)
		if (strcmp(p->args[i].name, name) == 0)
			return &p->args[i];
	return NULL;
}

static const char *
read_sha256(struct fs_cfg_ctx *c, const cJSON *item)
{
	const char *s = fs_cfg_string(c, item, "sha256", false);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	bool hex = n == 64;
	for (size_t i = 0; hex && i < n; i++)
		hex = isxdigit((unsigned char)s[i]);
	if (!hex) {
		size_t old = fs_cfg_push_key(c, "sha256");
		fs_cfg_error(c, cJSON_GetObjectItemCaseSensitive(item, "sha256"), false,
			     "expected 64 hexadecimal digits, got %zu characters", n);
		if (c->d)
			fs_diags_hint(c->d, "print it with: sha256sum <plugin>.so");
		fs_cfg_pop(c, old);
		return NULL;
	}
	char *low = (char *)s;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)low[i]);
	return s;
}

/* plugins: / middlewares: - a list of {name, sha256[, args]} */
static void
read_libs(struct fs_cfg_ctx *c, const cJSON *list, const char *key, bool mw,
	  struct fs_config_lib **out, uint32_t *n_out)
{
	static const char *const lib_keys[] = {"name", "sha256", NULL};
	static const char *const mw_keys[] = {"name", "sha256", "args", NULL};
	size_t old = fs_cfg_push_key(c, key);
	uint32_t n = cJSON_IsArray(list) ? (uint32_t)cJSON_GetArraySize(list) : 0;
	uint32_t extra = mw ? 0 : fs_config_n_defaults;
	*out = FS_ARENA_NEW(&c->cfg->arena, struct fs_config_lib, n + extra);
	*n_out = 0;
	if (list && !fs_cfg_want_array(c, list))
		n = 0;
	for (uint32_t i = 0; i < n; i++) {
		size_t at;
		const cJSON *item = fs_cfg_enter_item(c, list, i, mw ? mw_keys : lib_keys, &at);
		if (!item)
			continue;
		struct fs_config_lib lib = {0};
		lib.at = fs_cfg_where(c, item);
		lib.name = fs_cfg_string(c, item, "name", true);
		lib.sha256 = read_sha256(c, item);
		const cJSON *args = cJSON_GetObjectItemCaseSensitive(item, "args");
		if (mw && args && !cJSON_IsNull(args)) {
			size_t a = fs_cfg_push_key(c, "args");
			if (fs_cfg_want_object(c, args))
				lib.args = cJSON_Duplicate(args, 1);
			fs_cfg_pop(c, a);
		}
		if (lib.name && !fs_plugin_name_valid(lib.name)) {
			size_t a = fs_cfg_push_key(c, "name");
			fs_cfg_error(c, cJSON_GetObjectItemCaseSensitive(item, "name"), false,
				     "invalid plugin name '%s'", lib.name);
			if (c->d)
				fs_diags_hint(c->d, "names are lowercase letters, digits and '-', at most 63 characters (the .so file name without .so)");
			fs_cfg_pop(c, a);
			lib.name = NULL;
		}
		for (uint32_t j = 0; lib.name && j < *n_out; j++) {
			if (strcmp((*out)[j].name, lib.name) == 0) {
				char w[48];
				fs_cfg_error(c, item, false, "duplicate %s '%s' (first listed at %s)",
					     mw ? "middleware" : "plugin", lib.name,
					     fs_cfg_where_text(&(*out)[j].at, w, sizeof w));
				lib.name = NULL;
			}
		}
		if (lib.name)
			(*out)[(*n_out)++] = lib;
		else
			cJSON_Delete(lib.args);
		fs_cfg_pop(c, at);
	}
	fs_cfg_pop(c, old);
	if (mw)
		return;
	for (uint32_t i = 0; i < fs_config_n_defaults; i++) {
		bool listed = false;
		for (uint32_t j = 0; j < *n_out && !listed; j++)
			listed = strcmp((*out)[j].name, fs_config_defaults[i]) == 0;
		if (!listed)
			(*out)[(*n_out)++] = (struct fs_config_lib){
				.name = fs_config_defaults[i], .implicit = true,
				.at = {"plugins", 0, 0}};
	}
}

static void
read_dirs(struct fs_cfg_ctx *c, const cJSON *list)
{
	size_t old = fs_cfg_push_key(c, "pluginDirs");
	if (!list || !fs_cfg_want_array(c, list)) {
		fs_cfg_pop(c, old);
		return;
	}
	uint32_t n = (uint32_t)cJSON_GetArraySize(list);
	c->cfg->plugin_dirs = FS_ARENA_NEW(&c->cfg->arena, const char *, n);
	for (uint32_t i = 0; i < n; i++) {
		const cJSON *it = cJSON_GetArrayItem(list, (int)i);
		size_t at = fs_cfg_push_index(c, i);
		char got[96];
		if (!cJSON_IsString(it))
			fs_cfg_error(c, it, false, "expected string, got %s",
				     fs_cfg_describe(it, got, sizeof got));
		else if (it->valuestring[0] != '/')
			fs_cfg_error(c, it, false,
				     "plugin directory must be an absolute path, got '%s'",
				     it->valuestring);
		else
			c->cfg->plugin_dirs[c->cfg->n_plugin_dirs++] =
				fs_arena_strdup(&c->cfg->arena, it->valuestring);
		fs_cfg_pop(c, at);
	}
	fs_cfg_pop(c, old);
}

static void
read_fixed(struct fs_cfg_ctx *c, const cJSON *root, const char *key,
	   const char *want)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
	size_t old = fs_cfg_push_key(c, key);
	char got[96];
	if (!v)
		fs_cfg_error(c, root, false, "missing required field, expected '%s'", want);
	else if (!cJSON_IsString(v) || strcmp(v->valuestring, want) != 0)
		fs_cfg_error(c, v, false, "expected '%s', got %s", want,
			     fs_cfg_describe(v, got, sizeof got));
	fs_cfg_pop(c, old);
}

static void
read_root(struct fs_cfg_ctx *c, const cJSON *root)
{
	static const char *const keys[] = {"apiVersion", "kind", "pluginDirs",
					   "plugins", "middlewares", "profiles",
					   NULL};
	if (!fs_cfg_want_object(c, root))
		return;
	fs_cfg_check_keys(c, root, keys);
	read_fixed(c, root, "apiVersion", FS_CONFIG_API_VERSION);
	read_fixed(c, root, "kind", FS_CONFIG_KIND);
	read_dirs(c, cJSON_GetObjectItemCaseSensitive(root, "pluginDirs"));
	read_libs(c, cJSON_GetObjectItemCaseSensitive(root, "plugins"), "plugins",
		  false, &c->cfg->plugins, &c->cfg->n_plugins);
	read_libs(c, cJSON_GetObjectItemCaseSensitive(root, "middlewares"),
		  "middlewares", true, &c->cfg->middlewares, &c->cfg->n_middlewares);
	for (uint32_t i = 0; i < c->cfg->n_middlewares; i++) {
		const char *name = c->cfg->middlewares[i].name;
		const struct fs_config_lib *lib = fs_config_find_lib(c->cfg, name);
		if (lib && !lib->implicit) {
			char w[48];
			fs_cfg_error_at(c, &c->cfg->middlewares[i].at,
					"'%s' is listed both as a middleware and as a scheduling plugin (%s)",
					name, fs_cfg_where_text(&lib->at, w, sizeof w));
		}
	}
	const cJSON *profiles = cJSON_GetObjectItemCaseSensitive(root, "profiles");
	if (profiles && !cJSON_IsNull(profiles)) {
		fs_cfg_read_profiles(c, profiles);
	} else {
		c->cfg->profiles = FS_ARENA_NEW(&c->cfg->arena, struct fs_config_profile, 1);
		c->cfg->n_profiles = 1;
		fs_cfg_default_profile(c->cfg, &c->cfg->profiles[0]);
	}
}

static struct fs_config *
config_new(const char *file)
{
	struct fs_config *cfg = fs_xcalloc(1, sizeof *cfg);
	cfg->file = fs_arena_strdup(&cfg->arena, file);
	return cfg;
}

static enum fs_code
config_from_docset(const struct fs_docset *ds, const char *file,
		   struct fs_config **out, struct fs_diags *d)
{
	struct fs_config *cfg = config_new(file);
	struct fs_cfg_ctx c = {.ds = ds, .d = d, .cfg = cfg, .file = cfg->file};
	size_t n = fs_docset_count(ds);
	if (n == 0) {
		c.errors++;
		if (d)
			fs_diags_add(d, FS_DIAG_ERROR, c.file, 1, 1, NULL,
				     "the file holds no document, expected a %s",
				     FS_CONFIG_KIND);
	} else {
		if (n > 1)
			fs_cfg_error(&c, fs_docset_doc(ds, 1), false,
				     "expected one document, got %zu", n);
		read_root(&c, fs_docset_doc(ds, 0));
	}
	if (c.errors) {
		fs_config_free(cfg);
		*out = NULL;
		return FS_E_CONFIG;
	}
	*out = cfg;
	return FS_OK;
}

enum fs_code
fs_config_load_file(const char *path, struct fs_config **out, struct fs_diags *d)
{
	struct fs_docset *ds = NULL;
	*out = NULL;
	enum fs_code rc = fs_docset_load_file(&ds, path, d);
	if (rc != FS_OK)
		return rc;
	rc = config_from_docset(ds, path, out, d);
	fs_docset_free(ds);
	return rc;
}

enum fs_code
fs_config_load_mem(const char *name, const char *text, size_t len,
		   struct fs_config **out, struct fs_diags *d)
{
	struct fs_docset *ds = NULL;
	*out = NULL;
	enum fs_code rc = fs_docset_load_mem(&ds, name, text, len, d);
	if (rc != FS_OK)
		return rc;
	rc = config_from_docset(ds, name, out, d);
	fs_docset_free(ds);
	return rc;
}

struct fs_config *
fs_config_default(void)
{
	struct fs_config *cfg = config_new("(built-in)");
	struct fs_cfg_ctx c = {.cfg = cfg, .file = cfg->file};
	read_libs(&c, NULL, "plugins", false, &cfg->plugins, &cfg->n_plugins);
	cfg->profiles = FS_ARENA_NEW(&cfg->arena, struct fs_config_profile, 1);
	cfg->n_profiles = 1;
	fs_cfg_default_profile(cfg, &cfg->profiles[0]);
	return cfg;
}

void
fs_config_free(struct fs_config *cfg)
{
	if (!cfg)
		return;
	for (uint32_t i = 0; i < cfg->n_middlewares; i++)
		cJSON_Delete(cfg->middlewares[i].args);
	for (uint32_t i = 0; i < cfg->n_profiles; i++)
		for (uint32_t j = 0; j < cfg->profiles[i].n_args; j++)
			cJSON_Delete(cfg->profiles[i].args[j].args);
	fs_arena_release(&cfg->arena);
	free(cfg);
}
