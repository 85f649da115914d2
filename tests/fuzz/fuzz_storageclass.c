/*
 * fuzz_storageclass.c - the storageclass plugin's two untrusted inputs,
 * against the real host table as the loader sets it up:
 *
 *   first byte even: the rest is the plugin's args (JSON), through init and
 *                    fini (durations, the classes map, every key check)
 *   first byte odd:  the rest is a cluster's fedstate.io/storage-classes
 *                    annotation, through pre_filter and filter for a named
 *                    and a default-class request
 *
 * The plugin sources are linked in (fuzz_storageclass.srcs).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <fedstate/fedstate.h>

#include "plugin/loader.h"
#include "runtime/runtime.h"
#include "plugin/loader.h"
#include "sched/cycle.h"
#include "util/intern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const struct fs_plugin_desc *fs_plugin_entry(void);

static const struct fs_plugin_desc *desc;
static void *state;
static struct fs_cluster cluster;
static struct fs_kv annotation;
static uint64_t generation;

static uint32_t
one(void *ud)
{
	(void)ud;
	return 1;
}

static const struct fs_cluster *
at(void *ud, uint32_t i)
{
	(void)ud;
	return i == 0 ? &cluster : NULL;
}

static const struct fs_cluster *
find(void *ud, const char *name)
{
	(void)ud;
	return name == cluster.name ? &cluster : NULL;
}

static uint64_t
gen(void *ud)
{
	(void)ud;
	return generation;
}

static struct fs_runtime *rt;
static struct fs_plugin self; /* bound to rt: the host's services need one */

static void
setup(void)
{
	static const struct fs_cluster_source src = {one, at, find, gen, NULL};
	char err[256];

	if (!(rt = fs_runtime_new(NULL)))
		abort();
	self.env = fs_runtime_env(rt);
	desc = fs_plugin_entry();
	*desc->host_slot = fs_host_table();
	if (desc->init(&self, NULL, &state, err, sizeof err) != FS_OK)
		abort();
	cluster.struct_size = sizeof cluster;
	cluster.name = fs_intern("member1", (size_t)-1);
	annotation.key = fs_intern("fedstate.io/storage-classes", (size_t)-1);
	cluster.annotations = &annotation;
	cluster.n_annotations = 1;
	fs_runtime_set_source(rt, &src);
}

static void
run_args(const char *text, size_t len)
{
	struct fs_json *args = fs_host_table()->json_parse(text, len, NULL, 0);
	void *st = NULL;
	char err[512];

	if (args && desc->init(&self, args, &st, err, sizeof err) == FS_OK)
		desc->fini(st);
	fs_host_table()->json_free(args);
}

static void
run_annotation(const char *text, size_t len)
{
	const char *names[] = {"fast-ssd", ""};
	const struct fs_cluster *list[] = {&cluster};
	char *copy = malloc(len + 1);

	/* a decoded annotation is a NUL-terminated string, as the decoder
	 * interns it */
	if (!copy)
		return;
	memcpy(copy, text, len);
	copy[len] = '\0';
	annotation.value = fs_intern(copy, (size_t)-1);
	free(copy);
	generation++;
	for (size_t i = 0; i < 2; i++) {
		struct fs_binding b = {.struct_size = sizeof b,
				       .storage_class = fs_intern(names[i], (size_t)-1)};
		struct fs_cycle *cyc = fs_cycle_create(&b, 1);
		const char *reason = NULL;

		if (desc->sched->pre_filter(state, cyc, list, 1, &reason) == FS_OK)
			desc->sched->filter(state, cyc, &cluster, &reason);
		fs_cycle_destroy(cyc);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!desc)
		setup();
	if (size < 1 || size > 65536)
		return 0;
	if (data[0] % 2 == 0)
		run_args((const char *)data + 1, size - 1);
	else
		run_annotation((const char *)data + 1, size - 1);
	return 0;
}
