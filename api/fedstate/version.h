/*
 * fedstate/version.h - versions of the FedState host and of the plugin ABI.
 *
 * ABI rule (checked by the loader; ARCHITECTURE.md in the installed
 * documentation, <prefix>/share/doc/fedstate/, lists its messages):
 *   a plugin built for ABI major.minor loads when major == FS_ABI_MAJOR and
 *   minor <= FS_ABI_MINOR. A minor bump only appends: a field at the end of a
 *   struct, a slot at the end of a table. Anything else is a major bump.
 */
#ifndef FEDSTATE_VERSION_H
#define FEDSTATE_VERSION_H

#define FS_ABI_MAJOR 1
#define FS_ABI_MINOR 0

#define FS_VERSION_MAJOR 0
#define FS_VERSION_MINOR 1
#define FS_VERSION_PATCH 0
#define FS_VERSION_STRING "0.1.0"

#endif
