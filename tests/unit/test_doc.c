/* test_doc.c - YAML/JSON loading with positions (core/util/doc.h) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/plugin_harness.h"
#include "util/doc.h"
#include "util/keys.h"

static struct fs_docset *
load(const char *text, struct fs_diags *d)
{
	struct fs_docset *ds = NULL;
	enum fs_code rc = fs_docset_load_mem(&ds, "t.yaml", text, strlen(text), d);
	if (rc != FS_OK)
		return NULL;
	return ds;
}

static const cJSON *
get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static void
test_multi_doc_and_empty(void **state)
{
	(void)state;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = load("---\n---\na: 1\n---\n# only a comment\n---\nb: x\n...\n", &d);
	assert_non_null(ds);
	assert_int_equal(fs_docset_count(ds), 2);
	assert_string_equal(fs_docset_name(ds), "t.yaml");
	assert_non_null(get(fs_docset_doc(ds, 0), "a"));
	assert_string_equal(get(fs_docset_doc(ds, 1), "b")->valuestring, "x");
	assert_null(fs_docset_doc(ds, 2));
	fs_docset_free(ds);
	fs_diags_release(&d);
}

static void
test_scalar_resolution(void **state)
{
	(void)state;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = load(
		"n1: null\nn2: ~\nn3:\nt: true\nf: False\nyes_word: yes\n"
		"s1: '123'\ns2: \"true\"\ni: 42\nneg: -7\nhex: 0x1F\noct: 0o17\n"
		"fl: 1.5\nexp: 1e3\nbig: 9223372036854775807\n"
		"huge: 99999999999999999999\nlead: 007\nstr: 950m\n"
		"sq: 'it''s'\nver: 1.2.3\n",
		&d);
	assert_non_null(ds);
	const cJSON *o = fs_docset_doc(ds, 0);
	assert_true(cJSON_IsNull(get(o, "n1")));
	assert_true(cJSON_IsNull(get(o, "n2")));
	assert_true(cJSON_IsNull(get(o, "n3")));
	assert_true(cJSON_IsTrue(get(o, "t")));
	assert_true(cJSON_IsFalse(get(o, "f")));
	assert_string_equal(get(o, "yes_word")->valuestring, "yes");
	assert_string_equal(get(o, "s1")->valuestring, "123");
	assert_true(cJSON_IsString(get(o, "s2")));
	int64_t v = 0;
	assert_int_equal(fs_doc_int(get(o, "i"), &v), FS_OK);
	assert_int_equal(v, 42);
	assert_int_equal(fs_doc_int(get(o, "neg"), &v), FS_OK);
	assert_int_equal(v, -7);
	assert_int_equal(fs_doc_int(get(o, "hex"), &v), FS_OK);
	assert_int_equal(v, 31);
	assert_int_equal(fs_doc_int(get(o, "oct"), &v), FS_OK);
	assert_int_equal(v, 15);
	assert_int_equal(fs_doc_int(get(o, "fl"), &v), FS_E_INVAL);
	assert_string_equal(fs_doc_scalar(get(o, "fl")), "1.5");
	assert_true(cJSON_IsNumber(get(o, "exp")));
	assert_string_equal(fs_doc_scalar(get(o, "exp")), "1e3");
	assert_int_equal(fs_doc_int(get(o, "big"), &v), FS_OK);
	assert_true(v == INT64_MAX);
	assert_int_equal(fs_doc_int(get(o, "huge"), &v), FS_E_RANGE);
	assert_int_equal(fs_doc_int(get(o, "lead"), &v), FS_OK);
	assert_int_equal(v, 7);
	assert_string_equal(fs_doc_scalar(get(o, "str")), "950m");
	assert_string_equal(get(o, "sq")->valuestring, "it's");
	assert_string_equal(get(o, "ver")->valuestring, "1.2.3");
	assert_int_equal(fs_doc_int(get(o, "s1"), &v), FS_E_INVAL);
	assert_string_equal(fs_doc_type_name(get(o, "i")), "integer");
	assert_string_equal(fs_doc_type_name(get(o, "fl")), "number");
	assert_string_equal(fs_doc_type_name(get(o, "s1")), "string");
	fs_docset_free(ds);
	fs_diags_release(&d);
}

static void
test_block_scalars_and_tags(void **state)
{
	(void)state;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = load("lit: |\n  a\n  b\nfold: >-\n  x\n  y\n"
				    "tagged: !!str 12\nforced: !!int \"5\"\n",
				    &d);
	assert_non_null(ds);
	const cJSON *o = fs_docset_doc(ds, 0);
	assert_string_equal(get(o, "lit")->valuestring, "a\nb\n");
	assert_string_equal(get(o, "fold")->valuestring, "x y");
	assert_string_equal(get(o, "tagged")->valuestring, "12");
	int64_t v;
	assert_int_equal(fs_doc_int(get(o, "forced"), &v), FS_OK);
	assert_int_equal(v, 5);
	fs_docset_free(ds);
	fs_diags_release(&d);
}

static void
test_positions(void **state)
{
	(void)state;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = load("kind: Cluster\nspec:\n  taints:\n"
				    "  - key: a\n    effect: Sometimes\n",
				    &d);
	assert_non_null(ds);
	const cJSON *o = fs_docset_doc(ds, 0);
	const cJSON *t0 = cJSON_GetArrayItem(get(get(o, "spec"), "taints"), 0);
	const cJSON *eff = get(t0, "effect");
	unsigned line, col;
	assert_true(fs_docset_pos(ds, eff, &line, &col));
	assert_int_equal(line, 5);
	assert_int_equal(col, 13);
	assert_true(fs_docset_key_pos(ds, eff, &line, &col));
	assert_int_equal(line, 5);
	assert_int_equal(col, 5);
	assert_true(fs_docset_pos(ds, t0, &line, &col));
	assert_int_equal(line, 4);
	assert_int_equal(col, 5);
	cJSON *other = cJSON_CreateNull();
	assert_false(fs_docset_pos(ds, other, &line, &col));
	assert_int_equal(line, 0);
	cJSON_Delete(other);
	fs_docset_free(ds);
	fs_diags_release(&d);
}

static void
test_syntax_error_position(void **state)
{
	(void)state;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = NULL;
	const char *text = "a: 1\nb: [1, 2\nc: 3\n";
	assert_int_equal(fs_docset_load_mem(&ds, "bad.yaml", text, strlen(text), &d),
			 FS_E_PARSE);
	assert_null(ds);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.items[0].file, "bad.yaml");
	assert_true(d.items[0].line >= 2);
	assert_true(d.items[0].col > 0);
	assert_non_null(strstr(d.items[0].msg, "yaml syntax error"));
	fs_diags_release(&d);
}

static void
test_duplicate_keys(void **state)
{
	(void)state;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = NULL;
	const char *text = "a: 1\nb: 2\na: 3\n";
	assert_int_equal(fs_docset_load_mem(&ds, "dup.yaml", text, strlen(text), &d),
			 FS_E_PARSE);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.items[0].line, 3);
	assert_int_equal(d.items[0].col, 1);
	assert_non_null(strstr(d.items[0].msg, "duplicate key \"a\""));
	assert_non_null(d.items[0].hint);
	fs_diags_release(&d);

	/* many keys take the sorting path */
	struct fs_diags d2 = FS_DIAGS_INIT;
	const char *json = "{\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,"
			   "\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,\n\"k3\":10}";
	assert_int_equal(fs_docset_load_mem(&ds, "dup.json", json, strlen(json), &d2),
			 FS_E_PARSE);
	assert_int_equal(d2.errors, 1);
	assert_int_equal(d2.items[0].line, 2);
	assert_int_equal(d2.items[0].col, 1);
	fs_diags_release(&d2);
}

static void
test_anchors(void **state)
{
	(void)state;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = load("base: &b {x: 1}\ncopy: *b\n", &d);
	assert_non_null(ds);
	const cJSON *o = fs_docset_doc(ds, 0);
	int64_t v;
	assert_int_equal(fs_doc_int(get(get(o, "copy"), "x"), &v), FS_OK);
	assert_int_equal(v, 1);
	fs_docset_free(ds);
	assert_null(load("a: *nope\n", &d));
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.items[0].msg, "unknown anchor"));
	fs_diags_release(&d);

	/* billion laughs is refused, not expanded */
	struct fs_buf_like { char s[2048]; } bl;
	strcpy(bl.s, "a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
	for (int i = 1; i < 10; i++) {
		char line[128];
		snprintf(line, sizeof line,
			 "a%d: &a%d [*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d]\n",
			 i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
			 i - 1, i - 1, i - 1);
		strcat(bl.s, line);
	}
	struct fs_diags d2 = FS_DIAGS_INIT;
	assert_null(load(bl.s, &d2));
	assert_true(d2.errors >= 1);
	assert_non_null(strstr(d2.items[0].msg, "too many nodes"));
	fs_diags_release(&d2);
}

static void
test_json_fast_path(void **state)
{
	(void)state;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = load("{\n  \"a\": {\"n\": 9223372036854775807,"
				    " \"q\": 0.1, \"s\": \"x\\\"y\"},\n"
				    "  \"b\": [1, -0, true]\n}\n",
				    &d);
	assert_non_null(ds);
	const cJSON *o = fs_docset_doc(ds, 0);
	int64_t v;
	assert_int_equal(fs_doc_int(get(get(o, "a"), "n"), &v), FS_OK);
	assert_true(v == INT64_MAX);
	assert_string_equal(fs_doc_scalar(get(get(o, "a"), "q")), "0.1");
	assert_string_equal(get(get(o, "a"), "s")->valuestring, "x\"y");
	assert_string_equal(fs_doc_scalar(cJSON_GetArrayItem(get(o, "b"), 1)), "0");
	unsigned line, col;
	assert_true(fs_docset_pos(ds, get(o, "b"), &line, &col));
	assert_int_equal(line, 3);
	assert_int_equal(col, 8);
	assert_true(fs_docset_key_pos(ds, get(o, "b"), &line, &col));
	assert_int_equal(line, 3);
	assert_int_equal(col, 3);
	assert_true(fs_docset_pos(ds, cJSON_GetArrayItem(get(o, "b"), 2), &line, &col));
	assert_int_equal(col, 16);
	fs_docset_free(ds);

	/* flow YAML that starts with a brace falls back to YAML */
	ds = load("{a: 1, b: [x]}", &d);
	assert_non_null(ds);
	assert_string_equal(cJSON_GetArrayItem(get(fs_docset_doc(ds, 0), "b"), 0)->valuestring, "x");
	fs_docset_free(ds);
	assert_int_equal(d.errors, 0);
	fs_diags_release(&d);
}

static void
test_fixture_list_file(void **state)
{
	(void)state;
	const char *path = ph_src_path("tests/unit/data/model/clusters-list.yaml");
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = NULL;
	assert_int_equal(fs_docset_load_file(&ds, path, &d), FS_OK);
	assert_int_equal(fs_docset_count(ds), 1);
	const cJSON *items = get(fs_docset_doc(ds, 0), "items");
	assert_int_equal(cJSON_GetArraySize(items), 4);
	fs_docset_free(ds);

	assert_int_equal(fs_docset_load_file(&ds, "/nonexistent/x.yaml", &d), FS_E_IO);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.items[0].msg, "cannot open file"));
	fs_diags_release(&d);
}

static struct fs_docset *
load_data(const char *file, struct fs_diags *d)
{
	char rel[256];
	struct fs_docset *ds = NULL;
	snprintf(rel, sizeof rel, "tests/unit/data/doc/%s", file);
	assert_int_equal(fs_docset_load_file(&ds, ph_src_path(rel), d), FS_OK);
	return ds;
}

static void
test_real_manifests(void **state)
{
	(void)state;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = load_data("configmap.yaml", &d);
	const cJSON *data = get(fs_docset_doc(ds, 0), "data");
	assert_string_equal(get(data, "arbiters")->valuestring,
			    "host:'10.29.5.107:38825'\n");
	assert_non_null(strstr(get(data, "datas")->valuestring,
			       "host:'10.29.5.107:33808'\nhost:"));
	fs_docset_free(ds);

	ds = load_data("middleware_v1alpha1_mongodb.yaml", &d);
	const cJSON *spec = get(fs_docset_doc(ds, 0), "spec");
	const cJSON *pod = get(spec, "podSpec");
	assert_true(cJSON_IsObject(pod));
	assert_true(cJSON_IsNull(get(pod, "nodeSelector")));
	assert_true(cJSON_IsNull(get(pod, "tolerations")));
	int64_t members;
	assert_int_equal(fs_doc_int(get(spec, "members"), &members), FS_OK);
	assert_int_equal(members, 1);
	assert_string_equal(get(spec, "rootPassword")->valuestring, "123456");
	assert_string_equal(get(get(spec, "persistence"), "storageClassName")->valuestring, "");
	fs_docset_free(ds);
	assert_int_equal(d.n, 0);
	fs_diags_release(&d);
}

/* one shared "unknown field" check serves both config loaders */
static void
test_unknown_keys(void **state)
{
	(void)state;
	static const char *const known[] = {"apiVersion", "kind", "pluginDirs",
					    "middlewares", NULL};
	static const char text[] = "kind: x\npluginDir: [a]\ncolour: 1\n";
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = NULL;
	assert_int_equal(fs_docset_load_mem(&ds, "ops.yaml", text, strlen(text), &d),
			 FS_OK);
	const cJSON *root = fs_docset_doc(ds, 0);
	assert_int_equal(fs_keys_check(&d, ds, "ops.yaml", "spec", root, known), 2);
	assert_int_equal(d.n, 2);
	char *first = fs_diag_format(&d.items[0]);
	char *second = fs_diag_format(&d.items[1]);
	assert_string_equal(first, "ops.yaml:2:1: spec.pluginDir: unknown field "
				   "'pluginDir'\n  hint: did you mean 'pluginDirs'?");
	assert_non_null(strstr(second, "ops.yaml:3:1: spec.colour: unknown field 'colour'"));
	assert_non_null(strstr(second, "hint: known fields: apiVersion, kind, "
				       "pluginDirs, middlewares"));
	free(first);
	free(second);
	/* no list: counted, not reported */
	assert_int_equal(fs_keys_check(NULL, ds, "ops.yaml", "", root, known), 2);
	assert_int_equal(d.n, 2);
	fs_docset_free(ds);
	fs_diags_release(&d);

	assert_int_equal(fs_edit_distance("kitten", "sitting"), 3);
	assert_int_equal(fs_edit_distance("", "abc"), 3);
	assert_int_equal(fs_edit_distance("same", "same"), 0);
	assert_string_equal(fs_keys_nearest("knd", known), "kind");
	assert_null(fs_keys_nearest("colour", known));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multi_doc_and_empty),
		cmocka_unit_test(test_scalar_resolution),
		cmocka_unit_test(test_block_scalars_and_tags),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_syntax_error_position),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_json_fast_path),
		cmocka_unit_test(test_fixture_list_file),
		cmocka_unit_test(test_real_manifests),
		cmocka_unit_test(test_unknown_keys),
	};
	return cmocka_run_group_tests_name("doc", tests, NULL, NULL);
}
