/*
 * sched/intake.h - turning a decoded object into a binding to schedule.
 *
 * What the scheduler schedules comes in three kinds:
 *  - ResourceBinding and ClusterResourceBinding (work.karmada.io/v1alpha2),
 *    decoded as they are (model/binding.h);
 *  - a federated middleware object (e.g. a MultiCloudMongoDB) of a kind a
 *    middleware plugin of the profile set handles: the plugin's
 *    `interpret` gives replicas, requests and placement, turned into a
 *    binding of kind FS_WORKLOAD_MIDDLEWARE.
 * The daemon calls this on a watch event, `fedstate simulate` on every
 * object of its --bindings files (reading the files, expanding `kind:
 * List` and Cluster objects stay with the caller). Which profile serves
 * the binding is the caller's question (fs_profile_set_find).
 *
 * A bad object is skipped with a clear diagnostic: problems are added to
 * ctx->diags with the object's file:line:col (ctx->ds) and the object's
 * kind, namespace and name, and the call returns FS_E_INVAL with a short
 * reason in out->error for per-object results.
 *
 * Transport-free: takes cJSON objects, no core/kube or core/net.
 * Threading: the scheduling thread (a plugin's interpret runs here).
 */
#ifndef FS_SCHED_INTAKE_H
#define FS_SCHED_INTAKE_H

#include <cjson/cJSON.h>
#include <fedstate/types.h>

#include "model/decode.h"
#include "sched/profile.h"
#include "util/arena.h"

enum fs_intake_kind {
	FS_INTAKE_NONE = 0,          /* none of the kinds below */
	FS_INTAKE_BINDING,           /* ResourceBinding */
	FS_INTAKE_CLUSTER_BINDING,   /* ClusterResourceBinding */
	FS_INTAKE_MIDDLEWARE,        /* a kind of a configured middleware */
};

/* What fs_intake_object made of one object. */
struct fs_intake {
	enum fs_intake_kind kind;
	const struct fs_mw_instance *mw; /* FS_INTAKE_MIDDLEWARE: its plugin
					    (borrowed from the set) */
	struct fs_binding b;   /* FS_OK: the binding; arrays in the arena,
				  strings interned, b.raw = obj when
				  ctx->keep_raw */
	const char *error;     /* FS_E_INVAL: why, one line (arena text or
				  static), e.g. "interpret (mongodb): ..." */
};

/* Classify obj (borrowed) and decode it into out->b. set (borrowed; may
 * be NULL: no middleware kinds) names the middleware plugins. Returns
 * FS_OK; FS_E_INVAL when the object is bad (reported through ctx, see
 * above); FS_E_NOTFOUND, with nothing reported, when obj is not an object
 * with a kind of the three above (out->kind FS_INTAKE_NONE). */
enum fs_code fs_intake_object(const struct fs_profile_set *set,
			      const cJSON *obj, struct fs_arena *a,
			      struct fs_decode_ctx *ctx, struct fs_intake *out);
/* the same, with each middleware interpret call in a forked child with
 * a deadline of isolate_ms (plugin/isolate.h; 0: in this process), so a
 * crash or hang is this object's error. Offline tools only. */
enum fs_code fs_intake_object_isolated(const struct fs_profile_set *set,
				       const cJSON *obj, struct fs_arena *a,
				       struct fs_decode_ctx *ctx, uint32_t isolate_ms,
				       struct fs_intake *out);

#endif
