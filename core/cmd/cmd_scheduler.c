/*
 * cmd/cmd_scheduler.c - `fedstate scheduler`: the online scheduler daemon
 * (core/scheduler) in the daemon shell (core/daemon). Thin: flags, then
 * the controller. docs/scheduler.md is the guide.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "cmd/plugin_dirs.h"
#include "daemon/daemon.h"
#include "runtime/runtime.h"
#include "scheduler/scheduler.h"
#include "util/buf.h"

int
fs_cmd_scheduler(int argc, char **argv)
{
	struct fs_daemon_flags flags;
	struct fs_buf err = FS_BUF_INIT;
	char *plugin_dir = NULL;
	char *poison_dir = NULL;
	bool protect = true;
	int rc = 2;
	const struct fs_flag extra[] = {
		{"plugin-dir", FS_FLAG_STRING, &plugin_dir, "DIR",
		 "An absolute plugin directory searched before the config's pluginDirs."},
		{"poison-dir", FS_FLAG_STRING, &poison_dir, "DIR",
		 "A directory that outlives the process (an emptyDir): an object whose plugin "
		 "call crashed the last process is skipped until its spec changes or an hour passes."},
		{"overcommit-protection", FS_FLAG_BOOL, &protect, NULL,
		 "Subtract placements written but not yet in a cluster's summary from its "
		 "free capacity (docs/scheduler.md)."},
		{NULL},
	};

	fs_daemon_flags_init(&flags, "fedstate-scheduler");
	if (fs_daemon_flags_parse(&flags, extra, argc, argv, &err) != FS_OK) {
		fprintf(stderr, "fedstate scheduler: %s\n"
			"  hint: fedstate scheduler --help lists the flags\n", err.data);
		goto out;
	}
	if (flags.help) {
		fs_buf_reset(&err);
		fs_daemon_flags_help(&flags, extra, "scheduler", &err);
		fputs(err.data, stdout);
		rc = 0;
		goto out;
	}
	struct fs_daemon d;
	fs_buf_reset(&err);
	if (fs_daemon_init(&d, &flags, "fedstate-scheduler", &err) != FS_OK) {
		fprintf(stderr, "fedstate scheduler: %s\n", err.data);
		rc = 1;
		goto out;
	}
	fs_registry_add_env_dirs(fs_runtime_registry(d.rt));
	struct fs_schedctl *ctl = NULL;
	struct fs_schedctl_opts so = {
		.config = flags.config, .plugin_dir = plugin_dir,
		.no_overcommit_protection = !protect,
		.poison_dir = poison_dir && *poison_dir ? poison_dir : NULL,
	};
	if (fs_schedctl_new(&d, &so, &ctl, &err) != FS_OK) {
		fprintf(stderr, "fedstate scheduler: %s\n", err.data);
		fs_daemon_release(&d);
		rc = 1;
		goto out;
	}
	rc = fs_daemon_run(&d, fs_schedctl_hooks(), ctl);
	fs_schedctl_free(ctl);
	fs_daemon_release(&d);
out:
	free(plugin_dir);
	free(poison_dir);
	fs_buf_release(&err);
	fs_daemon_flags_release(&flags);
	return rc;
}
