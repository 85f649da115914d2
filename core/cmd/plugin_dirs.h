/*
 * cmd/plugin_dirs.h - where the offline commands look for plugins when
 * nothing else says: next to the binary, for a build tree
 * (<dir of fedstate>/../plugins) and for an installation
 * (<dir of fedstate>/../lib/fedstate/plugins). Searched after --plugin-dir,
 * FEDSTATE_PLUGIN_PATH; the config's pluginDirs come after these.
 */
#ifndef FS_CMD_PLUGIN_DIRS_H
#define FS_CMD_PLUGIN_DIRS_H

#include "plugin/loader.h"

/* add the directories above that exist to reg */
void fs_cmd_add_default_plugin_dirs(struct fs_registry *reg);

#endif
