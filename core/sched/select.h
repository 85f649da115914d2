/*
 * sched/select.h - Karmada's cluster selection by spread constraints
 * (reference §2.2), with zone, provider and spreadByLabel spreading that
 * Karmada lacks.
 *
 * Input: the feasible candidates in cluster order (sched/order.h). The
 * selected ones are moved to the front, in Karmada's result order; the
 * others follow in unspecified order (the array stays a permutation).
 *
 * Rules, in order:
 *  - no spread constraints, or a static-weight placement (Divided +
 *    Weighted with no weightPreference, or with a staticWeightList and no
 *    dynamicWeight; Karmada's rule): every candidate, in cluster order;
 *  - a group constraint (region, else zone, else provider, else label;
 *    the others then only act as filters through the spread-constraint
 *    plugin): select groups, then clusters inside them (see below);
 *  - only a cluster constraint: select by cluster.
 * Capacity (AvailableReplicas = available + previous) counts only for
 * Divided placements; Duplicated ones ignore it.
 *
 * By cluster (Karmada's): fewer candidates than minGroups is an error;
 * take the first min(n, maxGroups); while their AvailableReplicas sum is
 * below spec.replicas, walk the taken slots from last to first and swap
 * in the untaken cluster with the largest AvailableReplicas if it is
 * strictly larger. maxGroups unset: every candidate (Karmada would take
 * none and fail); maxGroups 0: none, as in Karmada.
 *
 * By group (Karmada's region algorithm, applied to every group field):
 * groups of the candidates that have the field (region; the FIRST of
 * spec.zones; provider; the label's value) keep cluster order; each gets
 * Karmada's group score (calcGroupScore); the groups are chosen by the
 * DFS of fs_select_groups() with the group constraint's [min, max] and
 * the cluster constraint's minGroups as target; then the first cluster
 * of each chosen group, then the other clusters of the chosen groups in
 * cluster order up to the cluster constraint's maxGroups (unset: none
 * beyond the first of each group, as Karmada does). A group constraint's
 * maxGroups unset means every group may be chosen (Karmada would fail).
 * A cluster lacking the field is never selected in this mode.
 *
 * Errors (FS_UNSCHEDULABLE, text in err, Karmada's where it has one):
 *   "the number of feasible clusters is less than spreadConstraint.MinGroups"
 *   "no enough resource when selecting N clusters"
 *   "the number of feasible region is less than spreadConstraint.MinGroups"
 *     (zone, provider, "label <key>" in our modes)
 *   "the number of clusters is less than the cluster spreadConstraint.MinGroups"
 * Karmada reports these as plain errors (condition SchedulerError).
 * FS_E_RANGE when the group search grows past FS_SELECT_MAX_VISITS nodes.
 *
 * Pure; scratch memory from the caller's arena; scheduling thread only.
 */
#ifndef FS_SCHED_SELECT_H
#define FS_SCHED_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include <fedstate/status.h>
#include <fedstate/types.h>

#include "util/arena.h"

/* bound on the nodes the group DFS may visit before giving up */
#define FS_SELECT_MAX_VISITS (1u << 20)

/*
 * Select among cands[0..n) (ordered; reordered in place) by
 * b->placement's spread constraints. *n_selected gets how many lead the
 * array. err may be NULL.
 */
enum fs_code fs_select_clusters(const struct fs_binding *b,
				struct fs_candidate *cands, uint32_t n,
				uint32_t *n_selected, struct fs_arena *scratch,
				char *err, size_t errlen);

/* One topology group as the group search sees it. */
struct fs_select_group {
	const char *name; /* region/zone/provider/label value */
	int64_t value;    /* number of clusters in the group */
	int64_t weight;   /* group score */
};

/*
 * Karmada's selectGroups: enumerate (DFS over groups sorted by value asc,
 * weight desc, name asc) every combination that reaches `target` summed
 * value with a length in [min_groups, max_groups], not extending a path
 * once it qualifies; pick the highest total weight, then value, then the
 * first found; prefer a qualifying strict prefix of it (groups ordered by
 * weight desc, name asc), the shortest one.
 * out (room for n) receives the chosen group indices, by weight desc then
 * name asc; *n_out 0 when nothing qualifies.
 * FS_E_RANGE (err set) past FS_SELECT_MAX_VISITS search nodes.
 */
enum fs_code fs_select_groups(const struct fs_select_group *groups, uint32_t n,
			      int64_t min_groups, int64_t max_groups,
			      int64_t target, uint32_t *out, uint32_t *n_out,
			      struct fs_arena *scratch, char *err,
			      size_t errlen);

/*
 * Karmada's group score (calcGroupScore) of one group whose members are
 * cands[members[0..m)] in cluster order. need_replicas < 0: Duplicated
 * (count clusters that fit `replicas` whole). Otherwise Divided:
 * group_min is this field's minGroups, cluster_min the cluster
 * constraint's (0 when none).
 */
int64_t fs_select_group_score(const struct fs_candidate *cands,
			      const uint32_t *members, uint32_t m,
			      int64_t need_replicas, int32_t replicas,
			      int32_t group_min, int32_t cluster_min);

#endif
