/*
 * test_estimator.c - the `estimator` plugin (build/plugins/estimator.so)
 * loaded through the real loader and host, against the Node stand-in of
 * karmada-scheduler-estimator (tests/grpc/server.js).
 *
 * Clusters (all estimators on the one test server, told apart by the
 * request's `cluster` field, except "gone" whose port is closed):
 *   member1  answers 7          member2  answers 500
 *   zero     answers 0          slow     answers after 10 s
 *   broken   UNAVAILABLE "estimator down: disk 100%"
 *   gone     nothing listens
 * The general estimate is replaced by a fake (GENERAL for every cluster,
 * 0 for "full") so that fallbacks are visible. The server logs what it
 * decoded from each request into a file this test reads.
 */
#include <fcntl.h>
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
#include <ev.h>
#include <cjson/cJSON.h>

#include "lib/loop_wait.h"
#include "runtime/runtime.h"
#include "lib/plugin_harness.h"
#include "net/net.h"
#include "util/intern.h"
#include "util/log.h"
#include "../grpc/grpc_server.h"

#define GENERAL 50
#define BACKOFF_FIRST_MS 1000 /* plugins/estimator/est.h */
/* generous under valgrind (make valgrind sets VALGRIND=1), where the
 * first calls are many times slower */
#define DEADLINE_MS (getenv("VALGRIND") ? 4000 : 600)
/* no slow server in the TLS tests: room for the first handshakes */
#define TLS_DEADLINE_MS (getenv("VALGRIND") ? 30000 : 3000)

enum { MEMBER1, MEMBER2, ZERO, SLOW, BROKEN, GONE, FULL, NCLUSTERS };
static const char *const names[NCLUSTERS] = {"member1", "member2", "zero", "slow",
					      "broken", "gone", "full"};

static struct {
	int port, closed_port;
	char srv_log[64], our_log[64];
	int log_fd;
	struct fs_cluster cl[NCLUSTERS];
	const struct fs_cluster *ptr[NCLUSTERS];
	struct fs_host host; /* the real table with a fake general estimate */
	struct fs_resource req[2];
	struct fs_kv sel[1];
	struct fs_binding b;
} t;

static int32_t
fake_general(const struct fs_cluster *c, const struct fs_binding *b)
{
	(void)b;
	return c->name == t.cl[FULL].name ? 0 : GENERAL;
}

static int
free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t al = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &al);
	close(fd);
	return ntohs(a.sin_port);
}

static int
setup(void **state)
{
	char cfg[512];
	int fd;

	(void)state;
	/* "*": the hundred clusters of test_hundred_estimators_at_once, held
	 * long enough for all calls to arrive (much longer under valgrind) */
	snprintf(cfg, sizeof(cfg),
		 "{\"member1\":{\"answer\":7},\"member2\":{\"answer\":500},"
		 "\"zero\":{\"answer\":0},\"slow\":{\"sleepMs\":10000,\"answer\":1},"
		 "\"broken\":{\"error\":{\"code\":14,\"message\":\"estimator down: disk 100%%\"}},"
		 "\"full\":{\"answer\":9},\"*\":{\"answer\":5,\"sleepMs\":%d}}",
		 getenv("VALGRIND") ? 8000 : 300);
	snprintf(t.srv_log, sizeof(t.srv_log), "/tmp/fs-est-srv-XXXXXX");
	snprintf(t.our_log, sizeof(t.our_log), "/tmp/fs-est-log-XXXXXX");
	if ((fd = mkstemp(t.srv_log)) < 0 || (t.log_fd = mkstemp(t.our_log)) < 0)
		return -1;
	close(fd);
	t.port = grpc_server_start_log(cfg, t.srv_log);
	t.closed_port = free_port();
	for (int i = 0; i < NCLUSTERS; i++) {
		t.cl[i] = (struct fs_cluster){.struct_size = sizeof(t.cl[i]),
					      .index = (uint32_t)i,
					      .name = fs_intern(names[i], (size_t)-1)};
		t.ptr[i] = &t.cl[i];
	}
	t.req[0] = (struct fs_resource){fs_intern("cpu", (size_t)-1), 250};
	t.req[1] = (struct fs_resource){fs_intern("memory", (size_t)-1), 1073741824};
	t.sel[0] = (struct fs_kv){fs_intern("disktype", (size_t)-1),
				  fs_intern("ssd", (size_t)-1)};
	t.b = (struct fs_binding){
		.struct_size = sizeof(t.b), .replicas = 3, .requests = t.req,
		.n_requests = 2, .has_requirements = true, .node_selector = t.sel,
		.n_node_selector = 1, .namespace_req = fs_intern("default", (size_t)-1),
		.resource = {.kind = fs_intern("Deployment", (size_t)-1),
			     .namespace_ = fs_intern("default", (size_t)-1),
			     .name = fs_intern("nginx", (size_t)-1)}};
	fs_log_set_fd(t.log_fd);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ph_retire_all();
	tl_net_reset();
	grpc_server_stop();
	if (!getenv("KEEP_LOGS"))
		unlink(t.srv_log);
	return 0;
}

/* the plugin with args; its host table gets the fake general estimate */
static struct fs_plugin *
load(const char *fmt, ...)
{
	char args[8192];
	va_list ap;
	struct fs_plugin *p;
	const struct fs_host **slot;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	p = ph_load("estimator", args);
	slot = p->lp->desc.host_slot;
	t.host = **slot;
	t.host.general_estimate = fake_general;
	*slot = &t.host;
	return p;
}

/* service args: every cluster on the test server, "gone" on a closed port */
static struct fs_plugin *
load_service(const char *extra)
{
	char a[NCLUSTERS][64];

	if (t.port <= 0)
		skip();
	for (int i = 0; i < NCLUSTERS; i++)
		snprintf(a[i], sizeof(a[i]), "\"%s\":\"127.0.0.1:%d\"", names[i],
			 i == GONE ? t.closed_port : t.port);
	return load("{\"schedulerEstimator\":true,\"timeout\":\"%dms\",%s"
		    "\"addresses\":{%s,%s,%s,%s,%s,%s,%s}}",
		    DEADLINE_MS, extra, a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = calloc(1, 1 << 20);

	if (f) {
		size_t n = fread(s, 1, (1 << 20) - 1, f);
		s[n] = '\0';
		fclose(f);
	}
	return s;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* requests the server received for a cluster so far */
static int
served(const char *cluster)
{
	char key[64], *log = slurp(t.srv_log);
	int n;

	snprintf(key, sizeof(key), "{\"cluster\":\"%s\"", cluster);
	n = count(log, key);
	free(log);
	return n;
}

static void
test_fanout_with_fallbacks(void **state)
{
	struct fs_plugin *p = load_service("");
	struct fs_cycle *cyc = ph_cycle(&t.b, NCLUSTERS);
	const char *reason = NULL;
	struct fs_net_stats s0, s1;
	int64_t t0, elapsed;
	char *log, want[96];

	(void)state;
	fs_net_stats(fs_runtime_net(ph_runtime()), &s0);
	t0 = fs_now_ms();
	assert_int_equal(p->lp->sched.pre_filter(p->state, cyc, t.ptr, NCLUSTERS,
						  &reason), FS_OK);
	elapsed = fs_now_ms() - t0;
	fs_net_stats(fs_runtime_net(ph_runtime()), &s1);
	/* one deadline for all, not one per cluster */
	assert_true(elapsed < 3 * DEADLINE_MS);
	/* min(general, service); failed calls fall back to the general one */
	assert_int_equal(fs_cycle_available(cyc, MEMBER1), 7);
	assert_int_equal(fs_cycle_available(cyc, MEMBER2), GENERAL);
	assert_int_equal(fs_cycle_available(cyc, ZERO), 0);
	assert_int_equal(fs_cycle_available(cyc, SLOW), GENERAL);
	assert_int_equal(fs_cycle_available(cyc, BROKEN), GENERAL);
	assert_int_equal(fs_cycle_available(cyc, GONE), GENERAL);
	assert_int_equal(fs_cycle_available(cyc, FULL), 0);
	/* the six calls to the server shared one HTTP/2 connection */
	assert_in_range(s1.connects - s0.connects, 1, 2);
	/* clusters that cannot take one replica are filtered */
	assert_int_equal(p->lp->sched.filter(p->state, cyc, t.ptr[ZERO], &reason),
			 FS_UNSCHEDULABLE);
	assert_string_equal(reason, "cluster(s) had no room for a single replica");
	assert_int_equal(p->lp->sched.filter(p->state, cyc, t.ptr[FULL], &reason),
			 FS_UNSCHEDULABLE);
	assert_int_equal(p->lp->sched.filter(p->state, cyc, t.ptr[MEMBER1], &reason),
			 FS_OK);
	assert_int_equal(p->lp->sched.filter(p->state, cyc, t.ptr[SLOW], &reason),
			 FS_OK);
	/* one summary naming exactly the failed clusters, grpc status and
	 * the percent-decoded grpc-message */
	log = slurp(t.our_log);
	assert_int_equal(count(log, "estimator call(s) failed"), 1);
	assert_non_null(strstr(log, "3 estimator call(s) failed"));
	assert_non_null(strstr(log, "broken: grpc status 14 UNAVAILABLE: "
				   "estimator down: disk 100%"));
	snprintf(want, sizeof(want), "slow: no answer within the deadline (%d ms)",
		 DEADLINE_MS);
	assert_non_null(strstr(log, want));
	assert_non_null(strstr(log, " gone: "));
	assert_null(strstr(log, "member1:"));
	free(log);
	fs_cycle_destroy(cyc);
}

static void
test_server_saw_both_encodings(void **state)
{
	char *log, *line;
	cJSON *e, *rr, *rb;

	(void)state;
	if (t.port <= 0)
		skip();
	log = slurp(t.srv_log);
	line = strstr(log, "{\"cluster\":\"member1\"");
	assert_non_null(line);
	*strchr(line, '\n') = '\0';
	e = cJSON_Parse(line);
	assert_non_null(e);
	rr = cJSON_GetObjectItem(e, "resourceRequest");
	rb = cJSON_GetObjectItem(e, "resourceRequestBytes");
	/* field 2 (old estimators) and field 5 (v1.18+) carry the same values */
	assert_string_equal(cJSON_GetObjectItem(rr, "cpu")->valuestring, "250m");
	assert_string_equal(cJSON_GetObjectItem(rr, "memory")->valuestring, "1073741824");
	assert_string_equal(cJSON_GetObjectItem(rb, "cpu")->valuestring, "250m");
	assert_string_equal(cJSON_GetObjectItem(rb, "memory")->valuestring, "1073741824");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "nodeSelector"),
						"disktype")->valuestring, "ssd");
	assert_string_equal(cJSON_GetObjectItem(e, "namespace")->valuestring, "default");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(e, "object"), 0)->valuestring,
			    "kind=Deployment, name=default/nginx");
	/* grpc-timeout reached the server as the call's deadline */
	assert_in_range(cJSON_GetObjectItem(e, "deadlineMs")->valuedouble, 1, DEADLINE_MS);
	cJSON_Delete(e);
	free(log);
}

static void
stop_loop(void *ud)
{
	(void)ud;
	ev_break(tl_loop(), EVBREAK_ALL);
}

static void
test_failures_logged_once_per_interval(void **state)
{
	char extra[64];
	int interval = DEADLINE_MS * 5 / 2; /* two rounds fit in one interval */
	struct fs_plugin *p;
	struct fs_timer *tm;
	char *log;

	(void)state;
	snprintf(extra, sizeof(extra), "\"failureLogInterval\":%d,", interval);
	p = load_service(extra);
	lseek(t.log_fd, 0, SEEK_SET);
	if (ftruncate(t.log_fd, 0) != 0)
		fail();
	for (int round = 0; round < 2; round++) {
		struct fs_cycle *cyc = ph_cycle(&t.b, NCLUSTERS);
		const char *reason = NULL;

		p->lp->sched.pre_filter(p->state, cyc, t.ptr, NCLUSTERS, &reason);
		assert_int_equal(fs_cycle_available(cyc, BROKEN), GENERAL);
		fs_cycle_destroy(cyc);
	}
	/* the first round's failures at once, the second's not yet */
	log = slurp(t.our_log);
	assert_int_equal(count(log, "estimator call(s) failed"), 1);
	free(log);
	/* ... but when the interval ends, without waiting for another cycle */
	tm = fs_timer_start(tl_loop(), NULL, (uint64_t)interval + 500, 0, stop_loop, NULL);
	ev_run(tl_loop(), 0);
	fs_timer_stop(tm);
	log = slurp(t.our_log);
	assert_int_equal(count(log, "estimator call(s) failed"), 2);
	assert_non_null(strstr(log, "3 estimator call(s) failed since the last report"));
	free(log);
}

static void
test_cache_answers_within_ttl(void **state)
{
	struct fs_plugin *p = load_service("\"cacheTTL\":\"1m\",");
	int before = served("member1");

	(void)state;
	for (int round = 0; round < 3; round++) {
		struct fs_cycle *cyc = ph_cycle(&t.b, NCLUSTERS);
		const char *reason = NULL;

		p->lp->sched.pre_filter(p->state, cyc, t.ptr, 2, &reason);
		assert_int_equal(fs_cycle_available(cyc, MEMBER1), 7);
		fs_cycle_destroy(cyc);
	}
	assert_int_equal(served("member1") - before, 1);
}

/* one pre_filter over every cluster; *slow_avail: what "slow" got */
static void
estimate_round(struct fs_plugin *p, int64_t *slow_avail)
{
	struct fs_cycle *cyc = ph_cycle(&t.b, NCLUSTERS);
	const char *reason = NULL;

	assert_int_equal(p->lp->sched.pre_filter(p->state, cyc, t.ptr, NCLUSTERS,
						  &reason), FS_OK);
	*slow_avail = fs_cycle_available(cyc, SLOW);
	fs_cycle_destroy(cyc);
}

static void
wait_ms(int ms)
{
	struct fs_timer *tm = fs_timer_start(tl_loop(), NULL, (uint64_t)ms, 0,
					     stop_loop, NULL);
	ev_run(tl_loop(), 0);
	fs_timer_stop(tm);
}

/* The cycle blocks the daemon's loop while it waits, so an estimator that
 * cost a wait and gave no answer (slow: past the deadline; gone: no
 * connection) is not called again until its back-off ends (1 s, then
 * x1.6): a silent estimator costs one deadline per back-off, not one per
 * binding, and the Lease keeps being renewed. An estimator that answers,
 * even with an error status (broken), is called every time. */
static void
test_silent_estimator_backs_off(void **state)
{
	struct fs_plugin *p = load_service("\"cacheTTL\":0,\"failureLogInterval\":1000,");
	int slow0 = served("slow"), broken0 = served("broken");
	int64_t avail;
	char *log;

	(void)state;
	estimate_round(p, &avail);
	assert_int_equal(served("slow") - slow0, 1);
	/* within the back-off: no call, the general estimate, no wait */
	estimate_round(p, &avail);
	assert_int_equal(avail, GENERAL);
	assert_int_equal(served("slow") - slow0, 1);
	assert_int_equal(served("broken") - broken0, 2);
	/* past it, one new try each */
	wait_ms(BACKOFF_FIRST_MS + 200);
	estimate_round(p, &avail);
	assert_int_equal(served("slow") - slow0, 2);
	estimate_round(p, &avail);
	assert_int_equal(served("slow") - slow0, 2);
	assert_int_equal(served("broken") - broken0, 4);
	assert_int_equal(avail, GENERAL);
	/* the summary (round two's, at the interval's end) says why the
	 * skipped ones were not called */
	log = slurp(t.our_log);
	assert_non_null(strstr(log, "backing off after no answer within the deadline"));
	free(log);
}

/* addressesOnly: the clusters not in `addresses` run no estimator (as
 * in Karmada, where a cluster without an estimator Service is not
 * asked): no call, no failure, the general estimate */
static void
test_addresses_only(void **state)
{
	struct fs_plugin *p;
	struct fs_cycle *cyc;
	const char *reason = NULL;
	int m1 = served("member1"), m2 = served("member2");
	char *log;

	(void)state;
	if (t.port <= 0)
		skip();
	lseek(t.log_fd, 0, SEEK_SET);
	if (ftruncate(t.log_fd, 0) != 0)
		fail();
	p = load("{\"schedulerEstimator\":true,\"addressesOnly\":true,\"timeout\":\"%dms\","
		 "\"addresses\":{\"member1\":\"127.0.0.1:%d\"}}", DEADLINE_MS, t.port);
	cyc = ph_cycle(&t.b, NCLUSTERS);
	assert_int_equal(p->lp->sched.pre_filter(p->state, cyc, t.ptr, NCLUSTERS,
						  &reason), FS_OK);
	assert_int_equal(fs_cycle_available(cyc, MEMBER1), 7);
	assert_int_equal(fs_cycle_available(cyc, MEMBER2), GENERAL);
	assert_int_equal(fs_cycle_available(cyc, SLOW), GENERAL);
	assert_int_equal(served("member1") - m1, 1);
	assert_int_equal(served("member2") - m2, 0);
	fs_cycle_destroy(cyc);
	log = slurp(t.our_log);
	assert_null(strstr(log, "estimator call(s) failed"));
	free(log);
}

/* a hundred estimators (all answering after 200 ms) cost one round trip:
 * the server saw all hundred calls in flight at once, over one connection */
static void
test_hundred_estimators_at_once(void **state)
{
	enum { N = 100 };
	static struct fs_cluster cl[N];
	static const struct fs_cluster *ptr[N];
	char args[8192], name[16], *log, *line, *save = NULL;
	size_t used = 0;
	int max_inflight = 0, seen = 0;
	const char *first_peer = NULL, *reason = NULL;
	bool one_peer = true;
	struct fs_plugin *p;
	struct fs_cycle *cyc;

	(void)state;
	if (t.port <= 0)
		skip();
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		cl[i] = (struct fs_cluster){.struct_size = sizeof(cl[i]), .index = (uint32_t)i,
					    .name = fs_intern(name, (size_t)-1)};
		ptr[i] = &cl[i];
		used += (size_t)snprintf(args + used, sizeof(args) - used, "%s\"%s\":"
					 "\"127.0.0.1:%d\"", i ? "," : "", name, t.port);
	}
	p = load("{\"schedulerEstimator\":true,\"timeout\":\"%ds\",\"addresses\":{%s}}",
		 getenv("VALGRIND") ? 60 : 10, args);
	cyc = ph_cycle(&t.b, N);
	assert_int_equal(p->lp->sched.pre_filter(p->state, cyc, ptr, N, &reason), FS_OK);
	for (int i = 0; i < N; i++)
		assert_int_equal(fs_cycle_available(cyc, (uint32_t)i), 5);
	fs_cycle_destroy(cyc);
	log = slurp(t.srv_log);
	for (line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cJSON *e = cJSON_Parse(line);
		const char *cluster = cJSON_GetObjectItem(e, "cluster")->valuestring;
		const char *peer = cJSON_GetObjectItem(e, "peer")->valuestring;
		int inflight = cJSON_GetObjectItem(e, "inflight")->valueint;

		if (cluster[0] == 'e') {
			seen++;
			if (inflight > max_inflight)
				max_inflight = inflight;
			if (!first_peer)
				first_peer = strdup(peer);
			else if (strcmp(first_peer, peer) != 0)
				one_peer = false;
		}
		cJSON_Delete(e);
	}
	free((char *)first_peer);
	free(log);
	assert_int_equal(seen, N);
	assert_int_equal(max_inflight, N);
	assert_true(one_peer);
}

static void
test_non_workload_makes_no_calls(void **state)
{
	struct fs_plugin *p = load_service("\"cacheTTL\":\"0\",");
	struct fs_binding nw = {.struct_size = sizeof(nw)};
	struct fs_cycle *cyc = ph_cycle(&nw, NCLUSTERS);
	const char *reason = NULL;
	int before = served("member1");

	(void)state;
	assert_int_equal(p->lp->sched.pre_filter(p->state, cyc, t.ptr, NCLUSTERS,
						  &reason), FS_SKIP);
	assert_int_equal(served("member1"), before);
	assert_int_equal(fs_cycle_available(cyc, MEMBER1), INT32_MAX);
	fs_cycle_destroy(cyc);
}

static void
test_general_only_and_pre_score(void **state)
{
	struct fs_plugin *p = load("{\"filterZero\":false}");
	struct fs_cycle *cyc = ph_cycle(&t.b, NCLUSTERS);
	const char *reason = NULL;

	(void)state;
	/* without filterZero nothing happens before the filters ... */
	assert_int_equal(p->lp->sched.pre_filter(p->state, cyc, t.ptr, NCLUSTERS,
						  &reason), FS_SKIP);
	assert_int_equal(fs_cycle_available(cyc, MEMBER1), INT32_MAX);
	/* ... and the feasible clusters get the general estimate in pre_score */
	assert_int_equal(p->lp->sched.pre_score(p->state, cyc, t.ptr, NCLUSTERS,
						 &reason), FS_SKIP);
	assert_int_equal(fs_cycle_available(cyc, MEMBER1), GENERAL);
	assert_int_equal(fs_cycle_available(cyc, FULL), 0);
	fs_cycle_destroy(cyc);
}

static void
expect_refused(const char *args, const char *msg)
{
	struct fs_plugin *p = NULL;
	char err[512] = "";

	assert_int_not_equal(ph_try_load("estimator", args, &p, err, sizeof(err)), FS_OK);
	if (!strstr(err, msg))
		fail_msg("args %s: expected \"%s\" in \"%s\"", args, msg, err);
}

static void
test_args_validated(void **state)
{
	(void)state;
	expect_refused("{\"port\":70000}", "port: 70000 is out of range (1-65535)");
	expect_refused("{\"port\":\"10352\"}", "port: expected an integer, got string");
	expect_refused("{\"timeout\":\"3 seconds\"}", "timeout: invalid duration");
	expect_refused("{\"timout\":\"3s\"}", "unknown key 'timout' (did you mean 'timeout'?)");
	expect_refused("{\"addresses\":{\"member1\":\"nohost\"}}",
		       "addresses: member1: expected \"host:port\"");
	expect_refused("{\"addresses\":{\"member1\":\"h:0\"}}", "port in 1-65535");
	expect_refused("{\"certFile\":\"/etc/hostname\"}", "certFile: set keyFile too");
	expect_refused("{\"caFile\":\"/nonexistent/ca.pem\"}",
		       "caFile: cannot read /nonexistent/ca.pem");
	expect_refused("{\"generalEstimator\":false}", "nothing to estimate with");
	expect_refused("{\"addressesOnly\":true}",
		       "addressesOnly: set schedulerEstimator: true too");
}

/* ------------------------------------------------ TLS and mutual TLS */

static char certs[64];

static int
tls_setup(void **state)
{
	char cmd[256];
	const char *src = getenv("FEDSTATE_SRC") ? getenv("FEDSTATE_SRC") : ".";

	(void)state;
	snprintf(certs, sizeof(certs), "/tmp/fs-est-certs-XXXXXX");
	if (!mkdtemp(certs))
		return -1;
	snprintf(cmd, sizeof(cmd), "sh '%s/tests/grpc/make-certs.sh' '%s'", src, certs);
	if (system(cmd) != 0)
		return -1;
	t.port = grpc_server_spawn("{\"member1\":{\"answer\":7}}", NULL, certs);
	if (t.log_fd >= 0)
		fs_log_set_fd(t.log_fd);
	return 0;
}

static int
tls_teardown(void **state)
{
	char cmd[128];

	(void)state;
	ph_retire_all();
	tl_net_reset();
	grpc_server_stop();
	fs_log_set_fd(2);
	close(t.log_fd);
	if (!getenv("KEEP_LOGS"))
		unlink(t.our_log);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", certs);
	return system(cmd) == 0 ? 0 : -1;
}

/* member1's estimate through a TLS estimator with these TLS args */
static int32_t
tls_estimate(const char *tls_args)
{
	struct fs_plugin *p;
	struct fs_cycle *cyc;
	const char *reason = NULL;
	int32_t v;

	if (t.port <= 0)
		skip();
	p = load("{\"schedulerEstimator\":true,\"timeout\":\"%dms\",%s,"
		 "\"addresses\":{\"member1\":\"127.0.0.1:%d\"}}",
		 TLS_DEADLINE_MS, tls_args, t.port);
	cyc = ph_cycle(&t.b, NCLUSTERS);
	p->lp->sched.pre_filter(p->state, cyc, t.ptr, 1, &reason);
	v = fs_cycle_available(cyc, MEMBER1);
	fs_cycle_destroy(cyc);
	return v;
}

static void
test_mutual_tls(void **state)
{
	char args[512];

	(void)state;
	snprintf(args, sizeof(args), "\"caFile\":\"%s/ca.pem\",\"certFile\":"
		 "\"%s/client.pem\",\"keyFile\":\"%s/client-key.pem\"",
		 certs, certs, certs);
	assert_int_equal(tls_estimate(args), 7);
}

static void
test_tls_without_client_cert_falls_back(void **state)
{
	char args[256];

	(void)state;
	/* the server requires a client certificate: the call fails */
	snprintf(args, sizeof(args), "\"caFile\":\"%s/ca.pem\"", certs);
	assert_int_equal(tls_estimate(args), GENERAL);
}

static void
test_tls_unknown_ca_falls_back(void **state)
{
	char args[512];

	(void)state;
	/* the system CAs do not know the test CA: verification fails */
	snprintf(args, sizeof(args), "\"tls\":true,\"certFile\":"
		 "\"%s/client.pem\",\"keyFile\":\"%s/client-key.pem\"",
		 certs, certs);
	assert_int_equal(tls_estimate(args), GENERAL);
	/* ... unless verification is skipped */
	snprintf(args, sizeof(args), "\"insecureSkipVerify\":true,\"certFile\":"
		 "\"%s/client.pem\",\"keyFile\":\"%s/client-key.pem\"",
		 certs, certs);
	assert_int_equal(tls_estimate(args), 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fanout_with_fallbacks),
		cmocka_unit_test(test_server_saw_both_encodings),
		cmocka_unit_test(test_failures_logged_once_per_interval),
		cmocka_unit_test(test_cache_answers_within_ttl),
		cmocka_unit_test(test_silent_estimator_backs_off),
		cmocka_unit_test(test_addresses_only),
		cmocka_unit_test(test_hundred_estimators_at_once),
		cmocka_unit_test(test_non_workload_makes_no_calls),
		cmocka_unit_test(test_general_only_and_pre_score),
		cmocka_unit_test(test_args_validated),
	};

	const struct CMUnitTest tls_tests[] = {
		cmocka_unit_test(test_mutual_tls),
		cmocka_unit_test(test_tls_without_client_cert_falls_back),
		cmocka_unit_test(test_tls_unknown_ca_falls_back),
	};
	int failed = cmocka_run_group_tests_name("estimator", tests, setup, teardown);

	return failed + cmocka_run_group_tests_name("estimator-tls", tls_tests,
						    tls_setup, tls_teardown);
}
