/*
 * tests/chaos/chaos_check.c - the campaign's checker.
 *
 * pending: a ResourceBinding is settled when the scheduler observed its
 * generation (status.schedulerObservedGeneration = metadata.generation) and
 * it is placed (spec.clusters) or says why not (a Scheduled condition).
 *
 * check: replays the test server's write log (/_testapi/writes, oldest
 * first; see tests/testapi/write.c for the fields) and counts
 *  - non-leader writes: a write by a daemon (User-Agent
 *    "fedstate-<component>/<version> (<identity>)") while the Lease of its
 *    component (karmada-system/fedstate-<component>) was, at that point of
 *    the log, held by another identity or by none. Lease writes themselves
 *    and Events are not counted (Karmada does not fence Events either);
 *  - stale writes: an accepted write whose precondition (base_rv) is older
 *    than the object's last spec change (the last accepted write that moved
 *    its generation);
 *  - unguarded spec writes: a daemon write that changed the generation of
 *    a ResourceBinding or MultiCloudMongoDB without a precondition (computed
 *    from an unknown version);
 *  - double-bound: two accepted scheduler spec writes of one binding from
 *    the same generation by different identities, or a final spec.clusters
 *    naming a cluster twice;
 *  - lost: bindings not settled;
 *  - pruned while desired: an accepted DELETE by fedstate-ops of a child
 *    (a kind the mongodb plugin renders) that exists again at the end,
 *    owned (fedstate.io/owner-uid) by a MultiCloudMongoDB that had no
 *    accepted write after that DELETE (so what it asked for then is what
 *    it asks for at the end) and that is not placed on a cluster the fault
 *    schedule changed;
 * the time each object took to settle after the last fault (or after its
 * own last change by the load, when later): its last daemon write minus
 * that, as p50/p99/max over the objects written after it;
 * and dumps the final clusters and bindings as kind: List files in DIR for
 * `fedstate simulate`.
 *
 * simcmp: compares the final spec.clusters with simulate's placement for
 * the bindings the decision rules pin down on the final objects alone:
 * strategy exactly "Duplicated" (every cluster passing the filters, no
 * capacity division, no spread, no affinity terms, no dependence on the
 * order of scheduling or on previous placements), settled and scheduled
 * (Scheduled=True at the observed generation), and neither placement naming
 * a cluster the fault schedule changed (NotReady, labels, deleted: a
 * binding is not rescheduled for every cluster change, as in Karmada).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chaos.h"
#include "chaos_http.h"

/* ------------------------------------------------------------ a string map */

struct slot {
	char *key;
	long long v;
	char *s;
};
struct map {
	struct slot *t;
	size_t cap, n;
};

static size_t
hash(const char *k)
{
	size_t h = 1469598103934665603ULL;
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

static struct slot *
map_at(struct map *m, const char *key)
{
	if (m->n * 2 >= m->cap) {
		struct map big = {calloc(m->cap ? m->cap * 2 : 4096, sizeof(struct slot)),
				  m->cap ? m->cap * 2 : 4096, 0};
		for (size_t i = 0; i < m->cap; i++)
			if (m->t[i].key) {
				size_t j = hash(m->t[i].key) & (big.cap - 1);
				while (big.t[j].key)
					j = (j + 1) & (big.cap - 1);
				big.t[j] = m->t[i];
				big.n++;
			}
		free(m->t);
		*m = big;
	}
	size_t j = hash(key) & (m->cap - 1);
	while (m->t[j].key && strcmp(m->t[j].key, key))
		j = (j + 1) & (m->cap - 1);
	if (!m->t[j].key) {
		m->t[j].key = strdup(key);
		m->n++;
	}
	return &m->t[j];
}

static void
map_free(struct map *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->t[i].key);
		free(m->t[i].s);
	}
	free(m->t);
}

/* ------------------------------------------------------------ helpers */

static const char *
str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static double
num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static const cJSON *
sub(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* the Scheduled condition's status ("True", "False") or NULL */
static const char *
scheduled(const cJSON *rb)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, sub(sub(rb, "status"), "conditions"))
		if (!strcmp(str(c, "type"), "Scheduled"))
			return str(c, "status");
	return NULL;
}

static bool
settled(const cJSON *rb)
{
	double g = num(sub(rb, "metadata"), "generation");
	double o = num(sub(rb, "status"), "schedulerObservedGeneration");
	const char *cond = scheduled(rb);
	bool placed = cJSON_GetArraySize(sub(sub(rb, "spec"), "clusters")) > 0;
	/* a failure (NoClusterFit, ...) records no observed generation, as in
	 * Karmada: unplaced with Scheduled=False is settled, it says why */
	return (g == o && (cond || placed)) || (!placed && cond && !strcmp(cond, "False"));
}

static bool
deleting(const cJSON *obj)
{
	return ch_meta(obj, "deletionTimestamp") != NULL;
}

#define RB_LIST "/apis/work.karmada.io/v1alpha2/resourcebindings"
#define CL_LIST "/apis/cluster.karmada.io/v1alpha1/clusters"

int
ch_pending(const char *url)
{
	ch_http_init(url);
	cJSON *l = ch_list_json(RB_LIST);
	if (!l)
		return 1;
	int pending = 0, total = 0;
	const cJSON *rb;
	cJSON_ArrayForEach(rb, sub(l, "items"))
	{
		if (deleting(rb))
			continue;
		total++;
		pending += !settled(rb);
	}
	printf("%d %d\n", pending, total);
	cJSON_Delete(l);
	ch_http_done();
	return 0;
}

/* "fedstate-scheduler/0.1.0 (host_1a2b3c4d)" -> component, identity */
static bool
agent_split(const char *agent, char *comp, size_t nc, char *id, size_t ni)
{
	if (strncmp(agent, "fedstate-", 9))
		return false;
	const char *slash = strchr(agent, '/'), *open = strrchr(agent, '('),
		   *close = strrchr(agent, ')');
	if (!slash || !open || !close || close < open)
		return false;
	snprintf(comp, nc, "%.*s", (int)(slash - agent), agent);
	snprintf(id, ni, "%.*s", (int)(close - open - 1), open + 1);
	return true;
}

/* the object's key: its path without /status */
static void
obj_key(const char *path, char *buf, size_t n)
{
	snprintf(buf, n, "%s", path);
	size_t l = strlen(buf);
	if (l > 7 && !strcmp(buf + l - 7, "/status"))
		buf[l - 7] = '\0';
}

/* v as JSON into dir/file; false, with a message, when it cannot */
static bool
write_json(const char *dir, const char *file, const cJSON *v)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	char *s = cJSON_PrintUnformatted(v);
	FILE *f = fopen(path, "w");
	bool ok = f && s && fputs(s, f) >= 0;
	if (f && fclose(f))
		ok = false;
	if (!ok)
		fprintf(stderr, "chaos: cannot write %s\n", path);
	free(s);
	return ok;
}

static bool
write_list(const char *dir, const char *file, cJSON *list, const char *api, const char *kind)
{
	cJSON *items = cJSON_GetObjectItemCaseSensitive(list, "items"), *it;
	cJSON_ArrayForEach(it, items)
	{
		if (!sub(it, "apiVersion"))
			cJSON_AddStringToObject(it, "apiVersion", api);
		if (!sub(it, "kind"))
			cJSON_AddStringToObject(it, "kind", kind);
	}
	cJSON *out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "apiVersion", "v1");
	cJSON_AddStringToObject(out, "kind", "List");
	cJSON_AddItemReferenceToObject(out, "items", items); /* not owned */
	bool ok = write_json(dir, file, out);
	cJSON_Delete(out);
	return ok;
}

static void
example(int *n, const char *what, const cJSON *w)
{
	if (++*n <= 5) {
		char *s = cJSON_PrintUnformatted(w);
		fprintf(stderr, "chaos: %s: %s\n", what, s);
		free(s);
	}
}

/* the kinds the mongodb plugin renders (chaos_render.c lists them too) */
static const char *const child_lists[] = {
	"/api/v1/services", "/api/v1/configmaps",
	"/apis/policy.karmada.io/v1alpha1/propagationpolicies",
	"/apis/policy.karmada.io/v1alpha1/overridepolicies",
	"/apis/middleware.fedstate.io/v1alpha1/mongodbs",
};
static const char *const child_kinds[] = {
	"/services/", "/configmaps/", "/propagationpolicies/", "/overridepolicies/",
	"/mongodbs/",
};
#define MCM_LIST "/apis/middleware.fedstate.io/v1alpha1/multicloudmongodbs"

static bool
is_child(const char *path)
{
	for (size_t k = 0; k < sizeof child_kinds / sizeof *child_kinds; k++)
		if (strstr(path, child_kinds[k]))
			return true;
	return false;
}

/* an object's path from its list's: /api/v1/PLURAL or /apis/G/V/PLURAL
 * -> .../namespaces/NS/PLURAL/NAME, as the write log has it */
static void
obj_path(const char *list, const cJSON *o, char *buf, size_t n)
{
	const char *ns = ch_meta(o, "namespace"), *name = ch_meta(o, "name");
	const char *plural = strrchr(list, '/') + 1;
	snprintf(buf, n, "%.*snamespaces/%s/%s/%s", (int)(plural - list), list,
		 ns ? ns : "", plural, name ? name : "");
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* the lines of a file as a set (v = 1); empty when it cannot be read */
static struct map
read_lines(const char *file)
{
	struct map m = {0};
	FILE *f = file ? fopen(file, "r") : NULL;
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0])
			map_at(&m, line)->v = 1;
	}
	if (f)
		fclose(f);
	return m;
}

/* does a MultiCloudMongoDB's schedulerResult name a faulted cluster? */
static bool
placed_on_faulted(const cJSON *mdb, struct map *faulted)
{
	const cJSON *a = sub(sub(sub(mdb, "metadata"), "annotations"), "schedulerResult");
	if (!cJSON_IsString(a))
		return false;
	for (size_t i = 0; i < faulted->cap; i++)
		if (faulted->t[i].key && strstr(a->valuestring, faulted->t[i].key))
			return true;
	return false;
}

int
ch_check(const char *url, const char *dir, long long t_last_ms, const char *faultfile)
{
	ch_http_init(url);
	/* the final objects first, then the log that led to them */
	cJSON *rbs = ch_list_json(RB_LIST);
	cJSON *cls = ch_list_json(CL_LIST);
	cJSON *mdbs = ch_list_json(MCM_LIST);
	cJSON *writes = ch_writes_json();
	if (!writes || !rbs || !cls || !mdbs)
		return 1;
	write_json(dir, "writes.json", writes); /* a failed run keeps it */
	struct map holders = {0}, spec_rv = {0}, bound = {0}, rb_writes = {0};
	/* per object: index of its last accepted non-status write; time of its
	 * last change by the load; time of its last daemon write */
	struct map last_write = {0}, load_t = {0}, daemon_t = {0}, prunes = {0};
	long idx = 0, ops_deletes = 0;
	int non_leader = 0, stale = 0, unguarded = 0, double_bound = 0, lease_changes = 0;
	long daemon_writes = 0, rb_daemon_writes = 0, total = 0;
	const cJSON *w;
	cJSON_ArrayForEach(w, writes)
	{
		total++;
		idx++;
		const char *path = str(w, "path"), *method = str(w, "method");
		double status = num(w, "status");
		bool accepted = status >= 200 && status < 300 && !sub(w, "dry_run");
		char key[1024];
		obj_key(path, key, sizeof key);
		char comp0[64], id0[128];
		bool by_daemon = agent_split(str(w, "agent"), comp0, sizeof comp0, id0, sizeof id0);
		long long t = (long long)num(w, "t");
		if (accepted && strcmp(key, path) == 0)
			map_at(&last_write, key)->v = idx;
		if (accepted && !strstr(path, "/events") && !strstr(path, "/leases")) {
			struct slot *ts = map_at(by_daemon ? &daemon_t : &load_t, key);
			if (t > ts->v)
				ts->v = t;
		}
		if (accepted && by_daemon && !strcmp(method, "DELETE") &&
		    !strcmp(comp0, "fedstate-ops") && is_child(path)) {
			ops_deletes++;
			map_at(&prunes, key)->v = idx; /* the last one */
		}
		if (strstr(path, "/leases")) {
			if (accepted && sub(w, "holder")) {
				struct slot *h = map_at(&holders, str(w, "name"));
				const char *now = str(w, "holder");
				if (!h->s || strcmp(h->s, now)) {
					lease_changes += now[0] != '\0';
					free(h->s);
					h->s = strdup(now);
				}
			}
			continue;
		}
		/* the last spec change of every object, from every writer */
		double gen = num(w, "gen"), prev_gen = num(w, "prev_gen");
		const char *base = str(w, "base_rv");
		if (accepted && base[0]) {
			struct slot *s = map_at(&spec_rv, key);
			if (strtoll(base, NULL, 10) < s->v)
				example(&stale, "stale write (precondition older than the last spec change)", w);
		}
		bool spec_change = accepted && (!strcmp(method, "POST") || (gen >= 0 && gen != prev_gen));
		if (spec_change)
			map_at(&spec_rv, key)->v = strtoll(str(w, "rv"), NULL, 10);
		char comp[64], id[128];
		if (!agent_split(str(w, "agent"), comp, sizeof comp, id, sizeof id) ||
		    strstr(path, "/events"))
			continue;
		daemon_writes++;
		struct slot *h = map_at(&holders, comp);
		if (!h->s || strcmp(h->s, id))
			example(&non_leader, h->s && h->s[0] ? "write while another identity held the Lease"
							     : "write while no one held the Lease", w);
		bool rb = strstr(path, "/resourcebindings/") != NULL;
		bool mdb = strstr(path, "/multicloudmongodbs/") != NULL;
		if (rb && accepted) {
			rb_daemon_writes++;
			map_at(&rb_writes, key)->v++;
		}
		if ((rb || mdb) && spec_change && strcmp(method, "POST") && !base[0])
			example(&unguarded, "spec write without a precondition", w);
		if (rb && spec_change && !strcmp(comp, "fedstate-scheduler")) {
			char bk[1100];
			snprintf(bk, sizeof bk, "%s@%.0f", key, prev_gen);
			struct slot *b = map_at(&bound, bk);
			if (b->s && strcmp(b->s, id))
				example(&double_bound, "two schedulers bound one generation", w);
			free(b->s);
			b->s = strdup(id);
		}
	}
	int lost = 0, bindings = 0, dup_clusters = 0;
	const cJSON *rb;
	cJSON_ArrayForEach(rb, sub(rbs, "items"))
	{
		if (deleting(rb))
			continue;
		bindings++;
		if (!settled(rb) && ++lost <= 5)
			fprintf(stderr, "chaos: not settled: %s/%s generation %.0f observed %.0f\n",
				ch_meta(rb, "namespace"), ch_meta(rb, "name"),
				num(sub(rb, "metadata"), "generation"),
				num(sub(rb, "status"), "schedulerObservedGeneration"));
		const cJSON *a, *b;
		int i = 0;
		cJSON_ArrayForEach(a, sub(sub(rb, "spec"), "clusters"))
		{
			int j = 0;
			cJSON_ArrayForEach(b, sub(sub(rb, "spec"), "clusters"))
				if (j++ < i && !strcmp(str(a, "name"), str(b, "name")))
					dup_clusters++;
			i++;
		}
	}
	double_bound += dup_clusters;

	/* pruned while still desired */
	struct map faulted = read_lines(faultfile), owners = {0};
	int pruned_desired = 0, prunes_checked = 0;
	const cJSON *m;
	cJSON_ArrayForEach(m, sub(mdbs, "items"))
	{
		const char *uid = ch_meta(m, "uid");
		char p[1024];
		if (!uid || deleting(m) || placed_on_faulted(m, &faulted))
			continue;
		obj_path(MCM_LIST, m, p, sizeof p);
		map_at(&owners, uid)->s = strdup(p);
	}
	for (size_t k = 0; k < sizeof child_lists / sizeof *child_lists; k++) {
		char lp[512];
		snprintf(lp, sizeof lp, "%s?labelSelector=fedstate.io/owner-uid", child_lists[k]);
		cJSON *l = ch_list_json(lp);
		const cJSON *c;
		cJSON_ArrayForEach(c, sub(l, "items"))
		{
			char p[1024];
			obj_path(child_lists[k], c, p, sizeof p);
			struct slot *del = map_at(&prunes, p);
			const cJSON *uid = sub(sub(sub(c, "metadata"), "labels"), "fedstate.io/owner-uid");
			if (!del->v || !cJSON_IsString(uid))
				continue;
			struct slot *o = map_at(&owners, uid->valuestring);
			if (!o->s)
				continue;
			prunes_checked++;
			if (map_at(&last_write, o->s)->v < del->v && ++pruned_desired <= 5)
				fprintf(stderr, "chaos: pruned while still desired: %s (write %lld), "
					"recreated; its owner %s did not change after it\n", p,
					del->v, o->s);
		}
		cJSON_Delete(l);
	}

	/* settle times after the last fault, per object */
	long long *lat = calloc(daemon_t.n + 1, sizeof *lat);
	size_t nl = 0;
	for (size_t i = 0; i < daemon_t.cap; i++) {
		if (!daemon_t.t[i].key)
			continue;
		long long ref = map_at(&load_t, daemon_t.t[i].key)->v;
		if (ref < t_last_ms)
			ref = t_last_ms;
		if (daemon_t.t[i].v > ref)
			lat[nl++] = daemon_t.t[i].v - ref;
	}
	qsort(lat, nl, sizeof *lat, cmp_ll);
	double p50 = nl ? (double)lat[nl / 2] / 1000.0 : 0, p99 = nl ? (double)lat[nl * 99 / 100] / 1000.0 : 0,
	       pmax = nl ? (double)lat[nl - 1] / 1000.0 : 0;
	free(lat);

	bool ok = write_list(dir, "final-clusters.json", cls, "cluster.karmada.io/v1alpha1", "Cluster") &&
		  write_list(dir, "final-bindings.json", rbs, "work.karmada.io/v1alpha2",
			     "ResourceBinding");
	printf("{\"bindings\": %d, \"lost\": %d, \"double_bound\": %d, \"stale_writes\": %d, "
	       "\"non_leader_writes\": %d, \"unguarded_spec_writes\": %d, \"api_writes\": %ld, "
	       "\"daemon_writes\": %ld, \"binding_writes\": %ld, \"bindings_written\": %zu, "
	       "\"writes_per_binding\": %.2f, \"lease_changes\": %d, \"ops_deletes\": %ld, "
	       "\"prunes_recreated_checked\": %d, \"pruned_while_desired\": %d, "
	       "\"settled_after_last_fault\": {\"objects\": %zu, \"p50_s\": %.2f, \"p99_s\": %.2f, "
	       "\"max_s\": %.2f}}\n",
	       bindings, lost, double_bound, stale, non_leader, unguarded, total, daemon_writes,
	       rb_daemon_writes, rb_writes.n,
	       rb_writes.n ? (double)rb_daemon_writes / (double)rb_writes.n : 0.0, lease_changes,
	       ops_deletes, prunes_checked, pruned_desired, nl, p50, p99, pmax);
	map_free(&last_write);
	map_free(&load_t);
	map_free(&daemon_t);
	map_free(&prunes);
	map_free(&faulted);
	map_free(&owners);
	cJSON_Delete(mdbs);
	map_free(&holders);
	map_free(&spec_rv);
	map_free(&bound);
	map_free(&rb_writes);
	cJSON_Delete(writes);
	cJSON_Delete(rbs);
	cJSON_Delete(cls);
	ch_http_done();
	return ok ? 0 : 1;
}

/* ------------------------------------------------------------ simcmp */

static cJSON *
read_json(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "chaos: cannot open %s\n", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	size_t got = fread(b, 1, (size_t)n, f);
	fclose(f);
	b[got] = '\0';
	cJSON *v = cJSON_Parse(b);
	free(b);
	if (!v)
		fprintf(stderr, "chaos: %s is not JSON\n", path);
	return v;
}

/* "name=replicas,..." sorted by name, for comparing placements */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
placement(const cJSON *clusters, struct map *faulted, char *buf, size_t n, bool *touched)
{
	char *names[4096];
	int k = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, clusters)
	{
		if (k == 4096)
			break;
		char one[256];
		double r = num(c, "replicas");
		snprintf(one, sizeof one, "%s=%.0f", str(c, "name"), r < 0 ? 0 : r);
		names[k++] = strdup(one);
		if (map_at(faulted, str(c, "name"))->v)
			*touched = true;
	}
	qsort(names, (size_t)k, sizeof *names, cmp_str);
	size_t off = 0;
	buf[0] = '\0';
	for (int i = 0; i < k; i++) {
		if (off < n)
			off += (size_t)snprintf(buf + off, n - off, "%s%s", i ? "," : "", names[i]);
		free(names[i]);
	}
}

int
ch_simcmp(const char *dir, const char *simfile, const char *faultfile)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/final-bindings.json", dir);
	cJSON *rbs = read_json(path), *sim = read_json(simfile);
	if (!rbs || !sim)
		return 1;
	struct map faulted = read_lines(faultfile), sims = {0};
	const cJSON *r;
	cJSON_ArrayForEach(r, sub(sim, "results"))
	{
		if (strcmp(str(r, "kind"), "ResourceBinding") || strcmp(str(r, "strategy"), "Duplicated") ||
		    !cJSON_IsTrue(sub(r, "scheduled")))
			continue;
		char key[600], pl[65536];
		bool touched = false;
		snprintf(key, sizeof key, "%s/%s", str(r, "namespace"), str(r, "name"));
		placement(sub(r, "clusters"), &faulted, pl, sizeof pl, &touched);
		if (!touched)
			map_at(&sims, key)->s = strdup(pl);
	}
	int compared = 0, differ = 0;
	const cJSON *rb;
	cJSON_ArrayForEach(rb, sub(rbs, "items"))
	{
		char key[600], pl[65536];
		bool touched = false;
		snprintf(key, sizeof key, "%s/%s", ch_meta(rb, "namespace"), ch_meta(rb, "name"));
		struct slot *s = map_at(&sims, key);
		const char *cond = scheduled(rb);
		if (!s->s || deleting(rb) || !settled(rb) || !cond || strcmp(cond, "True"))
			continue;
		placement(sub(sub(rb, "spec"), "clusters"), &faulted, pl, sizeof pl, &touched);
		if (touched)
			continue;
		compared++;
		if (strcmp(pl, s->s) && ++differ <= 5)
			fprintf(stderr, "chaos: %s placed %.300s, simulate on the final objects says %.300s\n",
				key, pl, s->s);
	}
	printf("{\"compared\": %d, \"differ\": %d}\n", compared, differ);
	map_free(&faulted);
	map_free(&sims);
	cJSON_Delete(rbs);
	cJSON_Delete(sim);
	return 0;
}
