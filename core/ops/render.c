/*
 * ops/render.c - the render context: lookups for the plugin, and stamping
 * of what it emits (see render.h for the stamped fields).
 */
#include "ops/render.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ops/object.h"
#include "plugin/loader.h"
#include "util/jfield.h"
#include "util/k8sname.h"

enum fs_code
fs_render_init(struct fs_render *r, const cJSON *owner, const cJSON *clusters,
	       const cJSON *existing, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	fs_buf_init(&r->why);
	fs_buf_init(&r->emit_err);
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(owner, "metadata");
	r->owner = owner;
	r->owner_api_version = fs_jstr(owner, "apiVersion");
	r->owner_kind = fs_jstr(owner, "kind");
	r->owner_name = fs_jstr(meta, "name");
	r->owner_uid = fs_jstr(meta, "uid");
	r->ns = fs_jstr(meta, "namespace");
	if (!r->ns || !*r->ns)
		r->ns = "default";
	if (!r->owner_api_version || !r->owner_kind || !r->owner_name ||
	    !*r->owner_name) {
		snprintf(err, errlen,
			 "federated object: expected apiVersion, kind and "
			 "metadata.name strings, got %s%s%s missing",
			 r->owner_api_version ? "" : "apiVersion ",
			 r->owner_kind ? "" : "kind ",
			 r->owner_name && *r->owner_name ? "" : "metadata.name ");
		return FS_E_INVAL;
	}
	const char *rule = fs_k8s_subdomain_error(r->owner_name);
	if (!rule && strlen(r->owner_name) > 63)
		rule = "must be no more than 63 characters (FedState puts the name in "
		       "label values and its children's names)";
	if (!rule)
		rule = fs_k8s_label_value_error(r->owner_name);
	if (rule) {
		snprintf(err, errlen,
			 "federated object %s: metadata.name: Invalid value: \"%.64s%s\": %s",
			 r->owner_kind, r->owner_name,
			 strlen(r->owner_name) > 64 ? "..." : "", rule);
		return FS_E_INVAL;
	}
	if ((rule = fs_k8s_label_error(r->ns)) != NULL) {
		snprintf(err, errlen,
			 "federated object %s \"%s\": metadata.namespace: Invalid value: "
			 "\"%.64s%s\": %s",
			 r->owner_kind, r->owner_name, r->ns, strlen(r->ns) > 64 ? "..." : "",
			 rule);
		return FS_E_INVAL;
	}
	r->clusters = cJSON_IsArray(clusters) ? clusters : NULL;
	r->existing = cJSON_IsArray(existing) ? existing : NULL;
	r->emitted = cJSON_CreateArray();
	r->emit_code = FS_OK;
	return FS_OK;
}

void
fs_render_release(struct fs_render *r)
{
	cJSON_Delete(r->emitted);
	r->emitted = NULL;
	fs_buf_release(&r->why);
	fs_buf_release(&r->emit_err);
}

cJSON *
fs_render_take(struct fs_render *r)
{
	cJSON *a = r->emitted;
	r->emitted = NULL;
	return a;
}

const struct fs_json *
fs_render_lookup(struct fs_render *r, const char *api_version,
		 const char *kind, const char *ns, const char *name)
{
	if (!r || !api_version || !kind || !name)
		return NULL;
	if (!ns)
		ns = r->ns;
	const cJSON *o;
	cJSON_ArrayForEach(o, r->existing)
	{
		struct fs_ops_ref ref;
		if (!fs_ops_ref_of(o, &ref))
			continue;
		if (strcmp(ref.name, name) == 0 && strcmp(ref.kind, kind) == 0 &&
		    strcmp(ref.api_version, api_version) == 0 &&
		    strcmp(ref.ns ? ref.ns : r->ns, ns) == 0)
			return (const struct fs_json *)o;
	}
	return NULL;
}

const char *
fs_render_cluster_label(struct fs_render *r, const char *cluster,
			const char *key)
{
	if (!r || !cluster || !key)
		return NULL;
	const cJSON *c;
	cJSON_ArrayForEach(c, r->clusters)
	{
		const cJSON *meta = cJSON_GetObjectItemCaseSensitive(c, "metadata");
		const char *name = fs_jstr(meta, "name");
		if (name && strcmp(name, cluster) == 0)
			return fs_jstr(cJSON_GetObjectItemCaseSensitive(meta, "labels"),
				      key);
	}
	return NULL;
}

void
fs_render_need_pass(struct fs_render *r, const char *why)
{
	if (!r)
		return;
	r->need_pass = true;
	if (r->why.len)
		fs_buf_adds(&r->why, "; ");
	fs_buf_adds(&r->why, why && *why ? why : "(no reason given)");
}

static cJSON *
object_member(cJSON *parent, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(parent, key);
	if (cJSON_IsObject(v))
		return v;
	if (v)
		cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
	v = cJSON_CreateObject();
	cJSON_AddItemToObject(parent, key, v);
	return v;
}

static void
set_string(cJSON *obj, const char *key, const char *val)
{
	cJSON *s = cJSON_CreateString(val);
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, s);
	else
		cJSON_AddItemToObject(obj, key, s);
}

/* remember the first emit failure (a plugin may ignore the return code) */
static enum fs_code emit_fail(struct fs_render *r, enum fs_code code,
			      const char *fmt, ...) FS_PRINTF(3, 4);

static enum fs_code
emit_fail(struct fs_render *r, enum fs_code code, const char *fmt, ...)
{
	struct fs_buf why = FS_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	fs_buf_vprintf(&why, fmt, ap);
	va_end(ap);
	fs_plugin_set_error(r->inst, "%s", why.data);
	if (r->emit_code == FS_OK) {
		r->emit_code = code;
		fs_buf_reset(&r->emit_err);
		fs_buf_adds(&r->emit_err, why.data);
	}
	fs_buf_release(&why);
	return code;
}

static void
stamp_owner(struct fs_render *r, cJSON *meta)
{
	cJSON *refs = cJSON_GetObjectItemCaseSensitive(meta, "ownerReferences");
	if (cJSON_IsArray(refs) && cJSON_GetArraySize(refs) == 0) {
		/* the plugin asked for an object without owner */
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "ownerReferences");
		return;
	}
	if (refs || !r->owner_uid)
		return; /* the plugin's own references, or no uid to refer to */
	cJSON *ref = cJSON_CreateObject();
	cJSON_AddStringToObject(ref, "apiVersion", r->owner_api_version);
	cJSON_AddBoolToObject(ref, "blockOwnerDeletion", 1);
	cJSON_AddBoolToObject(ref, "controller", 1);
	cJSON_AddStringToObject(ref, "kind", r->owner_kind);
	cJSON_AddStringToObject(ref, "name", r->owner_name);
	cJSON_AddStringToObject(ref, "uid", r->owner_uid);
	refs = cJSON_CreateArray();
	cJSON_AddItemToArray(refs, ref);
	cJSON_AddItemToObject(meta, "ownerReferences", refs);
}

static void
stamp_labels(struct fs_render *r, cJSON *meta)
{
	cJSON *labels = object_member(meta, "labels");
	set_string(labels, FS_OPS_LABEL_MANAGED_BY, FS_OPS_MANAGER);
	set_string(labels, FS_OPS_LABEL_OWNER_KIND, r->owner_kind);
	set_string(labels, FS_OPS_LABEL_OWNER_NAME, r->owner_name); /* checked in init */
	if (r->owner_uid && *r->owner_uid && !fs_k8s_label_value_error(r->owner_uid))
		set_string(labels, FS_OPS_LABEL_OWNER_UID, r->owner_uid);
}

enum fs_code
fs_render_emit(struct fs_render *r, struct fs_json *fobj)
{
	cJSON *obj = (cJSON *)fobj;
	if (!r) {
		cJSON_Delete(obj);
		return FS_E_INVAL;
	}
	struct fs_ops_ref ref;
	if (!cJSON_IsObject(obj)) {
		const char *what = !obj ? "nothing (NULL)" : cJSON_IsArray(obj) ? "an array"
				   : cJSON_IsString(obj) ? "a string" : "a scalar";
		cJSON_Delete(obj);
		return emit_fail(r, FS_E_INVAL,
				 "render: emitted %s; expected a Kubernetes object "
				 "({apiVersion, kind, metadata: {name}})", what);
	}
	if (!fs_ops_ref_of(obj, &ref)) {
		char lacks[64] = "";
		const char *const miss[] = {ref.api_version ? NULL : "apiVersion",
					    ref.kind ? NULL : "kind",
					    ref.name ? NULL : "metadata.name"};
		for (size_t i = 0; i < 3; i++)
			if (miss[i])
				snprintf(lacks + strlen(lacks), sizeof lacks - strlen(lacks),
					 "%s%s", *lacks ? ", " : "", miss[i]);
		enum fs_code c = emit_fail(
			r, FS_E_INVAL,
			"render: emitted object%s%s lacks %s; expected apiVersion, kind "
			"and metadata.name strings",
			ref.kind ? " " : "", ref.kind ? ref.kind : "", lacks);
		cJSON_Delete(obj);
		return c;
	}
	const char *rule = *ref.name ? fs_k8s_subdomain_error(ref.name)
				     : "Required value: name is required";
	if (rule) {
		enum fs_code c = emit_fail(r, FS_E_INVAL,
					   "render: %s: metadata.name: Invalid value: "
					   "\"%.64s%s\": %s",
					   ref.kind, ref.name, strlen(ref.name) > 64 ? "..." : "",
					   rule);
		cJSON_Delete(obj);
		return c;
	}
	if (ref.ns && strcmp(ref.ns, r->ns) != 0) {
		enum fs_code c = emit_fail(
			r, FS_E_INVAL,
			"render: %s %s: metadata.namespace \"%s\" differs from "
			"the federated object's namespace",
			ref.kind, ref.name, ref.ns);
		cJSON_Delete(obj);
		return c;
	}
	const cJSON *o;
	cJSON_ArrayForEach(o, r->emitted)
	{
		struct fs_ops_ref have;
		if (fs_ops_ref_of(o, &have) && fs_ops_ref_same(&have, &ref)) {
			enum fs_code c = emit_fail(
				r, FS_E_EXISTS,
				"render: %s %s/%s emitted twice", ref.kind,
				r->ns, ref.name);
			cJSON_Delete(obj);
			return c;
		}
	}
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	set_string(meta, "namespace", r->ns);
	stamp_owner(r, meta);
	stamp_labels(r, meta);
	cJSON_AddItemToArray(r->emitted, obj);
	return FS_OK;
}
