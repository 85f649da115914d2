/*
 * tests/chaos/chaos.c - the helper's entry point:
 *
 *   chaos load URL SEED OPS SECONDS OUT.json
 *   chaos pending URL
 *   chaos check URL DIR T_LAST_MS FAULTED-CLUSTERS
 *   chaos simcmp DIR SIM.json FAULTED-CLUSTERS
 *   chaos render-export URL DIR MAX
 *   chaos render-compare DIR N FAULTED-CLUSTERS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chaos.h"

const char *
ch_meta(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	if (!strcmp(cmd, "load") && argc == 7)
		return ch_load(argv[2], strtoull(argv[3], NULL, 10),
			       (unsigned)strtoul(argv[4], NULL, 10), strtod(argv[5], NULL), argv[6]);
	if (!strcmp(cmd, "pending") && argc == 3)
		return ch_pending(argv[2]);
	if (!strcmp(cmd, "check") && argc == 6)
		return ch_check(argv[2], argv[3], strtoll(argv[4], NULL, 10), argv[5]);
	if (!strcmp(cmd, "simcmp") && argc == 5)
		return ch_simcmp(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "render-export") && argc == 5)
		return ch_render_export(argv[2], argv[3], (unsigned)strtoul(argv[4], NULL, 10));
	if (!strcmp(cmd, "render-compare") && argc == 5)
		return ch_render_compare(argv[2], (unsigned)strtoul(argv[3], NULL, 10), argv[4]);
	fprintf(stderr, "chaos: unknown command or wrong arguments: '%s' with %d argument(s)\n"
			"usage: chaos load URL SEED OPS SECONDS OUT | pending URL |\n"
			"       check URL DIR T_LAST_MS FAULTED | simcmp DIR SIM.json FAULTED |\n"
			"       render-export URL DIR MAX | render-compare DIR N FAULTED\n", cmd, argc - 2);
	return 2;
}
