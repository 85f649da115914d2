/*
 * fuzz_annotation.c - the schedulerResult annotation decoder
 * (model/schedresult.h): any bytes give either a placement array of valid
 * entries or an error message, never a crash or a leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/schedresult.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	cJSON *p = NULL;
	if (fs_schedresult_parse("fuzz", (const char *)data, size, &p, err,
				 sizeof err) == FS_OK) {
		const cJSON *e;
		cJSON_ArrayForEach(e, p)
		{
			/* what the decoder promises about every entry */
			if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "cluster")) ||
			    !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(e, "replicas")) ||
			    !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(e, "arbiter")))
				abort();
		}
		cJSON_Delete(p);
	} else if (p || !err[0]) {
		abort(); /* a failure always says why and returns nothing */
	}
	/* the same text as the object's annotation */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	cJSON *obj = cJSON_CreateObject();
	cJSON *ann = cJSON_AddObjectToObject(cJSON_AddObjectToObject(obj, "metadata"),
					     "annotations");
	cJSON_AddStringToObject(ann, FS_ANNOTATION_SCHEDULER_RESULT, text);
	if (fs_schedresult_of(obj, &p, err, sizeof err) == FS_OK)
		cJSON_Delete(p);
	cJSON_Delete(obj);
	free(text);
	return 0;
}
