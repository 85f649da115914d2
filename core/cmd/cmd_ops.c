/*
 * cmd/cmd_ops.c - `fedstate ops`: the online operations controller
 * (core/opsd) in the daemon shell (core/daemon).
 *
 *   fedstate ops --config config/ops.yaml [--kubeconfig F] [--context C]
 *       [--plugin-dir DIR] [--concurrent-syncs N] [--resync-period DURATION]
 *       [daemon flags]
 *
 * Exit codes: 0 drained (SIGTERM), 1 lost the Lease or could not start,
 * 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "daemon/daemon.h"
#include "opsd/opsd.h"
#include "plugin/loader.h"
#include "runtime/runtime.h"
#include "util/buf.h"

int
fs_cmd_ops(int argc, char **argv)
{
	struct fs_daemon_flags flags;
	fs_daemon_flags_init(&flags, "fedstate-ops");
	int workers = 4;
	double resync = 0;
	char *plugin_dir = NULL;
	char *poison_dir = NULL;
	const struct fs_flag extra[] = {
		{"plugin-dir", FS_FLAG_STRING, &plugin_dir, "DIR",
		 "an absolute plugin directory searched before the config's pluginDirs"},
		{"poison-dir", FS_FLAG_STRING, &poison_dir, "DIR",
		 "a directory that outlives the process (an emptyDir): an object whose plugin "
		 "call crashed the last process is skipped until its spec changes or an hour passes"},
		{"concurrent-syncs", FS_FLAG_INT, &workers, "N",
		 "federated objects reconciled at once", 1, 256, NULL},
		{"resync-period", FS_FLAG_DURATION, &resync, "DURATION",
		 "reconcile every object again after this even without a change (0: never)",
		 0, 0, NULL},
		{NULL},
	};
	struct fs_buf err = FS_BUF_INIT;
	int rc = 2;
	if (fs_daemon_flags_parse(&flags, extra, argc, argv, &err) != FS_OK) {
		fprintf(stderr, "fedstate ops: %s\n"
			"  hint: fedstate ops --help lists the flags\n", err.data);
		goto out;
	}
	if (flags.help) {
		struct fs_buf h = FS_BUF_INIT;
		fs_daemon_flags_help(&flags, extra, "ops", &h);
		fputs(h.data, stdout);
		fs_buf_release(&h);
		rc = 0;
		goto out;
	}
	struct fs_daemon d;
	rc = 1;
	if (fs_daemon_init(&d, &flags, "fedstate-ops", &err) != FS_OK) {
		fprintf(stderr, "fedstate ops: %s\n", err.data);
		goto out;
	}
	fs_registry_add_env_dirs(fs_runtime_registry(d.rt)); /* FEDSTATE_PLUGIN_PATH */
	struct fs_opsd_opts oo = {.workers = (uint32_t)workers,
				  .resync_ms = (uint32_t)(resync * 1000),
				  .plugin_dir = plugin_dir,
				  .poison_dir = poison_dir && *poison_dir ? poison_dir : NULL};
	struct fs_opsd *o = fs_opsd_new(&d, flags.config, &oo, &err);
	if (!o) {
		fprintf(stderr, "fedstate ops: %s\n", err.data);
		fs_daemon_release(&d);
		goto out;
	}
	rc = fs_daemon_run(&d, fs_opsd_hooks(), o);
	fs_opsd_free(o);
	fs_daemon_release(&d);
out:
	fs_buf_release(&err);
	free(plugin_dir);
	free(poison_dir);
	fs_daemon_flags_release(&flags);
	return rc;
}
