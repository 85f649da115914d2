/* test_cluster_affinity.c - the cluster-affinity plugin (built .so)
 * compiles each cycle's affinity into flat pointer tests: its verdicts
 * must equal the host's fs_affinity_matches on every cluster, for every
 * kind of selector, including the Gt/Lt ones it hands back to the host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/plugin_harness.h"
#include "lib/yaml_decode.h"
#include "model/cluster.h"
#include "model/placement.h"
#include "model/selector.h"
#include "sched/cycle.h"
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

/* one affinity through the plugin's pre_filter and filter against the host */
static void
check(struct fs_plugin *p, const struct fs_cluster *cs, uint32_t n,
      const struct fs_cluster_affinity *aff, uint32_t *accepted, uint32_t *rejected)
{
	struct fs_binding b = {.struct_size = sizeof b, .replicas = 1, .api_id = -1};
	struct fs_affinity_term term = {.affinity = *aff};
	struct fs_cycle *cyc = ph_cycle(&b, n);
	const struct fs_cluster *all[8];
	const char *reason = NULL;
	assert_true(n <= 8);
	for (uint32_t i = 0; i < n; i++)
		all[i] = &cs[i];
	fs_cycle_set_term(cyc, &term);
	assert_int_equal(p->lp->sched.pre_filter(p->state, cyc, all, n, &reason), FS_OK);
	for (uint32_t i = 0; i < n; i++) {
		bool want = fs_affinity_matches(aff, &cs[i]);
		enum fs_code got = p->lp->sched.filter(p->state, cyc, &cs[i], &reason);
		if ((got == FS_OK) != want)
			fail_msg("cluster %s: plugin says %d, host %d", cs[i].name, got, want);
		*accepted += want, *rejected += !want;
	}
	fs_cycle_destroy(cyc);
}

static void
test_plugin_agrees_with_host(void **state)
{
	(void)state;
	struct fs_plugin *p = ph_load("cluster-affinity", NULL);
	struct fs_cluster cs[] = {
		cluster("metadata: {name: east, labels: {vip: 10.0.0.1, env: prod, "
			"size: '7'}}\nspec: {provider: onprem, region: cn-east, "
			"zones: [a1, a2]}\n"),
		cluster("metadata: {name: bare}\n"),
		cluster("metadata: {name: old, labels: {env: dev, canary: ''}}\n"
			"spec: {region: cn-north, zone: n1}\n"),
		cluster("metadata: {name: west, labels: {env: prod, size: '12'}}\n"
			"spec: {provider: aws, region: us-west-2, zones: [w1]}\n"),
	};
	const uint32_t n = sizeof cs / sizeof *cs;
	static const char *const rows[] = {
		"{}",
		"clusterNames: [east, old]",
		"exclude: [east]",
		"clusterNames: [east]\nexclude: [east]",
		"labelSelector: {}",
		"labelSelector: {matchLabels: {env: prod}}",
		"labelSelector: {matchLabels: {env: prod, vip: 10.0.0.1}}",
		"labelSelector: {matchLabels: {canary: ''}}",
		"labelSelector: {matchExpressions: [{key: env, operator: In, values: [dev, prod]}]}",
		"labelSelector: {matchExpressions: [{key: env, operator: NotIn, values: [dev]}]}",
		"labelSelector: {matchExpressions: [{key: vip, operator: Exists}]}",
		"labelSelector: {matchExpressions: [{key: vip, operator: DoesNotExist}]}",
		"fieldSelector: {matchExpressions: [{key: provider, operator: In, values: [onprem]}]}",
		"fieldSelector: {matchExpressions: [{key: provider, operator: NotIn, values: [aws]}]}",
		"fieldSelector: {matchExpressions: [{key: region, operator: Exists}]}",
		"fieldSelector: {matchExpressions: [{key: region, operator: DoesNotExist}]}",
		"fieldSelector: {matchExpressions: [{key: zone, operator: In, values: [a2, n1]}]}",
		"fieldSelector: {matchExpressions: [{key: zone, operator: NotIn, values: [a1]}]}",
		"fieldSelector: {matchExpressions: [{key: zone, operator: Exists}]}",
		"fieldSelector: {matchExpressions: [{key: zone, operator: DoesNotExist}]}",
		"clusterNames: [west, bare]\nlabelSelector: {matchLabels: {env: prod}}\n"
		"fieldSelector: {matchExpressions: [{key: region, operator: In, values: [us-west-2]}]}",
	};
	uint32_t accepted = 0, rejected = 0;
	for (size_t r = 0; r < sizeof rows / sizeof *rows; r++)
		check(p, cs, n, affinity(rows[r]), &accepted, &rejected);
	/* Gt/Lt (node-selector style, not decoded for placements) go to the
	 * host */
	const char *size = fs_intern("size", (size_t)-1);
	const char *eight[] = {fs_intern("8", (size_t)-1)};
	struct fs_selector_req gt = {size, FS_OP_GT, eight, 1};
	struct fs_label_selector sel = {.match_expressions = &gt,
					.n_match_expressions = 1};
	struct fs_cluster_affinity by_size = {.label_selector = &sel};
	uint32_t a0 = accepted;
	check(p, cs, n, &by_size, &accepted, &rejected);
	assert_int_equal(accepted - a0, 1); /* west: 12 > 8 */
	gt.op = FS_OP_LT;
	a0 = accepted;
	check(p, cs, n, &by_size, &accepted, &rejected);
	assert_int_equal(accepted - a0, 1); /* east: 7 < 8 */
	/* the table exercises both outcomes a fair number of times */
	assert_true(accepted > 20 && rejected > 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plugin_agrees_with_host),
	};
	int rc = cmocka_run_group_tests_name("cluster_affinity", tests, NULL, NULL);
	ph_retire_all();
	fs_arena_release(&arena);
	return rc;
}
