/*
 * test_interpreter.c - the Karmada interpreter customization of the member
 * MongoDB CR (config/interpreter/), run by Debian's lua5.1 through
 * tests/lua/karmada.lua (Karmada's calling convention) on the fixtures of
 * tests/data/interpreter/ and on the member CR our mongodb plugin renders.
 * FedState's own customization goes through the same cases and must fail
 * where its defects are: that is what shows the cases can fail.
 *
 * The YAML is turned into one Lua file per run (scripts + objects as Lua
 * tables, lib/lua_literal.h), so the Lua side needs no YAML or JSON reader.
 */
#include <glob.h>
#include <libgen.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/lua_literal.h"
#include "lib/ops_harness.h"
#include "lib/plugin_harness.h"
#include "util/doc.h"

#define OURS "config/interpreter/mongodb-customization.yaml"
#define FEDSTATE "/work/shared/fixtures/crds/fedstate/customization.yaml"
#define HARNESS "tests/lua/test_mongodb_interpreter.lua"

static char tmp[64];
static cJSON *rendered; /* the member MongoDB CR of the ops sample */

/* the member CR the mongodb plugin renders for tests/data/ops' sample */
static cJSON *
render_member(void)
{
	struct fs_ops *ops = oh_open("[{name: mongodb}]");
	const struct fs_ops_mw *mw = oh_mw(ops, "middleware.fedstate.io/v1alpha1",
					   "MultiCloudMongoDB");
	cJSON *obj = oh_doc("tests/data/ops/mcmongo-sample.yaml", 0);
	cJSON *clusters = oh_load("tests/data/ops/clusters.yaml");
	cJSON *existing = NULL;
	struct fs_ops_input in = {.object = obj, .clusters = clusters};
	cJSON *cr = oh_render_find(mw, &in, &existing, "MongoDB", "multicloudmongodb-sample");
	cJSON_Delete(existing);
	cJSON_Delete(clusters);
	cJSON_Delete(obj);
	oh_close(ops);
	return cr;
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof tmp, "/tmp/fs-interp-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	rendered = render_member();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "test_interpreter: could not remove %s\n", tmp);
	cJSON_Delete(rendered);
	return 0;
}

/* the ResourceInterpreterCustomization of a file (caller frees) */
static cJSON *
load_customization(const char *path)
{
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = NULL;
	if (fs_docset_load_file(&ds, path, &d) != FS_OK) {
		fs_diags_print(&d, stderr);
		fs_diags_release(&d);
		fail_msg("%s does not load", path);
	}
	fs_diags_release(&d);
	cJSON *rc = NULL;
	for (size_t i = 0; i < fs_docset_count(ds) && !rc; i++) {
		const cJSON *doc = fs_docset_doc(ds, i);
		const cJSON *kind = cJSON_GetObjectItemCaseSensitive(doc, "kind");
		if (cJSON_IsString(kind) &&
		    strcmp(kind->valuestring, "ResourceInterpreterCustomization") == 0)
			rc = cJSON_Duplicate(doc, 1);
	}
	fs_docset_free(ds);
	if (!rc)
		fail_msg("%s: no ResourceInterpreterCustomization", path);
	return rc;
}

/* the first document of a fixture file, copied (numbers keep their text
 * only while the docset lives, so it is written out right away) */
static void
add_fixture(struct fs_buf *b, const char *path)
{
	struct fs_docset *ds = NULL;
	assert_int_equal(fs_docset_load_file(&ds, path, NULL), FS_OK);
	assert_true(fs_docset_count(ds) >= 1);
	char *copy = fs_xstrdup(path);
	char *name = basename(copy);
	name[strcspn(name, ".")] = '\0';
	fs_buf_adds(b, "[");
	ll_string(b, name);
	fs_buf_adds(b, "]=");
	ll_value(b, fs_docset_doc(ds, 0));
	fs_buf_adds(b, ",\n");
	free(copy);
	fs_docset_free(ds);
}

/* Writes <tmp>/<tag>.lua: the scripts of `customization` and every
 * fixture; returns its path (static buffer). */
static const char *
generate(const char *customization, const char *tag)
{
	cJSON *rc = load_customization(customization);
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_adds(&b, "return {scripts={\n");
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(rc, "spec"), "customizations")) {
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(c, "luaScript");
		assert_true(cJSON_IsString(text));
		fs_buf_adds(&b, "[");
		ll_string(&b, c->string);
		fs_buf_adds(&b, "]=");
		ll_string(&b, text->valuestring);
		fs_buf_adds(&b, ",\n");
	}
	cJSON_Delete(rc);
	fs_buf_adds(&b, "},\nobjects={\n[\"rendered\"]=");
	ll_value(&b, rendered);
	fs_buf_adds(&b, ",\n");
	glob_t g;
	assert_int_equal(glob(ph_src_path("tests/data/interpreter/*.yaml"), 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 10);
	for (size_t i = 0; i < g.gl_pathc; i++)
		add_fixture(&b, g.gl_pathv[i]);
	globfree(&g);
	fs_buf_adds(&b, "}}\n");
	static char path[128];
	snprintf(path, sizeof path, "%s/%s.lua", tmp, tag);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(b.data, 1, b.len, f), b.len);
	assert_int_equal(fclose(f), 0);
	fs_buf_release(&b);
	return path;
}

/* runs the Lua cases on a generated file; exit code, output in *out */
static int
run_lua(const char *gen, struct fs_buf *out)
{
	if (system("command -v lua5.1 >/dev/null 2>&1") != 0)
		fail_msg("lua5.1 not found: the interpreter test needs Debian's lua5.1\n"
			 "hint: make deps (or apt-get install lua5.1)");
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "lua5.1 '%s' '%s' 2>&1", ph_src_path(HARNESS), gen);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_true(fs_buf_read(out, p));
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_our_customization_passes(void **state)
{
	(void)state;
	struct fs_buf out = FS_BUF_INIT;
	int rc = run_lua(generate(ph_src_path(OURS), "ours"), &out);
	if (rc != 0 || !strstr(out.data, " passed, 0 failed"))
		fail_msg("lua5.1 %s exited %d:\n%s", HARNESS, rc, out.data);
	int passed = 0;
	const char *sum = strstr(out.data, "lua: ");
	assert_non_null(sum);
	assert_int_equal(sscanf(sum, "lua: %d passed", &passed), 1);
	assert_true(passed >= 20);
	fs_buf_release(&out);
}

/* FedState's customization through the same cases: each defect of
 * docs/crds.md shows up as the failing case that names it */
static void
test_fedstate_customization_fails_its_defects(void **state)
{
	(void)state;
	if (access(FEDSTATE, R_OK) != 0)
		skip();
	struct fs_buf out = FS_BUF_INIT;
	int rc = run_lua(generate(FEDSTATE, "fedstate"), &out);
	assert_int_equal(rc, 1);
	static const char *const must_fail[] = {
		/* replicas only: no requirements, and a leaked global */
		"not ok - replicas: requirements sum mongod and exporter",
		/* health ignores status.state and crashes without status */
		"not ok - health: Error with the right member count -> unhealthy",
		"not ok - health: no status yet -> unhealthy, no error",
		"not ok - health: a status without currentInfo -> unhealthy, no error",
		/* aggregation reads an item's status before checking it */
		"not ok - aggregate: an item without status is skipped, not a crash",
		"not ok - aggregate: no items -> Unknown with zero members",
		/* the whole status, password included */
		"not ok - reflect: what the ops controller reads, and no password",
		/* no retention */
		"not ok - retain: fields the member operator filled in survive",
		NULL};
	for (const char *const *m = must_fail; *m; m++)
		if (!strstr(out.data, *m))
			fail_msg("expected '%s' in:\n%s", *m, out.data);
	/* ReviseReplica is right in both */
	assert_non_null(strstr(out.data, "ok - revise: a cluster's share goes to spec.members"));
	assert_null(strstr(out.data, "not ok - revise:"));
	fs_buf_release(&out);
}

/* targets what the plugin renders and has every script Karmada asks for */
static void
test_customization_targets_the_rendered_cr(void **state)
{
	(void)state;
	cJSON *rc = load_customization(ph_src_path(OURS));
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(rc, "spec");
	const cJSON *target = cJSON_GetObjectItemCaseSensitive(spec, "target");
	assert_string_equal(oh_str(target, "apiVersion"), oh_str(rendered, "apiVersion"));
	assert_string_equal(oh_str(target, "kind"), oh_str(rendered, "kind"));
	assert_string_equal(oh_str(rc, "apiVersion"), "config.karmada.io/v1alpha1");
	static const char *const need[] = {"retention", "replicaResource", "replicaRevision",
					   "statusReflection", "statusAggregation",
					   "healthInterpretation", NULL};
	const cJSON *cust = cJSON_GetObjectItemCaseSensitive(spec, "customizations");
	for (const char *const *n = need; *n; n++) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(cust, *n), "luaScript");
		if (!cJSON_IsString(s) || !*s->valuestring)
			fail_msg("%s: spec.customizations.%s.luaScript: missing", OURS, *n);
	}
	cJSON_Delete(rc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_customization_targets_the_rendered_cr),
		cmocka_unit_test(test_our_customization_passes),
		cmocka_unit_test(test_fedstate_customization_fails_its_defects),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
