/*
 * cmd/main.c - the fedstate binary: global options, then a subcommand.
 *
 *   fedstate [-v N] [--log-format text|json] <command> [args]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fedstate/version.h>

#include "cmd/cmd.h"
#include "plugin/crash.h"
#include "util/log.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{"scheduler", fs_cmd_scheduler, "run the scheduler daemon against the Karmada API server"},
	{"ops", fs_cmd_ops, "run the ops controller daemon: render, apply, prune and status of federated middleware"},
	{"simulate", fs_cmd_simulate, "run the scheduling cycle offline over dumps of clusters and bindings"},
	{"render", fs_cmd_render, "run a middleware plugin's render or status aggregation over files"},
	{"plugins", fs_cmd_plugins, "list plugins or check a plugin file (list, check)"},
	{"config", fs_cmd_config, "validate a scheduler configuration file (validate)"},
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: fedstate [-v N] [--log-format text|json] <command> [args]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'fedstate <command> --help' shows a command's options.\n");
}

int
main(int argc, char **argv)
{
	fs_crash_install(); /* a crash in a plugin says which, where, on what */
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-v") == 0 || strcmp(a, "--v") == 0) {
			char *end;
			long v = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;
			if (i + 1 >= argc || *end || v < 0 || v > 10) {
				fprintf(stderr, "fedstate: -v needs a level from 0 to 10\n");
				return 2;
			}
			fs_log_set_verbosity((int)v);
			i++;
		} else if (strncmp(a, "-v", 2) == 0 && a[2] >= '0' && a[2] <= '9') {
			fs_log_set_verbosity(atoi(a + 2));
		} else if (strcmp(a, "--log-format=json") == 0 ||
			   (strcmp(a, "--log-format") == 0 && i + 1 < argc && strcmp(argv[i + 1], "json") == 0)) {
			fs_log_set_format(FS_LOG_JSON);
			i += a[12] == '\0';
		} else if (strcmp(a, "--log-format=text") == 0 ||
			   (strcmp(a, "--log-format") == 0 && i + 1 < argc && strcmp(argv[i + 1], "text") == 0)) {
			fs_log_set_format(FS_LOG_TEXT);
			i += a[12] == '\0';
		} else if (strcmp(a, "--version") == 0) {
			printf("fedstate %s (plugin ABI %d.%d)\n", FS_VERSION_STRING, FS_ABI_MAJOR, FS_ABI_MINOR);
			return 0;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "fedstate: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].run(argc - i, argv + i);
	fprintf(stderr, "fedstate: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return 2;
}
