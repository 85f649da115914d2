/*
 * test_abi_host10.c - the loader as a 1.0 host would run it: this binary
 * links core/plugin/check.c built a second time with
 * -DFS_ABI_MINOR_OVERRIDE=0 (Makefile), the same checks with an older
 * ABI minor. A plugin built for 1.1 is refused with the documented
 * message; one built against the 1.0 headers, or with the 1.1 headers for
 * ABI 1.0 (-DFS_PLUGIN_ABI_MINOR=0), loads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/plugin_harness.h"

static const char *
fixture(const char *name, char *buf, size_t len)
{
	char rel[256];
	(void)len;
	snprintf(rel, sizeof rel, "tests/plugins/%s.so", name);
	if (!realpath(ph_build_path(rel), buf))
		fail_msg("fixture %s not built", name);
	return buf;
}

static enum fs_code
load(const char *name, struct fs_loaded_plugin **lp, char *err, size_t errlen)
{
	char path[4096];
	struct fs_registry reg;
	fs_registry_init(&reg);
	enum fs_code rc = fs_plugin_load_path(&reg, fixture(name, path, sizeof path), NULL, lp,
					      err, errlen);
	fs_registry_release(&reg);
	return rc;
}

static void
test_plugin_for_1_1_refused(void **st)
{
	(void)st;
	char path[4096], err[2048], want[4096];
	struct fs_loaded_plugin *lp = NULL;
	/* good.c: an ordinary plugin built with this tree's 1.1 headers */
	assert_int_equal(load("good", &lp, err, sizeof err), FS_E_ABI);
	assert_null(lp);
	snprintf(want, sizeof want,
		 "plugin 'good' (%s): incompatible ABI: plugin built for 1.1, host supports "
		 "1.0-1.0\n  hint: upgrade fedstate to a release with ABI 1.1, or rebuild the "
		 "plugin against this host's headers (pkg-config --variable=abi fedstate-plugin "
		 "prints 1.0) or for an older host with -DFS_PLUGIN_ABI_MINOR=0",
		 fixture("good", path, sizeof path));
	assert_string_equal(err, want);
	/* and the fixture one minor ahead of the 1.1 headers */
	assert_int_equal(load("abi_minor", &lp, err, sizeof err), FS_E_ABI);
	assert_non_null(strstr(err, "incompatible ABI: plugin built for 1.2, host supports 1.0-1.0\n"));
}

static void
test_plugins_for_1_0_load(void **st)
{
	(void)st;
	char err[2048];
	struct fs_loaded_plugin *lp = NULL;
	/* against the frozen 1.0 headers */
	if (load("abi10mw", &lp, err, sizeof err) != FS_OK)
		fail_msg("%s", err);
	assert_int_equal(lp->desc.abi_minor, 0);
	/* with the 1.1 headers, declaring 1.0 */
	if (load("target10", &lp, err, sizeof err) != FS_OK)
		fail_msg("%s", err);
	assert_int_equal(lp->desc.abi_minor, 0);
	assert_string_equal(lp->desc.name, "target10");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plugin_for_1_1_refused),
		cmocka_unit_test(test_plugins_for_1_0_load),
	};
	return cmocka_run_group_tests_name("abi_host10", tests, NULL, NULL);
}
