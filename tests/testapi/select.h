/*
 * testapi/select.h - label selectors (equality and set-based: a=b, a==b,
 * a!=b, a in (x,y), a notin (x), a, !a) and field selectors (a.b=c,
 * a.b==c, a.b!=c over any field path) for list and watch.
 */
#ifndef TA_SELECT_H
#define TA_SELECT_H

#include <stdbool.h>

#include <cjson/cJSON.h>

struct ta_selector;

/* NULL or "" gives a selector that matches everything. NULL return with
 * *err (caller frees) on a malformed selector. */
struct ta_selector *ta_selector_parse(const char *text, bool field, char **err);
bool ta_selector_matches(const struct ta_selector *sel, const cJSON *obj);
void ta_selector_free(struct ta_selector *sel);

#endif
