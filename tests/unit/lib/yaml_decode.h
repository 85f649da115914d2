/*
 * yaml_decode.h - model objects from YAML text in unit tests, through the
 * real decoders:
 *
 *   struct fs_cluster c = yd_cluster(&arena, "metadata: {name: a}\n");
 *   const struct fs_cluster_affinity *aff =
 *           yd_affinity(&arena, "clusterNames: [a]\n");
 *
 * Decoded objects live in the caller's arena. Text that does not parse or
 * decode fails the calling test (cmocka) with the diagnostics.
 */
#ifndef FS_TEST_YAML_DECODE_H
#define FS_TEST_YAML_DECODE_H

#include <cjson/cJSON.h>

#include "model/cluster.h"
#include "model/placement.h"
#include "util/arena.h"
#include "util/doc.h"

/* the first document of `yaml`; *keep is the docset that owns it (the
 * caller frees it with fs_docset_free) */
const cJSON *yd_parse(const char *yaml, struct fs_docset **keep);
/* a Cluster object */
struct fs_cluster yd_cluster(struct fs_arena *a, const char *yaml);
/* a clusterAffinity term */
const struct fs_cluster_affinity *yd_affinity(struct fs_arena *a,
					      const char *yaml);

#endif
