/* sched/config_profile.c - reading profiles[] of the scheduler configuration */
#include <string.h>

#include "sched/config.h"
#include "sched/config_parse.h"
#include "util/buf.h"

void fs_cfg_read_profiles(struct fs_cfg_ctx *c, const cJSON *profiles);
void fs_cfg_default_profile(struct fs_config *cfg, struct fs_config_profile *p);

void
fs_cfg_default_profile(struct fs_config *cfg, struct fs_config_profile *p)
{
	memset(p, 0, sizeof *p);
	p->scheduler_name = FS_DEFAULT_SCHEDULER_NAME;
	p->at = (struct fs_config_where){"profiles", 0, 0};
	(void)cfg;
}

static void
hint_known(struct fs_cfg_ctx *c)
{
	if (!c->d)
		return;
	struct fs_buf b = FS_BUF_INIT;
	for (uint32_t i = 0; i < c->cfg->n_plugins; i++)
		fs_buf_printf(&b, "%s%s", i ? ", " : "", c->cfg->plugins[i].name);
	fs_diags_hint(c->d, "known plugins: %s (add a library under 'plugins')", b.data);
	fs_buf_release(&b);
}

/* name must be a configured scheduling plugin; reports and returns false */
static bool
known_plugin(struct fs_cfg_ctx *c, const cJSON *node, const char *name)
{
	if (fs_config_find_lib(c->cfg, name))
		return true;
	for (uint32_t i = 0; i < c->cfg->n_middlewares; i++) {
		if (strcmp(c->cfg->middlewares[i].name, name) == 0) {
			fs_cfg_error(c, node, false,
				     "'%s' is a middleware plugin, not a scheduling plugin", name);
			return false;
		}
	}
	fs_cfg_error(c, node, false, "unknown plugin '%s'", name);
	hint_known(c);
	return false;
}

static const struct fs_config_ref *
find_ref(const struct fs_config_ref *refs, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(refs[i].name, name) == 0)
			return &refs[i];
	return NULL;
}

/* one enabled: or disabled: list */
static void
read_refs(struct fs_cfg_ctx *c, const cJSON *list, enum fs_point point,
	  bool disabled, struct fs_config_set *set)
{
	static const char *const keys[] = {"name", "weight", NULL};
	size_t old = fs_cfg_push_key(c, disabled ? "disabled" : "enabled");
	if (!fs_cfg_want_array(c, list)) {
		fs_cfg_pop(c, old);
		return;
	}
	uint32_t n = (uint32_t)cJSON_GetArraySize(list);
	struct fs_config_ref *refs = FS_ARENA_NEW(&c->cfg->arena, struct fs_config_ref, n);
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		size_t at;
		const cJSON *item = fs_cfg_enter_item(c, list, i, keys, &at);
		if (!item)
			continue;
		struct fs_config_ref r = {.at = fs_cfg_where(c, item)};
		r.name = fs_cfg_string(c, item, "name", true);
		const cJSON *name_node = cJSON_GetObjectItemCaseSensitive(item, "name");
		const cJSON *wnode = cJSON_GetObjectItemCaseSensitive(item, "weight");
		bool has_w = fs_cfg_int(c, item, "weight", &r.weight);
		if (wnode && !cJSON_IsNull(wnode) && has_w) {
			size_t w = fs_cfg_push_key(c, "weight");
			if (disabled)
				fs_cfg_error(c, wnode, false, "weight has no meaning in a disabled list");
			else if (point != FS_POINT_SCORE && point != FS_POINT_MULTI)
				fs_cfg_error(c, wnode, false,
					     "weight is only used at score, not at %s",
					     fs_point_name(point));
			else if (r.weight < FS_WEIGHT_MIN || r.weight > FS_WEIGHT_MAX)
				fs_cfg_error(c, wnode, false, "expected %d..%d, got %lld",
					     FS_WEIGHT_MIN, FS_WEIGHT_MAX, (long long)r.weight);
			fs_cfg_pop(c, w);
		}
		if (r.name && strcmp(r.name, "*") == 0) {
			if (disabled)
				set->disable_all = true;
			else
				fs_cfg_error(c, name_node, false,
					     "'*' is only allowed in a disabled list");
			r.name = NULL;
		} else if (r.name && !known_plugin(c, name_node, r.name)) {
			r.name = NULL;
		}
		const struct fs_config_ref *dup = r.name ? find_ref(refs, k, r.name) : NULL;
		if (dup) {
			char w[48];
			fs_cfg_error(c, item, false, "plugin '%s' is %s twice at %s (first at %s)",
				     r.name, disabled ? "disabled" : "enabled",
				     fs_point_name(point),
				     fs_cfg_where_text(&dup->at, w, sizeof w));
			r.name = NULL;
		}
		if (r.name)
			refs[k++] = r;
		fs_cfg_pop(c, at);
	}
	if (disabled) {
		set->disabled = refs;
		set->n_disabled = k;
	} else {
		set->enabled = refs;
		set->n_enabled = k;
	}
	fs_cfg_pop(c, old);
}

static void
read_set(struct fs_cfg_ctx *c, const cJSON *node, enum fs_point point,
	 struct fs_config_set *set)
{
	static const char *const keys[] = {"enabled", "disabled", NULL};
	if (!fs_cfg_want_object(c, node))
		return;
	fs_cfg_check_keys(c, node, keys);
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(node, "enabled");
	const cJSON *dis = cJSON_GetObjectItemCaseSensitive(node, "disabled");
	if (dis && !cJSON_IsNull(dis))
		read_refs(c, dis, point, true, set);
	if (en && !cJSON_IsNull(en))
		read_refs(c, en, point, false, set);
	for (uint32_t i = 0; i < set->n_enabled; i++) {
		const struct fs_config_ref *d =
			find_ref(set->disabled, set->n_disabled, set->enabled[i].name);
		if (d)
			fs_cfg_error_at(c, &set->enabled[i].at,
					"plugin '%s' is both enabled and disabled at %s",
					d->name, fs_point_name(point));
	}
}

static void
read_plugins(struct fs_cfg_ctx *c, const cJSON *node, struct fs_config_profile *p)
{
	static const char *const keys[] = {"preFilter", "filter", "preScore", "score",
					   "assign", "bind", "multiPoint", NULL};
	size_t old = fs_cfg_push_key(c, "plugins");
	if (fs_cfg_want_object(c, node)) {
		fs_cfg_check_keys(c, node, keys);
		for (int pt = 0; pt < FS_POINT_SETS; pt++) {
			const cJSON *s = cJSON_GetObjectItemCaseSensitive(node, keys[pt]);
			if (!s || cJSON_IsNull(s))
				continue;
			size_t at = fs_cfg_push_key(c, keys[pt]);
			read_set(c, s, (enum fs_point)pt, &p->sets[pt]);
			fs_cfg_pop(c, at);
		}
	}
	fs_cfg_pop(c, old);
}

static void
read_plugin_config(struct fs_cfg_ctx *c, const cJSON *list,
		   struct fs_config_profile *p)
{
	static const char *const keys[] = {"name", "args", NULL};
	size_t old = fs_cfg_push_key(c, "pluginConfig");
	if (!fs_cfg_want_array(c, list)) {
		fs_cfg_pop(c, old);
		return;
	}
	uint32_t n = (uint32_t)cJSON_GetArraySize(list);
	p->args = FS_ARENA_NEW(&c->cfg->arena, struct fs_config_args, n);
	for (uint32_t i = 0; i < n; i++) {
		size_t at;
		const cJSON *item = fs_cfg_enter_item(c, list, i, keys, &at);
		if (!item)
			continue;
		struct fs_config_args a = {.at = fs_cfg_where(c, item)};
		a.name = fs_cfg_string(c, item, "name", true);
		if (a.name && !known_plugin(c, cJSON_GetObjectItemCaseSensitive(item, "name"), a.name))
			a.name = NULL;
		const struct fs_config_args *dup = a.name ? fs_config_profile_args(p, a.name) : NULL;
		if (dup) {
			char w[48];
			fs_cfg_error(c, item, false,
				     "second pluginConfig for plugin '%s' (first at %s)", a.name,
				     fs_cfg_where_text(&dup->at, w, sizeof w));
			a.name = NULL;
		}
		const cJSON *args = cJSON_GetObjectItemCaseSensitive(item, "args");
		size_t ak = fs_cfg_push_key(c, "args");
		a.args_at = fs_cfg_where(c, args ? args : item);
		bool ok = !args || cJSON_IsNull(args) || fs_cfg_want_object(c, args);
		fs_cfg_pop(c, ak);
		if (a.name && ok) {
			if (args && !cJSON_IsNull(args))
				a.args = cJSON_Duplicate(args, 1);
			p->args[p->n_args++] = a;
		}
		fs_cfg_pop(c, at);
	}
	fs_cfg_pop(c, old);
}

static void
read_profile(struct fs_cfg_ctx *c, const cJSON *item, struct fs_config_profile *p)
{
	static const char *const keys[] = {"schedulerName", "plugins", "pluginConfig", NULL};
	p->at = fs_cfg_where(c, item);
	p->scheduler_name = FS_DEFAULT_SCHEDULER_NAME;
	if (!fs_cfg_want_object(c, item))
		return;
	fs_cfg_check_keys(c, item, keys);
	const char *name = fs_cfg_string(c, item, "schedulerName", false);
	if (name)
		p->scheduler_name = name;
	const cJSON *plugins = cJSON_GetObjectItemCaseSensitive(item, "plugins");
	if (plugins && !cJSON_IsNull(plugins))
		read_plugins(c, plugins, p);
	const cJSON *pc = cJSON_GetObjectItemCaseSensitive(item, "pluginConfig");
	if (pc && !cJSON_IsNull(pc))
		read_plugin_config(c, pc, p);
}

void
fs_cfg_read_profiles(struct fs_cfg_ctx *c, const cJSON *profiles)
{
	size_t old = fs_cfg_push_key(c, "profiles");
	if (!fs_cfg_want_array(c, profiles)) {
		fs_cfg_pop(c, old);
		return;
	}
	uint32_t n = (uint32_t)cJSON_GetArraySize(profiles);
	if (n == 0)
		fs_cfg_error(c, profiles, false, "expected at least one profile");
	c->cfg->profiles = FS_ARENA_NEW(&c->cfg->arena, struct fs_config_profile, n);
	for (uint32_t i = 0; i < n; i++) {
		const cJSON *item = cJSON_GetArrayItem(profiles, (int)i);
		size_t at = fs_cfg_push_index(c, i);
		struct fs_config_profile *p = &c->cfg->profiles[c->cfg->n_profiles];
		read_profile(c, item, p);
		for (uint32_t j = 0; j < c->cfg->n_profiles; j++) {
			if (strcmp(c->cfg->profiles[j].scheduler_name, p->scheduler_name) == 0) {
				char w[48];
				const cJSON *nn = cJSON_IsObject(item)
					? cJSON_GetObjectItemCaseSensitive(item, "schedulerName") : NULL;
				size_t sk = fs_cfg_push_key(c, "schedulerName");
				fs_cfg_error(c, nn ? nn : item, false,
					     "duplicate schedulerName '%s' (first at %s)",
					     p->scheduler_name,
					     fs_cfg_where_text(&c->cfg->profiles[j].at, w, sizeof w));
				fs_cfg_pop(c, sk);
			}
		}
		c->cfg->n_profiles++;
		fs_cfg_pop(c, at);
	}
	fs_cfg_pop(c, old);
}
