/* test_model.c - Cluster/ResourceBinding decoding, loading and snapshots
 * (core/model/{cluster,binding,placement,load,fleet}.h) over the derived
 * fixtures in tests/unit/data/model/ */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/plugin_harness.h"
#include "model/apiid.h"
#include "model/binding.h"
#include "model/cluster.h"
#include "model/estimate.h"
#include "model/load.h"
#include "model/placement.h"
#include "model/fleet.h"
#include "runtime/runtime.h"
#include "plugin/loader.h"
#include "util/intern.h"

static const char *
data_path(const char *file)
{
	char rel[256];
	snprintf(rel, sizeof rel, "tests/unit/data/model/%s", file);
	return ph_src_path(rel);
}

static const char *
I(const char *s)
{
	return fs_intern(s, (size_t)-1);
}

static int64_t
res(const struct fs_resource *r, uint32_t n, const char *name)
{
	const struct fs_resource *f = fs_resource_find(r, n, I(name));
	assert_non_null(f);
	return f->amount;
}

static const char *
label(const struct fs_kv *kv, uint32_t n, const char *key)
{
	const struct fs_kv *f = fs_kv_find(kv, n, I(key));
	return f ? f->value : NULL;
}

/* load one file into a fresh set; no diagnostics expected */
static void
load_clean(struct fs_model_set *set, const char *file)
{
	struct fs_diags d = FS_DIAGS_INIT;
	fs_model_set_init(set);
	assert_int_equal(fs_model_load_file(set, data_path(file), &d), FS_OK);
	if (d.n) {
		fs_diags_print(&d, stderr);
		fail_msg("unexpected diagnostics loading %s", file);
	}
	fs_diags_release(&d);
}

static void
test_cluster_member1(void **state)
{
	(void)state;
	struct fs_model_set set;
	load_clean(&set, "cluster-member1-ready.yaml");
	assert_int_equal(fs_snapshot_count(set.snapshot), 1);
	const struct fs_cluster *c = fs_snapshot_find(set.snapshot, "member1");
	assert_non_null(c);
	assert_int_equal(c->struct_size, sizeof *c);
	assert_int_equal(c->index, 0);
	assert_ptr_equal(c->name, I("member1"));
	assert_ptr_equal(c->uid, I("6f7d2c1e-3b0a-4f51-9d7e-2a5c8b9e0f11"));
	assert_null(c->provider);
	assert_null(c->region);
	assert_int_equal(c->n_zones, 0);
	/* FS_CLUSTER_PREPARED is the host's own mark (model/estimate.h) */
	assert_int_equal(c->flags & ~FS_CLUSTER_PREPARED,
			 FS_CLUSTER_READY | FS_CLUSTER_COMPLETE_APIS |
				 FS_CLUSTER_HAS_SUMMARY);
	assert_true(c->flags & FS_CLUSTER_PREPARED);
	assert_int_equal(c->n_taints, 0);
	assert_int_equal(c->generation, 2);
	/* summary in canonical units */
	assert_int_equal(res(c->allocatable, c->n_allocatable, "cpu"), 4000);
	assert_int_equal(res(c->allocatable, c->n_allocatable, "memory"),
			 16265856LL * 1024);
	assert_int_equal(res(c->allocatable, c->n_allocatable, "ephemeral-storage"),
			 206291924LL * 1024);
	assert_int_equal(res(c->allocatable, c->n_allocatable, "pods"), 110);
	assert_int_equal(res(c->allocatable, c->n_allocatable, "hugepages-1Gi"), 0);
	assert_int_equal(res(c->allocated, c->n_allocated, "cpu"), 950);
	assert_int_equal(res(c->allocated, c->n_allocated, "memory"), 290LL << 20);
	assert_int_equal(res(c->allocated, c->n_allocated, "pods"), 11);
	assert_int_equal(res(c->allocating, c->n_allocating, "pods"), 0);
	for (uint32_t i = 1; i < c->n_allocatable; i++)
		assert_true((uintptr_t)c->allocatable[i - 1].name <
			    (uintptr_t)c->allocatable[i].name);
	/* 9 grades joined; grade 8's open top end did not break the decode */
	assert_int_equal(c->n_models, 9);
	for (uint32_t g = 0; g < 9; g++)
		assert_int_equal(c->models[g].grade, g);
	assert_int_equal(c->models[1].count, 1);
	assert_int_equal(c->models[0].count, 0);
	assert_int_equal(res(c->models[1].min, c->models[1].n_min, "cpu"), 1000);
	assert_int_equal(res(c->models[1].min, c->models[1].n_min, "memory"),
			 4LL << 30);
	assert_int_equal(res(c->models[8].min, c->models[8].n_min, "memory"),
			 1LL << 40);
	/* API enablements */
	assert_true(fs_cluster_serves(c, fs_api_id("apps/v1", "Deployment")));
	assert_true(fs_cluster_serves(c, fs_api_id("v1", "Service")));
	assert_true(fs_cluster_serves(
		c, fs_api_id("middleware.fedstate.io/v1alpha1", "MongoDB")));
	assert_int_equal(fs_api_id("apps/v1", "NoSuchKind"), -1);
	assert_int_equal(fs_api_id("example.com/v9", "Deployment"), -1);
	assert_false(fs_cluster_serves(c, -1));
	fs_model_set_release(&set);
}

static void
test_clusters_list(void **state)
{
	(void)state;
	struct fs_model_set set;
	load_clean(&set, "clusters-list.yaml");
	const struct fs_snapshot *s = set.snapshot;
	assert_int_equal(fs_snapshot_count(s), 4);
	/* input order is index order */
	assert_string_equal(fs_snapshot_at(s, 0)->name, "member1");
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(fs_snapshot_at(s, i)->index, i);

	const struct fs_cluster *a = fs_snapshot_find(s, "10-29-14-21");
	assert_non_null(a);
	assert_ptr_equal(a->provider, I("onprem"));
	assert_ptr_equal(a->region, I("cn-east"));
	assert_int_equal(a->n_zones, 1); /* spec.zone only */
	assert_ptr_equal(a->zones[0], I("cn-east-a"));
	assert_ptr_equal(label(a->labels, a->n_labels, "vip"), I("10.29.5.103"));
	assert_int_equal(a->n_models, 0); /* no spec.resourceModels */
	assert_int_equal(a->generation, 3);

	const struct fs_cluster *b = fs_snapshot_find(s, "10-29-14-25");
	assert_non_null(b);
	assert_true(b->flags & FS_CLUSTER_PULL);
	assert_int_equal(b->n_taints, 1);
	assert_ptr_equal(b->taints[0].key, I("dedicated"));
	assert_ptr_equal(b->taints[0].value, I("middleware"));
	assert_int_equal(b->taints[0].effect, FS_EFFECT_NO_SCHEDULE);
	assert_int_equal(res(b->allocating, b->n_allocating, "cpu"), 500);
	assert_int_equal(b->n_models, 9);
	assert_int_equal(b->models[1].count, 3);

	const struct fs_cluster *m3 = fs_snapshot_find(s, "member3");
	assert_non_null(m3);
	assert_false(m3->flags & FS_CLUSTER_READY);
	assert_true(m3->flags & FS_CLUSTER_COMPLETE_APIS);
	assert_ptr_equal(m3->provider, I("aws"));
	assert_int_equal(m3->n_zones, 2);
	assert_ptr_equal(m3->zones[0], I("us-west-2a"));
	assert_ptr_equal(m3->zones[1], I("us-west-2b"));
	assert_ptr_equal(m3->taints[0].key, I("cluster.karmada.io/not-ready"));
	assert_null(m3->taints[0].value);
	assert_null(fs_snapshot_find(s, "nope"));
	fs_model_set_release(&set);
}

static void
test_binding_nginx(void **state)
{
	(void)state;
	struct fs_model_set set;
	load_clean(&set, "clusters-list.yaml"); /* registers apps/v1 Deployment */
	struct fs_diags d = FS_DIAGS_INIT;
	/* the file also holds the Deployment template: without a callback it
	 * is ignored with a warning */
	assert_int_equal(fs_model_load_file(&set, data_path("resourcebinding-nginx-divided.yaml"),
					    &d),
			 FS_OK);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.items[0].msg, "ignoring object of kind Deployment"));
	fs_diags_release(&d);
	assert_int_equal(set.n_bindings, 1);
	const struct fs_binding *b = &set.bindings[0];
	assert_int_equal(b->kind, FS_WORKLOAD_RESOURCE_BINDING);
	assert_ptr_equal(b->self.api_version, I("work.karmada.io/v1alpha2"));
	assert_ptr_equal(b->self.namespace_, I("default"));
	assert_ptr_equal(b->self.name, I("nginx-deployment"));
	assert_ptr_equal(b->self.uid, I("c83f5d27-0a1e-4b9c-b6f2-58d4e7a3c190"));
	assert_ptr_equal(b->resource.api_version, I("apps/v1"));
	assert_ptr_equal(b->resource.kind, I("Deployment"));
	assert_ptr_equal(b->resource.name, I("nginx"));
	assert_ptr_equal(b->resource.uid, I("4bd1f0a2-8c6e-4d39-9f17-3e5a7c2b9d60"));
	assert_int_equal(b->api_id, fs_api_id("apps/v1", "Deployment"));
	assert_true(b->api_id >= 0);
	assert_int_equal(b->replicas, 2);
	assert_true(b->has_requirements);
	assert_int_equal(b->n_requests, 2);
	assert_int_equal(res(b->requests, b->n_requests, "cpu"), 250);
	assert_int_equal(res(b->requests, b->n_requests, "memory"), 64LL << 20);
	assert_int_equal(b->n_node_selector, 1);
	assert_ptr_equal(label(b->node_selector, 1, "kubernetes.io/os"), I("linux"));
	assert_ptr_equal(b->namespace_req, I("default"));
	assert_null(b->priority_class);
	/* placement */
	const struct fs_placement *p = b->placement;
	assert_non_null(p);
	assert_non_null(p->affinity);
	assert_int_equal(p->affinity->n_cluster_names, 2);
	assert_ptr_equal(p->affinity->cluster_names[1], I("member2"));
	assert_null(p->affinity->label_selector);
	assert_false(p->affinity->has_field_selector);
	assert_int_equal(p->n_terms, 0);
	const struct fs_replica_scheduling *rs = p->replica_scheduling;
	assert_non_null(rs);
	assert_int_equal(rs->type, FS_REPLICA_DIVIDED);
	assert_int_equal(rs->division, FS_DIVISION_WEIGHTED);
	assert_true(rs->has_weight_preference);
	assert_false(rs->dynamic_available);
	assert_int_equal(rs->n_static_weights, 2);
	assert_int_equal(rs->static_weights[0].weight, 1);
	assert_ptr_equal(rs->static_weights[0].target.cluster_names[0], I("member1"));
	/* previous result, status, metadata */
	assert_int_equal(b->n_previous, 2);
	assert_ptr_equal(b->previous[0].name, I("member1"));
	assert_int_equal(b->previous[1].replicas, 1);
	assert_int_equal(b->n_evicting_from, 0);
	assert_ptr_equal(b->scheduler_name, I("default-scheduler"));
	assert_int_equal(b->last_scheduled_time, 1710147734); /* 2024-03-11T09:02:14Z */
	assert_int_equal(b->reschedule_triggered_at, 0);
	assert_null(b->observed_affinity);
	assert_int_equal(b->generation, 2);
	assert_null(b->storage_class);
	assert_null(b->raw);
	fs_model_set_release(&set);
}

/* decode a YAML text with one object; returns the ctx errors */
static size_t
decode_text(const char *text, bool cluster, struct fs_diags *d,
	    struct fs_arena *a, void *out)
{
	struct fs_docset *ds;
	assert_int_equal(fs_docset_load_mem(&ds, "obj.yaml", text, strlen(text), d),
			 FS_OK);
	struct fs_decode_ctx ctx = {.ds = ds, .diags = d};
	enum fs_code rc = cluster ? fs_cluster_decode(fs_docset_doc(ds, 0), a, out, &ctx)
				  : fs_binding_decode(fs_docset_doc(ds, 0), a, out, &ctx);
	assert_int_equal(rc, ctx.errors ? FS_E_INVAL : FS_OK);
	fs_docset_free(ds);
	return ctx.errors;
}

/* text decodes (as a cluster or a binding) with exactly one error, whose
 * formatted message contains want */
static void
one_error(const char *text, bool cluster, const char *want)
{
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_arena a = FS_ARENA_INIT;
	struct fs_cluster c;
	struct fs_binding b;
	assert_int_equal(decode_text(text, cluster, &d, &a, cluster ? (void *)&c : (void *)&b), 1);
	char *m = fs_diag_format(&d.items[0]);
	if (!strstr(m, want))
		fail_msg("error differs\n  want %s\n  got  %s", want, m);
	free(m);
	fs_diags_release(&d);
	fs_arena_release(&a);
}

/* a binding's head, for the spec lines one_error appends */
#define RB_W "kind: ResourceBinding\nmetadata: {name: w, namespace: p}\n" \
	     "spec:\n  resource: {apiVersion: apps/v1, kind: Deployment, name: w}\n"

static void
test_wrong_types_with_positions(void **state)
{
	(void)state;
	struct fs_arena a = FS_ARENA_INIT;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_cluster c;
	const char *text = "apiVersion: cluster.karmada.io/v1alpha1\n"
			   "kind: Cluster\n"
			   "metadata:\n"
			   "  name: member2\n"
			   "  generation: two\n"
			   "spec:\n"
			   "  taints:\n"
			   "  - key: a\n"
			   "    effect: Sometimes\n"
			   "status:\n"
			   "  resourceSummary:\n"
			   "    allocatable:\n"
			   "      cpu: lots\n";
	assert_int_equal(decode_text(text, true, &d, &a, &c), 3);
	char *m0 = fs_diag_format(&d.items[0]);
	assert_string_equal(m0, "obj.yaml:5:15: cluster member2: metadata.generation: "
				"expected integer, got string \"two\"");
	free(m0);
	char *m1 = fs_diag_format(&d.items[1]);
	assert_string_equal(m1, "obj.yaml:9:13: cluster member2: spec.taints[0].effect: "
				"expected one of NoSchedule, PreferNoSchedule, "
				"NoExecute, got \"Sometimes\"");
	free(m1);
	char *m2 = fs_diag_format(&d.items[2]);
	assert_non_null(strstr(m2, "obj.yaml:13:12: cluster member2: "
				   "status.resourceSummary.allocatable.cpu: expected quantity"));
	free(m2);
	fs_diags_release(&d);

	struct fs_binding b;
	const char *rb = "apiVersion: work.karmada.io/v1alpha2\n"
			 "kind: ResourceBinding\n"
			 "metadata: {name: web, namespace: prod}\n"
			 "spec:\n"
			 "  resource: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
			 "  replicas: \"3\"\n"
			 "  placement:\n"
			 "    clusterAffinity:\n"
			 "      fieldSelector:\n"
			 "        matchExpressions:\n"
			 "        - {key: planet, operator: In, values: [earth]}\n"
			 "    spreadConstraints:\n"
			 "    - {spreadByField: galaxy}\n"
			 "    replicaScheduling: {replicaSchedulingType: Tripled}\n";
	assert_int_equal(decode_text(rb, false, &d, &a, &b), 4);
	/* negative amounts: refused with the field path, as kube-apiserver does */
	one_error("kind: Cluster\nmetadata: {name: m}\nstatus:\n"
		  "  resourceSummary:\n    allocatable: {cpu: \"-1\"}\n", true,
		  "status.resourceSummary.allocatable.cpu: quantity \"-1\" is negative");
	one_error(RB_W "  replicaRequirements:\n    resourceRequest: {memory: -1Gi}\n", false,
		  "resourceRequest.memory: quantity \"-1Gi\" is negative");
	/* a cluster twice in spec.clusters (the chaos fleet had one: the
	 * scheduler kept it through a scale-down) */
	one_error(RB_W "  clusters:\n  - {name: m1, replicas: 2}\n"
		  "  - {name: m2, replicas: 1}\n  - {name: m2, replicas: 4}\n", false,
		  "obj.yaml:8:5: resourcebinding p/w: spec.clusters[2].name: cluster 'm2' is "
		  "listed twice (first at index 1); hint: list each cluster once, with all of "
		  "its replicas");
	const char *spread = "kind: ResourceBinding\n"
			     "metadata: {name: web, namespace: prod}\n"
			     "spec:\n"
			     "  placement:\n"
			     "    spreadConstraints:\n"
			     "    - {spreadByField: region, minGroups: 2, maxGroups: 1}\n";
	struct fs_diags d2 = FS_DIAGS_INIT;
	struct fs_arena a2 = FS_ARENA_INIT;
	assert_true(decode_text(spread, false, &d2, &a2, &b) >= 1);
	bool found = false;
	for (size_t i = 0; i < d2.n; i++) {
		char *sm = fs_diag_format(&d2.items[i]);
		found |= strstr(sm, "spreadConstraints[0].maxGroups: maxGroups "
				    "lower than minGroups") != NULL;
		free(sm);
	}
	assert_true(found);
	fs_diags_release(&d2);
	fs_arena_release(&a2);
	const char *want[] = {
		"obj.yaml:6:13: resourcebinding prod/web: spec.replicas: expected integer, got string \"3\"",
		"obj.yaml:11:17: resourcebinding prod/web: spec.placement.clusterAffinity.fieldSelector."
		"matchExpressions[0].key: expected one of provider, region, zone, got \"planet\"",
		"obj.yaml:13:23: resourcebinding prod/web: spec.placement.spreadConstraints[0]."
		"spreadByField: expected one of cluster, region, zone, provider, got \"galaxy\"",
		"obj.yaml:14:48: resourcebinding prod/web: spec.placement.replicaScheduling."
		"replicaSchedulingType: expected one of Duplicated, Divided, got \"Tripled\"",
	};
	for (size_t i = 0; i < 4; i++) {
		char *m = fs_diag_format(&d.items[i]);
		assert_string_equal(m, want[i]);
		free(m);
	}
	fs_diags_release(&d);
	fs_arena_release(&a);
}

static void
test_json_errors_have_positions(void **state)
{
	(void)state;
	const char *text = "{\"kind\": \"List\", \"items\": [\n"
			   "  {\"kind\": \"Cluster\", \"metadata\": {\"name\": \"j1\"}},\n"
			   "  {\"kind\": \"Cluster\", \"metadata\": {\"name\": \"j2\",\n"
			   "   \"labels\": {\"tier\": 3}}},\n"
			   "  {\"kind\": \"Cluster\", \"spec\": {}}\n"
			   "]}\n";
	struct fs_docset *ds;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_model_set set;
	fs_model_set_init(&set);
	assert_int_equal(fs_docset_load_mem(&ds, "dump.json", text, strlen(text), &d),
			 FS_OK);
	fs_model_load_docset(&set, ds, &d);
	fs_docset_free(ds);
	assert_int_equal(fs_snapshot_count(set.snapshot), 1);
	assert_int_equal(d.errors, 2);
	char *m = fs_diag_format(&d.items[0]);
	assert_string_equal(m, "dump.json:4:23: cluster j2: metadata.labels.tier: "
			       "expected string, got integer 3");
	free(m);
	m = fs_diag_format(&d.items[1]);
	assert_string_equal(m, "dump.json:5:3: cluster <unnamed>: missing metadata");
	free(m);
	fs_diags_release(&d);
	fs_model_set_release(&set);
}

static void
test_bad_object_skipped(void **state)
{
	(void)state;
	const char *text = "apiVersion: v1\nkind: List\nitems:\n"
			   "- apiVersion: cluster.karmada.io/v1alpha1\n"
			   "  kind: Cluster\n"
			   "  metadata: {name: good1}\n"
			   "- apiVersion: cluster.karmada.io/v1alpha1\n"
			   "  kind: Cluster\n"
			   "  metadata: {name: bad}\n"
			   "  spec: {taints: [{key: x, effect: Never}]}\n"
			   "- apiVersion: cluster.karmada.io/v1alpha1\n"
			   "  kind: Cluster\n"
			   "  metadata: {labels: {a: b}}\n"
			   "- 42\n"
			   "- apiVersion: cluster.karmada.io/v1alpha1\n"
			   "  kind: Cluster\n"
			   "  metadata: {name: good2}\n";
	struct fs_docset *ds;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_model_set set;
	fs_model_set_init(&set);
	assert_int_equal(fs_docset_load_mem(&ds, "list.yaml", text, strlen(text), &d),
			 FS_OK);
	fs_model_load_docset(&set, ds, &d);
	fs_docset_free(ds);
	assert_int_equal(fs_snapshot_count(set.snapshot), 2);
	assert_string_equal(fs_snapshot_at(set.snapshot, 0)->name, "good1");
	assert_string_equal(fs_snapshot_at(set.snapshot, 1)->name, "good2");
	assert_int_equal(fs_snapshot_at(set.snapshot, 1)->index, 1);
	assert_int_equal(set.n_skipped, 3);
	assert_int_equal(d.errors, 3);
	assert_int_equal(d.items[0].line, 10);
	assert_string_equal(d.items[1].msg, "missing name");
	assert_string_equal(d.items[1].path, "cluster <unnamed>: metadata");
	assert_non_null(strstr(d.items[2].msg, "expected a Kubernetes object, got integer 42"));
	fs_diags_release(&d);
	fs_model_set_release(&set);
}

static void
test_placement_defaults(void **state)
{
	(void)state;
	const char *text =
		"clusterAffinities:\n"
		"- affinityName: local\n"
		"  clusterNames: [a, b]\n"
		"  overflowAffinities:\n"
		"  - {affinityName: cloud, labelSelector: {matchLabels: {tier: cloud}}}\n"
		"- affinityName: far\n"
		"  fieldSelector:\n"
		"    matchExpressions:\n"
		"    - {key: region, operator: NotIn, values: [eu]}\n"
		"    - {key: zone, operator: Exists}\n"
		"clusterTolerations:\n"
		"- {key: k, operator: Exists, effect: NoExecute, tolerationSeconds: 30}\n"
		"- {key: k2, value: v}\n"
		"- {operator: Exists}\n"
		"spreadConstraints:\n"
		"- {maxGroups: 3}\n"
		"- {spreadByField: region, minGroups: 2}\n"
		"- {spreadByLabel: rack}\n"
		"replicaScheduling: {}\n";
	struct fs_docset *ds;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_arena a = FS_ARENA_INIT;
	assert_int_equal(fs_docset_load_mem(&ds, "p.yaml", text, strlen(text), &d), FS_OK);
	struct fs_decode_ctx ctx = {.ds = ds, .diags = &d};
	const struct fs_placement *p = fs_placement_decode(fs_docset_doc(ds, 0), &a, &ctx);
	fs_diags_print(&d, stderr);
	assert_int_equal(ctx.errors, 0);
	assert_non_null(p);
	assert_null(p->affinity);
	assert_int_equal(p->n_terms, 2);
	assert_ptr_equal(p->terms[0].name, I("local"));
	assert_int_equal(p->terms[0].affinity.n_cluster_names, 2);
	assert_int_equal(p->terms[0].n_overflow, 1);
	assert_ptr_equal(p->terms[0].overflow[0].label_selector->match_labels[0].value,
			 I("cloud"));
	assert_true(p->terms[1].affinity.has_field_selector);
	assert_int_equal(p->terms[1].affinity.n_field_exprs, 2);
	assert_int_equal(p->terms[1].affinity.field_exprs[0].op, FS_OP_NOT_IN);
	assert_int_equal(p->terms[1].affinity.field_exprs[1].op, FS_OP_EXISTS);
	assert_int_equal(p->n_tolerations, 3);
	assert_int_equal(p->tolerations[0].op, FS_OP_EXISTS);
	assert_int_equal(p->tolerations[0].effect, FS_EFFECT_NO_EXECUTE);
	assert_true(p->tolerations[0].has_seconds);
	assert_int_equal(p->tolerations[0].seconds, 30);
	assert_int_equal(p->tolerations[1].op, FS_OP_EQUAL);
	assert_int_equal(p->tolerations[1].effect, FS_EFFECT_NONE);
	assert_ptr_equal(p->tolerations[1].value, I("v"));
	assert_null(p->tolerations[2].key);
	assert_int_equal(p->n_spread, 3);
	assert_int_equal(p->spread[0].field, FS_SPREAD_CLUSTER);
	assert_int_equal(p->spread[0].min_groups, 1);
	assert_true(p->spread[0].has_max_groups);
	assert_int_equal(p->spread[0].max_groups, 3);
	assert_int_equal(p->spread[1].field, FS_SPREAD_REGION);
	assert_int_equal(p->spread[1].min_groups, 2);
	assert_false(p->spread[1].has_max_groups);
	assert_int_equal(p->spread[2].field, FS_SPREAD_LABEL);
	assert_ptr_equal(p->spread[2].label, I("rack"));
	assert_non_null(p->replica_scheduling);
	assert_int_equal(p->replica_scheduling->type, FS_REPLICA_DIVIDED);
	assert_int_equal(p->replica_scheduling->division, FS_DIVISION_WEIGHTED);
	assert_false(p->replica_scheduling->has_weight_preference);
	fs_docset_free(ds);

	/* Duplicated has no division; Aggregated and dynamic weights read */
	const char *t2 = "replicaScheduling: {replicaSchedulingType: Duplicated}\n"
			 "---\n"
			 "replicaScheduling:\n"
			 "  replicaDivisionPreference: Aggregated\n"
			 "---\n"
			 "replicaScheduling:\n"
			 "  weightPreference: {dynamicWeight: AvailableReplicas}\n";
	assert_int_equal(fs_docset_load_mem(&ds, "p2.yaml", t2, strlen(t2), &d), FS_OK);
	p = fs_placement_decode(fs_docset_doc(ds, 0), &a, &ctx);
	assert_int_equal(p->replica_scheduling->type, FS_REPLICA_DUPLICATED);
	assert_int_equal(p->replica_scheduling->division, FS_DIVISION_NONE);
	p = fs_placement_decode(fs_docset_doc(ds, 1), &a, &ctx);
	assert_int_equal(p->replica_scheduling->type, FS_REPLICA_DIVIDED);
	assert_int_equal(p->replica_scheduling->division, FS_DIVISION_AGGREGATED);
	p = fs_placement_decode(fs_docset_doc(ds, 2), &a, &ctx);
	assert_true(p->replica_scheduling->dynamic_available);
	assert_int_equal(p->replica_scheduling->division, FS_DIVISION_WEIGHTED);
	assert_null(fs_placement_decode(NULL, &a, &ctx));
	assert_int_equal(ctx.errors, 0);
	fs_docset_free(ds);
	fs_arena_release(&a);
	fs_diags_release(&d);
}

static void
test_binding_extras(void **state)
{
	(void)state;
	const char *text =
		"apiVersion: work.karmada.io/v1alpha2\n"
		"kind: ClusterResourceBinding\n"
		"metadata:\n"
		"  name: crb\n"
		"  annotations: {fedstate.io/storage-class: \"\", fedstate.io/require-vip: "
		"\"true\", kubectl.kubernetes.io/last-applied-configuration: \"{}\"}\n"
		"spec:\n"
		"  resource: {apiVersion: example.com/v1, kind: Widget, name: w}\n"
		"  schedulerName: fedstate-scheduler\n"
		"  rescheduleTriggeredAt: \"2024-03-11T10:02:14+01:00\"\n"
		"  gracefulEvictionTasks:\n"
		"  - {fromCluster: m1, reason: x}\n"
		"status: {schedulerObservingAffinityName: local, lastScheduledTime: "
		"\"2024-03-11T09:02:14.123456Z\"}\n";
	struct fs_arena a = FS_ARENA_INIT;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_binding b;
	assert_int_equal(decode_text(text, false, &d, &a, &b), 0);
	assert_int_equal(b.kind, FS_WORKLOAD_CLUSTER_RESOURCE_BINDING);
	assert_null(b.self.namespace_);
	assert_ptr_equal(b.storage_class, I(""));
	/* annotations in the view, without kubectl's copy of the object */
	assert_int_equal(b.n_annotations, 2);
	assert_true((uintptr_t)b.annotations[0].key < (uintptr_t)b.annotations[1].key);
	assert_ptr_equal(fs_kv_find(b.annotations, 2, I("fedstate.io/require-vip"))->value,
			 I("true"));
	assert_ptr_equal(fs_kv_find(b.annotations, 2, I("fedstate.io/storage-class"))->value,
			 I(""));
	assert_ptr_equal(b.scheduler_name, I("fedstate-scheduler"));
	assert_int_equal(b.reschedule_triggered_at, 1710147734);
	assert_int_equal(b.last_scheduled_time, 1710147734);
	assert_int_equal(b.n_evicting_from, 1);
	assert_ptr_equal(b.evicting_from[0], I("m1"));
	assert_ptr_equal(b.observed_affinity, I("local"));
	assert_int_equal(b.api_id, -1); /* no cluster serves Widget */
	assert_false(b.has_requirements);
	assert_null(b.placement);
	fs_arena_release(&a);
	fs_diags_release(&d);
}

static void
test_from_workload(void **state)
{
	(void)state;
	cJSON *obj = cJSON_Parse("{\"apiVersion\":\"middleware.fedstate.io/v1alpha1\","
				 "\"kind\":\"MultiCloudMongoDB\",\"metadata\":{\"name\":"
				 "\"sample\",\"namespace\":\"ns\",\"uid\":\"u1\","
				 "\"generation\":4,\"annotations\":{\"a\":\"b\"}}}");
	cJSON *req = cJSON_Parse("{\"cpu\":\"500m\",\"memory\":\"1Gi\",\"pods\":1}");
	cJSON *pl = cJSON_Parse("{\"clusterAffinity\":{\"clusterNames\":[\"a\"]}}");
	struct fs_mw_workload w = {.struct_size = sizeof w, .replicas = 3,
				   .requests = (struct fs_json *)req,
				   .placement = (struct fs_json *)pl,
				   .storage_class = "fast-ssd", .arbiter = true,
				   .mode = FS_MODE_UNIFORM};
	struct fs_arena a = FS_ARENA_INIT;
	struct fs_decode_ctx ctx = {.keep_raw = true};
	struct fs_binding b;
	assert_int_equal(fs_binding_from_workload(obj, &w, &a, &b, &ctx), FS_OK);
	assert_int_equal(b.kind, FS_WORKLOAD_MIDDLEWARE);
	assert_ptr_equal(b.self.name, I("sample"));
	assert_ptr_equal(b.resource.kind, I("MultiCloudMongoDB"));
	assert_int_equal(b.replicas, 3);
	assert_int_equal(b.generation, 4);
	assert_true(b.has_requirements);
	assert_int_equal(res(b.requests, b.n_requests, "cpu"), 500);
	assert_int_equal(res(b.requests, b.n_requests, "memory"), 1LL << 30);
	assert_int_equal(res(b.requests, b.n_requests, "pods"), 1);
	assert_ptr_equal(b.placement->affinity->cluster_names[0], I("a"));
	assert_ptr_equal(b.storage_class, I("fast-ssd"));
	assert_true(b.arbiter);
	assert_int_equal(b.mode, FS_MODE_UNIFORM);
	/* none named: the CRD's default, as the API server fills it in (it
	 * went to default-scheduler, whose profile has no VIP or spread) */
	assert_ptr_equal(b.scheduler_name, I("multicloud-middleware-scheduler"));
	assert_ptr_equal(b.raw, (const struct fs_json *)obj);
	assert_int_equal(b.n_annotations, 1);
	assert_ptr_equal(b.annotations[0].key, I("a"));
	assert_ptr_equal(b.annotations[0].value, I("b"));
	/* a bad request quantity is an error */
	cJSON_ReplaceItemInObject(req, "cpu", cJSON_CreateString("fast"));
	struct fs_diags d = FS_DIAGS_INIT;
	ctx.diags = &d;
	assert_int_equal(fs_binding_from_workload(obj, &w, &a, &b, &ctx), FS_E_INVAL);
	char *m = fs_diag_format(&d.items[0]);
	assert_string_equal(m, "multicloudmongodb ns/sample: requests.cpu: expected "
			       "quantity such as 950m, 2Gi or 1e3, got \"fast\"");
	free(m);
	fs_diags_release(&d);
	cJSON_Delete(obj);
	cJSON_Delete(req);
	cJSON_Delete(pl);
	fs_arena_release(&a);
}

/* a Cluster object with just a name (and a generation) */
static cJSON *
named_cluster(const char *name, int generation)
{
	char text[256];
	snprintf(text, sizeof text,
		 "{\"apiVersion\":\"cluster.karmada.io/v1alpha1\",\"kind\":\"Cluster\","
		 "\"metadata\":{\"name\":\"%s\",\"generation\":%d}}",
		 name, generation);
	cJSON *obj = cJSON_Parse(text);
	assert_non_null(obj);
	return obj;
}

static void
put_named(struct fs_fleet *f, const char *name, int generation)
{
	struct fs_decode_ctx ctx = {0};
	cJSON *obj = named_cluster(name, generation);
	assert_int_equal(fs_fleet_put_json(f, obj, &ctx), FS_OK);
	cJSON_Delete(obj);
}

static void
test_snapshot_ops(void **state)
{
	(void)state;
	struct fs_model_set set;
	load_clean(&set, "clusters-list.yaml");
	struct fs_snapshot *s = set.snapshot;
	uint64_t g0 = fs_snapshot_generation(s);
	const struct fs_host *h = fs_host_table();
	struct fs_runtime *rt = fs_runtime_new(NULL);
	struct fs_plugin self = {.env = fs_runtime_env(rt)}, *me = &self;
	fs_runtime_publish(rt, s);
	assert_int_equal(h->cluster_count(me), 4);
	assert_ptr_equal(h->cluster_at(me, 2), fs_snapshot_at(s, 2));
	assert_null(h->cluster_at(me, 4));
	assert_ptr_equal(h->cluster_find(me, "member3"), fs_snapshot_find(s, "member3"));
	assert_int_equal(h->cluster_generation(me), g0);
	fs_runtime_publish(rt, NULL);
	assert_int_equal(h->cluster_count(me), 0);
	fs_runtime_free(rt);
	/* remove renumbers the next snapshot, which gets a new generation */
	struct fs_fleet *f = set.fleet;
	assert_int_equal(fs_fleet_remove(f, "10-29-14-21"), FS_OK);
	assert_int_equal(fs_fleet_remove(f, "10-29-14-21"), FS_E_NOTFOUND);
	struct fs_snapshot *s1 = fs_fleet_publish(f);
	assert_int_equal(fs_snapshot_count(s1), 3);
	assert_true(fs_snapshot_generation(s1) > g0);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(fs_snapshot_at(s1, i)->index, i);
		assert_ptr_equal(fs_snapshot_find(s1, fs_snapshot_at(s1, i)->name),
				 fs_snapshot_at(s1, i));
	}
	/* put of an existing name replaces at the same position */
	uint32_t at3 = fs_snapshot_find(s1, "member3")->index;
	put_named(f, "member3", 99);
	struct fs_snapshot *s2 = fs_fleet_publish(f);
	assert_int_equal(fs_snapshot_count(s2), 3);
	assert_int_equal(fs_snapshot_find(s2, "member3")->generation, 99);
	assert_int_equal(fs_snapshot_find(s2, "member3")->index, at3);
	/* many clusters keep the index consistent */
	for (int i = 0; i < 200; i++) {
		char name[32];
		snprintf(name, sizeof name, "extra-%d", i);
		put_named(f, name, 1);
	}
	struct fs_snapshot *s3 = fs_fleet_publish(f);
	assert_int_equal(fs_snapshot_count(s3), 203);
	assert_int_equal(fs_snapshot_find(s3, "extra-150")->index, 153);
	assert_ptr_equal(fs_snapshot_find(s3, "member1"), fs_snapshot_at(s3, 0));
	fs_snapshot_unref(s1);
	fs_snapshot_unref(s2);
	fs_snapshot_unref(s3);
	fs_model_set_release(&set);
}

struct seen {
	int n;
	const char *kind;
	unsigned line;
};

static void
on_other(void *ud, const cJSON *obj, const char *api_version, const char *kind,
	 const struct fs_docset *ds, struct fs_diags *diags)
{
	struct seen *s = ud;
	unsigned col;
	(void)api_version;
	(void)diags;
	s->n++;
	s->kind = kind;
	fs_docset_pos(ds, obj, &s->line, &col);
}

static void
test_other_kinds_callback(void **state)
{
	(void)state;
	const char *text = "apiVersion: middleware.fedstate.io/v1alpha1\n"
			   "kind: MultiCloudMongoDB\n"
			   "metadata: {name: sample}\n"
			   "---\n"
			   "apiVersion: cluster.karmada.io/v1alpha1\n"
			   "kind: Cluster\n"
			   "metadata: {name: c1}\n";
	struct seen seen = {0};
	struct fs_model_set set;
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds;
	fs_model_set_init(&set);
	set.other = on_other;
	set.other_ud = &seen;
	set.keep_docs = true; /* the set takes the docset */
	assert_int_equal(fs_docset_load_mem(&ds, "mix.yaml", text, strlen(text), &d),
			 FS_OK);
	assert_int_equal(fs_model_load_docset(&set, ds, &d), FS_OK);
	assert_int_equal(d.n, 0);
	assert_int_equal(seen.n, 1);
	assert_ptr_equal(seen.kind, I("MultiCloudMongoDB"));
	assert_int_equal(seen.line, 1);
	assert_int_equal(fs_snapshot_count(set.snapshot), 1);
	fs_model_set_release(&set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cluster_member1),
		cmocka_unit_test(test_clusters_list),
		cmocka_unit_test(test_binding_nginx),
		cmocka_unit_test(test_wrong_types_with_positions),
		cmocka_unit_test(test_json_errors_have_positions),
		cmocka_unit_test(test_bad_object_skipped),
		cmocka_unit_test(test_placement_defaults),
		cmocka_unit_test(test_binding_extras),
		cmocka_unit_test(test_from_workload),
		cmocka_unit_test(test_snapshot_ops),
		cmocka_unit_test(test_other_kinds_callback),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
