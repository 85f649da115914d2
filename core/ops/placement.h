/*
 * ops/placement.h - the scheduler's placement of a federated object.
 *
 * The FedState scheduler writes it on the object as the annotation
 * `schedulerResult` (no prefix):
 *   {"ClusterWithReplicaset":[{"cluster":"a","replicaset":4,"arbiter":true}, ...]}
 * The ops core turns it into the placement array of api/fedstate/mw.h:
 *   [{"cluster":"a","replicas":4,"arbiter":true}, ...]
 * keeping the scheduler's order. `arbiter` is always present (false when
 * omitted). A top-level JSON array in the mw.h shape is accepted too
 * (`replicas` or `replicaset` per entry), for --placement on the command line.
 *
 * Errors are one line, lowercase, naming where it broke and how it should
 * look: `schedulerResult: ClusterWithReplicaset[1].replicaset: expected
 * integer >= 0, got string "x"`.
 */
#ifndef FS_OPS_PLACEMENT_H
#define FS_OPS_PLACEMENT_H

#include <stddef.h>

#include <cjson/cJSON.h>
#include <fedstate/status.h>

#define FS_OPS_ANNOTATION_RESULT "schedulerResult"

/* Parse text[0..len) (need not be NUL-terminated). `what` names the source
 * in messages ("schedulerResult", "--placement"). On success *out is a new
 * array (caller frees with cJSON_Delete); on failure *out is NULL and err
 * holds the message: FS_E_PARSE for broken JSON, FS_E_INVAL for a wrong
 * shape or value, FS_E_EXISTS for a cluster listed twice. */
enum fs_code fs_ops_placement_parse(const char *what, const char *text,
				    size_t len, cJSON **out, char *err,
				    size_t errlen);

/* The placement in obj's schedulerResult annotation. FS_E_NOTFOUND when the
 * object has no such annotation (not yet scheduled); else as above. */
enum fs_code fs_ops_placement_of(const cJSON *obj, cJSON **out, char *err,
				 size_t errlen);

#endif
