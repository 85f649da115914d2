/*
 * test_install.c - a vendor's path: `make install` to a temporary prefix,
 * build plugins/example out of tree with nothing but
 * `pkg-config --cflags --libs fedstate-plugin`, and check the result with
 * the installed `fedstate plugins check`.
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
			    "| grep -qx '1\\.0'", prefix), 0);
	assert_int_equal(sh("PKG_CONFIG_PATH='%s/lib/pkgconfig' pkg-config --variable=plugindir fedstate-plugin "
			    "| grep -qx '%s/lib/fedstate/plugins'", prefix, prefix), 0);
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
	};
	return cmocka_run_group_tests_name("install", tests, setup, teardown);
}
