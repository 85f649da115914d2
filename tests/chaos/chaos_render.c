/*
 * tests/chaos/chaos_render.c - the checker's render rule: a federated
 * object's live children equal the offline render of its final state.
 *
 *   chaos render-export URL DIR MAX   up to MAX settled MultiCloudMongoDBs
 *                                     (status.observedGeneration equal to
 *                                     metadata.generation, Rendered=True,
 *                                     not being deleted), each as
 *                                     DIR/render-I-obj.json with its live
 *                                     children (fedstate.io/owner-uid) as
 *                                     DIR/render-I-live.json; prints the count
 *   chaos render-compare DIR N        DIR/render-I-want.json (`fedstate
 *                                     render --output json` of obj with live
 *                                     as --existing) against live: the same
 *                                     objects, each live one holding every
 *                                     rendered field; prints the figures
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chaos.h"
#include "chaos_http.h"

#define MCM_LIST "/apis/middleware.fedstate.io/v1alpha1/multicloudmongodbs"

/* the kinds the mongodb plugin renders: path prefix, path suffix */
static const char *const owned[][2] = {
	{"/api/v1/namespaces/", "/services"},
	{"/api/v1/namespaces/", "/configmaps"},
	{"/apis/policy.karmada.io/v1alpha1/namespaces/", "/propagationpolicies"},
	{"/apis/policy.karmada.io/v1alpha1/namespaces/", "/overridepolicies"},
	{"/apis/middleware.fedstate.io/v1alpha1/namespaces/", "/mongodbs"},
};

static const cJSON *
get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* o's string member k, or "" */
static const char *
s_of(const cJSON *o, const char *k)
{
	const char *s = cJSON_GetStringValue(get(o, k));
	return s ? s : "";
}

static const char *
name_of(const cJSON *o)
{
	const char *s = ch_meta(o, "name");
	return s ? s : "";
}

static bool
settled_render(const cJSON *o)
{
	const cJSON *md = get(o, "metadata"), *st = get(o, "status");
	if (get(md, "deletionTimestamp") ||
	    !cJSON_IsString(get(get(md, "annotations"), "schedulerResult")))
		return false;
	const cJSON *g = get(md, "generation"), *og = get(st, "observedGeneration");
	if (!cJSON_IsNumber(g) || !cJSON_IsNumber(og) || g->valuedouble != og->valuedouble)
		return false;
	const cJSON *c;
	cJSON_ArrayForEach(c, get(st, "conditions"))
		if (cJSON_IsString(get(c, "type")) && !strcmp(get(c, "type")->valuestring, "Rendered"))
			return cJSON_IsString(get(c, "status")) &&
			       !strcmp(get(c, "status")->valuestring, "True");
	return false;
}

static bool
write_json(const char *dir, const char *name, unsigned i, const cJSON *o)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/render-%u-%s.json", dir, i, name);
	FILE *f = fopen(path, "w");
	char *s = cJSON_PrintUnformatted(o);
	bool ok = f && s && fputs(s, f) >= 0;
	if (f)
		ok = fclose(f) == 0 && ok;
	cJSON_free(s);
	return ok;
}

int
ch_render_export(const char *url, const char *dir, unsigned max)
{
	ch_http_init(url);
	cJSON *list = ch_list_json(MCM_LIST);
	if (!list)
		return 1;
	unsigned n = 0, total = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, get(list, "items"))
		total += settled_render(o);
	unsigned every = total > max && max ? total / max : 1, seen = 0;
	cJSON_ArrayForEach(o, get(list, "items"))
	{
		if (!settled_render(o) || seen++ % every || n >= max)
			continue;
		const char *ns = ch_meta(o, "namespace"), *uid = ch_meta(o, "uid");
		if (!ns || !uid)
			continue;
		cJSON *live = cJSON_CreateObject();
		cJSON_AddStringToObject(live, "apiVersion", "v1");
		cJSON_AddStringToObject(live, "kind", "List");
		cJSON *items = cJSON_AddArrayToObject(live, "items");
		bool ok = true;
		for (size_t k = 0; ok && k < sizeof owned / sizeof *owned; k++) {
			char path[1024];
			snprintf(path, sizeof path, "%s%s%s?labelSelector=fedstate.io/owner-uid%%3D%s",
				 owned[k][0], ns, owned[k][1], uid);
			cJSON *l = ch_get_json(path);
			ok = l != NULL;
			/* a List's items carry no apiVersion/kind: the list's say them */
			const char *lk = cJSON_GetStringValue(get(l, "kind"));
			const char *av = cJSON_GetStringValue(get(l, "apiVersion"));
			char kind[128] = "";
			if (lk && strlen(lk) > 4)
				snprintf(kind, sizeof kind, "%.*s", (int)strlen(lk) - 4, lk);
			cJSON *it;
			cJSON_ArrayForEach(it, get(l, "items"))
			{
				cJSON *c = cJSON_Duplicate(it, 1);
				if (!get(c, "kind"))
					cJSON_AddStringToObject(c, "kind", kind);
				if (!get(c, "apiVersion") && av)
					cJSON_AddStringToObject(c, "apiVersion", av);
				cJSON_AddItemToArray(items, c);
			}
			cJSON_Delete(l);
		}
		ok = ok && write_json(dir, "obj", n, o) && write_json(dir, "live", n, live);
		cJSON_Delete(live);
		if (!ok) {
			cJSON_Delete(list);
			return 1;
		}
		n++;
	}
	cJSON_Delete(list);
	ch_http_done();
	printf("%u\n", n);
	return 0;
}

/* every field of want is in have with the same value (arrays: the same
 * length, element by element) */
static bool
subset(const cJSON *want, const cJSON *have)
{
	if (cJSON_IsObject(want)) {
		if (!cJSON_IsObject(have))
			return false;
		const cJSON *w;
		cJSON_ArrayForEach(w, want)
			if (!subset(w, get(have, w->string)))
				return false;
		return true;
	}
	if (cJSON_IsArray(want)) {
		if (!cJSON_IsArray(have) || cJSON_GetArraySize(want) != cJSON_GetArraySize(have))
			return false;
		for (const cJSON *w = want->child, *h = have->child; w; w = w->next, h = h->next)
			if (!subset(w, h))
				return false;
		return true;
	}
	return have && cJSON_Compare(want, have, 1);
}

static cJSON *
read_file(const char *dir, unsigned i, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/render-%u-%s.json", dir, i, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0, r;
	char chunk[65536];
	while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (len + r + 1 > cap) {
			cap = (len + r + 1) * 2;
			buf = realloc(buf, cap);
			if (!buf) {
				fclose(f);
				return NULL;
			}
		}
		memcpy(buf + len, chunk, r);
		len += r;
	}
	fclose(f);
	cJSON *o = buf ? cJSON_ParseWithLength(buf, len) : NULL;
	free(buf);
	return o;
}

static const char *
kind_name(const cJSON *o, char *buf, size_t n)
{
	snprintf(buf, n, "%s %s", s_of(o, "kind"), name_of(o));
	return buf;
}

/* does the object's placement name a cluster the schedule changed (a line
 * of the faulted file)? Its children may follow an older cluster view */
static bool
touches(const cJSON *obj, const char *faulted)
{
	const char *sr = cJSON_GetStringValue(get(get(get(obj, "metadata"), "annotations"),
						 "schedulerResult"));
	FILE *f = sr ? fopen(faulted, "r") : NULL;
	char line[256], quoted[260];
	bool hit = false;
	while (f && !hit && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(quoted, sizeof quoted, "\"%s\"", line);
		hit = line[0] && strstr(sr, quoted);
	}
	if (f)
		fclose(f);
	return hit;
}

int
ch_render_compare(const char *dir, unsigned n, const char *faulted)
{
	unsigned compared = 0, differ = 0, incomplete = 0, skipped = 0;
	for (unsigned i = 0; i < n; i++) {
		cJSON *want = read_file(dir, i, "want"), *live = read_file(dir, i, "live");
		cJSON *obj = read_file(dir, i, "obj");
		const char *who = obj ? ch_meta(obj, "name") : "?";
		if (obj && touches(obj, faulted)) {
			skipped++;
		} else if (!want || get(want, "passNeeded")) {
			/* a second pass pending offline means the live objects lack
			 * what the server fills (NodePorts): counted, not compared */
			incomplete++;
		} else {
			compared++;
			const cJSON *d, *items = get(live, "items");
			bool same = cJSON_GetArraySize(get(want, "desired")) == cJSON_GetArraySize(items);
			char why[512] = "";
			if (!same)
				snprintf(why, sizeof why, "%d live objects, %d rendered",
					 cJSON_GetArraySize(items),
					 cJSON_GetArraySize(get(want, "desired")));
			cJSON_ArrayForEach(d, get(want, "desired"))
			{
				const cJSON *l, *hit = NULL;
				cJSON_ArrayForEach(l, items)
					if (!strcmp(s_of(l, "kind"), s_of(d, "kind")) &&
					    !strcmp(name_of(l), name_of(d)))
						hit = l;
				if (!hit || !subset(d, hit)) {
					char kn[256];
					if (same)
						snprintf(why, sizeof why, "%s %s", kind_name(d, kn, sizeof kn),
							 hit ? "differs from the render" : "is missing");
					same = false;
				}
			}
			if (!same && ++differ <= 5)
				fprintf(stderr, "chaos: MultiCloudMongoDB %s: %s\n", who, why);
		}
		cJSON_Delete(want);
		cJSON_Delete(live);
		cJSON_Delete(obj);
	}
	printf("{\"compared\": %u, \"differ\": %u, \"incomplete\": %u, \"skipped\": %u}\n",
	       compared, differ, incomplete, skipped);
	return 0;
}
