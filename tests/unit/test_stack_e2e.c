/*
 * test_stack_e2e.c - the whole control loop as `make run` runs it: the
 * test API server seeded with the demo (--seed), `fedstate scheduler` and
 * `fedstate ops` (real binaries, leader election on, as deploy/ runs
 * them). Every MultiCloudMongoDB the scheduler places gets its
 * schedulerResult from the scheduler, then from ops its finalizer, its
 * rendered objects (its member CR, PropagationPolicies, an OverridePolicy
 * per placed cluster at least, Services, each with our managed-by label) and a status for
 * its generation; the one that cannot be placed
 * gets none of these. The live objects of each equal, object by object,
 * what `fedstate render` gives for it. Bounded waits; nothing left running.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "lib/daemon_proc.h"
#include "lib/plugin_harness.h"
#include "lib/testapi_proc.h"
#include "model/schedresult.h"
#include "ops/object.h"
#include "ops/render.h"
#include "opsd/apply.h"
#include "util/jfield.h"

#define MCM "/apis/middleware.fedstate.io/v1alpha1/namespaces/mongo/multicloudmongodbs"

static struct ta_proc api;
static char plugins[4096];

static int
setup(void **state)
{
	(void)state;
	if (!realpath(ph_build_path("plugins"), plugins))
		return -1;
	const char *extra[] = {"--seed", ph_src_path("config/samples/clusters.yaml"),
			       "--seed", ph_src_path("config/samples/workloads.yaml"), NULL};
	return ta_proc_start(&api, extra) ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	dm_stop_all();
	return ta_proc_stop(&api) ? 0 : -1;
}

static bool
start(struct dm_proc *d, const char *what, const char *config)
{
	const char *argv[] = {what, "--config", ph_src_path(config), "--plugin-dir", plugins,
			      "--kubeconfig", api.kubeconfig, "--leader-elect-resource-namespace",
			      "default", "--metrics-bind-address", "127.0.0.1:0",
			      "--health-probe-bind-address", "127.0.0.1:0", NULL};
	return dm_start(d, &api, what, argv);
}

/* the objects at `path` with our managed-by label named db or db-... */
static int
children(const char *path, const char *db)
{
	cJSON *l = dm_get_json(&api, path);
	const cJSON *o;
	int n = 0;
	cJSON_ArrayForEach(o, fs_jget(l, "items")) {
		const char *name = fs_jmeta(o, "name") ?: "";
		if (strncmp(name, db, strlen(db)) == 0 &&
		    (name[strlen(db)] == '-' || !name[strlen(db)]) &&
		    fs_jget2(fs_jget(o, "metadata"), "labels", "fedstate.io/managed-by"))
			n++;
	}
	cJSON_Delete(l);
	return n;
}

/* every object in namespace mongo rendered for owner uid, as served */
static cJSON *
live_children(const char *uid)
{
	static const char *const kinds[][3] = {
		{"/api/v1", "services", "v1|Service"},
		{"/api/v1", "configmaps", "v1|ConfigMap"},
		{"/apis/policy.karmada.io/v1alpha1", "propagationpolicies",
		 "policy.karmada.io/v1alpha1|PropagationPolicy"},
		{"/apis/policy.karmada.io/v1alpha1", "overridepolicies",
		 "policy.karmada.io/v1alpha1|OverridePolicy"},
		{"/apis/middleware.fedstate.io/v1alpha1", "mongodbs",
		 "middleware.fedstate.io/v1alpha1|MongoDB"},
	};
	cJSON *all = cJSON_CreateArray();
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		char path[512], av[96];
		snprintf(path, sizeof path, "%s/namespaces/mongo/%s?labelSelector=%s%%3D%s",
			 kinds[i][0], kinds[i][1], FS_OPS_LABEL_OWNER_UID, uid);
		cJSON *l = dm_get_json(&api, path);
		cJSON *it;
		const char *bar = strchr(kinds[i][2], '|');
		snprintf(av, sizeof av, "%.*s", (int)(bar - kinds[i][2]), kinds[i][2]);
		cJSON *items = cJSON_GetObjectItemCaseSensitive(l, "items");
		while ((it = cJSON_DetachItemFromArray(items, 0))) {
			if (!fs_jget(it, "kind")) { /* typed lists leave them out */
				cJSON_AddStringToObject(it, "kind", bar + 1);
				cJSON_AddStringToObject(it, "apiVersion", av);
			}
			cJSON_AddItemToArray(all, it);
		}
		cJSON_Delete(l);
	}
	return all;
}

static void
write_json(const char *path, const cJSON *v)
{
	char *txt = cJSON_Print(v);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(txt, f);
	fclose(f);
	free(txt);
}

/* The live objects of db equal, object by object, what `fedstate render`
 * gives for the live db with them as --existing (so the API server's
 * NodePorts are the ones rendered): the same set, each live object
 * holding every rendered field, nothing to prune. false with *why. */
static bool
equals_offline_render(const char *name, char *why, size_t n)
{
	char path[256], objf[128], exf[128], cmd[16384];
	snprintf(path, sizeof path, MCM "/%s", name);
	cJSON *db = dm_get_json(&api, path);
	assert_non_null(db);
	cJSON *live = live_children(fs_jmeta(db, "uid"));
	snprintf(objf, sizeof objf, "%s/%s.json", api.dir, name);
	snprintf(exf, sizeof exf, "%s/%s-existing.json", api.dir, name);
	write_json(objf, db);
	cJSON *list = cJSON_CreateObject();
	cJSON_AddStringToObject(list, "apiVersion", "v1");
	cJSON_AddStringToObject(list, "kind", "List");
	cJSON_AddItemToObject(list, "items", cJSON_Duplicate(live, true));
	write_json(exf, list);
	cJSON_Delete(list);
	snprintf(cmd, sizeof cmd, "%s render --config %s --plugin-dir %s --object %s "
		 "--clusters %s --existing %s --output json", ph_build_path("bin/fedstate"),
		 ph_src_path("config/ops.yaml"), plugins, objf,
		 ph_src_path("config/samples/clusters.yaml"), exf);
	int st = 0;
	char *out = dm_capture(cmd, &st);
	cJSON *r = cJSON_Parse(out);
	if (st != 0 || !r)
		fail_msg("%s: exit %d: %s", cmd, st, out);
	free(out);
	const cJSON *desired = fs_jget(r, "desired");
	bool ok = true;
	if (cJSON_GetArraySize(fs_jget(r, "prune"))) {
		snprintf(why, n, "%d objects to prune", cJSON_GetArraySize(fs_jget(r, "prune")));
		ok = false;
	} else if (cJSON_GetArraySize(desired) != cJSON_GetArraySize(live)) {
		snprintf(why, n, "%d live objects, %d rendered", cJSON_GetArraySize(live),
			 cJSON_GetArraySize(desired));
		ok = false;
	}
	const cJSON *d;
	const cJSON *each = ok ? desired : NULL;
	cJSON_ArrayForEach(d, each) {
		struct fs_ops_ref dr, lr;
		assert_true(fs_ops_ref_of(d, &dr));
		const cJSON *l, *hit = NULL;
		cJSON_ArrayForEach(l, live)
			if (fs_ops_ref_of(l, &lr) && fs_ops_ref_same(&dr, &lr))
				hit = l;
		if (!hit || !fs_opsd_subset(d, hit)) {
			snprintf(why, n, "%s %s %s", dr.kind, dr.name,
				 hit ? "differs from the render" : "is rendered but not live");
			ok = false;
			break;
		}
	}
	cJSON_Delete(r);
	cJSON_Delete(live);
	cJSON_Delete(db);
	return ok;
}

/* poll: the second pass may still be under way */
static void
assert_equals_offline_render(const char *name)
{
	char why[512] = "";
	for (int t = 0; t < 100; t++) {
		if (equals_offline_render(name, why, sizeof why))
			return;
		usleep(200000);
	}
	fail_msg("%s: after 20 s: %s", name, why);
}

/* placed, rendered, and a status for its generation */
static bool
db_done(const char *name)
{
	char path[256];
	snprintf(path, sizeof path, MCM "/%s", name);
	cJSON *o = dm_get_json(&api, path);
	const cJSON *st = fs_jget(o, "status");
	const cJSON *og = fs_jget(st, "observedGeneration");
	bool done = fs_jannotation(o, FS_ANNOTATION_SCHEDULER_RESULT) && cJSON_IsNumber(og) &&
		    og->valueint == fs_jget2(o, "metadata", "generation")->valueint &&
		    children("/apis/middleware.fedstate.io/v1alpha1/namespaces/mongo/mongodbs",
			     name) == 1;
	cJSON_Delete(o);
	return done;
}

static void
test_scheduler_then_ops(void **state)
{
	struct dm_proc s = {0}, o = {0};
	static const char *const placed[] = {"orders-db", "users-db", "events-db"};
	(void)state;

	assert_true(start(&s, "scheduler", "config/scheduler.yaml"));
	assert_true(start(&o, "ops", "config/ops.yaml"));
	for (size_t i = 0; i < 3; i++) {
		bool ok = false;
		for (int t = 0; t < 300 && !ok; t++) {
			ok = db_done(placed[i]);
			if (!ok)
				usleep(100000);
		}
		if (!ok) {
			dm_dump(&s);
			dm_dump(&o);
			fail_msg("%s: no schedulerResult and status within 30 s", placed[i]);
		}
	}
	for (size_t i = 0; i < 3; i++) {
		char path[256];
		snprintf(path, sizeof path, MCM "/%s", placed[i]);
		cJSON *db = dm_get_json(&api, path);
		/* one member CR per cluster of the placement */
		cJSON *pl = NULL;
		char err[256];
		assert_int_equal(fs_schedresult_of(db, &pl, err, sizeof err), FS_OK);
		int n = cJSON_GetArraySize(pl);
		assert_true(n > 0);
		/* the member CR Karmada propagates to the placed clusters */
		assert_int_equal(children("/apis/middleware.fedstate.io/v1alpha1/namespaces/mongo/mongodbs",
					  placed[i]), 1);
		assert_true(children("/apis/policy.karmada.io/v1alpha1/namespaces/mongo/propagationpolicies",
				     placed[i]) >= 1);
		/* a VIP OverridePolicy for each placed cluster */
		assert_true(children("/apis/policy.karmada.io/v1alpha1/namespaces/mongo/overridepolicies",
				     placed[i]) >= n);
		assert_true(children("/api/v1/namespaces/mongo/services", placed[i]) >= 1);
		assert_equals_offline_render(placed[i]);
		/* held by ops until it has cleaned up */
		char *txt = cJSON_PrintUnformatted(fs_jget2(db, "metadata", "finalizers"));
		assert_non_null(txt);
		assert_non_null(strstr(txt, "fedstate.io/ops"));
		free(txt);
		cJSON_Delete(pl);
		cJSON_Delete(db);
	}
	/* ledger-db cannot be placed safely: nothing rendered for it */
	cJSON *l = dm_get_json(&api, MCM "/ledger-db");
	assert_null(fs_jannotation(l, FS_ANNOTATION_SCHEDULER_RESULT));
	cJSON_Delete(l);
	assert_int_equal(children("/apis/middleware.fedstate.io/v1alpha1/namespaces/mongo/mongodbs",
				  "ledger-db"), 0);
	int a = dm_stop(&s, 5000), b = dm_stop(&o, 5000);
	assert_true(WIFEXITED(a) && WEXITSTATUS(a) == 0);
	assert_true(WIFEXITED(b) && WEXITSTATUS(b) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scheduler_then_ops),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
