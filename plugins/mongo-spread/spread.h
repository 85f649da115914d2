/*
 * plugins/mongo-spread/spread.h - private state of the `mongo-spread`
 * plugin: replica division (assign) and failure-domain scoring for MongoDB
 * replica sets. See docs/plugins/mongo-spread.md for the rules.
 *
 * Everything runs on the scheduling thread; the scratch arrays in the state
 * are reused from cycle to cycle (grown, never shrunk), so assign and score
 * allocate nothing in the steady state.
 */
#ifndef FS_PLUGIN_MONGO_SPREAD_H
#define FS_PLUGIN_MONGO_SPREAD_H

#include <stdbool.h>
#include <stdint.h>

#include <fedstate/fedstate.h>

/* MongoDB's limits: members of a replica set, voting members. */
#define MS_MAX_MEMBERS 50
#define MS_MAX_VOTERS 7

enum ms_scope { MS_SCOPE_MIDDLEWARE = 0, MS_SCOPE_ALL = 1 };

struct ms_conf {
	int scope;                  /* enum ms_scope */
	bool require_survival;      /* requireMajoritySurvival */
	int64_t region_score;       /* score for a region not used before */
	int64_t zone_score;         /* ... a zone not used before */
	int64_t cluster_score;      /* ... a cluster not used before */
};

/* Per-candidate working data of one division. */
struct ms_slot {
	int32_t room;     /* replicas that fit: available + previous, <= R */
	int64_t weight;   /* Weighting mode: available + previous, unclamped */
	int32_t cap;      /* room limited by the survival rule */
	int32_t data;     /* data members given so far */
	int32_t prev;     /* members there before this cycle */
	uint32_t region;  /* index into the region counters */
	uint32_t zone;    /* index into the zone counters */
	uint32_t group;   /* number of its (region, zone) pair */
};

struct ms_scratch {
	struct ms_slot *slot;
	uint32_t *region_count; /* members per region number */
	uint32_t *zone_count;   /* members per zone number */
	uint32_t *group_count;  /* clusters with room per group (shortlist) */
	uint32_t *list;         /* the shortlist: candidate indexes */
	int64_t *top;           /* the R largest weights (shortlist) */
	uint64_t *keys;         /* hash of domain keys (2 * cap cells) */
	uint32_t *vals;         /* their dense numbers */
	uint32_t n_regions;     /* distinct regions of this call's candidates */
	uint32_t n_zones;
	uint32_t cap;
};

/* What pre_score learned from the previous placement of this binding. */
struct ms_used {
	struct fs_cycle *cyc;   /* the cycle it belongs to */
	const char **regions;
	const char **zones;
	const char **clusters;
	uint32_t n_regions, n_zones, n_clusters, cap;
};

struct ms_state {
	struct fs_plugin *self;
	struct ms_conf conf;
	struct ms_scratch scratch;
	struct ms_used used;
};

/* The outcome of one division. */
struct ms_plan {
	int32_t arbiter;  /* candidate index of the arbiter, -1 for none */
	bool safe;        /* losing any one cluster keeps a voting majority */
	int32_t worst;    /* voters of the cluster that holds the most */
	int32_t worst_ix; /* its candidate index */
};

/* domains.c */
/* Make room for n candidates in the scratch arrays; false on no memory. */
bool ms_scratch_reserve(struct ms_scratch *s, uint32_t n);
void ms_scratch_release(struct ms_scratch *s);
/* Number regions, zones and (region, zone) groups of the candidates into
 * slot[].region/.zone/.group. */
void ms_number_domains(struct ms_scratch *s, const struct fs_candidate *cands,
		       uint32_t n);
/* Fill s->list with the candidates that can ever receive one of r members
 * (slot room and weight must be set); returns its length. */
uint32_t ms_shortlist(struct ms_scratch *s, const struct fs_candidate *cands,
		      uint32_t n, uint32_t r, bool weighting);

/* assign.c */
/* Is this binding one mongo-spread handles (scope and replica type)? */
bool ms_concerned(const struct ms_state *st, const struct fs_binding *b);
/* The assign callback (sched.h). */
enum fs_code ms_assign(void *state, struct fs_cycle *cyc,
		       const struct fs_candidate *cands, uint32_t n,
		       struct fs_assignment *out, uint32_t *n_out,
		       const char **reason);

/* score.c */
enum fs_code ms_pre_score(void *state, struct fs_cycle *cyc,
			  const struct fs_cluster *const *feasible, uint32_t n,
			  const char **reason);
enum fs_code ms_score(void *state, struct fs_cycle *cyc,
		      const struct fs_cluster *cluster, int64_t *score,
		      const char **reason);
void ms_used_release(struct ms_used *u);

#endif
