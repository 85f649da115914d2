/*
 * ops/ops.c - loading the middleware plugins of an OpsConfiguration.
 */
#include "ops/ops.h"

#include <stdlib.h>
#include <string.h>

#include "plugin/loader.h"
#include "util/buf.h"

struct fs_ops {
	struct fs_ops_mw *mws;
	size_t n;
};

static void
fail(struct fs_diags *d, const struct fs_ops_mw_conf *m, size_t i,
     const char *msg)
{
	fs_diags_add(d, FS_DIAG_ERROR, NULL, 0, 0, NULL, "%s: middlewares[%zu]: %s",
		     m->where ? m->where : "(config)", i, msg);
}

/* the config's group/version/kind, when given, must be the plugin's */
static bool
kind_matches(const struct fs_ops_mw_conf *m, const struct fs_mw_ops *ops,
	     char *err, size_t errlen)
{
	if (!ops->group || !ops->version || !ops->kind) {
		snprintf(err, errlen,
			 "plugin '%s' does not say which kind it handles "
			 "(fs_mw_ops group/version/kind)",
			 m->name);
		return false;
	}
	if ((m->group && strcmp(m->group, ops->group)) ||
	    (m->version && strcmp(m->version, ops->version)) ||
	    (m->kind && strcmp(m->kind, ops->kind))) {
		snprintf(err, errlen,
			 "plugin '%s' handles %s/%s %s, the config says %s/%s %s",
			 m->name, ops->group, ops->version, ops->kind,
			 m->group ? m->group : ops->group,
			 m->version ? m->version : ops->version,
			 m->kind ? m->kind : ops->kind);
		return false;
	}
	return true;
}

static enum fs_code
open_one(struct fs_ops *o, struct fs_registry *reg,
	 const struct fs_ops_mw_conf *m, size_t i, struct fs_diags *d)
{
	char err[512];
	struct fs_loaded_plugin *lp;
	enum fs_code code = fs_plugin_load(reg, m->name, m->sha256,
					   FS_PLUGIN_MIDDLEWARE, &lp, err,
					   sizeof err);
	if (code != FS_OK) {
		fail(d, m, i, err);
		return code;
	}
	if (!kind_matches(m, &lp->mw, err, sizeof err)) {
		fail(d, m, i, err);
		return FS_E_CONFIG;
	}
	for (size_t j = 0; j < o->n; j++) {
		size_t gl = strlen(lp->mw.group);
		const char *av = o->mws[j].api_version;
		if (strcmp(o->mws[j].kind, lp->mw.kind) == 0 &&
		    strncmp(av, lp->mw.group, gl) == 0 && av[gl] == '/' &&
		    strcmp(av + gl + 1, lp->mw.version) == 0) {
			snprintf(err, sizeof err,
				 "kind %s/%s %s is already handled by '%s'",
				 lp->mw.group, lp->mw.version, lp->mw.kind, o->mws[j].conf->name);
			fail(d, m, i, err);
			return FS_E_CONFIG;
		}
	}
	struct fs_plugin *inst;
	code = fs_plugin_instantiate(lp, m->args, "ops", reg->env, &inst, err,
				     sizeof err);
	if (code != FS_OK) {
		fail(d, m, i, err);
		return code;
	}
	struct fs_ops_mw *mw = &o->mws[o->n++];
	mw->conf = m;
	mw->inst = inst;
	mw->ops = &lp->mw;
	mw->state = inst->state;
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "%s/%s", lp->mw.group, lp->mw.version);
	mw->api_version = fs_buf_detach(&b);
	mw->kind = lp->mw.kind;
	return FS_OK;
}

enum fs_code
fs_ops_open(struct fs_registry *reg, const struct fs_ops_config *cfg,
	    const char *const *extra_dirs, size_t n_extra, struct fs_ops **out,
	    struct fs_diags *d)
{
	*out = NULL;
	struct fs_ops *o = fs_xcalloc(1, sizeof *o);
	o->mws = fs_xcalloc(cfg->n_mws + 1, sizeof *o->mws);
	enum fs_code first = FS_OK;
	char err[512];
	for (size_t i = 0; i < n_extra; i++) {
		enum fs_code c = fs_registry_add_dir(reg, extra_dirs[i], err,
						     sizeof err);
		if (c != FS_OK) {
			fs_diags_add(d, FS_DIAG_ERROR, NULL, 0, 0, "--plugin-dir",
				     "%s", err);
			first = first ? first : c;
		}
	}
	for (size_t i = 0; i < cfg->n_dirs; i++) {
		enum fs_code c = fs_registry_add_dir(reg, cfg->plugin_dirs[i],
						     err, sizeof err);
		if (c != FS_OK) {
			fs_diags_add(d, FS_DIAG_ERROR, cfg->file, 0, 0,
				     "pluginDirs", "%s", err);
			first = first ? first : c;
		}
	}
	for (size_t i = 0; first == FS_OK && i < cfg->n_mws; i++) {
		enum fs_code c = open_one(o, reg, &cfg->mws[i], i, d);
		first = first ? first : c;
	}
	if (first != FS_OK) {
		fs_ops_close(o);
		return first;
	}
	*out = o;
	return FS_OK;
}

void
fs_ops_close(struct fs_ops *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++) {
		fs_plugin_retire(o->mws[i].inst);
		free(o->mws[i].api_version);
	}
	free(o->mws);
	free(o);
}

const struct fs_ops_mw *
fs_ops_find(const struct fs_ops *o, const char *api_version, const char *kind)
{
	for (size_t i = 0; o && api_version && kind && i < o->n; i++)
		if (strcmp(o->mws[i].kind, kind) == 0 &&
		    strcmp(o->mws[i].api_version, api_version) == 0)
			return &o->mws[i];
	return NULL;
}

size_t
fs_ops_count(const struct fs_ops *o)
{
	return o ? o->n : 0;
}

const struct fs_ops_mw *
fs_ops_at(const struct fs_ops *o, size_t i)
{
	return o && i < o->n ? &o->mws[i] : NULL;
}
