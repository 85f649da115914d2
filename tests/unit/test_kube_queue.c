/*
 * test_kube_queue - the work queue: de-duplication, the processing state
 * (a key is never handed out twice at once), per-key exponential backoff
 * with a cap, forget, and delayed adds (driven by the loop).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <ev.h>

#include "lib/loop_wait.h"
#include "kube/queue.h"
#include "net/net.h"

static int ready_calls;
static void
on_ready(void *ud)
{
	(void)ud;
	ready_calls++;
}

static void
test_dedup_and_order(void **state)
{
	(void)state;
	ready_calls = 0;
	struct fs_kube_queue_opts o = {.on_ready = on_ready};
	struct fs_kube_queue *q = fs_kube_queue_new(tl_loop(), &o);
	fs_kube_queue_add(q, "ns/a");
	fs_kube_queue_add(q, "ns/b");
	fs_kube_queue_add(q, "ns/a"); /* already waiting */
	assert_int_equal(fs_kube_queue_len(q), 2);
	assert_int_equal(ready_calls, 1); /* only when it became non-empty */
	assert_string_equal(fs_kube_queue_get(q), "ns/a");
	assert_string_equal(fs_kube_queue_get(q), "ns/b");
	assert_null(fs_kube_queue_get(q));
	fs_kube_queue_done(q, "ns/a");
	fs_kube_queue_done(q, "ns/b");
	fs_kube_queue_free(q);
}

static void
test_processing_is_exclusive(void **state)
{
	(void)state;
	struct fs_kube_queue *q = fs_kube_queue_new(tl_loop(), NULL);
	fs_kube_queue_add(q, "k");
	const char *k = fs_kube_queue_get(q);
	assert_string_equal(k, "k");
	assert_true(fs_kube_queue_processing(q, "k"));
	/* added twice while a worker has it: not handed out meanwhile */
	fs_kube_queue_add(q, "k");
	fs_kube_queue_add(q, "k");
	assert_int_equal(fs_kube_queue_len(q), 0);
	assert_null(fs_kube_queue_get(q));
	/* back exactly once when the worker is done */
	fs_kube_queue_done(q, "k");
	assert_int_equal(fs_kube_queue_len(q), 1);
	assert_string_equal(fs_kube_queue_get(q), "k");
	fs_kube_queue_done(q, "k");
	assert_int_equal(fs_kube_queue_len(q), 0);
	assert_false(fs_kube_queue_processing(q, "k"));
	fs_kube_queue_free(q);
}

/* Karmada's order: priority first, then the order keys became ready */
static void
test_priority_then_arrival(void **state)
{
	(void)state;
	struct fs_kube_queue *q = fs_kube_queue_new(tl_loop(), NULL);
	fs_kube_queue_add(q, "a");                  /* 0 */
	fs_kube_queue_add_priority(q, "b", 5);
	fs_kube_queue_add_priority(q, "c", 0);
	fs_kube_queue_add_priority(q, "d", 5);
	fs_kube_queue_add_priority(q, "e", 9);
	fs_kube_queue_add_priority(q, "b", 5);      /* waiting: stays put */
	fs_kube_queue_add_priority(q, "c", 7);      /* raised while waiting */
	const char *want[] = {"e", "c", "b", "d", "a"};
	for (size_t i = 0; i < 5; i++) {
		const char *k = fs_kube_queue_get(q);
		assert_non_null(k);
		assert_string_equal(k, want[i]);
		fs_kube_queue_done(q, want[i]);
	}
	assert_null(fs_kube_queue_get(q));
	fs_kube_queue_free(q);
}

static void
test_backoff_doubles_and_caps(void **state)
{
	(void)state;
	struct fs_kube_queue_opts o = {.base_delay_ms = 10, .max_delay_ms = 70};
	struct fs_kube_queue *q = fs_kube_queue_new(tl_loop(), &o);
	uint32_t want[] = {10, 20, 40, 70, 70};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(fs_kube_queue_add_rate_limited(q, "x"), want[i]);
		assert_int_equal(fs_kube_queue_failures(q, "x"), i + 1);
	}
	/* one delayed entry however often it failed */
	assert_int_equal(fs_kube_queue_waiting(q), 1);
	fs_kube_queue_forget(q, "x");
	assert_int_equal(fs_kube_queue_failures(q, "x"), 0);
	/* other keys keep their own count */
	fs_kube_queue_add_rate_limited(q, "y");
	assert_int_equal(fs_kube_queue_add_rate_limited(q, "y"), 20);
	fs_kube_queue_free(q); /* frees pending timers */
}

static void
test_delayed_add_fires(void **state)
{
	(void)state;
	struct fs_kube_queue *q = fs_kube_queue_new(tl_loop(), NULL);
	fs_kube_queue_add_after(q, "later", 20);
	assert_int_equal(fs_kube_queue_len(q), 0);
	assert_int_equal(fs_kube_queue_waiting(q), 1);
	int64_t deadline = fs_now_ms() + 10000; /* hang guard */
	while (!fs_kube_queue_len(q) && fs_now_ms() < deadline)
		ev_run(tl_loop(), EVRUN_ONCE);
	assert_int_equal(fs_kube_queue_len(q), 1);
	assert_int_equal(fs_kube_queue_waiting(q), 0);
	/* an immediate add replaces a pending delayed one */
	fs_kube_queue_add_after(q, "other", 100000);
	fs_kube_queue_add(q, "other");
	assert_int_equal(fs_kube_queue_waiting(q), 0);
	assert_int_equal(fs_kube_queue_len(q), 2);
	fs_kube_queue_free(q);
}

static void
test_many_keys(void **state)
{
	(void)state;
	struct fs_kube_queue *q = fs_kube_queue_new(tl_loop(), NULL);
	char key[32];
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 5000; i++) {
			snprintf(key, sizeof(key), "ns/obj-%d", i);
			fs_kube_queue_add(q, key); /* the second round: all dups */
		}
	}
	assert_int_equal(fs_kube_queue_len(q), 5000);
	for (int i = 0; i < 5000; i++) {
		const char *k = fs_kube_queue_get(q);
		snprintf(key, sizeof(key), "ns/obj-%d", i);
		assert_string_equal(k, key); /* first in, first out */
		fs_kube_queue_done(q, key);
	}
	assert_null(fs_kube_queue_get(q));
	fs_kube_queue_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dedup_and_order),
		cmocka_unit_test(test_processing_is_exclusive),
		cmocka_unit_test(test_priority_then_arrival),
		cmocka_unit_test(test_backoff_doubles_and_caps),
		cmocka_unit_test(test_delayed_add_fires),
		cmocka_unit_test(test_many_keys),
	};
	return cmocka_run_group_tests_name("kube_queue", tests, NULL, NULL);
}
