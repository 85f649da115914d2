/*
 * emitmw - a middleware plugin (kind Emit, test.fedstate.io/v1) that does
 * what the federated object's name asks, for the ABI 1.1 tests (test_abi):
 *
 * render, by metadata.name:
 *   no-kind, string, other-ns, twice, bad-name, empty-name
 *          emit an object render_emit refuses, and pass the code on
 *          without a message (what a vendor naturally writes)
 *   report emit one without a kind and write host->last_error(self) to err
 *   ignore emit one without a kind, ignore the code, return FS_OK
 *   ok     a ConfigMap and a PropagationPolicy completed through
 *          fs_obj_metadata / fs_obj_spec (ABI 1.1): an annotation, no
 *          owner, a second resourceSelector
 * aggregate_status, by metadata.name:
 *   status-array, status-string, status-null   hand back no object
 *   inval-silent                                FS_E_INVAL, no message
 *   anything else                               {"phase": "Ready"}
 */
#include <stdio.h>
#include <string.h>

#include <fedstate/fedstate.h>
#include <fedstate/objects.h>

struct st {
	struct fs_plugin *self; /* valid until fini (mw.h) */
};

static enum fs_code
e_init(struct fs_plugin *self, const struct fs_json *args, void **state, char *err,
       size_t errlen)
{
	(void)args;
	(void)err;
	(void)errlen;
	struct st *s = fs_host->calloc(1, sizeof *s);
	if (!s)
		return FS_E_NOMEM;
	s->self = self;
	*state = s;
	return FS_OK;
}

static void
e_fini(void *state)
{
	fs_host->free(state);
}

static struct fs_json *
no_kind(void)
{
	struct fs_json *o = fs_obj_new("v1", "ConfigMap", "x", NULL);
	fs_host->json_remove(o, "kind");
	return o;
}

static enum fs_code
render_ok(struct fs_render *r, const char *name)
{
	struct fs_json *cm = fs_obj_new("v1", "ConfigMap", name, NULL);
	fs_obj_set_str(fs_obj_set_obj(fs_obj_metadata(cm), "annotations"), "a", "1");
	fs_obj_set_arr(fs_obj_metadata(cm), "ownerReferences"); /* no owner */
	enum fs_code rc = fs_host->render_emit(r, cm);
	if (rc != FS_OK)
		return rc;
	struct fs_json *pol = fs_obj_propagation_policy(
		name, NULL, fs_arr_of_str("a"), fs_obj_selector("v1", "ConfigMap", name, NULL),
		NULL);
	struct fs_json *sels = fs_host->json_get_mut(fs_obj_spec(pol), "resourceSelectors");
	fs_arr_push(sels, fs_obj_selector("v1", "Secret", name, NULL));
	fs_obj_set_int(fs_obj_spec(pol), "priority", 7);
	/* a member that is no object is not replaced */
	if (fs_obj_child(pol, "kind") != NULL)
		return FS_E_INTERNAL;
	return fs_host->render_emit(r, pol);
}

static enum fs_code
e_render(void *state, struct fs_render *r, const struct fs_json *obj,
	 const struct fs_json *placement, char *err, size_t errlen)
{
	struct st *s = state;
	(void)placement;
	const char *name = fs_json_str_at(obj, "metadata.name");
	struct fs_json *o;

	if (strcmp(name, "ok") == 0)
		return render_ok(r, name);
	if (strcmp(name, "no-kind") == 0 || strcmp(name, "report") == 0 ||
	    strcmp(name, "ignore") == 0) {
		o = no_kind();
	} else if (strcmp(name, "string") == 0) {
		o = fs_host->json_new_string("a string, not an object");
	} else if (strcmp(name, "other-ns") == 0) {
		o = fs_obj_new("v1", "ConfigMap", "x", NULL);
		fs_obj_set_str(fs_obj_metadata(o), "namespace", "elsewhere");
	} else if (strcmp(name, "twice") == 0) {
		enum fs_code rc = fs_host->render_emit(r, fs_obj_new("v1", "ConfigMap", "x", NULL));
		if (rc != FS_OK)
			return rc;
		o = fs_obj_new("v1", "ConfigMap", "x", NULL);
	} else if (strcmp(name, "bad-name") == 0) {
		o = fs_obj_new("v1", "ConfigMap", "Not_A_Name", NULL);
	} else {
		o = fs_obj_new("v1", "ConfigMap", "", NULL);
	}
	enum fs_code rc = fs_host->render_emit(r, o);
	if (strcmp(name, "ignore") == 0)
		return FS_OK;
	if (strcmp(name, "report") == 0 && rc != FS_OK) {
		const char *why = fs_host->last_error(s->self);
		snprintf(err, errlen, "refused, last_error says: %s", why ? why : "(null)");
	}
	return rc;
}

static enum fs_code
e_status(void *state, struct fs_render *r, const struct fs_json *obj,
	 const struct fs_json *placement, const struct fs_json *binding,
	 struct fs_json **status, char *err, size_t errlen)
{
	(void)state;
	(void)r;
	(void)placement;
	(void)binding;
	(void)err;
	(void)errlen;
	const char *name = fs_json_str_at(obj, "metadata.name");
	if (strcmp(name, "status-array") == 0) {
		*status = fs_json_array();
	} else if (strcmp(name, "status-string") == 0) {
		*status = fs_host->json_new_string("Ready");
	} else if (strcmp(name, "status-null") == 0) {
		*status = NULL;
	} else if (strcmp(name, "inval-silent") == 0) {
		return FS_E_INVAL;
	} else {
		*status = fs_json_object();
		fs_obj_set_str(*status, "phase", "Ready");
	}
	return FS_OK;
}

static const struct fs_mw_ops e_ops = {
	.struct_size = sizeof(struct fs_mw_ops),
	.group = "test.fedstate.io",
	.version = "v1",
	.kind = "Emit",
	.render = e_render,
	.aggregate_status = e_status,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_MIDDLEWARE, .name = "emitmw", .version = "0.1.0",
		 .description = "render_emit refusals and status shapes", .vendor = "FedState tests",
		 .caps = FS_CAP_RENDER | FS_CAP_AGGREGATE_STATUS, .init = e_init, .fini = e_fini,
		 .mw = &e_ops)
