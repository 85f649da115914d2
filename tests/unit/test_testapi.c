/*
 * test_testapi - fedstate-testapi speaks the protocol: raw HTTP/1.1
 * (keep-alive, pipelining, chunked watches), discovery, Status bodies,
 * 410 for compacted watches, and a real client we did not write
 * (kubectl) creating, getting, patching and watching through it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "lib/testapi_proc.h"


static cJSON *
get_json(struct ta_proc *p, const char *path, long want)
{
	long st;
	char *body = ta_proc_get(p, path, &st);
	if (st != want)
		fail_msg("GET %s: %ld, want %ld: %s", path, st, want, body);
	cJSON *v = cJSON_Parse(body);
	free(body);
	assert_non_null(v);
	return v;
}

static void
test_discovery(void **state)
{
	struct ta_proc *p = *state;
	cJSON *v = get_json(p, "/version", 200);
	assert_string_equal(cJSON_GetObjectItem(v, "major")->valuestring, "1");
	cJSON_Delete(v);
	v = get_json(p, "/apis", 200);
	char *s = cJSON_PrintUnformatted(v);
	assert_non_null(strstr(s, "\"middleware.fedstate.io/v1alpha1\""));
	assert_non_null(strstr(s, "\"cluster.karmada.io/v1alpha1\""));
	assert_non_null(strstr(s, "\"work.karmada.io/v1alpha2\""));
	free(s);
	cJSON_Delete(v);
	v = get_json(p, "/apis/cluster.karmada.io/v1alpha1", 200);
	const cJSON *r = cJSON_GetArrayItem(cJSON_GetObjectItem(v, "resources"), 0);
	assert_string_equal(cJSON_GetObjectItem(r, "name")->valuestring, "clusters");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r, "namespaced")));
	cJSON_Delete(v);
	v = get_json(p, "/api/v1", 200);
	assert_string_equal(cJSON_GetObjectItem(v, "groupVersion")->valuestring, "v1");
	cJSON_Delete(v);
}

static void
test_status_bodies(void **state)
{
	struct ta_proc *p = *state;
	cJSON *v = get_json(p, "/apis/middleware.fedstate.io/v1alpha1/namespaces/default/mongodbs/x",
			    404);
	assert_string_equal(cJSON_GetObjectItem(v, "kind")->valuestring, "Status");
	assert_string_equal(cJSON_GetObjectItem(v, "status")->valuestring, "Failure");
	assert_string_equal(cJSON_GetObjectItem(v, "reason")->valuestring, "NotFound");
	assert_int_equal(cJSON_GetObjectItem(v, "code")->valueint, 404);
	assert_string_equal(cJSON_GetObjectItem(v, "message")->valuestring,
			    "mongodbs.middleware.fedstate.io \"x\" not found");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(v, "details"), "name")->valuestring, "x");
	cJSON_Delete(v);
	v = get_json(p, "/apis/nope.io/v1/things", 404);
	assert_string_equal(cJSON_GetObjectItem(v, "reason")->valuestring, "NotFound");
	cJSON_Delete(v);
	v = get_json(p, "/api/v1/configmaps?labelSelector=a%20in%20b", 400);
	assert_string_equal(cJSON_GetObjectItem(v, "reason")->valuestring, "BadRequest");
	cJSON_Delete(v);
}

/* the write log (/_testapi/writes) completes a DELETE's entry as it does
 * a write's: its status, time, the object's name and the deletion's
 * resourceVersion (no generation); the chaos checker's prune rule reads
 * them */
static void
test_write_log_deletes(void **state)
{
	struct ta_proc *p = *state;
	long st;
	char *b = ta_proc_request(p, "POST", "/api/v1/namespaces/default/configmaps",
				  "application/json",
				  "{\"metadata\":{\"name\":\"gone\"},\"data\":{\"a\":\"1\"}}",
				  NULL, &st, NULL);
	assert_int_equal(st, 201);
	cJSON *made = cJSON_Parse(b);
	free(b);
	const char *rv = cJSON_GetObjectItem(cJSON_GetObjectItem(made, "metadata"),
					     "resourceVersion")->valuestring;
	free(ta_proc_request(p, "DELETE", "/api/v1/namespaces/default/configmaps/gone", NULL,
			     NULL, NULL, &st, NULL));
	assert_int_equal(st, 200);
	free(ta_proc_request(p, "DELETE", "/api/v1/namespaces/default/configmaps/gone", NULL,
			     NULL, NULL, &st, NULL));
	assert_int_equal(st, 404);
	cJSON *log = get_json(p, "/_testapi/writes", 200), *w, *del[2] = {NULL, NULL};
	int n = 0;
	cJSON_ArrayForEach(w, log)
		if (!strcmp(cJSON_GetObjectItem(w, "method")->valuestring, "DELETE") && n < 2)
			del[n++] = w;
	assert_int_equal(n, 2);
	assert_int_equal(cJSON_GetObjectItem(del[0], "status")->valueint, 200);
	assert_string_equal(cJSON_GetObjectItem(del[0], "name")->valuestring, "gone");
	assert_true(strtoll(cJSON_GetObjectItem(del[0], "rv")->valuestring, NULL, 10) >
		    strtoll(rv, NULL, 10));
	assert_true(cJSON_GetObjectItem(del[0], "t")->valuedouble > 0);
	assert_null(cJSON_GetObjectItem(del[0], "gen"));
	assert_int_equal(cJSON_GetObjectItem(del[1], "status")->valueint, 404);
	cJSON_Delete(log);
	cJSON_Delete(made);
}

/* the write log in pages (?from=I&limit=N) is the whole log, in order,
 * whether the pages are read in order (each resumes where the last ended)
 * or not; limit=0 is an empty page */
static void
test_write_log_pages(void **state)
{
	struct ta_proc *p = *state;
	char path[128], body[128];
	long st;
	for (int i = 0; i < 7; i++) {
		snprintf(body, sizeof body, "{\"metadata\":{\"name\":\"p%d\"}}", i);
		free(ta_proc_request(p, "POST", "/api/v1/namespaces/default/configmaps",
				     "application/json", body, NULL, &st, NULL));
		assert_int_equal(st, 201);
	}
	cJSON *all = get_json(p, "/_testapi/writes", 200), *paged = cJSON_CreateArray(), *w;
	int n = cJSON_GetArraySize(all);
	assert_true(n >= 7);
	for (int from = 0; from <= n; from += 3) {
		snprintf(path, sizeof path, "/_testapi/writes?from=%d&limit=3", from);
		cJSON *pg = get_json(p, path, 200);
		assert_int_equal(cJSON_GetArraySize(pg), from + 3 <= n ? 3 : n - from);
		while ((w = cJSON_DetachItemViaPointer(pg, pg->child)))
			cJSON_AddItemToArray(paged, w);
		cJSON_Delete(pg);
	}
	assert_true(cJSON_Compare(all, paged, true));
	/* out of order: back to the start, then one entry in the middle */
	cJSON *first = get_json(p, "/_testapi/writes?from=0&limit=1", 200);
	assert_true(cJSON_Compare(cJSON_GetArrayItem(first, 0), cJSON_GetArrayItem(all, 0), true));
	snprintf(path, sizeof path, "/_testapi/writes?from=%d&limit=1", n - 2);
	cJSON *mid = get_json(p, path, 200);
	assert_true(cJSON_Compare(cJSON_GetArrayItem(mid, 0), cJSON_GetArrayItem(all, n - 2), true));
	cJSON *none = get_json(p, "/_testapi/writes?from=0&limit=0", 200);
	assert_int_equal(cJSON_GetArraySize(none), 0);
	cJSON_Delete(none);
	cJSON_Delete(mid);
	cJSON_Delete(first);
	cJSON_Delete(paged);
	cJSON_Delete(all);
}

static int
dial(const struct ta_proc *p)
{
	int fd = ta_proc_dial(p);
	assert_true(fd >= 0);
	return fd;
}

/* read until `needle` appears (or the peer closes); returns what came */
static char *
read_until(int fd, const char *needle)
{
	static char buf[65536];
	size_t n = 0;
	buf[0] = '\0';
	while (n < sizeof(buf) - 1 && !strstr(buf, needle)) {
		ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
	}
	return buf;
}

static void
test_raw_http(void **state)
{
	struct ta_proc *p = *state;
	int fd = dial(p);
	/* two pipelined requests, the second with a chunked body */
	const char *req =
		"GET /version HTTP/1.1\r\nHost: x\r\n\r\n"
		"POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n"
		"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
		"f\r\n{\"metadata\":{\"n\r\n"
		"16\r\name\":\"raw\"},\"data\":{}}\r\n0\r\n\r\n";
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	char *got = read_until(fd, "\"raw\"");
	assert_non_null(strstr(got, "HTTP/1.1 200 OK"));
	assert_non_null(strstr(got, "HTTP/1.1 201 Created"));
	/* the connection stays open for a watch: chunked events */
	const char *watch = "GET /api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0 "
			    "HTTP/1.1\r\nHost: x\r\n\r\n";
	assert_int_equal(write(fd, watch, strlen(watch)), (ssize_t)strlen(watch));
	got = read_until(fd, "ADDED");
	assert_non_null(strstr(got, "Transfer-Encoding: chunked"));
	assert_non_null(strstr(got, "{\"type\":\"ADDED\",\"object\":{"));
	close(fd);

	/* a watch from a compacted version: 200, then an ERROR event with 410 */
	assert_int_equal(ta_proc_admin(p, "compact"), 200);
	fd = dial(p);
	const char *old = "GET /api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2 "
			  "HTTP/1.1\r\nHost: x\r\n\r\n";
	assert_int_equal(write(fd, old, strlen(old)), (ssize_t)strlen(old));
	got = read_until(fd, "0\r\n\r\n");
	assert_non_null(strstr(got, "HTTP/1.1 200 OK"));
	assert_non_null(strstr(got, "\"type\":\"ERROR\""));
	assert_non_null(strstr(got, "\"reason\":\"Expired\""));
	assert_non_null(strstr(got, "\"code\":410"));
	close(fd);
}


static void
test_kubectl(void **state)
{
	struct ta_proc *p = *state;
	if (!ta_have_kubectl())
		skip();
	char manifest[256], out[8192];
	snprintf(manifest, sizeof(manifest), "%s/mdb.yaml", p->dir);
	FILE *f = fopen(manifest, "w");
	fputs("apiVersion: middleware.fedstate.io/v1alpha1\nkind: MongoDB\n"
	      "metadata:\n  name: m1\n  labels: {app: db}\nspec:\n  members: 3\n", f);
	fclose(f);
	char args[512];
	snprintf(args, sizeof(args), "create -f %s", manifest);
	if (ta_proc_kubectl(p, args, out, sizeof(out)))
		fail_msg("kubectl %s: %s", args, out);
	assert_non_null(strstr(out, "mongodb.middleware.fedstate.io/m1 created"));
	/* creating again: kubectl shows the server's AlreadyExists */
	assert_int_not_equal(ta_proc_kubectl(p, args, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "AlreadyExists"));
	assert_int_equal(ta_proc_kubectl(p, "patch mongodb m1 --type=merge -p '{\"spec\":{\"members\":5}}'",
				 out, sizeof(out)), 0);
	assert_int_equal(ta_proc_kubectl(p, "get mongodbs -l app=db -o json", out, sizeof(out)), 0);
	cJSON *list = cJSON_Parse(out);
	assert_non_null(list);
	const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(list, "items"), 0);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "spec"), "members")->valueint, 5);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "metadata"), "generation")->valueint, 2);
	cJSON_Delete(list);
	/* a strategic merge patch on a built-in type (kubectl 1.32's
	 * `create configmap` sends protobuf, which this server refuses) */
	snprintf(manifest, sizeof(manifest), "%s/cm.yaml", p->dir);
	f = fopen(manifest, "w");
	fputs("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: \"1\"}\n", f);
	fclose(f);
	snprintf(args, sizeof(args), "apply -f %s", manifest);
	assert_int_equal(ta_proc_kubectl(p, args, out, sizeof(out)), 0);
	assert_int_equal(ta_proc_kubectl(p, "patch configmap cfg -p '{\"data\":{\"b\":\"2\"}}'", out, sizeof(out)), 0);
	assert_int_equal(ta_proc_kubectl(p, "get configmap cfg -o jsonpath={.data.b}", out, sizeof(out)), 0);
	assert_string_equal(out, "2");
	/* kubectl's watch: the list, then the change we make once it watches */
	snprintf(args, sizeof(args),
		 "KUBECONFIG=%s timeout 8 kubectl get mongodbs m1 -w -o jsonpath='{.spec.members}{\"\\n\"}'",
		 p->kubeconfig);
	FILE *w = popen(args, "r");
	for (int i = 0; i < 400; i++) { /* until its watch is registered */
		long st;
		char *s = ta_proc_get(p, "/_testapi/stats", &st);
		bool watching = strstr(s, "\"watches\":1") != NULL;
		free(s);
		if (watching)
			break;
		usleep(20000);
	}
	assert_int_equal(ta_proc_kubectl(p, "patch mongodb m1 --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/members\",\"value\":7}]'",
				 out, sizeof(out)), 0);
	char line1[64] = "", line2[64] = "";
	assert_non_null(fgets(line1, sizeof(line1), w));
	assert_non_null(fgets(line2, sizeof(line2), w));
	assert_string_equal(line1, "5\n");
	assert_string_equal(line2, "7\n");
	pclose(w);
	assert_int_equal(ta_proc_kubectl(p, "delete mongodb m1", out, sizeof(out)), 0);
	assert_int_not_equal(ta_proc_kubectl(p, "get mongodb m1", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "NotFound"));
}

static int
setup_tls(void **state)
{
	static const char *const extra[] = {"--tls", NULL};
	struct ta_proc *p = calloc(1, sizeof(*p));
	if (!ta_proc_start(p, extra))
		return -1;
	*state = p;
	return 0;
}

/* kubectl over HTTPS: it verifies our certificate against the generated
 * CA and authenticates with the generated client certificate */
static void
test_kubectl_tls(void **state)
{
	struct ta_proc *p = *state;
	if (!ta_have_kubectl())
		skip();
	char out[4096];
	assert_non_null(strstr(p->base, "https://"));
	if (ta_proc_kubectl(p, "get namespaces -o name", out, sizeof(out)))
		fail_msg("kubectl over TLS: %s", out);
	assert_non_null(strstr(out, "namespace/default"));
	assert_int_equal(ta_proc_kubectl(p, "get configmaps -o name", out, sizeof(out)), 0);
	/* a wrong token instead of the client certificate: the server's 401 */
	char kc[256], cmd[1024];
	snprintf(kc, sizeof(kc), "%s/anon.yaml", p->dir);
	snprintf(cmd, sizeof(cmd), "(grep -v client- %s; echo '    token: wrong') > %s",
		 p->kubeconfig, kc);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "KUBECONFIG=%s kubectl get configmaps 2>&1", kc);
	FILE *f = popen(cmd, "r");
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	assert_int_not_equal(pclose(f), 0);
	if (!strstr(out, "Unauthorized") && !strstr(out, "provide credentials"))
		fail_msg("kubectl without a client certificate said: %s", out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_discovery, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_status_bodies, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_write_log_deletes, ta_proc_setup,
						ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_write_log_pages, ta_proc_setup,
						ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_raw_http, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_kubectl, ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_kubectl_tls, setup_tls, ta_proc_teardown),
	};
	return cmocka_run_group_tests_name("testapi", tests, NULL, NULL);
}
