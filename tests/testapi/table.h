/*
 * testapi/table.h - the meta.k8s.io/v1 Table format (Accept:
 * application/json;as=Table;g=meta.k8s.io;v=v1), which is what makes
 * `kubectl get` print columns: Name first, then a CRD version's
 * additionalPrinterColumns (Age when it has none) or a built-in's usual
 * columns; date columns are rendered as ages ("5m3s") by the server, as
 * the real one does. Rows carry the object as PartialObjectMetadata
 * (includeObject=Metadata, the default), whole (Object) or not (None).
 */
#ifndef TA_TABLE_H
#define TA_TABLE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "store.h"

/* true when accept asks for as=Table (kubectl get) */
bool ta_table_wanted(const char *accept);
/* an empty Table with the columns of r at version (caller frees) */
cJSON *ta_table_new(const struct ta_resource *r, const char *version);
/* append obj as a row; include: "Object", "None" or anything else for
 * PartialObjectMetadata (borrowed) */
void ta_table_add_row(cJSON *table, const struct ta_resource *r,
		      const char *version, const cJSON *obj, const char *include);
/* the value at a printer-column JSONPath (".status.phase",
 * ".spec.items[0].name", ".status.conditions[?(@.type==\"Ready\")].status");
 * NULL when absent (borrowed) */
const cJSON *ta_jsonpath(const cJSON *obj, const char *path);

#endif
