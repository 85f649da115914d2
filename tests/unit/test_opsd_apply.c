/*
 * test_opsd_apply - what the ops controller writes to make a live object
 * hold the fields it renders (opsd/apply.h): nothing when it holds them,
 * only what differs otherwise, and never a field someone else added.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "opsd/apply.h"
#include "kube/client.h"

static char *
patch_of(const char *want, const char *live)
{
	cJSON *w = cJSON_Parse(want), *l = live ? cJSON_Parse(live) : NULL;
	assert_non_null(w);
	cJSON *p = fs_opsd_merge_patch(w, l);
	char *s = p ? cJSON_PrintUnformatted(p) : NULL;
	cJSON_Delete(p);
	cJSON_Delete(w);
	cJSON_Delete(l);
	return s;
}

/* live holds every rendered field plus what the server and others added:
 * no write */
static void
test_subset_means_no_write(void **state)
{
	(void)state;
	const char *want =
		"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\","
		"\"labels\":{\"a\":\"1\"}},\"spec\":{\"type\":\"NodePort\",\"ports\":"
		"[{\"name\":\"mongo\",\"port\":27017}]}}";
	const char *live =
		"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\","
		"\"uid\":\"u\",\"resourceVersion\":\"7\",\"labels\":{\"a\":\"1\",\"team\":\"dba\"}},"
		"\"spec\":{\"type\":\"NodePort\",\"clusterIP\":\"10.0.0.1\",\"ports\":"
		"[{\"name\":\"mongo\",\"port\":27017,\"nodePort\":30001,\"protocol\":\"TCP\"}]},"
		"\"status\":{}}";
	assert_null(patch_of(want, live));
	cJSON *w = cJSON_Parse(want), *l = cJSON_Parse(live);
	assert_true(fs_opsd_subset(w, l));
	assert_false(fs_opsd_subset(l, w));
	cJSON_Delete(w);
	cJSON_Delete(l);
}

/* a changed scalar: only it; a changed array element: the array, each
 * element merged over its live counterpart (the allocated nodePort and
 * the webhook's namespace survive) */
static void
test_patch_holds_only_the_difference(void **state)
{
	(void)state;
	char *p = patch_of("{\"metadata\":{\"name\":\"s\",\"labels\":{\"a\":\"2\",\"b\":\"1\"}}}",
			   "{\"metadata\":{\"name\":\"s\",\"labels\":{\"a\":\"1\",\"b\":\"1\",\"x\":\"y\"}}}");
	assert_string_equal(p, "{\"metadata\":{\"labels\":{\"a\":\"2\"}}}");
	free(p);
	p = patch_of("{\"spec\":{\"ports\":[{\"name\":\"mongo\",\"port\":27018}]}}",
		     "{\"spec\":{\"ports\":[{\"name\":\"mongo\",\"port\":27017,\"nodePort\":30001}]}}");
	assert_string_equal(p, "{\"spec\":{\"ports\":[{\"nodePort\":30001,\"name\":\"mongo\",\"port\":27018}]}}");
	free(p);
	/* resourceSelectors without a name key: matched by position */
	p = patch_of("{\"spec\":{\"resourceSelectors\":[{\"kind\":\"Service\",\"name\":\"a\"}],"
		     "\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"c1\",\"c2\"]}}}}",
		     "{\"spec\":{\"resourceSelectors\":[{\"kind\":\"Service\",\"name\":\"a\",\"namespace\":\"ns\"}],"
		     "\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"bogus\"]}}}}");
	assert_string_equal(p, "{\"spec\":{\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"c1\",\"c2\"]}}}}");
	free(p);
	/* an extra live element is removed: arrays are ours whole */
	p = patch_of("{\"spec\":{\"ports\":[{\"name\":\"a\",\"port\":1}]}}",
		     "{\"spec\":{\"ports\":[{\"name\":\"a\",\"port\":1},{\"name\":\"b\",\"port\":2}]}}");
	assert_string_equal(p, "{\"spec\":{\"ports\":[{\"name\":\"a\",\"port\":1}]}}");
	free(p);
}

/* server-owned metadata in what we render is never written */
static void
test_server_metadata_ignored(void **state)
{
	(void)state;
	char *p = patch_of("{\"metadata\":{\"name\":\"s\",\"resourceVersion\":\"1\",\"uid\":\"x\"}}",
			   "{\"metadata\":{\"name\":\"s\",\"resourceVersion\":\"9\",\"uid\":\"y\"}}");
	assert_null(p);
	p = patch_of("{\"metadata\":{\"name\":\"s\",\"resourceVersion\":\"1\"},\"data\":{\"k\":\"v\"}}", NULL);
	assert_string_equal(p, "{\"metadata\":{\"name\":\"s\"},\"data\":{\"k\":\"v\"}}");
	free(p);
}

/* the plural of a kind, as Kubernetes names resources of a CRD */
static void
test_plural(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"Service", "services"}, {"PropagationPolicy", "propagationpolicies"},
		{"MultiCloudRedis", "multicloudredises"}, {"MongoDB", "mongodbs"},
		{"Ingress", "ingresses"}, {"Gateway", "gateways"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *p = fs_kube_plural(cases[i][0]);
		assert_string_equal(p, cases[i][1]);
		free(p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subset_means_no_write),
		cmocka_unit_test(test_patch_holds_only_the_difference),
		cmocka_unit_test(test_server_metadata_ignored),
		cmocka_unit_test(test_plural),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
