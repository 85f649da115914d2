/* fuzz_config - bytes -> the scheduler config reader (no plugin is loaded):
 * any input gives FS_OK with a config or an error with diagnostics, never a
 * crash, a leak or a diagnostic without a message */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sched/config.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_config *cfg = NULL;
	enum fs_code rc = fs_config_load_mem("fuzz.yaml", (const char *)data, size, &cfg, &d);
	if ((rc == FS_OK) != (cfg != NULL))
		abort();
	if (rc != FS_OK && d.n == 0)
		abort(); /* every failure must say why */
	for (size_t i = 0; i < d.n; i++) {
		char *line = fs_diag_format(&d.items[i]);
		if (!line || !d.items[i].msg || !d.items[i].msg[0])
			abort();
		free(line);
	}
	for (uint32_t i = 0; cfg && i < cfg->n_profiles; i++)
		if (!cfg->profiles[i].scheduler_name)
			abort();
	fs_config_free(cfg);
	fs_diags_release(&d);
	return 0;
}
