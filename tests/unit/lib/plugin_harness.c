/* plugin_harness.c - see plugin_harness.h */
#include "plugin_harness.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "loop_wait.h"
#include "runtime/runtime.h"

static struct fs_registry reg;
static bool reg_ready;
static struct fs_plugin *instances[256];
static size_t n_instances;

static const char *
env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

const char *
ph_build_path(const char *rel)
{
	static char buf[8][4096];
	static int at;
	char *p = buf[at++ % 8];
	snprintf(p, 4096, "%s/%s", env_or("FEDSTATE_BUILD", "build"), rel);
	return p;
}

const char *
ph_src_path(const char *rel)
{
	static char buf[8][4096];
	static int at;
	char *p = buf[at++ % 8];
	snprintf(p, 4096, "%s/%s", env_or("FEDSTATE_SRC", "."), rel);
	return p;
}

int
ph_plugin_tmpdir(char *buf, size_t len, const char *tag)
{
	char real[4096];
	const char *base = ph_build_path("tests");
	if (!realpath(base, real))
		return -1;
	int n = snprintf(buf, len, "%s/tmp", real);
	if (n < 0 || (size_t)n >= len)
		return -1;
	if ((mkdir(buf, 0755) != 0 && errno != EEXIST) || chmod(buf, 0755) != 0)
		return -1; /* 0755 whatever the umask: the loader checks it */
	n = snprintf(buf, len, "%s/tmp/%s-XXXXXX", real, tag);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return mkdtemp(buf) ? 0 : -1;
}

struct fs_runtime *
ph_runtime(void)
{
	static struct fs_runtime *rt;

	if (!rt && !(rt = fs_runtime_new(tl_loop())))
		fail_msg("cannot create the test runtime");
	return rt;
}

struct fs_registry *
ph_registry(void)
{
	if (!reg_ready) {
		char dir[4096], real[4096], err[512];
		fs_registry_init(&reg);
		reg.env = fs_runtime_env(ph_runtime());
		snprintf(dir, sizeof dir, "%s", ph_build_path("plugins"));
		if (!realpath(dir, real))
			snprintf(real, sizeof real, "%s", dir);
		if (fs_registry_add_dir(&reg, real, err, sizeof err) != FS_OK)
			fail_msg("%s", err);
		reg_ready = true;
	}
	return &reg;
}

enum fs_code
ph_try_load(const char *name, const char *args_json, struct fs_plugin **out,
	    char *err, size_t errlen)
{
	*out = NULL;
	struct fs_loaded_plugin *lp;
	enum fs_code rc = fs_plugin_load(ph_registry(), name, NULL, 0, &lp, err, errlen);
	if (rc != FS_OK)
		return rc;
	cJSON *args = NULL;
	if (args_json && !(args = cJSON_Parse(args_json))) {
		snprintf(err, errlen, "test bug: args are not JSON: %s", args_json);
		return FS_E_PARSE;
	}
	rc = fs_plugin_instantiate(lp, args, "test", ph_registry()->env, out, err, errlen);
	cJSON_Delete(args);
	if (rc == FS_OK && n_instances < sizeof instances / sizeof instances[0])
		instances[n_instances++] = *out;
	return rc;
}

struct fs_plugin *
ph_load(const char *name, const char *args_json)
{
	char err[2048];
	struct fs_plugin *p = NULL;
	if (ph_try_load(name, args_json, &p, err, sizeof err) != FS_OK)
		fail_msg("%s", err);
	return p;
}

void
ph_expect_init_error(const char *name, const char *args_json, const char *message)
{
	struct fs_plugin *p = NULL;
	char err[1024] = "";
	assert_int_equal(ph_try_load(name, args_json, &p, err, sizeof err), FS_E_PLUGIN);
	if (!strstr(err, message))
		fail_msg("%s args %s: expected \"%s\" in \"%s\"", name, args_json,
			 message, err);
}

struct fs_cycle *
ph_cycle(const struct fs_binding *b, uint32_t n_clusters)
{
	return fs_cycle_create(b, n_clusters);
}

void
ph_retire_all(void)
{
	while (n_instances)
		fs_plugin_retire(instances[--n_instances]);
}

const char *
ph_fixture(const char *name)
{
	static char buf[4][4096];
	static int at;
	char *p = buf[at++ % 4];
	char rel[256];
	snprintf(rel, sizeof rel, "tests/plugins/%s.so", name);
	if (!realpath(ph_build_path(rel), p))
		fail_msg("fixture %s not built (%s)", name, ph_build_path(rel));
	return p;
}

const char *
ph_copy_fixture(const char *dir, const char *fx, const char *name, unsigned mode)
{
	static char dst[1400];
	snprintf(dst, sizeof dst, "%s/%s", dir, name);
	char cmd[8600];
	snprintf(cmd, sizeof cmd, "cp -f '%s' '%s.tmp' && mv -f '%s.tmp' '%s'", ph_fixture(fx),
		 dst, dst, dst);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(chmod(dst, (mode_t)mode), 0);
	return dst;
}
