/*
 * test_crd.c - the CRDs of config/crd/: each parses and is structural, has
 * the names, status subresource and printer columns we document; FedState's
 * sample MultiCloudMongoDB validates unchanged and gets its defaults from
 * the schema; our samples, the member CR the mongodb plugin renders and
 * the status it writes validate; invalid objects are refused with a message
 * that names the field. The checker is lib/crd_schema.h (CEL rules are not
 * evaluated there: docs/crds.md lists them).
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/crd_schema.h"
#include "lib/ops_harness.h"
#include "lib/plugin_harness.h"
#include "util/doc.h"

#define FIX "/work/shared/fixtures/crds/fedstate/samples/"

/* the CRD files stay loaded: schema numbers keep their source text */
static struct fs_docset *crds[8];
static size_t n_crds;

static int
setup(void **state)
{
	(void)state;
	glob_t g;
	if (glob(ph_src_path("config/crd/*.yaml"), 0, NULL, &g) != 0)
		return -1;
	for (size_t i = 0; i < g.gl_pathc && n_crds < 8; i++) {
		struct fs_diags d = FS_DIAGS_INIT;
		if (fs_docset_load_file(&crds[n_crds], g.gl_pathv[i], &d) != FS_OK) {
			fs_diags_print(&d, stderr);
			fs_diags_release(&d);
			globfree(&g);
			return -1;
		}
		fs_diags_release(&d);
		n_crds++;
	}
	globfree(&g);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_crds; i++)
		fs_docset_free(crds[i]);
	return 0;
}

static const cJSON *
crd_of(const char *kind)
{
	for (size_t i = 0; i < n_crds; i++) {
		const cJSON *c = fs_docset_doc(crds[i], 0);
		const char *k = oh_str(c, "spec.names.kind");
		if (k && !strcmp(k, kind))
			return c;
	}
	fail_msg("config/crd/: no CRD of kind %s", kind);
	return NULL;
}

/* Defaults and validates obj (changed in place) against kind's v1alpha1
 * schema; the problems, "" when none (caller frees). */
static char *
admit(const char *kind, cJSON *obj)
{
	struct fs_buf e = FS_BUF_INIT;
	cs_admit(cs_version_schema(crd_of(kind), "v1alpha1"), obj, &e);
	return fs_buf_detach(&e);
}

static void
assert_admitted(const char *kind, cJSON *obj, const char *what)
{
	char *e = admit(kind, obj);
	if (*e)
		fail_msg("%s is refused by the %s CRD:\n%s", what, kind, e);
	free(e);
}

static void
test_crds_parse_and_are_structural(void **state)
{
	(void)state;
	assert_int_equal(n_crds, 3);
	for (size_t i = 0; i < n_crds; i++) {
		const cJSON *c = fs_docset_doc(crds[i], 0);
		const char *file = fs_docset_name(crds[i]);
		assert_string_equal(oh_str(c, "apiVersion"), "apiextensions.k8s.io/v1");
		assert_string_equal(oh_str(c, "kind"), "CustomResourceDefinition");
		char name[256];
		snprintf(name, sizeof name, "%s.%s", oh_str(c, "spec.names.plural"),
			 oh_str(c, "spec.group"));
		assert_string_equal(oh_str(c, "metadata.name"), name);
		assert_string_equal(oh_str(c, "spec.group"), "middleware.fedstate.io");
		assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(
				    cJSON_GetObjectItem(cJSON_GetObjectItem(c, "spec"), "names"),
				    "shortNames")) >= 1);
		const cJSON *v = cJSON_GetArrayItem(
			cJSON_GetObjectItem(cJSON_GetObjectItem(c, "spec"), "versions"), 0);
		assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(v, "subresources"), "status"));
		const cJSON *schema = cs_version_schema(c, "v1alpha1");
		assert_non_null(schema);
		struct fs_buf e = FS_BUF_INIT;
		if (cs_structural(schema, &e))
			fail_msg("%s: not a structural schema:\n%s", file, e.data);
		fs_buf_release(&e);
	}
}

/* kubectl get multicloudmongodbs: REPLICAS, STATUS, AGE */
static void
test_printer_columns(void **state)
{
	(void)state;
	static const char *const want[][2] = {{"REPLICAS", ".spec.replicaset"},
					      {"STATUS", ".status.state"},
					      {"AGE", ".metadata.creationTimestamp"}};
	const cJSON *v = cJSON_GetArrayItem(
		cJSON_GetObjectItem(cJSON_GetObjectItem(crd_of("MultiCloudMongoDB"), "spec"),
				    "versions"), 0);
	const cJSON *cols = cJSON_GetObjectItem(v, "additionalPrinterColumns");
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		const cJSON *c, *found = NULL;
		cJSON_ArrayForEach(c, cols)
			if (!strcmp(oh_str(c, "name"), want[i][0]))
				found = c;
		if (!found)
			fail_msg("no printer column %s", want[i][0]);
		assert_string_equal(oh_str(found, "jsonPath"), want[i][1]);
		/* shown by default (priority 0) */
		assert_null(cJSON_GetObjectItem(found, "priority"));
	}
}

/* FedState's own sample, unchanged: valid, and the schema fills in what
 * FedState's webhook did (without its invalid 500mi) */
static void
test_fedstate_sample_validates_and_gets_defaults(void **state)
{
	(void)state;
	if (access(FIX "middleware_v1alpha1_multicloudmongodb.yaml", R_OK) != 0)
		skip();
	struct fs_docset *ds = NULL;
	assert_int_equal(fs_docset_load_file(&ds, FIX "middleware_v1alpha1_multicloudmongodb.yaml",
					     NULL), FS_OK);
	cJSON *obj = cJSON_Duplicate(fs_docset_doc(ds, 0), 1);
	fs_docset_free(ds);
	assert_admitted("MultiCloudMongoDB", obj, "FedState's sample");
	assert_string_equal(oh_str(obj, "spec.scheduler.schedulerName"),
			    "multicloud-middleware-scheduler");
	assert_string_equal(oh_str(obj, "spec.scheduler.schedulerMode"), "Uniform");
	assert_string_equal(oh_str(obj, "spec.storage.storageSize"), "1Gi"); /* set: kept */
	assert_string_equal(oh_str(obj, "spec.imageSetting.image"), "fedstate.io/atsctoo/mongo:3.6");
	char *arb = oh_json(obj, "spec.config.arbiter");
	assert_string_equal(arb, "false");
	free(arb);
	/* what the scheduler reads must be what the defaults name */
	cJSON_Delete(obj);

	for (const char *const *f = (const char *const[]){FIX "example.yaml",
							   FIX "middleware_v1alpha1_mongodb.yaml",
							   NULL}; *f; f++) {
		assert_int_equal(fs_docset_load_file(&ds, *f, NULL), FS_OK);
		obj = cJSON_Duplicate(fs_docset_doc(ds, 0), 1);
		fs_docset_free(ds);
		assert_admitted("MongoDB", obj, *f);
		cJSON_Delete(obj);
	}
}

/* a leftover section defaults too: storageSize 2Gi, image mongo:3.6 */
static void
test_defaults_of_missing_sections(void **state)
{
	(void)state;
	cJSON *obj = cJSON_Parse("{\"apiVersion\":\"middleware.fedstate.io/v1alpha1\","
				 "\"kind\":\"MultiCloudMongoDB\",\"metadata\":{\"name\":\"m\"},"
				 "\"spec\":{\"replicaset\":3}}");
	assert_admitted("MultiCloudMongoDB", obj, "a bare object");
	assert_string_equal(oh_str(obj, "spec.storage.storageSize"), "2Gi");
	assert_string_equal(oh_str(obj, "spec.imageSetting.image"), "mongo:3.6");
	assert_string_equal(oh_str(obj, "spec.scheduler.schedulerName"),
			    "multicloud-middleware-scheduler");
	cJSON_Delete(obj);
}

static void
admit_all(const char *rel, const char *api_version)
{
	cJSON *all = oh_load(rel);
	const cJSON *o;
	int n = 0;
	cJSON_ArrayForEach(o, all) {
		const char *api = oh_str(o, "apiVersion"), *kind = oh_str(o, "kind");
		if (!api || strcmp(api, api_version) != 0)
			continue;
		cJSON *copy = cJSON_Duplicate(o, 1);
		char what[256];
		snprintf(what, sizeof what, "%s %s/%s", rel, kind, oh_str(o, "metadata.name"));
		assert_admitted(kind, copy, what);
		cJSON_Delete(copy);
		n++;
	}
	assert_true(n >= 1);
	cJSON_Delete(all);
}

static void
test_our_samples_validate(void **state)
{
	(void)state;
	admit_all("config/samples/workloads.yaml", "middleware.fedstate.io/v1alpha1");
	admit_all("tests/data/ops/mcmongo-sample.yaml", "middleware.fedstate.io/v1alpha1");
	admit_all("tests/data/ops/mcredis-sample.yaml", "middleware.fedstate.io/v1alpha1");
	admit_all("tests/data/interpreter/member-running.yaml", "middleware.fedstate.io/v1alpha1");
	admit_all("tests/data/interpreter/desired-full.yaml", "middleware.fedstate.io/v1alpha1");
}

/* what the mongodb plugin writes fits the CRDs: the member CR it renders
 * and the MultiCloudMongoDB status it aggregates */
static void
test_plugin_output_validates(void **state)
{
	(void)state;
	struct fs_ops *ops = oh_open("[{name: mongodb}]");
	const struct fs_ops_mw *mw = oh_mw(ops, "middleware.fedstate.io/v1alpha1",
					   "MultiCloudMongoDB");
	cJSON *obj = oh_doc("tests/data/ops/mcmongo-sample.yaml", 0);
	cJSON *clusters = oh_load("tests/data/ops/clusters.yaml");
	cJSON *existing = NULL;
	struct fs_ops_input in = {.object = obj, .clusters = clusters};
	cJSON *cr = oh_render_find(mw, &in, &existing, "MongoDB", "multicloudmongodb-sample");
	assert_admitted("MongoDB", cr, "the rendered member CR");
	cJSON_Delete(cr);
	static const char *const rbs[] = {"rb-healthy.yaml", "rb-degraded.yaml", "rb-partial.yaml"};
	for (size_t i = 0; i < 3; i++) {
		char rel[128];
		snprintf(rel, sizeof rel, "tests/data/ops/%s", rbs[i]);
		cJSON *rb = oh_doc(rel, 0);
		struct fs_ops_input sin = {.object = obj, .clusters = clusters,
					   .existing = existing, .binding = rb};
		cJSON *st = oh_status(mw, &sin);
		cJSON *with = cJSON_Duplicate(obj, 1);
		cJSON_ReplaceItemInObject(with, "status", st);
		assert_admitted("MultiCloudMongoDB", with, rel);
		cJSON_Delete(with);
		cJSON_Delete(rb);
	}
	cJSON_Delete(existing);
	cJSON_Delete(clusters);
	cJSON_Delete(obj);
	oh_close(ops);
}

/* refused, with the field and the reason in the message */
static void
test_invalid_objects_refused(void **state)
{
	(void)state;
	static const struct {
		const char *kind, *spec, *want;
	} cases[] = {
		{"MultiCloudMongoDB", "{replicaset: 0}", "spec.replicaset: 0 is below the minimum 1"},
		{"MultiCloudMongoDB", "{replicaset: 1001}", "spec.replicaset: 1001 is above the maximum"},
		{"MultiCloudMongoDB", "{replicaset: five}", "spec.replicaset: got string"},
		{"MultiCloudMongoDB", "{imageSetting: {image: mongo}}", "spec.replicaset: required value missing"},
		/* FedState's webhook default: not a quantity */
		{"MultiCloudMongoDB", "{replicaset: 1, resource: {requests: {memory: 500mi}}}",
		 "spec.resource.requests.memory: \"500mi\" does not match"},
		{"MultiCloudMongoDB", "{replicaset: 1, resource: {limits: {cpu: \"-1\"}}}",
		 "spec.resource.limits.cpu: \"-1\" does not match"},
		{"MultiCloudMongoDB", "{replicaset: 1, storage: {storageSize: 2GB}}",
		 "spec.storage.storageSize: \"2GB\" does not match"},
		{"MultiCloudMongoDB", "{replicaset: 1, scheduler: {schedulerMode: Random}}",
		 "spec.scheduler.schedulerMode: unsupported value \"Random\""},
		{"MultiCloudMongoDB", "{replicaset: 1, scheduler: {schedulerName: \"\"}}",
		 "spec.scheduler.schedulerName: \"\" is shorter than minLength"},
		{"MultiCloudMongoDB", "{replicaset: 1, replicas: 3}", "spec.replicas: unknown field"},
		{"MultiCloudMongoDB",
		 "{replicaset: 1, spreadConstraints: {spreadConstraints: [{spreadByField: rack}]}}",
		 "spec.spreadConstraints.spreadConstraints[0].spreadByField: unsupported value"},
		{"MongoDB", "{members: -1}", "spec.members: -1 is below the minimum 0"},
		{"MongoDB", "{members: 1, type: Sharded}", "spec.type: unsupported value"},
		{"MongoDB", "{members: 1, metricsExporterSpec: {}}",
		 "spec.metricsExporterSpec.enable: required value missing"},
		{"MultiCloudRedis", "{replicas: 1, resources: {requests: {memory: 256mi}}}",
		 "spec.resources.requests.memory: \"256mi\" does not match"},
		{"MultiCloudRedis", "{replicas: 0}", "spec.replicas: 0 is below the minimum 1"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[512];
		snprintf(text, sizeof text,
			 "apiVersion: middleware.fedstate.io/v1alpha1\nkind: %s\n"
			 "metadata: {name: x}\nspec: %s\n", cases[i].kind, cases[i].spec);
		struct fs_docset *ds = NULL;
		assert_int_equal(fs_docset_load_mem(&ds, "case.yaml", text, strlen(text), NULL), FS_OK);
		cJSON *obj = cJSON_Duplicate(fs_docset_doc(ds, 0), 1);
		fs_docset_free(ds);
		char *e = admit(cases[i].kind, obj);
		if (!strstr(e, cases[i].want))
			fail_msg("%s spec %s: expected \"%s\", got:\n%s", cases[i].kind,
				 cases[i].spec, cases[i].want, *e ? e : "(accepted)\n");
		free(e);
		cJSON_Delete(obj);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crds_parse_and_are_structural),
		cmocka_unit_test(test_printer_columns),
		cmocka_unit_test(test_fedstate_sample_validates_and_gets_defaults),
		cmocka_unit_test(test_defaults_of_missing_sections),
		cmocka_unit_test(test_our_samples_validate),
		cmocka_unit_test(test_plugin_output_validates),
		cmocka_unit_test(test_invalid_objects_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
