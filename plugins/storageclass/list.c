/*
 * plugins/storageclass/list.c - StorageClass lists from JSON: FedState's
 * compact form (args map, cluster annotation) and Kubernetes'
 * StorageClassList (the cluster proxy's answer).
 */
#include "sc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fedstate/args.h>

#define K8S_DEFAULT_CLASS "storageclass.kubernetes.io/is-default-class"
#define K8S_DEFAULT_CLASS_BETA "storageclass.beta.kubernetes.io/is-default-class"

void
sc_list_free(struct sc_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct sc_class *
sc_list_find(const struct sc_list *l, const char *name, const char *empty)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (name == empty ? l->v[i].is_default : l->v[i].name == name)
			return &l->v[i];
	return NULL;
}

static enum fs_code
alloc_list(size_t n, struct sc_list *out, char *err, size_t errlen)
{
	out->n = 0;
	out->v = calloc(n ? n : 1, sizeof *out->v);
	if (!out->v) {
		snprintf(err, errlen, "out of memory");
		return FS_E_NOMEM;
	}
	return FS_OK;
}

static enum fs_code
wrong_type(char *err, size_t errlen, size_t i, const char *key,
	   const char *expected, const struct fs_json *v)
{
	char what[64];

	snprintf(err, errlen, "[%zu]%s%s: expected %s, got %s", i, key ? "." : "",
		 key ? key : "", expected, fs_json_describe(v, what, sizeof what));
	return FS_E_PARSE;
}

/* One {"name","default","allowVolumeExpansion","provisioner"} object. */
static enum fs_code
parse_class(const struct fs_json *o, size_t i, struct sc_class *c, char *err,
	    size_t errlen)
{
	if (fs_host->json_type(o) != FS_JSON_OBJECT)
		return wrong_type(err, errlen, i, NULL, "an object", o);
	for (size_t k = 0; k < fs_host->json_size(o); k++) {
		const char *key = fs_host->json_key_at(o, k);
		const struct fs_json *v = fs_host->json_at(o, k);
		const char *s = fs_host->json_string(v);

		if (strcmp(key, "name") == 0) {
			if (!s || !*s)
				return wrong_type(err, errlen, i, key,
						  "a non-empty string", v);
			c->name = fs_host->intern(s, (size_t)-1);
		} else if (strcmp(key, "provisioner") == 0) {
			if (!s)
				return wrong_type(err, errlen, i, key, "a string", v);
			c->provisioner = fs_host->intern(s, (size_t)-1);
		} else if (strcmp(key, "default") == 0) {
			if (!fs_host->json_bool(v, &c->is_default))
				return wrong_type(err, errlen, i, key,
						  "true or false", v);
		} else if (strcmp(key, "allowVolumeExpansion") == 0) {
			if (!fs_host->json_bool(v, &c->expansion))
				return wrong_type(err, errlen, i, key,
						  "true or false", v);
		} else {
			snprintf(err, errlen,
				 "[%zu]: unknown key '%s' (known keys: name, default, "
				 "allowVolumeExpansion, provisioner)", i, key);
			return FS_E_PARSE;
		}
	}
	if (!c->name) {
		snprintf(err, errlen, "[%zu]: missing required key 'name'", i);
		return FS_E_PARSE;
	}
	return FS_OK;
}

enum fs_code
sc_list_parse(const struct fs_json *arr, struct sc_list *out, char *err,
	      size_t errlen)
{
	char what[64];
	enum fs_code rc;
	size_t n;

	if (fs_host->json_type(arr) != FS_JSON_ARRAY) {
		snprintf(err, errlen, "expected a list of {name, default, "
			 "allowVolumeExpansion, provisioner}, got %s",
			 fs_json_describe(arr, what, sizeof what));
		return FS_E_PARSE;
	}
	n = fs_host->json_size(arr);
	if ((rc = alloc_list(n, out, err, errlen)) != FS_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct sc_class *c = &out->v[i];

		rc = parse_class(fs_host->json_at(arr, i), i, c, err, errlen);
		for (size_t j = 0; rc == FS_OK && j < i; j++)
			if (out->v[j].name == c->name) {
				snprintf(err, errlen, "[%zu].name: '%s' is listed "
					 "twice (also at [%zu])", i, c->name, j);
				rc = FS_E_PARSE;
			}
		if (rc != FS_OK) {
			sc_list_free(out);
			return rc;
		}
		out->n++;
	}
	return FS_OK;
}

static bool
is_default_class(const struct fs_json *item)
{
	const struct fs_json *ann = fs_host->json_path(item, "metadata.annotations");
	const char *a = fs_host->json_string(fs_host->json_get(ann, K8S_DEFAULT_CLASS));
	const char *b = fs_host->json_string(
		fs_host->json_get(ann, K8S_DEFAULT_CLASS_BETA));

	return (a && strcmp(a, "true") == 0) || (b && strcmp(b, "true") == 0);
}

enum fs_code
sc_list_from_k8s(const struct fs_json *list, struct sc_list *out, char *err,
		 size_t errlen)
{
	const struct fs_json *items = fs_host->json_get(list, "items");
	char what[64];
	enum fs_code rc;
	size_t n;

	if (fs_host->json_type(items) != FS_JSON_ARRAY) {
		snprintf(err, errlen, "items: expected a list, got %s",
			 fs_json_describe(items, what, sizeof what));
		return FS_E_PARSE;
	}
	n = fs_host->json_size(items);
	if ((rc = alloc_list(n, out, err, errlen)) != FS_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct fs_json *it = fs_host->json_at(items, i);
		const char *name = fs_json_str_at(it, "metadata.name");
		const char *prov = fs_host->json_string(
			fs_host->json_get(it, "provisioner"));
		struct sc_class *c = &out->v[out->n];

		if (!name || !*name) {
			snprintf(err, errlen, "items[%zu].metadata.name: missing", i);
			sc_list_free(out);
			return FS_E_PARSE;
		}
		c->name = fs_host->intern(name, (size_t)-1);
		c->provisioner = prov ? fs_host->intern(prov, (size_t)-1) : NULL;
		c->is_default = is_default_class(it);
		c->expansion = false;
		fs_host->json_bool(fs_host->json_get(it, "allowVolumeExpansion"),
				   &c->expansion);
		out->n++;
	}
	return FS_OK;
}
