/*
 * healthmw - a middleware plugin (kind Probe, test.fedstate.io/v1) for the
 * interpret_health tests: a member is healthy when status.ready is true,
 * unhealthy when false, and cannot be told (FS_E_INVAL) without it; the
 * reason names spec.size when the member carries a spec. aggregate_status
 * lists what the binding it got says of each member.
 */
#include <stdio.h>
#include <string.h>

#include <fedstate/fedstate.h>
#include <fedstate/objects.h>

static char reasons[8][96]; /* the host copies a reason at once */
static unsigned next_reason;

static enum fs_code
hm_health(void *state, const struct fs_json *member, bool *healthy, const char **reason)
{
	(void)state;
	bool ready = false;
	if (!fs_host->json_bool(fs_host->json_path(member, "status.ready"), &ready))
		return FS_E_INVAL;
	int64_t size = -1;
	fs_host->json_int(fs_host->json_path(member, "spec.size"), &size);
	char *r = reasons[next_reason++ % 8];
	snprintf(r, sizeof reasons[0], "%s (%s %s, spec.size %lld)", ready ? "ready" : "not ready",
		 fs_json_str_at(member, "kind"), fs_json_str_at(member, "metadata.name"),
		 (long long)size);
	*healthy = ready;
	*reason = r;
	return FS_OK;
}

static enum fs_code
hm_render(void *state, struct fs_render *r, const struct fs_json *obj,
	  const struct fs_json *placement, char *err, size_t errlen)
{
	(void)state;
	(void)placement;
	(void)err;
	(void)errlen;
	return fs_host->render_emit(r, fs_obj_new("v1", "ConfigMap",
						  fs_json_str_at(obj, "metadata.name"), NULL));
}

static enum fs_code
hm_status(void *state, struct fs_render *r, const struct fs_json *obj,
	  const struct fs_json *placement, const struct fs_json *binding,
	  struct fs_json **status, char *err, size_t errlen)
{
	(void)state;
	(void)r;
	(void)obj;
	(void)placement;
	(void)err;
	(void)errlen;
	*status = fs_json_object();
	struct fs_json *list = fs_obj_set_arr(*status, "members");
	const struct fs_json *items = fs_host->json_path(binding, "status.aggregatedStatus");
	for (size_t i = 0; i < fs_host->json_size(items); i++) {
		const struct fs_json *it = fs_host->json_at(items, i);
		struct fs_json *e = fs_json_object();
		fs_obj_set_str(e, "cluster", fs_json_str_at(it, "clusterName"));
		if (fs_json_str_at(it, "health"))
			fs_obj_set_str(e, "health", fs_json_str_at(it, "health"));
		if (fs_json_str_at(it, "healthReason"))
			fs_obj_set_str(e, "reason", fs_json_str_at(it, "healthReason"));
		fs_arr_push(list, e);
	}
	return FS_OK;
}

static const struct fs_mw_ops hm_ops = {
	.struct_size = sizeof(struct fs_mw_ops),
	.group = "test.fedstate.io",
	.version = "v1",
	.kind = "Probe",
	.render = hm_render,
	.aggregate_status = hm_status,
	.interpret_health = hm_health,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_MIDDLEWARE, .name = "healthmw", .version = "0.1.0",
		 .description = "member health from status.ready", .vendor = "FedState tests",
		 .caps = FS_CAP_RENDER | FS_CAP_AGGREGATE_STATUS | FS_CAP_INTERPRET_HEALTH,
		 .mw = &hm_ops);
