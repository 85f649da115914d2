/*
 * plugins/common/args_compat.h - TEMPORARY: the old in-tree names
 * (fsp_*, FSP_ARG_*) of the args parser that is now public as
 * <fedstate/args.h> (fs_args_*, FS_ARG_*).
 *
 * Only plugins/estimator still uses the old names (its sources were being
 * written while the parser moved). Delete this file once it says
 * `#include <fedstate/args.h>` and uses the new names:
 *
 *   sed -i 's/fsp_json_describe/fs_json_describe/g; s/fsp_args_parse/fs_args_parse/g;
 *           s/struct fsp_arg/struct fs_arg/g; s/FSP_ARG_/FS_ARG_/g' plugins/estimator/args.c
 *
 * Nothing new may include it.
 */
#ifndef FSP_COMMON_ARGS_COMPAT_H
#define FSP_COMMON_ARGS_COMPAT_H

#include <fedstate/args.h>

#define fsp_arg fs_arg
#define fsp_args_parse fs_args_parse
#define fsp_json_describe fs_json_describe
#define fsp_duration_parse fs_duration_parse
#define fsp_duration_format fs_duration_format
#define FSP_ARG_STRING FS_ARG_STRING
#define FSP_ARG_BOOL FS_ARG_BOOL
#define FSP_ARG_INT FS_ARG_INT
#define FSP_ARG_DURATION FS_ARG_DURATION
#define FSP_ARG_ENUM FS_ARG_ENUM
#define FSP_ARG_CUSTOM FS_ARG_CUSTOM

#endif
