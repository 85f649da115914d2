/*
 * async.h - what the "fixture-async" plugin (async.c) records for
 * test_runtime.c: the test owns the record and passes its address in the
 * plugin's args ({"record": <address>}), so it outlives the instance and
 * shows what ran after fini.
 */
#ifndef FS_TEST_ASYNC_H
#define FS_TEST_ASYNC_H

#include <stdbool.h>
#include <stdint.h>

struct async_record {
	/* set by the test */
	char url[128];          /* requests go here */
	int requests;           /* started in pre_filter, then waited for */
	int background;         /* started in init (outside any cycle) */
	int wait_ms;            /* http_wait deadline from now */
	int timer_ms;           /* a repeating timer from init; 0: none */
	void (*in_cycle)(void *ud); /* called in pre_filter before the wait */
	void *ud;
	/* set by the plugin */
	int timer_fires, done_calls, done_canceled, started;
	int after_fini;         /* callbacks that ran after fini: must stay 0 */
	bool finied;
	uint32_t count_before, count_after;
	uint64_t gen_before, gen_after;
};

#endif
