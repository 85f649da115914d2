/* build "b" of fixture-ver (see ver.h) */
#define VER "b"
#include "ver.h"
