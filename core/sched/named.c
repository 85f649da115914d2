/* sched/named.c - name -> position index of a cycle's clusters, see named.h */
#include "sched/named.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

struct fs_named_index {
	const struct fs_cluster *const *clusters;
	uint32_t n;
	uint64_t sum;
	bool valid;
	bool duplicates; /* two clusters share a name: positions would lie */
	uint32_t *slots; /* position + 1; 0 = empty */
	uint32_t *rank;  /* per position */
	uint32_t rank_cap;
	uint32_t n_slots; /* power of two, > 2n */
};

static uint32_t
slot_of(const char *name, uint32_t n_slots)
{
	uint64_t h = (uint64_t)(uintptr_t)name * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32) & (n_slots - 1);
}

struct fs_named_index *
fs_named_index_new(void)
{
	return fs_xcalloc(1, sizeof(struct fs_named_index));
}

void
fs_named_index_free(struct fs_named_index *ix)
{
	if (!ix)
		return;
	free(ix->slots);
	free(ix->rank);
	free(ix);
}

struct name_pos {
	const char *name;
	uint32_t pos;
};

static int
by_name(const void *x, const void *y)
{
	const struct name_pos *a = x, *b = y;
	int c = a->name == b->name ? 0 : strcmp(a->name, b->name);
	return c ? c : (a->pos > b->pos) - (a->pos < b->pos);
}

static void
rank_names(struct fs_named_index *ix, const struct fs_cluster *const *clusters,
	   uint32_t n)
{
	if (n > ix->rank_cap) {
		free(ix->rank);
		ix->rank = fs_xmalloc(n * sizeof *ix->rank);
		ix->rank_cap = n;
	}
	struct name_pos *v = fs_xmalloc((n ? n : 1) * sizeof *v);
	for (uint32_t i = 0; i < n; i++)
		v[i] = (struct name_pos){clusters[i]->name, i};
	qsort(v, n, sizeof *v, by_name);
	for (uint32_t i = 0, r = 0; i < n; i++) {
		if (i && strcmp(v[i - 1].name, v[i].name) != 0)
			r = i;
		ix->rank[v[i].pos] = r;
	}
	free(v);
}

const uint32_t *
fs_named_ranks(const struct fs_named_index *ix)
{
	return ix->valid ? ix->rank : NULL;
}

void
fs_named_index_sync(struct fs_named_index *ix,
		    const struct fs_cluster *const *clusters, uint32_t n,
		    uint64_t sum)
{
	if (ix->valid && ix->n == n && ix->sum == sum) {
		ix->clusters = clusters;
		return;
	}
	uint32_t want = 16;
	while (want < 2 * n + 2)
		want *= 2;
	if (want != ix->n_slots) {
		free(ix->slots);
		ix->slots = fs_xmalloc(want * sizeof *ix->slots);
		ix->n_slots = want;
	}
	memset(ix->slots, 0, want * sizeof *ix->slots);
	ix->duplicates = false;
	for (uint32_t i = 0; i < n; i++) {
		const char *name = clusters[i]->name;
		uint32_t j = slot_of(name, want);
		while (ix->slots[j] && clusters[ix->slots[j] - 1]->name != name)
			j = (j + 1) & (want - 1);
		if (ix->slots[j])
			ix->duplicates = true;
		else
			ix->slots[j] = i + 1;
	}
	rank_names(ix, clusters, n);
	ix->clusters = clusters;
	ix->n = n;
	ix->sum = sum;
	ix->valid = true;
}

static int64_t
find(const struct fs_named_index *ix, const char *name)
{
	uint32_t j = slot_of(name, ix->n_slots);
	for (; ix->slots[j]; j = (j + 1) & (ix->n_slots - 1))
		if (ix->clusters[ix->slots[j] - 1]->name == name)
			return ix->slots[j] - 1;
	return -1;
}

bool
fs_named_index_usable(const struct fs_named_index *ix)
{
	return ix->valid && !ix->duplicates;
}

uint32_t
fs_named_positions(const struct fs_named_index *ix, const char *const *names,
		   uint32_t n_names, uint32_t *out)
{
	uint32_t k = 0;
	if (!ix->valid || !ix->n_slots)
		return 0;
	for (uint32_t i = 0; i < n_names; i++) {
		int64_t pos = names[i] ? find(ix, names[i]) : -1;
		if (pos < 0)
			continue;
		/* insertion into the sorted prefix, dropping repeats */
		uint32_t j = k;
		while (j > 0 && out[j - 1] > (uint32_t)pos)
			j--;
		if (j > 0 && out[j - 1] == (uint32_t)pos)
			continue;
		memmove(&out[j + 1], &out[j], (k - j) * sizeof *out);
		out[j] = (uint32_t)pos;
		k++;
	}
	return k;
}
