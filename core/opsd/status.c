/*
 * opsd/status.c - the member binding of a federated object and the
 * /status write (see opsd_int.h).
 *
 * The member workload is the rendered object without an owner reference
 * (docs/ops.md: what Karmada propagates must not point at an owner that
 * members lack); Karmada names its ResourceBinding
 * "<name>-<lower-case kind>". A binding whose spec.resource.uid is not
 * the live object's belongs to an earlier incarnation: stale, so it is
 * treated as missing and the plugin reports UnKnown.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opsd/opsd_int.h"
#include "ops/object.h"
#include "util/log.h"
#include "util/jfield.h"
#include "util/timefmt.h"



static const cJSON *
binding_of(struct fs_opsd *o, const cJSON *d)
{
	struct fs_ops_ref r;
	if (!fs_ops_ref_of(d, &r) || fs_jget(fs_jget(d, "metadata"), "ownerReferences") ||
	    !strncmp(r.api_version, "policy.karmada.io/", 18))
		return NULL;
	struct fs_buf name = FS_BUF_INIT;
	fs_buf_printf(&name, "%s-", r.name);
	for (const char *k = r.kind; *k; k++)
		fs_buf_addc(&name, (char)tolower((unsigned char)*k));
	const cJSON *rb = fs_kube_informer_get(o->rbs, r.ns, name.data);
	fs_buf_release(&name);
	const cJSON *res = fs_jget(fs_jget(rb, "spec"), "resource");
	if (!rb || !fs_jstr(res, "kind") || strcmp(fs_jstr(res, "kind"), r.kind) ||
	    !fs_jstr(res, "name") || strcmp(fs_jstr(res, "name"), r.name))
		return NULL;
	struct opsd_kind *k = opsd_kind_get(o, &o->kids, r.api_version, r.kind, false, false);
	const cJSON *live = k ? fs_kube_informer_get(k->inf, r.ns, r.name) : NULL;
	const char *luid = live ? fs_jstr(fs_jget(live, "metadata"), "uid") : NULL;
	const char *ruid = fs_jstr(res, "uid");
	if (!live || (luid && ruid && strcmp(luid, ruid))) {
		fs_debug("ops", "binding %s/%s is stale or its resource is gone: ignored",
			 r.ns, fs_jstr(fs_jget(rb, "metadata"), "name"));
		return NULL;
	}
	return rb;
}

const cJSON *
opsd_member_binding(struct fs_opsd *o, const cJSON *desired)
{
	const cJSON *d;
	cJSON_ArrayForEach(d, desired)
	{
		const cJSON *rb = binding_of(o, d);
		if (rb)
			return rb;
	}
	return NULL;
}

/* set our Rendered condition in status.conditions, keeping the live
 * transition time when its status did not change */
static void
set_condition(cJSON *status, const cJSON *live_status, bool ok, const char *reason,
	      const char *msg)
{
	const char *st = ok ? "True" : "False";
	char when[32];
	fs_time_rfc3339((int64_t)time(NULL), when, sizeof when);
	const cJSON *c;
	cJSON_ArrayForEach(c, fs_jget(live_status, "conditions"))
	{
		if (fs_jstr(c, "type") && !strcmp(fs_jstr(c, "type"), "Rendered") && fs_jstr(c, "status") &&
		    !strcmp(fs_jstr(c, "status"), st) && fs_jstr(c, "lastTransitionTime"))
			snprintf(when, sizeof when, "%s", fs_jstr(c, "lastTransitionTime"));
	}
	cJSON *list = cJSON_GetObjectItemCaseSensitive(status, "conditions");
	if (!cJSON_IsArray(list)) {
		cJSON_DeleteItemFromObjectCaseSensitive(status, "conditions");
		list = cJSON_AddArrayToObject(status, "conditions");
	}
	for (int i = cJSON_GetArraySize(list) - 1; i >= 0; i--) {
		const char *t = fs_jstr(cJSON_GetArrayItem(list, i), "type");
		if (t && !strcmp(t, "Rendered"))
			cJSON_DeleteItemFromArray(list, i);
	}
	cJSON *nc = cJSON_CreateObject();
	cJSON_AddStringToObject(nc, "type", "Rendered");
	cJSON_AddStringToObject(nc, "status", st);
	cJSON_AddStringToObject(nc, "lastTransitionTime", when);
	cJSON_AddStringToObject(nc, "reason", reason);
	cJSON_AddStringToObject(nc, "message", msg);
	cJSON_AddItemToArray(list, nc);
}

cJSON *
opsd_status_patch(struct fs_opsd *o, const cJSON *obj, cJSON *status, bool rendered,
		  const char *reason, const char *msg)
{
	const cJSON *live = fs_jget(obj, "status");
	set_condition(status, live, rendered, reason, msg);
	const cJSON *gen = fs_jget(fs_jget(obj, "metadata"), "generation");
	cJSON_DeleteItemFromObjectCaseSensitive(status, "observedGeneration");
	if (cJSON_IsNumber(gen))
		cJSON_AddNumberToObject(status, "observedGeneration", gen->valuedouble);
	if (cJSON_Compare(status, live, true)) {
		cJSON_Delete(status);
		return NULL;
	}
	const char *was = fs_jstr(live, "state"), *now = fs_jstr(status, "state");
	if (now && (!was || strcmp(was, now))) {
		bool good = !strcmp(now, "Health");
		const char *why = NULL;
		const cJSON *c;
		cJSON_ArrayForEach(c, fs_jget(status, "conditions"))
			if (!why && fs_jstr(c, "status") && !strcmp(fs_jstr(c, "status"), good ? "True" : "False") &&
			    fs_jstr(c, "type") && strcmp(fs_jstr(c, "type"), "Rendered"))
				why = fs_jstr(c, "message");
		fs_kube_record(o->rec, obj, good ? "Normal" : "Warning", "StateChanged", "Status",
			       "state %s -> %s%s%s", was ? was : "(none)", now, why ? ": " : "",
			       why ? why : "");
	}
	/* keys the new status drops are removed (merge patch null) */
	const cJSON *k;
	cJSON_ArrayForEach(k, live)
		if (!fs_jget(status, k->string))
			cJSON_AddNullToObject(status, k->string);
	cJSON *patch = cJSON_CreateObject();
	cJSON_AddItemToObject(patch, "status", status);
	return patch;
}
