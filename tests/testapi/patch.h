/*
 * testapi/patch.h - JSON merge patch (RFC 7386), JSON patch (RFC 6902)
 * and, for built-in kinds, strategic merge patch (smp.c).
 */
#ifndef TA_PATCH_H
#define TA_PATCH_H

#include <cjson/cJSON.h>

/* apply `patch` to *target (replaced in place; patch is borrowed) */
void ta_merge_patch(cJSON **target, const cJSON *patch);
/* apply the operations; NULL on success, else a message (caller frees) and
 * *target is left unchanged */
char *ta_json_patch(cJSON **target, const cJSON *ops);

/* strategic merge patch as kubectl apply sends it for built-in kinds:
 * lists merged by their merge key (containers, volumes, env, ports,
 * volumeMounts, imagePullSecrets, conditions, ownerReferences ...),
 * finalizers as a set, other lists replaced; the directives $patch
 * (replace, delete, merge), $retainKeys, $setElementOrder/<list> and
 * $deleteFromPrimitiveList/<list>. NULL on success, else a message
 * (caller frees) and *target unchanged. */
char *ta_strategic_merge(cJSON **target, const cJSON *patch);

#endif
