/*
 * testapi/table.c - Table responses (see table.h).
 */
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crd.h"
#include "util/buf.h"

struct column {
	const char *name, *type, *path;
	int priority;
};

/* a built-in's columns after Name (path "#count:" counts keys of the
 * objects named after it, "#ready" is a Deployment's ready/replicas) */
struct printer {
	const char *group, *plural;
	struct column cols[6];
};

#define AGE {"Age", "date", ".metadata.creationTimestamp", 0}
static const struct printer printers[] = {
	{"", "namespaces", {{"Status", "string", ".status.phase", 0}, AGE}},
	{"", "configmaps", {{"Data", "integer", "#count:data,binaryData", 0}, AGE}},
	{"", "secrets", {{"Type", "string", ".type", 0}, {"Data", "integer", "#count:data", 0}, AGE}},
	{"", "serviceaccounts", {{"Secrets", "integer", "#count:secrets", 0}, AGE}},
	{"", "services", {{"Type", "string", ".spec.type", 0}, {"Cluster-IP", "string", ".spec.clusterIP", 0},
			  {"Port(s)", "string", "#ports", 0}, AGE}},
	{"", "events", {{"Type", "string", ".type", 0}, {"Reason", "string", ".reason", 0},
			{"Message", "string", ".message", 0}}},
	{"apps", "deployments", {{"Ready", "string", "#ready", 0},
				 {"Up-to-date", "integer", ".status.updatedReplicas", 0},
				 {"Available", "integer", ".status.availableReplicas", 0}, AGE}},
	{"coordination.k8s.io", "leases", {{"Holder", "string", ".spec.holderIdentity", 0}, AGE}},
	{"rbac.authorization.k8s.io", "roles", {{"Created At", "date", "#created", 0}}},
	{"rbac.authorization.k8s.io", "clusterroles", {{"Created At", "date", "#created", 0}}},
	{"rbac.authorization.k8s.io", "rolebindings", {{"Role", "string", "#roleref", 0}, AGE}},
	{"rbac.authorization.k8s.io", "clusterrolebindings", {{"Role", "string", "#roleref", 0}, AGE}},
	{"policy", "poddisruptionbudgets", {{"Min Available", "string", ".spec.minAvailable", 0},
					    {"Max Unavailable", "string", ".spec.maxUnavailable", 0},
					    {"Allowed Disruptions", "integer", ".status.disruptionsAllowed", 0},
					    AGE}},
	{"apiextensions.k8s.io", "customresourcedefinitions", {{"Created At", "date", "#created", 0}}},
	{"cluster.karmada.io", "clusters", {{"Version", "string", ".status.kubernetesVersion", 0},
					    {"Mode", "string", ".spec.syncMode", 0},
					    {"Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", 0},
					    AGE}},
};

bool
ta_table_wanted(const char *accept)
{
	return accept && strstr(accept, "as=Table") != NULL;
}

static void
add_column(cJSON *defs, const char *name, const char *type, const char *format,
	   const char *desc, int priority)
{
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "name", name);
	cJSON_AddStringToObject(c, "type", type);
	cJSON_AddStringToObject(c, "format", format ? format : "");
	cJSON_AddStringToObject(c, "description", desc ? desc : "");
	cJSON_AddNumberToObject(c, "priority", priority);
	cJSON_AddItemToArray(defs, c);
}

static const struct printer *
printer_of(const struct ta_resource *r)
{
	for (size_t i = 0; i < sizeof(printers) / sizeof(printers[0]); i++)
		if (!strcmp(printers[i].group, r->group) && !strcmp(printers[i].plural, r->plural))
			return &printers[i];
	return NULL;
}

static const cJSON *
crd_columns(const struct ta_resource *r, const char *version)
{
	if (!r->crd)
		return NULL;
	const cJSON *cols = cJSON_GetObjectItemCaseSensitive(ta_crd_version(r, version),
							      "additionalPrinterColumns");
	if (!cols) /* apiextensions v1beta1 */
		cols = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r->crd, "spec"),
							"additionalPrinterColumns");
	return cJSON_GetArraySize(cols) ? cols : NULL;
}

static const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

cJSON *
ta_table_new(const struct ta_resource *r, const char *version)
{
	cJSON *t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "kind", "Table");
	cJSON_AddStringToObject(t, "apiVersion", "meta.k8s.io/v1");
	cJSON_AddObjectToObject(t, "metadata");
	cJSON *defs = cJSON_AddArrayToObject(t, "columnDefinitions");
	add_column(defs, "Name", "string", "name",
		   "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
		   0);
	cJSON_AddArrayToObject(t, "rows");
	const cJSON *cols = crd_columns(r, version), *c;
	if (cols) {
		cJSON_ArrayForEach(c, cols)
		{
			const cJSON *prio = cJSON_GetObjectItemCaseSensitive(c, "priority");
			add_column(defs, jstr(c, "name") ? jstr(c, "name") : "",
				   jstr(c, "type") ? jstr(c, "type") : "string", jstr(c, "format"),
				   jstr(c, "description"), cJSON_IsNumber(prio) ? prio->valueint : 0);
		}
		return t;
	}
	const struct printer *p = r->crd ? NULL : printer_of(r);
	if (!p) {
		add_column(defs, "Age", "date", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0);
		return t;
	}
	for (size_t i = 0; i < 6 && p->cols[i].name; i++)
		add_column(defs, p->cols[i].name, !strcmp(p->cols[i].type, "date") ? "string" : p->cols[i].type,
			   "", "", p->cols[i].priority);
	return t;
}

/* ---------------------------------------------------------------- jsonpath */

static const cJSON *
filter_match(const cJSON *arr, const char *expr)
{
	/* @.key=="value" */
	const char *eq = strstr(expr, "==");
	if (strncmp(expr, "@.", 2) || !eq)
		return NULL;
	char key[128], val[256];
	snprintf(key, sizeof(key), "%.*s", (int)(eq - expr - 2), expr + 2);
	const char *v = eq + 2;
	size_t vl = strlen(v);
	if (vl >= 2 && (v[0] == '"' || v[0] == '\'')) {
		v++;
		vl -= 2;
	}
	snprintf(val, sizeof(val), "%.*s", (int)vl, v);
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		char kp[130];
		snprintf(kp, sizeof(kp), ".%s", key);
		const cJSON *f = ta_jsonpath(it, kp);
		if (cJSON_IsString(f) && !strcmp(f->valuestring, val))
			return it;
	}
	return NULL;
}

const cJSON *
ta_jsonpath(const cJSON *obj, const char *path)
{
	const char *p = path;
	if (*p == '{') /* {.a.b} */
		p++;
	const cJSON *cur = obj;
	while (*p && *p != '}' && cur) {
		if (*p == '.') {
			p++;
			size_t n = strcspn(p, ".[}");
			char key[256];
			snprintf(key, sizeof(key), "%.*s", (int)n, p);
			cur = cJSON_GetObjectItemCaseSensitive(cur, key);
			p += n;
		} else if (*p == '[') {
			const char *end = strchr(p, ']');
			if (!end)
				return NULL;
			char in[300];
			snprintf(in, sizeof(in), "%.*s", (int)(end - p - 1), p + 1);
			if (in[0] == '?' && in[1] == '(') {
				size_t l = strlen(in);
				if (l < 3 || in[l - 1] != ')')
					return NULL;
				in[l - 1] = '\0';
				cur = filter_match(cur, in + 2);
			} else {
				cur = cJSON_GetArrayItem(cur, atoi(in));
			}
			p = end + 1;
		} else {
			return NULL;
		}
	}
	return cur;
}

/* ---------------------------------------------------------------- rows */

/* apimachinery's duration.HumanDuration */
static void
human_age(const char *ts, char *buf, size_t n)
{
	struct tm tm = {0};
	if (!ts || !strptime(ts, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		snprintf(buf, n, "<unknown>");
		return;
	}
	long s = (long)difftime(time(NULL), timegm(&tm));
	if (s < -1) {
		snprintf(buf, n, "<invalid>");
	} else if (s < 0) {
		snprintf(buf, n, "0s");
	} else if (s < 120) {
		snprintf(buf, n, "%lds", s);
	} else if (s < 600) {
		if (s % 60)
			snprintf(buf, n, "%ldm%lds", s / 60, s % 60);
		else
			snprintf(buf, n, "%ldm", s / 60);
	} else if (s < 3 * 3600) {
		snprintf(buf, n, "%ldm", s / 60);
	} else if (s < 8 * 3600) {
		long m = (s / 60) % 60;
		if (m)
			snprintf(buf, n, "%ldh%ldm", s / 3600, m);
		else
			snprintf(buf, n, "%ldh", s / 3600);
	} else if (s < 48 * 3600) {
		snprintf(buf, n, "%ldh", s / 3600);
	} else if (s < 8 * 86400) {
		long h = (s / 3600) % 24;
		if (h)
			snprintf(buf, n, "%ldd%ldh", s / 86400, h);
		else
			snprintf(buf, n, "%ldd", s / 86400);
	} else if (s < 2 * 365 * 86400L) {
		snprintf(buf, n, "%ldd", s / 86400);
	} else {
		snprintf(buf, n, "%ldy", s / (365 * 86400L));
	}
}

static cJSON *
computed(const char *what, const cJSON *obj)
{
	char buf[512];
	if (!strncmp(what, "#count:", 7)) {
		char keys[64];
		snprintf(keys, sizeof(keys), "%s", what + 7);
		int n = 0;
		char *save = NULL;
		for (char *k = strtok_r(keys, ",", &save); k; k = strtok_r(NULL, ",", &save))
			n += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(obj, k));
		return cJSON_CreateNumber(n);
	}
	if (!strcmp(what, "#ready")) {
		const cJSON *rd = ta_jsonpath(obj, ".status.readyReplicas");
		const cJSON *rp = ta_jsonpath(obj, ".spec.replicas");
		snprintf(buf, sizeof(buf), "%d/%d", cJSON_IsNumber(rd) ? rd->valueint : 0,
			 cJSON_IsNumber(rp) ? rp->valueint : 1);
		return cJSON_CreateString(buf);
	}
	if (!strcmp(what, "#created")) {
		const cJSON *ts = ta_jsonpath(obj, ".metadata.creationTimestamp");
		return cJSON_CreateString(cJSON_IsString(ts) ? ts->valuestring : "");
	}
	if (!strcmp(what, "#roleref")) {
		snprintf(buf, sizeof(buf), "%s/%s",
			 jstr(ta_jsonpath(obj, ".roleRef"), "kind") ? jstr(ta_jsonpath(obj, ".roleRef"), "kind") : "",
			 jstr(ta_jsonpath(obj, ".roleRef"), "name") ? jstr(ta_jsonpath(obj, ".roleRef"), "name") : "");
		return cJSON_CreateString(buf);
	}
	if (!strcmp(what, "#ports")) {
		struct fs_buf b = FS_BUF_INIT;
		const cJSON *p;
		cJSON_ArrayForEach(p, ta_jsonpath(obj, ".spec.ports"))
		{
			const cJSON *port = cJSON_GetObjectItemCaseSensitive(p, "port");
			const cJSON *np = cJSON_GetObjectItemCaseSensitive(p, "nodePort");
			fs_buf_printf(&b, "%s%d", b.len ? "," : "",
				      cJSON_IsNumber(port) ? port->valueint : 0);
			if (cJSON_IsNumber(np)) /* as kubectl prints NodePorts: 27017:31234/TCP */
				fs_buf_printf(&b, ":%d", np->valueint);
			fs_buf_printf(&b, "/%s", jstr(p, "protocol") ? jstr(p, "protocol") : "TCP");
		}
		cJSON *s = cJSON_CreateString(b.len ? b.data : "<none>");
		fs_buf_release(&b);
		return s;
	}
	return cJSON_CreateNull();
}

static cJSON *
cell(const char *type, const char *path, const cJSON *obj)
{
	if (path[0] == '#')
		return computed(path, obj);
	const cJSON *v = ta_jsonpath(obj, path);
	if (!v)
		return cJSON_CreateNull();
	if (type && !strcmp(type, "date")) {
		char age[32];
		human_age(cJSON_IsString(v) ? v->valuestring : NULL, age, sizeof(age));
		return cJSON_CreateString(age);
	}
	return cJSON_Duplicate(v, true);
}

static cJSON *
row_object(const cJSON *obj, const char *include)
{
	if (include && !strcmp(include, "Object"))
		return cJSON_Duplicate(obj, true);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "PartialObjectMetadata");
	cJSON_AddStringToObject(o, "apiVersion", "meta.k8s.io/v1");
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	cJSON_AddItemToObject(o, "metadata", md ? cJSON_Duplicate(md, true) : cJSON_CreateObject());
	return o;
}

void
ta_table_add_row(cJSON *table, const struct ta_resource *r,
		 const char *version, const cJSON *obj, const char *include)
{
	cJSON *row = cJSON_CreateObject();
	cJSON *cells = cJSON_AddArrayToObject(row, "cells");
	const cJSON *name = ta_jsonpath(obj, ".metadata.name");
	cJSON_AddItemToArray(cells, cJSON_CreateString(cJSON_IsString(name) ? name->valuestring : ""));
	const cJSON *cols = crd_columns(r, version), *c;
	const struct printer *p = r->crd ? NULL : printer_of(r);
	if (cols) {
		cJSON_ArrayForEach(c, cols)
		{
			const char *path = jstr(c, "jsonPath") ? jstr(c, "jsonPath") : jstr(c, "JSONPath");
			cJSON_AddItemToArray(cells, cell(jstr(c, "type"), path ? path : "", obj));
		}
	} else if (p) {
		for (size_t i = 0; i < 6 && p->cols[i].name; i++)
			cJSON_AddItemToArray(cells, cell(p->cols[i].type, p->cols[i].path, obj));
	} else {
		cJSON_AddItemToArray(cells, cell("date", ".metadata.creationTimestamp", obj));
	}
	if (!include || strcmp(include, "None"))
		cJSON_AddItemToObject(row, "object", row_object(obj, include));
	cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(table, "rows"), row);
}
