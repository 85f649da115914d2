/* build "a" of fixture-ver (see ver.h) */
#define VER "a"
#include "ver.h"
