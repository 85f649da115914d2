/*
 * fedstate/version.h - versions of the FedState host and of the plugin ABI.
 *
 * ABI rule (checked by the loader; ARCHITECTURE.md in the installed
 * documentation, <prefix>/share/doc/fedstate/, lists its messages):
 *   a plugin built for ABI major.minor loads when major == FS_ABI_MAJOR and
 *   minor <= FS_ABI_MINOR. A minor bump only appends: a field at the end of a
 *   struct, a slot at the end of a table. Anything else is a major bump.
 *
 * 1.1 adds host->last_error, host->json_get_mut (with objects.h's
 * fs_obj_metadata / fs_obj_spec), the codes FS_E_NOT_PLUGIN, FS_E_KIND and
 * FS_E_NAME, and FS_HAS_FIELD in plain C11.
 *
 * A plugin declares the minor FS_PLUGIN_ABI_MINOR (plugin.h), FS_ABI_MINOR
 * unless it is built with -DFS_PLUGIN_ABI_MINOR=0: then it loads in 1.0
 * hosts too, and must test FS_HAS_FIELD(fs_host, last_error) (or compare
 * fs_host->abi_minor) before it uses a service newer than what it declares.
 */
#ifndef FEDSTATE_VERSION_H
#define FEDSTATE_VERSION_H

#define FS_ABI_MAJOR 1
#define FS_ABI_MINOR 1

#define FS_VERSION_MAJOR 0
#define FS_VERSION_MINOR 1
#define FS_VERSION_PATCH 0
#define FS_VERSION_STRING "0.1.0"

#endif
