/*
 * test_sdk.c - the public plugin helpers <fedstate/args.h> and
 * <fedstate/objects.h>, compiled here the way a plugin compiles them
 * (static inline over `fs_host`), against the real host table.
 *
 * Messages are asserted whole: they are what admins read. The last test
 * loads the built plugins that take args and checks that they all answer
 * through these helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fedstate/fedstate.h>
#include <fedstate/args.h>
#include <fedstate/objects.h>

#include "runtime/runtime.h"
#include "lib/plugin_harness.h"
#include "plugin/loader.h"

/* what FS_PLUGIN_DEFINE defines in a plugin */
const struct fs_host *fs_host;

/* ------------------------------------------------------------ helpers */

struct conf {
	const char *label;
	bool probe;
	int64_t port;
	uint64_t every_ms;
	int mode;
	int64_t custom;
};

static const char *const modes[] = {"allow", "filter", NULL};

static enum fs_code
parse_even(void *conf, const struct fs_json *v, char *err, size_t errlen)
{
	int64_t n;
	if (!fs_host->json_int(v, &n) || n % 2) {
		char what[64];
		snprintf(err, errlen, "expected an even integer, got %s",
			 fs_json_describe(v, what, sizeof what));
		return FS_E_INVAL;
	}
	((struct conf *)conf)->custom = n;
	return FS_OK;
}

#define ARG(k, t, f, ...) {k, t, offsetof(struct conf, f), __VA_ARGS__}
static const struct fs_arg table[] = {
	ARG("labelKey", FS_ARG_STRING, label, 0, 0, NULL, NULL),
	ARG("probe", FS_ARG_BOOL, probe, 0, 0, NULL, NULL),
	ARG("probePort", FS_ARG_INT, port, 1, 65535, NULL, NULL),
	ARG("interval", FS_ARG_DURATION, every_ms, 100, 3600000, NULL, NULL),
	ARG("mode", FS_ARG_ENUM, mode, 0, 0, modes, NULL),
	ARG("even", FS_ARG_CUSTOM, custom, 0, 0, NULL, parse_even),
};
#define N_TABLE (sizeof table / sizeof table[0])

static const struct conf defaults = {
	.label = "vip", .port = 27017, .every_ms = 10000, .mode = 0,
};

static struct fs_json *
parse(const char *text)
{
	char err[128] = "";
	struct fs_json *v = fs_host->json_parse(text, strlen(text), err, sizeof err);
	if (!v)
		fail_msg("test JSON %s: %s", text, err);
	return v;
}

/* fs_args_parse over `text`; returns the code, conf and message */
static enum fs_code
args(const char *text, struct conf *c, char *err, size_t errlen)
{
	struct fs_json *v = text ? parse(text) : NULL;
	*c = defaults;
	err[0] = '\0';
	enum fs_code rc = fs_args_parse(v, table, N_TABLE, c, err, errlen);
	fs_host->json_free(v);
	return rc;
}

static void
assert_args_ok(const char *text, struct conf *c)
{
	char err[512];
	if (args(text, c, err, sizeof err) != FS_OK)
		fail_msg("args %s: unexpected error: %s", text, err);
}

static void
assert_args_error(const char *text, const char *want)
{
	struct conf c;
	char err[512];
	assert_int_equal(args(text, &c, err, sizeof err), FS_E_CONFIG);
	assert_string_equal(err, want);
}

/* compact JSON text of v; v is freed */
static char *
print_free(struct fs_json *v)
{
	assert_non_null(v);
	char *s = fs_host->json_print(v, false);
	fs_host->json_free(v);
	assert_non_null(s);
	return s;
}

static void
assert_json(struct fs_json *v, const char *want)
{
	char *s = print_free(v);
	assert_string_equal(s, want);
	fs_host->free(s);
}

/* ------------------------------------------------------------ args.h */

static void
test_args_absent_keep_defaults(void **st)
{
	(void)st;
	struct conf c;
	char err[128];
	assert_int_equal(args(NULL, &c, err, sizeof err), FS_OK);
	assert_memory_equal(&c, &defaults, sizeof c);
	assert_int_equal(args("null", &c, err, sizeof err), FS_OK);
	assert_memory_equal(&c, &defaults, sizeof c);
	assert_int_equal(args("{}", &c, err, sizeof err), FS_OK);
	assert_memory_equal(&c, &defaults, sizeof c);
	assert_string_equal(err, "");
}

static void
test_args_every_type(void **st)
{
	(void)st;
	struct conf c;
	assert_args_ok("{\"labelKey\":\"zone\",\"probe\":true,\"probePort\":80,"
		       "\"interval\":\"59m30s\",\"mode\":\"filter\",\"even\":42}", &c);
	/* strings come back interned: equal text, equal pointer */
	assert_ptr_equal(c.label, fs_host->intern("zone", (size_t)-1));
	assert_true(c.probe);
	assert_int_equal(c.port, 80);
	assert_int_equal(c.every_ms, 3570000);
	assert_int_equal(c.mode, 1);
	assert_int_equal(c.custom, 42);
	/* a duration may be integer milliseconds */
	assert_args_ok("{\"interval\":250}", &c);
	assert_int_equal(c.every_ms, 250);
}

static void
test_args_type_and_range_messages(void **st)
{
	(void)st;
	assert_args_error("{\"probePort\":70000}", "probePort: 70000 is out of range (1-65535)");
	assert_args_error("{\"probePort\":\"80\"}",
			  "probePort: expected an integer, got string \"80\"");
	assert_args_error("{\"probePort\":1.5}", "probePort: expected an integer, got number 1.5");
	assert_args_error("{\"probe\":\"yes\"}", "probe: expected true or false, got string \"yes\"");
	assert_args_error("{\"labelKey\":\"\"}", "labelKey: must not be empty");
	assert_args_error("{\"labelKey\":[]}", "labelKey: expected a string, got array");
	assert_args_error("{\"mode\":\"nope\"}",
			  "mode: expected one of \"allow\", \"filter\"; got \"nope\"");
	assert_args_error("{\"even\":3}", "even: expected an even integer, got integer 3");
	assert_args_error("[1]", "args: expected an object, got array");
	assert_args_error("\"x\"", "args: expected an object, got string \"x\"");
}

static void
test_args_duration_messages(void **st)
{
	(void)st;
	assert_args_error("{\"interval\":\"5x\"}",
			  "interval: invalid duration \"5x\": unknown unit \"x\" (use ms, "
			  "s, m or h, e.g. \"30s\" or \"1h30m\")");
	assert_args_error("{\"interval\":\"5\"}",
			  "interval: invalid duration \"5\": missing unit (use ms, s, m "
			  "or h, e.g. \"30s\" or \"1h30m\")");
	assert_args_error("{\"interval\":\"\"}",
			  "interval: empty duration (expected e.g. \"30s\")");
	assert_args_error("{\"interval\":\"s\"}",
			  "interval: invalid duration \"s\": expected a number at \"s\" "
			  "(e.g. \"30s\", \"5m\", \"1h30m\")");
	assert_args_error("{\"interval\":-5}", "interval: duration -5 ms is negative");
	assert_args_error("{\"interval\":\"50ms\"}",
			  "interval: 50 ms is out of range (100-3600000 ms)");
	assert_args_error("{\"interval\":true}",
			  "interval: expected a duration (\"30s\") or integer "
			  "milliseconds, got true");
	assert_args_error("{\"interval\":\"99999999999h\"}",
			  "interval: invalid duration \"99999999999h\": too long");
}

static void
test_args_unknown_keys(void **st)
{
	(void)st;
	assert_args_error("{\"probeport\":1}",
			  "unknown key 'probeport' (did you mean 'probePort'?)");
	assert_args_error("{\"PROBE\":true}", "unknown key 'PROBE' (did you mean 'probe'?)");
	assert_args_error("{\"zzz\":1}", "unknown key 'zzz' (known keys: labelKey, probe, "
			  "probePort, interval, mode, even)");
	/* the list is cut, never overflowed, in a short buffer */
	struct conf c;
	char err[24];
	assert_int_equal(args("{\"zzz\":1}", &c, err, sizeof err), FS_E_CONFIG);
	assert_string_equal(err, "unknown key 'zzz' (know");
}

static void
test_duration_parse_and_format(void **st)
{
	(void)st;
	static const struct {
		const char *text;
		uint64_t ms;
		const char *back;
	} cases[] = {
		{"0", 0, "0ms"},       {"250ms", 250, "250ms"}, {"1.5s", 1500, "1500ms"},
		{"30s", 30000, "30s"}, {"5m", 300000, "5m"},    {"1h30m", 5400000, "1h30m"},
		{"2h0m5s", 7205000, "2h5s"}, {"0.5ms", 0, "0ms"},
	};
	char err[160], buf[32];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint64_t ms = 12345;
		assert_true(fs_duration_parse(cases[i].text, &ms, err, sizeof err));
		assert_int_equal(ms, cases[i].ms);
		assert_string_equal(fs_duration_format(ms, buf, sizeof buf), cases[i].back);
		/* what format writes parses back to the same value */
		uint64_t again = 1;
		assert_true(fs_duration_parse(buf, &again, err, sizeof err));
		assert_int_equal(again, ms);
	}
	uint64_t ms = 7;
	assert_false(fs_duration_parse("1h-5m", &ms, err, sizeof err));
	assert_int_equal(ms, 7);
}

static void
test_args_distance(void **st)
{
	(void)st;
	assert_int_equal(fs_args_distance("probe", "probe"), 0);
	assert_int_equal(fs_args_distance("probeport", "probePort"), 1);
	assert_int_equal(fs_args_distance("", "abc"), 3);
	assert_int_equal(fs_args_distance("kitten", "sitting"), 3);
	char longer[80];
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	assert_int_equal(fs_args_distance(longer, "a"), 99);
}

/* ------------------------------------------------------------ objects.h */

static void
test_obj_new_and_selector(void **st)
{
	(void)st;
	struct fs_json *labels = fs_json_object();
	fs_obj_set_str(labels, "app", "db");
	struct fs_json *svc = fs_obj_new("v1", "Service", "db-0", labels);
	struct fs_json *spec = fs_obj_set_obj(svc, "spec");
	fs_obj_set_str(spec, "type", "NodePort");
	fs_obj_set_bool(spec, "publishNotReadyAddresses", true);
	struct fs_json *port = fs_json_object();
	fs_obj_set_int(port, "port", 27017);
	assert_true(fs_arr_push(fs_obj_set_arr(spec, "ports"), port));
	assert_json(svc, "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":"
			 "{\"name\":\"db-0\",\"labels\":{\"app\":\"db\"}},\"spec\":"
			 "{\"type\":\"NodePort\",\"publishNotReadyAddresses\":true,"
			 "\"ports\":[{\"port\":27017}]}}");

	assert_json(fs_obj_new("v1", "ConfigMap", "c", NULL),
		    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}");
	assert_json(fs_obj_selector("apps/v1", "StatefulSet", "r", NULL),
		    "{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"name\":\"r\"}");
	assert_json(fs_obj_selector("v1", "Service", "s", "ns1"),
		    "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"name\":\"s\","
		    "\"namespace\":\"ns1\"}");
}

static void
test_karmada_policies(void **st)
{
	(void)st;
	struct fs_json *pl = NULL;
	struct fs_json *pol = fs_obj_propagation_policy(
		"db-pp", NULL, fs_arr_of_str("m1"),
		fs_obj_selector("apps/v1", "StatefulSet", "db", "ns1"), &pl);
	assert_non_null(pl);
	struct fs_json *list = fs_obj_static_weights(pl);
	assert_true(fs_obj_static_weight(list, "m1", 2));
	assert_true(fs_obj_static_weight(list, "m2", 1));
	assert_json(pol, "{\"apiVersion\":\"policy.karmada.io/v1alpha1\","
			 "\"kind\":\"PropagationPolicy\",\"metadata\":{\"name\":\"db-pp\"},"
			 "\"spec\":{\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"m1\"]},"
			 "\"replicaScheduling\":{\"replicaDivisionPreference\":\"Weighted\","
			 "\"replicaSchedulingType\":\"Divided\",\"weightPreference\":"
			 "{\"staticWeightList\":[{\"targetCluster\":{\"clusterNames\":[\"m1\"]},"
			 "\"weight\":2},{\"targetCluster\":{\"clusterNames\":[\"m2\"]},"
			 "\"weight\":1}]}}},\"resourceSelectors\":[{\"apiVersion\":\"apps/v1\","
			 "\"kind\":\"StatefulSet\",\"name\":\"db\",\"namespace\":\"ns1\"}]}}");

	struct fs_json *labels = fs_json_object();
	fs_obj_set_str(labels, "app", "db");
	assert_json(fs_obj_override_policy("db-init", labels, "m2",
					   fs_obj_plaintext("add", "/spec/rsInit",
							    fs_host->json_new(FS_JSON_TRUE)),
					   fs_obj_selector("v1", "Service", "s", NULL)),
		    "{\"apiVersion\":\"policy.karmada.io/v1alpha1\",\"kind\":\"OverridePolicy\","
		    "\"metadata\":{\"name\":\"db-init\",\"labels\":{\"app\":\"db\"}},"
		    "\"spec\":{\"overrideRules\":[{\"overriders\":{\"plaintext\":"
		    "[{\"operator\":\"add\",\"path\":\"/spec/rsInit\",\"value\":true}]},"
		    "\"targetCluster\":{\"clusterNames\":[\"m2\"]}}],\"resourceSelectors\":"
		    "[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"name\":\"s\"}]}}");
	/* "remove" carries no value */
	assert_json(fs_obj_plaintext("remove", "/spec/x", NULL),
		    "{\"plaintext\":[{\"operator\":\"remove\",\"path\":\"/spec/x\"}]}");
	/* a NULL placement pointer is allowed */
	assert_json(fs_obj_propagation_policy("p", NULL, fs_json_array(),
					      fs_obj_selector("v1", "ConfigMap", "c", NULL),
					      NULL),
		    "{\"apiVersion\":\"policy.karmada.io/v1alpha1\",\"kind\":\"PropagationPolicy\","
		    "\"metadata\":{\"name\":\"p\"},\"spec\":{\"placement\":{\"clusterAffinity\":"
		    "{\"clusterNames\":[]}},\"resourceSelectors\":[{\"apiVersion\":\"v1\","
		    "\"kind\":\"ConfigMap\",\"name\":\"c\"}]}}");
}

static void
test_obj_setters_replace_and_null(void **st)
{
	(void)st;
	struct fs_json *o = fs_json_object();
	assert_true(fs_obj_set_int(o, "n", 1));
	assert_true(fs_obj_set_int(o, "n", 2)); /* replaces, no second key */
	assert_true(fs_obj_set_str(o, "s", NULL)); /* stored as "", not skipped */
	struct fs_json *a = fs_obj_set_arr(o, "a");
	assert_true(fs_arr_push_str(a, "x"));
	assert_true(fs_arr_push_str(a, NULL));
	assert_true(fs_obj_set(o, "one", fs_arr_of_str("m1")));
	assert_json(o, "{\"n\":2,\"s\":\"\",\"a\":[\"x\",\"\"],\"one\":[\"m1\"]}");
}

static void
test_obj_setters_on_wrong_parent(void **st)
{
	(void)st;
	/* no crash, no leak (valgrind run), and no dangling child pointer */
	struct fs_json *arr = fs_json_array();
	assert_null(fs_obj_set_obj(arr, "k"));
	assert_null(fs_obj_set_arr(NULL, "k"));
	assert_false(fs_obj_set_str(arr, "k", "v"));
	assert_false(fs_obj_set(NULL, "k", fs_json_object()));
	assert_false(fs_obj_set(arr, "k", NULL));
	struct fs_json *obj = fs_json_object();
	assert_false(fs_arr_push(obj, fs_json_object()));
	assert_false(fs_arr_push_str(NULL, "x"));
	/* the refused children were freed; the parents did not change */
	assert_json(arr, "[]");
	assert_json(obj, "{}");
}

static void
test_obj_dup_and_reading(void **st)
{
	(void)st;
	struct fs_json *v = parse("{\"metadata\":{\"name\":\"m\",\"labels\":{\"a\":\"1\"},"
				  "\"generation\":3},\"list\":[1]}");
	struct fs_json *l = fs_obj_dup(fs_host->json_path(v, "metadata.labels"));
	fs_obj_set_str(l, "b", "2");
	assert_json(l, "{\"a\":\"1\",\"b\":\"2\"}");
	/* the copy is deep: the source did not change */
	assert_null(fs_json_str_at(v, "metadata.labels.b"));
	assert_json(fs_obj_dup(NULL), "{}");
	assert_json(fs_obj_dup(fs_host->json_get(v, "list")), "{}");

	assert_string_equal(fs_json_str_at(v, "metadata.name"), "m");
	assert_null(fs_json_str_at(v, "metadata.generation")); /* not a string */
	assert_null(fs_json_str_at(v, "metadata.missing"));
	assert_null(fs_json_str_at(NULL, "metadata.name"));
	fs_host->json_free(v);
}

static void
test_json_int_at(void **st)
{
	(void)st;
	struct fs_json *v = parse("{\"spec\":{\"n\":7,\"low\":-2,\"s\":\"many\","
				  "\"f\":1.5,\"big\":5000000000}}");
	char err[128];
	int64_t n = 99;
	assert_true(fs_json_int_at(v, "spec.n", 1, 1000, &n, err, sizeof err));
	assert_int_equal(n, 7);
	assert_true(fs_json_int_at(v, "spec.n", 7, 7, &n, err, sizeof err));
	static const struct {
		const char *path, *want;
	} bad[] = {
		{"spec.low", "spec.low: expected integer 1..1000, got -2"},
		{"spec.big", "spec.big: expected integer 1..1000, got 5000000000"},
		{"spec.s", "spec.s: expected integer 1..1000, got string \"many\""},
		{"spec.f", "spec.f: expected integer 1..1000, got number 1.5"},
		{"spec", "spec: expected integer 1..1000, got object"},
		{"spec.none", "spec.none: expected integer 1..1000, got nothing"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		n = 99;
		assert_false(fs_json_int_at(v, bad[i].path, 1, 1000, &n, err, sizeof err));
		assert_string_equal(err, bad[i].want);
		assert_int_equal(n, 99);
	}
	fs_host->json_free(v);
}

static void
test_json_describe(void **st)
{
	(void)st;
	static const struct {
		const char *json;
		const char *want;
	} cases[] = {
		{"null", "null"},
		{"true", "true"},
		{"false", "false"},
		{"5", "integer 5"},
		{"-0.25", "number -0.25"},
		{"\"x\"", "string \"x\""},
		{"\"0123456789012345678901234567890123456789abc\"",
		 "string \"0123456789012345678901234567890123456789\"..."},
		{"[]", "array"},
		{"{}", "object"},
	};
	char buf[64];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct fs_json *v = parse(cases[i].json);
		assert_string_equal(fs_json_describe(v, buf, sizeof buf), cases[i].want);
		fs_host->json_free(v);
	}
	assert_string_equal(fs_json_describe(NULL, buf, sizeof buf), "nothing");
}

/* ------------------------------------------------------------ plugins */

static void
test_plugins_share_the_checks(void **st)
{
	(void)st;
	static const char *const names[] = {
		"example", "vip", "storageclass", "mongo-spread", "estimator",
		"mongodb", "redis",
	};
	char err[2048];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct fs_plugin *p = NULL;
		/* not an object: one line, never a crash */
		assert_int_equal(ph_try_load(names[i], "[1]", &p, err, sizeof err),
				 FS_E_PLUGIN);
		if (!strstr(err, "initialization failed: args: expected an object, got array"))
			fail_msg("%s: %s", names[i], err);
		assert_int_equal(ph_try_load(names[i], "{\"zzzzzzzz\": 1}", &p, err,
					     sizeof err), FS_E_PLUGIN);
		if (!strstr(err, "initialization failed: unknown key 'zzzzzzzz' (known keys: "))
			fail_msg("%s: %s", names[i], err);
		assert_null(p);
	}
	ph_retire_all();
}

static int
setup(void **st)
{
	(void)st;
	fs_host = fs_host_table();
	return fs_host ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_absent_keep_defaults),
		cmocka_unit_test(test_args_every_type),
		cmocka_unit_test(test_args_type_and_range_messages),
		cmocka_unit_test(test_args_duration_messages),
		cmocka_unit_test(test_args_unknown_keys),
		cmocka_unit_test(test_duration_parse_and_format),
		cmocka_unit_test(test_args_distance),
		cmocka_unit_test(test_obj_new_and_selector),
		cmocka_unit_test(test_karmada_policies),
		cmocka_unit_test(test_obj_setters_replace_and_null),
		cmocka_unit_test(test_obj_setters_on_wrong_parent),
		cmocka_unit_test(test_obj_dup_and_reading),
		cmocka_unit_test(test_json_int_at),
		cmocka_unit_test(test_json_describe),
		cmocka_unit_test(test_plugins_share_the_checks),
	};
	return cmocka_run_group_tests_name("sdk", tests, setup, NULL);
}
