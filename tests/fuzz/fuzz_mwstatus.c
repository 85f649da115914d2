/*
 * fuzz_mwstatus.c - the MongoDB plugin's status decoder: arbitrary JSON as
 * the member ResourceBinding (status.aggregatedStatus[].status is whatever
 * a member cluster reports) and as the object's previous status. The plugin
 * sources are linked in (fuzz_mwstatus.srcs) and run against the real host
 * table, as the loader would set it up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <fedstate/fedstate.h>

#include "runtime/runtime.h"
#include "ops/render.h"
#include "plugin/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const struct fs_plugin_desc *fs_plugin_entry(void);

static const char owner_json[] =
	"{\"apiVersion\":\"middleware.fedstate.io/v1alpha1\",\"kind\":\"MultiCloudMongoDB\","
	"\"metadata\":{\"name\":\"db\",\"namespace\":\"ns\",\"uid\":\"u\",\"annotations\":"
	"{\"schedulerResult\":\"{}\"}},\"spec\":{\"replicaset\":5,\"config\":{\"arbiter\":true}}}";
static const char clusters_json[] =
	"[{\"metadata\":{\"name\":\"a\",\"labels\":{\"vip\":\"10.0.0.1\"}}},"
	" {\"metadata\":{\"name\":\"b\",\"labels\":{\"vip\":\"10.0.0.2\"}}}]";
static const char placement_json[] =
	"[{\"cluster\":\"a\",\"replicas\":3,\"arbiter\":false},"
	" {\"cluster\":\"b\",\"replicas\":2,\"arbiter\":true}]";

static void *state;

static void
setup(void)
{
	const struct fs_plugin_desc *d = fs_plugin_entry();
	*d->host_slot = fs_host_table();
	char err[256];
	if (d->init(NULL, NULL, &state, err, sizeof err) != FS_OK)
		abort();
}

static void
run(const struct fs_plugin_desc *d, const cJSON *owner, const cJSON *binding)
{
	cJSON *clusters = cJSON_Parse(clusters_json);
	cJSON *placement = cJSON_Parse(placement_json);
	struct fs_render r;
	char err[512];
	if (fs_render_init(&r, owner, clusters, NULL, err, sizeof err) == FS_OK) {
		struct fs_json *st = NULL;
		enum fs_code c = d->mw->aggregate_status(
			state, &r, (const struct fs_json *)owner,
			(const struct fs_json *)placement,
			(const struct fs_json *)binding, &st, err, sizeof err);
		if (c == FS_OK && !st)
			abort();
		cJSON_Delete((cJSON *)st);
		fs_render_release(&r);
	}
	cJSON_Delete(clusters);
	cJSON_Delete(placement);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!state)
		setup();
	const struct fs_plugin_desc *d = fs_plugin_entry();
	cJSON *in = cJSON_ParseWithLength((const char *)data, size);
	if (!in)
		return 0;
	cJSON *owner = cJSON_Parse(owner_json);
	run(d, owner, in);                      /* as the member binding */
	cJSON_AddItemToObject(owner, "status", cJSON_Duplicate(in, 1));
	run(d, owner, NULL);                    /* as the previous status */
	cJSON_Delete(owner);
	cJSON_Delete(in);
	return 0;
}
