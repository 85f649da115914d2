/*
 * plugins/estimator/est.h - the `estimator` scheduling plugin: state and
 * the functions its files share. docs/plugins/estimator.md says what it
 * decides; wire.h has the wire contract.
 *
 * Per cycle (one binding) the plugin computes, for each candidate cluster,
 * how many more replicas fit:
 *   general  fs_host->general_estimate (status.resourceSummary)
 *   service  the cluster's karmada-scheduler-estimator over gRPC; every
 *            candidate is asked at once, under one deadline
 * and publishes min(general, service) with cycle_set_available. A cluster
 * whose service call failed keeps the general estimate (unlike Karmada,
 * where one failure drops every service answer: karmada issue #6815).
 *
 * Threading: everything runs on the scheduling thread.
 */
#ifndef EST_EST_H
#define EST_EST_H

#include <stdbool.h>
#include <stdint.h>

#include <fedstate/fedstate.h>

#include "cache.h"
#include "pb.h"

/* one `addresses` override */
struct est_addr {
	const char *cluster; /* interned */
	const char *hostport; /* interned "host:port" */
};

struct est_conf {
	bool filter_zero;      /* filterZero */
	bool general;          /* generalEstimator */
	bool service;          /* schedulerEstimator */
	uint64_t timeout_ms;   /* timeout */
	const char *prefix;    /* servicePrefix */
	const char *namespace_; /* serviceNamespace */
	int64_t port;          /* port */
	struct est_addr *addrs; /* addresses (host memory) */
	uint32_t n_addrs;
	bool addresses_only;   /* addressesOnly: call only the clusters listed */
	bool tls;              /* tls (implied by caFile/certFile/insecure...) */
	const char *ca_file, *cert_file, *key_file;
	bool insecure;         /* insecureSkipVerify */
	uint64_t cache_ttl_ms; /* cacheTTL; 0 disables the cache */
	uint64_t log_interval_ms; /* failureLogInterval */
};

#define EST_MAX_EXAMPLES 4

/* failed service calls since the last summary line */
struct est_failures {
	uint64_t total_calls, total_failures; /* since start */
	uint32_t since_log;
	int64_t last_log_ms; /* 0: never logged */
	struct fs_timer *flush; /* logs what is left at the interval's end */
	uint32_t n_examples;
	struct {
		const char *cluster;
		char why[200];
	} examples[EST_MAX_EXAMPLES];
};

/* Back-off after a call that cost the cycle a wait and got no answer (no
 * connection, or no reply within the deadline): the cluster's estimator is
 * not called again before down_until_ms, and the general estimate stands
 * in. The cycle blocks its process's loop while it waits (est_ask_services),
 * so a silent estimator must cost one deadline per back-off period, not one
 * per binding. As a gRPC channel reconnects: 1 s, then x1.6, at most 30 s;
 * an answer (even an error status) ends it. */
#define EST_BACKOFF_FIRST_MS 1000
#define EST_BACKOFF_MAX_MS 30000

/* cluster name -> its estimator: the URL (built once) and the back-off */
struct est_peer {
	const char *cluster; /* interned; NULL = empty slot */
	char *url;
	bool listed;           /* named in `addresses` */
	int64_t down_until_ms; /* 0: not backing off */
	uint32_t backoff_ms;   /* the last back-off; 0 after an answer */
	char down_why[96];     /* the failure that started it */
};

struct est {
	struct fs_plugin *self;
	struct est_conf conf;
	const char *i_cpu;
	struct est_cache *cache;
	struct est_peer *peers;
	uint32_t peers_cap, peers_n;
	struct est_failures fails;
	struct pb_buf req;   /* ReplicaRequirements of the current binding */
	struct pb_buf frame; /* the request frame being sent */
};

/* args.c: defaults, then args; on failure err says which key and why */
enum fs_code est_conf_parse(struct est_conf *conf, const struct fs_json *args,
			    char *err, size_t errlen);
void est_conf_release(struct est_conf *conf);

/* service.c: ask the estimators of clusters[0..n) and write their answers
 * into out[i] (-1: no answer, failure recorded in st->fails) */
void est_ask_services(struct est *st, const struct fs_binding *b,
		      const struct fs_cluster *const *clusters, uint32_t n,
		      int32_t *out);
/* service.c: a cluster's estimator (owned by st, its URL built); NULL: OOM */
struct est_peer *est_peer_of(struct est *st, const char *cluster);
void est_peers_release(struct est *st);

/* estimator.c: note a failed call; logged in a summary once per interval */
void est_fail(struct est *st, const char *cluster, const char *fmt, ...)
	FS_PRINTF(3, 4);

#endif
