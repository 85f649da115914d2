/*
 * ops_harness.h - drive the ops core and middleware plugins in unit tests:
 * open an OpsConfiguration naming built plugins, load objects from
 * tests/data, render until settled (with the offline NodePort allocator
 * standing in for the API server) and look things up in the results.
 *
 * Every helper fails the calling test (cmocka) instead of returning an
 * error. Returned cJSON trees belong to the caller (cJSON_Delete).
 */
#ifndef FS_TEST_OPS_HARNESS_H
#define FS_TEST_OPS_HARNESS_H

#include <cjson/cJSON.h>

#include "ops/ops.h"

/* Open the plugins from $FEDSTATE_BUILD/plugins for `middlewares`, the YAML
 * flow text of the config's middlewares list ("[{name: mongodb}]"). */
struct fs_ops *oh_open(const char *middlewares);
void oh_close(struct fs_ops *ops);
/* the plugin handling apiVersion/kind; fails the test when none */
const struct fs_ops_mw *oh_mw(struct fs_ops *ops, const char *api_version,
			      const char *kind);

/* every object of tests/data file `rel` (kind List expanded) */
cJSON *oh_load(const char *rel);
/* a copy of object i of that file */
cJSON *oh_doc(const char *rel, int i);
/* the placement of a schedulerResult JSON text */
cJSON *oh_placement(const char *json);

/* Render; while a pass is needed, allocate NodePorts into *existing and
 * render again (at most 3 passes). *existing may be NULL (starts empty);
 * on return it holds what the API server would now have for the
 * allocated Services. Fails the test on a render error. */
void oh_settle(const struct fs_ops_mw *mw, struct fs_ops_input *in,
	       cJSON **existing, struct fs_ops_output *out);

/* oh_settle, then a copy of the desired object kind/name (caller frees);
 * fails the test when the render lacks it */
cJSON *oh_render_find(const struct fs_ops_mw *mw, struct fs_ops_input *in,
		      cJSON **existing, const char *kind, const char *name);

/* the status aggregate_status gives for `in` (caller frees); fails the
 * test on an error */
cJSON *oh_status(const struct fs_ops_mw *mw, const struct fs_ops_input *in);
/* fail the test, showing both, unless want and got are equal JSON */
void oh_assert_same(const cJSON *want, const cJSON *got, const char *what);

/* object of `kind` named `name` in arr, NULL when absent */
cJSON *oh_find(const cJSON *arr, const char *kind, const char *name);
/* "Kind/name,Kind/name" of an array of objects (caller frees) */
char *oh_refs(const cJSON *arr);
/* string at a "."-path ("spec.placement.clusterAffinity"), NULL if not a string */
const char *oh_str(const cJSON *obj, const char *path);
/* compact JSON of the node at path (caller frees); "null" when absent */
char *oh_json(const cJSON *obj, const char *path);

#endif
