/* test_intern.c - the string table's pinned and counted entries
 * (core/util/intern.h) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/intern.h"

static void
test_counted_freed_with_last_reference(void **state)
{
	(void)state;
	struct fs_intern_refs a = FS_INTERN_REFS_INIT, b = FS_INTERN_REFS_INIT;
	fs_intern("warm-up", (size_t)-1); /* the table itself exists */
	size_t count = fs_intern_count(), bytes = fs_intern_bytes();
	const char *p = fs_intern_ref(&a, "uid-7f3a-counted", (size_t)-1);
	assert_string_equal(p, "uid-7f3a-counted");
	assert_ptr_equal(fs_intern_ref(&b, "uid-7f3a-counted-and-more", 16), p);
	assert_ptr_equal(fs_intern_lookup("uid-7f3a-counted", (size_t)-1), p);
	assert_int_equal(fs_intern_count(), count + 1);
	assert_true(fs_intern_bytes() > bytes);
	fs_intern_refs_release(&a);
	/* b still holds it */
	assert_ptr_equal(fs_intern_lookup("uid-7f3a-counted", (size_t)-1), p);
	fs_intern_refs_release(&b);
	assert_null(fs_intern_lookup("uid-7f3a-counted", (size_t)-1));
	assert_int_equal(fs_intern_count(), count);
	assert_int_equal(fs_intern_bytes(), bytes);
	assert_int_equal(a.n, 0);
	assert_null(a.v);
	fs_intern_refs_release(NULL);
	assert_null(fs_intern_ref(&a, NULL, 3));
	assert_int_equal(a.n, 0);
}

static void
test_pinned_and_counted_share_one_entry(void **state)
{
	(void)state;
	struct fs_intern_refs r = FS_INTERN_REFS_INIT;
	/* counted first, then pinned: survives the release */
	const char *p = fs_intern_ref(&r, "pin-after-ref", (size_t)-1);
	assert_ptr_equal(fs_intern("pin-after-ref", (size_t)-1), p);
	/* pinned first, then counted: the same pointer */
	const char *q = fs_intern("ref-after-pin", (size_t)-1);
	assert_ptr_equal(fs_intern_ref(&r, "ref-after-pin", (size_t)-1), q);
	fs_intern_refs_release(&r);
	assert_ptr_equal(fs_intern_lookup("pin-after-ref", (size_t)-1), p);
	assert_ptr_equal(fs_intern_lookup("ref-after-pin", (size_t)-1), q);
	/* NULL refs pins */
	const char *z = fs_intern_ref(NULL, "pinned-through-null", (size_t)-1);
	assert_ptr_equal(fs_intern_lookup("pinned-through-null", (size_t)-1), z);
}

/* deletions keep every other probe chain intact: interleave two sets
 * across rehashes, drop one, and find every string of the other */
static void
test_deletion_keeps_others_findable(void **state)
{
	(void)state;
	struct fs_intern_refs odd = FS_INTERN_REFS_INIT, even = FS_INTERN_REFS_INIT;
	enum { N = 30000 };
	static const char *ptr[N];
	char s[32];
	size_t count = fs_intern_count();
	for (int i = 0; i < N; i++) {
		snprintf(s, sizeof s, "del-%d", i);
		ptr[i] = fs_intern_ref(i % 2 ? &odd : &even, s, (size_t)-1);
	}
	assert_int_equal(fs_intern_count(), count + N);
	fs_intern_refs_release(&odd);
	assert_int_equal(fs_intern_count(), count + N / 2);
	for (int i = 0; i < N; i++) {
		snprintf(s, sizeof s, "del-%d", i);
		if (i % 2)
			assert_null(fs_intern_lookup(s, (size_t)-1));
		else
			assert_ptr_equal(fs_intern_lookup(s, (size_t)-1), ptr[i]);
	}
	/* re-adding after deletions finds the survivors, not duplicates */
	for (int i = 0; i < N; i += 2) {
		snprintf(s, sizeof s, "del-%d", i);
		assert_ptr_equal(fs_intern_ref(&even, s, (size_t)-1), ptr[i]);
	}
	fs_intern_refs_release(&even);
	assert_int_equal(fs_intern_count(), count);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counted_freed_with_last_reference),
		cmocka_unit_test(test_pinned_and_counted_share_one_entry),
		cmocka_unit_test(test_deletion_keeps_others_findable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
