/* test_model_select.c - label selectors and cluster affinities
 * (core/model/selector.h), built from YAML through the real decoders */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/yaml_decode.h"
#include "model/cluster.h"
#include "model/placement.h"
#include "model/selector.h"
#include "util/intern.h"

static struct fs_arena arena = FS_ARENA_INIT;

static struct fs_cluster
cluster(const char *yaml)
{
	return yd_cluster(&arena, yaml);
}

static const struct fs_cluster_affinity *
affinity(const char *yaml)
{
	return yd_affinity(&arena, yaml);
}

static void
test_label_selector_table(void **state)
{
	(void)state;
	struct fs_cluster l = cluster(
		"metadata: {name: l, labels: {env: prod, tier: web, size: '7', "
		"canary: ''}}\n");
	static const struct {
		const char *sel;
		bool want;
	} rows[] = {
		{"labelSelector: {}", true},
		{"labelSelector: {matchLabels: {env: prod}}", true},
		{"labelSelector: {matchLabels: {env: prod, tier: web}}", true},
		{"labelSelector: {matchLabels: {env: dev}}", false},
		{"labelSelector: {matchLabels: {team: a}}", false},
		{"labelSelector: {matchExpressions: [{key: env, operator: In, values: [dev, prod]}]}", true},
		{"labelSelector: {matchExpressions: [{key: env, operator: In, values: [dev]}]}", false},
		{"labelSelector: {matchExpressions: [{key: team, operator: In, values: [a]}]}", false},
		{"labelSelector: {matchExpressions: [{key: env, operator: NotIn, values: [dev]}]}", true},
		{"labelSelector: {matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}", false},
		{"labelSelector: {matchExpressions: [{key: team, operator: NotIn, values: [a]}]}", true},
		{"labelSelector: {matchExpressions: [{key: tier, operator: Exists}]}", true},
		{"labelSelector: {matchExpressions: [{key: team, operator: Exists}]}", false},
		{"labelSelector: {matchExpressions: [{key: team, operator: DoesNotExist}]}", true},
		{"labelSelector: {matchExpressions: [{key: env, operator: DoesNotExist}]}", false},
		{"labelSelector: {matchExpressions: [{key: canary, operator: In, values: ['']}]}", true},
		{"labelSelector: {matchLabels: {canary: ''}}", true},
		{"labelSelector: {matchExpressions: [{key: env, operator: In, values: ['']}]}", false},
		{"labelSelector: {matchLabels: {env: prod}, matchExpressions: [{key: tier, operator: NotIn, values: [web]}]}", false},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		const struct fs_cluster_affinity *a = affinity(rows[i].sel);
		assert_non_null(a->label_selector);
		bool got = fs_label_selector_matches(a->label_selector, l.labels, l.n_labels);
		if (got != rows[i].want)
			fail_msg("row %zu (%s): got %d", i, rows[i].sel, got);
		assert_int_equal(fs_affinity_matches(a, &l), rows[i].want);
	}
	assert_true(fs_label_selector_matches(NULL, l.labels, l.n_labels));
}

static void
test_affinity_table(void **state)
{
	(void)state;
	struct fs_cluster east = cluster(
		"metadata: {name: east, labels: {vip: 10.0.0.1}}\n"
		"spec: {provider: onprem, region: cn-east, zones: [a1, a2]}\n");
	struct fs_cluster bare = cluster("metadata: {name: bare}\n");
	struct fs_cluster old = cluster(
		"metadata: {name: old}\nspec: {region: cn-north, zone: n1}\n");
	static const struct {
		const char *aff;
		bool east, bare, old;
	} rows[] = {
		{"{}", true, true, true},
		{"clusterNames: [east, old]", true, false, true},
		{"exclude: [east]", false, true, true},
		{"clusterNames: [east]\nexclude: [east]", false, false, false},
		{"labelSelector: {matchExpressions: [{key: vip, operator: Exists}]}", true, false, false},
		{"fieldSelector: {matchExpressions: [{key: provider, operator: In, values: [onprem]}]}", true, false, false},
		{"fieldSelector: {matchExpressions: [{key: provider, operator: NotIn, values: [aws]}]}", true, true, true},
		{"fieldSelector: {matchExpressions: [{key: region, operator: In, values: [cn-east, cn-north]}]}", true, false, true},
		{"fieldSelector: {matchExpressions: [{key: region, operator: DoesNotExist}]}", false, true, false},
		{"fieldSelector: {matchExpressions: [{key: zone, operator: In, values: [a2]}]}", true, false, false},
		{"fieldSelector: {matchExpressions: [{key: zone, operator: In, values: [n1, zz]}]}", false, false, true},
		{"fieldSelector: {matchExpressions: [{key: zone, operator: NotIn, values: [a1]}]}", false, true, true},
		{"fieldSelector: {matchExpressions: [{key: zone, operator: Exists}]}", true, false, true},
		{"fieldSelector: {matchExpressions: [{key: zone, operator: DoesNotExist}]}", false, true, false},
		{"fieldSelector: {matchExpressions: [{key: region, operator: In, values: [cn-east]}, {key: zone, operator: In, values: [a1]}]}", true, false, false},
		{"fieldSelector: {}", true, true, true},
		{"clusterNames: [bare]\nfieldSelector: {matchExpressions: [{key: provider, operator: DoesNotExist}]}", false, true, false},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		const struct fs_cluster_affinity *a = affinity(rows[i].aff);
		bool e = fs_affinity_matches(a, &east), b = fs_affinity_matches(a, &bare),
		     o = fs_affinity_matches(a, &old);
		if (e != rows[i].east || b != rows[i].bare || o != rows[i].old)
			fail_msg("row %zu (%s): got east=%d bare=%d old=%d", i,
				 rows[i].aff, e, b, o);
	}
	assert_true(fs_affinity_matches(NULL, &bare));
}

static void
test_gt_lt(void **state)
{
	(void)state;
	struct fs_cluster l = cluster("metadata: {name: l, labels: {size: '7', word: x}}\n");
	struct fs_label_selector sel = {0};
	struct fs_selector_req r = {.key = fs_intern("size", (size_t)-1), .op = FS_OP_GT};
	const char *five = fs_intern("5", (size_t)-1), *nine = fs_intern("9", (size_t)-1);
	sel.match_expressions = &r;
	sel.n_match_expressions = 1;
	r.values = &five;
	r.n_values = 1;
	assert_true(fs_label_selector_matches(&sel, l.labels, l.n_labels));
	r.values = &nine;
	assert_false(fs_label_selector_matches(&sel, l.labels, l.n_labels));
	r.op = FS_OP_LT;
	assert_true(fs_label_selector_matches(&sel, l.labels, l.n_labels));
	r.key = fs_intern("word", (size_t)-1); /* not a number: no match */
	assert_false(fs_label_selector_matches(&sel, l.labels, l.n_labels));
}

static void
test_selector_decode_errors(void **state)
{
	(void)state;
	struct fs_docset *ds;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_decode_ctx ctx = {.diags = &d};
	struct fs_cluster_affinity aff;
	struct fs_dpath p = FS_DPATH_KEY(NULL, "clusterAffinity");
	const cJSON *n = yd_parse(
		"labelSelector:\n"
		"  matchExpressions:\n"
		"  - {key: a, operator: Gt, values: ['1']}\n"
		"  - {key: b, operator: In}\n"
		"  - {key: c, operator: Exists, values: [x]}\n"
		"  matchLabels: {x: 1}\n",
		&ds);
	ctx.ds = ds;
	assert_true(fs_affinity_decode(n, &p, &arena, &ctx, &aff));
	assert_int_equal(ctx.errors, 4);
	assert_non_null(strstr(d.items[0].msg, "expected string, got integer 1"));
	assert_non_null(strstr(d.items[1].msg, "expected one of In, NotIn, Exists, DoesNotExist, got \"Gt\""));
	assert_non_null(strstr(d.items[2].msg, "operator In needs at least one value"));
	assert_non_null(strstr(d.items[3].msg, "operator Exists takes no values"));
	assert_string_equal(d.items[1].path,
			    "clusterAffinity.labelSelector.matchExpressions[0].operator");
	fs_diags_release(&d);
	fs_docset_free(ds);
}

static int
teardown(void **state)
{
	(void)state;
	fs_arena_release(&arena);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_selector_table),
		cmocka_unit_test(test_affinity_table),
		cmocka_unit_test(test_gt_lt),
		cmocka_unit_test(test_selector_decode_errors),
	};
	return cmocka_run_group_tests_name("model_select", tests, NULL, teardown);
}
