/*
 * testapi/ferr.h - field errors as the real API server words them
 * (apimachinery's field.ErrorList) and the 422 Invalid Status they make:
 * message `Kind.group "name" is invalid: <path>: <body>` (several in
 * brackets, comma-separated), details.causes [{reason, message, field}].
 */
#ifndef TA_FERR_H
#define TA_FERR_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "store.h"

struct ta_ferr {
	char *field;        /* "spec.members" (owned) */
	const char *reason; /* "FieldValueInvalid", "FieldValueRequired", ... */
	char *body;         /* "Invalid value: 1: ..." without the field (owned) */
};

struct ta_ferrs {
	struct ta_ferr *v;
	size_t n;
};

/* body is printf-formatted; an identical (field, body) is kept once */
void ta_ferrs_add(struct ta_ferrs *f, const char *field, const char *reason,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* "Invalid value: <v>" rendering of a JSON value: strings quoted, numbers
 * plain, objects and arrays as compact JSON (into buf) */
const char *ta_ferr_value(const cJSON *v, char *buf, size_t n);
void ta_ferrs_release(struct ta_ferrs *f);
/* 422 Invalid into e for `kind` of `group` named `name` */
void ta_ferrs_to_err(const struct ta_ferrs *f, const char *group,
		     const char *kind, const char *name, struct ta_err *e);

#endif
