/*
 * kube/cache.c - the informer's object table (see cache.h).
 */
#include "kube/cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

void
fs_kube_cache_init(struct fs_kube_cache *c)
{
	c->n_slots = 64;
	c->n = 0;
	c->slots = fs_xcalloc(c->n_slots, sizeof(*c->slots));
}

void
fs_kube_cache_release(struct fs_kube_cache *c)
{
	for (size_t i = 0; i < c->n_slots; i++) {
		struct fs_kube_cache_entry *e = c->slots[i];
		while (e) {
			struct fs_kube_cache_entry *next = e->next;
			free(e->key);
			cJSON_Delete(e->obj);
			free(e);
			e = next;
		}
	}
	free(c->slots);
	memset(c, 0, sizeof(*c));
}

static size_t
cache_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

const char *
fs_kube_obj_rv(const cJSON *obj)
{
	const cJSON *rv = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "resourceVersion");
	return cJSON_IsString(rv) ? rv->valuestring : "";
}

char *
fs_kube_cache_key(const cJSON *obj)
{
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const cJSON *ns = cJSON_GetObjectItemCaseSensitive(md, "namespace");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(md, "name");
	if (!cJSON_IsString(name) || !name->valuestring[0])
		return NULL;
	struct fs_buf b = FS_BUF_INIT;
	if (cJSON_IsString(ns) && ns->valuestring[0])
		fs_buf_printf(&b, "%s/", ns->valuestring);
	fs_buf_adds(&b, name->valuestring);
	return fs_buf_detach(&b);
}

struct fs_kube_cache_entry *
fs_kube_cache_get(const struct fs_kube_cache *c,
		  const char *key)
{
	for (struct fs_kube_cache_entry *e = c->slots[cache_hash(key) % c->n_slots]; e;
	     e = e->next)
		if (!strcmp(e->key, key))
			return e;
	return NULL;
}

static void
cache_grow(struct fs_kube_cache *c)
{
	size_t n = c->n_slots * 4;
	struct fs_kube_cache_entry **slots = fs_xcalloc(n, sizeof(*slots));
	for (size_t i = 0; i < c->n_slots; i++) {
		struct fs_kube_cache_entry *e = c->slots[i];
		while (e) {
			struct fs_kube_cache_entry *next = e->next;
			size_t s = cache_hash(e->key) % n;
			e->next = slots[s];
			slots[s] = e;
			e = next;
		}
	}
	free(c->slots);
	c->slots = slots;
	c->n_slots = n;
}

cJSON *
fs_kube_cache_put(struct fs_kube_cache *c, const char *key, cJSON *obj)
{
	struct fs_kube_cache_entry *e = fs_kube_cache_get(c, key);
	if (e) {
		cJSON *old = e->obj;
		e->obj = obj;
		e->rv = fs_kube_obj_rv(obj);
		return old;
	}
	if (c->n >= c->n_slots)
		cache_grow(c);
	e = fs_xcalloc(1, sizeof(*e));
	e->key = fs_xstrdup(key);
	e->obj = obj;
	e->rv = fs_kube_obj_rv(obj);
	size_t s = cache_hash(key) % c->n_slots;
	e->next = c->slots[s];
	c->slots[s] = e;
	c->n++;
	return NULL;
}

cJSON *
fs_kube_cache_remove(struct fs_kube_cache *c, const char *key)
{
	struct fs_kube_cache_entry **pp = &c->slots[cache_hash(key) % c->n_slots];
	for (; *pp; pp = &(*pp)->next) {
		struct fs_kube_cache_entry *e = *pp;
		if (strcmp(e->key, key))
			continue;
		*pp = e->next;
		cJSON *obj = e->obj;
		free(e->key);
		free(e);
		c->n--;
		return obj;
	}
	return NULL;
}

void
fs_kube_cache_each(const struct fs_kube_cache *c,
		   void (*fn)(void *ud, struct fs_kube_cache_entry *e),
		   void *ud)
{
	for (size_t i = 0; i < c->n_slots; i++)
		for (struct fs_kube_cache_entry *e = c->slots[i]; e; e = e->next)
			fn(ud, e);
}
