/*
 * ops/health.c - interpret_health per member before aggregate_status (see
 * health.h).
 */
#include "ops/health.h"

#include <string.h>

#include "ops/object.h"
#include "plugin/crash.h"
#include "plugin/loader.h"
#include "util/jfield.h"

/* the existing object named by ref (the rendered template), or NULL */
static const cJSON *
template_of(const cJSON *existing, const struct fs_ops_ref *ref)
{
	const cJSON *o;
	cJSON_ArrayForEach(o, existing)
	{
		struct fs_ops_ref have;
		if (fs_ops_ref_of(o, &have) && fs_ops_ref_same(&have, ref) &&
		    (!ref->ns || !have.ns || strcmp(ref->ns, have.ns) == 0))
			return o;
	}
	return NULL;
}

/* {apiVersion, kind, metadata{name, namespace}, spec?, status}: new */
static cJSON *
member_of(const cJSON *resource, const cJSON *tmpl, const cJSON *status)
{
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "apiVersion", fs_jstr(resource, "apiVersion"));
	cJSON_AddStringToObject(m, "kind", fs_jstr(resource, "kind"));
	cJSON *meta = cJSON_AddObjectToObject(m, "metadata");
	cJSON_AddStringToObject(meta, "name", fs_jstr(resource, "name"));
	if (fs_jstr(resource, "namespace"))
		cJSON_AddStringToObject(meta, "namespace", fs_jstr(resource, "namespace"));
	const cJSON *spec = fs_jget(tmpl, "spec");
	if (spec)
		cJSON_AddItemToObject(m, "spec", cJSON_Duplicate(spec, 1));
	cJSON_AddItemToObject(m, "status", cJSON_Duplicate(status, 1));
	return m;
}

static void
set_str(cJSON *o, const char *key, const char *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	cJSON_AddStringToObject(o, key, v);
}

cJSON *
fs_ops_member_health(const struct fs_ops_mw *mw, const cJSON *binding,
		     const cJSON *existing)
{
	if (!mw || !mw->ops->interpret_health || !cJSON_IsObject(binding))
		return NULL;
	const cJSON *resource = fs_jget(fs_jget(binding, "spec"), "resource");
	struct fs_ops_ref ref = {
		.api_version = fs_jstr(resource, "apiVersion"),
		.kind = fs_jstr(resource, "kind"),
		.ns = fs_jstr(resource, "namespace"),
		.name = fs_jstr(resource, "name"),
	};
	if (!ref.api_version || !ref.kind || !ref.name)
		return NULL; /* not a binding of one object */
	const cJSON *tmpl = template_of(existing, &ref);
	cJSON *copy = NULL;
	const cJSON *items = fs_jget(fs_jget(binding, "status"), "aggregatedStatus");
	int n = cJSON_GetArraySize(items);
	for (int i = 0; i < n; i++) {
		const cJSON *it = cJSON_GetArrayItem(items, i);
		const cJSON *st = fs_jget(it, "status");
		const char *health = fs_jstr(it, "health");
		if (!cJSON_IsObject(st) || (health && strcmp(health, "Unknown") != 0))
			continue; /* nothing reported, or Karmada knows */
		cJSON *member = member_of(resource, tmpl, st);
		bool healthy = false;
		const char *reason = NULL;
		struct fs_crash_call cc;
		fs_crash_from(&cc, mw->inst, "interpret_health");
		cc.kind = ref.kind;
		cc.ns = ref.ns;
		cc.name = ref.name;
		fs_crash_enter(&cc);
		enum fs_code rc = mw->ops->interpret_health(mw->state, (const struct fs_json *)member,
							    &healthy, &reason);
		fs_crash_leave(&cc);
		cJSON_Delete(member);
		if (FS_IS_ERROR(rc))
			continue; /* the plugin cannot tell: Karmada's answer stays */
		if (!copy)
			copy = cJSON_Duplicate(binding, 1);
		cJSON *cit = cJSON_GetArrayItem(
			cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(copy, "status"),
				"aggregatedStatus"),
			i);
		set_str(cit, "health", healthy ? "Healthy" : "Unhealthy");
		if (reason && *reason)
			set_str(cit, "healthReason", reason);
		else
			cJSON_DeleteItemFromObjectCaseSensitive(cit, "healthReason");
	}
	return copy;
}
