/* util/intern.c - open-addressing hash set of strings; pinned entries are
 * kept in slabs, counted ones are allocated one by one and freed with their
 * last reference (see intern.h) */
#include "util/intern.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

struct entry {
	uint64_t hash;
	uint32_t refs;   /* counted references; unused once pinned */
	bool pinned;     /* never freed */
	char s[];
};

struct slab {
	struct slab *next;
	size_t used, cap;
	alignas(struct entry) unsigned char data[];
};

static struct entry **table;
static size_t table_cap, table_len;
static struct slab *slabs;
static size_t bytes;

static uint64_t
hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a 64 */
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static struct entry *
entry_of(const char *s)
{
	return (struct entry *)(void *)(s - offsetof(struct entry, s));
}

static struct entry *
new_entry(const char *s, size_t len, uint64_t h, bool pinned)
{
	size_t need = offsetof(struct entry, s) + len + 1;
	struct entry *e;
	if (pinned) {
		need = (need + alignof(struct entry) - 1) & ~(alignof(struct entry) - 1);
		if (!slabs || slabs->cap - slabs->used < need) {
			size_t cap = need > 65536 ? need : 65536;
			struct slab *sl = fs_xmalloc(sizeof *sl + cap);
			sl->used = 0;
			sl->cap = cap;
			sl->next = slabs;
			slabs = sl;
			bytes += sizeof *sl + cap;
		}
		e = (struct entry *)(void *)(slabs->data + slabs->used);
		slabs->used += need;
	} else {
		e = fs_xmalloc(need);
		bytes += need;
	}
	e->hash = h;
	e->refs = 0;
	e->pinned = pinned;
	memcpy(e->s, s, len);
	e->s[len] = '\0';
	return e;
}

static void
rehash(void)
{
	size_t cap = table_cap ? table_cap * 2 : 4096;
	struct entry **t = fs_xcalloc(cap, sizeof *t);
	for (size_t i = 0; i < table_cap; i++) {
		struct entry *e = table[i];
		if (!e)
			continue;
		size_t j = e->hash & (cap - 1);
		while (t[j])
			j = (j + 1) & (cap - 1);
		t[j] = e;
	}
	bytes += (cap - table_cap) * sizeof *t;
	free(table);
	table = t;
	table_cap = cap;
}

/* the entry for s, or NULL with *slot where it would go */
static struct entry *
find(const char *s, size_t len, uint64_t h, size_t *slot)
{
	size_t j = h & (table_cap - 1);
	while (table[j]) {
		const struct entry *e = table[j];
		if (e->hash == h && strncmp(e->s, s, len) == 0 && e->s[len] == '\0')
			return table[j];
		j = (j + 1) & (table_cap - 1);
	}
	*slot = j;
	return NULL;
}

/* the entry for s[0..len), inserted when absent */
static struct entry *
get(const char *s, size_t len, bool pinned)
{
	if ((table_len + 1) * 4 >= table_cap * 3)
		rehash();
	uint64_t h = hash(s, len);
	size_t slot;
	struct entry *e = find(s, len, h, &slot);
	if (e)
		return e;
	e = new_entry(s, len, h, pinned);
	table[slot] = e;
	table_len++;
	return e;
}

/* take e out of the table (backward-shift deletion keeps every probe
 * chain intact, so no tombstones accumulate) and free it */
static void
drop(struct entry *e)
{
	size_t mask = table_cap - 1, i = e->hash & mask;
	while (table[i] != e)
		i = (i + 1) & mask;
	table[i] = NULL;
	for (size_t j = (i + 1) & mask; table[j]; j = (j + 1) & mask) {
		size_t k = table[j]->hash & mask;
		/* stays when its home k lies cyclically in (i, j] */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		table[i] = table[j];
		table[j] = NULL;
		i = j;
	}
	table_len--;
	bytes -= offsetof(struct entry, s) + strlen(e->s) + 1;
	free(e);
}

const char *
fs_intern(const char *s, size_t len)
{
	if (!s)
		return NULL;
	/* a string ends at its first NUL, whatever len says */
	struct entry *e = get(s, strnlen(s, len), true);
	e->pinned = true;
	return e->s;
}

const char *
fs_intern_ref(struct fs_intern_refs *r, const char *s, size_t len)
{
	if (!r)
		return fs_intern(s, len);
	if (!s)
		return NULL;
	struct entry *e = get(s, strnlen(s, len), false);
	if (!e->pinned)
		e->refs++;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->v = fs_xrealloc(r->v, r->cap * sizeof *r->v);
	}
	r->v[r->n++] = e->s;
	return e->s;
}

void
fs_intern_refs_release(struct fs_intern_refs *r)
{
	if (!r)
		return;
	for (uint32_t i = 0; i < r->n; i++) {
		struct entry *e = entry_of(r->v[i]);
		/* a pinned entry is never freed, so its count no longer matters */
		if (!e->pinned && --e->refs == 0)
			drop(e);
	}
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

const char *
fs_intern_lookup(const char *s, size_t len)
{
	if (!s || !table_cap)
		return NULL;
	len = strnlen(s, len);
	size_t slot;
	struct entry *e = find(s, len, hash(s, len), &slot);
	return e ? e->s : NULL;
}

size_t fs_intern_count(void) { return table_len; }
size_t fs_intern_bytes(void) { return bytes; }
