/*
 * crd_schema.h - a small checker for CRD structural schemas
 * (openAPIV3Schema), enough for tests to say that objects and samples are
 * what the API server would accept:
 *
 *   struct fs_buf errs = FS_BUF_INIT;
 *   cJSON *copy = cJSON_Duplicate(obj, 1);
 *   int n = cs_admit(schema, copy, &errs);   // copy now has its defaults
 *
 * What it does, in the API server's order: drops null values of fields
 * that are not nullable, applies `default`s (a defaulted object gets its
 * own nested defaults too), then validates type, x-kubernetes-int-or-string,
 * enum, required, minimum/maximum, minLength, pattern (POSIX ERE, which
 * the quantity pattern needs), properties, additionalProperties and items.
 * Unknown fields are errors (kubectl's strict field validation) except
 * under x-kubernetes-preserve-unknown-fields and in `metadata`.
 * Not evaluated: x-kubernetes-validations (CEL), format.
 *
 * Messages are "path: what is wrong (got ..., expected ...)\n" lines.
 */
#ifndef FS_TEST_CRD_SCHEMA_H
#define FS_TEST_CRD_SCHEMA_H

#include <cjson/cJSON.h>

#include "util/buf.h"

/* Defaults and validates `obj` (changed in place) against `schema`, both
 * borrowed; appends one line per problem to errs; returns the count. */
int cs_admit(const cJSON *schema, cJSON *obj, struct fs_buf *errs);
/* Checks that `schema` is structural: every node has a type (or is
 * int-or-string / preserves unknown fields), and every default and enum
 * value is valid under its own node. Returns the problem count. */
int cs_structural(const cJSON *schema, struct fs_buf *errs);
/* the openAPIV3Schema of `version` in a CRD (borrowed), NULL when none */
const cJSON *cs_version_schema(const cJSON *crd, const char *version);

#endif
