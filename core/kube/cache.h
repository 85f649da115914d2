/*
 * kube/cache.h - objects keyed by "namespace/name" (cluster-scoped:
 * "name"), as an informer keeps them. A chained hash table that owns its
 * objects. Not thread-safe.
 */
#ifndef FS_KUBE_CACHE_H
#define FS_KUBE_CACHE_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct fs_kube_cache_entry {
	char *key;
	cJSON *obj;
	const char *rv; /* obj's metadata.resourceVersion (borrowed from obj), "" when none */
	struct fs_kube_cache_entry *next;
};

struct fs_kube_cache {
	struct fs_kube_cache_entry **slots;
	size_t n_slots, n;
};

void fs_kube_cache_init(struct fs_kube_cache *c);
void fs_kube_cache_release(struct fs_kube_cache *c);
/* "ns/name" of an object (caller frees); NULL when it has no name */
char *fs_kube_cache_key(const cJSON *obj);
struct fs_kube_cache_entry *fs_kube_cache_get(const struct fs_kube_cache *c,
					      const char *key);
/* insert or replace; takes obj; returns the previous object (caller
 * frees) or NULL */
cJSON *fs_kube_cache_put(struct fs_kube_cache *c, const char *key, cJSON *obj);
/* remove; returns the object (caller frees) or NULL */
cJSON *fs_kube_cache_remove(struct fs_kube_cache *c, const char *key);
/* visit every entry (do not modify the cache meanwhile) */
void fs_kube_cache_each(const struct fs_kube_cache *c,
			void (*fn)(void *ud, struct fs_kube_cache_entry *e),
			void *ud);
const char *fs_kube_obj_rv(const cJSON *obj); /* "" when none; borrowed */

#endif
