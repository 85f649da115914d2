/*
 * test_webster.c - Webster (Sainte-Lagüe) division: Karmada's golden
 * cases (reference §2.5, 1-6) and the UID tie-breaker both ways.
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

#define MAXP 64

/* run Webster and return seats in input order, plus the parties' name
 * order (Karmada's output order) */
static void
run(uint32_t seats, const int64_t *votes, const int64_t *init,
    const char *const *names, uint32_t n, const char *uid, int64_t *out,
    uint32_t *order)
{
	uint64_t scratch[4 * MAXP];
	uint32_t tmp[MAXP];
	assert_true(n <= MAXP);
	assert_true(fs_webster_scratch_size(n) <= sizeof(scratch));
	fs_webster(seats, votes, init, names, n, uid, scratch, out);
	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	fs_webster_sort_by_name(names, order, n, tmp);
}

static void
expect(const int64_t *got, const int64_t *want, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
}

static const char *const abc[] = {"A", "B", "C"};

/* golden 1: scale-up from initial seats A1 B2 C3, weights 1:2:3 */
static void
test_golden1_init_plus6(void **st)
{
	(void)st;
	int64_t v[] = {1, 2, 3}, init[] = {1, 2, 3}, out[3], want[] = {2, 4, 6};
	uint32_t order[3];
	run(6, v, init, abc, 3, "", out, order);
	expect(out, want, 3);
}

static void
test_golden1_init_plus3(void **st)
{
	(void)st;
	int64_t v[] = {1, 2, 3}, init[] = {1, 2, 3}, out[3], want[] = {2, 3, 4};
	uint32_t order[3];
	run(3, v, init, abc, 3, "", out, order);
	expect(out, want, 3);
}

static void
test_golden1_init_plus2(void **st)
{
	(void)st;
	int64_t v[] = {1, 2, 3}, init[] = {1, 2, 3}, out[3], want[] = {1, 3, 4};
	uint32_t order[3];
	run(2, v, init, abc, 3, "", out, order);
	expect(out, want, 3);
}

/* golden 2: HA example, weights A2:B1 */
static void
test_golden2_ha(void **st)
{
	(void)st;
	int64_t v[] = {2, 1}, out[2];
	uint32_t order[2];
	int64_t w1[] = {1, 0}, w2[] = {1, 1}, w3[] = {2, 1};
	run(1, v, NULL, abc, 2, "", out, order);
	expect(out, w1, 2);
	run(2, v, NULL, abc, 2, "", out, order);
	expect(out, w2, 2);
	run(3, v, NULL, abc, 2, "", out, order);
	expect(out, w3, 2);
}

/* golden 3: weights A170:B110:C60 */
static void
test_golden3_170_110_60(void **st)
{
	(void)st;
	int64_t v[] = {170, 110, 60}, out[3];
	uint32_t order[3];
	int64_t w5[] = {2, 2, 1}, w6[] = {3, 2, 1};
	run(5, v, NULL, abc, 3, "", out, order);
	expect(out, w5, 3);
	run(6, v, NULL, abc, 3, "", out, order);
	expect(out, w6, 3);
}

/* golden 6: equal priority, fewer seats wins */
static void
test_golden6_equal_priority_fewer_seats(void **st)
{
	(void)st;
	int64_t v[] = {3, 1}, init[] = {1, 0}, out[2], want[] = {1, 1};
	uint32_t order[2];
	run(1, v, init, abc, 2, "", out, order);
	expect(out, want, 2);
}

/* equal votes and seats: the name decides, by UID parity */
static void
test_tie_uid_empty_ascending(void **st)
{
	(void)st;
	int64_t v[] = {1, 1, 1}, out[3], want[] = {1, 1, 0};
	uint32_t order[3];
	run(2, v, NULL, abc, 3, NULL, out, order);
	expect(out, want, 3);
	run(2, v, NULL, abc, 3, "", out, order);
	expect(out, want, 3);
}

static void
test_tie_uid_even_ascending(void **st)
{
	(void)st;
	/* FNV-1a("uid-b") is even */
	assert_false(fs_webster_uid_descending("uid-b"));
	int64_t v[] = {1, 1, 1}, out[3], want[] = {0, 1, 0};
	uint32_t order[3];
	const char *const names[] = {"m2", "m1", "m3"};
	run(1, v, NULL, names, 3, "uid-b", out, order);
	expect(out, want, 3);
	/* output order is by name: m1, m2, m3 */
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 0);
	assert_int_equal(order[2], 2);
}

static void
test_tie_uid_odd_descending(void **st)
{
	(void)st;
	/* FNV-1a("uid-a") is odd: the last name wins ties */
	assert_true(fs_webster_uid_descending("uid-a"));
	int64_t v[] = {1, 1, 1}, out[3], want[] = {0, 1, 1};
	uint32_t order[3];
	run(2, v, NULL, abc, 3, "uid-a", out, order);
	expect(out, want, 3);
}

/* name order output, and stability of > 12 equal-weight parties */
static void
test_many_equal_weights_stable(void **st)
{
	(void)st;
	enum { N = 20 };
	char buf[N][16];
	const char *names[N];
	int64_t v[N], out[N];
	uint32_t order[N];
	for (int i = 0; i < N; i++) {
		/* inserted in reverse name order */
		snprintf(buf[i], sizeof(buf[i]), "c%02d", N - 1 - i);
		names[i] = buf[i];
		v[i] = 5;
	}
	run(25, v, NULL, names, N, "", out, order);
	/* every party gets 1, then the 5 smallest names get a second */
	for (int i = 0; i < N; i++)
		assert_int_equal(out[i], (N - 1 - i) < 5 ? 2 : 1);
	for (int k = 0; k < N; k++)
		assert_int_equal(order[k], N - 1 - k);
}

/* names sharing a 16-byte prefix still order by strcmp */
static void
test_long_shared_prefix_names(void **st)
{
	(void)st;
	const char *const names[] = {"cluster-eu-west-1-b", "cluster-eu-west-1-a",
				     "cluster-eu-west-1"};
	int64_t v[] = {1, 1, 1}, out[3], want[] = {0, 0, 1};
	uint32_t order[3];
	run(1, v, NULL, names, 3, "", out, order);
	expect(out, want, 3); /* the shortest sorts first */
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 1);
	assert_int_equal(order[2], 0);
	int64_t want_desc[] = {1, 0, 0};
	run(1, v, NULL, names, 3, "uid-a", out, order);
	expect(out, want_desc, 3);
}

/* exact comparison: huge votes whose float ratios would collide */
static void
test_exact_large_votes(void **st)
{
	(void)st;
	/* 2^62+1 vs 2^62: one more vote must win even though the doubles
	 * are equal; the tie-breaker would pick A. */
	int64_t v[] = {INT64_C(4611686018427387904), INT64_C(4611686018427387905)};
	int64_t out[2], want[] = {0, 1};
	uint32_t order[2];
	run(1, v, NULL, abc, 2, "", out, order);
	expect(out, want, 2);
}

static void
test_zero_votes_and_empty(void **st)
{
	(void)st;
	int64_t v[] = {0, 0}, out[2] = {7, 7}, want[] = {1, 1};
	uint32_t order[2];
	run(2, v, NULL, abc, 2, "", out, order);
	expect(out, want, 2);
	run(0, v, NULL, abc, 0, "", out, order); /* no parties: no-op */
	/* negative votes count as zero */
	int64_t neg[] = {-5, 1}, w2[] = {0, 1};
	run(1, neg, NULL, abc, 2, "", out, order);
	expect(out, w2, 2);
}

/* house monotonicity: more seats never take one away */
static void
test_house_monotone(void **st)
{
	(void)st;
	int64_t v[] = {7, 3, 11, 1, 5}, prev[5] = {0}, out[5];
	uint32_t order[5];
	const char *const names[] = {"a", "b", "c", "d", "e"};
	for (uint32_t s = 0; s < 60; s++) {
		run(s, v, NULL, names, 5, "uid-a", out, order);
		int64_t sum = 0;
		for (int i = 0; i < 5; i++) {
			assert_true(out[i] >= prev[i]);
			sum += out[i];
			prev[i] = out[i];
		}
		assert_int_equal(sum, s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden1_init_plus6),
		cmocka_unit_test(test_golden1_init_plus3),
		cmocka_unit_test(test_golden1_init_plus2),
		cmocka_unit_test(test_golden2_ha),
		cmocka_unit_test(test_golden3_170_110_60),
		cmocka_unit_test(test_golden6_equal_priority_fewer_seats),
		cmocka_unit_test(test_tie_uid_empty_ascending),
		cmocka_unit_test(test_tie_uid_even_ascending),
		cmocka_unit_test(test_tie_uid_odd_descending),
		cmocka_unit_test(test_many_equal_weights_stable),
		cmocka_unit_test(test_long_shared_prefix_names),
		cmocka_unit_test(test_exact_large_votes),
		cmocka_unit_test(test_zero_votes_and_empty),
		cmocka_unit_test(test_house_monotone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
