/*
 * plugins/taint-toleration/tolindex.h - tolerations indexed by (key,
 * value), so that matching T taints against L tolerations costs O(T + L)
 * instead of O(T * L) (issue 15: 300 000 of each took minutes).
 *
 * Kubernetes' Toleration.ToleratesTaint accepts a taint when the effect
 * matches (or the toleration has none), the key matches (or the
 * toleration has none), and either op is Exists or op is Equal and the
 * values are equal. Strings are interned, so keys and values compare as
 * pointers. Each toleration sets effect bits on one slot:
 *   (key or NULL, value)       for Equal
 *   (key or NULL, TOL_EXISTS)  for Exists
 * and a taint (k, v, e) is tolerated when one of the four slots (k, v),
 * (k, EXISTS), (NULL, v), (NULL, EXISTS) carries bit e. Lt/Gt never
 * tolerate and are left out.
 *
 * Header-only and allocation-free: the caller gives the slot array
 * (tol_index_slots(n) entries, zeroed). Plain C: the unit test includes it.
 */
#ifndef FSP_TOLINDEX_H
#define FSP_TOLINDEX_H

#include <stdbool.h>
#include <stdint.h>

#include <fedstate/types.h>

/* the value of an Exists slot: an address no interned string can have */
static const char tol_exists_marker;
#define TOL_EXISTS (&tol_exists_marker)

struct tol_slot {
	const char *key;   /* NULL: the toleration has no key */
	const char *value; /* TOL_EXISTS for op Exists */
	uint8_t effects;   /* bit (1 << effect); bit 0 (NONE): every effect */
	bool used;
};

struct tol_index {
	struct tol_slot *slots; /* borrowed from the caller */
	uint32_t mask;          /* slot count - 1 (a power of two) */
	uint64_t probes;        /* slots looked at, for tests */
};

/* slots needed for n tolerations: a power of two at least 2n, at least 8 */
static inline uint32_t
tol_index_slots(uint32_t n)
{
	uint32_t s = 8;
	while (s < 2 * (uint64_t)n && s < (1u << 31))
		s <<= 1;
	return s;
}

static inline uint32_t
tol_hash(const char *key, const char *value)
{
	uint64_t h = ((uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15ULL) ^
		     ((uint64_t)(uintptr_t)value * 0xc2b2ae3d27d4eb4fULL);
	return (uint32_t)(h ^ (h >> 29) ^ (h >> 47));
}

/* the slot of (key, value): the one holding it, or the empty one where it
 * goes */
static inline struct tol_slot *
tol_index_find(struct tol_index *ix, const char *key, const char *value)
{
	for (uint32_t i = tol_hash(key, value) & ix->mask;; i = (i + 1) & ix->mask) {
		ix->probes++;
		struct tol_slot *s = &ix->slots[i];
		if (!s->used || (s->key == key && s->value == value))
			return s;
	}
}

/* slots: tol_index_slots(n) zeroed entries, kept by the index */
static inline void
tol_index_build(struct tol_index *ix, struct tol_slot *slots, uint32_t nslots,
		const struct fs_toleration *tols, uint32_t n)
{
	ix->slots = slots;
	ix->mask = nslots - 1;
	ix->probes = 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct fs_toleration *t = &tols[i];
		const char *value;
		if (t->op == FS_OP_EXISTS)
			value = TOL_EXISTS;
		else if (t->op == FS_OP_EQUAL)
			value = t->value;
		else
			continue;
		struct tol_slot *s = tol_index_find(ix, t->key, value);
		*s = (struct tol_slot){t->key, value,
				       (uint8_t)(s->effects | (1u << t->effect)), true};
	}
}

static inline bool
tol_slot_covers(struct tol_index *ix, const char *key, const char *value,
		enum fs_taint_effect effect)
{
	const struct tol_slot *s = tol_index_find(ix, key, value);
	return s->used && (s->effects & (1u | (1u << effect)));
}

static inline bool
tol_index_tolerates(struct tol_index *ix, const struct fs_taint *taint)
{
	return tol_slot_covers(ix, taint->key, taint->value, taint->effect) ||
	       tol_slot_covers(ix, taint->key, TOL_EXISTS, taint->effect) ||
	       tol_slot_covers(ix, NULL, taint->value, taint->effect) ||
	       tol_slot_covers(ix, NULL, TOL_EXISTS, taint->effect);
}

#endif
