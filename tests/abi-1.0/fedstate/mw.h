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
 * All callbacks run on the ops thread. `err` receives a one-line lowercase
 * message naming the field at fault when the callback fails.
 */
#ifndef FEDSTATE_MW_H
#define FEDSTATE_MW_H

#include "host.h"

/* What interpret fills in. The host zeroes it and sets struct_size first. */
struct fs_mw_workload {
	uint32_t struct_size;
	int32_t replicas;
	/* per-replica requests, e.g. {"cpu": "500m", "memory": "1Gi"}; the
	 * host takes it (may stay NULL) */
	struct fs_json *requests;
	/* a Karmada Placement object (clusterAffinity, clusterTolerations,
	 * spreadConstraints, replicaScheduling); the host takes it (may be NULL) */
	struct fs_json *placement;
	const char *storage_class; /* interned (host->intern); NULL: none asked */
	bool arbiter;
	enum fs_sched_mode mode;
	const char *scheduler_name; /* interned; NULL: default */
};

struct fs_mw_ops {
	uint32_t struct_size;
	/* the federated kind this plugin handles */
	const char *group;   /* "middleware.fedstate.io" */
	const char *version; /* "v1alpha1" */
	const char *kind;    /* "MultiCloudMongoDB" */

	enum fs_code (*interpret)(void *state, const struct fs_json *obj,
				  struct fs_mw_workload *out, char *err,
				  size_t errlen);
	/* emit every desired object with host->render_emit() */
	enum fs_code (*render)(void *state, struct fs_render *r,
			       const struct fs_json *obj,
			       const struct fs_json *placement, char *err,
			       size_t errlen);
	/* binding: the ResourceBinding of the member object with
	 * status.aggregatedStatus, NULL when it does not exist yet.
	 * *status receives the new .status object (host frees). */
	enum fs_code (*aggregate_status)(void *state, struct fs_render *r,
					 const struct fs_json *obj,
					 const struct fs_json *placement,
					 const struct fs_json *binding,
					 struct fs_json **status, char *err,
					 size_t errlen);
	enum fs_code (*interpret_health)(void *state,
					 const struct fs_json *member,
					 bool *healthy, const char **reason);
};

#endif
