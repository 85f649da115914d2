/*
 * cmd/cmd.h - the subcommands of the fedstate binary. Each takes the
 * arguments after its name (argv[0] is the subcommand) and returns the
 * process exit code.
 */
#ifndef FS_CMD_CMD_H
#define FS_CMD_CMD_H

int fs_cmd_plugins(int argc, char **argv);  /* plugins list|check */
int fs_cmd_simulate(int argc, char **argv); /* offline scheduling */
int fs_cmd_config(int argc, char **argv);   /* config validate */
int fs_cmd_render(int argc, char **argv);   /* offline middleware render */
int fs_cmd_scheduler(int argc, char **argv); /* the scheduler daemon */
int fs_cmd_ops(int argc, char **argv);       /* the ops controller daemon */

#endif
