/* cmd/plugin_dirs.c - plugin directories relative to the binary (see plugin_dirs.h) */
#include "cmd/plugin_dirs.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
add_if_dir(struct fs_registry *reg, const char *base, const char *rel)
{
	char path[PATH_MAX + 64], real[PATH_MAX], err[256];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", base, rel);
	if (!realpath(path, real) || stat(real, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	fs_registry_add_dir(reg, real, err, sizeof err);
}

void
fs_cmd_add_default_plugin_dirs(struct fs_registry *reg)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	add_if_dir(reg, exe, "../plugins");
	add_if_dir(reg, exe, "../lib/fedstate/plugins");
}
