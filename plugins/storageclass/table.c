/*
 * plugins/storageclass/table.c - per-generation StorageClass facts of every
 * cluster. Rebuilt when host->cluster_generation() moves; a cluster keeps
 * its fetched list, its in-flight request and its parsed annotation (when
 * the annotation text is the same interned string) across rebuilds.
 */
#include "sc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
name_cmp(const void *pa, const void *pb)
{
	uintptr_t a = (uintptr_t)((const struct sc_name_ix *)pa)->name;
	uintptr_t b = (uintptr_t)((const struct sc_name_ix *)pb)->name;

	return a < b ? -1 : a > b;
}

static int
static_cmp(const void *pa, const void *pb)
{
	uintptr_t a = (uintptr_t)((const struct sc_static *)pa)->cluster;
	uintptr_t b = (uintptr_t)((const struct sc_static *)pb)->cluster;

	return a < b ? -1 : a > b;
}

struct sc_entry *
sc_table_find(struct sc_table *t, const char *name)
{
	struct sc_name_ix key = {.name = name}, *hit;

	if (!t->by_name)
		return NULL;
	hit = bsearch(&key, t->by_name, t->n, sizeof key, name_cmp);
	return hit ? &t->e[hit->i] : NULL;
}

struct sc_entry *
sc_table_entry(struct sc_table *t, const struct fs_cluster *c)
{
	if (c->index < t->n && t->e[c->index].cluster == c)
		return &t->e[c->index];
	return NULL;
}

static void
parse_annotation(struct sc_state *st, struct sc_entry *e)
{
	struct fs_json *doc;
	char err[200], msg[400];
	enum fs_code rc;

	doc = fs_host->json_parse(e->ann_text, strlen(e->ann_text), err, sizeof err);
	rc = doc ? sc_list_parse(doc, &e->ann, err, sizeof err) : FS_E_PARSE;
	fs_host->json_free(doc);
	if (rc == FS_OK)
		return;
	snprintf(msg, sizeof msg, "cluster(s) had an unreadable annotation %s: %s",
		 st->conf.annotation, err);
	e->ann_error = fs_host->intern(msg, (size_t)-1);
	fs_host->log(st->self, FS_LOG_WARN, "cluster %s: annotation %s: %s",
		     e->name, st->conf.annotation, err);
}

void
sc_entry_init(struct sc_state *st, struct sc_entry *e, const struct fs_cluster *c)
{
	const struct fs_kv *kv = fs_kv_find(c->annotations, c->n_annotations,
					    st->conf.annotation);
	struct sc_static key = {.cluster = c->name}, *hit;

	memset(e, 0, sizeof *e);
	e->cluster = c;
	e->name = c->name;
	hit = st->conf.n_statics ? bsearch(&key, st->conf.statics,
					   st->conf.n_statics, sizeof key,
					   static_cmp)
				 : NULL;
	e->statik = hit ? &hit->list : NULL;
	e->ann_text = kv ? kv->value : NULL;
}

void
sc_entry_release(struct sc_entry *e)
{
	sc_list_free(&e->ann);
	sc_list_free(&e->fetched);
}

/* The entry of the same cluster in the previous table: at the same index
 * (the common case: the cache keeps its order), else found by name. */
static struct sc_entry *
old_entry(struct sc_table *old, uint32_t i, const char *name)
{
	if (i < old->n && old->e[i].name == name)
		return &old->e[i];
	return sc_table_find(old, name);
}

/* Move what survives a rebuild from the old entry of the same cluster. */
static void
carry_over(struct sc_state *st, struct sc_entry *e, struct sc_entry *o)
{
	if (o) {
		e->fetched = o->fetched;
		e->has_fetch = o->has_fetch;
		e->fetched_ms = o->fetched_ms;
		e->http = o->http;
		o->fetched = (struct sc_list){0};
		o->http = NULL;
		if (o->ann_text == e->ann_text) {
			e->ann = o->ann;
			e->ann_error = o->ann_error;
			o->ann = (struct sc_list){0};
			return;
		}
	}
	if (e->ann_text)
		parse_annotation(st, e);
}

void
sc_table_refresh(struct sc_state *st, const struct fs_cluster *const *fallback,
		 uint32_t n_fallback)
{
	uint64_t gen = fs_host->cluster_generation(st->self);
	uint32_t n = fs_host->cluster_count(st->self);
	bool from_cache = n > 0;
	struct sc_table nt = {.valid = true, .generation = gen};
	bool same_order;

	if (st->table.valid && st->table.generation == gen &&
	    (from_cache || !fallback || !n_fallback ||
	     sc_table_entry(&st->table, fallback[0])))
		return;
	if (!from_cache)
		n = fallback ? n_fallback : 0;
	nt.e = calloc(n ? n : 1, sizeof *nt.e);
	nt.by_name = calloc(n ? n : 1, sizeof *nt.by_name);
	if (!nt.e || !nt.by_name) {
		free(nt.e);
		free(nt.by_name);
		fs_host->log(st->self, FS_LOG_ERROR,
			     "out of memory building the StorageClass table of %u "
			     "clusters; keeping the previous one", n);
		return;
	}
	nt.n = n;
	same_order = st->table.valid && n == st->table.n;
	for (uint32_t i = 0; i < n; i++) {
		const struct fs_cluster *c =
			from_cache ? fs_host->cluster_at(st->self, i) : fallback[i];

		nt.by_name[i].i = i;
		if (!c || (from_cache && c->index != i)) {
			same_order = false;
			continue; /* not indexable: filter judges it as unknown */
		}
		sc_entry_init(st, &nt.e[i], c);
		carry_over(st, &nt.e[i], old_entry(&st->table, i, c->name));
		nt.by_name[i].name = c->name;
		if (i >= st->table.n || st->table.e[i].name != c->name)
			same_order = false;
	}
	/* the name index only changes with the names or their order */
	if (same_order)
		memcpy(nt.by_name, st->table.by_name, sizeof *nt.by_name * n);
	else
		qsort(nt.by_name, n, sizeof *nt.by_name, name_cmp);
	sc_table_release(&st->table);
	st->table = nt;
}

void
sc_table_release(struct sc_table *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		sc_entry_release(&t->e[i]);
	free(t->e);
	free(t->by_name);
	memset(t, 0, sizeof *t);
}
