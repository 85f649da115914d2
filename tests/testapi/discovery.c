/*
 * testapi/discovery.c - /version, /api, /apis (each group's versions in
 * Kubernetes' priority order, the highest preferred) and the per
 * group/version resource lists, enough for kubectl's discovery; OpenAPI
 * v3 (an index, and per group/version the paths with the
 * fieldValidation parameter plus each CRD's schema), and an empty OpenAPI
 * v2 document for kubectl's fallback.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "crd.h"

static cJSON *
str_array(char *const *v, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(v[i]));
	return arr;
}

static cJSON *
resource_list(struct ta_store *s, const char *group,
	      const char *version)
{
	static const char *const verbs[] = {"create", "delete", "get", "list",
					    "patch", "update", "watch"};
	char gv[256];
	if (group[0])
		snprintf(gv, sizeof(gv), "%s/%s", group, version);
	else
		snprintf(gv, sizeof(gv), "%s", version);
	cJSON *out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "kind", "APIResourceList");
	cJSON_AddStringToObject(out, "apiVersion", "v1");
	cJSON_AddStringToObject(out, "groupVersion", gv);
	cJSON *list = cJSON_AddArrayToObject(out, "resources");
	bool any = false;
	for (size_t i = 0; i < s->n_res; i++) {
		struct ta_resource *r = s->res[i];
		if (r->removed || strcmp(r->group, group) || !ta_resource_serves(r, version))
			continue;
		any = true;
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "name", r->plural);
		cJSON_AddStringToObject(e, "singularName", r->singular);
		cJSON_AddBoolToObject(e, "namespaced", r->namespaced);
		cJSON_AddStringToObject(e, "kind", r->kind);
		cJSON_AddItemToObject(e, "verbs", cJSON_CreateStringArray(verbs, 7));
		if (r->n_short)
			cJSON_AddItemToObject(e, "shortNames", str_array(r->short_names, r->n_short));
		cJSON_AddItemToArray(list, e);
		if (r->has_status) {
			char sub[300];
			snprintf(sub, sizeof(sub), "%s/status", r->plural);
			static const char *const sverbs[] = {"get", "patch", "update"};
			e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "name", sub);
			cJSON_AddStringToObject(e, "singularName", "");
			cJSON_AddBoolToObject(e, "namespaced", r->namespaced);
			cJSON_AddStringToObject(e, "kind", r->kind);
			cJSON_AddItemToObject(e, "verbs", cJSON_CreateStringArray(sverbs, 3));
			cJSON_AddItemToArray(list, e);
		}
	}
	if (!any) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}

static cJSON *
group_list(struct ta_store *s)
{
	cJSON *out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "kind", "APIGroupList");
	cJSON_AddStringToObject(out, "apiVersion", "v1");
	cJSON *groups = cJSON_AddArrayToObject(out, "groups");
	for (size_t i = 0; i < s->n_res; i++) {
		struct ta_resource *r = s->res[i];
		if (!r->group[0] || r->removed)
			continue;
		cJSON *g = NULL, *it;
		cJSON_ArrayForEach(it, groups)
		{
			if (!strcmp(cJSON_GetObjectItem(it, "name")->valuestring, r->group))
				g = it;
		}
		if (!g) {
			g = cJSON_CreateObject();
			cJSON_AddStringToObject(g, "name", r->group);
			cJSON_AddArrayToObject(g, "versions");
			cJSON_AddItemToArray(groups, g);
		}
		cJSON *versions = cJSON_GetObjectItem(g, "versions");
		for (size_t v = 0; v < r->n_versions; v++) {
			bool have = false;
			cJSON_ArrayForEach(it, versions)
			{
				if (!strcmp(cJSON_GetObjectItem(it, "version")->valuestring,
					    r->versions[v]))
					have = true;
			}
			if (have)
				continue;
			char gv[256];
			snprintf(gv, sizeof(gv), "%s/%s", r->group, r->versions[v]);
			cJSON *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "groupVersion", gv);
			cJSON_AddStringToObject(e, "version", r->versions[v]);
			/* keep the group's versions in priority order */
			int at = 0;
			cJSON_ArrayForEach(it, versions)
			{
				if (ta_version_cmp(cJSON_GetObjectItem(it, "version")->valuestring,
						   r->versions[v]) < 0)
					at++;
			}
			if (at == cJSON_GetArraySize(versions))
				cJSON_AddItemToArray(versions, e);
			else
				cJSON_InsertItemInArray(versions, at, e);
		}
	}
	cJSON *g;
	cJSON_ArrayForEach(g, groups)
	{
		cJSON_AddItemToObject(g, "preferredVersion",
				      cJSON_Duplicate(cJSON_GetArrayItem(cJSON_GetObjectItem(g, "versions"), 0), true));
	}
	return out;
}

/*
 * OpenAPI v3 without schemas: every PATCH operation says it takes the
 * fieldValidation parameter, so kubectl leaves validation to the server
 * instead of validating client-side against schemas we do not have.
 */
static cJSON *
openapi_v3(struct ta_store *s, const char *rest, size_t n)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON *paths = cJSON_AddObjectToObject(doc, "paths");
	char want[320];
	snprintf(want, sizeof(want), "%.*s", (int)n, rest);
	bool found = n == 0;
	if (n)
		cJSON_AddStringToObject(doc, "openapi", "3.0.0");
	cJSON *schemas = n ? cJSON_AddObjectToObject(cJSON_AddObjectToObject(doc, "components"),
						     "schemas") : NULL;
	for (size_t i = 0; i < s->n_res; i++) {
		struct ta_resource *r = s->res[i];
		if (r->removed)
			continue;
		for (size_t v = 0; v < r->n_versions; v++) {
			char gvpath[300];
			if (r->group[0])
				snprintf(gvpath, sizeof(gvpath), "apis/%s/%s", r->group, r->versions[v]);
			else
				snprintf(gvpath, sizeof(gvpath), "api/%s", r->versions[v]);
			if (!n) {
				char url[400];
				snprintf(url, sizeof(url), "/openapi/v3/%s", gvpath);
				cJSON *e = cJSON_CreateObject();
				cJSON_AddStringToObject(e, "serverRelativeURL", url);
				cJSON_DeleteItemFromObjectCaseSensitive(paths, gvpath);
				cJSON_AddItemToObject(paths, gvpath, e);
				continue;
			}
			if (strcmp(want + 1, gvpath))
				continue;
			found = true;
			char path[600];
			snprintf(path, sizeof(path), "/%s/%s%s/{name}", gvpath,
				 r->namespaced ? "namespaces/{namespace}/" : "", r->plural);
			cJSON *op = cJSON_CreateObject();
			cJSON *gvk = cJSON_AddObjectToObject(op, "x-kubernetes-group-version-kind");
			cJSON_AddStringToObject(gvk, "group", r->group);
			cJSON_AddStringToObject(gvk, "version", r->versions[v]);
			cJSON_AddStringToObject(gvk, "kind", r->kind);
			cJSON *params = cJSON_AddArrayToObject(op, "parameters");
			cJSON *fv = cJSON_CreateObject();
			cJSON_AddStringToObject(fv, "name", "fieldValidation");
			cJSON_AddStringToObject(fv, "in", "query");
			cJSON_AddItemToArray(params, fv);
			cJSON_AddObjectToObject(op, "responses");
			cJSON *item = cJSON_CreateObject();
			cJSON_AddItemToObject(item, "patch", op);
			cJSON_AddItemToObject(paths, path, item);
			const cJSON *sch = r->crd ? ta_crd_schema(r, r->versions[v]) : NULL;
			if (sch) { /* "<reversed group>.<version>.<Kind>", as the real one names it */
				char name[512] = "", grp[256];
				snprintf(grp, sizeof(grp), "%s", r->group);
				char *dot;
				while ((dot = strrchr(grp, '.'))) {
					size_t l = strlen(name);
					snprintf(name + l, sizeof(name) - l, "%s.", dot + 1);
					*dot = '\0';
				}
				size_t l = strlen(name);
				snprintf(name + l, sizeof(name) - l, "%s.%s.%s", grp, r->versions[v], r->kind);
				cJSON *d = cJSON_Duplicate(sch, true);
				cJSON *g = cJSON_CreateObject();
				cJSON_AddStringToObject(g, "group", r->group);
				cJSON_AddStringToObject(g, "version", r->versions[v]);
				cJSON_AddStringToObject(g, "kind", r->kind);
				cJSON *arr = cJSON_CreateArray();
				cJSON_AddItemToArray(arr, g);
				cJSON_AddItemToObject(d, "x-kubernetes-group-version-kind", arr);
				cJSON_AddItemToObject(schemas, name, d);
			}
		}
	}
	if (!found) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

/*
 * OpenAPI v2, which kubectl falls back to for a group/version absent from
 * v3: a document with no paths and no definitions, so its schema
 * validation skips kinds it does not know (as against a real server for
 * a kind no CRD defines). kubectl asks for gnostic's protobuf form:
 * Document{swagger = 1, info = 2 {title = 1, version = 2}}.
 */
static void
openapi_v2(struct ta_conn *c, const struct ta_req *r)
{
	static const char title[] = "Kubernetes", version[] = "v1.32.0";
	if (!strstr(r->accept, "protobuf")) {
		static const char json[] = "{\"swagger\":\"2.0\",\"info\":{\"title\":\"Kubernetes\","
					   "\"version\":\"v1.32.0\"},\"paths\":{},\"definitions\":{}}\n";
		ta_respond(c, 200, "application/json", json, sizeof(json) - 1, NULL);
		return;
	}
	char pb[64];
	size_t n = 0, tl = sizeof(title) - 1, vl = sizeof(version) - 1;
	pb[n++] = 0x0a; /* 1: swagger */
	pb[n++] = 3;
	memcpy(pb + n, "2.0", 3);
	n += 3;
	pb[n++] = 0x12; /* 2: info */
	pb[n++] = (char)(2 + tl + 2 + vl);
	pb[n++] = 0x0a; /* info 1: title */
	pb[n++] = (char)tl;
	memcpy(pb + n, title, tl);
	n += tl;
	pb[n++] = 0x12; /* info 2: version */
	pb[n++] = (char)vl;
	memcpy(pb + n, version, vl);
	n += vl;
	ta_respond(c, 200, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf", pb, n, NULL);
}

bool
ta_discovery(struct ta_api *a, struct ta_conn *c, const struct ta_req *r)
{
	if (strcmp(r->method, "GET"))
		return false;
	const char *p = r->path;
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	cJSON *doc = NULL;
	if (n == 8 && !strncmp(p, "/version", 8)) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "major", "1");
		cJSON_AddStringToObject(doc, "minor", "32");
		cJSON_AddStringToObject(doc, "gitVersion", "v1.32.0-fedstate-testapi");
		cJSON_AddStringToObject(doc, "platform", "linux/amd64");
	} else if (n == 11 && !strncmp(p, "/openapi/v2", 11)) {
		openapi_v2(c, r);
		return true;
	} else if (!strncmp(p, "/openapi/v3", 11)) {
		doc = openapi_v3(&a->store, p + 11, n - 11);
		if (!doc)
			return false;
	} else if (n == 4 && !strncmp(p, "/api", 4)) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "kind", "APIVersions");
		const char *v1 = "v1";
		cJSON_AddItemToObject(doc, "versions", cJSON_CreateStringArray(&v1, 1));
		cJSON *sa = cJSON_AddArrayToObject(doc, "serverAddressByClientCIDRs");
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "clientCIDR", "0.0.0.0/0");
		char addr[64];
		snprintf(addr, sizeof(addr), "127.0.0.1:%u", ta_server_port(a->http));
		cJSON_AddStringToObject(e, "serverAddress", addr);
		cJSON_AddItemToArray(sa, e);
	} else if (n == 5 && !strncmp(p, "/apis", 5)) {
		doc = group_list(&a->store);
	} else if (!strncmp(p, "/api/", 5) && !memchr(p + 5, '/', n - 5)) {
		char v[64];
		snprintf(v, sizeof(v), "%.*s", (int)(n - 5), p + 5);
		doc = resource_list(&a->store, "", v);
		if (!doc)
			return false;
	} else if (!strncmp(p, "/apis/", 6)) {
		const char *g = p + 6;
		const char *slash = memchr(g, '/', n - 6);
		if (!slash || memchr(slash + 1, '/', (size_t)(p + n - slash - 1)))
			return false;
		char group[256], v[64];
		snprintf(group, sizeof(group), "%.*s", (int)(slash - g), g);
		snprintf(v, sizeof(v), "%.*s", (int)(p + n - slash - 1), slash + 1);
		doc = resource_list(&a->store, group, v);
		if (!doc)
			return false;
	} else {
		return false;
	}
	ta_api_json(c, 200, doc);
	cJSON_Delete(doc);
	return true;
}
