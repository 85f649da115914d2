/*
 * test_cycle_limits.c - the scheduling cycle's cost is set by the input's
 * size, never by a value (issue 15): Webster with replicas 2147483647
 * gives the exact answer in a bounded number of one-seat steps, and the
 * bulk phase gives the same seats as one-at-a-time on random inputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sched/webster.h"

#define MAXP 16

static const char *const NAMES[MAXP] = {
	"a", "b", "c", "d", "e", "f", "g", "h",
	"i", "j", "k", "l", "m", "n", "o", "p",
};

/* 2147483647 seats, equal votes: every party gets floor or ceil of
 * seats/n, the extra seat by the tie-breaker (ascending names, no UID);
 * the one-at-a-time loop ran 2^31 steps (28 s), now at most n */
static void
test_webster_huge_equal(void **state)
{
	(void)state;
	uint64_t scratch[4 * MAXP];
	int64_t votes[3] = {1, 1, 1}, out[3];
	uint32_t steps = fs_webster(2147483647u, votes, NULL, NAMES, 3, NULL,
				    scratch, out);
	assert_int_equal(out[0], 715827883);
	assert_int_equal(out[1], 715827882);
	assert_int_equal(out[2], 715827882);
	assert_true(steps <= 3);
}

/* 2147483647 seats by weights 1:2:4 with init seats: 7 parts of
 * 306783378 plus 1 left over; the init seats count in the share */
static void
test_webster_huge_weighted(void **state)
{
	(void)state;
	uint64_t scratch[4 * MAXP];
	int64_t votes[3] = {1, 2, 4}, init[3] = {0, 0, 0}, out[3];
	uint32_t steps = fs_webster(2147483647u, votes, init, NAMES, 3, NULL,
				    scratch, out);
	assert_int_equal(out[0] + out[1] + out[2], 2147483647);
	assert_int_equal(out[0], 306783378);
	assert_int_equal(out[1], 613566756);
	assert_int_equal(out[2], 1227133513);
	assert_true(steps <= 3 * 2);

	int64_t big[2] = {INT64_MAX, 1}, out2[2];
	steps = fs_webster(2147483647u, big, NULL, NAMES, 2, "uid-1", scratch,
			   out2);
	assert_int_equal(out2[0], 2147483647);
	assert_int_equal(out2[1], 0);
	assert_true(steps <= 2 * 2);
}

/* random votes, init seats (aliased to the output) and UIDs: bulk and
 * one-at-a-time agree seat for seat */
static void
test_webster_bulk_equals_stepwise(void **state)
{
	(void)state;
	uint64_t s1[4 * MAXP], s2[4 * MAXP];
	srand(15);
	for (int round = 0; round < 3000; round++) {
		uint32_t n = 1 + (uint32_t)rand() % MAXP;
		uint32_t seats = (uint32_t)rand() % 5000;
		int64_t votes[MAXP], init[MAXP], a[MAXP], b[MAXP];
		int scale = rand() % 4;
		for (uint32_t i = 0; i < n; i++) {
			votes[i] = scale == 0 ? rand() % 4
				 : scale == 1 ? rand() % 1000
				 : scale == 2 ? (int64_t)rand() * rand()
					      : INT64_MAX - rand() % 3;
			init[i] = rand() % 3 == 0 ? rand() % 200 : 0;
			a[i] = init[i];
		}
		const char *uid = round % 2 ? "7c1f" : "uid-x";
		fs_webster(seats, votes, a, NAMES, n, uid, s1, a);
		fs_webster_stepwise(seats, votes, init, NAMES, n, uid, s2, b);
		for (uint32_t i = 0; i < n; i++)
			assert_int_equal(a[i], b[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_webster_huge_equal),
		cmocka_unit_test(test_webster_huge_weighted),
		cmocka_unit_test(test_webster_bulk_equals_stepwise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
