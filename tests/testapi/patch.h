/*
 * testapi/patch.h - JSON merge patch (RFC 7386; strategic merge patch is
 * served as a merge patch) and JSON patch (RFC 6902).
 */
#ifndef TA_PATCH_H
#define TA_PATCH_H

#include <cjson/cJSON.h>

/* apply `patch` to *target (replaced in place; patch is borrowed) */
void ta_merge_patch(cJSON **target, const cJSON *patch);
/* apply the operations; NULL on success, else a message (caller frees) and
 * *target is left unchanged */
char *ta_json_patch(cJSON **target, const cJSON *ops);

#endif
