/*
 * test_container.c - deploy/Dockerfile, as far as it can be checked
 * without building the image: tests/deploy/check-container.sh compares
 * what the runtime stage copies with `make install DESTDIR=... PREFIX=/usr`
 * and the libraries `ldd` shows with the packages it installs. The
 * script must also refuse a Dockerfile that misses a package or copies
 * the wrong folder.
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

static char work[64];

/* run the script on `dockerfile`; its exit code, stderr in out */
static int
check(const char *dockerfile, char *out, size_t n)
{
	char build[4096], cmd[16384];
	if (!realpath(ph_build_path(""), build))
		fail_msg("no build dir at %s", ph_build_path(""));
	snprintf(cmd, sizeof cmd, "sh '%s' '%s' '%s' '%s' '%s' 2>&1",
		 ph_src_path("tests/deploy/check-container.sh"), dockerfile,
		 ph_src_path(""), build, work);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t len = fread(out, 1, n - 1, p);
	out[len] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* a copy of deploy/Dockerfile with `from` replaced by `to` */
static const char *
altered(const char *from, const char *to)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/Dockerfile", work);
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "sed 's|%s|%s|' '%s' > '%s'", from, to,
		 ph_src_path("deploy/Dockerfile"), path);
	assert_int_equal(system(cmd), 0);
	return path;
}

static void
test_dockerfile_matches_install_and_libraries(void **st)
{
	(void)st;
#ifdef __SANITIZE_ADDRESS__
	/* this tree links the sanitizer runtimes; the image's does not */
	fprintf(stderr, "skipped: a sanitizer build; make test checks the libraries\n");
	skip();
#endif
	char out[8192];
	int rc = check(ph_src_path("deploy/Dockerfile"), out, sizeof out);
	if (rc != 0)
		fail_msg("%s", out);
	assert_non_null(strstr(out, "check-container: ok"));
}

static void
test_missing_runtime_package_is_refused(void **st)
{
	(void)st;
	char out[8192];
	assert_int_equal(check(altered(" libev4", ""), out, sizeof out), 1);
	assert_non_null(strstr(out, "links libev.so.4 from package libev4, which the runtime "
				    "stage does not install"));
}

static void
test_copy_of_another_folder_is_refused(void **st)
{
	(void)st;
	char out[8192];
	assert_int_equal(check(altered("/out/usr/lib/fedstate/plugins/ /usr/lib/fedstate/plugins/",
				       "/out/usr/lib/fedstate/plugin/ /usr/lib/fedstate/plugin/"),
			       out, sizeof out), 1);
	assert_non_null(strstr(out, "make install has no /usr/lib/fedstate/plugin/"));
}

static int
setup(void **st)
{
	(void)st;
	snprintf(work, sizeof work, "/tmp/fedstate-test-container-XXXXXX");
	return mkdtemp(work) ? 0 : -1;
}

static int
teardown(void **st)
{
	(void)st;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dockerfile_matches_install_and_libraries),
		cmocka_unit_test(test_missing_runtime_package_is_refused),
		cmocka_unit_test(test_copy_of_another_folder_is_refused),
	};
	return cmocka_run_group_tests_name("container", tests, setup, teardown);
}
