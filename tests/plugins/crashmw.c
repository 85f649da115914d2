/*
 * crashmw - a middleware plugin (kind Boom, test.fedstate.io/v1) that
 * crashes on an object named "boom" and hangs on one named "hang": in
 * interpret, render and aggregate_status; any other object renders one
 * ConfigMap and status {state: Health}. For the crash-report tests.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <fedstate/fedstate.h>
#include <fedstate/objects.h>

/* "boom" crashes; "hang" never returns (for --isolate's deadline) */
static bool
is_boom(const struct fs_json *obj)
{
	const char *name = fs_json_str_at(obj, "metadata.name");
	if (name && !strcmp(name, "hang"))
		for (;;)
			sleep(1);
	return name && !strcmp(name, "boom");
}

static enum fs_code
cm_interpret(void *state, const struct fs_json *obj, struct fs_mw_workload *out,
	     char *err, size_t errlen)
{
	(void)state;
	(void)err;
	(void)errlen;
	if (is_boom(obj))
		raise(SIGSEGV);
	out->replicas = 1;
	return FS_OK;
}

static enum fs_code
cm_render(void *state, struct fs_render *r, const struct fs_json *obj,
	  const struct fs_json *placement, char *err, size_t errlen)
{
	(void)state;
	(void)placement;
	(void)err;
	(void)errlen;
	if (is_boom(obj))
		raise(SIGSEGV);
	return fs_host->render_emit(r, fs_obj_new("v1", "ConfigMap",
						  fs_json_str_at(obj, "metadata.name"), NULL));
}

static enum fs_code
cm_status(void *state, struct fs_render *r, const struct fs_json *obj,
	  const struct fs_json *placement, const struct fs_json *binding,
	  struct fs_json **status, char *err, size_t errlen)
{
	(void)state;
	(void)r;
	(void)placement;
	(void)binding;
	(void)err;
	(void)errlen;
	if (is_boom(obj))
		raise(SIGSEGV);
	*status = fs_json_object();
	fs_obj_set_str(*status, "state", "Health");
	return FS_OK;
}

static const struct fs_mw_ops cm_ops = {
	.struct_size = sizeof(struct fs_mw_ops),
	.group = "test.fedstate.io",
	.version = "v1",
	.kind = "Boom",
	.interpret = cm_interpret,
	.render = cm_render,
	.aggregate_status = cm_status,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_MIDDLEWARE, .name = "crashmw", .version = "0.3.1",
		 .description = "crashes on objects named boom", .vendor = "FedState tests",
		 .license = "Apache-2.0",
		 .caps = FS_CAP_INTERPRET | FS_CAP_RENDER | FS_CAP_AGGREGATE_STATUS,
		 .mw = &cm_ops);
