/* model/estimate.c - the general estimator, see estimate.h */
#include "model/estimate.h"

#include "model/decode.h"
#include "util/intern.h"

#define PODS_PER_NODE 110 /* allocatable pods of a model's virtual node */

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

int64_t
fs_estimate_by_models(const struct fs_cluster *c, const struct fs_binding *b)
{
	if (!c->n_models)
		return -1;
	int64_t total = 0;
	for (uint32_t m = 0; m < c->n_models; m++) {
		const struct fs_resource_model *mod = &c->models[m];
		if (mod->count <= 0)
			continue;
		int64_t fit = PODS_PER_NODE;
		for (uint32_t i = 0; i < b->n_requests && fit > 0; i++) {
			const struct fs_resource *req = &b->requests[i];
			if (req->amount <= 0)
				continue;
			const struct fs_resource *min =
				fs_resource_find(mod->min, mod->n_min, req->name);
			int64_t per = min && min->amount > 0 ? min->amount / req->amount
							     : 0;
			if (per < fit)
				fit = per;
		}
		int64_t add;
		if (__builtin_mul_overflow(mod->count, fit, &add) ||
		    __builtin_add_overflow(total, add, &total))
			return INT64_MAX;
	}
	return total;
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
		const struct fs_resource *alloc =
			fs_resource_find(c->allocatable, c->n_allocatable, req->name);
		if (!alloc)
			return 0;
		int64_t avail = sub3(alloc->amount,
				     amount(c->allocated, c->n_allocated, req->name),
				     amount(c->allocating, c->n_allocating, req->name));
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
	const char *pods = pods_name();
	int64_t allowed = sub3(amount(c->allocatable, c->n_allocatable, pods),
			       amount(c->allocated, c->n_allocated, pods),
			       amount(c->allocating, c->n_allocating, pods));
	if (allowed <= 0)
		return 0;
	int64_t r = allowed;
	if (b && b->has_requirements) {
		int64_t est = fs_estimate_by_models(c, b);
		if (est < 0)
			est = fs_estimate_by_summary(c, b);
		if (est < r)
			r = est;
	}
	if (r < 0)
		r = 0;
	return r > INT32_MAX ? INT32_MAX : (int32_t)r;
}
