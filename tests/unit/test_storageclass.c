/*
 * test_storageclass.c - the `storageclass` scheduling plugin: named and
 * default classes from cluster annotations and the args map, the optional
 * constraints, the unknown policy, args validation, and the background
 * fetch through the Karmada cluster proxy (with a fake host timer, HTTP
 * and clock).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/runtime.h"
#include "lib/fake_host.h"
#include "lib/fleet.h"
#include "lib/plugin_harness.h"
#include "util/intern.h"

#define FLEET "tests/data/plugins/storageclass-clusters.yaml"
#define R_UNKNOWN                                                              \
	"cluster(s) had no known StorageClass list (no args entry, fresh "      \
	"fetch or annotation)"
#define R_BROKEN                                                               \
	"cluster(s) had an unreadable annotation fedstate.io/storage-classes: " \
	"[0].default: expected true or false, got string \"yes\""

static struct ph_fleet fleet;

static const char *
in(const char *s)
{
	return s ? fs_intern(s, (size_t)-1) : NULL;
}

static struct fs_binding
binding(const char *storage_class)
{
	struct fs_binding b = {
		.struct_size = sizeof b,
		.kind = FS_WORKLOAD_MIDDLEWARE,
		.api_id = -1,
		.replicas = 3,
		.storage_class = in(storage_class),
	};
	b.self.kind = in("MultiCloudMongoDB");
	b.self.namespace_ = in("default");
	b.self.name = in("mongo");
	return b;
}

static enum fs_code
pre_filter(struct fs_plugin *p, struct fs_cycle *cyc)
{
	const char *reason = NULL;
	return p->lp->sched.pre_filter(p->state, cyc, fleet.ptrs, fleet.n, &reason);
}

static void
expect_filter(struct fs_plugin *p, struct fs_cycle *cyc, const char *name,
	      const char *expected)
{
	const char *reason = NULL;
	enum fs_code rc = p->lp->sched.filter(p->state, cyc,
					      ph_fleet_get(&fleet, name), &reason);

	if (!expected) {
		if (rc != FS_OK)
			fail_msg("%s: expected to pass, got %d (%s)", name, rc,
				 reason ? reason : "no reason");
		return;
	}
	if (rc != FS_UNSCHEDULABLE)
		fail_msg("%s: expected FS_UNSCHEDULABLE, got %d", name, rc);
	assert_non_null(reason);
	assert_string_equal(reason, expected);
}

/* run one binding through pre_filter + filter with plugin args `args` */
struct verdicts {
	const char *cluster;
	const char *reason; /* NULL: passes */
};

static void
check(const char *args, const char *storage_class, const struct verdicts *v,
      size_t n)
{
	struct fs_plugin *p = ph_load("storageclass", args);
	struct fs_binding b = binding(storage_class);
	struct fs_cycle *cyc = ph_cycle(&b, fleet.n);

	assert_int_equal(pre_filter(p, cyc), FS_OK);
	for (size_t i = 0; i < n; i++)
		expect_filter(p, cyc, v[i].cluster, v[i].reason);
	fs_cycle_destroy(cyc);
}

static int
setup(void **state)
{
	(void)state;
	ph_fleet_load(&fleet, FLEET);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ph_retire_all();
	ph_fleet_release(&fleet);
	return 0;
}

/* ---------------------------------------------------------- decisions */

static void
test_not_requested_skips(void **state)
{
	struct fs_plugin *p = ph_load("storageclass", NULL);
	struct fs_binding b = binding(NULL);
	struct fs_cycle *cyc = ph_cycle(&b, fleet.n);

	(void)state;
	assert_int_equal(pre_filter(p, cyc), FS_SKIP);
	fs_cycle_destroy(cyc);
}

static void
test_named_class(void **state)
{
	static const struct verdicts v[] = {
		{"aws-1", NULL},
		{"onprem-1", "cluster(s) had no StorageClass 'fast-ssd'"},
		{"onprem-2", R_UNKNOWN},
		{"broken", R_BROKEN},
		{"gke-1", NULL},
	};
	(void)state;
	check(NULL, "fast-ssd", v, sizeof v / sizeof v[0]);
}

static void
test_default_class(void **state)
{
	static const struct verdicts v[] = {
		{"aws-1", NULL},
		{"onprem-1", "cluster(s) had no default StorageClass"},
		{"onprem-2", R_UNKNOWN},
		{"gke-1", NULL},
	};
	(void)state;
	check(NULL, "", v, sizeof v / sizeof v[0]);
}

static void
test_require_expansion(void **state)
{
	static const struct verdicts v[] = {
		{"aws-1", NULL},
		{"gke-1", "cluster(s) had StorageClass 'fast-ssd' without "
			  "allowVolumeExpansion"},
	};
	static const struct verdicts d[] = {
		/* aws-1's default class "standard" cannot expand */
		{"aws-1", "cluster(s) had StorageClass '(default)' without "
			  "allowVolumeExpansion"},
	};
	(void)state;
	check("{\"requireVolumeExpansion\": true}", "fast-ssd", v, 2);
	check("{\"requireVolumeExpansion\": true}", "", d, 1);
}

static void
test_provisioner(void **state)
{
	static const struct verdicts v[] = {
		{"aws-1", NULL},
		{"gke-1", "cluster(s) had StorageClass 'fast-ssd' from a "
			  "provisioner other than 'ebs.csi.aws.com'"},
	};
	(void)state;
	check("{\"provisioner\": \"ebs.csi.aws.com\"}", "fast-ssd", v, 2);
}

static void
test_unknown_allow(void **state)
{
	static const struct verdicts v[] = {
		{"onprem-2", NULL},
		{"broken", R_BROKEN}, /* unreadable is not unknown */
	};
	(void)state;
	check("{\"unknown\": \"allow\"}", "fast-ssd", v, 2);
}

/* The args map speaks for a cluster before its annotation. */
static void
test_args_map_overrides(void **state)
{
	static const struct verdicts v[] = {
		{"onprem-1", NULL},
		{"onprem-2", NULL},
		{"aws-1", NULL},
		{"gke-1", "cluster(s) had no StorageClass 'fast-ssd'"},
	};
	(void)state;
	check("{\"classes\": {\"onprem-1\": [{\"name\": \"fast-ssd\"}], "
	      "\"onprem-2\": [{\"name\": \"fast-ssd\", \"default\": true}], "
	      "\"gke-1\": []}}", "fast-ssd", v, sizeof v / sizeof v[0]);
}

/* Annotations are parsed per generation, not per binding. */
static void
test_annotation_follows_generation(void **state)
{
	struct fs_plugin *p = ph_load("storageclass", NULL);
	struct fs_binding b = binding("fast-ssd");
	struct fs_cycle *cyc = ph_cycle(&b, fleet.n);
	struct fs_cluster *c = ph_fleet_get(&fleet, "onprem-1");
	struct fs_kv *kv = (struct fs_kv *)fs_kv_find(
		c->annotations, c->n_annotations, in("fedstate.io/storage-classes"));

	(void)state;
	assert_non_null(kv);
	assert_int_equal(pre_filter(p, cyc), FS_OK);
	expect_filter(p, cyc, "onprem-1", "cluster(s) had no StorageClass 'fast-ssd'");
	kv->value = in("[{\"name\": \"fast-ssd\"}]");
	assert_int_equal(pre_filter(p, cyc), FS_OK);
	expect_filter(p, cyc, "onprem-1", "cluster(s) had no StorageClass 'fast-ssd'");
	ph_fleet_bump(&fleet);
	assert_int_equal(pre_filter(p, cyc), FS_OK);
	expect_filter(p, cyc, "onprem-1", NULL);
	kv->value = in("{not json");
	ph_fleet_bump(&fleet);
	assert_int_equal(pre_filter(p, cyc), FS_OK);
	expect_filter(p, cyc, "aws-1", NULL);
	{
		const char *reason = NULL;
		assert_int_equal(p->lp->sched.filter(p->state, cyc, c, &reason),
				 FS_UNSCHEDULABLE);
		assert_non_null(strstr(reason, "cluster(s) had an unreadable "
				       "annotation fedstate.io/storage-classes: "));
	}
	fs_cycle_destroy(cyc);
}

/* --------------------------------------------------------------- args */

static void
expect_init_error(const char *args, const char *message)
{
	ph_expect_init_error("storageclass", args, message);
}

static void
test_args_errors(void **state)
{
	(void)state;
	expect_init_error("{\"refreshInterval\": \"5x\"}",
			  "refreshInterval: invalid duration \"5x\": unknown unit");
	expect_init_error("{\"refreshInterval\": \"500ms\"}",
			  "refreshInterval: 500 ms is out of range (1000-86400000 ms)");
	expect_init_error("{\"staleAfter\": \"30s\"}",
			  "staleAfter: 30s is not longer than refreshInterval 1m");
	expect_init_error("{\"unkown\": \"allow\"}",
			  "unknown key 'unkown' (did you mean 'unknown'?)");
	expect_init_error("{\"unknown\": \"deny\"}",
			  "unknown: expected one of \"filter\", \"allow\"; got "
			  "\"deny\"");
	expect_init_error("{\"classes\": []}",
			  "classes: expected an object of cluster name to "
			  "StorageClass list, got array");
	expect_init_error("{\"classes\": {\"m1\": [{\"name\": 5}]}}",
			  "classes: m1[0].name: expected a non-empty string, got "
			  "integer 5");
	expect_init_error("{\"classes\": {\"m1\": [{\"name\": \"a\", \"size\": 1}]}}",
			  "classes: m1[0]: unknown key 'size' (known keys: name, "
			  "default, allowVolumeExpansion, provisioner)");
	expect_init_error("{\"classes\": {\"m1\": [{\"name\": \"a\"}, {\"name\": "
			  "\"a\"}]}}",
			  "classes: m1[1].name: 'a' is listed twice (also at [0])");
	expect_init_error("{\"classes\": {\"m1\": {\"name\": \"a\"}}}",
			  "classes: m1: expected a list of {name, default, "
			  "allowVolumeExpansion, provisioner}, got object");
	expect_init_error("{\"fetch\": \"yes\"}",
			  "fetch: expected true or false, got string \"yes\"");
}

/* -------------------------------------------------------------- fetch */

static struct http_call {
	char url[512];
	uint32_t flags, timeout_ms;
	char method[8];
	fs_http_done_fn done;
	void *ud;
	bool completed;
} calls[64];
static int n_calls;

static struct fs_http *
fake_http_start(struct fs_plugin *self, const struct fs_http_request *req,
		fs_http_done_fn done, void *ud)
{
	struct http_call *c = &calls[n_calls++];

	(void)self;
	snprintf(c->url, sizeof c->url, "%s", req->url);
	snprintf(c->method, sizeof c->method, "%s", req->method ? req->method : "GET");
	c->flags = req->flags, c->timeout_ms = req->timeout_ms;
	c->done = done, c->ud = ud, c->completed = false;
	return (struct fs_http *)c;
}

static void
respond_call(struct http_call *c, enum fs_code code, long status,
	     const char *body)
{
	struct fs_http_response resp = {
		.struct_size = sizeof resp,
		.code = code,
		.error = code == FS_OK ? NULL : fs_host_table()->strerror(code),
		.status = status,
		.body = body,
		.body_len = body ? strlen(body) : 0,
	};

	assert_false(c->completed);
	c->completed = true;
	c->done(c->ud, &resp);
}

static void
fake_http_cancel(struct fs_http *h)
{
	respond_call((struct http_call *)h, FS_E_CANCELED, 0, NULL);
}

/* answer the open request for cluster `name` */
static void
respond(const char *name, enum fs_code code, long status, const char *body)
{
	char url[512];

	snprintf(url, sizeof url, "/apis/cluster.karmada.io/v1alpha1/clusters/%s/"
		 "proxy/apis/storage.k8s.io/v1/storageclasses", name);
	for (int i = 0; i < n_calls; i++)
		if (!calls[i].completed && strcmp(calls[i].url, url) == 0) {
			respond_call(&calls[i], code, status, body);
			return;
		}
	fail_msg("no open request %s", url);
}

static char *
read_fixture(const char *rel)
{
	FILE *f = fopen(ph_src_path(rel), "rb");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static struct fs_plugin *
load_faked(const char *args_json)
{
	fh_reset(5000);
	fh_host.http_start = fake_http_start;
	fh_host.http_cancel = fake_http_cancel;
	n_calls = 0;
	return fh_load("storageclass", args_json);
}

#define FETCH_ARGS                                                             \
	"{\"fetch\": true, \"refreshInterval\": \"1m\", \"requestTimeout\": "   \
	"\"5s\", \"staleAfter\": \"5m\", \"classes\": {\"gke-1\": "             \
	"[{\"name\": \"fast-ssd\"}]}}"

static void
test_fetch_through_proxy(void **state)
{
	struct fs_plugin *p = load_faked(FETCH_ARGS);
	struct fs_binding b = binding("fast-ssd");
	struct fs_cycle *cyc = ph_cycle(&b, fleet.n);
	char *list = read_fixture("tests/data/plugins/storageclass-list.json");

	(void)state;
	assert_true(fh_timer.live);
	assert_int_equal(fh_timer.repeat_ms, 60000);
	assert_int_equal(pre_filter(p, cyc), FS_OK);
	expect_filter(p, cyc, "onprem-2", R_UNKNOWN); /* nothing fetched yet */

	fh_timer.cb(fh_timer.ud);
	assert_int_equal(n_calls, 4); /* every cluster but gke-1 (args map) */
	assert_string_equal(calls[0].method, "GET");
	assert_string_equal(calls[0].url, "/apis/cluster.karmada.io/v1alpha1/"
			    "clusters/aws-1/proxy/apis/storage.k8s.io/v1/"
			    "storageclasses");
	assert_int_equal(calls[0].flags, FS_HTTP_API_SERVER);
	assert_int_equal(calls[0].timeout_ms, 5000);
	fh_timer.cb(fh_timer.ud); /* still in flight: nothing new */
	assert_int_equal(n_calls, 4);

	respond("onprem-2", FS_OK, 200, list);
	respond("onprem-1", FS_OK, 200, list);
	respond("aws-1", FS_OK, 403,
		"{\"kind\":\"Status\",\"message\":\"clusters \\\"aws-1\\\" is "
		"forbidden\"}");
	respond("broken", FS_E_TIMEOUT, 0, NULL);

	assert_int_equal(pre_filter(p, cyc), FS_OK);
	expect_filter(p, cyc, "onprem-2", NULL);  /* fetched */
	expect_filter(p, cyc, "onprem-1", NULL);  /* fetch beats annotation */
	expect_filter(p, cyc, "aws-1", NULL);     /* failed: annotation */
	expect_filter(p, cyc, "broken", R_BROKEN);
	/* the fetched default class is fast-ssd */
	{
		struct fs_binding d = binding("");
		fs_cycle_reset(cyc, &d, fleet.n);
		assert_int_equal(pre_filter(p, cyc), FS_OK);
		expect_filter(p, cyc, "onprem-2", NULL);
		fs_cycle_reset(cyc, &b, fleet.n);
	}

	/* fetched lists survive a generation change... */
	ph_fleet_bump(&fleet);
	assert_int_equal(pre_filter(p, cyc), FS_OK);
	expect_filter(p, cyc, "onprem-2", NULL);
	/* ...but not staleAfter */
	fh_now += 5 * 60000 + 1;
	assert_int_equal(pre_filter(p, cyc), FS_OK);
	expect_filter(p, cyc, "onprem-2", R_UNKNOWN);
	expect_filter(p, cyc, "onprem-1",
		      "cluster(s) had no StorageClass 'fast-ssd'");

	/* a garbage answer keeps what was there */
	fh_timer.cb(fh_timer.ud);
	respond("onprem-2", FS_OK, 200, "{\"items\": 7}");
	assert_int_equal(pre_filter(p, cyc), FS_OK);
	expect_filter(p, cyc, "onprem-2", R_UNKNOWN);

	/* retire with requests in flight, as the host does it: what the
	 * instance owns is canceled before fini; fini frees the rest */
	for (int i = 0; i < n_calls; i++)
		if (!calls[i].completed)
			fake_http_cancel((struct fs_http *)&calls[i]);
	fh_unload(p);
	assert_false(fh_timer.live);
	for (int i = 0; i < n_calls; i++)
		assert_true(calls[i].completed);
	fs_cycle_destroy(cyc);
	free(list);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_not_requested_skips),
		T(test_named_class),
		T(test_default_class),
		T(test_require_expansion),
		T(test_provisioner),
		T(test_unknown_allow),
		T(test_args_map_overrides),
		T(test_annotation_follows_generation),
		T(test_args_errors),
		T(test_fetch_through_proxy),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
