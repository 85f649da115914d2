/*
 * tests/bench/bench_load.c - load a generated fleet into decoded views,
 * timing parse (text -> tree) and decode (tree -> views) separately.
 */
#include "bench.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <fedstate/mw.h>

#include "model/binding.h"
#include "model/fleet.h"
#include "runtime/runtime.h"
#include "plugin/host_json.h"
#include "util/doc.h"

uint64_t
fs_bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

size_t
fs_bench_rss(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0, rss = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * 4096u;
}

size_t
fs_bench_peak_rss(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (size_t)ru.ru_maxrss * 1024u;
}

/* ------------------------------------------------------------ loading */

static long
file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

static const cJSON *
items_of(const cJSON *doc)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(doc, "items");

	return cJSON_IsArray(items) ? items : NULL;
}

static struct fs_docset *
load_doc(const char *path, struct fs_bench_fleet *f)
{
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = NULL;
	uint64_t t0 = fs_bench_now_ns();

	if (fs_docset_load_file(&ds, path, &d) != FS_OK) {
		fs_diags_print(&d, stderr);
		fs_diags_release(&d);
		return NULL;
	}
	fs_diags_release(&d);
	f->parse_s = (double)(fs_bench_now_ns() - t0) / 1e9;
	f->bytes = (size_t)file_size(path);
	return ds;
}

bool
fs_bench_load_clusters(struct fs_bench_fleet *f, const char *path)
{
	struct fs_docset *ds = load_doc(path, f);
	const cJSON *items, *it;
	struct fs_decode_ctx ctx = {0};
	uint64_t t0;
	size_t heap0 = mallinfo2().uordblks;

	if (!ds)
		return false;
	items = items_of(fs_docset_doc(ds, 0));
	f->fleet = fs_fleet_new();
	ctx.ds = ds;
	t0 = fs_bench_now_ns();
	cJSON_ArrayForEach(it, items) {
		if (fs_fleet_put_json(f->fleet, it, &ctx) != FS_OK)
			f->skipped++;
	}
	f->snap = fs_fleet_publish(f->fleet);
	f->decode_s = (double)(fs_bench_now_ns() - t0) / 1e9;
	f->n_clusters = fs_snapshot_count(f->snap);
	f->cptr = calloc(f->n_clusters ? f->n_clusters : 1, sizeof *f->cptr);
	if (!f->cptr) {
		fprintf(stderr, "fs-bench: out of memory for %u clusters\n",
			f->n_clusters);
		exit(1);
	}
	for (uint32_t i = 0; i < f->n_clusters; i++)
		f->cptr[i] = fs_snapshot_at(f->snap, i);
	f->cluster_heap = mallinfo2().uordblks - heap0;
	fs_docset_free(ds); /* cluster views do not point into the tree */
	fs_runtime_publish(fs_bench_runtime(), f->snap);
	return true;
}

/* a middleware object through its plugin's interpret */
static enum fs_code
decode_middleware(const cJSON *obj, const struct fs_mw_instance *mw,
		  struct fs_bench_fleet *f, struct fs_binding *out,
		  struct fs_decode_ctx *ctx)
{
	struct fs_mw_workload w = {.struct_size = sizeof w};
	char err[256] = "";
	enum fs_code rc;

	rc = mw->ops->interpret(mw->inst->state, FS_JSON(obj), &w, err, sizeof err);
	if (rc != FS_OK) {
		fprintf(stderr, "fs-bench: %s: interpret: %s\n", mw->kind, err);
		fs_hjson_free(w.requests);
		fs_hjson_free(w.placement);
		return rc;
	}
	rc = fs_binding_from_workload(obj, &w, &f->arena, out, ctx);
	fs_hjson_free(w.requests);
	fs_hjson_free(w.placement);
	return rc;
}

static void
decode_item(const cJSON *it, struct fs_bench_fleet *f,
	    const struct fs_profile_set *set, struct fs_decode_ctx *ctx)
{
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(it, "kind");
	const cJSON *av = cJSON_GetObjectItemCaseSensitive(it, "apiVersion");
	struct fs_binding *b = &f->bindings[f->n_bindings];
	const struct fs_mw_instance *mw = NULL;
	enum fs_code rc;

	if (cJSON_IsString(kind) && strcmp(kind->valuestring, "ResourceBinding") != 0 &&
	    strcmp(kind->valuestring, "ClusterResourceBinding") != 0) {
		if (set && cJSON_IsString(av))
			mw = fs_profile_set_middleware(set, av->valuestring,
						       kind->valuestring);
		if (!mw) {
			f->skipped++;
			return;
		}
		rc = decode_middleware(it, mw, f, b, ctx);
	} else {
		rc = fs_binding_decode(it, &f->arena, b, ctx);
	}
	if (rc == FS_OK)
		f->n_bindings++;
	else
		f->skipped++;
}

static bool
grow_bindings(struct fs_bench_fleet *f, size_t more)
{
	struct fs_binding *nb = realloc(f->bindings,
					(f->n_bindings + more + 1) * sizeof *nb);
	if (!nb)
		return false;
	f->bindings = nb;
	return true;
}

static void
keep_doc(struct fs_bench_fleet *f, struct fs_docset *ds)
{
	struct fs_docset **nd = realloc(f->docs, (f->n_docs + 1) * sizeof *nd);

	if (!nd) {
		fprintf(stderr, "fs-bench: out of memory\n");
		exit(1);
	}
	f->docs = nd;
	f->docs[f->n_docs++] = ds;
}

/* the whole file as one document */
static bool
load_whole(struct fs_bench_fleet *f, const char *path,
	   const struct fs_profile_set *set, bool keep_raw)
{
	struct fs_docset *ds = load_doc(path, f);
	struct fs_decode_ctx ctx = {0};
	const cJSON *items, *it;
	uint64_t t0;

	if (!ds)
		return false;
	items = items_of(fs_docset_doc(ds, 0));
	if (!grow_bindings(f, items ? (size_t)cJSON_GetArraySize(items) : 0)) {
		fprintf(stderr, "fs-bench: out of memory\n");
		exit(1);
	}
	ctx.ds = ds;
	ctx.keep_raw = keep_raw;
	t0 = fs_bench_now_ns();
	cJSON_ArrayForEach(it, items)
		decode_item(it, f, set, &ctx);
	f->decode_s = (double)(fs_bench_now_ns() - t0) / 1e9;
	if (keep_raw)
		keep_doc(f, ds);
	else
		fs_docset_free(ds);
	return true;
}

static void
keep_raw_tree(struct fs_bench_fleet *f, cJSON *obj)
{
	cJSON **nr = realloc(f->raws, (f->n_raws + 1) * sizeof *nr);

	if (!nr) {
		fprintf(stderr, "fs-bench: out of memory\n");
		exit(1);
	}
	f->raws = nr;
	f->raws[f->n_raws++] = obj;
}

/* one object per line, parsed as the watch path parses an event's object */
static bool
load_lines(struct fs_bench_fleet *f, const char *path,
	   const struct fs_profile_set *set, bool keep_raw)
{
	FILE *in = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	uint64_t parse = 0, decode = 0;

	if (!in) {
		fprintf(stderr, "fs-bench: %s: cannot open: %s\n", path, strerror(errno));
		return false;
	}
	f->bytes = 0;
	while ((len = getline(&line, &cap, in)) > 0) {
		struct fs_decode_ctx ctx = {.file = path, .keep_raw = keep_raw};
		cJSON *obj;
		uint64_t t0, t1;

		f->bytes += (size_t)len;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == ','))
			len--;
		if (len == 0 || line[0] != '{' || strncmp(line, "{\"apiVersion\":\"v1\"", 18) == 0)
			continue; /* the List's own first and last lines */
		if (!grow_bindings(f, 1)) {
			fprintf(stderr, "fs-bench: out of memory\n");
			exit(1);
		}
		t0 = fs_bench_now_ns();
		obj = cJSON_ParseWithLength(line, (size_t)len);
		if (!obj) {
			f->skipped++;
			continue;
		}
		t1 = fs_bench_now_ns();
		decode_item(obj, f, set, &ctx);
		decode += fs_bench_now_ns() - t1;
		parse += t1 - t0;
		if (keep_raw)
			keep_raw_tree(f, obj);
		else
			cJSON_Delete(obj);
	}
	free(line);
	fclose(in);
	f->parse_s = (double)parse / 1e9;
	f->decode_s = (double)decode / 1e9;
	return true;
}

bool
fs_bench_load_bindings(struct fs_bench_fleet *f, const char *path,
		       const struct fs_profile_set *set, bool keep_raw,
		       bool per_object)
{
	return per_object ? load_lines(f, path, set, keep_raw)
			  : load_whole(f, path, set, keep_raw);
}

void
fs_bench_fleet_free(struct fs_bench_fleet *f)
{
	if (f->snap)
		fs_runtime_publish(fs_bench_runtime(), NULL);
	for (uint32_t i = 0; i < f->n_docs; i++)
		fs_docset_free(f->docs[i]);
	free(f->docs);
	for (uint32_t i = 0; i < f->n_raws; i++)
		cJSON_Delete(f->raws[i]);
	free(f->raws);
	free(f->bindings);
	free(f->cptr);
	fs_snapshot_unref(f->snap);
	fs_fleet_free(f->fleet);
	fs_arena_release(&f->arena);
	memset(f, 0, sizeof *f);
}
