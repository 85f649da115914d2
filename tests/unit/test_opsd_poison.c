/*
 * test_opsd_poison - one object whose plugin call crashes `fedstate ops`
 * does not crash-loop it (issue 14): the daemon dies of SIGSEGV rendering
 * Boom "boom" (tests/plugins/crashmw.c), the restarted daemon finds the
 * note in its --poison-dir, skips "boom" with a Warning Event and the
 * condition PluginCrashed naming the plugin and the signal, stays up and
 * renders the other objects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/opsd_fixture.h"

static const struct fs_kube_resource r_boom = {"test.fedstate.io", "v1", "booms", "Boom", true};
static const struct fs_kube_resource r_crd = {"apiextensions.k8s.io", "v1",
					      "customresourcedefinitions",
					      "CustomResourceDefinition", false};

#define PLACED "{\"ClusterWithReplicaset\":[{\"cluster\":\"member1\",\"replicaset\":1}]}"

static void
create_boom(struct of_fx *f, const char *name)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "apiVersion", "test.fedstate.io/v1");
	cJSON_AddStringToObject(o, "kind", "Boom");
	cJSON *md = cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddStringToObject(md, "name", name);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(md, "annotations"), "schedulerResult",
				PLACED);
	cJSON_AddObjectToObject(o, "spec");
	assert_int_equal(of_kcreate(f, &r_boom, OF_NS, o), FS_OK);
	cJSON_Delete(o);
}

static bool
start(struct of_fx *f, const char *poison)
{
	char plugins[512], pdir[600];
	snprintf(plugins, sizeof plugins, "--plugin-dir=%s/tests/plugins", getenv("FEDSTATE_BUILD"));
	snprintf(pdir, sizeof pdir, "--poison-dir=%s", poison);
	const char *extra[] = {"--leader-elect=false", plugins, pdir, NULL};
	return of_start_ops_with(f, extra);
}

static void
test_crashing_object_is_quarantined(void **state)
{
	struct of_fx *f = *state;
	char *build = realpath(getenv("FEDSTATE_BUILD"), NULL);
	assert_non_null(build);
	setenv("FEDSTATE_BUILD", build, 1);
	free(build);
	cJSON *crd = cJSON_Parse(
		"{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
		"\"metadata\":{\"name\":\"booms.test.fedstate.io\"},\"spec\":{\"group\":\"test.fedstate.io\","
		"\"scope\":\"Namespaced\",\"names\":{\"plural\":\"booms\",\"singular\":\"boom\","
		"\"kind\":\"Boom\",\"listKind\":\"BoomList\"},\"versions\":[{\"name\":\"v1\",\"served\":true,"
		"\"storage\":true,\"subresources\":{\"status\":{}},\"schema\":{\"openAPIV3Schema\":"
		"{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true}}}]}}");
	assert_int_equal(of_kcreate(f, &r_crd, NULL, crd), FS_OK);
	cJSON_Delete(crd);
	of_nap(200);
	create_boom(f, "fine");
	create_boom(f, "boom");
	char poison[256];
	snprintf(poison, sizeof poison, "%s/poison", f->ta.dir);
	assert_int_equal(mkdir(poison, 0700), 0);

	/* the first process dies on "boom" */
	assert_true(start(f, poison));
	for (int i = 0; i < 100 && dm_alive(&f->ops); i++)
		of_nap(100);
	assert_false(dm_alive(&f->ops));
	char *log = dm_log(&f->ops);
	assert_non_null(strstr(log, "crashed with SIGSEGV in render of Boom " OF_NS "/boom"));
	free(log);

	/* the second one skips it and goes on */
	assert_true(start(f, poison));
	assert_true(of_wait_event(f, "boom", "Warning", "PluginCrashed",
				  "plugin 'crashmw' crashed the process with SIGSEGV in render", 10000));
	cJSON *cm = NULL;
	for (int i = 0; i < 100 && !cm; i++) {
		cm = of_kget(f, &of_r_cm, OF_NS, "fine");
		if (!cm)
			of_nap(100);
	}
	assert_non_null(cm);
	cJSON_Delete(cm);
	const cJSON *c, *rendered = NULL;
	cJSON *o = NULL;
	for (int i = 0; i < 50 && !rendered; i++) {
		cJSON_Delete(o);
		o = of_kget(f, &r_boom, OF_NS, "boom");
		cJSON_ArrayForEach(c, cJSON_GetObjectItem(cJSON_GetObjectItem(o, "status"), "conditions"))
			if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(c, "reason")), "PluginCrashed"))
				rendered = c;
		if (!rendered)
			of_nap(100);
	}
	assert_non_null(rendered);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(rendered, "status")), "False");
	cJSON_Delete(o);
	assert_null(of_kget(f, &of_r_cm, OF_NS, "boom")); /* never rendered */
	of_nap(500);
	assert_true(dm_alive(&f->ops));
	log = dm_log(&f->ops);
	assert_non_null(strstr(log, "Boom " OF_NS "/boom: plugin 'crashmw' crashed the last process "
				    "(SIGSEGV in render)"));
	free(log);
}

static int
setup(void **state)
{
	return of_setup_with(state, "- name: crashmw\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_crashing_object_is_quarantined, setup,
						of_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
