/*
 * model/schedresult.h - the FedState `schedulerResult` annotation, both
 * ways: the scheduler encodes a cycle's assignments into it (sched/intake.h
 * writes it on the federated object), the ops core decodes it into the
 * placement array of api/fedstate/mw.h. One definition of the format:
 *
 *   annotation key `schedulerResult` (no prefix), value (compact JSON):
 *   {"ClusterWithReplicaset":[{"cluster":"a","replicaset":4,"arbiter":true}, ...]}
 *
 * The outer key is capitalised, inner keys lower case; `arbiter` is written
 * only when true. The decoder gives
 *   [{"cluster":"a","replicas":4,"arbiter":true}, ...]
 * keeping the scheduler's order, `arbiter` always present (false when
 * omitted). A top-level JSON array in the mw.h shape is accepted too
 * (`replicas` or `replicaset` per entry), for --placement on the command
 * line.
 *
 * Errors are one line, lowercase, naming where it broke and how it should
 * look: `schedulerResult: ClusterWithReplicaset[1].replicaset: expected
 * integer >= 0, got string "x"`.
 */
#ifndef FS_MODEL_SCHEDRESULT_H
#define FS_MODEL_SCHEDRESULT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <fedstate/status.h>
#include <fedstate/types.h>

#define FS_ANNOTATION_SCHEDULER_RESULT "schedulerResult"

/* The annotation value for targets[0..n) (borrowed), in that order, as a
 * new JSON object (caller frees with cJSON_Delete). n 0 gives
 * {"ClusterWithReplicaset":[]}. */
cJSON *fs_schedresult_encode(const struct fs_assignment *targets, uint32_t n);
/* The same as the compact text that goes into the annotation; caller
 * frees with free(). */
char *fs_schedresult_format(const struct fs_assignment *targets, uint32_t n);

/* Parse text[0..len) (need not be NUL-terminated). `what` names the source
 * in messages ("schedulerResult", "--placement"). On success *out is a new
 * array (caller frees with cJSON_Delete); on failure *out is NULL and err
 * holds the message: FS_E_PARSE for broken JSON, FS_E_INVAL for a wrong
 * shape or value, FS_E_EXISTS for a cluster listed twice. */
enum fs_code fs_schedresult_parse(const char *what, const char *text,
				  size_t len, cJSON **out, char *err,
				  size_t errlen);

/* The placement in obj's schedulerResult annotation. FS_E_NOTFOUND when the
 * object has no such annotation (not yet scheduled); else as above. */
enum fs_code fs_schedresult_of(const cJSON *obj, cJSON **out, char *err,
			       size_t errlen);

#endif
