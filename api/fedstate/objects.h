/*
 * fedstate/objects.h - short helpers for building and reading JSON,
 * Kubernetes objects and Karmada policies through the host table, for
 * plugin authors (the middleware plugins' render is mostly this).
 *
 * Optional: include it after <fedstate/fedstate.h> when you want it. It
 * adds nothing to the ABI: every function is `static inline` over the
 * `fs_host` table that FS_PLUGIN_DEFINE defines, so it compiles into your
 * plugin and links no host symbol. fs_obj_child(), fs_obj_metadata() and
 * fs_obj_spec() use host->json_get_mut (ABI 1.1); the rest works with any
 * host of this ABI major.
 * It is for plugin code only (the host itself has no `fs_host`).
 *
 * Ownership, in the words of json.h:
 *   - fs_json_object(), fs_json_array(), fs_arr_of_str(), fs_obj_dup() and
 *     every fs_obj_<thing>() that names what it makes (fs_obj_new(),
 *     fs_obj_selector(), fs_obj_propagation_policy(), ...) return a new
 *     value: the caller frees it with fs_host->json_free() or hands it
 *     over (fs_obj_set(), fs_arr_push(), fs_host->render_emit());
 *   - a value handed in to become part of the result (v, labels, names,
 *     selector, overriders, value) is taken, also when the call fails; the
 *     parent a setter writes into (o, a, list, placement) stays the
 *     caller's; const arguments are only read;
 *   - fs_obj_set_obj(), fs_obj_set_arr(), fs_obj_static_weights(),
 *     fs_obj_child(), fs_obj_metadata() and fs_obj_spec() return a child
 *     that its parent owns: borrowed, writable, valid as long as the
 *     parent is;
 *   - strings passed in are copied; strings returned are borrowed from the
 *     value they were read from.
 *
 * NULL: a NULL parent makes a setter fail without crashing (the new value
 * is freed), so chains such as fs_obj_set_str(fs_obj_set_obj(o, "spec"),
 * "type", "NodePort") are safe; a NULL string is stored as "" (never
 * skipped, so a key is never silently missing). Out of memory, setters
 * return false and builders return NULL when the value itself could not
 * be made.
 *
 * Threading: like the host's JSON services, for the thread that runs the
 * plugin's callbacks. Nothing here keeps state.
 */
#ifndef FEDSTATE_OBJECTS_H
#define FEDSTATE_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "plugin.h"

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

/* The string at a "."-separated path ("metadata.name"), NULL when the path
 * is missing or does not hold a string; borrowed from v. */
static inline const char *
fs_json_str_at(const struct fs_json *v, const char *path)
{
	return fs_host->json_string(fs_host->json_path(v, path));
}

/*
 * What a value is, for "expected X, got Y" messages: `string "x"`,
 * `integer 5`, `number 0.5`, `array`, `object`, `true`, `null`, and
 * `nothing` for a NULL (missing) value. Strings are cut at 40 bytes with
 * "...". Returns buf, or a static string; buf (64 bytes is plenty) is
 * written only when needed.
 */
static inline const char *
fs_json_describe(const struct fs_json *v, char *buf, size_t len)
{
	int64_t i;
	double d;

	switch (fs_host->json_type(v)) {
	case FS_JSON_NULL:
		return "null";
	case FS_JSON_TRUE:
		return "true";
	case FS_JSON_FALSE:
		return "false";
	case FS_JSON_NUMBER:
		if (fs_host->json_int(v, &i))
			snprintf(buf, len, "integer %lld", (long long)i);
		else if (fs_host->json_double(v, &d))
			snprintf(buf, len, "number %g", d);
		else
			snprintf(buf, len, "a number");
		return buf;
	case FS_JSON_STRING:
		snprintf(buf, len, "string \"%.40s\"%s", fs_host->json_string(v),
			 strlen(fs_host->json_string(v)) > 40 ? "..." : "");
		return buf;
	case FS_JSON_ARRAY:
		return "array";
	case FS_JSON_OBJECT:
		return "object";
	default:
		return "nothing";
	}
}

/*
 * The integer at a "."-separated path of v, when it lies in [min, max]:
 * stored in *out, true. Otherwise false, *out untouched, and one line in
 * err naming the path, the range and what was found:
 *     spec.replicas: expected integer 1..1000, got string "many"
 *     spec.replicas: expected integer 1..1000, got -2
 *     spec.replicas: expected integer 1..1000, got nothing
 * For the fields a middleware plugin must have; an optional field is
 * read with fs_host->json_path() first.
 */
static inline bool
fs_json_int_at(const struct fs_json *v, const char *path, int64_t min,
	       int64_t max, int64_t *out, char *err, size_t errlen)
{
	const struct fs_json *f = fs_host->json_path(v, path);
	char what[64];
	const char *got = what;
	int64_t n;

	if (fs_host->json_int(f, &n)) {
		if (n >= min && n <= max) {
			*out = n;
			return true;
		}
		snprintf(what, sizeof what, "%lld", (long long)n);
	} else {
		got = fs_json_describe(f, what, sizeof what);
	}
	snprintf(err, errlen, "%s: expected integer %lld..%lld, got %s", path,
		 (long long)min, (long long)max, got);
	return false;
}

/* ------------------------------------------------------------------ */
/* Building                                                            */
/* ------------------------------------------------------------------ */

/* A new empty object / array; caller frees; NULL when out of memory. */
static inline struct fs_json *
fs_json_object(void)
{
	return fs_host->json_new(FS_JSON_OBJECT);
}

static inline struct fs_json *
fs_json_array(void)
{
	return fs_host->json_new(FS_JSON_ARRAY);
}

/* o[key] = v, replacing an existing member. Takes v (freed on failure);
 * false when o is not an object, v is NULL or memory ran out. */
static inline bool
fs_obj_set(struct fs_json *o, const char *key, struct fs_json *v)
{
	return fs_host->json_set(o, key, v);
}

/* o[key] = "s" (copied; NULL stores "") */
static inline bool
fs_obj_set_str(struct fs_json *o, const char *key, const char *s)
{
	return fs_host->json_set(o, key, fs_host->json_new_string(s ? s : ""));
}

static inline bool
fs_obj_set_int(struct fs_json *o, const char *key, int64_t n)
{
	return fs_host->json_set(o, key, fs_host->json_new_int(n));
}

static inline bool
fs_obj_set_bool(struct fs_json *o, const char *key, bool b)
{
	return fs_host->json_set(o, key,
				 fs_host->json_new(b ? FS_JSON_TRUE : FS_JSON_FALSE));
}

/* o[key] = {} and return that new child (borrowed: o owns it), so nested
 * objects read top-down:
 *     struct fs_json *meta = fs_obj_set_obj(svc, "metadata");
 *     fs_obj_set_str(meta, "name", name);
 * NULL when the child could not be added (o not an object, no memory). */
static inline struct fs_json *
fs_obj_set_obj(struct fs_json *o, const char *key)
{
	struct fs_json *c = fs_json_object();
	return fs_host->json_set(o, key, c) ? c : NULL;
}

/* o[key] = [] and return that new child (borrowed); NULL on failure */
static inline struct fs_json *
fs_obj_set_arr(struct fs_json *o, const char *key)
{
	struct fs_json *c = fs_json_array();
	return fs_host->json_set(o, key, c) ? c : NULL;
}

/* Append v to array a. Takes v (freed on failure); false when a is not an
 * array, v is NULL or memory ran out. */
static inline bool
fs_arr_push(struct fs_json *a, struct fs_json *v)
{
	return fs_host->json_append(a, v);
}

/* append "s" (copied; NULL appends "") */
static inline bool
fs_arr_push_str(struct fs_json *a, const char *s)
{
	return fs_host->json_append(a, fs_host->json_new_string(s ? s : ""));
}

/* ["s"]: a new one-string array, e.g. Karmada's clusterNames; caller frees */
static inline struct fs_json *
fs_arr_of_str(const char *s)
{
	struct fs_json *a = fs_json_array();
	fs_arr_push_str(a, s);
	return a;
}

/* A deep copy of src when it is an object, else a new empty object (src
 * NULL, missing or of another type); caller frees. For "the object's
 * labels, plus ours". */
static inline struct fs_json *
fs_obj_dup(const struct fs_json *src)
{
	if (fs_host->json_type(src) == FS_JSON_OBJECT)
		return fs_host->json_dup(src);
	return fs_json_object();
}

/* ------------------------------------------------------------------ */
/* Kubernetes objects                                                  */
/* ------------------------------------------------------------------ */

/*
 * A new object {apiVersion, kind, metadata: {name, labels}}; caller frees
 * (or render_emit). Takes `labels` (an object; NULL: no labels key).
 * Strings are copied. Add spec and the rest with the setters:
 *     struct fs_json *cm = fs_obj_new("v1", "ConfigMap", name, NULL);
 *     fs_obj_set_str(fs_obj_set_obj(cm, "data"), "topology", text);
 */
static inline struct fs_json *
fs_obj_new(const char *api_version, const char *kind, const char *name,
	   struct fs_json *labels)
{
	struct fs_json *o = fs_json_object();
	struct fs_json *meta;

	fs_obj_set_str(o, "apiVersion", api_version);
	fs_obj_set_str(o, "kind", kind);
	meta = fs_obj_set_obj(o, "metadata");
	fs_obj_set_str(meta, "name", name);
	if (labels)
		fs_obj_set(meta, "labels", labels);
	return o;
}

/*
 * The object member `key` of o, writable and borrowed from o (ABI 1.1,
 * host->json_get_mut): the one o has, or a new {} added when o has none.
 * NULL when o is not an object, or its `key` holds something else than an
 * object (an array, a string: nothing is replaced). For adding to what a
 * builder made without rebuilding it by hand:
 *     struct fs_json *sts = fs_obj_new("apps/v1", "StatefulSet", name, labels);
 *     fs_obj_set_arr(fs_obj_metadata(sts), "ownerReferences"); // [] : no owner
 *     fs_obj_set_int(fs_obj_spec(sts), "replicas", 3);
 */
static inline struct fs_json *
fs_obj_child(struct fs_json *o, const char *key)
{
	struct fs_json *c = fs_host->json_get_mut(o, key);

	if (c)
		return fs_host->json_type(c) == FS_JSON_OBJECT ? c : NULL;
	return fs_obj_set_obj(o, key);
}

/* metadata of o, writable (fs_obj_child); NULL as there */
static inline struct fs_json *
fs_obj_metadata(struct fs_json *o)
{
	return fs_obj_child(o, "metadata");
}

/* spec of o, writable, added when missing (fs_obj_child); NULL as there.
 * For what fs_obj_propagation_policy() made: its spec, to add a second
 * resourceSelector or spec.priority. */
static inline struct fs_json *
fs_obj_spec(struct fs_json *o)
{
	return fs_obj_child(o, "spec");
}

/* {apiVersion, kind, name[, namespace]}: a reference to one object, as in
 * a Karmada policy's resourceSelectors; `ns` NULL leaves namespace out.
 * Caller frees. */
static inline struct fs_json *
fs_obj_selector(const char *api_version, const char *kind, const char *name,
		const char *ns)
{
	struct fs_json *s = fs_json_object();

	fs_obj_set_str(s, "apiVersion", api_version);
	fs_obj_set_str(s, "kind", kind);
	fs_obj_set_str(s, "name", name);
	if (ns)
		fs_obj_set_str(s, "namespace", ns);
	return s;
}

/* ------------------------------------------------------------------ */
/* Karmada policies (policy.karmada.io/v1alpha1)                       */
/* ------------------------------------------------------------------ */

#define FS_KARMADA_POLICY_API "policy.karmada.io/v1alpha1"

/*
 * A PropagationPolicy `name` that sends the object `selector` to the
 * clusters in `names`; caller frees (or render_emit). Takes labels (NULL:
 * none), names (an array of cluster names, e.g. fs_arr_of_str()) and
 * selector (fs_obj_selector()). When `placement` is not NULL it receives
 * spec.placement (borrowed) for more settings, such as
 * fs_obj_static_weights().
 *     {apiVersion, kind, metadata: {name, labels},
 *      spec: {placement: {clusterAffinity: {clusterNames: names}},
 *             resourceSelectors: [selector]}}
 */
static inline struct fs_json *
fs_obj_propagation_policy(const char *name, struct fs_json *labels,
			  struct fs_json *names, struct fs_json *selector,
			  struct fs_json **placement)
{
	struct fs_json *pol = fs_obj_new(FS_KARMADA_POLICY_API,
					 "PropagationPolicy", name, labels);
	struct fs_json *spec = fs_obj_set_obj(pol, "spec");
	struct fs_json *pl = fs_obj_set_obj(spec, "placement");

	fs_obj_set(fs_obj_set_obj(pl, "clusterAffinity"), "clusterNames", names);
	fs_arr_push(fs_obj_set_arr(spec, "resourceSelectors"), selector);
	if (placement)
		*placement = pl;
	return pol;
}

/*
 * Divide the replicas by static weights: sets placement.replicaScheduling
 * and returns its (empty) staticWeightList, borrowed, for
 * fs_obj_static_weight().
 *     {replicaDivisionPreference: Weighted, replicaSchedulingType: Divided,
 *      weightPreference: {staticWeightList: []}}
 */
static inline struct fs_json *
fs_obj_static_weights(struct fs_json *placement)
{
	struct fs_json *rs = fs_obj_set_obj(placement, "replicaScheduling");

	fs_obj_set_str(rs, "replicaDivisionPreference", "Weighted");
	fs_obj_set_str(rs, "replicaSchedulingType", "Divided");
	return fs_obj_set_arr(fs_obj_set_obj(rs, "weightPreference"),
			      "staticWeightList");
}

/* append {targetCluster: {clusterNames: [cluster]}, weight} to a list */
static inline bool
fs_obj_static_weight(struct fs_json *list, const char *cluster, int64_t weight)
{
	struct fs_json *w = fs_json_object();

	fs_obj_set(fs_obj_set_obj(w, "targetCluster"), "clusterNames",
		   fs_arr_of_str(cluster));
	fs_obj_set_int(w, "weight", weight);
	return fs_arr_push(list, w);
}

/*
 * An OverridePolicy `name` for the object `selector` with one rule: apply
 * `overriders` (an object such as fs_obj_plaintext() gives) in the cluster
 * `cluster`. Takes labels (NULL: none), overriders and selector; caller
 * frees (or render_emit).
 *     {apiVersion, kind, metadata: {name, labels},
 *      spec: {overrideRules: [{overriders,
 *                              targetCluster: {clusterNames: [cluster]}}],
 *             resourceSelectors: [selector]}}
 */
static inline struct fs_json *
fs_obj_override_policy(const char *name, struct fs_json *labels,
		       const char *cluster, struct fs_json *overriders,
		       struct fs_json *selector)
{
	struct fs_json *op = fs_obj_new(FS_KARMADA_POLICY_API, "OverridePolicy",
					name, labels);
	struct fs_json *spec = fs_obj_set_obj(op, "spec");
	struct fs_json *rule = fs_json_object();

	fs_obj_set(rule, "overriders", overriders);
	fs_obj_set(fs_obj_set_obj(rule, "targetCluster"), "clusterNames",
		   fs_arr_of_str(cluster));
	fs_arr_push(fs_obj_set_arr(spec, "overrideRules"), rule);
	fs_arr_push(fs_obj_set_arr(spec, "resourceSelectors"), selector);
	return op;
}

/* {plaintext: [{operator: op, path, value}]}: overriders making one change
 * ("add", "replace" or "remove" at a JSON pointer path); takes value (NULL:
 * no value, for "remove"); caller frees or hands it over */
static inline struct fs_json *
fs_obj_plaintext(const char *op, const char *path, struct fs_json *value)
{
	struct fs_json *ov = fs_json_object();
	struct fs_json *pt = fs_json_object();

	fs_obj_set_str(pt, "operator", op);
	fs_obj_set_str(pt, "path", path);
	if (value)
		fs_obj_set(pt, "value", value);
	fs_arr_push(fs_obj_set_arr(ov, "plaintext"), pt);
	return ov;
}

#endif
