/*
 * kube/queue.c - the work queue (see queue.h).
 *
 * Every key known to the queue has one record in a small hash table with
 * its state; ready keys also sit in a FIFO. Delayed keys hold a timer.
 */
#include "kube/queue.h"

#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "util/buf.h"

enum key_state {
	KEY_IDLE,       /* only remembered for its failure count */
	KEY_READY,      /* in the FIFO */
	KEY_PROCESSING, /* handed out */
};

struct qkey {
	char *key;
	enum key_state state;
	bool dirty;     /* added while processing */
	uint32_t failures;
	int32_t priority; /* higher first; FIFO among equals */
	struct fs_timer *delay;
	struct fs_kube_queue *q;
	struct qkey *hnext; /* hash chain */
	struct qkey *fnext; /* FIFO */
};

struct fs_kube_queue {
	struct ev_loop *loop; /* borrowed */
	struct fs_kube_queue_opts o;
	struct qkey **slots;
	size_t n_slots, n_keys;
	struct qkey *head, *tail;
	size_t ready, waiting;
};

static size_t
qhash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

struct fs_kube_queue *
fs_kube_queue_new(struct ev_loop *loop, const struct fs_kube_queue_opts *o)
{
	struct fs_kube_queue *q = fs_xcalloc(1, sizeof(*q));
	if (o)
		q->o = *o;
	if (!q->o.base_delay_ms)
		q->o.base_delay_ms = 5;
	if (!q->o.max_delay_ms)
		q->o.max_delay_ms = 1000u * 1000u;
	q->loop = loop;
	q->n_slots = 256;
	q->slots = fs_xcalloc(q->n_slots, sizeof(*q->slots));
	return q;
}

void
fs_kube_queue_free(struct fs_kube_queue *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->n_slots; i++) {
		struct qkey *k = q->slots[i];
		while (k) {
			struct qkey *next = k->hnext;
			fs_timer_stop(k->delay);
			free(k->key);
			free(k);
			k = next;
		}
	}
	free(q->slots);
	free(q);
}

static struct qkey *
qfind(const struct fs_kube_queue *q, const char *key)
{
	for (struct qkey *k = q->slots[qhash(key) % q->n_slots]; k; k = k->hnext)
		if (!strcmp(k->key, key))
			return k;
	return NULL;
}

static void
qgrow(struct fs_kube_queue *q)
{
	size_t n = q->n_slots * 4;
	struct qkey **slots = fs_xcalloc(n, sizeof(*slots));
	for (size_t i = 0; i < q->n_slots; i++) {
		struct qkey *k = q->slots[i];
		while (k) {
			struct qkey *next = k->hnext;
			size_t s = qhash(k->key) % n;
			k->hnext = slots[s];
			slots[s] = k;
			k = next;
		}
	}
	free(q->slots);
	q->slots = slots;
	q->n_slots = n;
}

static struct qkey *
qget(struct fs_kube_queue *q, const char *key)
{
	struct qkey *k = qfind(q, key);
	if (k)
		return k;
	if (q->n_keys >= q->n_slots)
		qgrow(q);
	k = fs_xcalloc(1, sizeof(*k));
	k->key = fs_xstrdup(key);
	k->q = q;
	size_t s = qhash(key) % q->n_slots;
	k->hnext = q->slots[s];
	q->slots[s] = k;
	q->n_keys++;
	return k;
}

/* forget an idle key that has nothing left to remember */
static void
qdrop(struct fs_kube_queue *q, struct qkey *k)
{
	if (k->state != KEY_IDLE || k->failures || k->delay || k->dirty)
		return;
	struct qkey **pp = &q->slots[qhash(k->key) % q->n_slots];
	while (*pp != k)
		pp = &(*pp)->hnext;
	*pp = k->hnext;
	q->n_keys--;
	free(k->key);
	free(k);
}

static void
qpush(struct fs_kube_queue *q, struct qkey *k)
{
	k->state = KEY_READY;
	k->fnext = NULL;
	if (q->tail && q->tail->priority < k->priority) {
		/* before the first key of a lower priority (rare: most keys
		 * share one priority, and then this is the O(1) tail case) */
		struct qkey **pp = &q->head;
		while ((*pp)->priority >= k->priority)
			pp = &(*pp)->fnext;
		k->fnext = *pp;
		*pp = k;
	} else {
		if (q->tail)
			q->tail->fnext = k;
		else
			q->head = k;
		q->tail = k;
	}
	q->ready++;
	if (q->ready == 1 && q->o.on_ready)
		q->o.on_ready(q->o.ud);
}

void
fs_kube_queue_add_priority(struct fs_kube_queue *q, const char *key, int32_t priority)
{
	struct qkey *k = qget(q, key);

	if (k->state == KEY_READY && k->priority != priority) {
		/* take it out and put it back in its new place */
		struct qkey **pp = &q->head, *prev = NULL;
		while (*pp != k) {
			prev = *pp;
			pp = &(*pp)->fnext;
		}
		*pp = k->fnext;
		if (q->tail == k)
			q->tail = prev;
		q->ready--;
		k->priority = priority;
		qpush(q, k);
		return;
	}
	k->priority = priority;
	fs_kube_queue_add(q, key);
}

void
fs_kube_queue_add(struct fs_kube_queue *q, const char *key)
{
	struct qkey *k = qget(q, key);
	switch (k->state) {
	case KEY_READY:
		return; /* already waiting: deduplicated */
	case KEY_PROCESSING:
		k->dirty = true; /* again once the worker is done */
		return;
	case KEY_IDLE:
		if (k->delay) { /* an immediate add wins over a delayed one */
			fs_timer_stop(k->delay);
			k->delay = NULL;
			q->waiting--;
		}
		qpush(q, k);
		return;
	}
}

static void
qon_delay(void *ud)
{
	struct qkey *k = ud;
	struct fs_kube_queue *q = k->q;
	fs_timer_stop(k->delay);
	k->delay = NULL;
	q->waiting--;
	fs_kube_queue_add(q, k->key);
}

void
fs_kube_queue_add_after(struct fs_kube_queue *q, const char *key,
			uint32_t delay_ms)
{
	if (delay_ms == 0) {
		fs_kube_queue_add(q, key);
		return;
	}
	struct qkey *k = qget(q, key);
	if (k->state == KEY_READY)
		return;
	if (k->delay)
		return; /* the earlier timer stands */
	k->delay = fs_timer_start(q->loop, NULL, delay_ms, 0, qon_delay, k);
	q->waiting++;
}

uint32_t
fs_kube_queue_add_rate_limited(struct fs_kube_queue *q, const char *key)
{
	struct qkey *k = qget(q, key);
	uint64_t d = q->o.base_delay_ms;
	for (uint32_t i = 0; i < k->failures && d < q->o.max_delay_ms; i++)
		d *= 2;
	if (d > q->o.max_delay_ms)
		d = q->o.max_delay_ms;
	k->failures++;
	fs_kube_queue_add_after(q, key, (uint32_t)d);
	return (uint32_t)d;
}

void
fs_kube_queue_forget(struct fs_kube_queue *q, const char *key)
{
	struct qkey *k = qfind(q, key);
	if (!k)
		return;
	k->failures = 0;
	qdrop(q, k);
}

uint32_t
fs_kube_queue_failures(const struct fs_kube_queue *q, const char *key)
{
	const struct qkey *k = qfind(q, key);
	return k ? k->failures : 0;
}

const char *
fs_kube_queue_get(struct fs_kube_queue *q)
{
	struct qkey *k = q->head;
	if (!k)
		return NULL;
	q->head = k->fnext;
	if (!q->head)
		q->tail = NULL;
	k->fnext = NULL;
	q->ready--;
	k->state = KEY_PROCESSING;
	return k->key;
}

void
fs_kube_queue_done(struct fs_kube_queue *q, const char *key)
{
	struct qkey *k = qfind(q, key);
	if (!k || k->state != KEY_PROCESSING)
		return;
	k->state = KEY_IDLE;
	if (k->dirty) {
		k->dirty = false;
		if (k->delay) {
			fs_timer_stop(k->delay);
			k->delay = NULL;
			q->waiting--;
		}
		qpush(q, k);
		return;
	}
	qdrop(q, k);
}

size_t fs_kube_queue_len(const struct fs_kube_queue *q) { return q->ready; }
size_t fs_kube_queue_waiting(const struct fs_kube_queue *q) { return q->waiting; }

bool
fs_kube_queue_processing(const struct fs_kube_queue *q, const char *key)
{
	const struct qkey *k = qfind(q, key);
	return k && k->state == KEY_PROCESSING;
}
