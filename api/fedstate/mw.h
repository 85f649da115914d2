/*
 * fedstate/mw.h - extension points of a middleware plugin.
 *
 * A middleware plugin teaches FedState one federated kind (for example
 * middleware.fedstate.io/v1alpha1 MultiCloudMongoDB):
 *
 *   interpret         what to schedule: replicas, per-replica requests,
 *                     storage class, spread hints, arbiter, mode
 *   render            the Karmada objects that run it, given the placement
 *   aggregate_status  the federated object's status from the member statuses
 *   interpret_health  is one member object healthy
 *
 * Inputs are borrowed opaque JSON (json.h); outputs are built with the
 * host->json_* functions and handed to the host, which frees them.
 *
 * The placement handed to render and aggregate_status is a JSON array, in the
 * scheduler's order, of {"cluster": <name>, "replicas": <int>, "arbiter":
 * <bool>} objects. It is never NULL (an empty array when nothing was placed).
 *
 * The host, not the plugin, stamps what every rendered object needs:
 * metadata.namespace (the federated object's), the owner reference, and the
 * fedstate.io/managed-by label set used to find and prune earlier renders.
 * An object that must have no owner (for example a member CR that Karmada
 * propagates, where an owner missing in the member cluster would get it
 * garbage-collected) says so by carrying `metadata.ownerReferences: []`;
 * the host then adds none.
 * Render must be deterministic: same inputs, byte-identical output.
 *
 * All callbacks run on the ops thread (interpret: the scheduler's). `err`
 * receives a one-line lowercase message naming the field at fault when the
 * callback fails.
 *
 * State and ownership, everywhere below:
 *   - `state` is what the plugin's init() stored in *state. The host hands
 *     the same pointer to every callback of that instance and never frees
 *     or moves it: it stays valid until fini(state), after which no
 *     callback of the instance runs. It is the plugin's own; the plugin
 *     frees it in fini.
 *   - these callbacks get no `self`: the `self` init() received is the
 *     instance's handle and stays valid, and the same, until fini returns
 *     (host.h). Keep it in `state` to log, start requests or read
 *     host->last_error(self) from a callback (plugins/example-middleware
 *     does). One rule for both, rather than a second set of callbacks.
 *   - every `const struct fs_json *` argument (obj, placement, binding,
 *     member) is borrowed for the call only: copy (host->json_dup) what
 *     you keep, and keep no pointer into it after returning.
 *   - JSON a callback hands out (render_emit's object, *status,
 *     fs_mw_workload.requests/.placement) becomes the host's: do not
 *     touch it afterwards.
 *   - strings a callback returns through a pointer (interpret's
 *     storage_class and scheduler_name, interpret_health's *reason) must
 *     outlive the call: a literal, host->intern(), or memory in `state`;
 *     the host copies or interns them at once.
 */
#ifndef FEDSTATE_MW_H
#define FEDSTATE_MW_H

#include "host.h"

/* What interpret fills in. The host zeroes it and sets struct_size first,
 * so a field left alone reads as 0 / NULL / false. */
struct fs_mw_workload {
	uint32_t struct_size;
	int32_t replicas; /* >= 0; what the scheduler divides */
	/* per-replica requests, e.g. {"cpu": "500m", "memory": "1Gi"}; the
	 * host takes it (may stay NULL: no requirements) */
	struct fs_json *requests;
	/* a Karmada Placement object (clusterAffinity, clusterTolerations,
	 * spreadConstraints, replicaScheduling); the host takes it. NULL means
	 * what a PropagationPolicy without a placement means to Karmada: every
	 * cluster, no tolerations or spread, and Duplicated (each selected
	 * cluster gets all `replicas`). A placement without replicaScheduling
	 * is Duplicated too; to divide, say Divided. */
	struct fs_json *placement;
	const char *storage_class; /* interned (host->intern); NULL: none asked */
	bool arbiter; /* one more voting member placed apart (MongoDB's arbiter) */
	/* how an assign plugin that reads it divides the replicas (mongo-spread;
	 * others ignore it): FS_MODE_DEFAULT (0): as the placement's
	 * replicaScheduling says, Karmada's rules; FS_MODE_UNIFORM: FedState's
	 * schedulerMode Uniform, members spread evenly over regions, zones and
	 * clusters; FS_MODE_WEIGHTING: schedulerMode Weighting, members follow
	 * each cluster's free capacity (Sainte-Lague on available replicas).
	 * Both keep the voting majority's survival cap. */
	enum fs_sched_mode mode;
	/* interned; NULL: multicloud-middleware-scheduler, the federated
	 * kinds' default profile */
	const char *scheduler_name;
};

struct fs_mw_ops {
	uint32_t struct_size;
	/* the federated kind this plugin handles */
	const char *group;   /* "middleware.fedstate.io" */
	const char *version; /* "v1alpha1" */
	const char *kind;    /* "MultiCloudMongoDB" */

	/* obj: the federated object (borrowed). Fill *out; on a bad object
	 * return FS_E_INVAL with err naming the field ("spec.replicaset:
	 * expected integer 1..1000, got string \"many\""). Called by the
	 * scheduler (and `fedstate simulate`) for every object of the kind. */
	enum fs_code (*interpret)(void *state, const struct fs_json *obj,
				  struct fs_mw_workload *out, char *err,
				  size_t errlen);
	/* Emit every desired object with host->render_emit(r, obj), which
	 * takes obj and stamps namespace, owner and labels (above). r is the
	 * host's, valid for this call only; render_lookup() answers from the
	 * objects that exist now, and render_need_pass(r, why) asks for a
	 * second render once the API server has filled in what is missing
	 * (NodePorts). */
	enum fs_code (*render)(void *state, struct fs_render *r,
			       const struct fs_json *obj,
			       const struct fs_json *placement, char *err,
			       size_t errlen);
	/* binding: the ResourceBinding of the member object with
	 * status.aggregatedStatus (health filled in by interpret_health, see
	 * below), NULL when it does not exist yet. r: as in render (lookups
	 * only; nothing is emitted). *status receives the new .status object
	 * (the host takes it). */
	enum fs_code (*aggregate_status)(void *state, struct fs_render *r,
					 const struct fs_json *obj,
					 const struct fs_json *placement,
					 const struct fs_json *binding,
					 struct fs_json **status, char *err,
					 size_t errlen);
	/* Is one member healthy? Called by status aggregation, before
	 * aggregate_status, for each status.aggregatedStatus[] item of the
	 * binding that has a `status` and whose Karmada `health` is missing or
	 * "Unknown"; the answer is written into that item (health:
	 * "Healthy"/"Unhealthy", healthReason: *reason) of the binding
	 * aggregate_status then gets. Return an error code when you cannot
	 * tell: the item is left as it was.
	 *
	 * member (borrowed) is the host's view of the member object in that
	 * cluster: apiVersion, kind, metadata.name and .namespace from the
	 * binding's spec.resource; spec from the control plane's copy when
	 * the host has it (before Karmada's per-cluster revisions: a Divided
	 * replica count is the total there, not this cluster's share); status
	 * as the cluster reported it. Judge from status where you can.
	 * *reason: one short line, outliving the call (see above). */
	enum fs_code (*interpret_health)(void *state,
					 const struct fs_json *member,
					 bool *healthy, const char **reason);
};

#endif
