/*
 * test_ops.c - the ops core on its own: the schedulerResult decoder, the
 * OpsConfiguration validator, render stamping and emit checks, the prune
 * set, ordering, YAML output and the offline NodePort allocator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/runtime.h"
#include "lib/plugin_harness.h"
#include "model/schedresult.h"
#include "ops/config.h"
#include "ops/object.h"
#include "ops/ops.h"
#include "ops/render.h"
#include "ops/yaml_out.h"
#include "plugin/host_json.h"
#include "util/buf.h"

static enum fs_code
parse(const char *text, cJSON **out, char *err, size_t n)
{
	return fs_schedresult_parse("schedulerResult", text, strlen(text), out, err, n);
}

static void
placement_ok(void **state)
{
	(void)state;
	cJSON *p;
	char err[512];
	assert_int_equal(parse("{\"ClusterWithReplicaset\":[{\"cluster\":\"10-29-14-21\","
			       "\"replicaset\":4},{\"cluster\":\"10-29-14-25\","
			       "\"replicaset\":1,\"arbiter\":true}]}",
			       &p, err, sizeof err),
			 FS_OK);
	char *s = cJSON_PrintUnformatted(p);
	assert_string_equal(s, "[{\"cluster\":\"10-29-14-21\",\"replicas\":4,\"arbiter\":false},"
			       "{\"cluster\":\"10-29-14-25\",\"replicas\":1,\"arbiter\":true}]");
	free(s);
	cJSON_Delete(p);
	/* the mw.h array form, as --placement accepts it */
	assert_int_equal(parse("[{\"cluster\":\"a\",\"replicas\":2}]", &p, err, sizeof err),
			 FS_OK);
	assert_int_equal(cJSON_GetArraySize(p), 1);
	cJSON_Delete(p);
	assert_int_equal(parse("{\"ClusterWithReplicaset\":[]}", &p, err, sizeof err), FS_OK);
	assert_int_equal(cJSON_GetArraySize(p), 0);
	cJSON_Delete(p);
}

static void
placement_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum fs_code code;
		const char *msg;
	} cases[] = {
		{"", FS_E_PARSE, "schedulerResult: invalid JSON at offset 0"},
		{"{\"ClusterWithReplicaset\":[{\"cluster\":\"a\",}]}", FS_E_PARSE,
		 "schedulerResult: invalid JSON at offset 42 (near \"]}\"); hint: expected "
		 "{\"ClusterWithReplicaset\":[{\"cluster\":\"<name>\",\"replicaset\":<n>}]}"},
		{"{\"ClusterWithReplicaset\":7}", FS_E_INVAL,
		 "schedulerResult: ClusterWithReplicaset: expected array, got number"},
		{"{\"ClusterWithReplicaset\":[3]}", FS_E_INVAL,
		 "schedulerResult: ClusterWithReplicaset[0]: expected object, got number"},
		{"{\"ClusterWithReplicaset\":[{\"replicaset\":1}]}", FS_E_INVAL,
		 "schedulerResult: ClusterWithReplicaset[0].cluster: expected non-empty string, got nothing"},
		{"{\"ClusterWithReplicaset\":[{\"cluster\":\"a\",\"replicaset\":-1}]}", FS_E_INVAL,
		 "schedulerResult: ClusterWithReplicaset[0].replicaset: expected integer 0..2147483647, got -1"},
		{"{\"ClusterWithReplicaset\":[{\"cluster\":\"a\",\"replicaset\":1.5}]}", FS_E_INVAL,
		 "schedulerResult: ClusterWithReplicaset[0].replicaset: expected integer 0..2147483647, got 1.5"},
		{"{\"ClusterWithReplicaset\":[{\"cluster\":\"a\"}]}", FS_E_INVAL,
		 "schedulerResult: ClusterWithReplicaset[0].replicaset: expected integer, got nothing"},
		{"{\"ClusterWithReplicaset\":[{\"cluster\":\"a\",\"replicaset\":1,\"arbiter\":\"yes\"}]}",
		 FS_E_INVAL, "schedulerResult: ClusterWithReplicaset[0].arbiter: expected boolean, got string"},
		{"{\"ClusterWithReplicaset\":[{\"cluster\":\"a\",\"replicaset\":1},{\"cluster\":\"a\",\"replicaset\":2}]}",
		 FS_E_EXISTS, "schedulerResult: ClusterWithReplicaset[1].cluster: \"a\" is listed twice"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		cJSON *p = (cJSON *)1;
		char err[512] = "";
		assert_int_equal(parse(cases[i].text, &p, err, sizeof err), cases[i].code);
		assert_null(p);
		if (strncmp(err, cases[i].msg, strlen(cases[i].msg)) != 0)
			fail_msg("case %zu: want \"%s\", got \"%s\"", i, cases[i].msg, err);
	}
}

static void
config_good(void **state)
{
	(void)state;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_ops_config *c;
	assert_int_equal(fs_ops_config_load(ph_src_path("tests/data/ops/config/good-ops.yaml"),
					    &c, &d),
			 FS_OK);
	assert_int_equal(c->n_dirs, 2);
	assert_true(c->plugin_dirs[0][0] == '/');
	assert_non_null(strstr(c->plugin_dirs[0], "tests/data/ops/config/plugins"));
	assert_string_equal(c->plugin_dirs[1], "/opt/fedstate/plugins");
	assert_int_equal(c->n_mws, 1);
	assert_string_equal(c->mws[0].name, "mongodb");
	assert_string_equal(c->mws[0].kind, "MultiCloudMongoDB");
	assert_null(c->mws[0].group);
	assert_non_null(c->mws[0].args);
	fs_ops_config_free(c);
	fs_diags_release(&d);
}

static void
config_every_problem(void **state)
{
	(void)state;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_ops_config *c = (void *)1;
	assert_int_equal(fs_ops_config_load(ph_src_path("tests/data/ops/config/bad-ops.yaml"),
					    &c, &d),
			 FS_E_CONFIG);
	assert_null(c);
	struct fs_buf all = FS_BUF_INIT;
	for (size_t i = 0; i < d.n; i++) {
		char *s = fs_diag_format(&d.items[i]);
		fs_buf_printf(&all, "%s\n", s);
		free(s);
	}
	static const char *const want[] = {
		"bad-ops.yaml:1:13: apiVersion: expected \"config.fedstate.io/v1alpha1\", got \"config.fedstate.io/v1beta9\"",
		"bad-ops.yaml:3:1: pluginDir: unknown field",
		"bad-ops.yaml:5:9: middlewares[0].name: expected a plugin name of [a-z0-9-]",
		"bad-ops.yaml:7:9: middlewares[0].args: expected object, got array",
		"bad-ops.yaml:8:3: middlewares[1].name: required field is missing",
		"bad-ops.yaml:10:3: middlewares[2].colour: unknown field",
		"bad-ops.yaml:11:9: middlewares[3].name: middleware 'redis' is configured twice (first at middlewares[2])",
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		if (!strstr(all.data, want[i]))
			fail_msg("missing \"%s\" in:\n%s", want[i], all.data);
	assert_int_equal(d.errors, sizeof want / sizeof *want);
	fs_buf_release(&all);
	fs_diags_release(&d);
}

static cJSON *
owner(void)
{
	return cJSON_Parse("{\"apiVersion\":\"middleware.fedstate.io/v1alpha1\","
			   "\"kind\":\"MultiCloudMongoDB\",\"metadata\":{\"name\":\"db\","
			   "\"namespace\":\"ns\",\"uid\":\"u-1\"}}");
}

static void
emit_stamps_and_checks(void **state)
{
	(void)state;
	cJSON *o = owner();
	struct fs_render r;
	char err[256];
	assert_int_equal(fs_render_init(&r, o, NULL, NULL, err, sizeof err), FS_OK);
	cJSON *svc = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"Service\","
				 "\"metadata\":{\"name\":\"db-0\",\"labels\":{\"app\":\"x\"}}}");
	assert_int_equal(fs_render_emit(&r, FS_JSON(svc)), FS_OK);
	cJSON *cr = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
				"\"metadata\":{\"name\":\"free\",\"ownerReferences\":[]}}");
	assert_int_equal(fs_render_emit(&r, FS_JSON(cr)), FS_OK);
	char *s = cJSON_PrintUnformatted(cJSON_GetArrayItem(r.emitted, 0));
	assert_string_equal(s,
		"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"db-0\","
		"\"labels\":{\"app\":\"x\",\"fedstate.io/managed-by\":\"fedstate-ops\","
		"\"fedstate.io/owner-kind\":\"MultiCloudMongoDB\",\"fedstate.io/owner-name\":\"db\","
		"\"fedstate.io/owner-uid\":\"u-1\"},\"namespace\":\"ns\",\"ownerReferences\":"
		"[{\"apiVersion\":\"middleware.fedstate.io/v1alpha1\",\"blockOwnerDeletion\":true,"
		"\"controller\":true,\"kind\":\"MultiCloudMongoDB\",\"name\":\"db\",\"uid\":\"u-1\"}]}}");
	free(s);
	assert_null(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(r.emitted, 1), "metadata"),
		"ownerReferences"));
	assert_int_equal(r.emit_code, FS_OK);
	/* a duplicate, another namespace, no name: refused and remembered */
	cJSON *dup = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"db-0\"}}");
	assert_int_equal(fs_render_emit(&r, FS_JSON(dup)), FS_E_EXISTS);
	assert_string_equal(r.emit_err.data, "render: Service ns/db-0 emitted twice");
	cJSON *far = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":"
				 "{\"name\":\"db-1\",\"namespace\":\"other\"}}");
	assert_int_equal(fs_render_emit(&r, FS_JSON(far)), FS_E_INVAL);
	cJSON *anon = cJSON_Parse("{\"kind\":\"Service\"}");
	assert_int_equal(fs_render_emit(&r, FS_JSON(anon)), FS_E_INVAL);
	assert_int_equal(r.emit_code, FS_E_EXISTS); /* the first failure stays */
	assert_int_equal(cJSON_GetArraySize(r.emitted), 2);
	fs_render_need_pass(&r, "port a");
	fs_render_need_pass(&r, "port b");
	assert_true(r.need_pass);
	assert_string_equal(r.why.data, "port a; port b");
	fs_render_release(&r);
	cJSON_Delete(o);
}

/* names a federated object gives its children are checked as the API
 * server checks them (issue 15: "../../kube-system/secrets/x", "a%2Fb",
 * 300 characters and "UPPER_case" were rendered), and so is every name a
 * plugin emits (an empty one was accepted) */
static void
names_validated(void **state)
{
	(void)state;
	static const struct {
		const char *name, *ns, *want;
	} bad[] = {
		{"../../kube-system/secrets/x", "ns",
		 "federated object MultiCloudMongoDB: metadata.name: Invalid value: "
		 "\"../../kube-system/secrets/x\": a lowercase RFC 1123 subdomain must consist of"},
		{"a%2Fb", "ns", "Invalid value: \"a%2Fb\": a lowercase RFC 1123 subdomain"},
		{"UPPER_case", "ns", "Invalid value: \"UPPER_case\": a lowercase RFC 1123 subdomain"},
		{"a..b", "ns", "a lowercase RFC 1123 subdomain"},
		{"db", "Kube_System", "federated object MultiCloudMongoDB \"db\": metadata.namespace: "
				      "Invalid value: \"Kube_System\": a lowercase RFC 1123 label"},
		{"db", "a.b", "metadata.namespace: Invalid value: \"a.b\""},
	};
	char err[512];
	struct fs_render r;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cJSON *o = owner();
		cJSON *md = cJSON_GetObjectItemCaseSensitive(o, "metadata");
		cJSON_ReplaceItemInObjectCaseSensitive(md, "name", cJSON_CreateString(bad[i].name));
		cJSON_ReplaceItemInObjectCaseSensitive(md, "namespace", cJSON_CreateString(bad[i].ns));
		err[0] = '\0';
		assert_int_equal(fs_render_init(&r, o, NULL, NULL, err, sizeof err), FS_E_INVAL);
		if (!strstr(err, bad[i].want))
			fail_msg("%s/%s: got '%s'", bad[i].ns, bad[i].name, err);
		cJSON_Delete(o);
	}
	/* 300 characters: over 253, and one of 100 is refused too, since
	 * the name goes into label values */
	char longname[301];
	memset(longname, 'a', 300);
	longname[300] = '\0';
	for (size_t len = 300;; len = 100) {
		longname[len] = '\0';
		cJSON *o = owner();
		cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "metadata"),
						       "name", cJSON_CreateString(longname));
		assert_int_equal(fs_render_init(&r, o, NULL, NULL, err, sizeof err), FS_E_INVAL);
		assert_non_null(strstr(err, len == 300 ? "must be no more than 253 characters"
						       : "must be no more than 63 characters"));
		assert_non_null(strstr(err, "...\"")); /* the echo is cut */
		cJSON_Delete(o);
		if (len == 100)
			break;
	}
	/* 63 characters with dots: valid */
	longname[63] = '\0';
	longname[10] = '.';
	cJSON *o = owner();
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "metadata"),
					       "name", cJSON_CreateString(longname));
	assert_int_equal(fs_render_init(&r, o, NULL, NULL, err, sizeof err), FS_OK);
	/* emitted names: empty and invalid refused with the rule */
	cJSON *empty = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"\"}}");
	assert_int_equal(fs_render_emit(&r, FS_JSON(empty)), FS_E_INVAL);
	assert_string_equal(r.emit_err.data, "render: Service: metadata.name: Invalid value: \"\": "
					     "Required value: name is required");
	r.emit_code = FS_OK;
	cJSON *upper = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"Db_0\"}}");
	assert_int_equal(fs_render_emit(&r, FS_JSON(upper)), FS_E_INVAL);
	assert_non_null(strstr(r.emit_err.data, "render: Service: metadata.name: Invalid value: \"Db_0\": "
						"a lowercase RFC 1123 subdomain"));
	assert_int_equal(cJSON_GetArraySize(r.emitted), 0);
	fs_render_release(&r);
	cJSON_Delete(o);
}

static void
lookups(void **state)
{
	(void)state;
	cJSON *o = owner();
	cJSON *clusters = cJSON_Parse("[{\"metadata\":{\"name\":\"a\",\"labels\":{\"vip\":\"1.2.3.4\"}}},"
				      " {\"metadata\":{\"name\":\"b\"}}]");
	cJSON *existing = cJSON_Parse(
		"[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\",\"namespace\":\"ns\"}},"
		" {\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\",\"namespace\":\"x\"},\"spec\":{}}]");
	struct fs_render r;
	char err[256];
	assert_int_equal(fs_render_init(&r, o, clusters, existing, err, sizeof err), FS_OK);
	assert_string_equal(fs_render_cluster_label(&r, "a", "vip"), "1.2.3.4");
	assert_null(fs_render_cluster_label(&r, "b", "vip"));
	assert_null(fs_render_cluster_label(&r, "c", "vip"));
	assert_ptr_equal(fs_render_lookup(&r, "v1", "Service", NULL, "s"),
			 cJSON_GetArrayItem(existing, 0));
	assert_ptr_equal(fs_render_lookup(&r, "v1", "Service", "x", "s"),
			 cJSON_GetArrayItem(existing, 1));
	assert_null(fs_render_lookup(&r, "v1", "ConfigMap", NULL, "s"));
	fs_render_release(&r);
	cJSON *bad = cJSON_Parse("{\"kind\":\"X\"}");
	assert_int_equal(fs_render_init(&r, bad, NULL, NULL, err, sizeof err), FS_E_INVAL);
	assert_non_null(strstr(err, "apiVersion"));
	assert_non_null(strstr(err, "metadata.name"));
	cJSON_Delete(bad);
	cJSON_Delete(o);
	cJSON_Delete(clusters);
	cJSON_Delete(existing);
}

static void
prune_set(void **state)
{
	(void)state;
	cJSON *o = owner();
	cJSON *existing = cJSON_Parse(
		"[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"keep\",\"namespace\":\"ns\","
		"  \"labels\":{\"fedstate.io/managed-by\":\"fedstate-ops\",\"fedstate.io/owner-uid\":\"u-1\"}}},"
		" {\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"gone\",\"namespace\":\"ns\","
		"  \"labels\":{\"fedstate.io/managed-by\":\"fedstate-ops\",\"fedstate.io/owner-uid\":\"u-1\"}}},"
		" {\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"theirs\",\"namespace\":\"ns\","
		"  \"labels\":{\"fedstate.io/managed-by\":\"fedstate-ops\",\"fedstate.io/owner-uid\":\"u-2\"}}},"
		" {\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"away\",\"namespace\":\"other\","
		"  \"labels\":{\"fedstate.io/managed-by\":\"fedstate-ops\",\"fedstate.io/owner-uid\":\"u-1\"}}},"
		" {\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a-gone\",\"namespace\":\"ns\","
		"  \"labels\":{\"fedstate.io/managed-by\":\"fedstate-ops\",\"fedstate.io/owner-uid\":\"u-1\"}}},"
		" {\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"manual\",\"namespace\":\"ns\"}}]");
	cJSON *desired = cJSON_Parse("[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"keep\"}}]");
	cJSON *p = fs_ops_prune(o, existing, desired);
	char *s = cJSON_PrintUnformatted(p);
	assert_string_equal(s, "[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a-gone\",\"namespace\":\"ns\"}},"
			       "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"gone\",\"namespace\":\"ns\"}}]");
	free(s);
	cJSON_Delete(p);
	cJSON_Delete(desired);
	cJSON_Delete(existing);
	cJSON_Delete(o);
}

static void
yaml_output(void **state)
{
	(void)state;
	cJSON *v = cJSON_Parse(
		"{\"z\":1,\"a\":{\"list\":[{\"k\":\"v\",\"b\":[1,2]},\"x\",[]],\"e\":{}},"
		"\"s\":[\"true\",\"2\",\"\",\"host:'1.2.3.4:5'\\nnext\",\"a: b\",\"10.29.5.103:33498\","
		"\"2023-05-25T07:06:26Z\",\"-x\",\"ok value\",\"(x)\",\"1e3\",\"No\"],\"n\":null,\"f\":1.5,\"t\":false}");
	fs_ops_sort_keys(v);
	struct fs_buf b = FS_BUF_INIT;
	fs_ops_yaml_write(&b, v);
	assert_string_equal(b.data,
		"a:\n"
		"  e: {}\n"
		"  list:\n"
		"  - b:\n"
		"    - 1\n"
		"    - 2\n"
		"    k: v\n"
		"  - x\n"
		"  - []\n"
		"f: 1.5\n"
		"\"n\": null\n" /* y/n are booleans to YAML 1.1 readers */
		"s:\n"
		"- \"true\"\n"
		"- \"2\"\n"
		"- \"\"\n"
		"- \"host:'1.2.3.4:5'\\nnext\"\n"
		"- \"a: b\"\n"
		"- 10.29.5.103:33498\n"
		"- \"2023-05-25T07:06:26Z\"\n"
		"- \"-x\"\n"
		"- ok value\n"
		"- \"(x)\"\n"
		"- \"1e3\"\n"
		"- \"No\"\n"
		"t: false\n"
		"z: 1\n");
	fs_buf_release(&b);
	cJSON_Delete(v);
}

static void
object_order(void **state)
{
	(void)state;
	cJSON *arr = cJSON_Parse(
		"[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"b\"}},"
		" {\"apiVersion\":\"policy.karmada.io/v1alpha1\",\"kind\":\"OverridePolicy\",\"metadata\":{\"name\":\"a\"}},"
		" {\"kind\":\"broken\"},"
		" {\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\"}},"
		" {\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"z\"}}]");
	fs_ops_sort_objects(arr);
	struct fs_buf b = FS_BUF_INIT;
	const cJSON *o;
	cJSON_ArrayForEach(o, arr)
	{
		struct fs_ops_ref r;
		if (fs_ops_ref_of(o, &r))
			fs_buf_printf(&b, "%s/%s ", r.kind, r.name);
		else
			fs_buf_adds(&b, "? ");
	}
	assert_string_equal(b.data, "OverridePolicy/a ConfigMap/z Service/a Service/b ? ");
	fs_buf_release(&b);
	cJSON_Delete(arr);
}

static void
nodeports(void **state)
{
	(void)state;
	cJSON *desired = cJSON_Parse(
		"[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\"},"
		"  \"spec\":{\"type\":\"NodePort\",\"ports\":[{\"name\":\"mongo\",\"port\":27017}]}},"
		" {\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"b\",\"namespace\":\"ns\"},"
		"  \"spec\":{\"type\":\"NodePort\",\"ports\":[{\"name\":\"mongo\",\"port\":27017,\"nodePort\":30001}]}},"
		" {\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"c\",\"namespace\":\"ns\"},"
		"  \"spec\":{\"type\":\"ClusterIP\",\"ports\":[{\"port\":1}]}}]");
	cJSON *e1 = cJSON_CreateArray(), *e2 = cJSON_CreateArray();
	assert_int_equal(fs_ops_allocate_nodeports(desired, e1), 1);
	assert_int_equal(fs_ops_allocate_nodeports(desired, e2), 1);
	char *a = cJSON_PrintUnformatted(e1), *b = cJSON_PrintUnformatted(e2);
	assert_string_equal(a, b); /* deterministic */
	const cJSON *np = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(e1, 0), "spec"), "ports"), 0),
		"nodePort");
	assert_true(np->valueint >= 30000 && np->valueint <= 32767);
	/* allocating again finds the port in existing: nothing new */
	cJSON *again = cJSON_Duplicate(e1, 1);
	assert_int_equal(fs_ops_allocate_nodeports(again, e1), 0);
	free(a);
	free(b);
	cJSON_Delete(again);
	cJSON_Delete(e1);
	cJSON_Delete(e2);
	cJSON_Delete(desired);
}

/* an OpsConfiguration text with one plugin dir and the mongodb plugin */
static struct fs_ops_config *
ops_config(const char *dir)
{
	struct fs_buf t = FS_BUF_INIT;
	fs_buf_printf(&t, "apiVersion: config.fedstate.io/v1alpha1\n"
		      "kind: OpsConfiguration\n"
		      "pluginDirs: [\"%s\"]\n"
		      "middlewares: [{name: mongodb}]\n", dir);
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_ops_config *cfg = NULL;
	enum fs_code rc = fs_ops_config_load_mem("ops.yaml", t.data, t.len, &cfg, &d);
	fs_diags_print(&d, stderr);
	assert_int_equal(rc, FS_OK);
	fs_diags_release(&d);
	fs_buf_release(&t);
	return cfg;
}

/* copy src to dst with mode 0755 */
static void
copy_file(const char *src, const char *dst)
{
	FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(chmod(dst, 0755), 0);
}

/* Two ops configs whose pluginDirs differ, open at once in one process
 * (what a reload needs): each finds its own plugin file and both stay
 * usable. With the process-wide registry the second open wiped the first
 * one's dirs and then silently reused the first config's mongodb.so
 * instead of the one in its own pluginDirs. */
static void
two_configs_at_once(void **state)
{
	(void)state;
	char real[4096], tmp[4096], so[4200];
	assert_non_null(realpath(ph_build_path("plugins"), real));
	/* not under /tmp: the loader refuses plugins below a directory
	 * others can write */
	assert_int_equal(ph_plugin_tmpdir(tmp, sizeof tmp, "ops-dirs"), 0);
	assert_int_equal(chmod(tmp, 0755), 0);
	snprintf(so, sizeof so, "%s/mongodb.so", tmp);
	char src[4200];
	snprintf(src, sizeof src, "%s/mongodb.so", real);
	copy_file(src, so);
	struct fs_ops_config *ca = ops_config(real), *cb = ops_config(tmp);
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_ops *a = NULL, *b = NULL;
	struct fs_registry ra, rb; /* one per config, as two runtimes would */
	fs_registry_init(&ra);
	fs_registry_init(&rb);
	ra.env = rb.env = fs_runtime_env(ph_runtime());
	fs_ops_open(&ra, ca, NULL, 0, &a, &d);
	fs_ops_open(&rb, cb, NULL, 0, &b, &d);
	fs_diags_print(&d, stderr);
	assert_int_equal(d.errors, 0);
	assert_non_null(a);
	assert_non_null(b);
	/* both usable: the same kind, each from its own file */
	const struct fs_ops_mw *ma = fs_ops_find(a, "middleware.fedstate.io/v1alpha1",
						 "MultiCloudMongoDB");
	const struct fs_ops_mw *mb = fs_ops_find(b, "middleware.fedstate.io/v1alpha1",
						 "MultiCloudMongoDB");
	assert_non_null(ma);
	assert_non_null(mb);
	assert_string_equal(ma->inst->lp->path, src);
	assert_string_equal(mb->inst->lp->path, so);
	cJSON *obj = cJSON_Parse("{\"apiVersion\":\"middleware.fedstate.io/v1alpha1\","
				 "\"kind\":\"MultiCloudMongoDB\",\"metadata\":{\"name\":\"x\","
				 "\"namespace\":\"n\"},\"spec\":{\"replicaset\":2}}");
	cJSON *placement = cJSON_Parse("[{\"cluster\":\"m1\",\"replicas\":2}]");
	cJSON *clusters = cJSON_Parse("[{\"apiVersion\":\"cluster.karmada.io/v1alpha1\","
				      "\"kind\":\"Cluster\",\"metadata\":{\"name\":\"m1\","
				      "\"labels\":{\"vip\":\"10.0.0.1\"}}}]");
	struct fs_ops_input in = {.object = obj, .placement = placement, .clusters = clusters};
	const struct fs_ops_mw *both[] = {ma, mb};
	for (int i = 0; i < 2; i++) {
		struct fs_ops_output out;
		char err[512] = "";
		enum fs_code rc = fs_ops_render(both[i], &in, &out, err, sizeof err);
		if (rc != FS_OK)
			fail_msg("render through config %d: %s", i, err);
		assert_true(cJSON_GetArraySize(out.desired) > 0);
		fs_ops_output_release(&out);
	}
	cJSON_Delete(clusters);
	cJSON_Delete(placement);
	cJSON_Delete(obj);
	fs_ops_close(a);
	fs_ops_close(b);
	fs_registry_release(&ra);
	fs_registry_release(&rb);
	fs_ops_config_free(ca);
	fs_ops_config_free(cb);
	fs_diags_release(&d);
	unlink(so);
	rmdir(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(placement_ok),
		cmocka_unit_test(placement_errors),
		cmocka_unit_test(config_good),
		cmocka_unit_test(config_every_problem),
		cmocka_unit_test(emit_stamps_and_checks),
		cmocka_unit_test(names_validated),
		cmocka_unit_test(lookups),
		cmocka_unit_test(prune_set),
		cmocka_unit_test(yaml_output),
		cmocka_unit_test(object_order),
		cmocka_unit_test(nodeports),
		cmocka_unit_test(two_configs_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
