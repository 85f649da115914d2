/* cmd/cmd_config.c - placeholder until the subcommand lands */
#include <stdio.h>

#include "cmd/cmd.h"

int
fs_cmd_config(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "fedstate: 'config' is not built yet\n");
	return 2;
}
