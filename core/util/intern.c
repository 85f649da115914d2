/* util/intern.c - open-addressing hash set of strings kept in slabs */
#include "util/intern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

struct slab {
	struct slab *next;
	size_t used, cap;
	char data[];
};

static const char **table;
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

static char *
slab_copy(const char *s, size_t len)
{
	if (!slabs || slabs->cap - slabs->used < len + 1) {
		size_t cap = len + 1 > 65536 ? len + 1 : 65536;
		struct slab *sl = fs_xmalloc(sizeof *sl + cap);
		sl->used = 0;
		sl->cap = cap;
		sl->next = slabs;
		slabs = sl;
		bytes += sizeof *sl + cap;
	}
	char *p = slabs->data + slabs->used;
	memcpy(p, s, len);
	p[len] = '\0';
	slabs->used += len + 1;
	return p;
}

static void
rehash(void)
{
	size_t cap = table_cap ? table_cap * 2 : 4096;
	const char **t = fs_xcalloc(cap, sizeof *t);
	for (size_t i = 0; i < table_cap; i++) {
		const char *s = table[i];
		if (!s)
			continue;
		size_t j = hash(s, strlen(s)) & (cap - 1);
		while (t[j])
			j = (j + 1) & (cap - 1);
		t[j] = s;
	}
	bytes += (cap - table_cap) * sizeof *t;
	free(table);
	table = t;
	table_cap = cap;
}

static const char *
find(const char *s, size_t len, size_t *slot)
{
	size_t j = hash(s, len) & (table_cap - 1);
	while (table[j]) {
		if (strncmp(table[j], s, len) == 0 && table[j][len] == '\0')
			return table[j];
		j = (j + 1) & (table_cap - 1);
	}
	*slot = j;
	return NULL;
}

const char *
fs_intern(const char *s, size_t len)
{
	if (!s)
		return NULL;
	/* a string ends at its first NUL, whatever len says */
	len = strnlen(s, len);
	if ((table_len + 1) * 4 >= table_cap * 3)
		rehash();
	size_t slot;
	const char *hit = find(s, len, &slot);
	if (hit)
		return hit;
	const char *p = slab_copy(s, len);
	table[slot] = p;
	table_len++;
	return p;
}

const char *
fs_intern_lookup(const char *s, size_t len)
{
	if (!s || !table_cap)
		return NULL;
	len = strnlen(s, len);
	size_t slot;
	return find(s, len, &slot);
}

size_t fs_intern_count(void) { return table_len; }
size_t fs_intern_bytes(void) { return bytes; }
