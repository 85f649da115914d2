/*
 * tests/chaos/chaos_load.c - the campaign's load driver:
 *
 *   chaos load URL SEED OPS SECONDS OUT.json
 *
 * reads the ResourceBindings and MultiCloudMongoDBs once, then runs OPS
 * seeded operations paced over SECONDS (0: as fast as the server answers):
 * merge patches of spec.replicas (bindings) and spec.replicaset (MongoDBs),
 * placement changes (a cluster excluded by clusterAffinity.exclude, or the
 * exclusion dropped), deletes, and creates cloned from a live object under
 * a new name. One keep-alive connection; each request is retried through
 * restarts and 5xx/429 bursts. Writes {"operations", "by_kind": {...},
 * "failed", "seconds"} to OUT.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chaos.h"
#include "chaos_http.h"

#define RB_API "/apis/work.karmada.io/v1alpha2"
#define MDB_API "/apis/middleware.fedstate.io/v1alpha1"

static uint64_t rng;

static uint32_t
below(uint32_t n)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return n ? (uint32_t)((z ^ (z >> 31)) % n) : 0;
}

struct objs {
	char **ns, **name;
	size_t n, cap;
	const char *api, *plural;
	cJSON *templ; /* one live object to clone from (owned) */
};

static void
objs_add(struct objs *o, const char *ns, const char *name)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 1024;
		o->ns = realloc(o->ns, o->cap * sizeof *o->ns);
		o->name = realloc(o->name, o->cap * sizeof *o->name);
		if (!o->ns || !o->name) {
			fprintf(stderr, "chaos: out of memory\n");
			exit(1);
		}
	}
	o->ns[o->n] = strdup(ns);
	o->name[o->n] = strdup(name);
	o->n++;
}

static void
objs_drop(struct objs *o, size_t i)
{
	free(o->ns[i]);
	free(o->name[i]);
	o->n--;
	o->ns[i] = o->ns[o->n];
	o->name[i] = o->name[o->n];
}

static bool
objs_load(struct objs *o, const char *api, const char *plural)
{
	char path[256];
	o->api = api;
	o->plural = plural;
	snprintf(path, sizeof path, "%s/%s", api, plural);
	cJSON *list = ch_list_json(path);
	if (!list)
		return false;
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items"))
	{
		const char *ns = ch_meta(it, "namespace"), *name = ch_meta(it, "name");
		if (ns && name)
			objs_add(o, ns, name);
		if (!o->templ)
			o->templ = cJSON_Duplicate(it, true);
	}
	cJSON_Delete(list);
	return true;
}

static void
obj_path(const struct objs *o, size_t i, char *buf, size_t n)
{
	snprintf(buf, n, "%s/namespaces/%s/%s/%s", o->api, o->ns[i], o->plural, o->name[i]);
}

/* a new object cloned from the template: its spec and labels, a new name,
 * no status, no scheduling result */
static char *
clone_body(struct objs *o, const char *name, const char *ns)
{
	cJSON *c = cJSON_Duplicate(o->templ, true);
	cJSON_DeleteItemFromObject(c, "status");
	cJSON *md = cJSON_GetObjectItem(c, "metadata");
	cJSON *labels = cJSON_DetachItemFromObject(md, "labels");
	cJSON_DeleteItemFromObject(c, "metadata");
	md = cJSON_AddObjectToObject(c, "metadata");
	cJSON_AddStringToObject(md, "name", name);
	cJSON_AddStringToObject(md, "namespace", ns);
	if (labels)
		cJSON_AddItemToObject(md, "labels", labels);
	cJSON *spec = cJSON_GetObjectItem(c, "spec");
	cJSON_DeleteItemFromObject(spec, "clusters");
	char *s = cJSON_PrintUnformatted(c);
	cJSON_Delete(c);
	return s;
}

enum op { OP_RB_REPLICAS, OP_RB_PLACEMENT, OP_RB_DELETE, OP_RB_CREATE, OP_MDB_REPLICAS,
	  OP_MDB_DELETE, OP_MDB_CREATE, OP_N };
static const char *const op_names[OP_N] = {"rb_replicas", "rb_placement", "rb_delete",
					    "rb_create", "mdb_replicas", "mdb_delete", "mdb_create"};

static enum op
pick(void)
{
	uint32_t r = below(100);
	return r < 55 ? OP_RB_REPLICAS : r < 65 ? OP_RB_PLACEMENT : r < 70 ? OP_RB_DELETE
	     : r < 76 ? OP_RB_CREATE : r < 92 ? OP_MDB_REPLICAS : r < 96 ? OP_MDB_DELETE
									 : OP_MDB_CREATE;
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* one operation; false when the server refused it (not an error: the
 * object may be gone or conflicting) */
static bool
run_op(enum op op, struct objs *rb, struct objs *mdb, uint32_t nclusters, unsigned seq)
{
	char path[1024], body[512];
	struct objs *o = op <= OP_RB_CREATE ? rb : mdb;
	if (!o->n && op != OP_RB_CREATE && op != OP_MDB_CREATE)
		return false;
	size_t i = below((uint32_t)o->n);
	long st = 0;
	switch (op) {
	case OP_RB_REPLICAS:
		obj_path(o, i, path, sizeof path);
		snprintf(body, sizeof body, "{\"spec\":{\"replicas\":%u}}", below(8) + 1);
		st = ch_http("PATCH", path, body, 50, NULL);
		break;
	case OP_RB_PLACEMENT:
		/* only a clusterAffinity placement takes an exclude list */
		obj_path(o, i, path, sizeof path);
		if (below(3))
			snprintf(body, sizeof body,
				 "{\"spec\":{\"placement\":{\"clusterAffinity\":{\"exclude\":[\"member-%05u\"]}}}}",
				 below(nclusters ? nclusters : 1));
		else
			snprintf(body, sizeof body,
				 "{\"spec\":{\"placement\":{\"clusterAffinity\":{\"exclude\":null}}}}");
		{
			char *cur = NULL;
			if (ch_http("GET", path, NULL, 50, &cur) != 200) {
				free(cur);
				return false;
			}
			cJSON *obj = cJSON_Parse(cur);
			free(cur);
			const cJSON *pl = cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "spec"), "placement");
			bool has = cJSON_GetObjectItem(pl, "clusterAffinity") != NULL;
			cJSON_Delete(obj);
			if (!has) /* fall back to a replicas change */
				snprintf(body, sizeof body, "{\"spec\":{\"replicas\":%u}}", below(8) + 1);
		}
		st = ch_http("PATCH", path, body, 50, NULL);
		break;
	case OP_MDB_REPLICAS:
		obj_path(o, i, path, sizeof path);
		snprintf(body, sizeof body, "{\"spec\":{\"replicaset\":%u}}", below(5) + 1);
		st = ch_http("PATCH", path, body, 50, NULL);
		break;
	case OP_RB_DELETE:
	case OP_MDB_DELETE:
		obj_path(o, i, path, sizeof path);
		st = ch_http("DELETE", path, NULL, 50, NULL);
		if (st == 200 || st == 202 || st == 404)
			objs_drop(o, i);
		break;
	case OP_RB_CREATE:
	case OP_MDB_CREATE: {
		if (!o->templ)
			return false;
		char name[128];
		const char *ns = ch_meta(o->templ, "namespace");
		snprintf(name, sizeof name, "chaos-%06u", seq);
		char *b = clone_body(o, name, ns ? ns : "default");
		snprintf(path, sizeof path, "%s/namespaces/%s/%s", o->api, ns ? ns : "default", o->plural);
		st = ch_http("POST", path, b, 50, NULL);
		free(b);
		if (st == 201)
			objs_add(o, ns ? ns : "default", name);
		break;
	}
	case OP_N:
		break;
	}
	return st >= 200 && st < 300;
}

int
ch_load(const char *url, uint64_t seed, unsigned nops, double secs, const char *out)
{
	ch_http_init(url);
	rng = seed ^ 0x5eedULL;
	struct objs rb = {0}, mdb = {0};
	if (!objs_load(&rb, RB_API, "resourcebindings") ||
	    !objs_load(&mdb, MDB_API, "multicloudmongodbs"))
		return 1;
	cJSON *cl = ch_list_json("/apis/cluster.karmada.io/v1alpha1/clusters");
	uint32_t nclusters = (uint32_t)cJSON_GetArraySize(cJSON_GetObjectItem(cl, "items"));
	cJSON_Delete(cl);
	unsigned by[OP_N] = {0}, failed = 0;
	double t0 = now_s();
	for (unsigned k = 0; k < nops; k++) {
		if (secs > 0) {
			double due = t0 + secs * k / nops, now = now_s();
			if (due > now) {
				struct timespec ts = {(time_t)(due - now),
						      (long)((due - now - (double)(time_t)(due - now)) * 1e9)};
				nanosleep(&ts, NULL);
			}
		}
		enum op op = pick();
		by[op]++;
		if (!run_op(op, &rb, &mdb, nclusters, k))
			failed++;
	}
	FILE *f = fopen(out, "w");
	if (!f) {
		fprintf(stderr, "chaos: cannot write %s\n", out);
		return 1;
	}
	fprintf(f, "{\"operations\": %u, \"refused\": %u, \"seconds\": %.1f, \"by_kind\": {", nops,
		failed, now_s() - t0);
	for (int i = 0; i < OP_N; i++)
		fprintf(f, "%s\"%s\": %u", i ? ", " : "", op_names[i], by[i]);
	fprintf(f, "}}\n");
	fclose(f);
	for (size_t i = 0; i < rb.n; i++) {
		free(rb.ns[i]);
		free(rb.name[i]);
	}
	for (size_t i = 0; i < mdb.n; i++) {
		free(mdb.ns[i]);
		free(mdb.name[i]);
	}
	free(rb.ns);
	free(rb.name);
	free(mdb.ns);
	free(mdb.name);
	cJSON_Delete(rb.templ);
	cJSON_Delete(mdb.templ);
	ch_http_done();
	return 0;
}
