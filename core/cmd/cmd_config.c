/*
 * cmd/cmd_config.c - `fedstate config validate FILE [--plugin-dir DIR]...
 * [--skip-plugins]`: every problem of a scheduler configuration, each as
 * "file:line:col: path: message", and exit status 1; "config is valid" and
 * 0 otherwise. Without --skip-plugins the plugins are loaded and
 * instantiated with their args exactly as the scheduler would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "runtime/runtime.h"
#include "cmd/plugin_dirs.h"
#include "plugin/loader.h"
#include "sched/config.h"
#include "sched/profile.h"
#include "util/diag.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: fedstate config validate FILE [--plugin-dir DIR]... [--skip-plugins]\n"
		"\n"
		"Checks a SchedulerConfiguration: shape, types, unknown fields, plugin\n"
		"names, weights, and (unless --skip-plugins) that every plugin loads,\n"
		"implements the points it is enabled at and accepts its args.\n"
		"  --plugin-dir DIR   search DIR for plugins first (absolute; repeatable)\n"
		"  --skip-plugins     check the file only, load no plugin\n");
}

static int
validate(int argc, char **argv)
{
	const char *file = NULL;
	bool skip = false;
	/* the command's own, released at the end (plugin code stays mapped,
	 * plugin/loader.h) */
	/* the command's own runtime and registry, released at the end */
	struct fs_runtime *rt = fs_runtime_new(NULL);
	if (!rt)
		return 2;
	struct fs_registry *reg = fs_runtime_registry(rt);
	int rc = 2;
	for (int i = 1; i < argc; i++) {
		char err[512];
		if (strcmp(argv[i], "--plugin-dir") == 0 && i + 1 < argc) {
			if (fs_registry_add_dir(reg, argv[++i], err, sizeof err) != FS_OK) {
				fprintf(stderr, "fedstate config: --plugin-dir: %s\n", err);
				goto out;
			}
		} else if (strncmp(argv[i], "--plugin-dir=", 13) == 0) {
			if (fs_registry_add_dir(reg, argv[i] + 13, err, sizeof err) != FS_OK) {
				fprintf(stderr, "fedstate config: --plugin-dir: %s\n", err);
				goto out;
			}
		} else if (strcmp(argv[i], "--skip-plugins") == 0) {
			skip = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			rc = 0;
			goto out;
		} else if (argv[i][0] == '-' || file) {
			fprintf(stderr, "fedstate config validate: unexpected argument '%s'\n", argv[i]);
			usage(stderr);
			goto out;
		} else {
			file = argv[i];
		}
	}
	if (!file) {
		fprintf(stderr, "fedstate config validate: missing FILE\n");
		usage(stderr);
		goto out;
	}
	fs_registry_add_env_dirs(reg);
	fs_cmd_add_default_plugin_dirs(reg);

	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_config *cfg = NULL;
	struct fs_profile_set *set = NULL;
	enum fs_code code = fs_config_load_file(file, &cfg, &d);
	if (code == FS_OK && !skip)
		code = fs_profile_set_build(cfg, reg, &set, &d);
	fs_diags_print(&d, stderr);
	if (code == FS_OK) {
		printf("config is valid: %u profile(s)", cfg->n_profiles);
		if (set)
			printf(", %u middleware(s)", set->n_middlewares);
		printf("%s\n", skip ? " (plugins not loaded)" : "");
		for (uint32_t i = 0; set && i < set->n_profiles; i++) {
			char *desc = fs_profile_describe(set->profiles[i]);
			printf("  %s\n", desc);
			free(desc);
		}
		rc = 0;
	} else {
		fprintf(stderr, "%s: %zu error(s)\n", file, d.errors ? d.errors : 1);
		rc = 1;
	}
	fs_profile_set_free(set);
	fs_config_free(cfg);
	fs_diags_release(&d);
out:
	fs_runtime_free(rt);
	return rc;
}

int
fs_cmd_config(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "validate") == 0)
		return validate(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "fedstate config: expected 'validate', got %s%s%s\n",
		argc >= 2 ? "'" : "", argc >= 2 ? argv[1] : "nothing", argc >= 2 ? "'" : "");
	usage(stderr);
	return 2;
}
