/*
 * testapi/crd.h - CustomResourceDefinitions (apiextensions.k8s.io/v1):
 * the checks the real server makes on a CRD, its status (Established,
 * NamesAccepted, acceptedNames, storedVersions), and turning it into a
 * served resource type at once; a deleted CRD takes its objects with it.
 * Versions are ordered as Kubernetes orders them (GA > beta > alpha,
 * higher first), so discovery prefers v1alpha2 over v1alpha1.
 */
#ifndef TA_CRD_H
#define TA_CRD_H

#include <cjson/cJSON.h>

#include "ferr.h"
#include "store.h"

/* <0 when a sorts before b (has the higher priority) */
int ta_version_cmp(const char *a, const char *b);
/* the real server's checks of a v1 CRD; false with the errors in f */
bool ta_crd_validate(const cJSON *crd, struct ta_ferrs *f);
/* set status as the CRD controllers would once the names are accepted */
void ta_crd_set_status(cJSON *crd);
/* serve crd (borrowed; copied): a new resource type, or the live one of
 * the same group/plural updated in place (its objects kept). The
 * resource, or NULL when its plural is taken by a built-in. */
struct ta_resource *ta_crd_install(struct ta_store *s, const cJSON *crd);
/* the live resource served by crd (borrowed), NULL when none */
struct ta_resource *ta_crd_resource(struct ta_store *s, const cJSON *crd);
/* spec.versions[] entry for version, NULL when absent (borrowed) */
const cJSON *ta_crd_version(const struct ta_resource *r, const char *version);
/* openAPIV3Schema of version, NULL when none (borrowed) */
const cJSON *ta_crd_schema(const struct ta_resource *r, const char *version);

#endif
