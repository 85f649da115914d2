/* test_model_memory.c - memory comes back: a 1000-cluster fleet and its
 * bindings take 100 000 watch-style updates (status, resourceVersion and
 * annotation changes, bindings replaced, clusters removed and re-added)
 * while "cycles" hold at most two published snapshots, as a daemon would;
 * heap in use, the intern table and RSS stay flat after warm-up
 * (core/model/fleet.h, fs_binding_box in core/model/binding.h,
 * core/util/intern.h).
 *
 * VALGRIND=1 (set by `make valgrind`) scales the updates down. RSS is only
 * checked without ASan or valgrind, whose allocators hold memory back (and
 * report no glibc heap: there the leak checkers stand in for that bound). */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/binding.h"
#include "model/fleet.h"
#include "util/intern.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

enum { CLUSTERS = 1000, BINDINGS = 2000, CYCLE_EVERY = 25 };

static const char *const tiers[] = {"gold", "silver", "bronze"};
static const char *const classes[] = {"[\\\"fast-ssd\\\"]",
				      "[\\\"fast-ssd\\\",\\\"standard\\\"]"};

static cJSON *
parse(const char *text)
{
	cJSON *obj = cJSON_Parse(text);
	assert_non_null(obj);
	return obj;
}

/* a Cluster as the API server sends it; `v` drives what changes */
static void
put_cluster(struct fs_fleet *f, uint32_t k, uint32_t v)
{
	char text[2048];
	snprintf(text, sizeof text,
		 "{\"apiVersion\":\"cluster.karmada.io/v1alpha1\",\"kind\":\"Cluster\","
		 "\"metadata\":{\"name\":\"member-%u\",\"uid\":\"cluster-uid-%u\","
		 "\"resourceVersion\":\"%u\",\"generation\":%u,"
		 "\"labels\":{\"tier\":\"%s\",\"env\":\"prod\",\"vip\":\"10.0.%u.%u\"},"
		 "\"annotations\":{\"fedstate.io/storage-classes\":\"%s\"}},"
		 "\"spec\":{\"provider\":\"p%u\",\"region\":\"region-%u\",\"zones\":[\"z%u\"],"
		 "\"taints\":[{\"key\":\"dedicated\",\"value\":\"db\",\"effect\":\"NoSchedule\"}]},"
		 "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"%s\"}],"
		 "\"apiEnablements\":[{\"groupVersion\":\"apps/v1\",\"resources\":"
		 "[{\"kind\":\"Deployment\"},{\"kind\":\"StatefulSet\"}]}],"
		 "\"resourceSummary\":{\"allocatable\":{\"cpu\":\"64\",\"memory\":\"256Gi\","
		 "\"pods\":\"110\"},\"allocated\":{\"cpu\":\"%um\",\"memory\":\"%uMi\","
		 "\"pods\":\"%u\"}}}}",
		 k, k, v, v % 7, tiers[v % 3], k / 250, k % 250, classes[v % 2], k % 3,
		 k % 10, k % 3, v % 5 ? "True" : "False", v % 64000, v % 200000,
		 v % 110);
	cJSON *obj = parse(text);
	struct fs_decode_ctx ctx = {0};
	assert_int_equal(fs_fleet_put_json(f, obj, &ctx), FS_OK);
	cJSON_Delete(obj);
}

/* a ResourceBinding with per-object strings that change with `v` */
static struct fs_binding_box *
new_binding(uint32_t k, uint32_t gen, uint32_t v)
{
	char text[2048];
	uint32_t c = (k + v) % CLUSTERS;
	snprintf(text, sizeof text,
		 "{\"apiVersion\":\"work.karmada.io/v1alpha2\",\"kind\":\"ResourceBinding\","
		 "\"metadata\":{\"namespace\":\"ns-%u\",\"name\":\"app-%u\","
		 "\"uid\":\"rb-uid-%u-%u\",\"resourceVersion\":\"%u\",\"generation\":%u,"
		 "\"annotations\":{\"fedstate.io/scheduler-result\":"
		 "\"{\\\"ClusterWithReplicaset\\\":[{\\\"cluster\\\":\\\"member-%u\\\","
		 "\\\"replicaset\\\":%u}]}\",\"example.com/last-sync\":\"t-%u\"}},"
		 "\"spec\":{\"resource\":{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\","
		 "\"namespace\":\"ns-%u\",\"name\":\"app-%u\",\"uid\":\"res-uid-%u-%u\"},"
		 "\"replicas\":%u,\"replicaRequirements\":{\"resourceRequest\":"
		 "{\"cpu\":\"500m\",\"memory\":\"1Gi\"}},"
		 "\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"member-%u\","
		 "\"member-%u\"]},\"replicaScheduling\":{\"replicaSchedulingType\":\"Divided\"}},"
		 "\"clusters\":[{\"name\":\"member-%u\",\"replicas\":%u}]}}",
		 k % 50, k, k, gen, v, v % 9, c, v % 5, v, k % 50, k, k, gen,
		 1 + v % 5, c, (c + 1) % CLUSTERS, c, 1 + v % 5);
	cJSON *obj = parse(text);
	struct fs_decode_ctx ctx = {0};
	struct fs_binding_box *b = NULL;
	assert_int_equal(fs_binding_new_json(obj, &ctx, &b), FS_OK);
	cJSON_Delete(obj);
	return b;
}

static size_t
rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *fp = fopen("/proc/self/statm", "r");
	if (!fp)
		return 0;
	if (fscanf(fp, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	fclose(fp);
	return resident * (size_t)sysconf(_SC_PAGESIZE);
}

struct mark {
	size_t heap, intern, rss;
};

static void
mark(struct mark *m)
{
	malloc_trim(0); /* hand back what free() kept, so RSS shows the live set */
	m->heap = mallinfo2().uordblks;
	m->intern = fs_intern_bytes();
	m->rss = rss_bytes();
}

static void
test_updates_keep_memory_flat(void **state)
{
	(void)state;
	bool valgrind = getenv("VALGRIND") != NULL;
	uint32_t updates = valgrind ? 20000 : 100000, warm = updates / 5;
	struct fs_fleet *f = fs_fleet_new();
	static struct fs_binding_box *boxes[BINDINGS];
	static uint32_t gens[BINDINGS];
	struct fs_snapshot *held[2] = {NULL, NULL};
	struct mark m0 = {0}, m1;

	for (uint32_t k = 0; k < CLUSTERS; k++)
		put_cluster(f, k, 0);
	for (uint32_t k = 0; k < BINDINGS; k++)
		boxes[k] = new_binding(k, 0, 0);
	for (uint32_t i = 1; i <= updates; i++) {
		uint32_t r = i % 10;
		if (r < 4) {
			put_cluster(f, (i * 7) % CLUSTERS, i); /* status, labels */
		} else if (r < 9) {
			uint32_t k = (i * 13) % BINDINGS; /* an update */
			fs_binding_free(boxes[k]);
			boxes[k] = new_binding(k, gens[k], i);
		} else {
			uint32_t k = (i * 31) % BINDINGS; /* deleted, created anew */
			fs_binding_free(boxes[k]);
			boxes[k] = new_binding(k, ++gens[k], i);
		}
		if (i % 1000 == 0) { /* a cluster leaves and comes back */
			uint32_t k = (i / 1000 * 17) % CLUSTERS;
			char name[32];
			snprintf(name, sizeof name, "member-%u", k);
			assert_int_equal(fs_fleet_remove(f, name), FS_OK);
			put_cluster(f, k, i);
		}
		if (i % CYCLE_EVERY == 0) { /* a cycle starts, the one before last ends */
			fs_snapshot_unref(held[0]);
			held[0] = held[1];
			held[1] = fs_fleet_publish(f);
			assert_int_equal(fs_snapshot_count(held[1]), CLUSTERS);
			assert_non_null(fs_snapshot_find(held[1], "member-999"));
		}
		if (i == warm)
			mark(&m0);
	}
	mark(&m1);
	print_message("after %u and %u updates: heap in use %zu -> %zu B, intern "
		      "%zu -> %zu B, RSS %zu -> %zu KiB\n",
		      warm, updates, m0.heap, m1.heap, m0.intern, m1.intern,
		      m0.rss / 1024, m1.rss / 1024);
	/* the live set is the same at both marks: what grew, leaked */
	assert_true(m1.intern <= m0.intern + 4096);
	assert_true(m1.heap <= m0.heap + 256 * 1024);
	if (!UNDER_ASAN && !valgrind)
		assert_true(m1.rss <= m0.rss + 2 * 1024 * 1024);

	fs_snapshot_unref(held[0]);
	fs_snapshot_unref(held[1]);
	for (uint32_t k = 0; k < BINDINGS; k++)
		fs_binding_free(boxes[k]);
	fs_fleet_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_updates_keep_memory_flat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
