/*
 * plugin_harness.h - load built plugins in unit tests and drive their
 * callbacks without the framework.
 *
 *   struct fs_plugin *p = ph_load("vip", "{\"key\": \"vip\"}");
 *   struct fs_cycle *cyc = ph_cycle(&binding, n_clusters);
 *   const char *reason = NULL;
 *   enum fs_code rc = p->lp->sched.filter(p->state, cyc, &cluster, &reason);
 *
 * Plugins come from $FEDSTATE_BUILD/plugins (default build/plugins). A load
 * or init failure fails the calling test with the loader's message.
 */
#ifndef FS_TEST_PLUGIN_HARNESS_H
#define FS_TEST_PLUGIN_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "plugin/loader.h"
#include "sched/cycle.h"

/* the test-wide registry (plugin dir = $FEDSTATE_BUILD/plugins) */
struct fs_registry *ph_registry(void);
/* the runtime test instances are bound to (on tl_loop()); made on first use */
struct fs_runtime *ph_runtime(void);
/* path of a built artefact: ph_build_path("tests/plugins/good.so") */
const char *ph_build_path(const char *rel);
/* path in the source tree: ph_src_path("config/samples/clusters.yaml") */
const char *ph_src_path(const char *rel);

/* Make a new private (0700) directory for plugin files under the build
 * tree, $FEDSTATE_BUILD/tests/tmp/<tag>-XXXXXX, into buf (absolute). Not
 * under /tmp: the loader refuses a plugin below a directory others can
 * write, and /tmp is one (mode 1777). 0 on success, -1 otherwise. The
 * caller removes it. */
int ph_plugin_tmpdir(char *buf, size_t len, const char *tag);

/* the absolute path of loader fixture tests/plugins/<name>.so (fails the
 * test when it is not built); four results stay valid at a time */
const char *ph_fixture(const char *name);
/* copy fixture fx into dir as `name` with `mode`; the copy's path (valid
 * until the next call) */
const char *ph_copy_fixture(const char *dir, const char *fx, const char *name,
			    unsigned mode);

/* load + init; args_json may be NULL; fails the test on error */
struct fs_plugin *ph_load(const char *name, const char *args_json);
/* load + init; returns the code and the loader's message instead */
enum fs_code ph_try_load(const char *name, const char *args_json,
			 struct fs_plugin **out, char *err, size_t errlen);
/* loading `name` with args_json must fail in init (FS_E_PLUGIN) with an
 * error containing `message`; fails the test otherwise */
void ph_expect_init_error(const char *name, const char *args_json,
			  const char *message);
/* a standalone cycle; destroy with fs_cycle_destroy */
struct fs_cycle *ph_cycle(const struct fs_binding *b, uint32_t n_clusters);
/* retire every instance ph_load created (call from teardown) */
void ph_retire_all(void);

#endif
