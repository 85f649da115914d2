/*
 * testapi/namespace.h - namespace lifecycle as the real server runs it:
 * creating in a namespace that does not exist is 404, in one being
 * deleted 403 (NamespaceLifecycle admission); deleting a namespace marks
 * it Terminating, then the namespace controller deletes its objects
 * (waiting for their finalizers) and finally the namespace itself.
 * default, kube-system and kube-public cannot be deleted.
 */
#ifndef TA_NAMESPACE_H
#define TA_NAMESPACE_H

#include <stdbool.h>

#include "api.h"

/* may an object of r be created in ns? false with e set */
bool ta_ns_admit(struct ta_api *a, const struct ta_resource *r, const char *ns,
		 const char *name, struct ta_err *e);
/* DELETE of namespace `name`: the namespace now Terminating (borrowed),
 * NULL with e set */
const cJSON *ta_ns_delete(struct ta_api *a, const char *name, bool dry_run,
			  struct ta_err *e);
/* create the namespaces a new cluster has (default, kube-system,
 * kube-public, kube-node-lease, karmada-system) when missing */
void ta_ns_seed(struct ta_api *a);
/* stop the namespace controller's timer (shutdown) */
void ta_ns_release(struct ta_api *a);

#endif
