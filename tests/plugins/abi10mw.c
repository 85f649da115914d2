/*
 * abi10mw - a middleware plugin built against the frozen ABI 1.0 headers
 * (tests/abi-1.0, see tests/plugins/fixtures.mk), unchanged since 1.0: it
 * proves a 1.0 plugin loads and works in a 1.x host. Kind Legacy
 * (test.fedstate.io/v1). render emits one ConfigMap <name>-legacy whose
 * data lists the placement; aggregate_status counts the members.
 */
#include <stdio.h>

#include <fedstate/fedstate.h>
#include <fedstate/objects.h>

/* the 1.0 headers, not api/: a build against newer ones fails here */
_Static_assert(FS_ABI_MAJOR == 1 && FS_ABI_MINOR == 0,
	       "abi10mw must be built against tests/abi-1.0");

static enum fs_code
l_render(void *state, struct fs_render *r, const struct fs_json *obj,
	 const struct fs_json *placement, char *err, size_t errlen)
{
	(void)state;
	char name[128], list[256] = "";
	size_t at = 0;
	int64_t total = 0;
	snprintf(name, sizeof name, "%s-legacy", fs_json_str_at(obj, "metadata.name"));
	for (size_t i = 0; i < fs_host->json_size(placement); i++) {
		const struct fs_json *p = fs_host->json_at(placement, i);
		int64_t n = 0;
		fs_host->json_int(fs_host->json_get(p, "replicas"), &n);
		total += n;
		int w = snprintf(list + at, sizeof list - at, "%s%s=%lld", at ? "," : "",
				 fs_json_str_at(p, "cluster"), (long long)n);
		if (w > 0 && (size_t)w < sizeof list - at)
			at += (size_t)w;
	}
	struct fs_json *cm = fs_obj_new("v1", "ConfigMap", name, NULL);
	struct fs_json *data = fs_obj_set_obj(cm, "data");
	fs_obj_set_str(data, "placement", list);
	char t[24];
	snprintf(t, sizeof t, "%lld", (long long)total);
	fs_obj_set_str(data, "total", t);
	enum fs_code rc = fs_host->render_emit(r, cm);
	if (rc != FS_OK)
		snprintf(err, errlen, "render_emit: %s", fs_host->strerror(rc));
	return rc;
}

static enum fs_code
l_status(void *state, struct fs_render *r, const struct fs_json *obj,
	 const struct fs_json *placement, const struct fs_json *binding,
	 struct fs_json **status, char *err, size_t errlen)
{
	(void)state;
	(void)r;
	(void)obj;
	(void)binding;
	(void)err;
	(void)errlen;
	*status = fs_json_object();
	fs_obj_set_str(*status, "phase", "Ready");
	fs_obj_set_int(*status, "members", (int64_t)fs_host->json_size(placement));
	return FS_OK;
}

static const struct fs_mw_ops l_ops = {
	.struct_size = sizeof(struct fs_mw_ops),
	.group = "test.fedstate.io",
	.version = "v1",
	.kind = "Legacy",
	.render = l_render,
	.aggregate_status = l_status,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_MIDDLEWARE, .name = "abi10mw", .version = "1.0.0",
		 .description = "built against the ABI 1.0 headers", .vendor = "FedState tests",
		 .caps = FS_CAP_RENDER | FS_CAP_AGGREGATE_STATUS, .mw = &l_ops)
