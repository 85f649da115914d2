/* sched/profile_build.c - a profile set from a checked config: load, check
 * points, instantiate; all or nothing (see profile.h) */
#include "sched/profile.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/intern.h"

struct build {
	const struct fs_config *cfg;
	struct fs_registry *reg;
	struct fs_diags *d;
	unsigned errors;
	struct fs_loaded_plugin **loaded; /* per cfg->plugins entry */
	bool *tried;
};

/* one entry of a point's effective list */
struct entry {
	const char *name;
	int64_t weight;
	const struct fs_config_where *at;
};

static void FS_PRINTF(3, 4)
error_at(struct build *b, const struct fs_config_where *w, const char *fmt, ...)
{
	b->errors++;
	if (!b->d)
		return;
	va_list ap;
	va_start(ap, fmt);
	fs_diags_vadd(b->d, FS_DIAG_ERROR, b->cfg->file, w->line, w->col, w->path,
		      fmt, ap);
	va_end(ap);
}

/* the loaded plugin `name`, loading it on first use; NULL after an error
 * (reported once, at the library entry or, for an unlisted default, at `why`) */
static struct fs_loaded_plugin *
need(struct build *b, const char *name, const struct fs_config_where *why)
{
	const struct fs_config_lib *lib = fs_config_find_lib(b->cfg, name);
	if (!lib)
		return NULL; /* the config reader already reported it */
	size_t i = (size_t)(lib - b->cfg->plugins);
	if (b->tried[i])
		return b->loaded[i];
	b->tried[i] = true;
	char err[512];
	enum fs_code rc = fs_plugin_load(b->reg, name, lib->sha256, FS_PLUGIN_SCHED,
					 &b->loaded[i], err, sizeof err);
	if (rc != FS_OK) {
		b->loaded[i] = NULL;
		error_at(b, lib->implicit ? why : &lib->at, "%s", err);
		if (lib->implicit && b->d)
			fs_diags_hint(b->d, "'%s' is a Karmada default plugin; build it (make) or disable it", name);
	}
	return b->loaded[i];
}

static bool
named(const struct fs_config_ref *refs, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(refs[i].name, name) == 0)
			return true;
	return false;
}

/* add or, when already present, re-weight in place (Kubernetes' rule for a
 * default plugin named again) */
static void
put(struct entry *list, uint32_t *n, const char *name, int64_t weight,
    const struct fs_config_where *at)
{
	for (uint32_t i = 0; i < *n; i++) {
		if (strcmp(list[i].name, name) == 0) {
			if (weight)
				list[i].weight = weight;
			return;
		}
	}
	list[(*n)++] = (struct entry){name, weight ? weight : 1, at};
}

static uint32_t
caps_of(struct build *b, const char *name, const struct fs_config_where *at)
{
	struct fs_loaded_plugin *lp = need(b, name, at);
	return lp ? lp->desc.caps : 0;
}

/* the effective plugin list of one point of one profile */
static uint32_t
resolve_point(struct build *b, const struct fs_config_profile *cp,
	      enum fs_point pt, struct entry *list)
{
	const struct fs_config_set *s = &cp->sets[pt];
	const struct fs_config_set *m = &cp->sets[FS_POINT_MULTI];
	uint32_t cap = fs_point_cap(pt), n = 0;
	if (!s->disable_all && !m->disable_all) {
		for (uint32_t i = 0; i < fs_config_n_defaults; i++) {
			const char *name = fs_config_defaults[i];
			if (named(s->disabled, s->n_disabled, name) ||
			    named(m->disabled, m->n_disabled, name))
				continue;
			if (caps_of(b, name, &cp->at) & cap)
				put(list, &n, name, 0, &cp->at);
		}
	}
	for (uint32_t i = 0; i < m->n_enabled; i++) {
		const struct fs_config_ref *r = &m->enabled[i];
		if (!named(s->disabled, s->n_disabled, r->name) &&
		    (caps_of(b, r->name, &r->at) & cap))
			put(list, &n, r->name, pt == FS_POINT_SCORE ? r->weight : 0, &r->at);
	}
	for (uint32_t i = 0; i < s->n_enabled; i++) {
		const struct fs_config_ref *r = &s->enabled[i];
		struct fs_loaded_plugin *lp = need(b, r->name, &r->at);
		if (!lp)
			continue;
		if (!(lp->desc.caps & cap)) {
			char caps[160];
			error_at(b, &r->at, "plugin '%s' does not implement %s (it implements: %s)",
				 r->name, fs_point_name(pt),
				 fs_plugin_caps_string(lp->desc.caps, caps, sizeof caps));
			continue;
		}
		put(list, &n, r->name, r->weight, &r->at);
	}
	return n;
}

static void
check_multipoint(struct build *b, const struct fs_config_profile *cp)
{
	const struct fs_config_set *m = &cp->sets[FS_POINT_MULTI];
	uint32_t all = 0;
	for (int pt = 0; pt < FS_POINT_COUNT; pt++)
		all |= fs_point_cap((enum fs_point)pt);
	for (uint32_t i = 0; i < m->n_enabled; i++) {
		struct fs_loaded_plugin *lp = need(b, m->enabled[i].name, &m->enabled[i].at);
		if (lp && !(lp->desc.caps & all))
			error_at(b, &m->enabled[i].at,
				 "plugin '%s' implements no scheduling extension point",
				 m->enabled[i].name);
	}
}

static struct fs_profile *
build_profile(struct build *b, const struct fs_config_profile *cp)
{
	struct fs_profile *p = fs_profile_new(cp->scheduler_name);
	p->owns_instances = true;
	uint32_t max = b->cfg->n_plugins;
	struct entry *lists[FS_POINT_COUNT];
	uint32_t n[FS_POINT_COUNT];
	check_multipoint(b, cp);
	for (int pt = 0; pt < FS_POINT_COUNT; pt++) {
		lists[pt] = fs_xcalloc(max ? max : 1, sizeof *lists[pt]);
		n[pt] = resolve_point(b, cp, (enum fs_point)pt, lists[pt]);
	}
	/* one instance per plugin used in this profile; slots are added in a
	 * second pass so every instance is owned by the profile at once */
	struct fs_plugin **insts = fs_xcalloc(max ? max : 1, sizeof *insts);
	bool *failed = fs_xcalloc(max ? max : 1, sizeof *failed);
	for (int pt = 0; pt < FS_POINT_COUNT; pt++) {
		for (uint32_t i = 0; i < n[pt]; i++) {
			const struct fs_config_lib *lib = fs_config_find_lib(b->cfg, lists[pt][i].name);
			size_t li = (size_t)(lib - b->cfg->plugins);
			if (insts[li] || failed[li] || !b->loaded[li])
				continue;
			const struct fs_config_args *a = fs_config_profile_args(cp, lib->name);
			char err[512];
			if (fs_plugin_instantiate(b->loaded[li], a ? a->args : NULL,
						  cp->scheduler_name, b->reg->env, &insts[li], err,
						  sizeof err) != FS_OK) {
				insts[li] = NULL;
				failed[li] = true;
				error_at(b, a ? &a->args_at : lists[pt][i].at, "%s", err);
				continue;
			}
		}
	}
	for (int pt = 0; pt < FS_POINT_COUNT; pt++) {
		for (uint32_t i = 0; i < n[pt]; i++) {
			const struct fs_config_lib *lib = fs_config_find_lib(b->cfg, lists[pt][i].name);
			size_t li = (size_t)(lib - b->cfg->plugins);
			if (insts[li])
				fs_profile_add(p, (enum fs_point)pt, lib->name, insts[li],
					       &b->loaded[li]->sched, insts[li]->state,
					       lists[pt][i].weight);
		}
		free(lists[pt]);
	}
	for (uint32_t i = 0; i < cp->n_args; i++) {
		const struct fs_config_lib *lib = fs_config_find_lib(b->cfg, cp->args[i].name);
		size_t li = lib ? (size_t)(lib - b->cfg->plugins) : 0;
		if (lib && b->loaded[li] && !insts[li] && !failed[li] && b->d)
			fs_diags_add(b->d, FS_DIAG_WARNING, b->cfg->file, cp->args[i].at.line,
				     cp->args[i].at.col, cp->args[i].at.path,
				     "plugin '%s' has args but profile '%s' does not enable it",
				     cp->args[i].name, cp->scheduler_name);
	}
	free(insts);
	free(failed);
	return p;
}

static void
build_middlewares(struct build *b, struct fs_profile_set *set)
{
	set->middlewares = fs_xcalloc(b->cfg->n_middlewares + 1, sizeof *set->middlewares);
	for (uint32_t i = 0; i < b->cfg->n_middlewares; i++) {
		const struct fs_config_lib *lib = &b->cfg->middlewares[i];
		struct fs_loaded_plugin *lp = NULL;
		struct fs_plugin *inst = NULL;
		char err[512];
		if (fs_plugin_load(b->reg, lib->name, lib->sha256, FS_PLUGIN_MIDDLEWARE,
				   &lp, err, sizeof err) != FS_OK ||
		    fs_plugin_instantiate(lp, lib->args, NULL, b->reg->env, &inst, err, sizeof err) != FS_OK) {
			error_at(b, &lib->at, "%s", err);
			continue;
		}
		struct fs_buf gv = FS_BUF_INIT;
		fs_buf_printf(&gv, "%s%s%s", lp->mw.group ? lp->mw.group : "",
			      lp->mw.group && *lp->mw.group ? "/" : "",
			      lp->mw.version ? lp->mw.version : "");
		struct fs_mw_instance m = {
			.name = fs_intern(lib->name, (size_t)-1),
			.inst = inst,
			.ops = &lp->mw,
			.api_version = fs_intern(gv.data, gv.len),
			.kind = fs_intern(lp->mw.kind ? lp->mw.kind : "", (size_t)-1),
		};
		fs_buf_release(&gv);
		const struct fs_mw_instance *other =
			fs_profile_set_middleware(set, m.api_version, m.kind);
		if (other) {
			error_at(b, &lib->at, "middleware '%s' handles %s %s, which '%s' already handles",
				 lib->name, m.api_version, m.kind, other->name);
			fs_plugin_retire(inst);
			continue;
		}
		set->middlewares[set->n_middlewares++] = m;
	}
}

enum fs_code
fs_profile_set_build(const struct fs_config *cfg, struct fs_registry *reg,
		     struct fs_profile_set **out, struct fs_diags *d)
{
	struct build b = {.cfg = cfg, .reg = reg, .d = d};
	*out = NULL;
	for (uint32_t i = 0; i < cfg->n_plugin_dirs; i++) {
		char err[512];
		if (fs_registry_add_dir(reg, cfg->plugin_dirs[i], err, sizeof err) != FS_OK) {
			struct fs_config_where w = {"pluginDirs", 0, 0};
			error_at(&b, &w, "%s", err);
		}
	}
	b.loaded = fs_xcalloc(cfg->n_plugins + 1, sizeof *b.loaded);
	b.tried = fs_xcalloc(cfg->n_plugins + 1, sizeof *b.tried);
	/* every listed library must load, used or not */
	for (uint32_t i = 0; i < cfg->n_plugins; i++)
		if (!cfg->plugins[i].implicit)
			need(&b, cfg->plugins[i].name, &cfg->plugins[i].at);
	struct fs_profile_set *set = fs_xcalloc(1, sizeof *set);
	set->profiles = fs_xcalloc(cfg->n_profiles + 1, sizeof *set->profiles);
	for (uint32_t i = 0; i < cfg->n_profiles; i++)
		set->profiles[set->n_profiles++] = build_profile(&b, &cfg->profiles[i]);
	build_middlewares(&b, set);
	free(b.loaded);
	free(b.tried);
	if (b.errors) {
		fs_profile_set_free(set);
		return FS_E_CONFIG;
	}
	*out = set;
	return FS_OK;
}
