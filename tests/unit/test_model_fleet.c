/* test_model_fleet.c - immutable published snapshots (core/model/fleet.h,
 * snapshot.h) and bindings that own their strings (fs_binding_box in
 * core/model/binding.h) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model/binding.h"
#include "model/fleet.h"
#include "util/intern.h"

static cJSON *
cluster_json(const char *name, int generation, const char *tier)
{
	char text[512];
	snprintf(text, sizeof text,
		 "{\"apiVersion\":\"cluster.karmada.io/v1alpha1\",\"kind\":\"Cluster\","
		 "\"metadata\":{\"name\":\"%s\",\"generation\":%d,"
		 "\"labels\":{\"tier\":\"%s\"}},"
		 "\"spec\":{\"region\":\"r-%s\"},"
		 "\"status\":{\"resourceSummary\":{\"allocatable\":{\"cpu\":\"%d\"}}}}",
		 name, generation, tier, tier, 10 + generation);
	cJSON *obj = cJSON_Parse(text);
	assert_non_null(obj);
	return obj;
}

static void
put(struct fs_fleet *f, const char *name, int generation, const char *tier)
{
	struct fs_decode_ctx ctx = {0};
	cJSON *obj = cluster_json(name, generation, tier);
	assert_int_equal(fs_fleet_put_json(f, obj, &ctx), FS_OK);
	cJSON_Delete(obj);
}

static const char *
tier_of(const struct fs_cluster *c)
{
	const struct fs_kv *kv = fs_kv_find(c->labels, c->n_labels,
					    fs_intern("tier", (size_t)-1));
	return kv ? kv->value : NULL;
}

/* what a snapshot shows, by value, to compare after the fleet moved on */
struct seen {
	uint32_t n;
	uint64_t generation;
	struct {
		const struct fs_cluster *at;
		char name[32], tier[32];
		int64_t generation, cpu;
	} c[8];
};

static void
look(const struct fs_snapshot *s, struct seen *out)
{
	memset(out, 0, sizeof *out);
	out->n = fs_snapshot_count(s);
	out->generation = fs_snapshot_generation(s);
	assert_true(out->n <= 8);
	for (uint32_t i = 0; i < out->n; i++) {
		const struct fs_cluster *c = fs_snapshot_at(s, i);
		out->c[i].at = c;
		snprintf(out->c[i].name, sizeof out->c[i].name, "%s", c->name);
		snprintf(out->c[i].tier, sizeof out->c[i].tier, "%s", tier_of(c));
		out->c[i].generation = c->generation;
		out->c[i].cpu = c->n_allocatable ? c->allocatable[0].amount : -1;
	}
}

/* s shows exactly what `was` recorded: views, index, order, lookup */
static void
assert_shows(const struct fs_snapshot *s, const struct seen *was)
{
	assert_int_equal(fs_snapshot_count(s), was->n);
	assert_int_equal(fs_snapshot_generation(s), was->generation);
	for (uint32_t i = 0; i < was->n; i++) {
		const struct fs_cluster *c = fs_snapshot_at(s, i);
		assert_ptr_equal(c, was->c[i].at);
		assert_int_equal(c->index, i);
		assert_string_equal(c->name, was->c[i].name);
		assert_string_equal(tier_of(c), was->c[i].tier);
		assert_int_equal(c->generation, was->c[i].generation);
		assert_int_equal(c->allocatable[0].amount, was->c[i].cpu);
		assert_ptr_equal(fs_snapshot_find(s, was->c[i].name), c);
	}
	assert_null(fs_snapshot_at(s, was->n));
}

static void
test_held_snapshot_unchanged(void **state)
{
	(void)state;
	struct fs_fleet *f = fs_fleet_new();
	const char *names[] = {"a", "b", "c", "d", "e"};
	for (int i = 0; i < 5; i++)
		put(f, names[i], 1, "gold");
	struct fs_snapshot *held = fs_fleet_publish(f);
	struct seen was;
	look(held, &was);
	/* everything a watch can do, while a cycle holds `held` */
	put(f, "b", 2, "silver");      /* replace */
	assert_int_equal(fs_fleet_remove(f, "a"), FS_OK); /* renumbers */
	put(f, "f", 1, "bronze");      /* add */
	put(f, "d", 3, "silver");      /* replace again after a remove */
	assert_int_equal(fs_fleet_remove(f, "c"), FS_OK);
	struct fs_snapshot *next = fs_fleet_publish(f);
	assert_shows(held, &was);
	/* the next snapshot: insertion order, replaced ones in place */
	const char *want[] = {"b", "d", "e", "f"};
	assert_int_equal(fs_snapshot_count(next), 4);
	for (uint32_t i = 0; i < 4; i++) {
		const struct fs_cluster *c = fs_snapshot_at(next, i);
		assert_string_equal(c->name, want[i]);
		assert_int_equal(c->index, i);
		assert_ptr_equal(fs_snapshot_find(next, want[i]), c);
	}
	assert_int_equal(fs_snapshot_find(next, "b")->generation, 2);
	assert_string_equal(tier_of(fs_snapshot_find(next, "d")), "silver");
	/* "e" is shared by both snapshots, each with its own index */
	assert_int_equal(fs_snapshot_find(held, "e")->index, 4);
	assert_int_equal(fs_snapshot_find(next, "e")->index, 2);
	assert_ptr_equal(fs_snapshot_find(held, "e")->labels,
			 fs_snapshot_find(next, "e")->labels);
	assert_true(fs_snapshot_generation(next) > fs_snapshot_generation(held));
	/* snapshots outlive their fleet */
	fs_fleet_free(f);
	assert_shows(held, &was);
	assert_int_equal(fs_snapshot_find(next, "f")->index, 3);
	fs_snapshot_unref(held);
	assert_string_equal(fs_snapshot_at(next, 0)->name, "b");
	fs_snapshot_unref(next);
}

static void
test_removed_only_from_later_snapshots(void **state)
{
	(void)state;
	struct fs_fleet *f = fs_fleet_new();
	put(f, "keep", 1, "gold");
	put(f, "gone", 1, "gold");
	struct fs_snapshot *old = fs_fleet_publish(f);
	assert_int_equal(fs_fleet_remove(f, "gone"), FS_OK);
	assert_int_equal(fs_fleet_remove(f, "gone"), FS_E_NOTFOUND);
	assert_int_equal(fs_fleet_remove(f, "never"), FS_E_NOTFOUND);
	assert_int_equal(fs_fleet_remove(f, NULL), FS_E_NOTFOUND);
	assert_int_equal(fs_fleet_count(f), 1);
	struct fs_snapshot *now = fs_fleet_publish(f);
	assert_null(fs_snapshot_find(now, "gone"));
	assert_int_equal(fs_snapshot_count(now), 1);
	const struct fs_cluster *g = fs_snapshot_find(old, "gone");
	assert_non_null(g);
	assert_int_equal(g->index, 1);
	assert_string_equal(tier_of(g), "gold");
	/* back again: a new view at the end of later snapshots */
	put(f, "gone", 5, "gold");
	struct fs_snapshot *back = fs_fleet_publish(f);
	assert_int_equal(fs_snapshot_find(back, "gone")->generation, 5);
	assert_int_equal(fs_snapshot_find(old, "gone")->generation, 1);
	fs_snapshot_unref(now);
	fs_snapshot_unref(back);
	fs_fleet_free(f);
	assert_int_equal(fs_snapshot_find(old, "gone")->index, 1);
	fs_snapshot_unref(old);
	fs_snapshot_unref(NULL);
	assert_null(fs_snapshot_ref(NULL));
	assert_int_equal(fs_snapshot_count(NULL), 0);
	assert_int_equal(fs_snapshot_generation(NULL), 0);
}

static void
test_publish_same_while_unchanged(void **state)
{
	(void)state;
	struct fs_fleet *f = fs_fleet_new();
	struct fs_snapshot *empty = fs_fleet_publish(f);
	assert_int_equal(fs_snapshot_count(empty), 0);
	assert_null(fs_snapshot_find(empty, "a"));
	put(f, "a", 1, "gold");
	struct fs_snapshot *s1 = fs_fleet_publish(f), *s2 = fs_fleet_publish(f);
	assert_ptr_equal(s1, s2);
	assert_true(fs_snapshot_generation(s1) > fs_snapshot_generation(empty));
	/* a bad object changes nothing */
	struct fs_decode_ctx ctx = {0};
	cJSON *bad = cJSON_Parse("{\"kind\":\"Cluster\",\"metadata\":{\"name\":\"a\"},"
				 "\"spec\":{\"taints\":[{\"key\":\"k\",\"effect\":\"Sometimes\"}]}}");
	assert_int_equal(fs_fleet_put_json(f, bad, &ctx), FS_E_INVAL);
	assert_true(ctx.errors > 0);
	cJSON_Delete(bad);
	struct fs_snapshot *s3 = fs_fleet_publish(f);
	assert_ptr_equal(s3, s1);
	assert_int_equal(fs_snapshot_find(s3, "a")->generation, 1);
	/* a put, even of equal content, is a change */
	put(f, "a", 1, "gold");
	struct fs_snapshot *s4 = fs_fleet_publish(f);
	assert_ptr_not_equal(s4, s1);
	assert_true(fs_snapshot_generation(s4) > fs_snapshot_generation(s1));
	fs_fleet_free(f);
	fs_snapshot_unref(s1);
	fs_snapshot_unref(s2);
	fs_snapshot_unref(s3);
	fs_snapshot_unref(s4);
	fs_snapshot_unref(empty);
	fs_fleet_free(NULL);
}

static cJSON *
binding_json(const char *uid, const char *result)
{
	char text[1024];
	snprintf(text, sizeof text,
		 "{\"apiVersion\":\"work.karmada.io/v1alpha2\",\"kind\":\"ResourceBinding\","
		 "\"metadata\":{\"namespace\":\"prod\",\"name\":\"web\",\"uid\":\"%s\","
		 "\"resourceVersion\":\"%s-rv\","
		 "\"annotations\":{\"fedstate.io/scheduler-result\":\"%s\"}},"
		 "\"spec\":{\"resource\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
		 "\"namespace\":\"prod\",\"name\":\"web\",\"uid\":\"%s-res\"},"
		 "\"replicas\":3,\"clusters\":[{\"name\":\"member1\",\"replicas\":3}]}}",
		 uid, uid, result, uid);
	cJSON *obj = cJSON_Parse(text);
	assert_non_null(obj);
	return obj;
}

static void
test_binding_box_owns_its_strings(void **state)
{
	(void)state;
	const char *ns = fs_intern("prod", (size_t)-1); /* pinned elsewhere */
	fs_intern("default-scheduler", (size_t)-1);      /* the decoder's default */
	size_t count = fs_intern_count();
	struct fs_decode_ctx ctx = {0};
	struct fs_binding_box *box = NULL;
	cJSON *obj = binding_json("uid-box-1", "{ClusterWithReplicaset:[member1]}");
	assert_int_equal(fs_binding_new_json(obj, &ctx, &box), FS_OK);
	cJSON_Delete(obj); /* the view does not point into the tree */
	assert_null(ctx.refs);
	const struct fs_binding *b = fs_binding_view(box);
	assert_string_equal(b->self.uid, "uid-box-1");
	assert_ptr_equal(b->self.namespace_, ns);
	assert_ptr_equal(fs_intern_lookup("uid-box-1", (size_t)-1), b->self.uid);
	assert_int_equal(b->n_annotations, 1);
	assert_string_equal(b->annotations[0].value, "{ClusterWithReplicaset:[member1]}");
	assert_string_equal(b->previous[0].name, "member1");
	assert_int_equal(b->replicas, 3);
	fs_binding_free(box);
	/* the per-object strings went with the box; pinned ones stay */
	assert_null(fs_intern_lookup("uid-box-1", (size_t)-1));
	assert_null(fs_intern_lookup("uid-box-1-res", (size_t)-1));
	assert_null(fs_intern_lookup("{ClusterWithReplicaset:[member1]}", (size_t)-1));
	assert_ptr_equal(fs_intern_lookup("prod", (size_t)-1), ns);
	assert_int_equal(fs_intern_count(), count);
	/* a bad binding gives no box and keeps nothing */
	obj = cJSON_Parse("{\"kind\":\"ResourceBinding\",\"metadata\":{\"name\":\"x\","
			  "\"uid\":\"uid-bad-1\"},\"spec\":{\"replicas\":\"3\"}}");
	box = (struct fs_binding_box *)obj; /* overwritten */
	assert_int_equal(fs_binding_new_json(obj, &ctx, &box), FS_E_INVAL);
	assert_null(box);
	assert_null(fs_intern_lookup("uid-bad-1", (size_t)-1));
	cJSON_Delete(obj);
	fs_binding_free(NULL);
	assert_null(fs_binding_view(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_held_snapshot_unchanged),
		cmocka_unit_test(test_removed_only_from_later_snapshots),
		cmocka_unit_test(test_publish_same_while_unchanged),
		cmocka_unit_test(test_binding_box_owns_its_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
