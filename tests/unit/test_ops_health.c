/*
 * test_ops_health.c - status aggregation asks a middleware plugin's
 * interpret_health about each member Karmada could not judge, and hands
 * the answers to aggregate_status in the binding's aggregatedStatus
 * (core/ops/health.c). Fixture plugins: tests/plugins/healthmw.c (has
 * interpret_health), crashmw.c (has none).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/plugin_harness.h"
#include "ops/ops.h"
#include "runtime/runtime.h"
#include "util/buf.h"

static struct fs_registry reg;
static struct fs_ops_config *cfg;
static struct fs_ops *ops;

static const char *const object_json =
	"{\"apiVersion\":\"test.fedstate.io/v1\",\"kind\":\"Probe\","
	"\"metadata\":{\"name\":\"p1\",\"namespace\":\"ns1\",\"uid\":\"u-1\"}}";
static const char *const placement_json =
	"[{\"cluster\":\"a\",\"replicas\":1},{\"cluster\":\"b\",\"replicas\":1}]";

/* a binding of Probe ns1/p1-member with these aggregatedStatus items */
static cJSON *
binding_with(const char *items)
{
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "{\"apiVersion\":\"work.karmada.io/v1alpha2\",\"kind\":\"ResourceBinding\","
		      "\"metadata\":{\"name\":\"p1-member\",\"namespace\":\"ns1\"},"
		      "\"spec\":{\"resource\":{\"apiVersion\":\"test.fedstate.io/v1\","
		      "\"kind\":\"ProbeMember\",\"name\":\"p1-member\",\"namespace\":\"ns1\"}},"
		      "\"status\":{\"aggregatedStatus\":%s}}", items);
	cJSON *j = cJSON_Parse(b.data);
	fs_buf_release(&b);
	assert_non_null(j);
	return j;
}

/* the status fs_ops_status gives (compact JSON, caller frees) */
static char *
status_of(const char *kind, const cJSON *binding, const cJSON *existing)
{
	const struct fs_ops_mw *mw = fs_ops_find(ops, "test.fedstate.io/v1", kind);
	assert_non_null(mw);
	cJSON *obj = cJSON_Parse(object_json), *pl = cJSON_Parse(placement_json);
	struct fs_ops_input in = {.object = obj, .placement = pl, .binding = binding,
				  .existing = existing};
	struct fs_ops_output out;
	char err[1024] = "";
	enum fs_code rc = fs_ops_status(mw, &in, &out, err, sizeof err);
	if (rc != FS_OK)
		fail_msg("fs_ops_status: %s", err);
	char *s = cJSON_PrintUnformatted(out.status);
	fs_ops_output_release(&out);
	cJSON_Delete(obj);
	cJSON_Delete(pl);
	return s;
}

static void
test_health_filled_where_karmada_had_none(void **st)
{
	(void)st;
	cJSON *b = binding_with(
		"[{\"clusterName\":\"a\",\"applied\":true,\"status\":{\"ready\":true}},"
		"{\"clusterName\":\"b\",\"health\":\"Unknown\",\"status\":{\"ready\":false}},"
		"{\"clusterName\":\"c\",\"health\":\"Healthy\",\"status\":{\"ready\":false}},"
		"{\"clusterName\":\"d\",\"applied\":false},"
		"{\"clusterName\":\"e\",\"status\":{}}]");
	char *before = cJSON_PrintUnformatted(b);
	char *s = status_of("Probe", b, NULL);
	/* a, b asked; c is Karmada's answer; d reported nothing; e the
	 * plugin could not tell (FS_E_INVAL): left as it was */
	assert_string_equal(s,
		"{\"members\":["
		"{\"cluster\":\"a\",\"health\":\"Healthy\",\"reason\":\"ready (ProbeMember p1-member, spec.size -1)\"},"
		"{\"cluster\":\"b\",\"health\":\"Unhealthy\",\"reason\":\"not ready (ProbeMember p1-member, spec.size -1)\"},"
		"{\"cluster\":\"c\",\"health\":\"Healthy\"},"
		"{\"cluster\":\"d\"},"
		"{\"cluster\":\"e\"}]}");
	/* the caller's binding is not touched */
	char *after = cJSON_PrintUnformatted(b);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(s);
	cJSON_Delete(b);
}

static void
test_member_spec_from_rendered_template(void **st)
{
	(void)st;
	cJSON *b = binding_with("[{\"clusterName\":\"a\",\"status\":{\"ready\":true}}]");
	cJSON *existing = cJSON_Parse(
		"[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"p1-member\","
		"\"namespace\":\"ns1\"},\"data\":{}},"
		"{\"apiVersion\":\"test.fedstate.io/v1\",\"kind\":\"ProbeMember\",\"metadata\":"
		"{\"name\":\"p1-member\",\"namespace\":\"ns1\"},\"spec\":{\"size\":3}}]");
	char *s = status_of("Probe", b, existing);
	assert_non_null(strstr(s, "\"reason\":\"ready (ProbeMember p1-member, spec.size 3)\""));
	free(s);
	cJSON_Delete(existing);
	cJSON_Delete(b);
}

static void
test_plugin_without_interpret_health_gets_binding_as_is(void **st)
{
	(void)st;
	/* crashmw has no interpret_health: nothing is asked or changed (its
	 * status ignores the binding; the call must simply work) */
	const struct fs_ops_mw *mw = fs_ops_find(ops, "test.fedstate.io/v1", "Boom");
	assert_non_null(mw);
	assert_null(mw->ops->interpret_health);
	cJSON *b = binding_with("[{\"clusterName\":\"a\",\"status\":{\"ready\":true}}]");
	char *s = status_of("Boom", b, NULL);
	assert_string_equal(s, "{\"state\":\"Health\"}");
	free(s);
	cJSON_Delete(b);
}

static int
setup(void **st)
{
	(void)st;
	char dir[4096];
	if (!realpath(ph_build_path("tests/plugins"), dir))
		return -1;
	struct fs_buf t = FS_BUF_INIT;
	fs_buf_printf(&t, "apiVersion: config.fedstate.io/v1alpha1\nkind: OpsConfiguration\n"
		      "pluginDirs: [\"%s\"]\nmiddlewares: [{name: healthmw}, {name: crashmw}]\n", dir);
	struct fs_diags d = FS_DIAGS_INIT;
	enum fs_code rc = fs_ops_config_load_mem("ops.yaml", t.data, t.len, &cfg, &d);
	fs_buf_release(&t);
	if (rc == FS_OK) {
		fs_registry_init(&reg);
		reg.env = fs_runtime_env(ph_runtime());
		rc = fs_ops_open(&reg, cfg, NULL, 0, &ops, &d);
	}
	fs_diags_print(&d, stderr);
	fs_diags_release(&d);
	return rc == FS_OK ? 0 : -1;
}

static int
teardown(void **st)
{
	(void)st;
	fs_ops_close(ops);
	fs_ops_config_free(cfg);
	fs_registry_release(&reg);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_health_filled_where_karmada_had_none),
		cmocka_unit_test(test_member_spec_from_rendered_template),
		cmocka_unit_test(test_plugin_without_interpret_health_gets_binding_as_is),
	};
	return cmocka_run_group_tests_name("ops_health", tests, setup, teardown);
}
