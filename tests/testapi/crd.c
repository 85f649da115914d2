/*
 * testapi/crd.c - CustomResourceDefinitions (see crd.h).
 */
#include "crd.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"

static const cJSON *
at(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *
str_at(const cJSON *o, const char *key)
{
	const cJSON *v = at(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* v<major>[(alpha|beta)<minor>]: kind 3 GA, 2 beta, 1 alpha, 0 other */
static int
version_parse(const char *v, long *major, long *minor)
{
	*major = *minor = 0;
	if (v[0] != 'v' || !isdigit((unsigned char)v[1]))
		return 0;
	char *end;
	*major = strtol(v + 1, &end, 10);
	if (!*end)
		return 3;
	int kind = !strncmp(end, "alpha", 5) ? 1 : !strncmp(end, "beta", 4) ? 2 : 0;
	if (!kind)
		return 0;
	const char *p = end + (kind == 1 ? 5 : 4);
	if (!isdigit((unsigned char)*p))
		return 0;
	*minor = strtol(p, &end, 10);
	return *end ? 0 : kind;
}

int
ta_version_cmp(const char *a, const char *b)
{
	long ma, na, mb, nb;
	int ka = version_parse(a, &ma, &na), kb = version_parse(b, &mb, &nb);
	if (ka != kb)
		return kb - ka;
	if (!ka)
		return strcmp(a, b);
	if (ma != mb)
		return ma > mb ? -1 : 1;
	if (na != nb)
		return na > nb ? -1 : 1;
	return 0;
}

bool
ta_crd_validate(const cJSON *crd, struct ta_ferrs *f)
{
	const cJSON *spec = at(crd, "spec"), *names = at(spec, "names");
	const char *group = str_at(spec, "group");
	const char *plural = str_at(names, "plural");
	const char *kind = str_at(names, "kind");
	const char *scope = str_at(spec, "scope");
	const char *name = str_at(at(crd, "metadata"), "name");
	if (!group || !group[0])
		ta_ferrs_add(f, "spec.group", "FieldValueRequired", "Required value");
	else if (!strchr(group, '.'))
		ta_ferrs_add(f, "spec.group", "FieldValueInvalid",
			     "Invalid value: \"%s\": should be a domain with at least one dot", group);
	if (!plural || !plural[0])
		ta_ferrs_add(f, "spec.names.plural", "FieldValueRequired", "Required value");
	if (!kind || !kind[0])
		ta_ferrs_add(f, "spec.names.kind", "FieldValueRequired", "Required value");
	if (!scope)
		ta_ferrs_add(f, "spec.scope", "FieldValueRequired", "Required value");
	else if (strcmp(scope, "Namespaced") && strcmp(scope, "Cluster"))
		ta_ferrs_add(f, "spec.scope", "FieldValueNotSupported",
			     "Unsupported value: \"%s\": supported values: \"Cluster\", \"Namespaced\"",
			     scope);
	if (group && plural && name) {
		char want[512];
		snprintf(want, sizeof(want), "%s.%s", plural, group);
		if (strcmp(want, name))
			ta_ferrs_add(f, "metadata.name", "FieldValueInvalid",
				     "Invalid value: \"%s\": must be spec.names.plural+\".\"+spec.group",
				     name);
	}
	const cJSON *versions = at(spec, "versions"), *v;
	if (cJSON_GetArraySize(versions) == 0) {
		ta_ferrs_add(f, "spec.versions", "FieldValueInvalid",
			     "Invalid value: null: must have exactly one version marked as storage version");
		return false;
	}
	int storage = 0, i = 0;
	cJSON_ArrayForEach(v, versions)
	{
		char path[64];
		if (cJSON_IsTrue(at(v, "storage")))
			storage++;
		if (!str_at(v, "name")) {
			snprintf(path, sizeof(path), "spec.versions[%d].name", i);
			ta_ferrs_add(f, path, "FieldValueRequired", "Required value");
		}
		if (!cJSON_IsObject(at(at(v, "schema"), "openAPIV3Schema"))) {
			snprintf(path, sizeof(path), "spec.versions[%d].schema.openAPIV3Schema", i);
			ta_ferrs_add(f, path, "FieldValueRequired", "Required value: schemas are required");
		}
		i++;
	}
	if (storage != 1) {
		char val[2048];
		ta_ferr_value(versions, val, sizeof(val));
		ta_ferrs_add(f, "spec.versions", "FieldValueInvalid",
			     "Invalid value: %s: must have exactly one version marked as storage version", val);
	}
	return f->n == 0;
}

static cJSON *
condition(const char *type, const char *reason, const char *msg, const char *ts)
{
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "type", type);
	cJSON_AddStringToObject(c, "status", "True");
	cJSON_AddStringToObject(c, "lastTransitionTime", ts);
	cJSON_AddStringToObject(c, "reason", reason);
	cJSON_AddStringToObject(c, "message", msg);
	return c;
}

void
ta_crd_set_status(cJSON *crd)
{
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(crd, "spec");
	cJSON *names = cJSON_GetObjectItemCaseSensitive(spec, "names");
	if (names && !cJSON_GetObjectItemCaseSensitive(names, "listKind") && str_at(names, "kind")) {
		char lk[300];
		snprintf(lk, sizeof(lk), "%sList", str_at(names, "kind"));
		cJSON_AddStringToObject(names, "listKind", lk);
	}
	if (names && !cJSON_GetObjectItemCaseSensitive(names, "singular") && str_at(names, "kind")) {
		char sg[300];
		snprintf(sg, sizeof(sg), "%s", str_at(names, "kind"));
		for (char *p = sg; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		cJSON_AddStringToObject(names, "singular", sg);
	}
	char ts[64];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	const cJSON *old = cJSON_GetObjectItemCaseSensitive(crd, "status");
	cJSON *stored = cJSON_CreateArray();
	const cJSON *sv;
	cJSON_ArrayForEach(sv, at(old, "storedVersions"))
	{
		cJSON_AddItemToArray(stored, cJSON_Duplicate(sv, true));
	}
	const cJSON *v;
	cJSON_ArrayForEach(v, at(spec, "versions"))
	{
		const char *vn = str_at(v, "name");
		bool have = false;
		cJSON_ArrayForEach(sv, stored)
		{
			if (vn && cJSON_IsString(sv) && !strcmp(sv->valuestring, vn))
				have = true;
		}
		if (vn && cJSON_IsTrue(at(v, "storage")) && !have)
			cJSON_AddItemToArray(stored, cJSON_CreateString(vn));
	}
	cJSON *st = cJSON_CreateObject();
	cJSON *conds = cJSON_AddArrayToObject(st, "conditions");
	cJSON_AddItemToArray(conds, condition("NamesAccepted", "NoConflicts",
					      "no conflicts found", ts));
	cJSON_AddItemToArray(conds, condition("Established", "InitialNamesAccepted",
					      "the initial names have been accepted", ts));
	cJSON_AddItemToObject(st, "acceptedNames",
			      names ? cJSON_Duplicate(names, true) : cJSON_CreateObject());
	cJSON_AddItemToObject(st, "storedVersions", stored);
	cJSON_DeleteItemFromObjectCaseSensitive(crd, "status");
	cJSON_AddItemToObject(crd, "status", st);
}

static void
resource_fill(struct ta_resource *r, const cJSON *crd)
{
	const cJSON *spec = at(crd, "spec"), *names = at(spec, "names");
	for (size_t i = 0; i < r->n_versions; i++)
		free(r->versions[i]);
	for (size_t i = 0; i < r->n_short; i++)
		free(r->short_names[i]);
	r->n_versions = r->n_short = 0;
	r->has_status = false;
	const cJSON *v;
	cJSON_ArrayForEach(v, at(spec, "versions"))
	{
		const char *name = str_at(v, "name");
		if (!name || cJSON_IsFalse(at(v, "served")))
			continue;
		if (at(at(v, "subresources"), "status"))
			r->has_status = true;
		ta_resource_add_version(r, name);
	}
	if (at(at(spec, "subresources"), "status"))
		r->has_status = true;
	/* preferred first: Kubernetes' version priority */
	for (size_t i = 1; i < r->n_versions; i++)
		for (size_t j = i; j > 0 && ta_version_cmp(r->versions[j], r->versions[j - 1]) < 0; j--) {
			char *t = r->versions[j];
			r->versions[j] = r->versions[j - 1];
			r->versions[j - 1] = t;
		}
	const cJSON *sn;
	cJSON_ArrayForEach(sn, at(names, "shortNames"))
	{
		if (cJSON_IsString(sn))
			ta_resource_add_short(r, sn->valuestring);
	}
	const char *lk = str_at(names, "listKind");
	if (lk) {
		free(r->list_kind);
		r->list_kind = fs_xstrdup(lk);
	}
	cJSON_Delete(r->crd);
	r->crd = cJSON_Duplicate(crd, true);
}

struct ta_resource *
ta_crd_resource(struct ta_store *s, const cJSON *crd)
{
	const cJSON *spec = at(crd, "spec");
	const char *group = str_at(spec, "group");
	const char *plural = str_at(at(spec, "names"), "plural");
	if (!group || !plural)
		return NULL;
	struct ta_resource *r = ta_store_find(s, group, NULL, plural);
	return r && (r->flags & TA_CUSTOM) ? r : NULL;
}

struct ta_resource *
ta_crd_install(struct ta_store *s, const cJSON *crd)
{
	const cJSON *spec = at(crd, "spec"), *names = at(spec, "names");
	const char *group = str_at(spec, "group");
	const char *plural = str_at(names, "plural");
	const char *kind = str_at(names, "kind");
	if (!group || !plural || !kind)
		return NULL;
	struct ta_resource *r = ta_store_find(s, group, NULL, plural);
	if (r && !(r->flags & TA_CUSTOM))
		return NULL; /* a built-in keeps its name */
	if (!r) {
		const char *sg = str_at(names, "singular");
		const char *scope = str_at(spec, "scope");
		r = ta_resource_new(group, "v0", plural, sg ? sg : "", kind,
				    !scope || strcmp(scope, "Cluster"), false);
		r->flags = TA_CUSTOM | TA_GENERATION;
		ta_store_add_resource(s, r);
	}
	resource_fill(r, crd);
	return r;
}

const cJSON *
ta_crd_version(const struct ta_resource *r, const char *version)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, at(at(r->crd, "spec"), "versions"))
	{
		const char *name = str_at(v, "name");
		if (name && !strcmp(name, version))
			return v;
	}
	return NULL;
}

const cJSON *
ta_crd_schema(const struct ta_resource *r, const char *version)
{
	const cJSON *s = at(at(ta_crd_version(r, version), "schema"), "openAPIV3Schema");
	if (!s) /* apiextensions v1beta1: one schema for every version */
		s = at(at(at(r->crd, "spec"), "validation"), "openAPIV3Schema");
	return cJSON_IsObject(s) ? s : NULL;
}
