/*
 * fuzz_decode.c - bytes -> docset -> every object decoded (Clusters into a
 * snapshot, bindings, other kinds through the callback, placements on
 * their own), then matching and estimation over every pair.
 * Invariants: never crash or leak; estimates are never negative.
 *
 *   clang -fsanitize=fuzzer,address -Iapi -Icore tests/fuzz/fuzz_decode.c \
 *       core/model/[a-z]*.c core/util/[a-z]*.c -lcjson -lyaml -o fuzz_decode
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "model/estimate.h"
#include "model/load.h"
#include "model/placement.h"
#include "model/selector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
other(void *ud, const cJSON *obj, const char *api_version, const char *kind,
      const struct fs_docset *ds, struct fs_diags *diags)
{
	struct fs_arena *a = ud;
	struct fs_decode_ctx ctx = {.ds = ds, .diags = diags};
	(void)api_version;
	(void)kind;
	/* a PropagationPolicy-like object: decode its placement alone */
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	fs_placement_decode(cJSON_GetObjectItemCaseSensitive(spec, "placement"), a,
			    &ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = NULL;
	struct fs_arena scratch = FS_ARENA_INIT;
	struct fs_model_set set;
	if (fs_docset_load_mem(&ds, "fuzz", (const char *)data, size, &d) != FS_OK) {
		fs_diags_release(&d);
		return 0;
	}
	fs_model_set_init(&set);
	set.other = other;
	set.other_ud = &scratch;
	fs_model_load_docset(&set, ds, &d);
	uint32_t n = fs_snapshot_count(set.snapshot);
	for (uint32_t i = 0; i < n; i++) {
		const struct fs_cluster *c = fs_snapshot_at(set.snapshot, i);
		if (c->index != i || fs_snapshot_find(set.snapshot, c->name) != c)
			abort();
		for (uint32_t j = 0; j < set.n_bindings; j++) {
			const struct fs_binding *b = &set.bindings[j];
			if (fs_general_estimate(c, b) < 0)
				abort();
			(void)fs_cluster_serves(c, b->api_id);
			const struct fs_placement *p = b->placement;
			if (!p)
				continue;
			(void)fs_affinity_matches(p->affinity, c);
			for (uint32_t t = 0; t < p->n_terms; t++) {
				(void)fs_affinity_matches(&p->terms[t].affinity, c);
				for (uint32_t o = 0; o < p->terms[t].n_overflow; o++)
					(void)fs_affinity_matches(&p->terms[t].overflow[o], c);
			}
		}
	}
	fs_model_set_release(&set);
	fs_docset_free(ds);
	fs_arena_release(&scratch);
	fs_diags_release(&d);
	return 0;
}
