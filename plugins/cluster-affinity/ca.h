/*
 * plugins/cluster-affinity/ca.h - an affinity compiled once per cycle
 * into a flat list of pointer tests, so the per-cluster filter makes no
 * host call and walks no selector structure.
 *
 * Semantics are the host's fs_host->affinity_matches (Karmada's
 * util.ClusterMatches); what the flat form does not cover (Gt/Lt
 * requirements) marks the compiled affinity `slow` and the filter asks
 * the host instead. Not thread-safe: one scheduling thread per instance.
 */
#ifndef CA_H
#define CA_H

#include <fedstate/fedstate.h>

enum ca_subject {
	CA_LABEL = 0,   /* the cluster label `key` */
	CA_PROVIDER,    /* spec.provider */
	CA_REGION,      /* spec.region */
	CA_ZONE,        /* the cluster's zones */
	CA_NEVER,       /* a field key no cluster has: never matches */
};

/* one test: op over values[0..n_values) (interned) */
struct ca_test {
	enum ca_subject subject;
	enum fs_selector_op op; /* In, NotIn, Exists, DoesNotExist */
	const char *key;        /* CA_LABEL only */
	const char *const *values;
	uint32_t n_values;
};

struct ca_compiled {
	const struct fs_cluster_affinity *aff; /* borrowed from the binding */
	bool slow;            /* ask fs_host->affinity_matches */
	struct ca_test *tests; /* owned (fs_host->alloc), reused across cycles */
	uint32_t n_tests, cap;
};

/* Interned field keys; call once from init. */
void ca_keys_init(void);
/* Compile `aff` (borrowed, must outlive the uses). FS_E_NOMEM when the
 * test list cannot grow. */
enum fs_code ca_compile(struct ca_compiled *ca, const struct fs_cluster_affinity *aff);
bool ca_matches(const struct ca_compiled *ca, const struct fs_cluster *c);
void ca_release(struct ca_compiled *ca);

#endif
