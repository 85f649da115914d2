/*
 * plugins/estimator/cache.h - recent estimator answers per (cluster,
 * replica requirements), kept for a short TTL so that a burst of bindings
 * with the same shape costs one round of calls.
 *
 * Requirements are keyed by their encoded bytes (compared in full), so
 * equal requirements share a set; inside a set, clusters are keyed by
 * their interned name pointer. Look the set up once per cycle, then
 * est_cache_get/put per cluster (no allocation on a hit).
 *
 * Memory comes from fs_host. At most EST_CACHE_SETS sets are kept; the
 * least recently used one is dropped first. Scheduling thread only.
 */
#ifndef EST_CACHE_H
#define EST_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EST_CACHE_SETS 128

struct est_cache;
struct est_cache_set;

struct est_cache *est_cache_new(void);      /* NULL when out of memory */
void est_cache_free(struct est_cache *c);   /* NULL-safe */

/* The set for these requirement bytes (copied), created when absent; NULL
 * when out of memory. Valid until the next est_cache_set call. */
struct est_cache_set *est_cache_set(struct est_cache *c, const uint8_t *req,
				    size_t len, int64_t now_ms);
/* true with *out when `cluster` has an answer that has not expired */
bool est_cache_get(const struct est_cache_set *s, const char *cluster,
		   int64_t now_ms, int32_t *out);
void est_cache_put(struct est_cache_set *s, const char *cluster, int32_t value,
		   int64_t expires_ms);

#endif
