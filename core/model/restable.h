/*
 * model/restable.h - the process-wide table of resource lists.
 *
 * fs_restable_intern() returns a canonical, never-freed copy of a resource
 * list (names interned, sorted by name pointer): equal lists give equal
 * pointers. The cluster decoder interns the minimums of every resource
 * model grade with it, so the thousands of clusters that declare the same
 * spec.resourceModels share one table per grade and the general estimator
 * can compute a grade's fit once per binding (model/estimate.h).
 *
 * Not thread-safe, like util/intern.h: the decoding thread only.
 */
#ifndef FS_MODEL_RESTABLE_H
#define FS_MODEL_RESTABLE_H

#include <stdint.h>

#include <fedstate/types.h>

/* r[0..n) is copied (borrowed); the result lives until the process exits.
 * n == 0 gives a non-NULL pointer to an empty table. */
const struct fs_resource *fs_restable_intern(const struct fs_resource *r,
					     uint32_t n);
/* The same for a list of interned tables (the grades of a cluster's
 * resource models): equal lists give equal pointers. */
const struct fs_resource *const *
fs_restable_intern_list(const struct fs_resource *const *t, uint32_t n);

#endif
