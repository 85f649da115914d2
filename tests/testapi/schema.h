/*
 * testapi/schema.h - the structural schema of a CRD version applied to a
 * custom resource as the real server does on create and update:
 * defaults first, then pruning of fields the schema does not declare,
 * then validation (type, nullable, x-kubernetes-int-or-string, enum,
 * required, minimum/maximum and their exclusive forms, multipleOf,
 * minLength/maxLength, pattern, minItems/maxItems, minProperties/
 * maxProperties, items, properties, additionalProperties,
 * x-kubernetes-preserve-unknown-fields, x-kubernetes-embedded-resource).
 * Not done: CEL rules (x-kubernetes-validations), formats, list-type
 * uniqueness.
 */
#ifndef TA_SCHEMA_H
#define TA_SCHEMA_H

#include <cjson/cJSON.h>

#include "ferr.h"

/* schema: openAPIV3Schema (borrowed); obj is changed in place (defaults,
 * pruning). Validation errors go to errs; each pruned field's path goes
 * to unknown (may be NULL) with reason "FieldValueUnknown". metadata,
 * apiVersion and kind at the root are left alone. */
void ta_schema_apply(const cJSON *schema, cJSON *obj, struct ta_ferrs *errs,
		     struct ta_ferrs *unknown);

#endif
