/*
 * plugins/estimator/cache.c - see cache.h.
 */
#include "cache.h"

#include <string.h>

#include <fedstate/fedstate.h>

struct slot {
	const char *cluster; /* interned; NULL = empty */
	int32_t value;
	int64_t expires_ms;
};

struct est_cache_set {
	uint8_t *req;
	size_t len;
	int64_t used_ms;
	struct slot *slots; /* open addressing, cap a power of two */
	uint32_t cap, n;
};

struct est_cache {
	struct est_cache_set sets[EST_CACHE_SETS];
	uint32_t n;
};

struct est_cache *
est_cache_new(void)
{
	return fs_host->calloc(1, sizeof(struct est_cache));
}

static void
set_clear(struct est_cache_set *s)
{
	fs_host->free(s->req);
	fs_host->free(s->slots);
	memset(s, 0, sizeof(*s));
}

void
est_cache_free(struct est_cache *c)
{
	if (!c)
		return;
	for (uint32_t i = 0; i < c->n; i++)
		set_clear(&c->sets[i]);
	fs_host->free(c);
}

struct est_cache_set *
est_cache_set(struct est_cache *c, const uint8_t *req, size_t len, int64_t now_ms)
{
	struct est_cache_set *s = NULL;

	for (uint32_t i = 0; i < c->n; i++)
		if (c->sets[i].len == len && memcmp(c->sets[i].req, req, len) == 0) {
			c->sets[i].used_ms = now_ms;
			return &c->sets[i];
		}
	if (c->n < EST_CACHE_SETS) {
		s = &c->sets[c->n++];
	} else {
		s = &c->sets[0];
		for (uint32_t i = 1; i < c->n; i++)
			if (c->sets[i].used_ms < s->used_ms)
				s = &c->sets[i];
		set_clear(s);
	}
	if (!(s->req = fs_host->alloc(len ? len : 1))) {
		*s = c->sets[--c->n]; /* give the slot back */
		return NULL;
	}
	memcpy(s->req, req, len);
	s->len = len;
	s->used_ms = now_ms;
	return s;
}

static uint32_t
hash_ptr(const char *p)
{
	uint64_t v = (uint64_t)(uintptr_t)p;

	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (uint32_t)v;
}

static struct slot *
find(const struct est_cache_set *s, const char *cluster)
{
	uint32_t mask = s->cap - 1;

	for (uint32_t i = hash_ptr(cluster) & mask;; i = (i + 1) & mask)
		if (s->slots[i].cluster == cluster || !s->slots[i].cluster)
			return &s->slots[i];
}

bool
est_cache_get(const struct est_cache_set *s, const char *cluster, int64_t now_ms,
	      int32_t *out)
{
	const struct slot *e;

	if (!s || !s->cap)
		return false;
	e = find(s, cluster);
	if (!e->cluster || e->expires_ms <= now_ms)
		return false;
	*out = e->value;
	return true;
}

static bool
grow(struct est_cache_set *s)
{
	uint32_t cap = s->cap ? s->cap * 2 : 64;
	struct slot *old = s->slots, *slots = fs_host->calloc(cap, sizeof(*slots));
	uint32_t old_cap = s->cap;

	if (!slots)
		return false;
	s->slots = slots;
	s->cap = cap;
	for (uint32_t i = 0; i < old_cap; i++)
		if (old[i].cluster)
			*find(s, old[i].cluster) = old[i];
	fs_host->free(old);
	return true;
}

void
est_cache_put(struct est_cache_set *s, const char *cluster, int32_t value,
	      int64_t expires_ms)
{
	struct slot *e;

	if (!s || ((s->n + 1) * 4 > s->cap * 3 && !grow(s)))
		return; /* out of memory: simply not cached */
	e = find(s, cluster);
	if (!e->cluster)
		s->n++;
	e->cluster = cluster;
	e->value = value;
	e->expires_ms = expires_ms;
}
