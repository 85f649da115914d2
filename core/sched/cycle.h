/*
 * sched/cycle.h - the per-binding scheduling cycle as the host services
 * see it. The framework (sched/framework.c) owns struct fs_cycle; these
 * functions back the cycle_* entries of the host table (plugin/host.c).
 */
#ifndef FS_SCHED_CYCLE_H
#define FS_SCHED_CYCLE_H

#include <stdarg.h>
#include <fedstate/host.h>

const struct fs_binding *fs_cycle_binding(struct fs_cycle *cyc);
const struct fs_affinity_term *fs_cycle_affinity_term(struct fs_cycle *cyc);
enum fs_code fs_cycle_put(struct fs_cycle *cyc, const char *key, void *value,
			  void (*free_fn)(void *));
void *fs_cycle_get(struct fs_cycle *cyc, const char *key);
const char *fs_cycle_vprintf(struct fs_cycle *cyc, const char *fmt, va_list ap);
void fs_cycle_set_available(struct fs_cycle *cyc, uint32_t cluster_index,
			    int32_t replicas);
int32_t fs_cycle_available(struct fs_cycle *cyc, uint32_t cluster_index);

/* A standalone cycle (tests, tools, the framework's own use). n_clusters
 * sizes the available-replicas table; entries start at INT32_MAX. */
struct fs_cycle *fs_cycle_create(const struct fs_binding *b, uint32_t n_clusters);
/* reuse for another binding: frees per-cycle state, keeps memory */
void fs_cycle_reset(struct fs_cycle *cyc, const struct fs_binding *b, uint32_t n_clusters);
void fs_cycle_set_term(struct fs_cycle *cyc, const struct fs_affinity_term *term);
void fs_cycle_destroy(struct fs_cycle *cyc); /* NULL-safe */

#endif
