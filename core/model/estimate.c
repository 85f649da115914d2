/* model/estimate.c - the general estimator, see estimate.h */
#include "model/estimate.h"

#include <string.h>

#include "model/decode.h"
#include "model/restable.h"
#include "util/intern.h"

#define PODS_PER_NODE 110 /* allocatable pods of a model's virtual node */
#define PREP_MAGIC 0x66732d6573742d31ull /* "fs-est-1" */

/*
 * What fs_estimate_prepare() keeps in front of a decoded cluster's
 * allocatable array (one arena block: this header, then the array the
 * view points at). Valid only while the view still points at the arrays
 * it was computed from, which prep_of() checks.
 */
struct prep {
	uint64_t magic;
	const struct fs_resource *allocated, *allocating;
	uint32_t n_allocatable, n_allocated, n_allocating;
	int64_t pods;        /* allowedPods: pods allocatable - allocated - allocating */
	const int64_t *free; /* per allocatable entry: allocatable - allocated - allocating */
};

static const char *
pods_name(void)
{
	static const char *pods;
	if (!pods)
		pods = fs_intern("pods", (size_t)-1);
	return pods;
}

static int64_t
amount(const struct fs_resource *r, uint32_t n, const char *name)
{
	const struct fs_resource *f = fs_resource_find(r, n, name);
	return f ? f->amount : 0;
}

/* a - b - c without overflow (saturating) */
static int64_t
sub3(int64_t a, int64_t b, int64_t c)
{
	int64_t r;
	if (__builtin_sub_overflow(a, b, &r))
		r = b > 0 ? INT64_MIN : INT64_MAX;
	if (__builtin_sub_overflow(r, c, &r))
		r = c > 0 ? INT64_MIN : INT64_MAX;
	return r;
}

static int64_t
free_of(const struct fs_cluster *c, const char *name)
{
	return sub3(amount(c->allocatable, c->n_allocatable, name),
		    amount(c->allocated, c->n_allocated, name),
		    amount(c->allocating, c->n_allocating, name));
}

void
fs_estimate_prepare(struct fs_cluster *c, struct fs_arena *a)
{
	c->flags &= ~FS_CLUSTER_PREPARED;
	for (uint32_t m = 0; m < c->n_models; m++) {
		struct fs_resource_model *mod = (struct fs_resource_model *)&c->models[m];
		mod->min = fs_restable_intern(mod->min, mod->n_min);
	}
	if (!(c->flags & FS_CLUSTER_HAS_SUMMARY))
		return;
	uint32_t n = c->n_allocatable;
	struct prep *p = fs_arena_alloc(a, sizeof *p + n * sizeof *c->allocatable);
	struct fs_resource *alloc = (struct fs_resource *)(p + 1);
	int64_t *free = FS_ARENA_NEW(a, int64_t, n ? n : 1);
	if (n)
		memcpy(alloc, c->allocatable, n * sizeof *alloc);
	for (uint32_t i = 0; i < n; i++)
		free[i] = free_of(c, alloc[i].name);
	*p = (struct prep){
		.magic = PREP_MAGIC,
		.allocated = c->allocated,
		.allocating = c->allocating,
		.n_allocatable = n,
		.n_allocated = c->n_allocated,
		.n_allocating = c->n_allocating,
		.pods = free_of(c, pods_name()),
		.free = free,
	};
	c->allocatable = alloc;
	c->flags |= FS_CLUSTER_PREPARED;
}

/* the precomputed data of a prepared view that still matches it, else NULL */
static const struct prep *
prep_of(const struct fs_cluster *c)
{
	if (!(c->flags & FS_CLUSTER_PREPARED) || !c->allocatable)
		return NULL;
	const struct prep *p = (const struct prep *)(const void *)c->allocatable - 1;
	if (p->magic != PREP_MAGIC || p->n_allocatable != c->n_allocatable ||
	    p->allocated != c->allocated || p->n_allocated != c->n_allocated ||
	    p->allocating != c->allocating || p->n_allocating != c->n_allocating)
		return NULL;
	return p;
}

/* one virtual node of a grade with minimums min[0..n): replicas that fit */
static int64_t
grade_fit(const struct fs_resource *min, uint32_t n, const struct fs_binding *b)
{
	int64_t fit = PODS_PER_NODE;
	for (uint32_t i = 0; i < b->n_requests && fit > 0; i++) {
		const struct fs_resource *req = &b->requests[i];
		if (req->amount <= 0)
			continue;
		const struct fs_resource *m = fs_resource_find(min, n, req->name);
		int64_t per = m && m->amount > 0 ? m->amount / req->amount : 0;
		if (per < fit)
			fit = per;
	}
	return fit;
}

/*
 * Grade fits of the binding being estimated, by interned minimum table:
 * a prepared cluster's tables are shared (model/restable.h), so across a
 * fleet a binding computes each distinct grade once. The cache belongs to
 * the calling thread and is keyed by the binding's requests (compared on
 * every call): a fit depends on nothing else, so a view reused for another
 * binding never sees stale fits.
 */
#define FIT_REQ_MAX 8
#define FIT_SLOTS 32

struct fit_cache {
	uint32_t n_requests;
	struct fs_resource requests[FIT_REQ_MAX];
	const struct fs_resource *min[FIT_SLOTS]; /* NULL: empty slot */
	int64_t fit[FIT_SLOTS];
};

static _Thread_local struct fit_cache fits;

static bool
fit_cache_for(const struct fs_binding *b)
{
	uint32_t n = b->n_requests;
	if (n > FIT_REQ_MAX)
		return false;
	size_t bytes = n * sizeof *b->requests;
	if (fits.n_requests == n &&
	    (!n || memcmp(fits.requests, b->requests, bytes) == 0))
		return true;
	fits.n_requests = n;
	if (n)
		memcpy(fits.requests, b->requests, bytes);
	memset(fits.min, 0, sizeof fits.min);
	return true;
}

static int64_t
cached_fit(const struct fs_resource_model *mod, const struct fs_binding *b)
{
	uint32_t j = (uint32_t)(((uintptr_t)mod->min >> 4) * 0x9e3779b1u) >> 27;
	if (fits.min[j] == mod->min)
		return fits.fit[j];
	int64_t fit = grade_fit(mod->min, mod->n_min, b);
	fits.min[j] = mod->min;
	fits.fit[j] = fit;
	return fit;
}

static int64_t
by_models(const struct fs_cluster *c, const struct fs_binding *b, bool shared)
{
	if (!c->n_models)
		return -1;
	int64_t total = 0;
	for (uint32_t m = 0; m < c->n_models; m++) {
		const struct fs_resource_model *mod = &c->models[m];
		if (mod->count <= 0)
			continue;
		int64_t fit = shared ? cached_fit(mod, b)
				     : grade_fit(mod->min, mod->n_min, b);
		int64_t add;
		if (__builtin_mul_overflow(mod->count, fit, &add) ||
		    __builtin_add_overflow(total, add, &total))
			return INT64_MAX;
	}
	return total;
}

int64_t
fs_estimate_by_models(const struct fs_cluster *c, const struct fs_binding *b)
{
	return by_models(c, b, false);
}

int64_t
fs_estimate_by_summary(const struct fs_cluster *c, const struct fs_binding *b)
{
	if (!(c->flags & FS_CLUSTER_HAS_SUMMARY))
		return -1;
	int64_t result = INT64_MAX;
	for (uint32_t i = 0; i < b->n_requests; i++) {
		const struct fs_resource *req = &b->requests[i];
		if (req->amount <= 0)
			continue;
		if (!fs_resource_find(c->allocatable, c->n_allocatable, req->name))
			return 0;
		int64_t avail = free_of(c, req->name);
		if (avail <= 0)
			return 0;
		int64_t per = avail / req->amount;
		if (per < result)
			result = per;
	}
	return result;
}

/* the summary path over precomputed free amounts: one merge walk of the
 * requests and the allocatable list (both sorted by name pointer); a
 * binding whose requests are not sorted takes the searching path */
static int64_t
by_free(const struct fs_cluster *c, const struct prep *p,
	const struct fs_binding *b)
{
	int64_t result = INT64_MAX;
	uint32_t k = 0, n = c->n_allocatable;
	uintptr_t last = 0;
	for (uint32_t i = 0; i < b->n_requests; i++) {
		const struct fs_resource *req = &b->requests[i];
		uintptr_t name = (uintptr_t)req->name;
		if (name < last)
			return fs_estimate_by_summary(c, b);
		last = name;
		if (req->amount <= 0)
			continue;
		while (k < n && (uintptr_t)c->allocatable[k].name < name)
			k++;
		if (k == n || (uintptr_t)c->allocatable[k].name != name)
			return 0;
		int64_t avail = p->free[k];
		if (avail <= 0)
			return 0;
		int64_t per = avail / req->amount;
		if (per < result)
			result = per;
	}
	return result;
}

int32_t
fs_general_estimate(const struct fs_cluster *c, const struct fs_binding *b)
{
	if (!c || !(c->flags & FS_CLUSTER_HAS_SUMMARY))
		return 0;
	const struct prep *p = prep_of(c);
	int64_t allowed = p ? p->pods : free_of(c, pods_name());
	if (allowed <= 0)
		return 0;
	int64_t r = allowed;
	if (b && b->has_requirements) {
		int64_t est;
		if (c->n_models)
			est = by_models(c, b, p && fit_cache_for(b));
		else
			est = p ? by_free(c, p, b) : fs_estimate_by_summary(c, b);
		if (est < r)
			r = est;
	}
	if (r < 0)
		r = 0;
	return r > INT32_MAX ? INT32_MAX : (int32_t)r;
}
