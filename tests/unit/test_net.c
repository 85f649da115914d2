/*
 * test_net.c - core/net against a small HTTP/1.1 server running in a
 * thread of this process (127.0.0.1, ephemeral port), and h2c against the
 * Node gRPC test server (tests/grpc).
 *
 * Concurrency is asserted by counting, never by timing: /gate/N holds every
 * answer until N gate requests are pending at once (or 5 s passed), and
 * the server records the most it ever saw pending.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/loop_wait.h"
#include "net/net.h"
#include "net/net_internal.h"
#include "net_test_server.h"
#include "../grpc/grpc_server.h"

static int
setup(void **state)
{
	(void)state;
	for (int i = 0; i < MAXC; i++)
		srv.c[i].fd = -1;
	pthread_mutex_init(&srv.mu, NULL);
	if (pipe(srv.wake) != 0 || !(srv.port = listen_any(&srv.lfd)))
		return -1;
	return pthread_create(&srv.th, NULL, srv_main, NULL);
}

static int
teardown(void **state)
{
	(void)state;
	tl_net_reset();
	if (write(srv.wake[1], "x", 1) != 1)
		return -1;
	pthread_join(srv.th, NULL);
	for (int i = 0; i < MAXC; i++)
		if (srv.c[i].fd >= 0)
			close(srv.c[i].fd);
	close(srv.lfd);
	grpc_server_stop();
	return 0;
}

/* ------------------------------------------------------------ helpers */

struct result {
	int calls;
	enum fs_code code;
	long status;
	char body[256];
	size_t body_len;
	char hdr[128];     /* value of the header named in want_hdr */
	const char *want_hdr;
	char error[512];
};

static void
on_done(void *ud, const struct fs_http_response *r)
{
	struct result *res = ud;

	res->calls++;
	res->code = r->code;
	res->status = r->status;
	res->body_len = r->body_len;
	memset(res->body, 0, sizeof(res->body));
	memcpy(res->body, r->body, r->body_len < sizeof(res->body) - 1
				   ? r->body_len : sizeof(res->body) - 1);
	snprintf(res->error, sizeof(res->error), "%s", r->error ? r->error : "");
	for (uint32_t i = 0; res->want_hdr && i < r->n_headers; i++)
		if (strcmp(r->headers[i].key, res->want_hdr) == 0)
			snprintf(res->hdr, sizeof(res->hdr), "%s", r->headers[i].value);
}

static struct fs_http *
get(const char *path, uint32_t timeout_ms, struct result *res)
{
	char url[128];
	struct fs_http_request req = {.struct_size = sizeof(req), .url = url,
				      .timeout_ms = timeout_ms};

	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", srv.port, path);
	return fs_http_start(tl_net(), NULL, &req, on_done, res);
}

static void
wait1(struct fs_http *h, int64_t ms)
{
	fs_http_wait(tl_net(), &h, 1, fs_now_ms() + ms);
}

/* ------------------------------------------------------------ tests */

static int fired_once, fired_rep;
static struct fs_timer *rep_timer;

static void
once_cb(void *ud)
{
	(void)ud;
	fired_once++;
}

static void
rep_cb(void *ud)
{
	(void)ud;
	if (++fired_rep == 3) {
		fs_timer_stop(rep_timer); /* stopping itself from its callback */
		ev_break(tl_loop(), EVBREAK_ALL);
	}
}

static void
test_timers_fire(void **state)
{
	struct fs_timer *once = fs_timer_start(tl_loop(), NULL, 1, 0, once_cb, NULL);

	(void)state;
	rep_timer = fs_timer_start(tl_loop(), NULL, 5, 5, rep_cb, NULL);
	ev_run(tl_loop(), 0);
	assert_int_equal(fired_once, 1);
	assert_int_equal(fired_rep, 3);
	fs_timer_stop(once);
	fs_timer_stop(NULL);
}

static void
test_get_headers_and_body(void **state)
{
	struct result r = {.want_hdr = "x-test"};
	struct fs_http *h = get("/hello", 5000, &r);

	(void)state;
	assert_non_null(h);
	assert_int_equal(r.calls, 0); /* never from inside start */
	wait1(h, 5000);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.code, FS_OK);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "hello world");
	assert_string_equal(r.hdr, "yes");
}

static void
test_post_body_and_headers(void **state)
{
	char url[128];
	const char *hdrs[] = {"X-Echo: ping", "Content-Type: text/plain", NULL};
	struct fs_http_request req = {.struct_size = sizeof(req), .method = "POST",
				      .url = url, .headers = hdrs, .body = "abc\0def",
				      .body_len = 7};
	struct result r = {.want_hdr = "x-echo"};
	struct fs_http *h;

	(void)state;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/echo", srv.port);
	h = fs_http_start(tl_net(), NULL, &req, on_done, &r);
	wait1(h, 5000);
	assert_int_equal(r.code, FS_OK);
	assert_int_equal(r.status, 201);
	assert_int_equal(r.body_len, 7);
	assert_memory_equal(r.body, "abc\0def", 7);
	assert_string_equal(r.hdr, "ping");
}

static void
test_concurrent_and_reused(void **state)
{
	enum { N = 8 };
	struct result r[N] = {0};
	struct fs_http *h[N];
	struct fs_net_stats s0, s1;

	(void)state;
	for (int round = 0; round < 2; round++) {
		memset(r, 0, sizeof(r));
		srv.max_gate = 0;
		fs_net_stats(tl_net(), &s0);
		for (int i = 0; i < N; i++)
			h[i] = get("/gate/8", 10000, &r[i]);
		fs_http_wait(tl_net(), h, N, fs_now_ms() + 10000);
		fs_net_stats(tl_net(), &s1);
		for (int i = 0; i < N; i++) {
			assert_int_equal(r[i].calls, 1);
			assert_int_equal(r[i].code, FS_OK);
			assert_string_equal(r[i].body, "gate");
		}
		/* all eight were at the server at once */
		assert_int_equal(srv.max_gate, N);
		/* first round opens connections, the second reuses them all */
		if (round == 1)
			assert_int_equal(s1.connects - s0.connects, 0);
		else
			assert_in_range(s1.connects - s0.connects, 1, N);
	}
}

static void
test_timeout(void **state)
{
	struct result r = {0};
	struct fs_http *h = get("/slow", 150, &r);

	(void)state;
	wait1(h, 10000);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.code, FS_E_TIMEOUT);
	assert_non_null(strstr(r.error, "/slow"));
}

static void
test_refused(void **state)
{
	char url[64];
	struct fs_http_request req = {.struct_size = sizeof(req), .url = url};
	struct result r = {0};
	struct fs_http *h;

	(void)state;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/x", closed_port());
	h = fs_http_start(tl_net(), NULL, &req, on_done, &r);
	wait1(h, 5000);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.code, FS_E_NET);
	assert_int_equal(r.status, 0);
}

/* ABI: a request built against the 1.0 headers (struct_size ends at
 * key_file) is accepted by any 1.x host, whatever it appended since. */
static void
test_request_of_abi_1_0_size(void **state)
{
	char url[64];
	struct fs_http_request req = {
		.struct_size = (uint32_t)(offsetof(struct fs_http_request, key_file) +
					  sizeof(req.key_file)),
		.url = url};
	struct result r = {0};
	struct fs_http *h;

	(void)state;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/x", closed_port());
	h = fs_http_start(tl_net(), NULL, &req, on_done, &r);
	assert_non_null(h);
	wait1(h, 5000);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.code, FS_E_NET);
}

/* credentials in a URL never reach a message */
static void
test_userinfo_redacted(void **state)
{
	char url[96];
	struct fs_http_request req = {.struct_size = sizeof req, .url = url};
	struct result r = {0};

	(void)state;
	snprintf(url, sizeof(url), "http://admin:SECRET@127.0.0.1:%u/x", closed_port());
	struct fs_http *h = fs_http_start(tl_net(), NULL, &req, on_done, &r);
	assert_non_null(h);
	wait1(h, 5000);
	assert_int_equal(r.code, FS_E_NET);
	assert_null(strstr(r.error, "SECRET"));
	assert_non_null(strstr(r.error, "http://REDACTED@127.0.0.1:"));
	char *shown = fs_net_url_redact("https://u:p@h:6443/api?x=a@b");
	assert_string_equal(shown, "https://REDACTED@h:6443/api?x=a@b");
	free(shown);
	shown = fs_net_url_redact("https://h/api/x@y");
	assert_string_equal(shown, "https://h/api/x@y");
	free(shown);
}

static struct fs_http *to_cancel;

static void
cancel_cb(void *ud)
{
	(void)ud;
	fs_http_cancel(to_cancel);
}

static void
test_cancel_once(void **state)
{
	struct result r = {0};
	struct fs_timer *t;

	(void)state;
	to_cancel = get("/slow", 0, &r);
	t = fs_timer_start(tl_loop(), NULL, 30, 0, cancel_cb, NULL);
	wait1(to_cancel, 10000);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.code, FS_E_CANCELED);
	fs_net_cancel(tl_net(), to_cancel); /* completed: a no-op, done not called again */
	assert_int_equal(r.calls, 1);
	fs_timer_stop(t);
}

static void
test_wait_deadline_cancels(void **state)
{
	struct result r[2] = {0};
	struct fs_http *h[2];
	int64_t t0 = fs_now_ms();

	(void)state;
	h[0] = get("/slow", 0, &r[0]);
	h[1] = get("/hello", 0, &r[1]);
	fs_http_wait(tl_net(), h, 2, t0 + 200);
	assert_true(fs_now_ms() - t0 >= 200);
	assert_int_equal(r[0].calls, 1);
	assert_int_equal(r[0].code, FS_E_CANCELED);
	assert_int_equal(r[1].calls, 1);
	assert_int_equal(r[1].code, FS_OK);
}

struct stream {
	int heads, chunks_before_head;
	long head_status;
	size_t bytes, limit;
};

static size_t
st_data(void *ud, const char *p, size_t n)
{
	struct stream *s = ud;

	(void)p;
	if (!s->heads)
		s->chunks_before_head++;
	s->bytes += n;
	return s->limit && s->bytes > s->limit ? 0 : n;
}

static void
st_head(void *ud, long status, const struct fs_kv *h, uint32_t n)
{
	struct stream *s = ud;

	(void)h;
	(void)n;
	s->heads++;
	s->head_status = status;
}

static int st_done_calls;
static enum fs_code st_code;
static size_t st_body_len;

static void
st_done(void *ud, const struct fs_http_response *r)
{
	(void)ud;
	st_done_calls++;
	st_code = r->code;
	st_body_len = r->body_len;
}

static void
run_stream(struct stream *s)
{
	char url[128];
	struct fs_http_request req = {.struct_size = sizeof(req), .url = url};
	struct fs_http_ex ex = {.on_data = st_data, .on_head = st_head};
	struct fs_http *h;

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/big", srv.port);
	st_done_calls = 0;
	h = fs_http_start_ex(tl_net(), NULL, &req, &ex, st_done, s);
	wait1(h, 5000);
}

static void
test_stream(void **state)
{
	struct stream s = {0};

	(void)state;
	run_stream(&s);
	assert_int_equal(st_done_calls, 1);
	assert_int_equal(st_code, FS_OK);
	assert_int_equal(s.heads, 1);
	assert_int_equal(s.head_status, 200);
	assert_int_equal(s.chunks_before_head, 0);
	assert_int_equal(s.bytes, 100000);
	assert_int_equal(st_body_len, 0); /* streamed, not buffered */
}

static void
test_stream_abort(void **state)
{
	struct stream s = {.limit = 10};

	(void)state;
	run_stream(&s);
	assert_int_equal(st_done_calls, 1);
	assert_int_equal(st_code, FS_E_CANCELED);
	assert_true(s.bytes < 100000);
}

static void
test_api_server_and_token(void **state)
{
	char base[64];
	struct fs_http_ex auth = {.bearer_token = "sekret"};
	struct fs_http_request req = {.struct_size = sizeof(req), .url = "auth",
				      .flags = FS_HTTP_API_SERVER};
	struct result r = {0};
	struct fs_http *h;

	(void)state;
	snprintf(base, sizeof(base), "http://127.0.0.1:%u/", srv.port);
	fs_http_set_api_server(tl_net(), base, &auth);
	h = fs_http_start(tl_net(), NULL, &req, on_done, &r);
	wait1(h, 5000);
	assert_int_equal(r.code, FS_OK);
	assert_string_equal(r.body, "Bearer sekret");
	fs_http_set_api_server(tl_net(), NULL, NULL);
	assert_null(fs_http_start(tl_net(), NULL, &req, on_done, &r)); /* no server: refused */
	assert_int_equal(r.calls, 1);
}

static void
test_invalid_requests(void **state)
{
	const char *bad[] = {"X-A: 1\r\nX-Injected: 2", NULL};
	struct fs_http_request req = {.struct_size = sizeof(req),
				      .url = "http://127.0.0.1:1/", .headers = bad};
	struct fs_http_request small = {.struct_size = 4, .url = "http://127.0.0.1:1/"};
	struct result r = {0};

	(void)state;
	assert_null(fs_http_start(tl_net(), NULL, &req, on_done, &r));
	assert_null(fs_http_start(tl_net(), NULL, &small, on_done, &r));
	assert_null(fs_http_start(tl_net(), NULL, NULL, on_done, &r));
	assert_int_equal(r.calls, 0);
}

struct probe_res {
	int calls;
	enum fs_code code;
};

static void
probe_cb(void *ud, enum fs_code code, const char *error, uint32_t ms)
{
	struct probe_res *p = ud;

	(void)error;
	(void)ms;
	p->calls++;
	p->code = code;
	ev_break(tl_loop(), EVBREAK_ALL);
}

static void
test_tcp_probe(void **state)
{
	struct probe_res ok = {0}, named = {0}, refused = {0};

	(void)state;
	assert_non_null(fs_tcp_probe(tl_net(), NULL, "127.0.0.1", srv.port, 2000, probe_cb, &ok));
	ev_run(tl_loop(), 0);
	/* a name goes through curl's resolver, off the loop */
	assert_non_null(fs_tcp_probe(tl_net(), NULL, "localhost", srv.port, 2000, probe_cb, &named));
	ev_run(tl_loop(), 0);
	assert_non_null(fs_tcp_probe(tl_net(), NULL, "127.0.0.1", closed_port(), 2000, probe_cb, &refused));
	ev_run(tl_loop(), 0);
	assert_int_equal(ok.calls, 1);
	assert_int_equal(ok.code, FS_OK);
	assert_int_equal(named.calls, 1);
	assert_int_equal(named.code, FS_OK);
	assert_int_equal(refused.calls, 1);
	assert_int_equal(refused.code, FS_E_NET);
	assert_null(fs_tcp_probe(tl_net(), NULL, "bad/host", 80, 100, probe_cb, &ok));
}

/* h2c against the Node gRPC server: ten calls, one connection, trailers */
static void
test_h2c_multiplexed_with_trailers(void **state)
{
	enum { N = 10 };
	const char *hdrs[] = {"content-type: application/grpc", "te: trailers", NULL};
	/* MaxAvailableReplicasRequest{cluster: "member1"} in a gRPC frame */
	static const char body[] = "\0\0\0\0\x09\x0a\x07member1";
	char url[160];
	struct fs_http_request req = {.struct_size = sizeof(req), .method = "POST",
				      .url = url, .headers = hdrs, .body = body,
				      .body_len = sizeof(body) - 1, .timeout_ms = 5000,
				      .flags = FS_HTTP_H2_PRIOR_KNOWLEDGE};
	struct result r[N];
	struct fs_http *h[N];
	struct fs_net_stats s0, s1;
	int port = grpc_server_start("{\"member1\":{\"answer\":42}}");

	(void)state;
	if (port <= 0)
		skip();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/github.com.karmada_io."
		 "karmada.pkg.estimator.service.Estimator/MaxAvailableReplicas", port);
	for (int round = 0; round < 2; round++) {
	fs_net_stats(tl_net(), &s0);
	for (int i = 0; i < N; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].want_hdr = "grpc-status";
		h[i] = fs_http_start(tl_net(), NULL, &req, on_done, &r[i]);
	}
	fs_http_wait(tl_net(), h, N, fs_now_ms() + 10000);
	fs_net_stats(tl_net(), &s1);
	for (int i = 0; i < N; i++) {
		if (r[i].code != FS_OK)
			print_error("request %d: %s\n", i, r[i].error);
		assert_int_equal(r[i].code, FS_OK);
		assert_int_equal(r[i].status, 200);
		assert_string_equal(r[i].hdr, "0"); /* a trailer, after the body */
		/* frame: flag 0, length 2, field 1 varint 42 */
		assert_int_equal(r[i].body_len, 7);
		assert_memory_equal(r[i].body, "\0\0\0\0\x02\x08\x2a", 7);
	}
	/* one connection for all ten, kept for the next round */
	assert_int_equal(s1.connects - s0.connects, round == 0 ? 1 : 0);
	}
}

/* the estimator restarts: its h2c connection is gone; the next call must
 * still get through (h2c.c, curl < 7.89) */
static void
test_h2c_server_restart(void **state)
{
	const char *hdrs[] = {"content-type: application/grpc", "te: trailers", NULL};
	static const char body[] = "\0\0\0\0\x09\x0a\x07member1";
	const char *cfg = "{\"member1\":{\"answer\":42}}";
	char url[160];
	struct fs_http_request req = {.struct_size = sizeof(req), .method = "POST",
				      .url = url, .headers = hdrs, .body = body,
				      .body_len = sizeof(body) - 1, .timeout_ms = 5000,
				      .flags = FS_HTTP_H2_PRIOR_KNOWLEDGE};
	int port = grpc_server_start(cfg);

	(void)state;
	if (port <= 0)
		skip();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/github.com.karmada_io."
		 "karmada.pkg.estimator.service.Estimator/MaxAvailableReplicas", port);
	for (int round = 0; round < 3; round++) {
		struct result r = {.want_hdr = "grpc-status"};
		struct fs_http *h;

		if (round == 2) { /* a new server process on the same port */
			grpc_server_stop();
			assert_int_equal(grpc_server_spawn_port(cfg, NULL, NULL, port), port);
		}
		h = fs_http_start(tl_net(), NULL, &req, on_done, &r);
		wait1(h, 10000);
		if (r.code != FS_OK)
			print_error("round %d: %s\n", round, r.error);
		assert_int_equal(r.code, FS_OK);
		assert_string_equal(r.hdr, "0");
	}
}

/* an h2c call that misses the wait deadline leaves its connection to be
 * closed: the next call opens a new one instead of trusting it */
static void
test_h2c_deadline_drops_connection(void **state)
{
	const char *hdrs[] = {"content-type: application/grpc", "te: trailers", NULL};
	static const char slow[] = "\0\0\0\0\x06\x0a\x04" "slow";
	static const char fast[] = "\0\0\0\0\x06\x0a\x04" "fast";
	char url[160];
	struct fs_http_request req = {.struct_size = sizeof(req), .method = "POST",
				      .url = url, .headers = hdrs,
				      .flags = FS_HTTP_H2_PRIOR_KNOWLEDGE};
	struct result r[3];
	struct fs_http *h;
	struct fs_net_stats s0, s1;
	int port = grpc_server_start("{\"slow\":{\"sleepMs\":10000},\"fast\":{\"answer\":1}}");

	(void)state;
	if (port <= 0)
		skip();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/github.com.karmada_io."
		 "karmada.pkg.estimator.service.Estimator/MaxAvailableReplicas", port);
	memset(r, 0, sizeof(r));
	for (int i = 0; i < 3; i++) {
		req.body = i == 1 ? slow : fast;
		req.body_len = sizeof(fast) - 1;
		fs_net_stats(tl_net(), &s0);
		h = fs_http_start(tl_net(), NULL, &req, on_done, &r[i]);
		fs_http_wait(tl_net(), &h, 1, fs_now_ms() + (i == 1 ? 300 : 10000));
		fs_net_stats(tl_net(), &s1);
		/* 0: opens; 1: reuses, misses the deadline; 2: opens again */
		assert_int_equal(s1.connects - s0.connects, i == 1 ? 0 : 1);
	}
	assert_int_equal(r[0].code, FS_OK);
	assert_int_equal(r[1].code, FS_E_CANCELED);
	assert_int_equal(r[2].code, FS_OK);
}

/* the live-request set against a plain array, through growth and
 * backward-shift deletions (liveset.c) */
static void
test_liveset(void **state)
{
	enum { N = 3000 };
	static char mem[N]; /* distinct addresses to stand for requests */
	static bool in[N];
	uint32_t x = 12345;

	(void)state;
	for (int i = 0; i < N; i++) {
		fs_liveset_add(tl_net(), (const struct fs_http *)&mem[i]);
		in[i] = true;
	}
	for (int round = 0; round < 4 * N; round++) {
		int i;

		x = x * 1103515245u + 12345u; /* a fixed pseudo-random walk */
		i = (int)((x >> 8) % N);
		if (in[i])
			fs_liveset_del(tl_net(), (const struct fs_http *)&mem[i]);
		else
			fs_liveset_add(tl_net(), (const struct fs_http *)&mem[i]);
		in[i] = !in[i];
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(fs_liveset_has(tl_net(), (const struct fs_http *)&mem[i]), in[i]);
	for (int i = 0; i < N; i++)
		if (in[i])
			fs_liveset_del(tl_net(), (const struct fs_http *)&mem[i]);
	for (int i = 0; i < N; i++)
		assert_false(fs_liveset_has(tl_net(), (const struct fs_http *)&mem[i]));
	assert_false(fs_liveset_has(tl_net(), NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_fire),
		cmocka_unit_test(test_get_headers_and_body),
		cmocka_unit_test(test_post_body_and_headers),
		cmocka_unit_test(test_concurrent_and_reused),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_cancel_once),
		cmocka_unit_test(test_wait_deadline_cancels),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_stream_abort),
		cmocka_unit_test(test_api_server_and_token),
		cmocka_unit_test(test_invalid_requests),
		cmocka_unit_test(test_tcp_probe),
		cmocka_unit_test(test_h2c_multiplexed_with_trailers),
		cmocka_unit_test(test_h2c_server_restart),
		cmocka_unit_test(test_h2c_deadline_drops_connection),
		cmocka_unit_test(test_request_of_abi_1_0_size),
		cmocka_unit_test(test_userinfo_redacted),
		cmocka_unit_test(test_liveset),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
