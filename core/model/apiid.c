/* model/apiid.c - (groupVersion, kind) -> dense id; open addressing on the
 * interned pointer pair */
#include "model/apiid.h"

#include <stddef.h>
#include <stdlib.h>

#include "util/buf.h"
#include "util/intern.h"

struct slot {
	const char *gv, *kind;
	int32_t id;
};

static struct slot *slots;
static size_t cap;
static uint32_t count;

static size_t
slot_of(const char *gv, const char *kind, size_t c)
{
	uint64_t h = (uint64_t)(uintptr_t)gv * 0x9e3779b97f4a7c15ull ^
		     (uint64_t)(uintptr_t)kind * 0xc2b2ae3d27d4eb4full;
	return (size_t)(h >> 17) & (c - 1);
}

static struct slot *
find(const char *gv, const char *kind)
{
	if (!cap)
		return NULL;
	size_t i = slot_of(gv, kind, cap);
	while (slots[i].gv) {
		if (slots[i].gv == gv && slots[i].kind == kind)
			return &slots[i];
		i = (i + 1) & (cap - 1);
	}
	return &slots[i]; /* the empty slot where it would go */
}

static void
grow(void)
{
	size_t ncap = cap ? cap * 2 : 256;
	struct slot *n = fs_xcalloc(ncap, sizeof *n);
	for (size_t i = 0; i < cap; i++) {
		if (!slots[i].gv)
			continue;
		size_t j = slot_of(slots[i].gv, slots[i].kind, ncap);
		while (n[j].gv)
			j = (j + 1) & (ncap - 1);
		n[j] = slots[i];
	}
	free(slots);
	slots = n;
	cap = ncap;
}

int32_t
fs_api_register(const char *gv, const char *kind)
{
	if (!gv || !kind)
		return -1;
	if ((count + 1) * 2 > cap)
		grow();
	struct slot *s = find(gv, kind);
	if (!s->gv) {
		s->gv = gv;
		s->kind = kind;
		s->id = (int32_t)count++;
	}
	return s->id;
}

int32_t
fs_api_id(const char *group_version, const char *kind)
{
	if (!group_version || !kind)
		return -1;
	const char *gv = fs_intern_lookup(group_version, (size_t)-1);
	const char *k = fs_intern_lookup(kind, (size_t)-1);
	if (!gv || !k)
		return -1;
	struct slot *s = find(gv, k);
	return s && s->gv ? s->id : -1;
}

