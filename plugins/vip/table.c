/*
 * plugins/vip/table.c - the per-generation verdict of every cluster's VIP.
 *
 * Rebuilt only when host->cluster_generation() moves: one pass over the
 * cache to read and parse the labels, one sort of the parsed addresses to
 * find VIPs claimed twice. Probe results of a cluster whose VIP did not
 * change are carried over by name.
 */
#include "vip.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vip_addr {
	unsigned char bytes[16];
	int family;
	uint32_t i; /* entry index */
};

static bool
parse_addr(const char *s, struct vip_addr *a)
{
	memset(a->bytes, 0, sizeof a->bytes);
	if (inet_pton(AF_INET, s, a->bytes) == 1) {
		a->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, a->bytes) == 1) {
		static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0,
							   0, 0, 0, 0, 0xff, 0xff};
		a->family = AF_INET6;
		/* ::ffff:a.b.c.d is the IPv4 address a.b.c.d: compare as that */
		if (memcmp(a->bytes, v4mapped, sizeof v4mapped) == 0) {
			memmove(a->bytes, a->bytes + 12, 4);
			memset(a->bytes + 4, 0, 12);
			a->family = AF_INET;
		}
		return true;
	}
	return false;
}

const char *
vip_intern_printf(const char *fmt, ...)
{
	char buf[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return fs_host->intern(buf, (size_t)-1);
}

enum vip_verdict
vip_classify(const struct vip_state *st, const struct fs_cluster *c,
	     const char **vip, const char **reason)
{
	const struct fs_kv *kv = fs_kv_find(c->labels, c->n_labels,
					    st->conf.label_key);
	struct vip_addr a;

	*vip = kv ? kv->value : NULL;
	*reason = NULL;
	if (!kv) {
		*reason = st->r_no_label;
		return VIP_NO_LABEL;
	}
	if (!parse_addr(kv->value, &a)) {
		*reason = vip_intern_printf("cluster(s) had an invalid VIP \"%.64s\" in "
					"label '%s' (expected an IPv4 or IPv6 "
					"address)", kv->value, st->conf.label_key);
		return VIP_INVALID;
	}
	return VIP_OK;
}

static int
addr_cmp(const void *pa, const void *pb)
{
	const struct vip_addr *a = pa, *b = pb;
	int d = memcmp(a->bytes, b->bytes, sizeof a->bytes);

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (d)
		return d;
	return a->i < b->i ? -1 : a->i > b->i; /* cache order within a group */
}

static int
name_cmp(const void *pa, const void *pb)
{
	uintptr_t a = (uintptr_t)((const struct vip_name_ix *)pa)->name;
	uintptr_t b = (uintptr_t)((const struct vip_name_ix *)pb)->name;

	return a < b ? -1 : a > b;
}

/* Mark every member of addrs[lo..hi) (one shared address) as a duplicate,
 * naming the first other cluster that claims it. */
static void
mark_group(struct vip_table *t, const struct vip_addr *addrs, uint32_t lo,
	   uint32_t hi, const char *key)
{
	for (uint32_t k = lo; k < hi; k++) {
		struct vip_entry *e = &t->e[addrs[k].i];
		const struct vip_entry *other = &t->e[addrs[k == lo ? lo + 1 : lo].i];
		uint32_t more = hi - lo - 2;

		e->verdict = VIP_DUPLICATE;
		if (more)
			e->reason = vip_intern_printf(
				"cluster(s) had VIP %s (label '%s') also claimed "
				"by cluster '%s' and %u other(s)", e->vip, key,
				other->name, more);
		else
			e->reason = vip_intern_printf(
				"cluster(s) had VIP %s (label '%s') also claimed "
				"by cluster '%s'", e->vip, key, other->name);
	}
}

static void
find_duplicates(struct vip_state *st, struct vip_table *t)
{
	struct vip_addr *addrs = calloc(t->n ? t->n : 1, sizeof *addrs);
	uint32_t n = 0;

	if (!addrs)
		return; /* out of memory: no duplicate detection this generation */
	for (uint32_t i = 0; i < t->n; i++)
		if (t->e[i].verdict == VIP_OK && parse_addr(t->e[i].vip, &addrs[n]))
			addrs[n++].i = i;
	qsort(addrs, n, sizeof *addrs, addr_cmp);
	for (uint32_t lo = 0, hi; lo < n; lo = hi) {
		for (hi = lo + 1; hi < n && addrs[hi].family == addrs[lo].family &&
				  !memcmp(addrs[hi].bytes, addrs[lo].bytes, 16);
		     hi++)
			;
		if (hi - lo > 1)
			mark_group(t, addrs, lo, hi, st->conf.label_key);
	}
	free(addrs);
}

static struct vip_entry *
find_in(const struct vip_table *t, const char *name)
{
	struct vip_name_ix key = {.name = name}, *hit;

	if (!t->by_name)
		return NULL;
	hit = bsearch(&key, t->by_name, t->n, sizeof key, name_cmp);
	return hit ? &t->e[hit->i] : NULL;
}

struct vip_entry *
vip_table_find(struct vip_table *t, const char *name)
{
	return find_in(t, name);
}

struct vip_entry *
vip_table_entry(struct vip_table *t, const struct fs_cluster *c)
{
	if (c->index < t->n && t->e[c->index].cluster == c)
		return &t->e[c->index];
	return NULL;
}

/* The entry of the same cluster in the previous table: at the same index
 * (the common case: the cache keeps its order), else found by name. */
static const struct vip_entry *
old_entry(const struct vip_table *old, uint32_t i, const char *name)
{
	if (i < old->n && old->e[i].name == name)
		return &old->e[i];
	return find_in(old, name);
}

/* Look for duplicates again after a VIP, a cluster or the order changed,
 * and log the verdicts that became bad. */
static void
recheck(struct vip_state *st, struct vip_table *t, const struct vip_table *old)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (t->e[i].verdict == VIP_DUPLICATE) {
			t->e[i].verdict = VIP_OK;
			t->e[i].reason = NULL;
		}
	find_duplicates(st, t);
	for (uint32_t i = 0; i < t->n; i++) {
		const struct vip_entry *e = &t->e[i];
		const struct vip_entry *o = e->name ? old_entry(old, i, e->name) : NULL;

		if ((e->verdict == VIP_INVALID || e->verdict == VIP_DUPLICATE) &&
		    (!o || o->reason != e->reason))
			fs_host->log(st->self, FS_LOG_WARN, "cluster %s filtered: %s",
				     e->name, e->reason);
	}
}

/*
 * Build t for the current cluster set. A cluster whose VIP label is the
 * same interned string as in `old` keeps its old entry (verdict, reason,
 * probe results) without parsing; only when some VIP, the cluster set or
 * the order changed are duplicates looked for again and the name index
 * re-sorted. So a generation that only moved cluster status costs one
 * label lookup per cluster.
 */
static bool
build(struct vip_state *st, struct vip_table *t, const struct vip_table *old,
      const struct fs_cluster *const *fallback, uint32_t n_fallback)
{
	uint32_t n = fs_host->cluster_count(st->self);
	bool from_cache = n > 0, changed, same_order;

	if (!from_cache)
		n = fallback ? n_fallback : 0;
	t->e = calloc(n ? n : 1, sizeof *t->e);
	t->by_name = calloc(n ? n : 1, sizeof *t->by_name);
	if (!t->e || !t->by_name)
		return false;
	t->n = n;
	changed = !old->valid || n != old->n;
	same_order = !changed;
	for (uint32_t i = 0; i < n; i++) {
		const struct fs_cluster *c =
			from_cache ? fs_host->cluster_at(st->self, i) : fallback[i];
		struct vip_entry *e = &t->e[i];
		const struct vip_entry *o;
		const struct fs_kv *kv;

		t->by_name[i].i = i;
		if (!c || (from_cache && c->index != i)) {
			/* not indexable: filter judges such a view alone */
			changed = true, same_order = false;
			continue;
		}
		kv = fs_kv_find(c->labels, c->n_labels, st->conf.label_key);
		o = old_entry(old, i, c->name);
		if (o && o->cluster && o->vip == (kv ? kv->value : NULL)) {
			*e = *o;
		} else {
			e->name = c->name;
			e->verdict = vip_classify(st, c, &e->vip, &e->reason);
			changed = true;
		}
		e->cluster = c;
		t->by_name[i].name = c->name;
		if (i >= old->n || old->e[i].name != c->name)
			same_order = false;
	}
	if (changed)
		recheck(st, t, old);
	if (same_order)
		memcpy(t->by_name, old->by_name, sizeof *t->by_name * n);
	else
		qsort(t->by_name, n, sizeof *t->by_name, name_cmp);
	return true;
}

void
vip_table_refresh(struct vip_state *st,
		  const struct fs_cluster *const *fallback, uint32_t n)
{
	uint64_t gen = fs_host->cluster_generation(st->self);
	struct vip_table nt = {.valid = true, .generation = gen};

	if (st->table.valid && st->table.generation == gen &&
	    (fs_host->cluster_count(st->self) > 0 || !fallback || !n ||
	     vip_table_entry(&st->table, fallback[0])))
		return;
	if (!build(st, &nt, &st->table, fallback, n)) {
		fs_host->log(st->self, FS_LOG_ERROR,
			     "out of memory building the VIP table of %u clusters; "
			     "keeping the previous one", n);
		vip_table_release(&nt);
		return;
	}
	vip_table_release(&st->table);
	st->table = nt;
	fs_host->log(st->self, FS_LOG_DEBUG,
		     "VIP table rebuilt for cluster generation %llu (%u clusters)",
		     (unsigned long long)gen, nt.n);
}

void
vip_table_release(struct vip_table *t)
{
	free(t->e);
	free(t->by_name);
	memset(t, 0, sizeof *t);
}
