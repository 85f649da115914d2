/*
 * tests/unit/lib/sched_fixture.c - the fixture of the `fedstate
 * scheduler` end-to-end suite (sched_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "sched_fixture.h"
#include "plugin_harness.h"

uint16_t
sf_free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

cJSON *
sf_simulate(struct sf_fx *f, const char *extra)
{
	char cmd[16384];
	snprintf(cmd, sizeof cmd,
		 "%s --config %s --plugin-dir %s --clusters %s --bindings %s --output json %s",
		 ph_build_path("bin/fedstate simulate"), ph_src_path("config/scheduler.yaml"),
		 f->plugins, ph_src_path("config/samples/clusters.yaml"),
		 ph_src_path("config/samples/workloads.yaml"), extra);
	char *out = dm_capture(cmd, NULL);
	cJSON *j = cJSON_Parse(out);
	free(out);
	assert_non_null(j);
	return j;
}

int
sf_setup(void **state)
{
	struct sf_fx *f = calloc(1, sizeof *f);
	if (!f || !realpath(ph_build_path("plugins"), f->plugins) ||
	    !ta_proc_start(&f->api, NULL)) {
		free(f);
		return -1;
	}
	dm_seed_file(&f->api, ph_src_path("config/samples/clusters.yaml"));
	dm_seed_file(&f->api, ph_src_path("config/samples/workloads.yaml"));
	f->expected = sf_simulate(f, "");
	*state = f;
	return 0;
}

int
sf_teardown(void **state)
{
	struct sf_fx *f = *state;
	dm_stop_all();
	cJSON_Delete(f->expected);
	bool clean = ta_proc_stop(&f->api);
	free(f);
	return clean ? 0 : -1;
}

int
sf_stop_daemons(void **state)
{
	(void)state;
	dm_stop_all();
	return 0;
}

bool
sf_start_scheduler_with(struct sf_fx *f, struct dm_proc *d, const char *name, uint16_t port,
			bool protect)
{
	char addr[32];
	snprintf(addr, sizeof addr, "127.0.0.1:%u", port);
	const char *argv[] = {"scheduler", "--config", ph_src_path("config/scheduler.yaml"),
			      "--plugin-dir", f->plugins, "--kubeconfig", f->api.kubeconfig,
			      "--leader-elect=false", "--metrics-bind-address", addr,
			      "--health-probe-bind-address", addr,
			      protect ? "--overcommit-protection=true" : "--overcommit-protection=false",
			      "-v", "1", NULL};
	return dm_start(d, &f->api, name, argv);
}

bool
sf_start_scheduler(struct sf_fx *f, struct dm_proc *d, const char *name, uint16_t port)
{
	return sf_start_scheduler_with(f, d, name, port, false);
}

const cJSON *
sf_item(const cJSON *o, const char *a)
{
	return cJSON_GetObjectItemCaseSensitive(o, a);
}

const cJSON *
sf_scheduled_condition(const cJSON *obj)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, sf_item(sf_item(obj, "status"), "conditions"))
		if (strcmp(cJSON_GetStringValue(sf_item(c, "type")), "Scheduled") == 0)
			return c;
	return NULL;
}

cJSON *
sf_fetch(struct sf_fx *f, const cJSON *result)
{
	char path[512];
	const char *kind = cJSON_GetStringValue(sf_item(result, "kind"));
	const char *ns = cJSON_GetStringValue(sf_item(result, "namespace"));
	const char *name = cJSON_GetStringValue(sf_item(result, "name"));

	if (strcmp(kind, "ResourceBinding") == 0)
		snprintf(path, sizeof path,
			 "/apis/work.karmada.io/v1alpha2/namespaces/%s/resourcebindings/%s", ns, name);
	else
		snprintf(path, sizeof path,
			 "/apis/middleware.fedstate.io/v1alpha1/namespaces/%s/multicloudmongodbs/%s",
			 ns, name);
	return dm_get_json(&f->api, path);
}

const char *
sf_annotation(const cJSON *obj, const char *key)
{
	return cJSON_GetStringValue(sf_item(sf_item(sf_item(obj, "metadata"), "annotations"), key));
}

bool
sf_converged(struct sf_fx *f)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, sf_item(f->expected, "results")) {
		cJSON *o = sf_fetch(f, r);
		bool mw = strcmp(cJSON_GetStringValue(sf_item(r, "kind")), "MultiCloudMongoDB") == 0;
		bool ok = o && (mw ? (!cJSON_IsTrue(sf_item(r, "scheduled")) ||
				      sf_annotation(o, "schedulerResult"))
				   : sf_scheduled_condition(o) != NULL);
		cJSON_Delete(o);
		if (!ok)
			return false;
	}
	return true;
}

bool
sf_wait_converged(struct sf_fx *f, struct dm_proc *d, int ms)
{
	for (int i = 0; i < ms / 100; i++) {
		if (sf_converged(f))
			return true;
		if (!dm_alive(d))
			return false;
		usleep(100000);
	}
	return false;
}

void
sf_check_binding(const cJSON *r, const cJSON *o)
{
	const char *name = cJSON_GetStringValue(sf_item(r, "name"));
	const cJSON *cond = sf_scheduled_condition(o);
	bool scheduled = cJSON_IsTrue(sf_item(r, "scheduled"));
	const cJSON *want = sf_item(r, "clusters"), *got = sf_item(sf_item(o, "spec"), "clusters");
	int n = cJSON_GetArraySize(want);

	if (cJSON_GetArraySize(got) != n)
		fail_msg("%s: %d clusters written, simulate placed %d", name,
			 cJSON_GetArraySize(got), n);
	for (int i = 0; i < n; i++) {
		const cJSON *w = cJSON_GetArrayItem(want, i), *g = cJSON_GetArrayItem(got, i);
		const cJSON *gr = sf_item(g, "replicas");
		assert_string_equal(cJSON_GetStringValue(sf_item(g, "name")),
				    cJSON_GetStringValue(sf_item(w, "name")));
		assert_int_equal(gr ? gr->valueint : 0, sf_item(w, "replicas")->valueint);
	}
	assert_non_null(cond);
	assert_string_equal(cJSON_GetStringValue(sf_item(cond, "status")),
			    scheduled ? "True" : "False");
	assert_string_equal(cJSON_GetStringValue(sf_item(cond, "reason")),
			    cJSON_GetStringValue(sf_item(r, "reason")));
	if (scheduled) {
		assert_int_equal(sf_item(sf_item(o, "status"), "schedulerObservedGeneration")->valueint,
				 sf_item(sf_item(o, "metadata"), "generation")->valueint);
		assert_non_null(sf_annotation(o, "policy.karmada.io/applied-placement"));
	} else {
		assert_string_equal(cJSON_GetStringValue(sf_item(cond, "message")),
				    cJSON_GetStringValue(sf_item(r, "error")));
	}
}

void
sf_check_middleware(const cJSON *r, const cJSON *o)
{
	const char *have = sf_annotation(o, "schedulerResult");

	if (!cJSON_IsTrue(sf_item(r, "scheduled"))) {
		assert_null(have);
		return;
	}
	assert_non_null(have);
	cJSON *a = cJSON_Parse(have);
	assert_true(cJSON_Compare(a, sf_item(r, "schedulerResult"), true));
	cJSON_Delete(a);
	/* the generation it was computed for rides along */
	assert_non_null(sf_annotation(o, "fedstate.io/scheduled-generation"));
}

int
sf_count_events(struct sf_fx *f, const char *reason, const char *kind, const char *name)
{
	cJSON *list = dm_get_json(&f->api, "/apis/events.k8s.io/v1/events");
	const cJSON *e;
	int n = 0;

	if (!list)
		list = dm_get_json(&f->api, "/api/v1/events");
	cJSON_ArrayForEach(e, sf_item(list, "items")) {
		const cJSON *reg = sf_item(e, "regarding") ? sf_item(e, "regarding")
							   : sf_item(e, "involvedObject");
		if (strcmp(cJSON_GetStringValue(sf_item(e, "reason")) ?: "", reason) == 0 &&
		    strcmp(cJSON_GetStringValue(sf_item(reg, "kind")) ?: "", kind) == 0 &&
		    strcmp(cJSON_GetStringValue(sf_item(reg, "name")) ?: "", name) == 0)
			n++;
	}
	cJSON_Delete(list);
	return n;
}

int
sf_writes_by(struct sf_fx *f, const char *agent)
{
	long st = 0;
	char *body = ta_proc_get(&f->api, "/_testapi/writes", &st);
	cJSON *w = body ? cJSON_Parse(body) : NULL;
	const cJSON *e;
	int n = 0;

	/* writes to what it schedules (Events of failures may repeat) */
	cJSON_ArrayForEach(e, w)
		if (strstr(cJSON_GetStringValue(sf_item(e, "agent")) ?: "", agent) &&
		    !strstr(cJSON_GetStringValue(sf_item(e, "path")) ?: "", "/events"))
			n++;
	cJSON_Delete(w);
	free(body);
	return n;
}

int
sf_writes_to(struct sf_fx *f, const char *name, const char *agent)
{
	long st = 0;
	char *body = ta_proc_get(&f->api, "/_testapi/writes", &st), suffix[160];
	cJSON *w = body ? cJSON_Parse(body) : NULL;
	const cJSON *e;
	int n = 0;

	snprintf(suffix, sizeof suffix, "/resourcebindings/%s", name);
	cJSON_ArrayForEach(e, w) {
		const char *p = cJSON_GetStringValue(sf_item(e, "path")) ?: "";
		const char *a = cJSON_GetStringValue(sf_item(e, "agent")) ?: "";
		if (strstr(p, suffix) && (!agent || strstr(a, agent)))
			n++;
	}
	cJSON_Delete(w);
	free(body);
	return n;
}

void
sf_copy_rb(struct sf_fx *f, const char *src, const char *name, const char *scheduler)
{
	char from[256];
	snprintf(from, sizeof from, SF_RB_PATH "/%s", src);
	cJSON *o = dm_get_json(&f->api, from);
	assert_non_null(o);
	cJSON *md = cJSON_GetObjectItem(o, "metadata");
	cJSON_DeleteItemFromObject(o, "status");
	cJSON_DeleteItemFromObject(md, "resourceVersion");
	cJSON_DeleteItemFromObject(md, "uid");
	cJSON_DeleteItemFromObject(md, "annotations");
	cJSON_DeleteItemFromObject(md, "creationTimestamp");
	cJSON_DeleteItemFromObject(md, "generation");
	cJSON_ReplaceItemInObject(md, "name", cJSON_CreateString(name));
	cJSON *spec = cJSON_GetObjectItem(o, "spec");
	cJSON_DeleteItemFromObject(spec, "clusters");
	cJSON_DeleteItemFromObject(spec, "schedulerName");
	if (scheduler)
		cJSON_AddStringToObject(spec, "schedulerName", scheduler);
	char *body = cJSON_PrintUnformatted(o);
	long st = 0;
	free(ta_proc_request(&f->api, "POST", SF_RB_PATH, "application/json", body, NULL, &st,
			     NULL));
	assert_int_equal(st, 201);
	free(body);
	cJSON_Delete(o);
}

void
sf_create_rb(struct sf_fx *f, const char *name, const char *scheduler)
{
	sf_copy_rb(f, "web-deployment", name, scheduler);
}

bool
sf_is_scheduled(struct sf_fx *f, const char *name)
{
	char path[256];
	snprintf(path, sizeof path, SF_RB_PATH "/%s", name);
	cJSON *o = dm_get_json(&f->api, path);
	const cJSON *c = o ? sf_scheduled_condition(o) : NULL;
	bool ok = c && strcmp(cJSON_GetStringValue(sf_item(c, "status")), "True") == 0;
	cJSON_Delete(o);
	return ok;
}

bool
sf_wait_scheduled(struct sf_fx *f, const char *name, int ms)
{
	for (int i = 0; i < ms / 50; i++) {
		if (sf_is_scheduled(f, name))
			return true;
		usleep(50000);
	}
	return false;
}

bool
sf_reason_is(struct sf_fx *f, const char *name, const char *reason)
{
	char path[256];
	snprintf(path, sizeof path, SF_RB_PATH "/%s", name);
	cJSON *o = dm_get_json(&f->api, path);
	const cJSON *c = o ? sf_scheduled_condition(o) : NULL;
	bool ok = c && strcmp(cJSON_GetStringValue(sf_item(c, "reason")), reason) == 0;
	cJSON_Delete(o);
	return ok;
}

int
sf_replicas_on(const cJSON *clusters, const char *name)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, clusters)
		if (strcmp(cJSON_GetStringValue(sf_item(e, "name")), name) == 0)
			return sf_item(e, "replicas") ? sf_item(e, "replicas")->valueint : 0;
	return 0;
}

void
sf_leader_identity(const struct dm_proc *d, char *out, size_t n)
{
	FILE *f = fopen(d->log, "r");
	char line[1024];

	out[0] = '\0';
	while (f && fgets(line, sizeof line, f)) {
		char *p = strstr(line, "leading (");
		if (p) {
			snprintf(out, n, "%s", p + 9);
			out[strcspn(out, ")")] = '\0';
		}
	}
	if (f)
		fclose(f);
}

int
sf_cycles_of(const struct dm_proc *d, const char *key)
{
	char *log = sf_slurp(d->log), needle[160];
	int n = 0;
	snprintf(needle, sizeof needle, "scheduler: %s: ", key);
	for (char *p = log; (p = strstr(p, needle)); p++)
		if (strstr(p, "Schedule)") && strchr(p, '\n') > strstr(p, "Schedule)"))
			n++;
	free(log);
	return n;
}

void
sf_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

char *
sf_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int ch;
	while (f && (ch = fgetc(f)) != EOF)
		fputc(ch, m);
	if (f)
		fclose(f);
	fclose(m);
	return buf;
}
