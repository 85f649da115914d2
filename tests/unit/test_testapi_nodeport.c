/*
 * test_testapi_nodeport - fedstate-testapi allocates NodePorts as
 * kube-apiserver's service REST does: a NodePort Service gets a port
 * from 30000-32767 for each port naming none, unique in the server; a
 * port a client names must be in range and free (422 Invalid); an update
 * that leaves nodePort out keeps the one allocated; a ClusterIP Service
 * gets none.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "lib/testapi_proc.h"

#define SVCS "/api/v1/namespaces/default/services"

static cJSON *
call(struct ta_proc *p, const char *method, const char *path, const char *ctype,
     const char *body, long want)
{
	long st = 0;
	char *out = ta_proc_request(p, method, path, ctype, body, NULL, &st, NULL);
	if (st != want)
		fail_msg("%s %s: %ld, want %ld: %s", method, path, st, want, out ? out : "");
	cJSON *v = cJSON_Parse(out ? out : "");
	free(out);
	assert_non_null(v);
	return v;
}

static cJSON *
create(struct ta_proc *p, const char *name, const char *type, int node_port, long want)
{
	char body[512], np[32] = "";
	if (node_port)
		snprintf(np, sizeof np, ",\"nodePort\":%d", node_port);
	snprintf(body, sizeof body,
		 "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"%s\"},"
		 "\"spec\":{\"type\":\"%s\",\"ports\":[{\"name\":\"a\",\"port\":27017%s},"
		 "{\"name\":\"b\",\"port\":27018}]}}", name, type, np);
	return call(p, "POST", SVCS, "application/json", body, want);
}

static int
node_port(const cJSON *svc, int i)
{
	const cJSON *ports = cJSON_GetObjectItem(cJSON_GetObjectItem(svc, "spec"), "ports");
	const cJSON *np = cJSON_GetObjectItem(cJSON_GetArrayItem(ports, i), "nodePort");
	return cJSON_IsNumber(np) ? np->valueint : 0;
}

static void
test_allocates_unique_ports(void **state)
{
	struct ta_proc *p = *state;
	cJSON *a = create(p, "a", "NodePort", 0, 201);
	cJSON *b = create(p, "b", "NodePort", 0, 201);
	int ports[4] = {node_port(a, 0), node_port(a, 1), node_port(b, 0), node_port(b, 1)};
	for (int i = 0; i < 4; i++) {
		assert_in_range(ports[i], 30000, 32767);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(ports[i], ports[j]);
	}
	cJSON *c = create(p, "c", "ClusterIP", 0, 201);
	assert_int_equal(node_port(c, 0), 0);
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(c);
}

static void
test_refuses_taken_and_out_of_range(void **state)
{
	struct ta_proc *p = *state;
	cJSON *a = create(p, "a", "NodePort", 31000, 201);
	assert_int_equal(node_port(a, 0), 31000);
	cJSON *b = create(p, "b", "NodePort", 31000, 422);
	assert_string_equal(cJSON_GetObjectItem(b, "reason")->valuestring, "Invalid");
	assert_non_null(strstr(cJSON_GetObjectItem(b, "message")->valuestring,
			       "spec.ports[0].nodePort: Invalid value: 31000: provided port "
			       "is already allocated"));
	cJSON *c = create(p, "c", "NodePort", 80, 422);
	assert_non_null(strstr(cJSON_GetObjectItem(c, "message")->valuestring,
			       "The range of valid ports is 30000-32767"));
	/* neither refused Service was stored */
	cJSON *l = call(p, "GET", SVCS, NULL, NULL, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(l, "items")), 1);
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(c);
	cJSON_Delete(l);
}

static void
test_update_keeps_allocation(void **state)
{
	struct ta_proc *p = *state;
	cJSON *a = create(p, "a", "NodePort", 0, 201);
	int was0 = node_port(a, 0), was1 = node_port(a, 1);
	/* a merge patch replacing the ports list without nodePorts */
	cJSON *m = call(p, "PATCH", SVCS "/a", "application/merge-patch+json",
			"{\"spec\":{\"ports\":[{\"name\":\"a\",\"port\":27017},"
			"{\"name\":\"b\",\"port\":27018},{\"name\":\"c\",\"port\":27019}]}}",
			200);
	assert_int_equal(node_port(m, 0), was0);
	assert_int_equal(node_port(m, 1), was1);
	assert_in_range(node_port(m, 2), 30000, 32767);
	assert_int_not_equal(node_port(m, 2), was0);
	assert_int_not_equal(node_port(m, 2), was1);
	cJSON_Delete(a);
	cJSON_Delete(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_allocates_unique_ports, ta_proc_setup,
						ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_refuses_taken_and_out_of_range,
						ta_proc_setup, ta_proc_teardown),
		cmocka_unit_test_setup_teardown(test_update_keeps_allocation, ta_proc_setup,
						ta_proc_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
