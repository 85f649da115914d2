/*
 * test_testapi_fidelity - fedstate-testapi answers as a kube-apiserver
 * does where it used to be loose: CRDs through the API and their schemas
 * (defaults, 422 Invalid with causes), discovery's preferred version,
 * resourceVersion on create, namespace lifecycle, field selectors,
 * dryRun, DELETE answers, typed lists, consistent pages,
 * resourceVersionMatch, patch types, generation, legacy watch paths, the
 * watch-list bookmark, Tables; and kubectl (the real client) applying a
 * CRD, custom resources and a kustomize directory of built-ins.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "kube/yaml.h"
#include "lib/testapi_proc.h"

#define CT_JSON "application/json"
#define WIDGETS "/apis/test.fedstate.io/v1alpha2/namespaces/default/widgets"
#define CMS "/api/v1/namespaces/default/configmaps"


/* the request's answer as JSON; fails unless the status is want */
static cJSON *
call(struct ta_proc *p, const char *method, const char *path, const char *ct,
     const char *body, long want)
{
	long st;
	char *out = ta_proc_request(p, method, path, ct, body, NULL, &st, NULL);
	if (st != want)
		fail_msg("%s %s: %ld, want %ld: %s", method, path, st, want, out);
	cJSON *v = cJSON_Parse(out);
	if (!v)
		fail_msg("%s %s: not JSON: %s", method, path, out);
	free(out);
	return v;
}

static void
call_ok(struct ta_proc *p, const char *method, const char *path, const char *ct,
	const char *body, long want)
{
	cJSON_Delete(call(p, method, path, ct, body, want));
}

static const cJSON *
at(const cJSON *o, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	const cJSON *v = o;
	char *save = NULL;
	for (char *t = strtok_r(buf, ".", &save); t && v; t = strtok_r(NULL, ".", &save))
		v = cJSON_IsArray(v) ? cJSON_GetArrayItem(v, atoi(t)) : cJSON_GetObjectItem(v, t);
	return v;
}

static const char *
str(const cJSON *o, const char *path)
{
	const cJSON *v = at(o, path);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}


static const char *
src(void)
{
	const char *s = getenv("FEDSTATE_SRC");
	return s && s[0] ? s : ".";
}

/* the widgets CRD (tests/data/testapi), created through the API */
static void
create_widgets_crd(struct ta_proc *p)
{
	char path[1024], *err = NULL;
	size_t len;
	snprintf(path, sizeof(path), "%s/tests/data/testapi/widgets-crd.yaml", src());
	char *text = fs_kube_read_file(path, &len, &err);
	if (!text)
		fail_msg("%s", err);
	cJSON *docs = fs_kube_yaml_parse(text, len, path, &err);
	free(text);
	if (!docs)
		fail_msg("%s", err);
	char *json = cJSON_PrintUnformatted(cJSON_GetArrayItem(docs, 0));
	call_ok(p, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", CT_JSON,
		json, 201);
	free(json);
	cJSON_Delete(docs);
}

/* ---------------------------------------------------------------- CRDs */

static void
test_crd_through_the_api(void **state)
{
	struct ta_proc *p = *state;
	call_ok(p, "GET", WIDGETS, NULL, NULL, 404);
	create_widgets_crd(p);
	/* served at once, in discovery, preferring the higher version */
	cJSON *v = call(p, "GET", "/apis", NULL, NULL, 200);
	const cJSON *g, *mine = NULL;
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(v, "groups"))
	{
		if (!strcmp(str(g, "name"), "test.fedstate.io"))
			mine = g;
	}
	assert_non_null(mine);
	assert_string_equal(str(mine, "preferredVersion.version"), "v1alpha2");
	assert_string_equal(str(mine, "versions.0.version"), "v1alpha2");
	assert_string_equal(str(mine, "versions.1.version"), "v1alpha1");
	cJSON_Delete(v);
	v = call(p, "GET", "/apis/test.fedstate.io/v1alpha2", NULL, NULL, 200);
	assert_string_equal(str(v, "resources.0.name"), "widgets");
	assert_string_equal(str(v, "resources.0.shortNames.0"), "wd");
	assert_string_equal(str(v, "resources.1.name"), "widgets/status");
	cJSON_Delete(v);
	/* its status says Established */
	v = call(p, "GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.test.fedstate.io",
		 NULL, NULL, 200);
	assert_string_equal(str(v, "status.conditions.1.type"), "Established");
	assert_string_equal(str(v, "status.conditions.1.status"), "True");
	assert_string_equal(str(v, "status.storedVersions.0"), "v1alpha2");
	cJSON_Delete(v);
	call_ok(p, "POST", WIDGETS, CT_JSON, "{\"metadata\":{\"name\":\"w1\"},\"spec\":{\"size\":3}}", 201);
	/* an invalid CRD: the real server's checks */
	v = call(p, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", CT_JSON,
		 "{\"metadata\":{\"name\":\"bad\"},\"spec\":{\"group\":\"x.io\",\"scope\":\"Namespaced\","
		 "\"names\":{\"plural\":\"things\",\"kind\":\"Thing\"},\"versions\":[{\"name\":\"v1\","
		 "\"served\":true,\"storage\":true,\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\"}}}]}}",
		 422);
	assert_string_equal(str(v, "reason"), "Invalid");
	assert_string_equal(str(v, "message"),
			    "CustomResourceDefinition.apiextensions.k8s.io \"bad\" is invalid: metadata.name: Invalid value: \"bad\": must be spec.names.plural+\".\"+spec.group");
	cJSON_Delete(v);
	/* deleting the CRD takes its objects and its endpoints */
	call_ok(p, "DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.test.fedstate.io",
		NULL, NULL, 200);
	call_ok(p, "GET", WIDGETS, NULL, NULL, 404);
	call_ok(p, "GET", "/apis/test.fedstate.io/v1alpha2", NULL, NULL, 404);
	/* and it can come back, empty */
	create_widgets_crd(p);
	v = call(p, "GET", WIDGETS, NULL, NULL, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(v, "items")), 0);
	cJSON_Delete(v);
}

static void
test_karmada_bindings_prefer_v1alpha2(void **state)
{
	struct ta_proc *p = *state;
	cJSON *v = call(p, "GET", "/apis", NULL, NULL, 200);
	const cJSON *g;
	bool seen = false;
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(v, "groups"))
	{
		if (!strcmp(str(g, "name"), "work.karmada.io")) {
			assert_string_equal(str(g, "preferredVersion.version"), "v1alpha2");
			seen = true;
		}
	}
	cJSON_Delete(v);
	if (!seen) /* the Karmada fixture CRDs are not on this machine */
		skip();
}

static void
test_schema_defaults_and_validation(void **state)
{
	struct ta_proc *p = *state;
	create_widgets_crd(p);
	/* defaults (nested ones too), unknown fields pruned, generation 1 */
	cJSON *v = call(p, "POST", WIDGETS, CT_JSON,
			"{\"apiVersion\":\"test.fedstate.io/v1alpha2\",\"kind\":\"Widget\","
			"\"metadata\":{\"name\":\"w1\"},\"spec\":{\"size\":3,\"junk\":1}}", 201);
	assert_string_equal(str(v, "spec.mode"), "Uniform");
	assert_string_equal(str(v, "spec.scheduler.schedulerName"), "multicloud-middleware-scheduler");
	assert_null(at(v, "spec.junk"));
	assert_int_equal(at(v, "metadata.generation")->valueint, 1);
	cJSON_Delete(v);
	/* every kind of check, each with its field path */
	v = call(p, "POST", WIDGETS, CT_JSON,
		 "{\"metadata\":{\"name\":\"w2\"},\"spec\":{\"size\":12,\"mode\":\"Odd\","
		 "\"name\":\"TooLongName\",\"tags\":[\"a\",\"b\",\"c\"]}}", 422);
	assert_string_equal(str(v, "kind"), "Status");
	assert_string_equal(str(v, "reason"), "Invalid");
	assert_int_equal(at(v, "code")->valueint, 422);
	assert_string_equal(str(v, "details.kind"), "Widget");
	assert_string_equal(str(v, "details.group"), "test.fedstate.io");
	assert_string_equal(str(v, "details.name"), "w2");
	const char *msg = str(v, "message");
	assert_non_null(strstr(msg, "Widget.test.fedstate.io \"w2\" is invalid: ["));
	assert_non_null(strstr(msg, "spec.size: Invalid value: 12: spec.size in body should be less than or equal to 9"));
	assert_non_null(strstr(msg, "spec.mode: Unsupported value: \"Odd\": supported values: \"Uniform\", \"Spread\""));
	assert_non_null(strstr(msg, "spec.name: Too long: may not be more than 8 bytes"));
	assert_non_null(strstr(msg, "spec.name: Invalid value: \"TooLongName\": spec.name in body should match '^[a-z]+$'"));
	assert_non_null(strstr(msg, "spec.tags: Too many: 3: must have at most 2 items"));
	const cJSON *c;
	bool size_cause = false;
	cJSON_ArrayForEach(c, at(v, "details.causes"))
	{
		if (!strcmp(str(c, "field"), "spec.size")) {
			assert_string_equal(str(c, "reason"), "FieldValueInvalid");
			assert_string_equal(str(c, "message"),
					    "Invalid value: 12: spec.size in body should be less than or equal to 9");
			size_cause = true;
		}
	}
	assert_true(size_cause);
	cJSON_Delete(v);
	/* required and types */
	v = call(p, "POST", WIDGETS, CT_JSON, "{\"metadata\":{\"name\":\"w3\"},\"spec\":{\"mode\":\"Spread\"}}", 422);
	assert_string_equal(str(v, "message"), "Widget.test.fedstate.io \"w3\" is invalid: spec.size: Required value");
	assert_string_equal(str(v, "details.causes.0.reason"), "FieldValueRequired");
	cJSON_Delete(v);
	v = call(p, "POST", WIDGETS, CT_JSON, "{\"metadata\":{\"name\":\"w3\"},\"spec\":{\"size\":\"two\"}}", 422);
	assert_string_equal(str(v, "message"),
			    "Widget.test.fedstate.io \"w3\" is invalid: spec.size: Invalid value: \"two\": spec.size in body must be of type integer: \"string\"");
	cJSON_Delete(v);
	v = call(p, "POST", WIDGETS, CT_JSON, "{\"metadata\":{\"name\":\"w3\"},\"spec\":{\"size\":0}}", 422);
	assert_non_null(strstr(str(v, "message"), "spec.size in body should be greater than or equal to 1"));
	cJSON_Delete(v);
	/* updates are checked too */
	v = call(p, "PATCH", WIDGETS "/w1", "application/merge-patch+json", "{\"spec\":{\"size\":10}}", 422);
	assert_string_equal(str(v, "reason"), "Invalid");
	cJSON_Delete(v);
	/* fieldValidation=Strict: an unknown field is refused */
	v = call(p, "POST", WIDGETS "?fieldValidation=Strict", CT_JSON,
		 "{\"metadata\":{\"name\":\"w4\"},\"spec\":{\"size\":1,\"junk\":1}}", 400);
	assert_string_equal(str(v, "message"),
			    "Widget in version \"v1alpha2\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.junk\"");
	cJSON_Delete(v);
	/* Warn (the default): a Warning header */
	long st;
	char *hdrs = NULL;
	free(ta_proc_request(p, "POST", WIDGETS, CT_JSON,
			     "{\"metadata\":{\"name\":\"w5\"},\"spec\":{\"size\":1,\"junk\":1}}", NULL, &st,
			     &hdrs));
	assert_int_equal(st, 201);
	assert_non_null(strstr(hdrs, "Warning: 299 - \"unknown field \\\"spec.junk\\\"\""));
	free(hdrs);
	/* the other version preserves unknown fields, as its schema says */
	v = call(p, "POST", "/apis/test.fedstate.io/v1alpha1/namespaces/default/widgets", CT_JSON,
		 "{\"metadata\":{\"name\":\"w6\"},\"spec\":{\"anything\":true}}", 201);
	assert_true(cJSON_IsTrue(at(v, "spec.anything")));
	cJSON_Delete(v);
}

/* ---------------------------------------------------------------- looseness */

static void
test_create_with_resource_version(void **state)
{
	struct ta_proc *p = *state;
	cJSON *v = call(p, "POST", CMS, CT_JSON,
			"{\"metadata\":{\"name\":\"c\",\"resourceVersion\":\"5\"},\"data\":{}}", 500);
	assert_string_equal(str(v, "message"), "resourceVersion should not be set on objects to be created");
	assert_string_equal(str(v, "status"), "Failure");
	assert_null(at(v, "reason"));
	cJSON_Delete(v);
	call_ok(p, "GET", CMS "/c", NULL, NULL, 404);
}

/* the namespace controller works on a timer: wait (2 s at most) */
static void
wait_gone(struct ta_proc *p, const char *path)
{
	long st = 0;
	for (int i = 0; i < 100 && st != 404; i++) {
		usleep(20000);
		free(ta_proc_get(p, path, &st));
	}
	assert_int_equal(st, 404);
}

static void
test_namespace_lifecycle(void **state)
{
	struct ta_proc *p = *state;
	cJSON *v = call(p, "POST", "/api/v1/namespaces/nope/configmaps", CT_JSON,
			"{\"metadata\":{\"name\":\"c\"}}", 404);
	assert_string_equal(str(v, "message"), "namespaces \"nope\" not found");
	assert_string_equal(str(v, "details.kind"), "namespaces");
	cJSON_Delete(v);
	v = call(p, "POST", "/api/v1/namespaces", CT_JSON, "{\"metadata\":{\"name\":\"t\"}}", 201);
	assert_string_equal(str(v, "status.phase"), "Active");
	assert_string_equal(str(v, "spec.finalizers.0"), "kubernetes");
	assert_null(at(v, "metadata.generation"));
	cJSON_Delete(v);
	call_ok(p, "POST", "/api/v1/namespaces/t/configmaps", CT_JSON,
		"{\"metadata\":{\"name\":\"keep\",\"finalizers\":[\"test/hold\"]}}", 201);
	call_ok(p, "POST", "/api/v1/namespaces/t/configmaps", CT_JSON, "{\"metadata\":{\"name\":\"c\"}}", 201);
	/* delete: Terminating, the answer is the namespace */
	v = call(p, "DELETE", "/api/v1/namespaces/t", NULL, NULL, 200);
	assert_string_equal(str(v, "kind"), "Namespace");
	assert_string_equal(str(v, "status.phase"), "Terminating");
	assert_non_null(str(v, "metadata.deletionTimestamp"));
	cJSON_Delete(v);
	v = call(p, "POST", "/api/v1/namespaces/t/configmaps", CT_JSON, "{\"metadata\":{\"name\":\"new\"}}", 403);
	assert_string_equal(str(v, "reason"), "Forbidden");
	assert_string_equal(str(v, "message"),
			    "configmaps \"new\" is forbidden: unable to create new content in namespace t because it is being terminated");
	assert_string_equal(str(v, "details.causes.0.reason"), "NamespaceTerminating");
	cJSON_Delete(v);
	/* its content goes; the one held by a finalizer keeps it Terminating */
	wait_gone(p, "/api/v1/namespaces/t/configmaps/c");
	/* a label on a Terminating namespace does not finish it */
	v = call(p, "PATCH", "/api/v1/namespaces/t", "application/merge-patch+json",
		 "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}", 200);
	cJSON_Delete(v);
	v = call(p, "GET", "/api/v1/namespaces/t", NULL, NULL, 200);
	assert_string_equal(str(v, "status.phase"), "Terminating");
	assert_string_equal(str(v, "metadata.labels.x"), "y");
	cJSON_Delete(v);
	call_ok(p, "PATCH", "/api/v1/namespaces/t/configmaps/keep", "application/merge-patch+json",
		"{\"metadata\":{\"finalizers\":null}}", 200);
	wait_gone(p, "/api/v1/namespaces/t");
	v = call(p, "DELETE", "/api/v1/namespaces/default", NULL, NULL, 403);
	assert_string_equal(str(v, "message"), "namespaces \"default\" is forbidden: this namespace may not be deleted");
	cJSON_Delete(v);
}

static void
test_field_selectors(void **state)
{
	struct ta_proc *p = *state;
	call_ok(p, "POST", CMS, CT_JSON, "{\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"1\"}}", 201);
	cJSON *v = call(p, "GET", CMS "?fieldSelector=data.k%3D1", NULL, NULL, 400);
	assert_string_equal(str(v, "reason"), "BadRequest");
	assert_string_equal(str(v, "message"), "field label not supported: data.k");
	cJSON_Delete(v);
	v = call(p, "GET", CMS "?watch=1&fieldSelector=data.k%3D1", NULL, NULL, 400);
	cJSON_Delete(v);
	v = call(p, "GET", "/api/v1/configmaps?fieldSelector=metadata.name%3Da,metadata.namespace%3Ddefault",
		 NULL, NULL, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(v, "items")), 1);
	cJSON_Delete(v);
	/* a kind's own labels: Secrets by type, Namespaces by phase */
	call_ok(p, "GET", "/api/v1/secrets?fieldSelector=type%3DOpaque", NULL, NULL, 200);
	call_ok(p, "GET", "/api/v1/namespaces?fieldSelector=status.phase%3DActive", NULL, NULL, 200);
	/* cluster-scoped custom resources: no metadata.namespace */
	v = call(p, "GET", "/apis/cluster.karmada.io/v1alpha1/clusters?fieldSelector=metadata.name%3Dx",
		 NULL, NULL, 200);
	cJSON_Delete(v);
	call_ok(p, "GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dx",
		NULL, NULL, 200);
}

static void
test_dry_run(void **state)
{
	struct ta_proc *p = *state;
	cJSON *v = call(p, "POST", CMS "?dryRun=All", CT_JSON, "{\"metadata\":{\"name\":\"d\"}}", 201);
	assert_non_null(str(v, "metadata.uid"));
	assert_null(at(v, "metadata.resourceVersion"));
	cJSON_Delete(v);
	call_ok(p, "GET", CMS "/d", NULL, NULL, 404);
	call_ok(p, "POST", CMS, CT_JSON, "{\"metadata\":{\"name\":\"d\"},\"data\":{\"a\":\"1\"}}", 201);
	v = call(p, "PATCH", CMS "/d?dryRun=All", "application/merge-patch+json", "{\"data\":{\"a\":\"2\"}}", 200);
	assert_string_equal(str(v, "data.a"), "2");
	cJSON_Delete(v);
	call_ok(p, "DELETE", CMS "/d?dryRun=All", NULL, NULL, 200);
	v = call(p, "GET", CMS "/d", NULL, NULL, 200);
	assert_string_equal(str(v, "data.a"), "1");
	cJSON_Delete(v);
	v = call(p, "POST", CMS "?dryRun=Some", CT_JSON, "{\"metadata\":{\"name\":\"e\"}}", 422);
	assert_string_equal(str(v, "message"),
			    "CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: [\"Some\"]: supported values: \"All\"");
	cJSON_Delete(v);
}

static void
test_delete_answers(void **state)
{
	struct ta_proc *p = *state;
	cJSON *made = call(p, "POST", CMS, CT_JSON, "{\"metadata\":{\"name\":\"x\"}}", 201);
	cJSON *v = call(p, "DELETE", CMS "/x", NULL, NULL, 200);
	assert_string_equal(str(v, "kind"), "Status");
	assert_string_equal(str(v, "status"), "Success");
	assert_string_equal(str(v, "details.name"), "x");
	assert_string_equal(str(v, "details.kind"), "configmaps");
	assert_string_equal(str(v, "details.uid"), str(made, "metadata.uid"));
	assert_null(at(v, "details.group"));
	cJSON_Delete(v);
	cJSON_Delete(made);
	/* custom resources: the group is in the details */
	call_ok(p, "POST", "/apis/cluster.karmada.io/v1alpha1/clusters", CT_JSON,
		"{\"metadata\":{\"name\":\"m1\"},\"spec\":{}}", 201);
	v = call(p, "DELETE", "/apis/cluster.karmada.io/v1alpha1/clusters/m1", NULL, NULL, 200);
	assert_string_equal(str(v, "details.group"), "cluster.karmada.io");
	assert_string_equal(str(v, "details.kind"), "clusters");
	cJSON_Delete(v);
	/* a Service's store returns the deleted object */
	call_ok(p, "POST", "/api/v1/namespaces/default/services", CT_JSON,
		"{\"metadata\":{\"name\":\"s\"},\"spec\":{\"ports\":[{\"port\":80}]}}", 201);
	v = call(p, "DELETE", "/api/v1/namespaces/default/services/s", NULL, NULL, 200);
	assert_string_equal(str(v, "kind"), "Service");
	cJSON_Delete(v);
	/* finalizers: the object, marked */
	call_ok(p, "POST", CMS, CT_JSON, "{\"metadata\":{\"name\":\"f\",\"finalizers\":[\"a/b\"]}}", 201);
	v = call(p, "DELETE", CMS "/f", NULL, NULL, 200);
	assert_string_equal(str(v, "kind"), "ConfigMap");
	assert_non_null(str(v, "metadata.deletionTimestamp"));
	cJSON_Delete(v);
}

static void
test_typed_lists_and_generation(void **state)
{
	struct ta_proc *p = *state;
	cJSON *v = call(p, "POST", CMS, CT_JSON, "{\"metadata\":{\"name\":\"g\"},\"data\":{\"a\":\"1\"}}", 201);
	assert_null(at(v, "metadata.generation"));
	assert_string_equal(str(v, "kind"), "ConfigMap");
	cJSON_Delete(v);
	v = call(p, "GET", CMS, NULL, NULL, 200);
	assert_string_equal(str(v, "kind"), "ConfigMapList");
	const cJSON *item = cJSON_GetArrayItem(cJSON_GetObjectItem(v, "items"), 0);
	assert_null(cJSON_GetObjectItem(item, "kind"));
	assert_null(cJSON_GetObjectItem(item, "apiVersion"));
	cJSON_Delete(v);
	/* custom resources are unstructured: their items keep them */
	call_ok(p, "POST", "/apis/cluster.karmada.io/v1alpha1/clusters", CT_JSON,
		"{\"metadata\":{\"name\":\"m1\"},\"spec\":{}}", 201);
	call_ok(p, "POST", "/apis/middleware.fedstate.io/v1alpha1/namespaces/default/mongodbs", CT_JSON,
		"{\"metadata\":{\"name\":\"m\"},\"spec\":{\"members\":1}}", 201);
	v = call(p, "GET", "/apis/middleware.fedstate.io/v1alpha1/mongodbs", NULL, NULL, 200);
	assert_string_equal(str(v, "items.0.kind"), "MongoDB");
	assert_int_equal(at(v, "items.0.metadata.generation")->valueint, 1);
	cJSON_Delete(v);
	/* Deployments keep a generation, bumped by spec changes only */
	v = call(p, "POST", "/apis/apps/v1/namespaces/default/deployments", CT_JSON,
		 "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":1}}", 201);
	assert_int_equal(at(v, "metadata.generation")->valueint, 1);
	cJSON_Delete(v);
	v = call(p, "PATCH", "/apis/apps/v1/namespaces/default/deployments/d", "application/merge-patch+json",
		 "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}", 200);
	assert_int_equal(at(v, "metadata.generation")->valueint, 1);
	cJSON_Delete(v);
	v = call(p, "PATCH", "/apis/apps/v1/namespaces/default/deployments/d", "application/merge-patch+json",
		 "{\"spec\":{\"replicas\":2}}", 200);
	assert_int_equal(at(v, "metadata.generation")->valueint, 2);
	cJSON_Delete(v);
}

static void
test_pages_are_a_snapshot(void **state)
{
	struct ta_proc *p = *state;
	call_ok(p, "POST", CMS, CT_JSON, "{\"metadata\":{\"name\":\"a\"},\"data\":{\"v\":\"1\"}}", 201);
	call_ok(p, "POST", CMS, CT_JSON, "{\"metadata\":{\"name\":\"b\"},\"data\":{\"v\":\"1\"}}", 201);
	call_ok(p, "POST", CMS, CT_JSON, "{\"metadata\":{\"name\":\"c\"},\"data\":{\"v\":\"1\"}}", 201);
	cJSON *page1 = call(p, "GET", CMS "?limit=1", NULL, NULL, 200);
	const char *rv = str(page1, "metadata.resourceVersion");
	char path[1024];
	snprintf(path, sizeof(path), CMS "?limit=1&continue=%s", str(page1, "metadata.continue"));
	/* the world moves on after the first page */
	call_ok(p, "PATCH", CMS "/b", "application/merge-patch+json", "{\"data\":{\"v\":\"2\"}}", 200);
	call_ok(p, "DELETE", CMS "/c", NULL, NULL, 200);
	call_ok(p, "POST", CMS, CT_JSON, "{\"metadata\":{\"name\":\"bb\"}}", 201);
	cJSON *page2 = call(p, "GET", path, NULL, NULL, 200);
	assert_string_equal(str(page2, "metadata.resourceVersion"), rv);
	assert_string_equal(str(page2, "items.0.metadata.name"), "b");
	assert_string_equal(str(page2, "items.0.data.v"), "1");
	snprintf(path, sizeof(path), CMS "?limit=5&continue=%s", str(page2, "metadata.continue"));
	cJSON *page3 = call(p, "GET", path, NULL, NULL, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(page3, "items")), 1);
	assert_string_equal(str(page3, "items.0.metadata.name"), "c");
	/* Exact reads of the past, the same way; also across a delete and a
	 * create of the same name, and an object created and deleted since */
	call_ok(p, "DELETE", CMS "/a", NULL, NULL, 200);
	call_ok(p, "POST", CMS, CT_JSON, "{\"metadata\":{\"name\":\"a\"},\"data\":{\"v\":\"9\"}}", 201);
	call_ok(p, "DELETE", CMS "/bb", NULL, NULL, 200);
	snprintf(path, sizeof(path), CMS "?resourceVersion=%s&resourceVersionMatch=Exact", rv);
	cJSON *exact = call(p, "GET", path, NULL, NULL, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(exact, "items")), 3);
	assert_string_equal(str(exact, "items.0.metadata.name"), "a");
	assert_string_equal(str(exact, "items.0.data.v"), "1");
	assert_string_equal(str(exact, "items.1.data.v"), "1");
	assert_string_equal(str(exact, "items.2.metadata.name"), "c");
	/* once compacted: 410 */
	assert_int_equal(ta_proc_admin(p, "compact"), 200);
	cJSON *gone = call(p, "GET", path, NULL, NULL, 410);
	assert_string_equal(str(gone, "reason"), "Expired");
	cJSON_Delete(gone);
	snprintf(path, sizeof(path), CMS "?limit=1&continue=%s", str(page1, "metadata.continue"));
	gone = call(p, "GET", path, NULL, NULL, 410);
	assert_string_equal(str(gone, "reason"), "Expired");
	cJSON_Delete(gone);
	cJSON_Delete(page1);
	cJSON_Delete(page2);
	cJSON_Delete(page3);
	cJSON_Delete(exact);
}

static void
test_resource_version_match(void **state)
{
	struct ta_proc *p = *state;
	cJSON *v = call(p, "GET", CMS "?resourceVersionMatch=NotOlderThan", NULL, NULL, 422);
	assert_string_equal(str(v, "message"),
			    "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
	cJSON_Delete(v);
	v = call(p, "GET", CMS "?resourceVersion=0&resourceVersionMatch=Exact", NULL, NULL, 422);
	assert_non_null(strstr(str(v, "message"), "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
	cJSON_Delete(v);
	v = call(p, "GET", CMS "?resourceVersion=1&resourceVersionMatch=Bogus", NULL, NULL, 422);
	assert_non_null(strstr(str(v, "message"), "Unsupported value: \"Bogus\""));
	cJSON_Delete(v);
	v = call(p, "GET", CMS "?resourceVersion=99999&resourceVersionMatch=NotOlderThan", NULL, NULL, 504);
	assert_string_equal(str(v, "reason"), "Timeout");
	assert_string_equal(str(v, "details.causes.0.reason"), "ResourceVersionTooLarge");
	cJSON_Delete(v);
	v = call(p, "GET", CMS "?resourceVersion=5&continue=abcd", NULL, NULL, 400);
	assert_string_equal(str(v, "message"), "specifying resource version is not allowed when using continue");
	cJSON_Delete(v);
	v = call(p, "GET", CMS "?watch=1&resourceVersion=1&resourceVersionMatch=NotOlderThan", NULL, NULL, 422);
	assert_non_null(strstr(str(v, "message"),
			       "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
	cJSON_Delete(v);
	v = call(p, "GET", CMS "?sendInitialEvents=true", NULL, NULL, 422);
	assert_non_null(strstr(str(v, "message"), "sendInitialEvents is forbidden for list"));
	cJSON_Delete(v);
	call_ok(p, "GET", CMS "?resourceVersion=1&resourceVersionMatch=NotOlderThan", NULL, NULL, 200);
}

static void
test_patch_types(void **state)
{
	struct ta_proc *p = *state;
	call_ok(p, "POST", "/apis/middleware.fedstate.io/v1alpha1/namespaces/default/mongodbs", CT_JSON,
		"{\"metadata\":{\"name\":\"m\"},\"spec\":{\"members\":1}}", 201);
	cJSON *v = call(p, "PATCH", "/apis/middleware.fedstate.io/v1alpha1/namespaces/default/mongodbs/m",
			"application/strategic-merge-patch+json", "{\"spec\":{}}", 415);
	assert_string_equal(str(v, "reason"), "UnsupportedMediaType");
	assert_null(strstr(str(v, "message"), "strategic"));
	cJSON_Delete(v);
	/* built-ins: lists merged by their keys, directives honoured */
	call_ok(p, "POST", "/apis/apps/v1/namespaces/default/deployments", CT_JSON,
		"{\"metadata\":{\"name\":\"d\"},\"spec\":{\"template\":{\"spec\":{\"containers\":["
		"{\"name\":\"a\",\"image\":\"a:1\"},{\"name\":\"b\",\"image\":\"b:1\"}]}}}}", 201);
	v = call(p, "PATCH", "/apis/apps/v1/namespaces/default/deployments/d",
		 "application/strategic-merge-patch+json",
		 "{\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"b\"},{\"name\":\"a\"}],"
		 "\"containers\":[{\"name\":\"a\",\"image\":\"a:2\"}]}}}}", 200);
	const cJSON *cs = at(v, "spec.template.spec.containers");
	assert_int_equal(cJSON_GetArraySize(cs), 2);
	assert_string_equal(str(cs, "0.name"), "b");
	assert_string_equal(str(cs, "1.image"), "a:2");
	assert_null(at(v, "spec.template.spec.$setElementOrder/containers"));
	cJSON_Delete(v);
	v = call(p, "PATCH", "/apis/apps/v1/namespaces/default/deployments/d",
		 "application/strategic-merge-patch+json",
		 "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"b\",\"$patch\":\"delete\"}]}}}}", 200);
	assert_int_equal(cJSON_GetArraySize(at(v, "spec.template.spec.containers")), 1);
	cJSON_Delete(v);
	/* server-side apply is not served: 415, as a server without it */
	v = call(p, "PATCH", "/apis/apps/v1/namespaces/default/deployments/d?fieldManager=x",
		 "application/apply-patch+yaml", "{}", 415);
	cJSON_Delete(v);
}

/* read a watch stream until `needle` (or 3 s) */
static char *
watch_until(struct ta_proc *p, const char *path, const char *needle)
{
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "curl -sN --max-time 6 '%s%s' 2>/dev/null", p->base, path);
	FILE *f = popen(cmd, "r");
	static char buf[65536];
	size_t n = 0;
	buf[0] = '\0';
	/* to the end of the line that holds needle */
	while (n < sizeof(buf) - 1 && (!strstr(buf, needle) || buf[n - 1] != '\n')) {
		size_t r = fread(buf + n, 1, 1, f);
		if (!r)
			break;
		n += r;
		buf[n] = '\0';
	}
	pclose(f);
	return buf;
}

static void
test_watch_paths_and_watch_list(void **state)
{
	struct ta_proc *p = *state;
	if (system("command -v curl >/dev/null 2>&1") != 0)
		skip();
	call_ok(p, "POST", CMS, CT_JSON, "{\"metadata\":{\"name\":\"w\"}}", 201);
	/* the legacy path */
	char *got = watch_until(p, "/api/v1/watch/namespaces/default/configmaps", "ADDED");
	assert_non_null(strstr(got, "{\"type\":\"ADDED\",\"object\":{"));
	got = watch_until(p, "/api/v1/watch/namespaces/default/configmaps/w", "ADDED");
	assert_non_null(strstr(got, "\"name\":\"w\""));
	/* watch-list: the objects, then the bookmark that ends them */
	got = watch_until(p, CMS "?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
			     "&allowWatchBookmarks=true", "initial-events-end");
	assert_non_null(strstr(got, "\"type\":\"ADDED\""));
	char *bm = strstr(got, "\"type\":\"BOOKMARK\"");
	assert_non_null(bm);
	assert_non_null(strstr(bm, "\"k8s.io/initial-events-end\":\"true\""));
	assert_true(strstr(got, "\"type\":\"ADDED\"") < bm);
}

static void
test_table(void **state)
{
	struct ta_proc *p = *state;
	create_widgets_crd(p);
	call_ok(p, "POST", WIDGETS, CT_JSON, "{\"metadata\":{\"name\":\"w1\"},\"spec\":{\"size\":3}}", 201);
	long st;
	char *out = ta_proc_request(p, "GET", WIDGETS, NULL, NULL,
				    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json", &st, NULL);
	assert_int_equal(st, 200);
	cJSON *t = cJSON_Parse(out);
	free(out);
	assert_string_equal(str(t, "kind"), "Table");
	assert_string_equal(str(t, "apiVersion"), "meta.k8s.io/v1");
	assert_string_equal(str(t, "columnDefinitions.0.name"), "Name");
	assert_string_equal(str(t, "columnDefinitions.1.name"), "Size");
	assert_string_equal(str(t, "columnDefinitions.2.name"), "Mode");
	assert_string_equal(str(t, "rows.0.cells.0"), "w1");
	assert_int_equal(at(t, "rows.0.cells.1")->valueint, 3);
	assert_string_equal(str(t, "rows.0.cells.2"), "Uniform");
	assert_string_equal(str(t, "rows.0.object.kind"), "PartialObjectMetadata");
	cJSON_Delete(t);
}

/* ---------------------------------------------------------------- kubectl */

static void
test_kubectl_crd_and_resources(void **state)
{
	struct ta_proc *p = *state;
	if (!ta_have_kubectl())
		skip();
	char args[1200], out[16384], file[256];
	snprintf(args, sizeof(args), "apply -f %s/tests/data/testapi/widgets-crd.yaml", src());
	if (ta_proc_kubectl(p, args, out, sizeof(out)))
		fail_msg("kubectl %s: %s", args, out);
	assert_non_null(strstr(out, "customresourcedefinition.apiextensions.k8s.io/widgets.test.fedstate.io created"));
	/* validation on (no --validate=false), right after the CRD */
	snprintf(file, sizeof(file), "%s/w.yaml", p->dir);
	FILE *f = fopen(file, "w");
	fputs("apiVersion: test.fedstate.io/v1alpha2\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 4}\n", f);
	fclose(f);
	snprintf(args, sizeof(args), "apply -f %s", file);
	if (ta_proc_kubectl(p, args, out, sizeof(out)))
		fail_msg("kubectl %s: %s", args, out);
	assert_non_null(strstr(out, "widget.test.fedstate.io/w1 created"));
	/* apply again with a change: a merge patch */
	f = fopen(file, "w");
	fputs("apiVersion: test.fedstate.io/v1alpha2\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 5, mode: Spread}\n", f);
	fclose(f);
	if (ta_proc_kubectl(p, args, out, sizeof(out)))
		fail_msg("kubectl %s: %s", args, out);
	assert_non_null(strstr(out, "widget.test.fedstate.io/w1 configured"));
	/* the printer columns */
	assert_int_equal(ta_proc_kubectl(p, "get wd", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "NAME   SIZE   MODE     AGE"));
	assert_non_null(strstr(out, "w1     5      Spread"));
	/* the server's 422, shown by kubectl */
	f = fopen(file, "w");
	fputs("apiVersion: test.fedstate.io/v1alpha2\nkind: Widget\nmetadata: {name: w2}\nspec: {size: 40}\n", f);
	fclose(f);
	assert_int_not_equal(ta_proc_kubectl(p, args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "spec.size: Invalid value: 40: spec.size in body should be less than or equal to 9"));
	/* kubectl's default strict validation: unknown fields refused */
	f = fopen(file, "w");
	fputs("apiVersion: test.fedstate.io/v1alpha2\nkind: Widget\nmetadata: {name: w3}\nspec: {size: 1, colour: red}\n", f);
	fclose(f);
	assert_int_not_equal(ta_proc_kubectl(p, args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "unknown field \"spec.colour\""));
	/* a kind no CRD defines: kubectl's mapping error, not a validation
	 * failure (OpenAPI v2, its fallback, is served) */
	f = fopen(file, "w");
	fputs("apiVersion: nowhere.fedstate.io/v1\nkind: Ghost\nmetadata: {name: g}\n", f);
	fclose(f);
	assert_int_not_equal(ta_proc_kubectl(p, args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "no matches for kind \"Ghost\" in version \"nowhere.fedstate.io/v1\""));
	assert_int_equal(ta_proc_kubectl(p, "get crds", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "widgets.test.fedstate.io"));
	assert_int_equal(ta_proc_kubectl(p, "get namespaces", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "STATUS"));
	assert_non_null(strstr(out, "Active"));
}

static void
test_kubectl_apply_kustomize(void **state)
{
	struct ta_proc *p = *state;
	if (!ta_have_kubectl())
		skip();
	char args[1200], out[16384];
	/* on a fresh server a server-side dry run cannot see the namespace
	 * it would create: NotFound, as against a real cluster */
	snprintf(args, sizeof(args), "apply --dry-run=server -k %s/tests/data/testapi/kustomize", src());
	assert_int_not_equal(ta_proc_kubectl(p, args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "namespaces \"fs-test\" not found"));
	assert_int_equal(ta_proc_kubectl(p, "get namespace fs-test", out, sizeof(out)), 1);
	snprintf(args, sizeof(args), "apply -k %s/tests/data/testapi/kustomize", src());
	if (ta_proc_kubectl(p, args, out, sizeof(out)))
		fail_msg("kubectl %s: %s", args, out);
	static const char *const made[] = {
		"namespace/fs-test created", "serviceaccount/fs-ops created",
		"role.rbac.authorization.k8s.io/fs-ops created",
		"clusterrole.rbac.authorization.k8s.io/fs-ops created",
		"rolebinding.rbac.authorization.k8s.io/fs-ops created",
		"clusterrolebinding.rbac.authorization.k8s.io/fs-ops created",
		"service/fs-ops-metrics created", "deployment.apps/fs-ops created",
		"poddisruptionbudget.policy/fs-ops created"};
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		if (!strstr(out, made[i]))
			fail_msg("kubectl apply -k: no \"%s\" in:\n%s", made[i], out);
	assert_non_null(strstr(out, "configmap/fs-config-"));
	assert_non_null(strstr(out, "secret/fs-kubeconfig-"));
	/* now the dry run passes and changes nothing */
	long st;
	char *before = ta_proc_get(p, "/_testapi/stats", &st);
	snprintf(args, sizeof(args), "apply --dry-run=server -k %s/tests/data/testapi/kustomize", src());
	if (ta_proc_kubectl(p, args, out, sizeof(out)))
		fail_msg("kubectl %s: %s", args, out);
	assert_non_null(strstr(out, "(server dry run)"));
	char *after = ta_proc_get(p, "/_testapi/stats", &st);
	assert_string_equal(strstr(before, "\"rv\""), strstr(after, "\"rv\""));
	free(before);
	free(after);
	/* a second apply of the same files changes nothing (kubectl always
	 * patches a PDB's selector, patchStrategy=replace: that one says
	 * configured against any server) */
	snprintf(args, sizeof(args), "apply -k %s/tests/data/testapi/kustomize", src());
	assert_int_equal(ta_proc_kubectl(p, args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "deployment.apps/fs-ops unchanged"));
	assert_non_null(strstr(out, "service/fs-ops-metrics unchanged"));
	assert_non_null(strstr(out, "rolebinding.rbac.authorization.k8s.io/fs-ops unchanged"));
	assert_int_equal(ta_proc_kubectl(p, "-n fs-test get deploy fs-ops -o jsonpath={.spec.template.spec.containers[1].name}",
				 out, sizeof(out)), 0);
	assert_string_equal(out, "sidecar");
	assert_int_equal(ta_proc_kubectl(p, "-n fs-test get svc fs-ops-metrics -o jsonpath={.spec.clusterIP}",
				 out, sizeof(out)), 0);
	assert_non_null(strstr(out, "10.96."));
	/* and kubectl delete -k: every kind answers as kubectl expects */
	snprintf(args, sizeof(args), "delete -k %s/tests/data/testapi/kustomize", src());
	if (ta_proc_kubectl(p, args, out, sizeof(out)))
		fail_msg("kubectl %s: %s", args, out);
	assert_non_null(strstr(out, "deployment.apps \"fs-ops\" deleted"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_crd_through_the_api, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_karmada_bindings_prefer_v1alpha2, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_schema_defaults_and_validation, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_create_with_resource_version, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_namespace_lifecycle, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_field_selectors, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_dry_run, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_delete_answers, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_typed_lists_and_generation, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_pages_are_a_snapshot, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_resource_version_match, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_patch_types, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_watch_paths_and_watch_list, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_table, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_kubectl_crd_and_resources, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_kubectl_apply_kustomize, ta_proc_setup, ta_proc_teardown),
	};
	return cmocka_run_group_tests_name("testapi_fidelity", tests, NULL, NULL);
}
