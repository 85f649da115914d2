/*
 * fuzz_sched.c - Karmada's order, spread selection and replica division
 * (sched/order.h, select.h, assign.h) on fleets and placements decoded
 * from arbitrary bytes. Checks what the headers promise: selection keeps
 * a permutation, a division lands only on selected clusters, once each,
 * with the right totals, and every failure explains itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/assign.h"
#include "sched/order.h"
#include "sched/select.h"
#include "util/arena.h"
#include "util/intern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXC 40

struct reader {
	const uint8_t *p;
	size_t n;
};

static uint32_t
take(struct reader *r, uint32_t mod)
{
	uint32_t v = 0;
	if (r->n) {
		v = *r->p++;
		r->n--;
	}
	return mod ? v % mod : v;
}

static const char *
pick(struct reader *r, const char *const *pool, uint32_t n)
{
	uint32_t i = take(r, n + 1);
	return i == n ? NULL : fs_intern(pool[i], (size_t)-1);
}

static void
check(int ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const regions[] = {"r1", "r2", "r3"};
	static const char *const zones[] = {"za", "zb", "zc", "zd"};
	static const char *const providers[] = {"aws", "gcp"};
	static const char *const sites[] = {"s1", "s2", "s3"};
	struct reader r = {data, size};
	struct fs_cluster cl[MAXC];
	const char *zl[MAXC][2];
	struct fs_kv lab[MAXC][1];
	struct fs_candidate cands[MAXC], orig[MAXC];
	struct fs_assignment out[MAXC];
	struct fs_target prev[MAXC];
	const char *site_key = fs_intern("site", (size_t)-1);
	char name[16], err[256];

	uint32_t n = take(&r, MAXC + 1);
	uint32_t n_prev = 0;
	for (uint32_t i = 0; i < n; i++) {
		memset(&cl[i], 0, sizeof(cl[i]));
		cl[i].struct_size = sizeof(cl[i]);
		cl[i].index = i;
		char longname[48];
		if (take(&r, 4) == 0) /* share 16 bytes with its neighbours */
			snprintf(longname, sizeof(longname), "cluster-eu-west-%u", i);
		else
			snprintf(longname, sizeof(longname), "m%02u", i);
		cl[i].name = fs_intern(longname, (size_t)-1);
		cl[i].region = pick(&r, regions, 3);
		cl[i].provider = pick(&r, providers, 2);
		cl[i].n_zones = take(&r, 3);
		for (uint32_t z = 0; z < cl[i].n_zones; z++)
			zl[i][z] = fs_intern(zones[take(&r, 4)], (size_t)-1);
		cl[i].zones = zl[i];
		const char *site = pick(&r, sites, 3);
		if (site) {
			lab[i][0] = (struct fs_kv){site_key, site};
			cl[i].labels = lab[i];
			cl[i].n_labels = 1;
		}
		int32_t previous = (int32_t)take(&r, 8) - 2;
		int64_t score = (int64_t)take(&r, 0) * 300 - 30000;
		cands[i] = (struct fs_candidate){&cl[i], score,
						 (int32_t)take(&r, 0) * 997 - 8, previous};
		if (previous > 0)
			prev[n_prev++] = (struct fs_target){cl[i].name, previous};
	}

	struct fs_replica_scheduling rs = {0};
	rs.type = take(&r, 2) ? FS_REPLICA_DIVIDED : FS_REPLICA_DUPLICATED;
	rs.division = (enum fs_division)take(&r, 3);
	rs.has_weight_preference = take(&r, 2);
	rs.dynamic_available = take(&r, 2);
	struct fs_static_weight sw[3];
	const char *wnames[3];
	rs.n_static_weights = take(&r, 4);
	for (uint32_t k = 0; k < rs.n_static_weights; k++) {
		memset(&sw[k], 0, sizeof(sw[k]));
		snprintf(name, sizeof(name), "m%02u", take(&r, MAXC));
		wnames[k] = fs_intern(name, (size_t)-1);
		sw[k].target.cluster_names = &wnames[k];
		sw[k].target.n_cluster_names = take(&r, 2);
		sw[k].weight = (int64_t)take(&r, 6) - 1;
	}
	rs.static_weights = sw;

	struct fs_spread_constraint sc[3];
	uint32_t n_spread = take(&r, 4);
	for (uint32_t k = 0; k < n_spread; k++) {
		sc[k].field = (enum fs_spread_field)take(&r, 5);
		sc[k].label = sc[k].field == FS_SPREAD_LABEL ? site_key : NULL;
		sc[k].min_groups = (int32_t)take(&r, 4);
		sc[k].has_max_groups = take(&r, 2);
		sc[k].max_groups = (int32_t)take(&r, 6);
	}

	const char *tier_names[2];
	struct fs_cluster_affinity over;
	struct fs_affinity_term term;
	memset(&over, 0, sizeof(over));
	memset(&term, 0, sizeof(term));
	snprintf(name, sizeof(name), "m%02u", take(&r, MAXC));
	tier_names[0] = fs_intern(name, (size_t)-1);
	snprintf(name, sizeof(name), "m%02u", take(&r, MAXC));
	tier_names[1] = fs_intern(name, (size_t)-1);
	term.affinity.cluster_names = &tier_names[0];
	term.affinity.n_cluster_names = 1;
	over.cluster_names = &tier_names[1];
	over.n_cluster_names = 1;
	term.overflow = &over;
	term.n_overflow = take(&r, 2);
	bool use_term = take(&r, 2);

	struct fs_placement p = {.struct_size = sizeof(p)};
	p.replica_scheduling = take(&r, 4) ? &rs : NULL;
	p.spread = sc;
	p.n_spread = n_spread;
	p.terms = use_term ? &term : NULL;
	p.n_terms = use_term;
	struct fs_binding b = {.struct_size = sizeof(b)};
	b.replicas = (int32_t)take(&r, 0) - 4;
	b.has_requirements = take(&r, 2);
	b.placement = take(&r, 8) ? &p : NULL;
	b.previous = prev;
	b.n_previous = n_prev;
	b.resource.uid = take(&r, 2) ? fs_intern("uid-a", (size_t)-1) : NULL;
	b.reschedule_triggered_at = take(&r, 3);
	b.last_scheduled_time = take(&r, 3);

	struct fs_arena a = FS_ARENA_INIT;
	const struct fs_affinity_term *t = use_term ? &term : NULL;
	uint32_t tiers[MAXC];
	fs_order_candidates(cands, n, t, tiers, &a);
	/* sorted by the reference comparison, tiers reported truly */
	for (uint32_t i = 0; i < n; i++) {
		check(tiers[i] == fs_order_overflow(t, cands[i].cluster));
		if (i)
			check(fs_order_compare(&cands[i - 1], tiers[i - 1], &cands[i],
					       tiers[i]) < 0);
	}
	memcpy(orig, cands, sizeof(cands[0]) * n);

	uint32_t n_sel = 0;
	err[0] = '\0';
	enum fs_code rc = fs_select_clusters(&b, cands, n, &n_sel, &a, err, sizeof(err));
	/* still a permutation of the ordered candidates */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t seen = 0;
		for (uint32_t j = 0; j < n; j++)
			seen += cands[j].cluster == orig[i].cluster;
		check(seen == 1);
	}
	if (rc != FS_OK) {
		check(err[0] != '\0');
		fs_arena_release(&a);
		return 0;
	}
	check(n_sel <= n);

	uint32_t n_out = 77;
	err[0] = '\0';
	rc = fs_assign_replicas(&b, t, cands, n_sel, out, &n_out, &a, err, sizeof(err));
	if (rc != FS_OK) {
		check(err[0] != '\0' && n_out == 0);
		fs_arena_release(&a);
		return 0;
	}
	check(n_out <= n_sel);
	int64_t sum = 0;
	for (uint32_t i = 0; i < n_out; i++) {
		uint32_t found = 0, dup = 0;
		for (uint32_t j = 0; j < n_sel; j++)
			found += cands[j].cluster == out[i].cluster;
		for (uint32_t j = 0; j < n_out; j++)
			dup += out[j].cluster == out[i].cluster;
		check(found == 1 && dup == 1 && out[i].replicas >= 0);
		sum += out[i].replicas;
	}
	bool workload = b.replicas > 0 || b.has_requirements;
	const struct fs_replica_scheduling *prs = b.placement ? b.placement->replica_scheduling : NULL;
	if (!workload) {
		check(n_out == n_sel && sum == 0);
	} else if (!prs || prs->type == FS_REPLICA_DUPLICATED) {
		for (uint32_t i = 0; i < n_out; i++)
			check(out[i].replicas == b.replicas);
	} else {
		check(sum == b.replicas);
	}
	fs_arena_release(&a);
	return 0;
}
