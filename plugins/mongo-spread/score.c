/*
 * plugins/mongo-spread/score.c - prefer clusters that add failure-domain
 * diversity to the binding's previous placement:
 *
 *   score = regionScore  if the cluster's region is not used yet (default 50)
 *         + zoneScore    if none of its zones is used yet          (30)
 *         + clusterScore if the cluster itself holds no member yet  (20)
 *
 * "Used" means: a cluster of spec.clusters (previous placement) with at
 * least one replica, its region and its zones. A cluster without a region
 * (or zones) earns nothing for it: unknown is not diverse. Without a
 * previous placement every cluster would score the same, so pre_score
 * returns FS_SKIP and score is not called.
 */
#include "spread.h"

#include <stdlib.h>

static bool
has(const char *const *v, uint32_t n, const char *p)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i] == p)
			return true;
	return false;
}

static void
add(const char **v, uint32_t *n, const char *p)
{
	if (p && !has(v, *n, p))
		v[(*n)++] = p;
}

static bool
reserve(struct ms_used *u, uint32_t need)
{
	const char **r, **z, **c;

	if (need <= u->cap)
		return true;
	r = calloc(need, sizeof *r);
	z = calloc(need, sizeof *z);
	c = calloc(need, sizeof *c);
	if (!r || !z || !c) {
		free(r), free(z), free(c);
		return false;
	}
	ms_used_release(u);
	u->regions = r, u->zones = z, u->clusters = c, u->cap = need;
	return true;
}

void
ms_used_release(struct ms_used *u)
{
	free(u->regions);
	free(u->zones);
	free(u->clusters);
	u->regions = u->zones = u->clusters = NULL;
	u->cap = u->n_regions = u->n_zones = u->n_clusters = 0;
	u->cyc = NULL;
}

/* The view of a previous cluster: among the feasible ones first (cheap,
 * pointer compares), else from the cluster cache; NULL when gone. */
static const struct fs_cluster *
find_cluster(struct ms_state *st, const struct fs_cluster *const *feasible,
	     uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (feasible[i]->name == name)
			return feasible[i];
	return fs_host->cluster_find(st->self, name);
}

enum fs_code
ms_pre_score(void *state, struct fs_cycle *cyc,
	     const struct fs_cluster *const *feasible, uint32_t n,
	     const char **reason)
{
	struct ms_state *st = state;
	const struct fs_binding *b = fs_host->cycle_binding(cyc);
	struct ms_used *u = &st->used;
	uint32_t need = 1;

	u->cyc = NULL;
	if (!ms_concerned(st, b) || b->n_previous == 0)
		return FS_SKIP;
	for (uint32_t i = 0; i < b->n_previous; i++) {
		const struct fs_cluster *c = find_cluster(st, feasible, n,
							  b->previous[i].name);
		need += 1 + (c ? c->n_zones : 0);
	}
	if (!reserve(u, need)) {
		*reason = "out of memory reading the previous placement";
		return FS_E_NOMEM;
	}
	u->n_regions = u->n_zones = u->n_clusters = 0;
	for (uint32_t i = 0; i < b->n_previous; i++) {
		const struct fs_target *t = &b->previous[i];
		const struct fs_cluster *c;

		if (t->replicas <= 0)
			continue;
		add(u->clusters, &u->n_clusters, t->name);
		if (!(c = find_cluster(st, feasible, n, t->name)))
			continue;
		add(u->regions, &u->n_regions, c->region);
		for (uint32_t z = 0; z < c->n_zones; z++)
			add(u->zones, &u->n_zones, c->zones[z]);
	}
	if (u->n_clusters == 0)
		return FS_SKIP;
	u->cyc = cyc;
	return FS_OK;
}

enum fs_code
ms_score(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	 int64_t *score, const char **reason)
{
	struct ms_state *st = state;
	const struct ms_used *u = &st->used;
	bool new_zone = c->n_zones > 0;

	(void)reason;
	*score = 0;
	if (u->cyc != cyc)
		return FS_OK; /* pre_score skipped this cycle */
	for (uint32_t z = 0; z < c->n_zones && new_zone; z++)
		if (has(u->zones, u->n_zones, c->zones[z]))
			new_zone = false;
	if (c->region && !has(u->regions, u->n_regions, c->region))
		*score += st->conf.region_score;
	if (new_zone)
		*score += st->conf.zone_score;
	if (!has(u->clusters, u->n_clusters, c->name))
		*score += st->conf.cluster_score;
	return FS_OK;
}
