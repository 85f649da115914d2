/*
 * test_abi.c - ABI 1.1 and its compatibility promise (issue 14):
 *   - a plugin built against the frozen 1.0 headers (tests/abi-1.0,
 *     tests/plugins/abi10mw.c) loads in this host, at its 1.0 sizes, and
 *     renders and aggregates what it always did;
 *   - render_emit's refusals reach the vendor: in the render error when the
 *     plugin only passes the code on, and in host->last_error(self);
 *   - aggregate_status must hand back an object;
 *   - json_get_mut / fs_obj_metadata / fs_obj_spec complete what the
 *     objects.h builders made;
 *   - boundary structs are accepted from their 1.0 size (fs_http_request),
 *     FS_HAS_FIELD is plain C11 and the headers build a vendor plugin with
 *     -std=c11 -pedantic-errors;
 *   - the loader's codes have one meaning each.
 * The other half, a 1.1 plugin refused by a 1.0 host, is test_abi_host10.
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
#include "ops/ops.h"
#include "plugin/host_json.h"
#include "runtime/runtime.h"
#include "util/buf.h"
#include "util/status.h"

static struct fs_registry reg;
static struct fs_ops_config *cfg;
static struct fs_ops *ops;

static const struct fs_ops_mw *
mw_of(const char *kind)
{
	const struct fs_ops_mw *mw = fs_ops_find(ops, "test.fedstate.io/v1", kind);
	assert_non_null(mw);
	return mw;
}

static cJSON *
object(const char *kind, const char *name)
{
	char text[512];
	snprintf(text, sizeof text,
		 "{\"apiVersion\":\"test.fedstate.io/v1\",\"kind\":\"%s\",\"metadata\":"
		 "{\"name\":\"%s\",\"namespace\":\"ns1\",\"uid\":\"u-1\"}}", kind, name);
	cJSON *o = cJSON_Parse(text);
	assert_non_null(o);
	return o;
}

/* render (status false) or aggregate_status of kind/name through the ops
 * core; the code, err, and the output as compact JSON (caller frees) */
static enum fs_code
call(const char *kind, const char *name, bool status, char *err, size_t errlen,
     char **json)
{
	cJSON *obj = object(kind, name);
	cJSON *pl = cJSON_Parse("[{\"cluster\":\"a\",\"replicas\":2},"
				"{\"cluster\":\"b\",\"replicas\":1}]");
	struct fs_ops_input in = {.object = obj, .placement = pl};
	struct fs_ops_output out;
	err[0] = '\0';
	enum fs_code rc = status ? fs_ops_status(mw_of(kind), &in, &out, err, errlen)
				 : fs_ops_render(mw_of(kind), &in, &out, err, errlen);
	*json = NULL;
	if (rc == FS_OK)
		*json = cJSON_PrintUnformatted(status ? out.status : out.desired);
	fs_ops_output_release(&out);
	cJSON_Delete(obj);
	cJSON_Delete(pl);
	return rc;
}

/* ------------------------------------------------- the 1.0 plugin */

static void
test_abi10_plugin_renders_in_this_host(void **st)
{
	(void)st;
	const struct fs_ops_mw *mw = mw_of("Legacy");
	const struct fs_loaded_plugin *lp = mw->inst->lp;
	/* it really is a 1.0 build: 1.0's minor and 1.0's sizes */
	assert_int_equal(lp->desc.abi_major, 1);
	assert_int_equal(lp->desc.abi_minor, 0);
	assert_int_equal(lp->desc.struct_size,
			 offsetof(struct fs_plugin_desc, host_slot) + sizeof(void *));
	assert_int_equal(lp->mw.struct_size,
			 offsetof(struct fs_mw_ops, interpret_health) + sizeof(void *));
	/* it got this host's (1.1) table, and sees its 1.0 prefix unchanged */
	assert_true(FS_HAS_FIELD(fs_host_table(), last_error));

	char err[1024], *json;
	assert_int_equal(call("Legacy", "db", false, err, sizeof err, &json), FS_OK);
	assert_string_equal(json,
		"[{\"apiVersion\":\"v1\",\"data\":{\"placement\":\"a=2,b=1\",\"total\":\"3\"},"
		"\"kind\":\"ConfigMap\",\"metadata\":{\"labels\":{"
		"\"fedstate.io/managed-by\":\"fedstate-ops\",\"fedstate.io/owner-kind\":\"Legacy\","
		"\"fedstate.io/owner-name\":\"db\",\"fedstate.io/owner-uid\":\"u-1\"},"
		"\"name\":\"db-legacy\",\"namespace\":\"ns1\",\"ownerReferences\":[{"
		"\"apiVersion\":\"test.fedstate.io/v1\",\"blockOwnerDeletion\":true,"
		"\"controller\":true,\"kind\":\"Legacy\",\"name\":\"db\",\"uid\":\"u-1\"}]}}]");
	free(json);
	assert_int_equal(call("Legacy", "db", true, err, sizeof err, &json), FS_OK);
	assert_string_equal(json, "{\"members\":2,\"phase\":\"Ready\"}");
	free(json);
	/* nothing was refused: last_error has nothing to say */
	assert_null(fs_host_table()->last_error(mw->inst));
}

/* built with these headers for 1.0 hosts too (-DFS_PLUGIN_ABI_MINOR=0):
 * declares 1.0, and finds the 1.1 service with FS_HAS_FIELD here */
static void
test_plugin_targeting_1_0_sees_1_1_services(void **st)
{
	(void)st;
	char path[4096], err[1024];
	assert_non_null(realpath(ph_build_path("tests/plugins/target10.so"), path));
	struct fs_registry r;
	fs_registry_init(&r);
	struct fs_loaded_plugin *lp = NULL;
	if (fs_plugin_load_path(&r, path, NULL, &lp, err, sizeof err) != FS_OK)
		fail_msg("%s", err);
	assert_int_equal(lp->desc.abi_minor, 0);
	struct fs_plugin *inst = NULL;
	if (fs_plugin_instantiate(lp, NULL, NULL, fs_runtime_env(ph_runtime()), &inst, err,
				  sizeof err) != FS_OK)
		fail_msg("%s", err);
	const char *reason = NULL;
	assert_int_equal(lp->sched.filter(inst->state, NULL, NULL, &reason), FS_OK);
	assert_string_equal(reason, "1.1 host");
	fs_plugin_retire(inst);
	fs_registry_release(&r);
}

/* ------------------------------------------------- render_emit refusals */

static void
test_emit_refusal_is_the_render_error(void **st)
{
	(void)st;
	static const struct {
		const char *name;
		enum fs_code code;
		const char *err;
	} cases[] = {
		{"no-kind", FS_E_INVAL, "Emit ns1/no-kind: render: emitted object lacks kind; "
		 "expected apiVersion, kind and metadata.name strings"},
		{"string", FS_E_INVAL, "Emit ns1/string: render: emitted a string; expected a "
		 "Kubernetes object ({apiVersion, kind, metadata: {name}})"},
		{"other-ns", FS_E_INVAL, "Emit ns1/other-ns: render: ConfigMap x: "
		 "metadata.namespace \"elsewhere\" differs from the federated object's namespace"},
		{"twice", FS_E_EXISTS, "Emit ns1/twice: render: ConfigMap ns1/x emitted twice"},
		{"bad-name", FS_E_INVAL, "Emit ns1/bad-name: render: ConfigMap: metadata.name: "
		 "Invalid value: \"Not_A_Name\": "},
		{"empty-name", FS_E_INVAL, "Emit ns1/empty-name: render: ConfigMap: metadata.name: "
		 "Invalid value: \"\": Required value: name is required"},
		/* the code ignored: the render still fails, with the reason */
		{"ignore", FS_E_INVAL, "Emit ns1/ignore: render: emitted object lacks kind; "},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char err[1024], *json;
		enum fs_code rc = call("Emit", cases[i].name, false, err, sizeof err, &json);
		if (rc != cases[i].code || strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
			fail_msg("%s: %s (want %s)\n  got:  %s\n  want: %s...", cases[i].name,
				 fs_code_name(rc), fs_code_name(cases[i].code), err, cases[i].err);
		/* never the old "render failed without a message" */
		assert_null(strstr(err, "without a message"));
	}
}

static void
test_last_error_names_the_refusal(void **st)
{
	(void)st;
	char err[1024], *json;
	assert_int_equal(call("Emit", "report", false, err, sizeof err, &json), FS_E_INVAL);
	/* what the plugin read from last_error: the host's reason */
	assert_string_equal(err,
		"Emit ns1/report: refused, last_error says: render: emitted object lacks "
		"kind; expected apiVersion, kind and metadata.name strings");
	const char *le = fs_host_table()->last_error(mw_of("Emit")->inst);
	assert_non_null(le);
	assert_non_null(strstr(le, "render: emitted object lacks kind"));
	/* like errno: a later success does not clear it */
	assert_int_equal(call("Emit", "ok", false, err, sizeof err, &json), FS_OK);
	free(json);
	assert_string_equal(fs_host_table()->last_error(mw_of("Emit")->inst), le);
	assert_null(fs_host_table()->last_error(NULL));
}

/* ------------------------------------------------- aggregate_status */

static void
test_status_must_be_an_object(void **st)
{
	(void)st;
	static const struct {
		const char *name;
		enum fs_code code;
		const char *err;
	} cases[] = {
		{"status-array", FS_E_PLUGIN, "Emit ns1/status-array: aggregate_status returned "
		 "FS_OK with an array as status; expected a status object ({...})\n"
		 "  hint: set *status to an object built with fs_json_object()"},
		{"status-string", FS_E_PLUGIN, "Emit ns1/status-string: aggregate_status returned "
		 "FS_OK with a string as status; expected a status object ({...})\n"},
		{"status-null", FS_E_PLUGIN, "Emit ns1/status-null: aggregate_status returned "
		 "FS_OK and no status (NULL); expected a status object ({...})\n"},
		{"inval-silent", FS_E_INVAL, "Emit ns1/inval-silent: aggregate_status returned "
		 "FS_E_INVAL (invalid argument) without a message\n  hint: write the reason to err"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char err[1024], *json;
		enum fs_code rc = call("Emit", cases[i].name, true, err, sizeof err, &json);
		if (rc != cases[i].code || strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
			fail_msg("%s: %s (want %s)\n  got:  %s\n  want: %s...", cases[i].name,
				 fs_code_name(rc), fs_code_name(cases[i].code), err, cases[i].err);
		assert_null(json);
	}
	char err[1024], *json;
	assert_int_equal(call("Emit", "fine", true, err, sizeof err, &json), FS_OK);
	assert_string_equal(json, "{\"phase\":\"Ready\"}");
	free(json);
}

/* ------------------------------------------------- writable handles */

static void
test_metadata_and_spec_are_writable(void **st)
{
	(void)st;
	char err[1024], *json;
	assert_int_equal(call("Emit", "ok", false, err, sizeof err, &json), FS_OK);
	cJSON *out = cJSON_Parse(json);
	assert_int_equal(cJSON_GetArraySize(out), 2);
	/* the ConfigMap: an annotation added, and no owner (ownerReferences: []) */
	cJSON *cm = cJSON_GetArrayItem(out, 1); /* sorted: policy.karmada.io first */
	assert_string_equal(cJSON_GetObjectItem(cm, "kind")->valuestring, "ConfigMap");
	cJSON *meta = cJSON_GetObjectItem(cm, "metadata");
	cJSON *ann = cJSON_GetObjectItem(cJSON_GetObjectItem(meta, "annotations"), "a");
	assert_true(cJSON_IsString(ann));
	assert_string_equal(ann->valuestring, "1");
	assert_null(cJSON_GetObjectItem(meta, "ownerReferences"));
	assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(meta, "labels"), "fedstate.io/managed-by"));
	cJSON_Delete(out);
	/* the policy: a second selector and a priority in the spec it came with */
	assert_non_null(strstr(json, "\"priority\":7,\"resourceSelectors\":["
				     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"ok\"},"
				     "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"name\":\"ok\"}]"));
	free(json);

	/* the service itself */
	const struct fs_host *h = fs_host_table();
	struct fs_json *o = h->json_parse("{\"spec\":{\"a\":1},\"s\":\"x\"}", 25, NULL, 0);
	assert_non_null(o);
	struct fs_json *spec = h->json_get_mut(o, "spec");
	assert_ptr_equal(spec, h->json_get(o, "spec"));
	assert_true(h->json_set(spec, "b", h->json_new_int(2)));
	assert_null(h->json_get_mut(o, "absent"));
	assert_null(h->json_get_mut(spec, NULL));
	assert_null(h->json_get_mut(h->json_get_mut(o, "s"), "x")); /* not an object */
	assert_null(h->json_get_mut(NULL, "spec"));
	char *text = h->json_print(o, false);
	assert_string_equal(text, "{\"spec\":{\"a\":1,\"b\":2},\"s\":\"x\"}");
	h->free(text);
	h->json_free(o);
}

/* ------------------------------------------------- ABI traps */

static int http_done_calls;
static enum fs_code http_done_code;

static void
http_done(void *ud, const struct fs_http_response *resp)
{
	(void)ud;
	http_done_calls++;
	http_done_code = resp->code;
}

static void
test_request_accepted_from_its_1_0_size(void **st)
{
	(void)st;
	const struct fs_host *h = fs_host_table();
	struct fs_plugin *self = mw_of("Emit")->inst;
	/* a 1.0 plugin's request: struct_size ends at key_file; whatever a
	 * later minor appends reads as zero */
	struct {
		struct fs_http_request req;
		char beyond[64]; /* garbage a 1.0 plugin never wrote */
	} big;
	memset(&big, 0xa5, sizeof big);
	big.req = (struct fs_http_request){
		.struct_size = offsetof(struct fs_http_request, key_file) + sizeof(char *),
		.url = "http://127.0.0.1:9/", .timeout_ms = 1000};
	http_done_calls = 0;
	struct fs_http *req = h->http_start(self, &big.req, http_done, NULL);
	assert_non_null(req);
	h->http_cancel(req);
	assert_int_equal(http_done_calls, 1);
	assert_int_equal(http_done_code, FS_E_CANCELED);

	/* smaller than 1.0's: refused, with the reason in last_error */
	struct fs_http_request tiny = {.struct_size = 8, .url = "http://127.0.0.1:9/"};
	assert_null(h->http_start(self, &tiny, http_done, NULL));
	char want[128];
	snprintf(want, sizeof want, "http_start: refused: struct_size 8 is smaller than "
		 "ABI 1.0's %zu", offsetof(struct fs_http_request, key_file) + sizeof(char *));
	assert_string_equal(h->last_error(self), want);
	assert_int_equal(http_done_calls, 1); /* done never runs for a refusal */
}

/* FS_HAS_FIELD reads struct_size, not the compiler's idea of the type */
static void
test_has_field_follows_struct_size(void **st)
{
	(void)st;
	struct fs_host older = *fs_host_table();
	assert_true(FS_HAS_FIELD(&older, json_get_mut));
	assert_true(FS_HAS_FIELD_T(struct fs_host, &older, json_get_mut));
	/* what a 1.0 host hands out: the table up to render_need_pass */
	older.struct_size = (uint32_t)(offsetof(struct fs_host, render_need_pass) + sizeof(void *));
	assert_true(FS_HAS_FIELD(&older, render_need_pass));
	assert_false(FS_HAS_FIELD(&older, last_error));
	assert_false(FS_HAS_FIELD_T(struct fs_host, &older, json_get_mut));
	assert_int_equal(fs_host_table()->abi_minor, 1);
}

/* run a shell command; its exit status */
static int
sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* a vendor's strict build of both skeletons, from the headers alone; the
 * result loads */
static void
test_vendor_build_pedantic_c11(void **st)
{
	(void)st;
	char dir[1024];
	assert_int_equal(ph_plugin_tmpdir(dir, sizeof dir, "pedantic"), 0);
	static const char *const srcs[][2] = {
		{"plugins/example/example.c", "example"},
		{"plugins/example-middleware/example_middleware.c", "example-middleware"},
	};
	for (size_t i = 0; i < 2; i++) {
		if (sh("cd '%s' && cc -std=c11 -pedantic-errors -Wall -Wextra -Werror -fPIC "
		       "-fvisibility=hidden -I'%s' -shared -o '%s/%s.so' '%s' 2>'%s/cc.err'",
		       dir, ph_src_path("api"), dir, srcs[i][1], ph_src_path(srcs[i][0]), dir) != 0) {
			sh("cat '%s/cc.err' >&2", dir);
			fail_msg("%s does not build with -std=c11 -pedantic-errors", srcs[i][0]);
		}
		char path[1200], err[1024];
		snprintf(path, sizeof path, "%s/%s.so", dir, srcs[i][1]);
		struct fs_registry r;
		fs_registry_init(&r);
		struct fs_loaded_plugin *lp = NULL;
		if (fs_plugin_load_path(&r, path, NULL, &lp, err, sizeof err) != FS_OK)
			fail_msg("%s", err);
		assert_int_equal(lp->desc.abi_minor, FS_ABI_MINOR);
		fs_registry_release(&r);
	}
	/* FS_HAS_FIELD in a strict translation unit of its own */
	assert_int_equal(sh("cd '%s' && printf '%%s\\n' '#include <fedstate/fedstate.h>' "
			    "'int has(const struct fs_host *h);' "
			    "'int has(const struct fs_host *h) { return FS_HAS_FIELD(h, last_error) "
			    "+ FS_HAS_FIELD_T(struct fs_host, h, json_get_mut); }' > has.c && "
			    "cc -std=c11 -pedantic-errors -Wall -Wextra -Werror -I'%s' -c has.c",
			    dir, ph_src_path("api")), 0);
	sh("rm -rf '%s'", dir);
}

static void
test_codes_have_one_meaning(void **st)
{
	(void)st;
	/* appended, numbered, never reused */
	assert_int_equal(FS_E_NOT_PLUGIN, 38);
	assert_int_equal(FS_E_KIND, 39);
	assert_int_equal(FS_E_NAME, 40);
	assert_string_equal(fs_code_name(FS_E_NOT_PLUGIN), "FS_E_NOT_PLUGIN");
	assert_string_equal(fs_strerror(FS_E_KIND), "wrong plugin kind");
	int seen[64] = {0};
#define CHECK_(name, num, text)                                                \
	assert_true((num) < 64);                                               \
	assert_int_equal(seen[(num)]++, 0);
	FS_CODE_MAP(CHECK_)
#undef CHECK_

	/* the loader: "not a plugin" is no parse error, a wrong kind or name
	 * no ABI problem */
	char path[4096], err[1024];
	struct fs_loaded_plugin *lp = NULL;
	assert_non_null(realpath(ph_build_path("tests/plugins/no_entry.so"), path));
	struct fs_registry r;
	fs_registry_init(&r);
	assert_int_equal(fs_plugin_load_path(&r, path, NULL, &lp, err, sizeof err),
			 FS_E_NOT_PLUGIN);
	assert_non_null(realpath(ph_build_path("tests/plugins"), path));
	assert_int_equal(fs_registry_add_dir(&r, path, err, sizeof err), FS_OK);
	assert_int_equal(fs_plugin_load(&r, "emitmw", NULL, FS_PLUGIN_SCHED, &lp, err, sizeof err),
			 FS_E_KIND);
	assert_non_null(strstr(err, "kind mismatch: a middleware plugin listed where a "
				    "scheduling plugin is expected"));
	assert_int_equal(fs_plugin_load(&r, "good", NULL, 0, &lp, err, sizeof err), FS_E_NAME);
	assert_non_null(strstr(err, "file declares the name 'fixture-good' (expected 'good')"));
	fs_registry_release(&r);
}

/* ------------------------------------------------- setup */

static int
setup(void **st)
{
	(void)st;
	char dir[4096];
	if (!realpath(ph_build_path("tests/plugins"), dir))
		return -1;
	struct fs_buf t = FS_BUF_INIT;
	fs_buf_printf(&t, "apiVersion: config.fedstate.io/v1alpha1\nkind: OpsConfiguration\n"
		      "pluginDirs: [\"%s\"]\nmiddlewares: [{name: abi10mw}, {name: emitmw}]\n", dir);
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
		cmocka_unit_test(test_abi10_plugin_renders_in_this_host),
		cmocka_unit_test(test_plugin_targeting_1_0_sees_1_1_services),
		cmocka_unit_test(test_emit_refusal_is_the_render_error),
		cmocka_unit_test(test_last_error_names_the_refusal),
		cmocka_unit_test(test_status_must_be_an_object),
		cmocka_unit_test(test_metadata_and_spec_are_writable),
		cmocka_unit_test(test_request_accepted_from_its_1_0_size),
		cmocka_unit_test(test_has_field_follows_struct_size),
		cmocka_unit_test(test_vendor_build_pedantic_c11),
		cmocka_unit_test(test_codes_have_one_meaning),
	};
	return cmocka_run_group_tests_name("abi", tests, setup, teardown);
}
