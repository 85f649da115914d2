/*
 * kube/queue.h - a work queue of keys ("namespace/name") for controllers.
 *
 *  - deduplicating: a key waiting in the queue is there once;
 *  - a key being processed (between fs_kube_queue_get and _done) is never
 *    handed out again meanwhile; adding it then marks it dirty, and _done
 *    puts it back once;
 *  - rate-limited per key: _add_rate_limited delays by base * 2^failures,
 *    capped at max; _forget resets the count after a success;
 *  - _add_after delays one key (timers on the host loop).
 *
 * Keys are copied. Loop thread only.
 */
#ifndef FS_KUBE_QUEUE_H
#define FS_KUBE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fs_kube_queue;

struct fs_kube_queue_opts {
	uint32_t base_delay_ms; /* default 5 */
	uint32_t max_delay_ms;  /* default 1000 s */
	/* called (from the loop or from an add) when a key becomes ready
	 * and the queue was empty: a hint to schedule a worker; may be NULL */
	void (*on_ready)(void *ud);
	void *ud;
};

struct ev_loop;
/* timers run on `loop` (borrowed) */
struct fs_kube_queue *fs_kube_queue_new(struct ev_loop *loop,
					 const struct fs_kube_queue_opts *o);
void fs_kube_queue_free(struct fs_kube_queue *q); /* NULL-safe */

void fs_kube_queue_add(struct fs_kube_queue *q, const char *key);
/* add with a priority: ready keys come out by priority (higher first),
 * then in the order they became ready; a key keeps its priority for
 * later (delayed, rate-limited) adds until it is forgotten. Karmada's
 * spec.schedulePriority. */
void fs_kube_queue_add_priority(struct fs_kube_queue *q, const char *key,
				int32_t priority);
void fs_kube_queue_add_after(struct fs_kube_queue *q, const char *key,
			     uint32_t delay_ms);
/* returns the delay it chose */
uint32_t fs_kube_queue_add_rate_limited(struct fs_kube_queue *q, const char *key);
void fs_kube_queue_forget(struct fs_kube_queue *q, const char *key);
uint32_t fs_kube_queue_failures(const struct fs_kube_queue *q, const char *key);

/* The next ready key, now in the processing state, or NULL when none is
 * ready. The string is the queue's until fs_kube_queue_done. */
const char *fs_kube_queue_get(struct fs_kube_queue *q);
void fs_kube_queue_done(struct fs_kube_queue *q, const char *key);

size_t fs_kube_queue_len(const struct fs_kube_queue *q);     /* ready keys */
size_t fs_kube_queue_waiting(const struct fs_kube_queue *q); /* delayed keys */
bool fs_kube_queue_processing(const struct fs_kube_queue *q, const char *key);

#endif
