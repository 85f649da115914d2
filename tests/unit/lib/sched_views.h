/*
 * sched_views.h - hand-built cluster views and readable results for the
 * scheduling algorithm tests (test_assign, test_select).
 *
 *   const struct fs_cluster *m1 = sv_cluster("m1", "r1", "za,zb", "aws", "s1");
 *   ... run the algorithm ...
 *   assert_string_equal(sv_assignments(out, n_out), "m1:6 m2:4");
 *
 * Views live in a static table until sv_reset(); every string is
 * interned (as the host's views are). Returned text is static: valid
 * until the next call of the same function. Single-threaded.
 */
#ifndef FS_TEST_SCHED_VIEWS_H
#define FS_TEST_SCHED_VIEWS_H

#include <stdint.h>

#include <fedstate/types.h>

#define SV_MAX_CLUSTERS 64

/* forget every cluster made so far */
void sv_reset(void);
/* interned copy; NULL stays NULL */
const char *sv_intern(const char *s);
/* a new cluster: region, provider and the value of label "site" may be
 * NULL; zones is NULL or "za" or "za,zb" */
const struct fs_cluster *sv_cluster(const char *name, const char *region,
				    const char *zones, const char *provider,
				    const char *site);
/* the cluster named `name`, made bare on first use */
const struct fs_cluster *sv_named(const char *name);
/* "m1:6 m2:4" in array order */
const char *sv_assignments(const struct fs_assignment *a, uint32_t n);
/* "m1 m2" in array order */
const char *sv_names(const struct fs_candidate *c, uint32_t n);

#endif
