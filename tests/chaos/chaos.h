/*
 * tests/chaos/chaos.h - the chaos campaign's helper (`chaos`, built by
 * run-chaos.sh with cc, libcurl and cJSON): the load driver (chaos_load.c)
 * and the checker (chaos_check.c). See run-chaos.sh and docs/reliability.md.
 */
#ifndef CHAOS_H
#define CHAOS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* metadata.<key> of obj as a string, NULL when absent (borrowed) */
const char *ch_meta(const cJSON *obj, const char *key);

/* chaos load: see chaos_load.c; 0 on success */
int ch_load(const char *url, uint64_t seed, unsigned nops, double secs, const char *out);
/* chaos pending URL: prints "PENDING TOTAL" of the ResourceBindings */
int ch_pending(const char *url);
/* chaos check URL DIR T_LAST_MS FAULTED: replays the write log, dumps the
 * final objects in DIR for `fedstate simulate`, prints the figures as
 * JSON; T_LAST_MS: the last fault (unix ms), FAULTED: the clusters the
 * schedule changed, one per line */
int ch_check(const char *url, const char *dir, long long t_last_ms, const char *faulted);
/* chaos simcmp DIR SIM.json FAULTED: final spec.clusters against simulate */
int ch_simcmp(const char *dir, const char *sim, const char *faulted);
/* chaos render-export URL DIR MAX / render-compare DIR N: live children
 * against the offline render (chaos_render.c) */
int ch_render_export(const char *url, const char *dir, unsigned max);
int ch_render_compare(const char *dir, unsigned n, const char *faulted);

#endif
