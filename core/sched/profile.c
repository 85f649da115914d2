/* sched/profile.c - hand-built profiles and lookups (building from a config
 * is in profile_build.c) */
#include "sched/profile.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/intern.h"

struct fs_profile *
fs_profile_new(const char *scheduler_name)
{
	struct fs_profile *p = fs_xcalloc(1, sizeof *p);
	p->scheduler_name = fs_intern(scheduler_name ? scheduler_name
						     : FS_DEFAULT_SCHEDULER_NAME,
				      (size_t)-1);
	return p;
}

static uint32_t
instance_of(struct fs_profile *p, const char *name, struct fs_plugin *inst)
{
	for (uint32_t i = 0; i < p->n_instances; i++)
		if (p->instance_names[i] == name)
			return i;
	p->instances = fs_xrealloc(p->instances, (p->n_instances + 1) * sizeof *p->instances);
	p->instance_names = fs_xrealloc(p->instance_names,
					(p->n_instances + 1) * sizeof *p->instance_names);
	p->instances[p->n_instances] = inst;
	p->instance_names[p->n_instances] = name;
	return p->n_instances++;
}

void
fs_profile_add(struct fs_profile *p, enum fs_point point, const char *name,
	       struct fs_plugin *inst, const struct fs_sched_ops *ops, void *state,
	       int64_t weight)
{
	if ((unsigned)point >= FS_POINT_COUNT)
		return;
	name = fs_intern(name, (size_t)-1);
	uint32_t n = p->n_slots[point];
	p->slots[point] = fs_xrealloc(p->slots[point], (n + 1) * sizeof *p->slots[point]);
	p->slots[point][n] = (struct fs_profile_slot){
		.name = name,
		.ops = ops,
		.state = state,
		.instance = instance_of(p, name, inst),
		.weight = point == FS_POINT_SCORE && weight > 0 ? weight : 1,
	};
	p->n_slots[point] = n + 1;
}

void
fs_profile_free(struct fs_profile *p)
{
	if (!p)
		return;
	if (p->owns_instances)
		for (uint32_t i = 0; i < p->n_instances; i++)
			fs_plugin_retire(p->instances[i]);
	for (int i = 0; i < FS_POINT_COUNT; i++)
		free(p->slots[i]);
	free(p->instances);
	free(p->instance_names);
	free(p);
}

void
fs_profile_set_free(struct fs_profile_set *set)
{
	if (!set)
		return;
	for (uint32_t i = 0; i < set->n_profiles; i++)
		fs_profile_free(set->profiles[i]);
	for (uint32_t i = 0; i < set->n_middlewares; i++)
		fs_plugin_retire(set->middlewares[i].inst);
	free(set->profiles);
	free(set->middlewares);
	free(set);
}

const struct fs_profile *
fs_profile_set_find(const struct fs_profile_set *set, const char *scheduler_name)
{
	if (!scheduler_name || !*scheduler_name)
		scheduler_name = FS_DEFAULT_SCHEDULER_NAME;
	for (uint32_t i = 0; i < set->n_profiles; i++)
		if (strcmp(set->profiles[i]->scheduler_name, scheduler_name) == 0)
			return set->profiles[i];
	return NULL;
}

const struct fs_mw_instance *
fs_profile_set_middleware(const struct fs_profile_set *set,
			  const char *api_version, const char *kind)
{
	for (uint32_t i = 0; api_version && kind && i < set->n_middlewares; i++) {
		const struct fs_mw_instance *m = &set->middlewares[i];
		if (strcmp(m->kind, kind) == 0 && strcmp(m->api_version, api_version) == 0)
			return m;
	}
	return NULL;
}

char *
fs_profile_describe(const struct fs_profile *p)
{
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "%s:", p->scheduler_name);
	for (int pt = 0; pt < FS_POINT_COUNT; pt++) {
		if (!p->n_slots[pt])
			continue;
		fs_buf_printf(&b, " %s [", fs_point_name((enum fs_point)pt));
		for (uint32_t i = 0; i < p->n_slots[pt]; i++) {
			const struct fs_profile_slot *s = &p->slots[pt][i];
			fs_buf_printf(&b, "%s%s", i ? ", " : "", s->name);
			if (pt == FS_POINT_SCORE && s->weight != 1)
				fs_buf_printf(&b, " x%lld", (long long)s->weight);
		}
		fs_buf_adds(&b, "]");
	}
	return fs_buf_detach(&b);
}
