/*
 * test_install.c - a vendor's path: `make install` to a temporary prefix,
 * build plugins/example out of tree with nothing but
 * `pkg-config --cflags --libs fedstate-plugin`, and check the result with
 * the installed `fedstate plugins check`; then the same for the middleware
 * skeleton plugins/example-middleware (its own Makefile), run through the
 * installed `fedstate render`, `render --status` and `simulate`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "lib/plugin_harness.h"
#include "util/buf.h"

static char prefix[4096];

static int
sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_install_and_build_out_of_tree(void **st)
{
	(void)st;
	char build[4096];
	if (!realpath(ph_build_path(""), build))
		fail_msg("no build dir");
	assert_int_equal(sh("make -s -C '%s' install PREFIX='%s' BUILD='%s' >/dev/null",
			    ph_src_path(""), prefix, build), 0);
	assert_int_equal(sh("test -x '%s/bin/fedstate' && test -f '%s/include/fedstate/plugin.h' && "
			    "test -f '%s/lib/pkgconfig/fedstate-plugin.pc'", prefix, prefix, prefix), 0);
	/* the pc file carries the ABI and the plugin directory */
	assert_int_equal(sh("PKG_CONFIG_PATH='%s/lib/pkgconfig' pkg-config --variable=abi fedstate-plugin "
			    "| grep -qx '1\\.1'", prefix), 0);
	assert_int_equal(sh("PKG_CONFIG_PATH='%s/lib/pkgconfig' pkg-config --variable=plugindir fedstate-plugin "
			    "| grep -qx '%s/lib/fedstate/plugins'", prefix, prefix), 0);
	/* the documentation and the examples */
	assert_int_equal(sh("cd '%s/share/doc/fedstate' && test -f README.md && test -f ARCHITECTURE.md && "
			    "test -f plugin-guide.md && test -f ops.md && test -f plugins/mongodb.md",
			    prefix), 0);
	assert_int_equal(sh("cd '%s/share/fedstate/examples' && test -f config/scheduler.yaml && "
			    "test -f config/ops.yaml && test -f samples/clusters.yaml && "
			    "test -f samples/workloads.yaml && test -f ops/mcmongo-sample.yaml && "
			    "test -f crd/middleware.fedstate.io_multicloudmongodbs.yaml && "
			    "test -f plugins/example/example.c && "
			    "test -f plugins/example-middleware/example_middleware.c && "
			    "test -f plugins/example-middleware/Makefile && "
			    "test -f plugins/example-middleware/memcached.yaml", prefix), 0);
	/* the installed headers point only at installed files: no source-tree
	 * path, and every guide they name is in share/doc/fedstate */
	assert_int_equal(sh("! grep -n 'docs/' '%s'/include/fedstate/*.h", prefix), 0);
	assert_int_equal(sh("cd '%s' && n=$(grep -ho '[A-Za-z_-]*\\.md' include/fedstate/*.h | sort -u | "
			    "while read f; do test -f share/doc/fedstate/$f || echo \"$f\"; done); "
			    "test -z \"$n\" || { echo \"headers name missing docs: $n\" >&2; exit 1; }",
			    prefix), 0);
	/* the installed example configs are valid: the sample runs offline */
	assert_int_equal(sh("cd '%s/share/fedstate/examples' && '%s/bin/fedstate' simulate --config "
			    "config/scheduler.yaml --plugin-dir '%s/lib/fedstate/plugins' --clusters "
			    "samples/clusters.yaml --bindings samples/workloads.yaml >/dev/null",
			    prefix, prefix, prefix), 0);
	/* out of tree: a copy of the example in an empty folder */
	assert_int_equal(sh("mkdir -p '%s/vendor' && cp '%s' '%s/vendor/' && cd '%s/vendor' && "
			    "export PKG_CONFIG_PATH='%s/lib/pkgconfig' && "
			    "cc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags fedstate-plugin) -c example.c && "
			    "cc -o example.so example.o $(pkg-config --libs fedstate-plugin)",
			    prefix, ph_src_path("plugins/example/example.c"), prefix, prefix, prefix), 0);
	assert_int_equal(sh("'%s/bin/fedstate' plugins check '%s/vendor/example.so' | grep -q 'verdict  LOADABLE'",
			    prefix, prefix), 0);
	/* only the entry point is exported */
	assert_int_equal(sh("test \"$(nm -D --defined-only '%s/vendor/example.so' | awk '{print $3}' | "
			    "grep -v '^_' )\" = fs_plugin_entry", prefix), 0);
}

/* the output (stdout and stderr) and exit status of a shell command */
static int
sh_out(struct fs_buf *out, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	fs_buf_reset(out);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	fs_buf_read(out, f);
	int st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
expect_in(const struct fs_buf *out, const char *want)
{
	if (!strstr(out->data ? out->data : "", want))
		fail_msg("expected \"%s\" in:\n%s", want, out->data ? out->data : "");
}

/* plugins/example-middleware copied into an empty folder, built with its
 * Makefile against the installed prefix only, then driven end to end with
 * the installed binary: check, render (two passes), render --status (with
 * interpret_health per member), simulate (interpret) */
static void
test_middleware_skeleton_out_of_tree(void **st)
{
	(void)st;
	char build[4096];
	if (!realpath(ph_build_path(""), build))
		fail_msg("no build dir");
	assert_int_equal(sh("make -s -C '%s' install PREFIX='%s' BUILD='%s' >/dev/null",
			    ph_src_path(""), prefix, build), 0);
	char vendor[4200];
	snprintf(vendor, sizeof vendor, "%s/vendor-mw", prefix);
	assert_int_equal(sh("mkdir -p '%s' && cp '%s'/* '%s/'", vendor,
			    ph_src_path("plugins/example-middleware"), vendor), 0);
	struct fs_buf out = FS_BUF_INIT;
	const char *env = "PKG_CONFIG_PATH='%s/lib/pkgconfig' FEDSTATE='%s/bin/fedstate'";
	char envs[9000];
	snprintf(envs, sizeof envs, env, prefix, prefix);
	if (sh_out(&out, "cd '%s' && %s make 2>&1", vendor, envs) != 0)
		fail_msg("make in %s failed:\n%s", vendor, out.data);
	assert_int_equal(sh("test -f '%s/example-middleware.so'", vendor), 0);
	/* only the entry point is exported */
	assert_int_equal(sh("test \"$(nm -D --defined-only '%s/example-middleware.so' | "
			    "awk '{print $3}' | grep -v '^_' )\" = fs_plugin_entry", vendor), 0);

	assert_int_equal(sh_out(&out, "cd '%s' && %s make -s check 2>&1", vendor, envs), 0);
	expect_in(&out, "verdict  LOADABLE");
	expect_in(&out, "handles  example.fedstate.io/v1alpha1/MultiCloudMemcached");
	expect_in(&out, "caps     interpret,render,aggregate_status,interpret_health");

	/* pass 1: no nodePort yet, so no client ConfigMap, and it says so */
	assert_int_equal(sh_out(&out, "cd '%s' && '%s/bin/fedstate' render --config ops.yaml "
				"--plugin-dir '%s' --object memcached.yaml --clusters clusters.yaml 2>&1",
				vendor, prefix, vendor), 0);
	expect_in(&out, "# MultiCloudMemcached shop/sessions: 3 desired, 0 to prune");
	expect_in(&out, "pass 2 needed: Service sessions-memcached has no nodePort yet");
	assert_null(strstr(out.data, "kind: ConfigMap"));
	/* both passes: the endpoints of both clusters */
	assert_int_equal(sh_out(&out, "cd '%s' && %s make -s render 2>&1", vendor, envs), 0);
	expect_in(&out, "# MultiCloudMemcached shop/sessions: 4 desired, 0 to prune");
	expect_in(&out, "kind: Deployment");
	expect_in(&out, "kind: PropagationPolicy");
	expect_in(&out, "  servers: 10.0.1.10:3");
	expect_in(&out, ",10.0.2.10:3");
	expect_in(&out, "        - targetCluster:\n            clusterNames:\n            - member1\n"
		  "          weight: 2");

	/* status: interpret_health judged each member (Karmada said Unknown) */
	assert_int_equal(sh_out(&out, "cd '%s' && %s make -s status 2>&1", vendor, envs), 0);
	expect_in(&out, "  - cluster: member1\n    health: Healthy\n    readyReplicas: 2\n"
		  "    reason: every replica ready\n    replicas: 2\n");
	expect_in(&out, "  - cluster: member2\n    health: Unhealthy\n    readyReplicas: 0\n"
		  "    reason: replicas not ready\n    replicas: 1\n");
	expect_in(&out, "  state: SubHealth");

	/* the scheduler reads the kind through interpret (middlewares:) */
	assert_int_equal(sh_out(&out, "cd '%s' && '%s/bin/fedstate' simulate --config scheduler.yaml "
				"--plugin-dir '%s' --clusters clusters.yaml --bindings memcached.yaml 2>&1",
				vendor, prefix, vendor), 0);
	/* (the split itself is the estimator's business: only that both
	 * clusters got servers, divided by dynamic weight) */
	expect_in(&out, "shop/sessions  MultiCloudMemcached  Divided/DynamicWeight         3  member1:");
	expect_in(&out, " member2:");
	fs_buf_release(&out);
}

static int
setup(void **st)
{
	(void)st;
	/* under the build tree, not /tmp: the loader refuses plugins below
	 * a directory others can write, and /tmp is one */
	return ph_plugin_tmpdir(prefix, sizeof prefix, "install");
}

static int
teardown(void **st)
{
	(void)st;
	return sh("rm -rf '%s'", prefix);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_install_and_build_out_of_tree),
		cmocka_unit_test(test_middleware_skeleton_out_of_tree),
	};
	return cmocka_run_group_tests_name("install", tests, setup, teardown);
}
