/*
 * plugins/vip/vip.h - private state of the `vip` scheduling plugin.
 *
 * A MongoDB member is reached through its cluster's virtual IP, the value
 * of the cluster label `vip` (key configurable). The plugin filters out
 * clusters without a usable VIP: no label, a value that is not an IPv4 or
 * IPv6 address, a VIP claimed by two clusters, or (with probing on) a VIP
 * that failed its last N TCP probes.
 *
 * Everything that depends only on the clusters lives in a table rebuilt
 * once per cluster-cache generation (table.c); filter() only reads it.
 * Probes run on a host timer and write their results into the same table
 * (probe.c). All of it runs on the scheduling thread.
 */
#ifndef FS_PLUGIN_VIP_H
#define FS_PLUGIN_VIP_H

#include <stdbool.h>
#include <stdint.h>

#include <fedstate/fedstate.h>

enum vip_scope { VIP_SCOPE_MIDDLEWARE = 0, VIP_SCOPE_ALL = 1 };
enum vip_unknown { VIP_UNKNOWN_ALLOW = 0, VIP_UNKNOWN_FILTER = 1 };

enum vip_verdict {
	VIP_OK = 0,
	VIP_NO_LABEL,
	VIP_INVALID,
	VIP_DUPLICATE,
};

/* The parsed args (see docs/plugins/vip.md for defaults). */
struct vip_conf {
	const char *label_key; /* interned */
	int scope;             /* enum vip_scope */
	bool probe;
	int64_t port;
	uint64_t interval_ms;
	uint64_t timeout_ms;
	uint64_t ttl_ms;
	int64_t failures;      /* failed probes in a row that filter a VIP */
	int unknown;           /* enum vip_unknown */
};

/* What the plugin knows about one cluster. */
struct vip_entry {
	const struct fs_cluster *cluster; /* borrowed from the cluster cache */
	const char *name;    /* interned cluster name */
	const char *vip;     /* interned label value; NULL without a label */
	enum vip_verdict verdict;
	const char *reason;  /* interned; NULL when verdict is VIP_OK */
	/* probe results, carried over to the next generation by name while
	 * the VIP stays the same */
	bool has_result;
	bool probing;        /* a probe is in flight */
	int64_t result_ms;   /* host->now_ms() of the last result */
	uint32_t failed;     /* consecutive failed probes */
};

struct vip_name_ix {
	const char *name;
	uint32_t i;
};

/* One generation of the cluster cache, indexed by fs_cluster.index. */
struct vip_table {
	bool valid;
	uint64_t generation;
	struct vip_entry *e;
	uint32_t n;
	struct vip_name_ix *by_name; /* sorted by name pointer */
};

struct vip_state {
	struct fs_plugin *self;
	struct vip_conf conf;
	struct vip_table table;
	struct fs_timer *timer;
	int64_t now_ms;    /* taken once per cycle in pre_filter */
	/* interned reasons that group across clusters */
	const char *r_no_label;
	const char *r_unreachable;
	const char *r_unknown;
	/* interned once: the annotation key and its two valid values */
	const char *ann_key;
	const char *s_true;
	const char *s_false;
};

/* table.c */
/* Rebuild the table when the cluster generation changed. When the host's
 * cluster cache is empty (standalone cycles), `fallback` (borrowed, may be
 * NULL) is used as the cluster set. */
void vip_table_refresh(struct vip_state *st,
		       const struct fs_cluster *const *fallback, uint32_t n);
/* The entry of cluster c, or NULL when c is not the cluster the table holds
 * at c->index (a view from another snapshot). */
struct vip_entry *vip_table_entry(struct vip_table *t,
				  const struct fs_cluster *c);
/* The entry of the cluster named `name` (interned), or NULL. */
struct vip_entry *vip_table_find(struct vip_table *t, const char *name);
/* Verdict of one cluster on its own (label and address; no duplicates). */
enum vip_verdict vip_classify(const struct vip_state *st,
			      const struct fs_cluster *c, const char **vip,
			      const char **reason);
void vip_table_release(struct vip_table *t);
/* printf into an interned string (lives as long as the process): for
 * reasons, which must outlive the cycle. Truncated at 320 bytes. */
const char *vip_intern_printf(const char *fmt, ...) FS_PRINTF(1, 2);

/* probe.c */
/* Start the probe timer (conf.probe must be on). */
enum fs_code vip_probe_start(struct vip_state *st);
/* Stop the timer; returns true when no probe is in flight, so the caller
 * may free st now. Otherwise the last probe callback frees it. */
void vip_probe_stop(struct vip_state *st);
/* Free st and everything it holds. */
void vip_state_free(struct vip_state *st);

#endif
