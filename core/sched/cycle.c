/* sched/cycle.c - per-binding cycle state behind the host's cycle_* services */
#include "sched/cycle.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"

struct cycle_slot {
	const char *key; /* arena copy */
	void *value;
	void (*free_fn)(void *);
};

struct fs_cycle {
	const struct fs_binding *binding;
	const struct fs_affinity_term *term;
	struct fs_arena arena;  /* reasons and keys; reset per cycle */
	struct cycle_slot *slots;
	uint32_t n_slots, cap_slots;
	int32_t *available;
	uint32_t n_available, cap_available;
};

static void
drop_slots(struct fs_cycle *cyc)
{
	for (uint32_t i = 0; i < cyc->n_slots; i++)
		if (cyc->slots[i].free_fn)
			cyc->slots[i].free_fn(cyc->slots[i].value);
	cyc->n_slots = 0;
}

void
fs_cycle_reset(struct fs_cycle *cyc, const struct fs_binding *b, uint32_t n_clusters)
{
	drop_slots(cyc);
	fs_arena_reset(&cyc->arena);
	cyc->binding = b;
	cyc->term = NULL;
	if (n_clusters > cyc->cap_available) {
		free(cyc->available);
		cyc->available = fs_xmalloc(sizeof *cyc->available * n_clusters);
		cyc->cap_available = n_clusters;
	}
	cyc->n_available = n_clusters;
	for (uint32_t i = 0; i < n_clusters; i++)
		cyc->available[i] = INT32_MAX;
}

struct fs_cycle *
fs_cycle_create(const struct fs_binding *b, uint32_t n_clusters)
{
	struct fs_cycle *cyc = fs_xcalloc(1, sizeof *cyc);
	fs_cycle_reset(cyc, b, n_clusters);
	return cyc;
}

void
fs_cycle_destroy(struct fs_cycle *cyc)
{
	if (!cyc)
		return;
	drop_slots(cyc);
	fs_arena_release(&cyc->arena);
	free(cyc->slots);
	free(cyc->available);
	free(cyc);
}

void
fs_cycle_set_term(struct fs_cycle *cyc, const struct fs_affinity_term *term)
{
	cyc->term = term;
}

const struct fs_binding *
fs_cycle_binding(struct fs_cycle *cyc)
{
	return cyc->binding;
}

const struct fs_affinity_term *
fs_cycle_affinity_term(struct fs_cycle *cyc)
{
	return cyc->term;
}

enum fs_code
fs_cycle_put(struct fs_cycle *cyc, const char *key, void *value,
	     void (*free_fn)(void *))
{
	if (!key)
		return FS_E_INVAL;
	for (uint32_t i = 0; i < cyc->n_slots; i++) {
		if (strcmp(cyc->slots[i].key, key) == 0) {
			if (cyc->slots[i].free_fn && cyc->slots[i].value != value)
				cyc->slots[i].free_fn(cyc->slots[i].value);
			cyc->slots[i].value = value;
			cyc->slots[i].free_fn = free_fn;
			return FS_OK;
		}
	}
	if (cyc->n_slots == cyc->cap_slots) {
		cyc->cap_slots = cyc->cap_slots ? cyc->cap_slots * 2 : 8;
		cyc->slots = fs_xrealloc(cyc->slots, cyc->cap_slots * sizeof *cyc->slots);
	}
	cyc->slots[cyc->n_slots++] = (struct cycle_slot){
		fs_arena_strdup(&cyc->arena, key), value, free_fn};
	return FS_OK;
}

void *
fs_cycle_get(struct fs_cycle *cyc, const char *key)
{
	for (uint32_t i = 0; key && i < cyc->n_slots; i++)
		if (strcmp(cyc->slots[i].key, key) == 0)
			return cyc->slots[i].value;
	return NULL;
}

const char *
fs_cycle_vprintf(struct fs_cycle *cyc, const char *fmt, va_list ap)
{
	return fs_arena_vprintf(&cyc->arena, fmt, ap);
}

void
fs_cycle_set_available(struct fs_cycle *cyc, uint32_t idx, int32_t replicas)
{
	if (idx >= cyc->n_available || replicas < 0)
		return; /* -1: no answer (Karmada's UnauthenticReplica) */
	if (replicas < cyc->available[idx])
		cyc->available[idx] = replicas;
}

int32_t
fs_cycle_available(struct fs_cycle *cyc, uint32_t idx)
{
	return idx < cyc->n_available ? cyc->available[idx] : INT32_MAX;
}
