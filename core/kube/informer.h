/*
 * kube/informer.h - list + watch of one resource into a cache keyed by
 * namespace/name, with add/update/delete handlers and an initial-sync
 * signal.
 *
 * After a dropped stream it resumes from the last resourceVersion seen
 * (events or bookmarks), so nothing is missed or delivered twice; when
 * the server answers 410 Gone it lists again and delivers the differences
 * as events, deletes included. Failures are retried with jittered
 * exponential backoff. An optional periodic resync calls on_update(obj,
 * obj) for every cached object.
 *
 * Handlers get borrowed objects, valid during the call; the cache keeps
 * its own. Loop thread only.
 */
#ifndef FS_KUBE_INFORMER_H
#define FS_KUBE_INFORMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "kube/client.h"

struct fs_kube_informer;

struct fs_kube_handlers {
	void (*on_add)(void *ud, const cJSON *obj);
	void (*on_update)(void *ud, const cJSON *old, const cJSON *obj);
	void (*on_delete)(void *ud, const cJSON *obj); /* the last state known */
	void (*on_synced)(void *ud);                   /* once, after the first list */
};

struct fs_kube_informer_opts {
	const struct fs_kube_resource *res; /* borrowed for the informer's life */
	const char *ns;             /* NULL: the client's namespace; "": all */
	const char *label_selector;
	const char *field_selector;
	uint32_t page_size;         /* list limit; default 500 */
	uint32_t resync_ms;         /* 0: no periodic resync */
	uint32_t watch_timeout_s;   /* server-side timeout per watch; default 300 */
	uint32_t backoff_base_ms;   /* default 200 */
	uint32_t backoff_max_ms;    /* default 30000 */
};

struct fs_kube_informer_stats {
	uint32_t lists;    /* complete lists (initial + relists) */
	uint32_t watches;  /* watch streams started */
	uint32_t gone;     /* 410 answers */
	uint64_t events;   /* events delivered to handlers */
};

/* The strings in opts are copied. Nothing happens before _start. */
struct fs_kube_informer *fs_kube_informer_new(struct fs_kube_client *c,
					      const struct fs_kube_informer_opts *opts,
					      const struct fs_kube_handlers *h,
					      void *ud);
void fs_kube_informer_start(struct fs_kube_informer *inf);
void fs_kube_informer_free(struct fs_kube_informer *inf); /* NULL-safe; stops */

bool fs_kube_informer_synced(const struct fs_kube_informer *inf);
/* borrowed; NULL when absent. ns NULL or "" for cluster-scoped objects */
const cJSON *fs_kube_informer_get(const struct fs_kube_informer *inf,
				  const char *ns, const char *name);
size_t fs_kube_informer_count(const struct fs_kube_informer *inf);
/* Call fn for every cached object (borrowed for the call; the handler must
 * not change the informer). Order is unspecified. */
void fs_kube_informer_each(const struct fs_kube_informer *inf,
			   void (*fn)(void *ud, const char *key, const cJSON *obj),
			   void *ud);
const char *fs_kube_informer_rv(const struct fs_kube_informer *inf); /* "" before sync */
void fs_kube_informer_stats(const struct fs_kube_informer *inf,
			    struct fs_kube_informer_stats *out);

#endif
