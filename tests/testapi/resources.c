/*
 * testapi/resources.c - the resource types the test API server serves:
 * built-ins (core v1 Namespaces/Services/ConfigMaps/Secrets/Events,
 * coordination.k8s.io Leases, events.k8s.io Events, Karmada's
 * cluster.karmada.io Clusters, which no CRD defines) and
 * CustomResourceDefinitions read from YAML files; and the helpers that
 * make resource types and Status errors (see store.h).
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api.h"
#include "kube/yaml.h"
#include "util/buf.h"

struct builtin {
	const char *group, *version, *plural, *singular, *kind, *short_name;
	bool namespaced, has_status;
};

static const struct builtin builtins[] = {
	{"", "v1", "namespaces", "namespace", "Namespace", "ns", false, true},
	{"", "v1", "services", "service", "Service", "svc", true, true},
	{"", "v1", "configmaps", "configmap", "ConfigMap", "cm", true, false},
	{"", "v1", "secrets", "secret", "Secret", NULL, true, false},
	{"", "v1", "events", "event", "Event", "ev", true, false},
	{"coordination.k8s.io", "v1", "leases", "lease", "Lease", NULL, true, false},
	{"events.k8s.io", "v1", "events", "event", "Event", "ev", true, false},
	{"cluster.karmada.io", "v1alpha1", "clusters", "cluster", "Cluster", NULL, false, true},
};

void
ta_builtin_resources(struct ta_store *s, const char *without)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		const struct builtin *b = &builtins[i];
		if (without && !strcmp(without, b->group))
			continue;
		struct ta_resource *r = ta_resource_new(b->group, b->version, b->plural,
							b->singular, b->kind,
							b->namespaced, b->has_status);
		if (b->short_name)
			ta_resource_add_short(r, b->short_name);
		ta_store_add_resource(s, r);
	}
}

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

static bool
crd_add(struct ta_store *s, const cJSON *crd, const char *file,
	char **err)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(crd, "spec");
	const char *group = jstr(spec, "group");
	const char *plural = jstr(spec, "names.plural");
	const char *kind = jstr(spec, "names.kind");
	const char *singular = jstr(spec, "names.singular");
	const char *scope = jstr(spec, "scope");
	struct fs_buf b = FS_BUF_INIT;
	if (!group || !plural || !kind) {
		fs_buf_printf(&b, "%s: CustomResourceDefinition %s: spec.group, spec.names.plural and spec.names.kind are required",
			      file, jstr(crd, "metadata.name") ? jstr(crd, "metadata.name") : "?");
		*err = fs_buf_detach(&b);
		return false;
	}
	struct ta_resource *r = NULL;
	bool has_status = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(spec, "subresources"), "status") != NULL;
	const cJSON *versions = cJSON_GetObjectItemCaseSensitive(spec, "versions");
	const cJSON *v;
	cJSON_ArrayForEach(v, versions)
	{
		const char *name = jstr(v, "name");
		const cJSON *served = cJSON_GetObjectItemCaseSensitive(v, "served");
		if (!name || cJSON_IsFalse(served))
			continue;
		if (cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(v, "subresources"), "status"))
			has_status = true;
		if (!r)
			r = ta_resource_new(group, name, plural,
					    singular ? singular : "", kind,
					    !scope || strcmp(scope, "Cluster"), has_status);
		else
			ta_resource_add_version(r, name);
	}
	const char *v1beta = jstr(spec, "version");
	if (!r && v1beta)
		r = ta_resource_new(group, v1beta, plural, singular ? singular : "",
				    kind, !scope || strcmp(scope, "Cluster"), has_status);
	if (!r) {
		fs_buf_printf(&b, "%s: CustomResourceDefinition %s.%s: no served version",
			      file, plural, group);
		*err = fs_buf_detach(&b);
		return false;
	}
	r->has_status = has_status;
	const cJSON *sn;
	cJSON_ArrayForEach(sn, cJSON_GetObjectItemCaseSensitive(
				       cJSON_GetObjectItemCaseSensitive(spec, "names"),
				       "shortNames"))
	{
		if (cJSON_IsString(sn))
			ta_resource_add_short(r, sn->valuestring);
	}
	const char *lk = jstr(spec, "names.listKind");
	if (lk) {
		free(r->list_kind);
		r->list_kind = fs_xstrdup(lk);
	}
	ta_store_add_resource(s, r); /* a duplicate keeps the first */
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
		    !(ok = crd_add(s, d, path, err)))
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
	cJSON_AddStringToObject(st, "reason", e->reason);
	if (r) {
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
