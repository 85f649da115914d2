/* util/status.h - strerror for enum fs_code (api/fedstate/status.h) */
#ifndef FS_UTIL_STATUS_H
#define FS_UTIL_STATUS_H

#include <fedstate/status.h>

const char *fs_strerror(enum fs_code code); /* static text, never NULL */
const char *fs_code_name(enum fs_code code); /* "FS_E_INVAL" */

#endif
