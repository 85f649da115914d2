/*
 * fedstate/fedstate.h - everything a FedState plugin compiles against.
 *
 *   version.h  host and ABI versions
 *   status.h   enum fs_code, the one result code
 *   json.h     the opaque JSON value
 *   types.h    read-only views of clusters, placements and bindings
 *   host.h     the service table the host hands to plugins
 *   sched.h    scheduling extension points
 *   mw.h       middleware extension points
 *   plugin.h   the descriptor and FS_PLUGIN_DEFINE
 */
#ifndef FEDSTATE_FEDSTATE_H
#define FEDSTATE_FEDSTATE_H

#include "plugin.h"

#endif
