/*
 * model/apiid.h - the process-wide registry of served APIs: (groupVersion,
 * kind) -> a dense id 0..n-1, so a cluster's API enablements are a bitset
 * (fs_cluster.api_bits) and "does this cluster serve Deployment" is one bit
 * test (fs_cluster_serves in fedstate/types.h).
 *
 * Ids are registered while clusters decode and never change or go away.
 * Not thread-safe: the decoding/scheduling thread only.
 */
#ifndef FS_MODEL_APIID_H
#define FS_MODEL_APIID_H

#include <stdint.h>

/* id of (gv, kind), registering it when new; both must be interned and
 * pinned (util/intern.h): the registry keeps the pointers for good */
int32_t fs_api_register(const char *gv, const char *kind);
/* id of (gv, kind) without registering: -1 when no cluster decoded so far
 * serves it. Strings need not be interned; NULL gives -1. Backs
 * host->api_id. */
int32_t fs_api_id(const char *group_version, const char *kind);

#endif
