/* test_model_quantity.c - Kubernetes quantities (core/model/quantity.h) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/quantity.h"

struct qcase {
	const char *text;
	const char *resource;
	enum fs_code rc;
	int64_t want; /* only when rc == FS_OK */
};

static const struct qcase cases[] = {
	/* the brief's cases */
	{"950m", "cpu", FS_OK, 950},
	{"2Gi", "memory", FS_OK, 2147483648},
	{"1e3", "memory", FS_OK, 1000},
	{"1e3", "cpu", FS_OK, 1000000},
	{"206291924Ki", "ephemeral-storage", FS_OK, 211242930176},
	{"9223372036854775807", "memory", FS_OK, INT64_MAX},
	{"9223372036854775807", "cpu", FS_E_RANGE, 0},
	{"100m", "memory", FS_OK, 1},
	{"1.5", "cpu", FS_OK, 1500},
	{"-1", "memory", FS_OK, -1},
	{"", "cpu", FS_E_PARSE, 0},
	{"1Gib", "memory", FS_E_PARSE, 0},
	{"1e400", "memory", FS_E_RANGE, 0},
	/* plain numbers and every suffix */
	{"0", "cpu", FS_OK, 0},
	{"4", "cpu", FS_OK, 4000},
	{"110", "pods", FS_OK, 110},
	{"12", NULL, FS_OK, 12},
	{"1k", "memory", FS_OK, 1000},
	{"1M", "memory", FS_OK, 1000000},
	{"1G", "memory", FS_OK, 1000000000},
	{"1T", "memory", FS_OK, 1000000000000},
	{"1P", "memory", FS_OK, 1000000000000000},
	{"1E", "memory", FS_OK, 1000000000000000000},
	{"8E", "memory", FS_OK, 8000000000000000000},
	{"10E", "memory", FS_E_RANGE, 0},
	{"1Ki", "memory", FS_OK, 1024},
	{"64Mi", "memory", FS_OK, 67108864},
	{"1Ti", "memory", FS_OK, 1099511627776},
	{"1Pi", "memory", FS_OK, 1125899906842624},
	{"1Ei", "memory", FS_OK, 1152921504606846976},
	{"8Ei", "memory", FS_E_RANGE, 0},
	{"16265856Ki", "memory", FS_OK, 16656236544},
	{"500u", "cpu", FS_OK, 1},   /* 0.5m rounds up */
	{"1n", "cpu", FS_OK, 1},
	{"1000000n", "cpu", FS_OK, 1},
	{"2000000n", "cpu", FS_OK, 2},
	{"2000001n", "cpu", FS_OK, 3},
	/* fractions */
	{"0.5", "cpu", FS_OK, 500},
	{".5", "cpu", FS_OK, 500},
	{"5.", "cpu", FS_OK, 5000},
	{"0.1", "cpu", FS_OK, 100},
	{"0.0001", "cpu", FS_OK, 1},
	{"1.5Gi", "memory", FS_OK, 1610612736},
	{"0.5Ki", "memory", FS_OK, 512},
	{"0.3Ki", "memory", FS_OK, 308}, /* 307.2 rounds up */
	{"1.0000000000000000000000000001", "cpu", FS_OK, 1001},
	{"12345678901234567890123e-20", "memory", FS_OK, 124},
	{"0.00000000000000000000000000000000000000000001", "cpu", FS_OK, 1},
	/* exponents and signs */
	{"1E3", "memory", FS_OK, 1000},
	{"1e+3", "memory", FS_OK, 1000},
	{"15e-1", "memory", FS_OK, 2},
	{"1e-400", "memory", FS_OK, 1},
	{"0e400", "memory", FS_OK, 0},
	{"+5", "memory", FS_OK, 5},
	{"-100m", "memory", FS_OK, -1}, /* away from zero */
	{"-1.5", "cpu", FS_OK, -1500},
	{"-9223372036854775808", "memory", FS_OK, INT64_MIN},
	{"-9223372036854775809", "memory", FS_E_RANGE, 0},
	{"9223372036854775808", "memory", FS_E_RANGE, 0},
	{"99999999999999999999999", "memory", FS_E_RANGE, 0},
	{"007", "memory", FS_OK, 7},
	/* malformed */
	{"Gi", "memory", FS_E_PARSE, 0},
	{".", "cpu", FS_E_PARSE, 0},
	{"-", "cpu", FS_E_PARSE, 0},
	{"1.2.3", "cpu", FS_E_PARSE, 0},
	{"1 Gi", "memory", FS_E_PARSE, 0},
	{" 1", "memory", FS_E_PARSE, 0},
	{"1ki", "memory", FS_E_PARSE, 0},
	{"1e", "memory", FS_E_PARSE, 0},
	{"1e+", "memory", FS_E_PARSE, 0},
	{"1e3m", "memory", FS_E_PARSE, 0},
	{"1mm", "cpu", FS_E_PARSE, 0},
	{"0x10", "memory", FS_E_PARSE, 0},
	{"--1", "memory", FS_E_PARSE, 0},
};

static void
test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct qcase *c = &cases[i];
		int64_t v = 12345;
		enum fs_code rc = fs_quantity_parse(c->text, c->resource, &v);
		if (rc != c->rc || (rc == FS_OK && v != c->want))
			fail_msg("quantity \"%s\" (%s): got rc %d value %lld, want "
				 "rc %d value %lld",
				 c->text, c->resource ? c->resource : "-", rc,
				 (long long)v, c->rc, (long long)c->want);
	}
}

static void
test_errors_leave_output(void **state)
{
	(void)state;
	int64_t v = 77;
	assert_int_equal(fs_quantity_parse("x", "cpu", &v), FS_E_PARSE);
	assert_int_equal(v, 77);
	assert_int_equal(fs_quantity_parse(NULL, "cpu", &v), FS_E_PARSE);
	assert_int_equal(v, 77);
}

static void
test_length_bounded(void **state)
{
	(void)state;
	int64_t v = 0;
	/* not NUL-terminated: only the first 3 bytes count */
	assert_int_equal(fs_quantity_parse_n("2Gi-garbage", 3, "memory", &v), FS_OK);
	assert_int_equal(v, 2147483648);
	char big[420];
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(fs_quantity_parse(big, "memory", &v), FS_E_RANGE);
	/* 0.111...1 with 400 digits rounds up to 1; 1.000...0001 to 2 */
	big[0] = '0';
	big[1] = '.';
	assert_int_equal(fs_quantity_parse(big, "memory", &v), FS_OK);
	assert_int_equal(v, 1);
	memset(big, '0', sizeof big - 1);
	big[0] = '1';
	big[1] = '.';
	big[sizeof big - 2] = '1';
	assert_int_equal(fs_quantity_parse(big, "memory", &v), FS_OK);
	assert_int_equal(v, 2);
	/* 400 significant digits scaled down stay exact in the integer part */
	memset(big, '1', sizeof big - 1);
	strcpy(big + 400, "e-397");
	assert_int_equal(fs_quantity_parse(big, "memory", &v), FS_OK);
	assert_int_equal(v, 112);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_errors_leave_output),
		cmocka_unit_test(test_length_bounded),
	};
	return cmocka_run_group_tests_name("model_quantity", tests, NULL, NULL);
}
