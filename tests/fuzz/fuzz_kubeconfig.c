/*
 * fuzz_kubeconfig - the kubeconfig loader (and the YAML reader under it)
 * on hostile text: it must answer with a config or an error, never crash
 * or leak. Relative file references are resolved under a directory that
 * does not exist, so the fuzzer cannot read the machine's files. Needs
 * core/kube/{config,yaml}.c and core/util/{buf,log}.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kube/config.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet) {
		fs_log_set_fd(-1); /* the insecure warning would flood the output */
		quiet = 1;
	}
	struct fs_kube_config *c = NULL;
	char *err = NULL;
	if (fs_kube_config_parse((const char *)data, size,
				 "/nonexistent-fuzz-dir/kubeconfig", NULL, &c,
				 &err) == FS_OK)
		fs_kube_config_free(c);
	free(err);
	return 0;
}
