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
	/* the models' grade minimums as one interned list (restable.h), so
	 * clusters declaring the same models share their fits; NULL when
	 * there are too many grades */
	const struct fs_resource_model *models;
	uint32_t n_models;
	const struct fs_resource *const *grades;
	const int64_t *counts; /* per grade, negative counts as 0 */
	bool small;            /* sum of counts * 110 cannot overflow */
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

#define FIT_GRADES 32 /* grades with shared fits; Karmada's default has 9 */

void
fs_estimate_prepare(struct fs_cluster *c, struct fs_arena *a)
{
	const struct fs_resource *mins[FIT_GRADES];
	c->flags &= ~FS_CLUSTER_PREPARED;
	for (uint32_t m = 0; m < c->n_models; m++) {
		struct fs_resource_model *mod = (struct fs_resource_model *)&c->models[m];
		mod->min = fs_restable_intern(mod->min, mod->n_min);
		if (m < FIT_GRADES)
			mins[m] = mod->min;
	}
	if (!(c->flags & FS_CLUSTER_HAS_SUMMARY))
		return;
	uint32_t n = c->n_allocatable;
	struct prep *p = fs_arena_alloc(a, sizeof *p + n * sizeof *c->allocatable);
	struct fs_resource *alloc = (struct fs_resource *)(p + 1);
	int64_t *free = FS_ARENA_NEW(a, int64_t, n ? n : 1);
	int64_t *counts = FS_ARENA_NEW(a, int64_t, c->n_models ? c->n_models : 1);
	int64_t sum = 0;
	bool small = true;
	for (uint32_t m = 0; m < c->n_models; m++) {
		counts[m] = c->models[m].count > 0 ? c->models[m].count : 0;
		small = small && !__builtin_add_overflow(sum, counts[m], &sum) &&
			sum <= INT64_MAX / PODS_PER_NODE;
	}
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
		.models = c->models,
		.n_models = c->n_models,
		.grades = c->n_models <= FIT_GRADES
				  ? fs_restable_intern_list(mins, c->n_models)
				  : NULL,
		.counts = counts,
		.small = small,
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
 * Grade fits of the binding being estimated, by interned grade list: the
 * clusters of a fleet mostly declare the same models, so a binding
 * computes each distinct list once and a cluster costs a multiply-add
 * per grade. The cache belongs to the calling thread and is keyed by the
 * binding's requests (compared on every call): a fit depends on nothing
 * else, so a view reused for another binding never sees stale fits.
 */
#define FIT_REQ_MAX 8
#define FIT_SETS 4

struct fit_cache {
	uint32_t n_requests;
	struct fs_resource requests[FIT_REQ_MAX];
	const struct fs_resource *const *grades[FIT_SETS]; /* NULL: empty */
	int64_t fit[FIT_SETS][FIT_GRADES];
	uint32_t next; /* the set replaced on a miss */
};

static _Thread_local struct fit_cache fits;

/* the fits of p's grade list for b; NULL when b cannot be cached */
static const int64_t *
fits_of(const struct fs_cluster *c, const struct prep *p,
	const struct fs_binding *b)
{
	uint32_t n = b->n_requests;
	if (n > FIT_REQ_MAX || !p->grades || p->models != c->models ||
	    p->n_models != c->n_models)
		return NULL;
	bool same = fits.n_requests == n;
	for (uint32_t i = 0; same && i < n; i++)
		same = fits.requests[i].name == b->requests[i].name &&
		       fits.requests[i].amount == b->requests[i].amount;
	if (!same) {
		fits.n_requests = n;
		for (uint32_t i = 0; i < n; i++)
			fits.requests[i] = b->requests[i];
		for (uint32_t k = 0; k < FIT_SETS; k++)
			fits.grades[k] = NULL;
	}
	for (uint32_t k = 0; k < FIT_SETS; k++)
		if (fits.grades[k] == p->grades)
			return fits.fit[k];
	uint32_t k = fits.next++ % FIT_SETS;
	fits.grades[k] = p->grades;
	for (uint32_t m = 0; m < c->n_models; m++)
		fits.fit[k][m] = grade_fit(c->models[m].min, c->models[m].n_min, b);
	return fits.fit[k];
}

/* fit: the grades' fits from fits_of() for prepared view p, or NULL */
static int64_t
by_models(const struct fs_cluster *c, const struct fs_binding *b,
	  const struct prep *p, const int64_t *fit)
{
	if (!c->n_models)
		return -1;
	if (fit && p->small) {
		/* every fit is 0..110: no product or sum can overflow */
		int64_t total = 0;
		for (uint32_t m = 0; m < c->n_models; m++)
			total += p->counts[m] * fit[m];
		return total;
	}
	int64_t total = 0;
	for (uint32_t m = 0; m < c->n_models; m++) {
		const struct fs_resource_model *mod = &c->models[m];
		if (mod->count <= 0)
			continue;
		int64_t f = fit ? fit[m] : grade_fit(mod->min, mod->n_min, b);
		int64_t add;
		if (__builtin_mul_overflow(mod->count, f, &add) ||
		    __builtin_add_overflow(total, add, &total))
			return INT64_MAX;
	}
	return total;
}

int64_t
fs_estimate_by_models(const struct fs_cluster *c, const struct fs_binding *b)
{
	return by_models(c, b, NULL, NULL);
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
			est = by_models(c, b, p, p ? fits_of(c, p, b) : NULL);
		else
			est = p ? by_free(c, p, b) : fs_estimate_by_summary(c, b);
		if (est < r)
			r = est;
	}
	if (r < 0)
		r = 0;
	return r > INT32_MAX ? INT32_MAX : (int32_t)r;
}
