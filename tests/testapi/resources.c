/*
 * testapi/resources.c - CustomResourceDefinitions read from YAML files
 * (--crd-dir), and the helpers that make resource types and Status errors
 * (see store.h). The built-in types are in builtin.c.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api.h"
#include "crd.h"
#include "ferr.h"
#include "kube/yaml.h"
#include "util/buf.h"

static const char *
jstr(const cJSON *o, const char *path)
{
	char buf[128];
	strncpy(buf, path, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	char *save = NULL;
	const cJSON *v = o;
	for (char *t = strtok_r(buf, ".", &save); t && v; t = strtok_r(NULL, ".", &save))
		v = cJSON_GetObjectItemCaseSensitive(v, t);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* a CRD from a file: stored like one created through the API (so
 * `kubectl get crds` lists it) and served at once; the first of a name wins */
static bool
crd_load(struct ta_store *s, const cJSON *doc, const char *file, char **err)
{
	struct ta_ferrs f = {0};
	const char *name = jstr(doc, "metadata.name");
	if (!ta_crd_validate(doc, &f)) {
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "%s: CustomResourceDefinition %s: %s: %s", file,
			      name ? name : "?", f.v[0].field, f.v[0].body);
		*err = fs_buf_detach(&b);
		ta_ferrs_release(&f);
		return false;
	}
	struct ta_resource *crds = ta_store_find(s, "apiextensions.k8s.io", "v1",
						 "customresourcedefinitions");
	cJSON *obj = cJSON_Duplicate(doc, true);
	ta_crd_set_status(obj);
	struct ta_err e = {0};
	if (crds && !ta_store_get(crds, "", name)) {
		const cJSON *stored = ta_store_create(s, crds, "", obj, &e);
		if (stored)
			ta_crd_install(s, stored);
	} else {
		if (!crds)
			ta_crd_install(s, obj);
		cJSON_Delete(obj);
	}
	ta_err_clear(&e);
	return true;
}

static bool
crd_file(struct ta_store *s, const char *path, char **err)
{
	size_t len;
	char *text = fs_kube_read_file(path, &len, err);
	if (!text)
		return false;
	cJSON *docs = fs_kube_yaml_parse(text, len, path, err);
	free(text);
	if (!docs)
		return false;
	bool ok = true;
	const cJSON *d;
	cJSON_ArrayForEach(d, docs)
	{
		const char *kind = jstr(d, "kind");
		if (kind && !strcmp(kind, "CustomResourceDefinition") &&
		    !(ok = crd_load(s, d, path, err)))
			break;
	}
	cJSON_Delete(docs);
	return ok;
}

static bool
is_yaml(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(name + n - 4, ".yml"));
}

bool
ta_load_crds(struct ta_store *s, const char *path, char **err)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "--crd-dir %s: no such file or directory", path);
		*err = fs_buf_detach(&b);
		return false;
	}
	if (!S_ISDIR(st.st_mode))
		return crd_file(s, path, err);
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort);
	bool ok = true;
	for (int i = 0; i < n; i++) {
		if (ok && is_yaml(ents[i]->d_name)) {
			struct fs_buf b = FS_BUF_INIT;
			fs_buf_printf(&b, "%s/%s", path, ents[i]->d_name);
			ok = crd_file(s, b.data, err);
			fs_buf_release(&b);
		}
		free(ents[i]);
	}
	free(ents);
	return ok;
}

void
ta_err_set(struct ta_err *e, int code, const char *reason,
	   const char *fmt, ...)
{
	e->code = code;
	e->reason = reason;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void
ta_err_clear(struct ta_err *e)
{
	cJSON_Delete(e->details);
	e->details = NULL;
}

cJSON *
ta_err_status(const struct ta_err *e, const struct ta_resource *r,
	      const char *name)
{
	cJSON *st = cJSON_CreateObject();
	cJSON_AddStringToObject(st, "kind", "Status");
	cJSON_AddStringToObject(st, "apiVersion", "v1");
	cJSON_AddItemToObject(st, "metadata", cJSON_CreateObject());
	cJSON_AddStringToObject(st, "status", "Failure");
	cJSON_AddStringToObject(st, "message", e->msg);
	if (e->reason && e->reason[0])
		cJSON_AddStringToObject(st, "reason", e->reason);
	if (e->details) {
		cJSON_AddItemToObject(st, "details", cJSON_Duplicate(e->details, true));
	} else if (r) {
		cJSON *d = cJSON_AddObjectToObject(st, "details");
		if (name)
			cJSON_AddStringToObject(d, "name", name);
		if (r->group[0])
			cJSON_AddStringToObject(d, "group", r->group);
		cJSON_AddStringToObject(d, "kind", r->plural);
	}
	cJSON_AddNumberToObject(st, "code", e->code);
	return st;
}

struct ta_resource *
ta_resource_new(const char *group, const char *version,
		const char *plural, const char *singular,
		const char *kind, bool namespaced,
		bool has_status)
{
	struct ta_resource *r = fs_xcalloc(1, sizeof(*r));
	r->group = fs_xstrdup(group);
	r->plural = fs_xstrdup(plural);
	r->singular = fs_xstrdup(singular);
	r->kind = fs_xstrdup(kind);
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "%sList", kind);
	r->list_kind = fs_buf_detach(&b);
	r->namespaced = namespaced;
	r->has_status = has_status;
	ta_resource_add_version(r, version);
	return r;
}

void
ta_resource_add_version(struct ta_resource *r, const char *version)
{
	r->versions = fs_xrealloc(r->versions, (r->n_versions + 1) * sizeof(char *));
	r->versions[r->n_versions++] = fs_xstrdup(version);
}

void
ta_resource_add_short(struct ta_resource *r, const char *name)
{
	r->short_names = fs_xrealloc(r->short_names, (r->n_short + 1) * sizeof(char *));
	r->short_names[r->n_short++] = fs_xstrdup(name);
}

bool
ta_resource_serves(const struct ta_resource *r, const char *version)
{
	for (size_t i = 0; i < r->n_versions; i++)
		if (!strcmp(r->versions[i], version))
			return true;
	return false;
}

const char *
ta_resource_qname(const struct ta_resource *r, char *buf, size_t n)
{
	if (r->group[0])
		snprintf(buf, n, "%s.%s", r->plural, r->group);
	else
		snprintf(buf, n, "%s", r->plural);
	return buf;
}
