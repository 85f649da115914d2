/*
 * sched/groups.c - Karmada's topology group score and group search
 * (calcGroupScore and selectGroups, reference §2.1 and §2.2).
 */
#include "sched/select.h"

#include <stdio.h>
#include <string.h>

#include "sched/order.h"
#include "util/sort.h"

#define GROUP_WEIGHT_UNIT 1000

int64_t
fs_select_group_score(const struct fs_candidate *cands, const uint32_t *members,
		      uint32_t m, int64_t need_replicas, int32_t replicas,
		      int32_t group_min, int32_t cluster_min)
{
	if (m == 0)
		return 0;
	if (need_replicas < 0) {
		/* Duplicated: how many clusters hold a whole copy */
		int64_t valid = 0, sum = 0;
		for (uint32_t k = 0; k < m; k++) {
			const struct fs_candidate *c = &cands[members[k]];
			if (fs_order_available(c) >= replicas) {
				valid++;
				sum += c->score;
			}
		}
		return valid ? valid * GROUP_WEIGHT_UNIT + sum / valid : 0;
	}

	/* Divided: can the group hold its share with enough clusters? */
	int64_t gmin = group_min > 0 ? group_min : 1;
	int64_t target = (replicas + gmin - 1) / gmin;
	int64_t need = cluster_min > gmin ? cluster_min : gmin;
	int64_t avail = 0, sum = 0;
	uint32_t taken = 0;
	for (; taken < m; taken++) {
		if (taken >= need && avail >= target)
			break;
		avail += fs_order_available(&cands[members[taken]]);
		sum += cands[members[taken]].score;
	}
	if (avail < target)
		return avail * GROUP_WEIGHT_UNIT + sum / m;
	return target * GROUP_WEIGHT_UNIT + sum / taken;
}

/* ------------------------------------------------------------------ */
/* group search                                                        */
/* ------------------------------------------------------------------ */

struct search {
	const struct fs_select_group *g;
	const uint32_t *sorted; /* group indices: value asc, weight desc, name */
	uint32_t n;
	int64_t min, max, target;
	uint32_t *stack; /* current path (group indices) */
	uint32_t depth;
	uint64_t visits;
	bool overflow;
	/* pass 1: the best path */
	bool have_best;
	int64_t best_weight, best_value;
	uint32_t *best;
	uint32_t best_len;
	/* pass 2: rank of each group in the best path's weight order, or -1 */
	const int32_t *rank_in_best;
	uint32_t shortest_prefix; /* 0: none */
};

static const char *
gname(const struct fs_select_group *g)
{
	return g->name ? g->name : "";
}

/* value asc, weight desc, name asc */
static int
cmp_dfs(const struct fs_select_group *a, const struct fs_select_group *b)
{
	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return strcmp(gname(a), gname(b));
}

/* weight desc, name asc: the order of a chosen path */
static int
cmp_path(const struct fs_select_group *a, const struct fs_select_group *b)
{
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return strcmp(gname(a), gname(b));
}

static bool
dfs_before(const void *g, uint32_t a, uint32_t b)
{
	const struct fs_select_group *groups = g;
	return cmp_dfs(&groups[a], &groups[b]) < 0;
}

static bool
path_before(const void *g, uint32_t a, uint32_t b)
{
	const struct fs_select_group *groups = g;
	return cmp_path(&groups[a], &groups[b]) < 0;
}

static void
found_path(struct search *s, int64_t weight, int64_t value, int pass)
{
	if (pass == 1) {
		if (!s->have_best || weight > s->best_weight ||
		    (weight == s->best_weight && value > s->best_value)) {
			s->have_best = true;
			s->best_weight = weight;
			s->best_value = value;
			memcpy(s->best, s->stack, sizeof(*s->stack) * s->depth);
			s->best_len = s->depth;
		}
		return;
	}
	/* pass 2: a strict prefix of the best path (in its weight order)? */
	if (s->depth >= s->best_len)
		return;
	for (uint32_t k = 0; k < s->depth; k++) {
		int32_t r = s->rank_in_best[s->stack[k]];
		if (r < 0 || (uint32_t)r >= s->depth)
			return;
	}
	if (s->shortest_prefix == 0 || s->depth < s->shortest_prefix)
		s->shortest_prefix = s->depth;
}

static void
dfs(struct search *s, uint32_t begin, int64_t sum, int64_t weight, int pass)
{
	if (++s->visits > FS_SELECT_MAX_VISITS) {
		s->overflow = true;
		return;
	}
	if (sum >= s->target && s->depth >= s->min && s->depth <= s->max) {
		found_path(s, weight, sum, pass);
		return;
	}
	if (s->depth >= s->max)
		return;
	for (uint32_t i = begin; i < s->n && !s->overflow; i++) {
		const struct fs_select_group *g = &s->g[s->sorted[i]];
		s->stack[s->depth++] = s->sorted[i];
		dfs(s, i + 1, sum + g->value, weight + g->weight, pass);
		s->depth--;
	}
}

enum fs_code
fs_select_groups(const struct fs_select_group *groups, uint32_t n,
		 int64_t min_groups, int64_t max_groups, int64_t target,
		 uint32_t *out, uint32_t *n_out, struct fs_arena *scratch,
		 char *err, size_t errlen)
{
	*n_out = 0;
	if (n == 0)
		return FS_OK;
	uint32_t *sorted = FS_ARENA_NEW(scratch, uint32_t, n);
	for (uint32_t i = 0; i < n; i++)
		sorted[i] = i;
	uint32_t *tmp = FS_ARENA_NEW(scratch, uint32_t, n);
	fs_sort_index(sorted, tmp, n, dfs_before, groups);

	struct search s = {
		.g = groups, .sorted = sorted, .n = n,
		.min = min_groups, .max = max_groups, .target = target,
		.stack = FS_ARENA_NEW(scratch, uint32_t, n),
		.best = FS_ARENA_NEW(scratch, uint32_t, n),
	};
	dfs(&s, 0, 0, 0, 1);
	if (!s.overflow && s.have_best) {
		fs_sort_index(s.best, tmp, s.best_len, path_before, groups);
		int32_t *rank = FS_ARENA_NEW(scratch, int32_t, n);
		for (uint32_t i = 0; i < n; i++)
			rank[i] = -1;
		for (uint32_t k = 0; k < s.best_len; k++)
			rank[s.best[k]] = (int32_t)k;
		s.rank_in_best = rank;
		s.visits = 0;
		s.depth = 0;
		dfs(&s, 0, 0, 0, 2);
	}
	if (s.overflow) {
		if (err && errlen)
			snprintf(err, errlen,
				 "spread constraints: more than %u group combinations to search "
				 "over %u groups; set maxGroups or spread over fewer groups",
				 FS_SELECT_MAX_VISITS, n);
		return FS_E_RANGE;
	}
	if (!s.have_best)
		return FS_OK;
	uint32_t len = s.shortest_prefix ? s.shortest_prefix : s.best_len;
	memcpy(out, s.best, sizeof(*out) * len);
	*n_out = len;
	return FS_OK;
}
