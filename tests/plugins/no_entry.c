/* a shared object that is not a plugin: no fs_plugin_entry */
#include <fedstate/fedstate.h>

FS_EXPORT int not_a_plugin(void);
FS_EXPORT int
not_a_plugin(void)
{
	return 42;
}
