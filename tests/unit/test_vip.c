/*
 * test_vip.c - the `vip` scheduling plugin: label checks, duplicates,
 * scope, the per-generation table, args validation and the reachability
 * probes (driven through a host table whose timer, probe and clock are
 * fakes the test controls).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/fake_host.h"
#include "lib/fleet.h"
#include "lib/plugin_harness.h"
#include "util/intern.h"

#define FLEET "tests/data/plugins/vip-clusters.yaml"

static struct ph_fleet fleet;

/* ------------------------------------------------------------ helpers */

static const char *
in(const char *s)
{
	return fs_intern(s, (size_t)-1);
}

static struct fs_binding
binding(enum fs_workload_kind kind, const cJSON *raw)
{
	struct fs_binding b = {
		.struct_size = sizeof b,
		.kind = kind,
		.api_id = -1,
		.replicas = 3,
		.raw = (const struct fs_json *)raw,
	};
	b.self.kind = in(kind == FS_WORKLOAD_MIDDLEWARE ? "MultiCloudMongoDB"
							: "ResourceBinding");
	b.self.namespace_ = in("default");
	b.self.name = in("mongo");
	return b;
}

/* a binding whose annotations carry fedstate.io/require-vip: value (the
 * view keeps up to 8 such annotation arrays alive) */
static struct fs_binding
annotated(enum fs_workload_kind kind, const char *value)
{
	static struct fs_kv kv[8];
	static unsigned next;
	struct fs_binding b = binding(kind, NULL);
	struct fs_kv *a = &kv[next++ % 8];

	*a = (struct fs_kv){in("fedstate.io/require-vip"), in(value)};
	b.annotations = a;
	b.n_annotations = 1;
	return b;
}

/* a binding whose raw object carries fedstate.io/require-vip: value */
static cJSON *
raw_with_annotation(const char *value)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *ann = cJSON_AddObjectToObject(cJSON_AddObjectToObject(o, "metadata"),
					     "annotations");
	cJSON_AddStringToObject(ann, "fedstate.io/require-vip", value);
	return o;
}

static enum fs_code
pre_filter(struct fs_plugin *p, struct fs_cycle *cyc, const char **reason)
{
	*reason = NULL;
	return p->lp->sched.pre_filter(p->state, cyc, fleet.ptrs, fleet.n, reason);
}

/* filter `name`; expected NULL means "must pass" */
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

/* ------------------------------------------------------- label checks */

static void
test_label_verdicts(void **state)
{
	struct fs_plugin *p = ph_load("vip", NULL);
	struct fs_binding b = binding(FS_WORKLOAD_MIDDLEWARE, NULL);
	struct fs_cycle *cyc = ph_cycle(&b, fleet.n);
	const char *reason;

	(void)state;
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-a", NULL);
	expect_filter(p, cyc, "member-b", "cluster(s) had no VIP label 'vip'");
	expect_filter(p, cyc, "member-c",
		      "cluster(s) had an invalid VIP \"10.29.5.300\" in label "
		      "'vip' (expected an IPv4 or IPv6 address)");
	expect_filter(p, cyc, "member-d",
		      "cluster(s) had VIP 10.29.5.107 (label 'vip') also claimed "
		      "by cluster 'member-e'");
	expect_filter(p, cyc, "member-e",
		      "cluster(s) had VIP 10.29.5.107 (label 'vip') also claimed "
		      "by cluster 'member-d'");
	expect_filter(p, cyc, "member-f", NULL);
	/* fd00::1 and fd00:0:0::1 are one address */
	expect_filter(p, cyc, "member-g",
		      "cluster(s) had VIP fd00::1 (label 'vip') also claimed by "
		      "cluster 'member-h'");
	expect_filter(p, cyc, "member-h",
		      "cluster(s) had VIP fd00:0:0::1 (label 'vip') also claimed "
		      "by cluster 'member-g'");
	fs_cycle_destroy(cyc);
}

static void
test_label_key_from_args(void **state)
{
	struct fs_plugin *p = ph_load("vip", "{\"labelKey\": \"fedstate.io/vip\"}");
	struct fs_binding b = binding(FS_WORKLOAD_MIDDLEWARE, NULL);
	struct fs_cycle *cyc = ph_cycle(&b, fleet.n);
	const char *reason;

	(void)state;
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-f", NULL);
	expect_filter(p, cyc, "member-a",
		      "cluster(s) had no VIP label 'fedstate.io/vip'");
	fs_cycle_destroy(cyc);
}

/* Three clusters on one VIP: each names one other and counts the rest. */
static void
test_three_way_duplicate(void **state)
{
	struct fs_plugin *p = ph_load("vip", NULL);
	struct fs_binding b = binding(FS_WORKLOAD_MIDDLEWARE, NULL);
	struct fs_cycle *cyc = ph_cycle(&b, fleet.n);
	struct fs_cluster *a = ph_fleet_get(&fleet, "member-a");
	struct fs_kv *kv = (struct fs_kv *)fs_kv_find(a->labels, a->n_labels,
						      in("vip"));
	const char *reason;

	(void)state;
	kv->value = in("10.29.5.107");
	ph_fleet_bump(&fleet);
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-a",
		      "cluster(s) had VIP 10.29.5.107 (label 'vip') also claimed "
		      "by cluster 'member-d' and 1 other(s)");
	expect_filter(p, cyc, "member-d",
		      "cluster(s) had VIP 10.29.5.107 (label 'vip') also claimed "
		      "by cluster 'member-a' and 1 other(s)");
	fs_cycle_destroy(cyc);
}

/* An IPv4-mapped IPv6 VIP is the same endpoint as the IPv4 one. */
static void
test_v4_mapped_duplicate(void **state)
{
	struct fs_plugin *p = ph_load("vip", NULL);
	struct fs_binding b = binding(FS_WORKLOAD_MIDDLEWARE, NULL);
	struct fs_cycle *cyc = ph_cycle(&b, fleet.n);
	struct fs_cluster *h = ph_fleet_get(&fleet, "member-h");
	struct fs_kv *kv = (struct fs_kv *)fs_kv_find(h->labels, h->n_labels,
						      in("vip"));
	const char *reason;

	(void)state;
	kv->value = in("::ffff:10.29.5.103");
	ph_fleet_bump(&fleet);
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-a",
		      "cluster(s) had VIP 10.29.5.103 (label 'vip') also claimed "
		      "by cluster 'member-h'");
	expect_filter(p, cyc, "member-h",
		      "cluster(s) had VIP ::ffff:10.29.5.103 (label 'vip') also "
		      "claimed by cluster 'member-a'");
	expect_filter(p, cyc, "member-g", NULL); /* fd00::1 is alone now */
	fs_cycle_destroy(cyc);
}

/* The table is built once per cluster generation: a label edited without
 * a generation change is not seen; after the bump it is. */
static void
test_table_follows_generation(void **state)
{
	struct fs_plugin *p = ph_load("vip", NULL);
	struct fs_binding b = binding(FS_WORKLOAD_MIDDLEWARE, NULL);
	struct fs_cycle *cyc = ph_cycle(&b, fleet.n);
	struct fs_cluster *a = ph_fleet_get(&fleet, "member-a");
	struct fs_kv *kv = (struct fs_kv *)fs_kv_find(a->labels, a->n_labels,
						      in("vip"));
	const char *reason;

	(void)state;
	assert_non_null(kv);
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-a", NULL);

	kv->value = in("not-an-ip");
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-a", NULL); /* same generation: cached */

	ph_fleet_bump(&fleet);
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-a",
		      "cluster(s) had an invalid VIP \"not-an-ip\" in label 'vip' "
		      "(expected an IPv4 or IPv6 address)");
	fs_cycle_destroy(cyc);
}

/* -------------------------------------------------------------- scope */

static void
test_scope(void **state)
{
	struct fs_plugin *mw = ph_load("vip", NULL);
	struct fs_plugin *all = ph_load("vip", "{\"scope\": \"all\"}");
	struct fs_binding rb = binding(FS_WORKLOAD_RESOURCE_BINDING, NULL);
	struct fs_binding rb_yes = annotated(FS_WORKLOAD_RESOURCE_BINDING, "true");
	struct fs_binding mw_no = annotated(FS_WORKLOAD_MIDDLEWARE, "false");
	struct fs_binding mw_bad = annotated(FS_WORKLOAD_MIDDLEWARE, "yes");
	struct fs_cycle *cyc = ph_cycle(&rb, fleet.n);
	const char *reason;

	(void)state;
	assert_int_equal(pre_filter(mw, cyc, &reason), FS_SKIP);
	assert_int_equal(pre_filter(all, cyc, &reason), FS_OK);

	fs_cycle_reset(cyc, &rb_yes, fleet.n);
	assert_int_equal(pre_filter(mw, cyc, &reason), FS_OK);

	fs_cycle_reset(cyc, &mw_no, fleet.n);
	assert_int_equal(pre_filter(mw, cyc, &reason), FS_SKIP);

	fs_cycle_reset(cyc, &mw_bad, fleet.n);
	assert_int_equal(pre_filter(mw, cyc, &reason), FS_UNRESOLVABLE);
	assert_string_equal(reason,
			    "MultiCloudMongoDB default/mongo: annotation "
			    "fedstate.io/require-vip: expected \"true\" or "
			    "\"false\", got \"yes\"");
	/* the annotation is read from the view: the raw object is not kept on
	 * the bulk path, and a raw object saying otherwise is ignored */
	cJSON *raw_no = raw_with_annotation("false");
	rb_yes.raw = (const struct fs_json *)raw_no;
	fs_cycle_reset(cyc, &rb_yes, fleet.n);
	assert_int_equal(pre_filter(mw, cyc, &reason), FS_OK);
	fs_cycle_destroy(cyc);
	cJSON_Delete(raw_no);
}

/* a host older than fs_binding.annotations: the plugin reads the raw
 * object instead */
static void
test_scope_from_raw_object(void **state)
{
	struct fs_plugin *mw = ph_load("vip", NULL);
	cJSON *yes = raw_with_annotation("true"), *bad = raw_with_annotation("yes");
	cJSON *num = cJSON_CreateObject();
	cJSON_AddNumberToObject(
		cJSON_AddObjectToObject(cJSON_AddObjectToObject(num, "metadata"),
					"annotations"),
		"fedstate.io/require-vip", 1);
	struct fs_binding rb = binding(FS_WORKLOAD_RESOURCE_BINDING, yes);
	struct fs_cycle *cyc = ph_cycle(&rb, fleet.n);
	const char *reason;

	(void)state;
	rb.struct_size = offsetof(struct fs_binding, annotations);
	fs_cycle_reset(cyc, &rb, fleet.n);
	assert_int_equal(pre_filter(mw, cyc, &reason), FS_OK);
	rb.raw = (const struct fs_json *)bad;
	fs_cycle_reset(cyc, &rb, fleet.n);
	assert_int_equal(pre_filter(mw, cyc, &reason), FS_UNRESOLVABLE);
	assert_non_null(strstr(reason, "got \"yes\""));
	rb.raw = (const struct fs_json *)num;
	fs_cycle_reset(cyc, &rb, fleet.n);
	assert_int_equal(pre_filter(mw, cyc, &reason), FS_UNRESOLVABLE);
	assert_non_null(strstr(reason, "got a non-string value"));
	fs_cycle_destroy(cyc);
	cJSON_Delete(yes);
	cJSON_Delete(bad);
	cJSON_Delete(num);
}

/* --------------------------------------------------------------- args */

static void
expect_init_error(const char *args, const char *message)
{
	ph_expect_init_error("vip", args, message);
}

static void
test_args_errors(void **state)
{
	(void)state;
	expect_init_error("{\"probePort\": 70000}",
			  "initialization failed: probePort: 70000 is out of "
			  "range (1-65535)");
	expect_init_error("{\"probePort\": \"27017\"}",
			  "probePort: expected an integer, got string \"27017\"");
	expect_init_error("{\"probeInterval\": \"5x\"}",
			  "probeInterval: invalid duration \"5x\": unknown unit "
			  "\"x\" (use ms, s, m or h, e.g. \"30s\" or \"1h30m\")");
	expect_init_error("{\"probeInterval\": \"10\"}",
			  "probeInterval: invalid duration \"10\": missing unit");
	expect_init_error("{\"probePrt\": 1}",
			  "unknown key 'probePrt' (did you mean 'probePort'?)");
	expect_init_error("{\"colour\": 1}", "unknown key 'colour' (known keys: "
			  "labelKey, scope, probe, probePort");
	expect_init_error("{\"scope\": \"everything\"}",
			  "scope: expected one of \"middleware\", \"all\"; got "
			  "\"everything\"");
	expect_init_error("{\"probeInterval\": \"1m\", \"probeTTL\": \"30s\"}",
			  "probeTTL: 30s is not longer than probeInterval 1m");
	expect_init_error("{\"labelKey\": \"\"}", "labelKey: must not be empty");
	expect_init_error("[1]", "args: expected an object, got array");
}

static void
test_args_durations(void **state)
{
	struct fs_plugin *p = NULL;
	char err[512];

	(void)state;
	/* Go-style compound durations and integer milliseconds both load */
	assert_int_equal(ph_try_load("vip", "{\"probeInterval\": \"1m30s\", "
				     "\"probeTTL\": \"1h0m\", \"probeTimeout\": "
				     "1500}", &p, err, sizeof err), FS_OK);
	assert_int_equal(ph_try_load("vip", "{\"probeInterval\": \"1.5s\", "
				     "\"probeTimeout\": \"500ms\", \"probeTTL\": "
				     "90000}", &p, err, sizeof err), FS_OK);
	/* the default 2s timeout does not fit in a 1.5s interval */
	expect_init_error("{\"probeInterval\": \"1.5s\"}",
			  "probeTimeout: 2s is not shorter than probeInterval "
			  "1500ms");
}

/* ------------------------------------------------------------- probes */

static struct probe_call {
	char host[64];
	uint16_t port;
	uint32_t timeout_ms;
	fs_probe_fn done;
	void *ud;
	bool completed;
} probes[64];
static int n_probes;

static struct fs_probe *
fake_tcp_probe(struct fs_plugin *self, const char *host, uint16_t port,
	       uint32_t timeout_ms, fs_probe_fn done, void *ud)
{
	struct probe_call *c = &probes[n_probes++];

	(void)self;
	snprintf(c->host, sizeof c->host, "%s", host);
	c->port = port, c->timeout_ms = timeout_ms, c->done = done, c->ud = ud;
	c->completed = false;
	return (struct fs_probe *)c;
}

static void
fire_timer(void)
{
	assert_true(fh_timer.live);
	fh_timer.cb(fh_timer.ud);
}

/* complete the probe to `host` that is still open */
static void
complete(const char *host, enum fs_code code)
{
	for (int i = 0; i < n_probes; i++)
		if (!probes[i].completed && strcmp(probes[i].host, host) == 0) {
			probes[i].completed = true;
			probes[i].done(probes[i].ud, code,
				       code == FS_OK ? NULL : "connection refused", 3);
			return;
		}
	fail_msg("no open probe to %s", host);
}

/* init vip with the fake host; ph_load provides the loaded file */
static struct fs_plugin *
load_faked(const char *args_json)
{
	fh_reset(1000);
	fh_host.tcp_probe = fake_tcp_probe;
	n_probes = 0;
	return fh_load("vip", args_json);
}

#define PROBE_ARGS                                                             \
	"{\"probe\": true, \"probePort\": 27018, \"probeInterval\": \"10s\", "  \
	"\"probeTimeout\": \"2s\", \"probeTTL\": \"30s\", "                    \
	"\"probeFailureThreshold\": 2, \"probeUnknown\": \"filter\"}"
#define R_UNKNOWN "cluster(s) had no VIP probe result in the last 30s"
#define R_DOWN "cluster(s) had a VIP that failed its last 2 TCP probe(s) on port 27018"

static void
test_probe_lifecycle(void **state)
{
	struct fs_plugin *p = load_faked(PROBE_ARGS);
	struct fs_binding b = binding(FS_WORKLOAD_MIDDLEWARE, NULL);
	struct fs_cycle *cyc = ph_cycle(&b, fleet.n);
	const char *reason;

	(void)state;
	assert_true(fh_timer.live);
	assert_int_equal(fh_timer.repeat_ms, 10000);
	assert_int_equal(n_probes, 0); /* nothing on the scheduling path */

	/* no result yet: policy "filter" */
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-a", R_UNKNOWN);
	expect_filter(p, cyc, "member-b", "cluster(s) had no VIP label 'vip'");

	/* one probe per usable VIP only */
	fire_timer();
	assert_int_equal(n_probes, 2);
	assert_string_equal(probes[0].host, "10.29.5.103");
	assert_int_equal(probes[0].port, 27018);
	assert_int_equal(probes[0].timeout_ms, 2000);
	assert_string_equal(probes[1].host, "fd00:10::5");
	fire_timer(); /* still in flight: no second probe */
	assert_int_equal(n_probes, 2);

	fh_now = 2000;
	complete("10.29.5.103", FS_E_NET);
	complete("fd00:10::5", FS_OK);
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-a", NULL); /* 1 failure < threshold 2 */
	expect_filter(p, cyc, "member-f", NULL);

	fire_timer();
	assert_int_equal(n_probes, 4);
	complete("10.29.5.103", FS_E_TIMEOUT);
	complete("fd00:10::5", FS_OK);
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-a", R_DOWN);
	expect_filter(p, cyc, "member-f", NULL);

	/* a result older than the TTL counts as unknown */
	fh_now = 2000 + 30001;
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-f", R_UNKNOWN);

	/* one good probe clears the failures */
	fire_timer();
	complete("10.29.5.103", FS_OK);
	complete("fd00:10::5", FS_OK);
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-a", NULL);
	expect_filter(p, cyc, "member-f", NULL);

	fs_cycle_destroy(cyc);
	fh_unload(p);
	assert_false(fh_timer.live);
}

/* Results survive a table rebuild while the VIP stays; a new VIP starts
 * over (unknown). */
static void
test_probe_results_follow_vip(void **state)
{
	struct fs_plugin *p = load_faked(PROBE_ARGS);
	struct fs_binding b = binding(FS_WORKLOAD_MIDDLEWARE, NULL);
	struct fs_cycle *cyc = ph_cycle(&b, fleet.n);
	struct fs_cluster *f = ph_fleet_get(&fleet, "member-f");
	struct fs_kv *kv = (struct fs_kv *)fs_kv_find(f->labels, f->n_labels,
						      in("vip"));
	const char *reason;

	(void)state;
	fire_timer();
	complete("10.29.5.103", FS_OK);
	complete("fd00:10::5", FS_OK);
	ph_fleet_bump(&fleet);
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-a", NULL);

	kv->value = in("fd00:10::6");
	ph_fleet_bump(&fleet);
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-a", NULL);
	expect_filter(p, cyc, "member-f", R_UNKNOWN);
	fs_cycle_destroy(cyc);
	fh_unload(p);
}

/* Retiring the instance with probes in flight, as the host does it
 * (plugin/loader.h): the probes it owns are canceled first, their
 * callbacks run while the state is valid, then fini frees everything (no
 * leak, no late callback: run under ASan/valgrind to see it). */
static void
test_probe_retire_in_flight(void **state)
{
	struct fs_plugin *p = load_faked(PROBE_ARGS);

	(void)state;
	fire_timer();
	assert_int_equal(n_probes, 2);
	complete("10.29.5.103", FS_E_CANCELED);
	complete("fd00:10::5", FS_E_CANCELED);
	fh_unload(p);
	assert_false(fh_timer.live);
}

static void
test_probe_unknown_allow(void **state)
{
	struct fs_plugin *p = load_faked("{\"probe\": true}");
	struct fs_binding b = binding(FS_WORKLOAD_MIDDLEWARE, NULL);
	struct fs_cycle *cyc = ph_cycle(&b, fleet.n);
	const char *reason;

	(void)state;
	assert_int_equal(fh_timer.repeat_ms, 10000); /* default interval */
	assert_int_equal(pre_filter(p, cyc, &reason), FS_OK);
	expect_filter(p, cyc, "member-a", NULL);
	fs_cycle_destroy(cyc);
	fh_unload(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_label_verdicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_label_key_from_args, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_three_way_duplicate, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_v4_mapped_duplicate, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_table_follows_generation,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope_from_raw_object, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args_durations, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_probe_lifecycle, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_probe_results_follow_vip,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_retire_in_flight, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_probe_unknown_allow, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
