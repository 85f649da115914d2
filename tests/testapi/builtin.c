/*
 * testapi/builtin.c - the built-in resource types, stored generically:
 * core v1 (Namespaces, Services, ConfigMaps, Secrets, ServiceAccounts,
 * Events), coordination.k8s.io Leases, events.k8s.io Events, apps/v1
 * Deployments and StatefulSets, rbac.authorization.k8s.io/v1 Roles, ClusterRoles and their
 * bindings, policy/v1 PodDisruptionBudgets, apiextensions.k8s.io/v1
 * CustomResourceDefinitions and Karmada's cluster.karmada.io Clusters
 * (served by karmada-aggregated-apiserver, which no CRD defines); and the
 * few fields their real strategies set on create (see api.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static const char *const ns_fields[] = {"status.phase", NULL};
static const char *const secret_fields[] = {"type", NULL};
static const char *const event_fields[] = {
	"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
	"involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
	"involvedObject.fieldPath", "reason", "reportingComponent", "source", "type", NULL};
static const char *const event2_fields[] = {
	"regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
	"regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath",
	"reason", "reportingController", "type", NULL};

struct builtin {
	const char *group, *version, *plural, *singular, *kind, *short_name;
	bool namespaced, has_status;
	unsigned flags;
	const char *const *fields;
};

enum { T = TA_TYPED, G = TA_GENERATION, D = TA_RETURN_DELETED };

static const struct builtin builtins[] = {
	{"", "v1", "namespaces", "namespace", "Namespace", "ns", false, true, T | D, ns_fields},
	{"", "v1", "services", "service", "Service", "svc", true, true, T | D, NULL},
	{"", "v1", "configmaps", "configmap", "ConfigMap", "cm", true, false, T, NULL},
	{"", "v1", "secrets", "secret", "Secret", NULL, true, false, T, secret_fields},
	{"", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", "sa", true, false, T | D, NULL},
	{"", "v1", "events", "event", "Event", "ev", true, false, T, event_fields},
	{"coordination.k8s.io", "v1", "leases", "lease", "Lease", NULL, true, false, T, NULL},
	{"events.k8s.io", "v1", "events", "event", "Event", "ev", true, false, T, event2_fields},
	{"apps", "v1", "deployments", "deployment", "Deployment", "deploy", true, true, T | G, NULL},
	{"apps", "v1", "statefulsets", "statefulset", "StatefulSet", "sts", true, true, T | G, NULL},
	{"rbac.authorization.k8s.io", "v1", "roles", "role", "Role", NULL, true, false, T, NULL},
	{"rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", NULL, true, false, T, NULL},
	{"rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", NULL, false, false, T, NULL},
	{"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", NULL, false, false, T, NULL},
	{"policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", "pdb", true, true, T | G, NULL},
	{"apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
	 "CustomResourceDefinition", "crd", false, true, T | G | D, NULL},
	{"cluster.karmada.io", "v1alpha1", "clusters", "cluster", "Cluster", NULL, false, true, T | G, NULL},
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
		if (!strcmp(b->plural, "customresourcedefinitions"))
			ta_resource_add_short(r, "crds");
		r->flags = b->flags;
		r->field_labels = b->fields;
		ta_store_add_resource(s, r);
	}
}

static cJSON *
obj_at(cJSON *o, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsObject(v)) {
		cJSON_DeleteItemFromObjectCaseSensitive(o, key);
		v = cJSON_AddObjectToObject(o, key);
	}
	return v;
}

static void
set_default(cJSON *o, const char *key, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, key))
		cJSON_Delete(v);
	else
		cJSON_AddItemToObject(o, key, v);
}

static bool
cluster_ip_taken(const struct ta_resource *svc, const char *ip)
{
	for (size_t i = 0; i < svc->n; i++) {
		const cJSON *spec = cJSON_GetObjectItemCaseSensitive(svc->objs[i]->obj, "spec");
		const char *have = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(spec, "clusterIP"));
		if (have && !strcmp(have, ip))
			return true;
	}
	return false;
}

static void
service_defaults(struct ta_store *s, cJSON *obj)
{
	cJSON *spec = obj_at(obj, "spec");
	set_default(spec, "type", cJSON_CreateString("ClusterIP"));
	set_default(spec, "sessionAffinity", cJSON_CreateString("None"));
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(spec, "type");
	if (cJSON_IsString(type) && strcmp(type->valuestring, "ExternalName")) {
		/* the allocator: a free address of 10.96.0.0/16 (of the /12
		 * kube-apiserver serves), from a start that moves with rv */
		char ip[32] = "";
		const struct ta_resource *svc = ta_store_find(s, "", "v1", "services");
		for (uint32_t k = 0; k < 65534 && !ip[0]; k++) {
			uint32_t i = 1 + (uint32_t)((s->rv + k) % 65534);
			snprintf(ip, sizeof(ip), "10.96.%u.%u", i >> 8, i & 0xff);
			if ((i & 0xff) == 0 || (svc && cluster_ip_taken(svc, ip)))
				ip[0] = '\0';
		}
		set_default(spec, "clusterIP", cJSON_CreateString(ip));
		const cJSON *cip = cJSON_GetObjectItemCaseSensitive(spec, "clusterIP");
		const char *one = cJSON_IsString(cip) ? cip->valuestring : ip;
		set_default(spec, "clusterIPs", cJSON_CreateStringArray(&one, 1));
		const char *fam = "IPv4";
		set_default(spec, "ipFamilies", cJSON_CreateStringArray(&fam, 1));
		set_default(spec, "ipFamilyPolicy", cJSON_CreateString("SingleStack"));
		set_default(spec, "internalTrafficPolicy", cJSON_CreateString("Cluster"));
	}
	cJSON *port;
	cJSON_ArrayForEach(port, cJSON_GetObjectItemCaseSensitive(spec, "ports"))
	{
		set_default(port, "protocol", cJSON_CreateString("TCP"));
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(port, "port");
		if (cJSON_IsNumber(p))
			set_default(port, "targetPort", cJSON_CreateNumber(p->valuedouble));
	}
	cJSON *st = obj_at(obj, "status");
	set_default(st, "loadBalancer", cJSON_CreateObject());
}

/* ---------------------------------------------------------------- NodePorts
 * As kube-apiserver's service REST: a NodePort or LoadBalancer Service
 * gets a port from 30000-32767 for each of its ports that names none; a
 * port named by a client must be in that range and free (else 422); an
 * update that leaves a port's nodePort out keeps the one it had. */
enum { NODEPORT_MIN = 30000, NODEPORT_MAX = 32767 };

static bool
wants_nodeports(const cJSON *spec)
{
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(spec, "type"));
	return t && (!strcmp(t, "NodePort") || !strcmp(t, "LoadBalancer"));
}

/* the Service (other than ns/name) that holds nodePort p, or NULL */
static const struct ta_object *
nodeport_holder(const struct ta_resource *svc, int p, const char *ns, const char *name)
{
	for (size_t i = 0; i < svc->n; i++) {
		const struct ta_object *o = svc->objs[i];
		if (!strcmp(o->ns, ns) && !strcmp(o->name, name))
			continue;
		const cJSON *spec = cJSON_GetObjectItemCaseSensitive(o->obj, "spec");
		const cJSON *port;
		cJSON_ArrayForEach(port, cJSON_GetObjectItemCaseSensitive(spec, "ports"))
		{
			const cJSON *np = cJSON_GetObjectItemCaseSensitive(port, "nodePort");
			if (cJSON_IsNumber(np) && np->valueint == p)
				return o;
		}
	}
	return NULL;
}

static bool
nodeport_taken(const struct ta_resource *svc, const cJSON *ports, const cJSON *self,
	       int p, const char *ns, const char *name)
{
	const cJSON *port;
	cJSON_ArrayForEach(port, ports)
	{
		const cJSON *np = cJSON_GetObjectItemCaseSensitive(port, "nodePort");
		if (port != self && cJSON_IsNumber(np) && np->valueint == p)
			return true;
	}
	return nodeport_holder(svc, p, ns, name) != NULL;
}

/* the port of old's spec.ports matching port (same port and protocol) */
static const cJSON *
old_port(const cJSON *old, const cJSON *port)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(old, "spec");
	const cJSON *o;
	const cJSON *want = cJSON_GetObjectItemCaseSensitive(port, "port");
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(spec, "ports"))
	{
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "port");
		if (cJSON_IsNumber(p) && cJSON_IsNumber(want) && p->valueint == want->valueint)
			return o;
	}
	return NULL;
}

static bool
assign_nodeports(struct ta_store *s, const struct ta_resource *svc, cJSON *obj,
		 const cJSON *old, struct ta_err *e)
{
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	if (!wants_nodeports(spec))
		return true;
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const char *ns = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(md, "namespace"));
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(md, "name"));
	ns = ns ? ns : "";
	name = name ? name : "";
	cJSON *ports = cJSON_GetObjectItemCaseSensitive(spec, "ports");
	cJSON *port;
	int i = 0;
	cJSON_ArrayForEach(port, ports) /* first the ports clients chose */
	{
		cJSON *np = cJSON_GetObjectItemCaseSensitive(port, "nodePort");
		if (!np && old) {
			const cJSON *was = cJSON_GetObjectItemCaseSensitive(old_port(old, port),
									     "nodePort");
			if (cJSON_IsNumber(was))
				np = cJSON_AddNumberToObject(port, "nodePort", was->valuedouble);
		}
		if (np && (!cJSON_IsNumber(np) || np->valueint < NODEPORT_MIN ||
			   np->valueint > NODEPORT_MAX)) {
			ta_err_set(e, 422, "Invalid", "Service \"%s\" is invalid: spec.ports[%d]."
				   "nodePort: Invalid value: %d: provided port is not in the "
				   "valid range. The range of valid ports is %d-%d", name, i,
				   np->valueint, NODEPORT_MIN, NODEPORT_MAX);
			return false;
		}
		if (np && nodeport_taken(svc, ports, port, np->valueint, ns, name)) {
			ta_err_set(e, 422, "Invalid", "Service \"%s\" is invalid: spec.ports[%d]."
				   "nodePort: Invalid value: %d: provided port is already "
				   "allocated", name, i, np->valueint);
			return false;
		}
		i++;
	}
	const int span = NODEPORT_MAX - NODEPORT_MIN + 1;
	int next = (int)(s->rv % (uint64_t)span);
	cJSON_ArrayForEach(port, ports) /* then the allocator, from a moving start */
	{
		if (cJSON_GetObjectItemCaseSensitive(port, "nodePort"))
			continue;
		int k = 0;
		for (; k < span; k++) {
			int p = NODEPORT_MIN + (next + k) % span;
			if (!nodeport_taken(svc, ports, NULL, p, ns, name)) {
				cJSON_AddNumberToObject(port, "nodePort", p);
				next = (next + k + 1) % span;
				break;
			}
		}
		if (k == span) {
			ta_err_set(e, 500, "InternalError", "failed to allocate a nodePort: "
				   "range is full");
			return false;
		}
	}
	return true;
}

bool
ta_builtin_prepare_update(struct ta_store *s, const struct ta_resource *r,
			  const cJSON *old, cJSON *obj, struct ta_err *e)
{
	if (!(r->flags & TA_TYPED) || r->group[0] || strcmp(r->plural, "services"))
		return true;
	return assign_nodeports(s, r, obj, old, e);
}

bool
ta_builtin_prepare_create(struct ta_store *s, const struct ta_resource *r,
			  cJSON *obj, struct ta_err *e)
{
	if (!(r->flags & TA_TYPED) || r->group[0])
		return true;
	if (!strcmp(r->plural, "namespaces")) {
		cJSON *md = obj_at(obj, "metadata");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(md, "name");
		cJSON *labels = obj_at(md, "labels");
		if (cJSON_IsString(name)) {
			cJSON_DeleteItemFromObjectCaseSensitive(labels, "kubernetes.io/metadata.name");
			cJSON_AddStringToObject(labels, "kubernetes.io/metadata.name", name->valuestring);
		}
		cJSON *spec = obj_at(obj, "spec");
		const char *fin = "kubernetes";
		cJSON_DeleteItemFromObjectCaseSensitive(spec, "finalizers");
		cJSON_AddItemToObject(spec, "finalizers", cJSON_CreateStringArray(&fin, 1));
		cJSON *st = obj_at(obj, "status");
		cJSON_DeleteItemFromObjectCaseSensitive(st, "phase");
		cJSON_AddStringToObject(st, "phase", "Active");
	} else if (!strcmp(r->plural, "services")) {
		service_defaults(s, obj);
		return assign_nodeports(s, r, obj, NULL, e);
	} else if (!strcmp(r->plural, "secrets")) {
		set_default(obj, "type", cJSON_CreateString("Opaque"));
	}
	return true;
}
