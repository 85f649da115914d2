/*
 * example_middleware.c - a complete middleware plugin, small enough to
 * read in one sitting, as a starting point for your own.
 *
 * It teaches FedState one federated kind, example.fedstate.io/v1alpha1
 * MultiCloudMemcached: a memcached pool spread over member clusters.
 *
 *   apiVersion: example.fedstate.io/v1alpha1
 *   kind: MultiCloudMemcached
 *   metadata: {name: sessions, namespace: shop}
 *   spec:
 *     replicas: 3        # memcached servers in all clusters together
 *     memoryMB: 256      # cache size of each server (its memory request)
 *     image: memcached:1.6.29   # optional
 *
 * The four extension points (api/fedstate/mw.h):
 *
 *   interpret         what the scheduler places: `replicas` servers, each
 *                     asking 100m CPU and memoryMB of memory, divided over
 *                     the clusters by what each can still hold
 *   render            given the placement ([{cluster, replicas}]): the
 *                     Deployment and the NodePort Service Karmada
 *                     propagates, the PropagationPolicy that sends them
 *                     there with one static weight per cluster, and a
 *                     ConfigMap of client endpoints (VIP:nodePort of each
 *                     cluster) once the Service has its nodePort (two
 *                     passes, see render)
 *   interpret_health  one member Deployment, as its cluster reports it:
 *                     healthy when every replica is ready
 *   aggregate_status  the federated object's status from the Deployment's
 *                     ResourceBinding: per cluster ready/health, and an
 *                     overall Health / SubHealth / UnHealth / UnKnown
 *
 * Build it out of tree with nothing but the installed headers (Makefile
 * in this folder):
 *
 *   make                 # example-middleware.so
 *   fedstate plugins check ./example-middleware.so
 *   fedstate render --config ops.yaml --plugin-dir . --object memcached.yaml \
 *       --clusters clusters.yaml --allocate-nodeports
 *   fedstate render --status --config ops.yaml --plugin-dir . \
 *       --object memcached.yaml --binding binding.yaml
 *
 * Ownership, the rules every middleware plugin follows:
 *   - what init() stores in *state is handed back to every callback and
 *     stays valid until fini(state); it is ours to free there;
 *   - every `const struct fs_json *` argument is borrowed for the call;
 *   - JSON we build with fs_json_object() & co. is ours until we hand it
 *     over (fs_obj_set, fs_arr_push, render_emit, *status, the workload's
 *     requests/placement), then it is the host's;
 *   - strings we return by pointer are literals, interned, or in state.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <fedstate/fedstate.h>
#include <fedstate/args.h>
#include <fedstate/objects.h>

#define PORT 11211

/* ------------------------------------------------------------ instance */

/* One instance per configured use (args may differ between configs). */
struct conf {
	const char *vip_label; /* Cluster label holding the member's VIP; interned */
	/* our instance handle: init() gets it, and it stays valid until fini,
	 * so later callbacks use it for services that take self (logging,
	 * host->last_error) */
	struct fs_plugin *self;
};

static const struct fs_arg conf_args[] = {
	{.key = "vipLabel", .type = FS_ARG_STRING, .offset = offsetof(struct conf, vip_label)},
};

static enum fs_code
mc_init(struct fs_plugin *self, const struct fs_json *args, void **state,
	char *err, size_t errlen)
{
	struct conf *c = fs_host->calloc(1, sizeof *c);
	if (!c)
		return FS_E_NOMEM;
	c->self = self;
	c->vip_label = fs_host->intern("vip", (size_t)-1); /* defaults first */
	enum fs_code rc = fs_args_parse(args, conf_args, sizeof conf_args / sizeof conf_args[0],
					c, err, errlen);
	if (rc != FS_OK) {
		fs_host->free(c);
		return rc;
	}
	*state = c; /* ours until mc_fini */
	return FS_OK;
}

static void
mc_fini(void *state)
{
	fs_host->free(state); /* NULL-safe */
}

/* ----------------------------------------------------------- interpret */

/* spec.memoryMB, default 64 */
static bool
memory_mb(const struct fs_json *obj, int64_t *mb, char *err, size_t errlen)
{
	*mb = 64;
	if (!fs_host->json_path(obj, "spec.memoryMB"))
		return true;
	return fs_json_int_at(obj, "spec.memoryMB", 16, 65536, mb, err, errlen);
}

/* The scheduler calls this for every MultiCloudMemcached (and `fedstate
 * simulate` does, for a config whose `middlewares:` names this plugin). */
static enum fs_code
mc_interpret(void *state, const struct fs_json *obj, struct fs_mw_workload *out,
	     char *err, size_t errlen)
{
	(void)state;
	int64_t n, mb;
	/* a bad field: one line naming it, e.g. "spec.replicas: expected
	 * integer 1..100, got string \"three\"" */
	if (!fs_json_int_at(obj, "spec.replicas", 1, 100, &n, err, errlen) ||
	    !memory_mb(obj, &mb, err, errlen))
		return FS_E_INVAL;
	out->replicas = (int32_t)n;

	/* what one server asks for; the host takes the object */
	char mem[32];
	snprintf(mem, sizeof mem, "%lldMi", (long long)mb);
	struct fs_json *req = fs_json_object();
	fs_obj_set_str(req, "cpu", "100m");
	fs_obj_set_str(req, "memory", mem);
	out->requests = req;

	/* A Karmada Placement: divide the servers, weighted by the replicas
	 * each cluster can still hold. Left NULL it would mean Duplicated:
	 * every cluster gets all `replicas`. */
	struct fs_json *pl = fs_json_object();
	struct fs_json *rs = fs_obj_set_obj(pl, "replicaScheduling");
	fs_obj_set_str(rs, "replicaSchedulingType", "Divided");
	fs_obj_set_str(rs, "replicaDivisionPreference", "Weighted");
	fs_obj_set_str(fs_obj_set_obj(rs, "weightPreference"), "dynamicWeight",
		       "AvailableReplicas");
	out->placement = pl;
	/* mode, arbiter, storage_class, scheduler_name: left at zero (the
	 * placement's own rules; no arbiter; no storage; the default
	 * middleware scheduler) */
	return FS_OK;
}

/* -------------------------------------------------------------- render */

/* {app.kubernetes.io/name: memcached, app.kubernetes.io/instance: name} */
static struct fs_json *
pod_labels(const char *name)
{
	struct fs_json *l = fs_json_object();
	fs_obj_set_str(l, "app.kubernetes.io/name", "memcached");
	fs_obj_set_str(l, "app.kubernetes.io/instance", name);
	return l;
}

/* An object Karmada propagates to the members: it carries
 * `ownerReferences: []`, so the host stamps no owner on it (an owner that
 * does not exist in a member cluster would get it garbage-collected
 * there). The host still stamps namespace and the fedstate.io labels, by
 * which it finds and prunes it. */
static struct fs_json *
member_object(const char *api_version, const char *kind, const char *name,
	      const char *self, struct fs_json **spec)
{
	struct fs_json *o = fs_obj_new(api_version, kind, name, pod_labels(self));
	/* fs_obj_metadata / fs_obj_spec: writable handles on what fs_obj_new
	 * built (ABI 1.1), so nothing is rebuilt by hand */
	fs_obj_set_arr(fs_obj_metadata(o), "ownerReferences"); /* [] : no owner */
	*spec = fs_obj_spec(o);
	return o;
}

static struct fs_json *
deployment(const char *name, const char *self, int64_t total, int64_t mb,
	   const char *image)
{
	struct fs_json *spec;
	struct fs_json *d = member_object("apps/v1", "Deployment", name, self, &spec);
	/* the total: Karmada's static weights (the policy below) give each
	 * cluster its share */
	fs_obj_set_int(spec, "replicas", total);
	fs_obj_set(fs_obj_set_obj(spec, "selector"), "matchLabels", pod_labels(self));
	struct fs_json *tpl = fs_obj_set_obj(spec, "template");
	fs_obj_set(fs_obj_set_obj(tpl, "metadata"), "labels", pod_labels(self));
	struct fs_json *c = fs_json_object();
	fs_obj_set_str(c, "name", "memcached");
	fs_obj_set_str(c, "image", image ? image : "memcached:1.6.29");
	char m[24];
	snprintf(m, sizeof m, "%lld", (long long)mb);
	struct fs_json *args = fs_obj_set_arr(c, "args");
	fs_arr_push_str(args, "-m");
	fs_arr_push_str(args, m);
	struct fs_json *port = fs_json_object();
	fs_obj_set_int(port, "containerPort", PORT);
	fs_arr_push(fs_obj_set_arr(c, "ports"), port);
	char mem[32];
	snprintf(mem, sizeof mem, "%lldMi", (long long)mb);
	struct fs_json *req = fs_obj_set_obj(fs_obj_set_obj(c, "resources"), "requests");
	fs_obj_set_str(req, "cpu", "100m");
	fs_obj_set_str(req, "memory", mem);
	fs_arr_push(fs_obj_set_arr(fs_obj_set_obj(tpl, "spec"), "containers"), c);
	return d;
}

static struct fs_json *
service(const char *name, const char *self)
{
	struct fs_json *spec;
	struct fs_json *s = member_object("v1", "Service", name, self, &spec);
	fs_obj_set_str(spec, "type", "NodePort");
	fs_obj_set(spec, "selector", pod_labels(self));
	struct fs_json *port = fs_json_object();
	fs_obj_set_str(port, "name", "memcached");
	fs_obj_set_int(port, "port", PORT);
	fs_arr_push(fs_obj_set_arr(spec, "ports"), port);
	return s;
}

/*
 * Render runs for every MultiCloudMemcached the scheduler has placed.
 * obj is the federated object, placement the scheduler's answer (never
 * NULL; [] when nothing is placed). Everything we want to exist goes
 * through render_emit, which takes the object; the same inputs must give
 * the same objects, byte for byte.
 */
static enum fs_code
mc_render(void *state, struct fs_render *r, const struct fs_json *obj,
	  const struct fs_json *placement, char *err, size_t errlen)
{
	const struct conf *conf = state;
	const char *self = fs_json_str_at(obj, "metadata.name");
	int64_t mb;
	if (!memory_mb(obj, &mb, err, errlen))
		return FS_E_INVAL;
	char name[300];
	snprintf(name, sizeof name, "%s-memcached", self);

	/* the clusters that got servers, and how many in all */
	struct fs_json *names = fs_json_array();
	int64_t total = 0;
	for (size_t i = 0; i < fs_host->json_size(placement); i++) {
		const struct fs_json *p = fs_host->json_at(placement, i);
		int64_t n = 0;
		fs_host->json_int(fs_host->json_get(p, "replicas"), &n);
		if (n > 0) {
			fs_arr_push_str(names, fs_json_str_at(p, "cluster"));
			total += n;
		}
	}
	if (total == 0) {
		fs_host->json_free(names);
		snprintf(err, errlen, "placement: no cluster has a server yet (expected at "
			 "least one cluster with replicas > 0)");
		return FS_E_INVAL;
	}

	/* pass 1 and 2: the workload and its Service, both propagated */
	enum fs_code rc = fs_host->render_emit(
		r, deployment(name, self, total, mb, fs_json_str_at(obj, "spec.image")));
	if (rc == FS_OK)
		rc = fs_host->render_emit(r, service(name, self));
	if (rc != FS_OK) {
		fs_host->json_free(names);
		/* the host puts its reason into the render error itself;
		 * last_error(self) has it too, for a plugin that wants to say
		 * more or go on */
		FS_LOG(conf->self, FS_LOG_DEBUG, "render_emit refused: %s",
		       fs_host->last_error(conf->self));
		return rc;
	}

	/* The policy sending both, one static weight per cluster = the
	 * scheduler's replicas there. (fs_obj_propagation_policy() builds
	 * one with a single selector; we need two, so spell it out.) */
	struct fs_json *pp = fs_obj_new(FS_KARMADA_POLICY_API, "PropagationPolicy", name,
					pod_labels(self));
	struct fs_json *spec = fs_obj_set_obj(pp, "spec");
	struct fs_json *sel = fs_obj_set_arr(spec, "resourceSelectors");
	fs_arr_push(sel, fs_obj_selector("apps/v1", "Deployment", name, NULL));
	fs_arr_push(sel, fs_obj_selector("v1", "Service", name, NULL));
	struct fs_json *pl = fs_obj_set_obj(spec, "placement");
	fs_obj_set(fs_obj_set_obj(pl, "clusterAffinity"), "clusterNames", names);
	struct fs_json *weights = fs_obj_static_weights(pl);
	for (size_t i = 0; i < fs_host->json_size(placement); i++) {
		const struct fs_json *p = fs_host->json_at(placement, i);
		int64_t n = 0;
		fs_host->json_int(fs_host->json_get(p, "replicas"), &n);
		if (n > 0)
			fs_obj_static_weight(weights, fs_json_str_at(p, "cluster"), n);
	}
	rc = fs_host->render_emit(r, pp);
	if (rc != FS_OK)
		return rc;

	/* The client endpoints need the nodePort, which the API server
	 * allocates when the Service is created. Until render_lookup shows
	 * it, leave the ConfigMap out and ask for another pass: the daemon
	 * renders again when the Service changes (`fedstate render` says
	 * "pass 2 needed", or plays the API server with
	 * --allocate-nodeports). */
	int64_t node_port = 0;
	const struct fs_json *live = fs_host->render_lookup(r, "v1", "Service", NULL, name);
	if (!fs_host->json_int(fs_host->json_path(live, "spec.ports.0.nodePort"), &node_port) ||
	    node_port <= 0) {
		char why[400];
		snprintf(why, sizeof why, "Service %s has no nodePort yet", name);
		fs_host->render_need_pass(r, why);
		return FS_OK;
	}
	char endpoints[2048] = "";
	size_t at = 0;
	for (size_t i = 0; i < fs_host->json_size(placement); i++) {
		const char *cluster = fs_json_str_at(fs_host->json_at(placement, i), "cluster");
		const char *vip = fs_host->render_cluster_label(r, cluster, conf->vip_label);
		if (!vip)
			continue; /* no address to give for that cluster */
		int w = snprintf(endpoints + at, sizeof endpoints - at, "%s%s:%lld",
				 at ? "," : "", vip, (long long)node_port);
		if (w > 0 && (size_t)w < sizeof endpoints - at)
			at += (size_t)w;
	}
	char cm_name[320];
	snprintf(cm_name, sizeof cm_name, "%s-clients", name);
	/* stays in the control plane: the host stamps the owner on it */
	struct fs_json *cm = fs_obj_new("v1", "ConfigMap", cm_name, pod_labels(self));
	fs_obj_set_str(fs_obj_set_obj(cm, "data"), "servers", endpoints);
	return fs_host->render_emit(r, cm);
}

/* ---------------------------------------------------- interpret_health */

/*
 * One member Deployment as its cluster reported it (member: apiVersion,
 * kind, metadata, the control plane's spec, the cluster's status). The
 * spec's replicas is the total over all clusters, so judge from status,
 * which is this cluster's own.
 */
static enum fs_code
mc_interpret_health(void *state, const struct fs_json *member, bool *healthy,
		    const char **reason)
{
	(void)state;
	int64_t want = 0, ready = 0;
	if (!fs_host->json_int(fs_host->json_path(member, "status.replicas"), &want))
		return FS_E_INVAL; /* cannot tell: Karmada's answer stays */
	fs_host->json_int(fs_host->json_path(member, "status.readyReplicas"), &ready);
	*healthy = want > 0 && ready >= want;
	/* literals: the reason must outlive this call */
	*reason = *healthy ? "every replica ready" : want == 0 ? "no replica running"
							    : "replicas not ready";
	return FS_OK;
}

/* ---------------------------------------------------- aggregate_status */

/* the aggregatedStatus item of `cluster`, NULL when it has not reported */
static const struct fs_json *
item_for(const struct fs_json *binding, const char *cluster)
{
	const struct fs_json *items = fs_host->json_path(binding, "status.aggregatedStatus");
	for (size_t i = 0; i < fs_host->json_size(items); i++) {
		const struct fs_json *it = fs_host->json_at(items, i);
		const char *c = fs_json_str_at(it, "clusterName");
		if (c && strcmp(c, cluster) == 0)
			return it;
	}
	return NULL;
}

/*
 * binding: the ResourceBinding of our Deployment (NULL until Karmada made
 * it). Before this runs the host has filled each item's `health` from
 * mc_interpret_health where Karmada had none. *status must be an object;
 * the host takes it and writes it as the object's .status.
 */
static enum fs_code
mc_aggregate_status(void *state, struct fs_render *r, const struct fs_json *obj,
		    const struct fs_json *placement, const struct fs_json *binding,
		    struct fs_json **status, char *err, size_t errlen)
{
	(void)state;
	(void)r;
	(void)obj;
	(void)err;
	(void)errlen;
	struct fs_json *st = fs_json_object();
	struct fs_json *list = fs_obj_set_arr(st, "clusters");
	size_t clusters = 0, healthy = 0, reported = 0;
	for (size_t i = 0; i < fs_host->json_size(placement); i++) {
		const struct fs_json *p = fs_host->json_at(placement, i);
		const char *cluster = fs_json_str_at(p, "cluster");
		int64_t want = 0, ready = 0;
		fs_host->json_int(fs_host->json_get(p, "replicas"), &want);
		if (want <= 0)
			continue;
		clusters++;
		const struct fs_json *it = binding ? item_for(binding, cluster) : NULL;
		const char *health = fs_json_str_at(it, "health");
		fs_host->json_int(fs_host->json_path(it, "status.readyReplicas"), &ready);
		struct fs_json *e = fs_json_object();
		fs_obj_set_str(e, "cluster", cluster);
		fs_obj_set_int(e, "replicas", want);
		fs_obj_set_int(e, "readyReplicas", ready);
		fs_obj_set_str(e, "health", health ? health : "Unknown");
		if (fs_json_str_at(it, "healthReason"))
			fs_obj_set_str(e, "reason", fs_json_str_at(it, "healthReason"));
		fs_arr_push(list, e);
		if (health && strcmp(health, "Unknown") != 0)
			reported++;
		if (health && strcmp(health, "Healthy") == 0)
			healthy++;
	}
	/* missing reports are UnKnown, never healthy */
	const char *s = reported < clusters ? "UnKnown"
			: healthy == clusters ? "Health"
			: healthy > 0 ? "SubHealth" : "UnHealth";
	fs_obj_set_str(st, "state", s);
	*status = st;
	return FS_OK;
}

/* ---------------------------------------------------------- descriptor */

static const struct fs_mw_ops mc_ops = {
	.struct_size = sizeof(struct fs_mw_ops),
	.group = "example.fedstate.io",
	.version = "v1alpha1",
	.kind = "MultiCloudMemcached",
	.interpret = mc_interpret,
	.render = mc_render,
	.aggregate_status = mc_aggregate_status,
	.interpret_health = mc_interpret_health,
};

/* The file must be installed as <name>.so: example-middleware.so. */
FS_PLUGIN_DEFINE(
	.name = "example-middleware", .version = "1.0.0",
	.description = "example: MultiCloudMemcached, a memcached pool over member clusters",
	.vendor = "FedState", .license = "Apache-2.0",
	.kind = FS_PLUGIN_MIDDLEWARE,
	.caps = FS_CAP_INTERPRET | FS_CAP_RENDER | FS_CAP_AGGREGATE_STATUS |
		FS_CAP_INTERPRET_HEALTH,
	.init = mc_init, .fini = mc_fini, .mw = &mc_ops)
