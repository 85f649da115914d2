/*
 * ops/prune.c - what an earlier render left behind, and the offline
 * NodePort allocator.
 */
#include "ops/ops.h"

#include <stdint.h>
#include <string.h>

#include "ops/object.h"
#include "ops/render.h"
#include "util/jfield.h"

static bool
same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* did an earlier render for `owner` stamp o? */
static bool
rendered_for(const cJSON *owner, const char *ns, const cJSON *o)
{
	struct fs_ops_ref ref;
	if (!fs_ops_ref_of(o, &ref) || !same(ref.ns ? ref.ns : "default", ns))
		return false;
	if (!same(fs_ops_label(o, FS_OPS_LABEL_MANAGED_BY), FS_OPS_MANAGER))
		return false;
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(owner, "metadata");
	const char *uid = fs_jstr(meta, "uid");
	if (uid)
		return same(fs_ops_label(o, FS_OPS_LABEL_OWNER_UID), uid);
	return same(fs_ops_label(o, FS_OPS_LABEL_OWNER_KIND), fs_jstr(owner, "kind")) &&
	       same(fs_ops_label(o, FS_OPS_LABEL_OWNER_NAME), fs_jstr(meta, "name"));
}

static bool
in_set(const cJSON *set, const struct fs_ops_ref *ref)
{
	const cJSON *d;
	cJSON_ArrayForEach(d, set)
	{
		struct fs_ops_ref r;
		if (fs_ops_ref_of(d, &r) && fs_ops_ref_same(&r, ref))
			return true;
	}
	return false;
}

cJSON *
fs_ops_prune(const cJSON *owner, const cJSON *existing, const cJSON *desired)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(owner, "metadata");
	const char *ns = fs_jstr(meta, "namespace");
	if (!ns || !*ns)
		ns = "default";
	const cJSON *o;
	cJSON_ArrayForEach(o, existing)
	{
		struct fs_ops_ref ref;
		if (!rendered_for(owner, ns, o) || !fs_ops_ref_of(o, &ref) ||
		    in_set(desired, &ref))
			continue;
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "apiVersion", ref.api_version);
		cJSON_AddStringToObject(p, "kind", ref.kind);
		cJSON *m = cJSON_AddObjectToObject(p, "metadata");
		cJSON_AddStringToObject(m, "name", ref.name);
		cJSON_AddStringToObject(m, "namespace", ns);
		cJSON_AddItemToArray(out, p);
	}
	fs_ops_sort_objects(out);
	return out;
}

/* ---- offline NodePort allocation ---- */

#define NODEPORT_MIN 30000
#define NODEPORT_SPAN 2768 /* 30000-32767 */

static uint32_t
fnv1a(uint32_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return (h ^ '/') * 16777619u;
}

static bool
service_uses(const cJSON *o, int port)
{
	if (!same(fs_jstr(o, "kind"), "Service"))
		return false;
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(o, "spec");
	const cJSON *p;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(spec, "ports"))
	{
		const cJSON *np = cJSON_GetObjectItemCaseSensitive(p, "nodePort");
		if (cJSON_IsNumber(np) && np->valueint == port)
			return true;
	}
	return false;
}

static bool
port_used(const cJSON *objs, int port)
{
	const cJSON *o;
	cJSON_ArrayForEach(o, objs)
	{
		if (service_uses(o, port))
			return true;
	}
	return false;
}

static void
replace_existing(cJSON *existing, cJSON *svc)
{
	struct fs_ops_ref ref;
	fs_ops_ref_of(svc, &ref);
	cJSON *o;
	cJSON_ArrayForEach(o, existing)
	{
		struct fs_ops_ref r;
		if (fs_ops_ref_of(o, &r) && fs_ops_ref_same(&r, &ref) &&
		    same(r.ns, ref.ns)) {
			cJSON_ReplaceItemViaPointer(existing, o, svc);
			return;
		}
	}
	cJSON_AddItemToArray(existing, svc);
}

size_t
fs_ops_allocate_nodeports(const cJSON *desired, cJSON *existing)
{
	size_t n = 0;
	const cJSON *d;
	cJSON_ArrayForEach(d, desired)
	{
		const cJSON *spec = cJSON_GetObjectItemCaseSensitive(d, "spec");
		if (!same(fs_jstr(d, "kind"), "Service") || !same(fs_jstr(d, "apiVersion"), "v1") ||
		    !same(fs_jstr(spec, "type"), "NodePort"))
			continue;
		cJSON *svc = cJSON_Duplicate(d, 1);
		cJSON *ports = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(svc, "spec"), "ports");
		size_t added = 0;
		cJSON *p;
		cJSON_ArrayForEach(p, ports)
		{
			if (cJSON_GetObjectItemCaseSensitive(p, "nodePort"))
				continue;
			const cJSON *meta = cJSON_GetObjectItemCaseSensitive(svc, "metadata");
			uint32_t h = fnv1a(2166136261u, fs_jstr(meta, "namespace"));
			h = fnv1a(h, fs_jstr(meta, "name"));
			h = fnv1a(h, fs_jstr(p, "name"));
			int port = NODEPORT_MIN + (int)(h % NODEPORT_SPAN);
			for (int tries = 0; tries < NODEPORT_SPAN &&
					    (port_used(existing, port) || service_uses(svc, port));
			     tries++)
				port = NODEPORT_MIN + (port - NODEPORT_MIN + 1) % NODEPORT_SPAN;
			cJSON_AddNumberToObject(p, "nodePort", port);
			added++;
		}
		if (!added) {
			cJSON_Delete(svc);
			continue;
		}
		n += added;
		replace_existing(existing, svc);
	}
	return n;
}
