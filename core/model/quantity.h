/*
 * model/quantity.h - Kubernetes resource quantities ("950m", "2Gi", "1e3")
 * parsed exactly into the canonical unit of a resource (fedstate/types.h):
 * milli-units for "cpu", whole units for everything else.
 *
 * Grammar (k8s.io/apimachinery resource.Quantity):
 *   [+-] ( digits | digits "." [digits] | "." digits ) suffix
 *   suffix: "" | n u m k M G T P E | Ki Mi Gi Ti Pi Ei | (e|E) [+-] digits
 * Values that are not whole in the canonical unit round away from zero,
 * like Karmada's Value()/MilliValue(): "100m" memory -> 1, "0.5m" cpu -> 1.
 * Arithmetic is exact (integers, never floating point).
 *
 * Thread-safe; no allocation.
 */
#ifndef FS_MODEL_QUANTITY_H
#define FS_MODEL_QUANTITY_H

#include <stddef.h>
#include <stdint.h>

#include <fedstate/status.h>

/* `s` is NUL-terminated; `resource` (may be NULL: whole units) need not be
 * interned. Returns FS_OK, FS_E_PARSE for a malformed quantity (out is
 * untouched) or FS_E_RANGE when the result does not fit int64. */
enum fs_code fs_quantity_parse(const char *s, const char *resource,
			       int64_t *out);

/* The same for a quantity of `len` bytes (need not be NUL-terminated). */
enum fs_code fs_quantity_parse_n(const char *s, size_t len,
				 const char *resource, int64_t *out);

#endif
