/*
 * fedstate/types.h - read-only views of member clusters and of the
 * workloads being scheduled, as plugins see them.
 *
 * Ownership: every pointer in these views is borrowed. Cluster views live
 * as long as the snapshot they came from (at least until the callback that
 * received them returns); binding views live until the end of the cycle.
 * Plugins never modify them.
 *
 * Strings: every `const char *` in a view is NUL-terminated and INTERNED by
 * the host: two equal strings have equal pointers. Compare with `==` after
 * interning your own constants once with host->intern() (typically in
 * init). NULL means "not set"; "" is never used for "not set".
 *
 * Quantities: resource amounts are int64 in the resource's canonical unit:
 * milli-units for "cpu" (and any resource whose name ends in "cpu"
 * is NOT special: only "cpu" is), whole units rounded up for everything else
 * (bytes for memory, count for pods). This is how Karmada compares them.
 *
 * Threading: views are read on the scheduling thread only.
 *
 * ABI: every struct that a plugin may receive a pointer to starts with
 * struct_size; test new fields with FS_HAS_FIELD() before reading them.
 * The host fills views at its own size; a struct a plugin hands in is
 * accepted at any size from ABI 1.0's up, and read as zero past what the
 * plugin gave.
 *
 * FROZEN for ABI 1.x: the structs without struct_size (fs_kv,
 * fs_resource, fs_taint, fs_resource_model, fs_selector_req,
 * fs_label_selector, fs_cluster_affinity, fs_affinity_term,
 * fs_toleration, fs_spread_constraint, fs_static_weight,
 * fs_replica_scheduling, fs_target, fs_object_ref, fs_candidate,
 * fs_assignment, fs_cluster_score). They travel as elements of arrays
 * indexed by a 1.0 plugin with its own sizeof (no element size crosses
 * the boundary), or embedded by value in another struct
 * (fs_cluster_affinity in fs_affinity_term and fs_static_weight,
 * fs_object_ref in fs_binding), so one more field would move every
 * element or member after it for a plugin built against older headers.
 * They change only with the ABI major. What a later minor adds to them
 * comes beside them: a new field of the struct_size-led parent, or a new
 * host service keyed by the element (for example by cluster index).
 */
#ifndef FEDSTATE_TYPES_H
#define FEDSTATE_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/*
 * True when the struct that p points to is large enough to hold field f:
 * its struct_size (what its builder compiled) covers f's end. Plain C11
 * (no __typeof__): the offset is taken from p itself, and neither the
 * subtraction nor sizeof reads memory, so p may point at an older, smaller
 * struct. p is evaluated more than once. FS_HAS_FIELD_T is the same for a
 * named type, an integer constant expression but for struct_size:
 *     if (FS_HAS_FIELD(fs_host, last_error)) ...
 *     if (FS_HAS_FIELD_T(struct fs_host, fs_host, last_error)) ...
 */
#define FS_HAS_FIELD(p, f)                                                     \
	((size_t)(p)->struct_size >=                                           \
	 (size_t)((const char *)&(p)->f - (const char *)(p)) + sizeof((p)->f))
#define FS_HAS_FIELD_T(T, p, f)                                                \
	((size_t)(p)->struct_size >= offsetof(T, f) + sizeof(((T *)0)->f))

/* A key/value pair: labels, annotations, node selectors. Frozen (above). */
struct fs_kv {
	const char *key;
	const char *value;
};

/* One resource amount in its canonical unit (see above). */
struct fs_resource {
	const char *name; /* "cpu", "memory", "pods", ... */
	int64_t amount;
};

enum fs_taint_effect {
	FS_EFFECT_NONE = 0, /* toleration only: matches every effect */
	FS_EFFECT_NO_SCHEDULE = 1,
	FS_EFFECT_PREFER_NO_SCHEDULE = 2,
	FS_EFFECT_NO_EXECUTE = 3,
};

struct fs_taint {
	const char *key;
	const char *value; /* NULL when the taint has no value */
	enum fs_taint_effect effect;
};

/* ------------------------------------------------------------------ */
/* Clusters                                                            */
/* ------------------------------------------------------------------ */

enum fs_cluster_flag {
	FS_CLUSTER_READY = 1u << 0,          /* condition Ready=True */
	FS_CLUSTER_DELETING = 1u << 1,       /* metadata.deletionTimestamp set */
	FS_CLUSTER_COMPLETE_APIS = 1u << 2,  /* CompleteAPIEnablements=True */
	FS_CLUSTER_PULL = 1u << 3,           /* spec.syncMode == Pull */
	FS_CLUSTER_HAS_SUMMARY = 1u << 4,    /* status.resourceSummary present */
};
/* bits 24..31 are the host's own bookkeeping: plugins ignore them. A
 * macro, not an enumerator: ISO C11 limits enumerators to int, and
 * 0xff000000 is not one (-pedantic-errors refused it). The flags field is
 * a uint32_t, so nothing changes in the ABI. */
#define FS_CLUSTER_HOST_BITS 0xff000000u

/* One grade of status.resourceSummary.allocatableModelings joined with
 * the matching spec.resourceModels entry. */
struct fs_resource_model {
	uint32_t grade;
	int64_t count;                 /* nodes in this grade */
	const struct fs_resource *min; /* lower bound per resource */
	uint32_t n_min;
};

struct fs_cluster {
	uint32_t struct_size;
	uint32_t index;       /* dense, 0..n-1 within one snapshot */
	const char *name;
	const char *uid;
	const char *provider; /* spec.provider, NULL when unset */
	const char *region;   /* spec.region */
	const char *const *zones; /* spec.zones, or {spec.zone} when only that is set */
	uint32_t n_zones;
	uint32_t flags;       /* enum fs_cluster_flag */
	/* labels and annotations, sorted by key pointer (use fs_kv_find) */
	const struct fs_kv *labels;
	uint32_t n_labels;
	const struct fs_kv *annotations;
	uint32_t n_annotations;
	const struct fs_taint *taints;
	uint32_t n_taints;
	/* API enablements: bit i is set when API id i (host->api_id()) is
	 * served by this cluster */
	const uint64_t *api_bits;
	uint32_t n_api_words;
	/* status.resourceSummary; arrays sorted by name pointer */
	const struct fs_resource *allocatable;
	uint32_t n_allocatable;
	const struct fs_resource *allocated;
	uint32_t n_allocated;
	const struct fs_resource *allocating;
	uint32_t n_allocating;
	const struct fs_resource_model *models; /* sorted by grade */
	uint32_t n_models;
	int64_t generation; /* metadata.generation */
};

/* Binary search of a key in a kv array sorted by key pointer; NULL when
 * absent. `key` must be interned. */
static inline const struct fs_kv *
fs_kv_find(const struct fs_kv *kv, uint32_t n, const char *key)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (kv[mid].key == key)
			return &kv[mid];
		if ((uintptr_t)kv[mid].key < (uintptr_t)key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static inline bool
fs_cluster_serves(const struct fs_cluster *c, int32_t api_id)
{
	if (api_id < 0 || (uint32_t)api_id / 64 >= c->n_api_words)
		return false;
	return (c->api_bits[api_id / 64] >> (api_id % 64)) & 1u;
}

/* ------------------------------------------------------------------ */
/* Placement (policy.karmada.io/v1alpha1 Placement)                    */
/* ------------------------------------------------------------------ */

enum fs_selector_op {
	FS_OP_IN = 0,
	FS_OP_NOT_IN = 1,
	FS_OP_EXISTS = 2,
	FS_OP_DOES_NOT_EXIST = 3,
	FS_OP_GT = 4, /* node-selector style; not used by Karmada placement */
	FS_OP_LT = 5,
	FS_OP_EQUAL = 6, /* tolerations only */
};

struct fs_selector_req {
	const char *key;
	enum fs_selector_op op;
	const char *const *values;
	uint32_t n_values;
};

struct fs_label_selector {
	const struct fs_kv *match_labels;
	uint32_t n_match_labels;
	const struct fs_selector_req *match_expressions;
	uint32_t n_match_expressions;
};

/* ClusterAffinity. A NULL selector pointer means the selector is unset.
 * Frozen (above): embedded by value in fs_affinity_term and
 * fs_static_weight, and an array element of fs_affinity_term.overflow, so
 * its size is part of both parents' layout. */
struct fs_cluster_affinity {
	const struct fs_label_selector *label_selector;
	const struct fs_selector_req *field_exprs; /* keys provider/region/zone */
	uint32_t n_field_exprs;
	bool has_field_selector;
	const char *const *cluster_names;
	uint32_t n_cluster_names;
	const char *const *exclude;
	uint32_t n_exclude;
};

/* One entry of placement.clusterAffinities. */
struct fs_affinity_term {
	const char *name; /* affinityName */
	struct fs_cluster_affinity affinity;
	const struct fs_cluster_affinity *overflow; /* overflowAffinities */
	uint32_t n_overflow;
};

struct fs_toleration {
	const char *key;   /* NULL: matches every key (with op Exists) */
	enum fs_selector_op op; /* FS_OP_EQUAL (default) or FS_OP_EXISTS */
	const char *value;
	enum fs_taint_effect effect; /* FS_EFFECT_NONE: every effect */
	bool has_seconds;
	int64_t seconds;
};

enum fs_spread_field {
	FS_SPREAD_CLUSTER = 0,
	FS_SPREAD_REGION = 1,
	FS_SPREAD_ZONE = 2,
	FS_SPREAD_PROVIDER = 3,
	FS_SPREAD_LABEL = 4, /* spreadByLabel: `label` holds the key */
};

struct fs_spread_constraint {
	enum fs_spread_field field;
	const char *label;  /* FS_SPREAD_LABEL only */
	int32_t min_groups; /* defaulted to 1 */
	int32_t max_groups; /* 0 when unset */
	bool has_max_groups;
};

enum fs_replica_type {
	FS_REPLICA_DUPLICATED = 0,
	FS_REPLICA_DIVIDED = 1,
};

enum fs_division {
	FS_DIVISION_NONE = 0,
	FS_DIVISION_AGGREGATED = 1,
	FS_DIVISION_WEIGHTED = 2,
};

struct fs_static_weight {
	struct fs_cluster_affinity target;
	int64_t weight;
};

struct fs_replica_scheduling {
	enum fs_replica_type type;
	enum fs_division division;
	bool has_weight_preference;
	const struct fs_static_weight *static_weights;
	uint32_t n_static_weights;
	bool dynamic_available; /* dynamicWeight: AvailableReplicas */
};

struct fs_placement {
	uint32_t struct_size;
	const struct fs_cluster_affinity *affinity; /* clusterAffinity; NULL unset */
	const struct fs_affinity_term *terms;       /* clusterAffinities */
	uint32_t n_terms;
	const struct fs_toleration *tolerations;
	uint32_t n_tolerations;
	const struct fs_spread_constraint *spread;
	uint32_t n_spread;
	const struct fs_replica_scheduling *replica_scheduling; /* NULL unset */
};

/* ------------------------------------------------------------------ */
/* Workloads being scheduled                                           */
/* ------------------------------------------------------------------ */

/* One entry of spec.clusters: the result of scheduling. */
struct fs_target {
	const char *name;
	int32_t replicas;
};

enum fs_workload_kind {
	FS_WORKLOAD_RESOURCE_BINDING = 0,
	FS_WORKLOAD_CLUSTER_RESOURCE_BINDING = 1,
	FS_WORKLOAD_MIDDLEWARE = 2, /* a federated middleware object (e.g. MultiCloudMongoDB) */
};

enum fs_sched_mode {
	FS_MODE_DEFAULT = 0,
	FS_MODE_UNIFORM = 1,   /* FedState schedulerMode Uniform */
	FS_MODE_WEIGHTING = 2, /* FedState schedulerMode Weighting */
};

struct fs_object_ref {
	const char *api_version;
	const char *kind;
	const char *namespace_; /* NULL for cluster-scoped */
	const char *name;
	const char *uid;
};

struct fs_binding {
	uint32_t struct_size;
	enum fs_workload_kind kind;
	struct fs_object_ref self;     /* the binding (or middleware object) */
	struct fs_object_ref resource; /* spec.resource; for middleware: self */
	int32_t api_id; /* host->api_id(resource gv, kind); -1 when no cluster serves it */
	int32_t replicas;
	const struct fs_resource *requests; /* per replica, sorted by name pointer */
	uint32_t n_requests;
	bool has_requirements; /* spec.replicaRequirements present */
	const struct fs_kv *node_selector; /* replicaRequirements.nodeClaim.nodeSelector */
	uint32_t n_node_selector;
	const char *namespace_req; /* replicaRequirements.namespace */
	const char *priority_class; /* replicaRequirements.priorityClassName */
	const struct fs_placement *placement; /* NULL when unset */
	const struct fs_target *previous; /* spec.clusters before this cycle */
	uint32_t n_previous;
	const char *const *evicting_from; /* gracefulEvictionTasks[].fromCluster */
	uint32_t n_evicting_from;
	const char *scheduler_name;
	const char *observed_affinity; /* status.schedulerObservingAffinityName */
	int64_t reschedule_triggered_at; /* unix seconds, 0 when unset */
	int64_t last_scheduled_time;     /* unix seconds, 0 when unset */
	int64_t generation;
	/* Middleware hints (set by a middleware plugin's interpret; also read
	 * from the binding annotation fedstate.io/storage-class). */
	const char *storage_class; /* NULL: not requested; "": default class */
	bool arbiter;              /* place one arbiter beside the members */
	enum fs_sched_mode mode;
	/* The source object as opaque JSON (see host->json_*); borrowed. NULL
	 * unless the host keeps it (it does not on the bulk path: read
	 * annotations below instead). */
	const struct fs_json *raw;
	/* metadata.annotations of the binding (or middleware object), sorted by
	 * key pointer (use fs_kv_find); values interned */
	const struct fs_kv *annotations;
	uint32_t n_annotations;
};

/* ------------------------------------------------------------------ */
/* Scheduling results and scores                                       */
/* ------------------------------------------------------------------ */

/* A candidate handed to the assign phase, in Karmada's cluster order.
 * Frozen (above): assign gets an array of them with no element size. */
struct fs_candidate {
	const struct fs_cluster *cluster;
	int64_t score;      /* weighted sum of normalized scores */
	int32_t available;  /* estimated replicas that still fit (allocatable) */
	int32_t previous;   /* replicas in spec.clusters before this cycle */
};

/* An assignment of one cluster; `arbiter` marks where the arbiter goes.
 * Frozen (above): assign fills an out[] array the host sized, bind reads
 * one; neither carries an element size. */
struct fs_assignment {
	const struct fs_cluster *cluster;
	int32_t replicas;
	bool arbiter;
};

/* Frozen (above): normalize rewrites an array of them in place. */
struct fs_cluster_score {
	const struct fs_cluster *cluster;
	int64_t score;
};

#endif
