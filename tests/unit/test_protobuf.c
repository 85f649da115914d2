/*
 * test_protobuf.c - the estimator plugin's protobuf codec and gRPC wire
 * helpers (plugins/estimator/pb.c, wire.c), compiled into this test.
 *
 * The golden bytes of ReplicaRequirements were produced by protobufjs from
 * tests/grpc/estimator.proto (an independent encoder), for the same
 * message with map keys in the same order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../plugins/estimator/pb.c"
#include "../../plugins/estimator/wire.c"

static size_t
unhex(const char *hex, uint8_t *out)
{
	size_t n = 0;

	for (; hex[0] && hex[1]; hex += 2)
		out[n++] = (uint8_t)(hexval(hex[0]) << 4 | hexval(hex[1]));
	return n;
}

static void
test_varint_roundtrip(void **state)
{
	static const uint64_t vals[] = {0, 1, 127, 128, 300, 16383, 16384,
					UINT32_MAX, (uint64_t)1 << 63, UINT64_MAX};
	struct pb_buf b;
	struct pb_reader r;
	struct pb_field f;
	const char *err = NULL;

	(void)state;
	pb_init(&b, realloc);
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		pb_put_uint(&b, (uint32_t)i + 1, vals[i]);
	assert_false(b.failed);
	pb_reader_init(&r, b.data, b.len);
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		assert_int_equal(pb_next(&r, &f, &err), 1);
		assert_int_equal(f.number, i + 1);
		assert_int_equal(f.wire, PB_VARINT);
		assert_true(f.varint == vals[i]);
	}
	assert_int_equal(pb_next(&r, &f, &err), 0);
	assert_int_equal(pb_varint_size(127), 1);
	assert_int_equal(pb_varint_size(128), 2);
	assert_int_equal(pb_varint_size(UINT64_MAX), 10);
	pb_release(&b, free);
}

static void
test_negative_int32_takes_ten_bytes(void **state)
{
	struct pb_buf b;
	int32_t max = 0;
	char err[200];
	uint8_t frame[32] = {0};

	(void)state;
	pb_init(&b, realloc);
	pb_put_int32(&b, 1, -1);
	assert_int_equal(b.len, 11); /* tag + 10 bytes */
	memcpy(frame + 5, b.data, b.len);
	frame[4] = (uint8_t)b.len;
	assert_int_equal(est_decode_response(frame, 5 + b.len, &max, err, sizeof(err)), FS_OK);
	assert_int_equal(max, -1);
	pb_release(&b, free);
}

static void
test_nested_length_over_127(void **state)
{
	struct pb_buf b;
	struct pb_reader r, inner;
	struct pb_field f;
	const char *err = NULL;
	char big[200];
	size_t m;

	(void)state;
	memset(big, 'q', sizeof(big));
	pb_init(&b, realloc);
	m = pb_begin(&b, 7);
	pb_put_bytes(&b, 1, big, sizeof(big));
	pb_put_uint(&b, 2, 9);
	pb_end(&b, m);
	pb_put_string(&b, 3, "after");
	pb_reader_init(&r, b.data, b.len);
	assert_int_equal(pb_next(&r, &f, &err), 1);
	assert_int_equal(f.number, 7);
	assert_int_equal(f.len, 2 + 1 + sizeof(big) + 2); /* 2-byte length */
	pb_reader_init(&inner, f.data, f.len);
	assert_int_equal(pb_next(&inner, &f, &err), 1);
	assert_int_equal(f.len, sizeof(big));
	assert_memory_equal(f.data, big, sizeof(big));
	assert_int_equal(pb_next(&inner, &f, &err), 1);
	assert_int_equal(f.varint, 9);
	assert_int_equal(pb_next(&inner, &f, &err), 0);
	assert_int_equal(pb_next(&r, &f, &err), 1);
	assert_int_equal(f.len, 5);
	assert_memory_equal(f.data, "after", 5);
	pb_release(&b, free);
}

static void
test_reader_skips_unknown_wire_types(void **state)
{
	/* field 2 fixed64, field 3 fixed32, field 4 group {field 1 varint,
	 * nested group 5 {}}, field 6 bytes "hi", then field 1 varint 5 */
	uint8_t msg[64];
	size_t n = unhex("11" "0102030405060708" "1d" "aabbccdd"
			 "23" "0801" "2b" "2c" "24" "3202" "6869" "0805", msg);
	struct pb_reader r;
	struct pb_field f;
	const char *err = NULL;
	int seen = 0;

	(void)state;
	pb_reader_init(&r, msg, n);
	while (pb_next(&r, &f, &err) == 1) {
		seen++;
		if (f.number == 2)
			assert_true(f.varint == 0x0807060504030201ULL);
		if (f.number == 3)
			assert_true(f.varint == 0xddccbbaaULL);
		assert_int_not_equal(f.number, 4); /* groups are skipped whole */
		if (f.number == 1)
			assert_int_equal(f.varint, 5);
	}
	assert_null(err);
	assert_int_equal(seen, 4);
}

static void
expect_malformed(const char *hex, const char *why)
{
	uint8_t msg[64];
	size_t n = unhex(hex, msg);
	struct pb_reader r;
	struct pb_field f;
	const char *err = NULL;
	int rc;

	pb_reader_init(&r, msg, n);
	while ((rc = pb_next(&r, &f, &err)) == 1)
		;
	if (rc != -1 || !err || !strstr(err, why))
		fail_msg("%s: expected \"%s\", got rc %d \"%s\"", hex, why, rc,
			 err ? err : "");
}

static void
test_reader_rejects_malformed(void **state)
{
	(void)state;
	expect_malformed("08", "truncated varint");
	expect_malformed("088080808080808080808001", "overflows 64 bits");
	expect_malformed("08ffffffffffffffffff7f", "overflows 64 bits");
	expect_malformed("0a05616263", "past the end");
	expect_malformed("0affffffff0f", "past the end");
	expect_malformed("11010203", "past the end");
	expect_malformed("0e", "invalid wire type");
	expect_malformed("0f", "invalid wire type");
	expect_malformed("0001", "invalid field number");
	expect_malformed("0c", "end of group without a start");
	expect_malformed("0b0801", "unterminated group");
	expect_malformed("0b14", "mismatched end of group");
	/* 40 nested groups */
	expect_malformed("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
			 "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "too deeply");
}

static void
test_requirements_match_protobufjs(void **state)
{
	static const char *cpu = "cpu";
	struct fs_resource req[] = {{"memory", 1073741824}, {cpu, 250}};
	struct fs_kv sel[] = {{"zone", "a"}};
	struct fs_binding b = {.struct_size = sizeof(b), .replicas = 3,
			       .requests = req, .n_requests = 2,
			       .has_requirements = true, .node_selector = sel,
			       .n_node_selector = 1, .namespace_req = "default",
			       .priority_class = "high"};
	uint8_t want[256], wantreq[256];
	size_t n = unhex("0a0b12090a047a6f6e65120161120d0a0363707512060a043235306d"
			 "12160a066d656d6f7279120c0a0a313037333734313832341a0764"
			 "656661756c742204686967682a0d0a0363707512060a043235306d"
			 "2a160a066d656d6f7279120c0a0a31303733373431383234", want);
	size_t nreq = unhex("0a076d656d62657231126a", wantreq);
	struct pb_buf rr, frame;

	(void)state;
	pb_init(&rr, realloc);
	pb_init(&frame, realloc);
	est_encode_requirements(&rr, &b, cpu);
	assert_int_equal(rr.len, n);
	assert_memory_equal(rr.data, want, n);
	est_encode_request(&frame, "member1", rr.data, rr.len);
	assert_int_equal(frame.len, 5 + nreq + n);
	assert_memory_equal(frame.data, "\0\0\0\0\x75", 5); /* 117 bytes */
	assert_memory_equal(frame.data + 5, wantreq, nreq);
	assert_memory_equal(frame.data + 5 + nreq, want, n);
	pb_release(&rr, free);
	pb_release(&frame, free);
}

static void
test_empty_requirements_still_sent(void **state)
{
	struct fs_binding b = {.struct_size = sizeof(b), .replicas = 2};
	struct pb_buf rr, frame;

	(void)state;
	pb_init(&rr, realloc);
	pb_init(&frame, realloc);
	est_encode_requirements(&rr, &b, "cpu");
	assert_int_equal(rr.len, 0);
	est_encode_request(&frame, "m", rr.data, rr.len);
	/* cluster "m" then an empty replicaRequirements */
	assert_int_equal(frame.len, 5 + 3 + 2);
	assert_memory_equal(frame.data, "\0\0\0\0\x05\x0a\x01m\x12\x00", 10);
	pb_release(&rr, free);
	pb_release(&frame, free);
}

static void
test_too_many_resources_refused(void **state)
{
	static struct fs_resource req[EST_MAX_RESOURCES + 1];
	struct fs_binding b = {.struct_size = sizeof(b), .replicas = 1,
			       .requests = req, .n_requests = EST_MAX_RESOURCES + 1};
	struct pb_buf rr;

	(void)state;
	for (int i = 0; i <= EST_MAX_RESOURCES; i++)
		req[i] = (struct fs_resource){"example.com/r", 1};
	pb_init(&rr, realloc);
	assert_false(est_encode_requirements(&rr, &b, "cpu"));
	assert_int_equal(rr.len, 0);
	b.n_requests = EST_MAX_RESOURCES;
	assert_true(est_encode_requirements(&rr, &b, "cpu"));
	pb_release(&rr, free);
}

static void
test_quantity_text(void **state)
{
	char q[32];

	(void)state;
	assert_string_equal(est_quantity(q, sizeof(q), 250, true), "250m");
	assert_string_equal(est_quantity(q, sizeof(q), 2000, true), "2");
	assert_string_equal(est_quantity(q, sizeof(q), 0, true), "0");
	assert_string_equal(est_quantity(q, sizeof(q), 1500, false), "1500");
}

static void
test_decode_response(void **state)
{
	uint8_t m[64];
	int32_t max = -7;
	char err[200];
	size_t n;

	(void)state;
	n = unhex("0000000002082a", m);
	assert_int_equal(est_decode_response(m, n, &max, err, sizeof(err)), FS_OK);
	assert_int_equal(max, 42);
	/* unknown fields around it are skipped */
	n = unhex("000000000a" "1a0278781005" "0807" "2001", m);
	assert_int_equal(est_decode_response(m, n, &max, err, sizeof(err)), FS_OK);
	assert_int_equal(max, 7);
	/* absent: proto3 default 0 */
	n = unhex("0000000000", m);
	assert_int_equal(est_decode_response(m, n, &max, err, sizeof(err)), FS_OK);
	assert_int_equal(max, 0);
	n = unhex("0100000002082a", m);
	assert_int_equal(est_decode_response(m, n, &max, err, sizeof(err)), FS_E_PROTO);
	assert_non_null(strstr(err, "compressed"));
	n = unhex("0000000009082a", m);
	assert_int_equal(est_decode_response(m, n, &max, err, sizeof(err)), FS_E_PROTO);
	assert_non_null(strstr(err, "frame says 9 bytes, got 2"));
	n = unhex("00000000030a012a", m);
	assert_int_equal(est_decode_response(m, n, &max, err, sizeof(err)), FS_E_PROTO);
	assert_non_null(strstr(err, "maxReplicas: expected a varint"));
	n = unhex("000000000108", m);
	assert_int_equal(est_decode_response(m, n, &max, err, sizeof(err)), FS_E_PROTO);
	assert_non_null(strstr(err, "truncated varint"));
	assert_int_equal(est_decode_response(m, 3, &max, err, sizeof(err)), FS_E_PROTO);
}

static void
test_grpc_status_and_message(void **state)
{
	struct fs_kv h[] = {{"content-type", "application/grpc"},
			    {"grpc-status", "14"},
			    {"grpc-message", "estimator%20down%3A%2050%25%zz%"}};
	struct fs_kv ok[] = {{"grpc-status", "0"}};
	struct fs_kv bad[] = {{"grpc-status", "x1"}};
	char msg[64], small[6];

	(void)state;
	assert_int_equal(est_grpc_status(h, 3, msg, sizeof(msg)), 14);
	assert_string_equal(msg, "estimator down: 50%%zz%");
	assert_string_equal(est_grpc_code_name(14), "UNAVAILABLE");
	assert_string_equal(est_grpc_code_name(99), "UNKNOWN_CODE");
	assert_int_equal(est_grpc_status(ok, 1, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	assert_int_equal(est_grpc_status(bad, 1, msg, sizeof(msg)), -1);
	assert_int_equal(est_grpc_status(h, 1, msg, sizeof(msg)), -1);
	assert_int_equal(est_percent_decode("abc%41defgh", small, sizeof(small)), 5);
	assert_string_equal(small, "abcAd");
}

static void
test_estimator_url(void **state)
{
	char u[256];
	volatile size_t tiny = 16; /* not known at compile time: no warning */

	(void)state;
	assert_true(est_format_url(u, sizeof(u), false, NULL,
				   "karmada-scheduler-estimator", "member1",
				   "karmada-system", 10352));
	assert_string_equal(u, "http://karmada-scheduler-estimator-member1.karmada-system"
			       ".svc:10352/github.com.karmada_io.karmada.pkg.estimator."
			       "service.Estimator/MaxAvailableReplicas");
	assert_true(est_format_url(u, sizeof(u), true, "[fd00::5]:443", "p", "m",
				   "ns", 1));
	assert_string_equal(u, "https://[fd00::5]:443" EST_METHOD_PATH);
	assert_false(est_format_url(u, tiny, false, "h:1", "p", "m", "n", 1));
}

static void *
failing_realloc(void *p, size_t n)
{
	(void)p;
	(void)n;
	return NULL;
}

static void
test_writer_out_of_memory(void **state)
{
	struct pb_buf b;

	(void)state;
	pb_init(&b, failing_realloc);
	pb_put_string(&b, 1, "x");
	assert_true(b.failed);
	assert_int_equal(b.len, 0);
	pb_reset(&b);
	assert_false(b.failed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varint_roundtrip),
		cmocka_unit_test(test_negative_int32_takes_ten_bytes),
		cmocka_unit_test(test_nested_length_over_127),
		cmocka_unit_test(test_reader_skips_unknown_wire_types),
		cmocka_unit_test(test_reader_rejects_malformed),
		cmocka_unit_test(test_requirements_match_protobufjs),
		cmocka_unit_test(test_empty_requirements_still_sent),
		cmocka_unit_test(test_too_many_resources_refused),
		cmocka_unit_test(test_quantity_text),
		cmocka_unit_test(test_decode_response),
		cmocka_unit_test(test_grpc_status_and_message),
		cmocka_unit_test(test_estimator_url),
		cmocka_unit_test(test_writer_out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
