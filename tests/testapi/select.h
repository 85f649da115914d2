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
/* the first field label of a field selector that resource r cannot
 * select on (only metadata.name, metadata.namespace - not for
 * cluster-scoped custom resources - and r->field_labels), NULL when all
 * are supported (borrowed) */
struct ta_resource;
const char *ta_selector_unsupported(const struct ta_selector *sel,
				    const struct ta_resource *r);
/* a field selector: add the requirement key=value (sel may be NULL) */
struct ta_selector *ta_selector_add_eq(struct ta_selector *sel, const char *key,
				       const char *value);

#endif
