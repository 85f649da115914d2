/* cmd/cmd_simulate.c - placeholder until the subcommand lands */
#include <stdio.h>

#include "cmd/cmd.h"

int
fs_cmd_simulate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "fedstate: 'simulate' is not built yet\n");
	return 2;
}
