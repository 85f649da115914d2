/* cmd/cmd_render.c - placeholder until the subcommand lands */
#include <stdio.h>

#include "cmd/cmd.h"

int
fs_cmd_render(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "fedstate: 'render' is not built yet\n");
	return 2;
}
