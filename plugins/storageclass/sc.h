/*
 * plugins/storageclass/sc.h - private state of the `storageclass` plugin.
 *
 * The plugin keeps, per member cluster, the list of StorageClasses it
 * knows about, from (first match wins):
 *   1. the `classes` map in the plugin args (offline, simulate, overrides);
 *   2. a fetch through Karmada's cluster proxy younger than `staleAfter`
 *      (daemon, `fetch: true`; refreshed in the background on a timer);
 *   3. the cluster annotation fedstate.io/storage-classes (JSON list);
 * and otherwise the cluster is "unknown" (policy `unknown`).
 *
 * Per-cluster facts are rebuilt once per cluster-cache generation
 * (table.c); annotation lists are re-parsed only when the annotation text
 * changed (values are interned, so that is a pointer compare). filter()
 * only reads. Everything runs on the scheduling thread.
 */
#ifndef FS_PLUGIN_SC_H
#define FS_PLUGIN_SC_H

#include <stdbool.h>
#include <stdint.h>

#include <fedstate/fedstate.h>

struct sc_class {
	const char *name;        /* interned */
	const char *provisioner; /* interned; NULL when not known */
	bool is_default;
	bool expansion;          /* allowVolumeExpansion */
};

/* An owned array of classes. */
struct sc_list {
	struct sc_class *v;
	uint32_t n;
};

/* One cluster's list from the args map. */
struct sc_static {
	const char *cluster; /* interned */
	struct sc_list list;
};

enum sc_unknown { SC_UNKNOWN_FILTER = 0, SC_UNKNOWN_ALLOW = 1 };

struct sc_conf {
	struct sc_static *statics; /* sorted by cluster pointer */
	uint32_t n_statics;
	const char *annotation;    /* interned annotation key */
	bool fetch;
	uint64_t refresh_ms;
	uint64_t timeout_ms;
	uint64_t stale_ms;
	int unknown;               /* enum sc_unknown */
	bool require_expansion;
	const char *provisioner;   /* interned; NULL: any */
};

struct sc_entry {
	const struct fs_cluster *cluster; /* borrowed from the cluster cache */
	const char *name;                 /* interned */
	const struct sc_list *statik;     /* from conf.statics, or NULL */
	/* the annotation, parsed */
	const char *ann_text;             /* interned annotation value */
	struct sc_list ann;
	const char *ann_error;            /* interned reason when unreadable */
	/* the last fetch (carried over by name) */
	struct sc_list fetched;
	bool has_fetch;
	int64_t fetched_ms;
	struct fs_http *http;             /* request in flight, or NULL */
};

struct sc_name_ix {
	const char *name;
	uint32_t i;
};

struct sc_table {
	bool valid;
	uint64_t generation;
	struct sc_entry *e;
	uint32_t n;
	struct sc_name_ix *by_name;
};

/* What pre_filter works out once per cycle for filter(). */
struct sc_request {
	const char *name;     /* interned class name; "" means the default */
	const char *r_missing;
	const char *r_no_expansion;
	const char *r_provisioner;
};

struct sc_state {
	struct fs_plugin *self;
	struct sc_conf conf;
	struct sc_table table;
	struct fs_timer *timer;
	int64_t now_ms;    /* taken in pre_filter */
	struct sc_request req;
	const char *empty; /* interned "" */
	const char *r_unknown;
	const char *r_no_default;
};

/* list.c */
/* Parse a FedState list [{"name","default","allowVolumeExpansion",
 * "provisioner"}] (borrowed) into out (caller frees with sc_list_free).
 * On failure err holds e.g. "[1].name: expected a string, got integer 5". */
enum fs_code sc_list_parse(const struct fs_json *arr, struct sc_list *out,
			   char *err, size_t errlen);
/* Parse a Kubernetes StorageClassList body (borrowed) into out. */
enum fs_code sc_list_from_k8s(const struct fs_json *list, struct sc_list *out,
			      char *err, size_t errlen);
void sc_list_free(struct sc_list *l);
/* The class named `name` (interned) or, for "", the first default class;
 * NULL when there is none. */
const struct sc_class *sc_list_find(const struct sc_list *l, const char *name,
				    const char *empty);

/* table.c */
void sc_table_refresh(struct sc_state *st,
		      const struct fs_cluster *const *fallback, uint32_t n);
struct sc_entry *sc_table_entry(struct sc_table *t, const struct fs_cluster *c);
struct sc_entry *sc_table_find(struct sc_table *t, const char *name);
void sc_table_release(struct sc_table *t);
/* Fill a fresh entry for cluster c (no carried-over state). */
void sc_entry_init(struct sc_state *st, struct sc_entry *e,
		   const struct fs_cluster *c);
void sc_entry_release(struct sc_entry *e);

/* fetch.c */
enum fs_code sc_fetch_start(struct sc_state *st);
/* Stop the timer and cancel fetches; true when st may be freed now. */
void sc_fetch_stop(struct sc_state *st);
void sc_state_free(struct sc_state *st);

#endif
