/* sched/assume.c - the assume cache (see assume.h) */
#include "sched/assume.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/intern.h"

#define MAX_RES 8 /* resources tracked per cluster; more are ignored */

struct entry {
	const char *cluster;     /* interned; NULL: free slot */
	int64_t pods;            /* assumed */
	struct fs_resource res[MAX_RES];
	uint32_t n_res;
	int64_t baseline_pods;   /* allocated + allocating pods at the first one */
	int64_t last_ms;
};

struct fs_assume {
	struct entry *slots;
	uint32_t cap, n;         /* cap: a power of two */
	int64_t ttl_ms;
	const char *pods_name;   /* interned "pods" */
};

static uint32_t
home(const char *name, uint32_t mask)
{
	uint64_t h = (uint64_t)(uintptr_t)name * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32) & mask;
}

struct fs_assume *
fs_assume_new(int64_t ttl_ms)
{
	struct fs_assume *a = fs_xcalloc(1, sizeof *a);

	a->ttl_ms = ttl_ms > 0 ? ttl_ms : 120000;
	a->cap = 64;
	a->slots = fs_xcalloc(a->cap, sizeof *a->slots);
	a->pods_name = fs_intern("pods", (size_t)-1);
	return a;
}

void
fs_assume_free(struct fs_assume *a)
{
	if (!a)
		return;
	free(a->slots);
	free(a);
}

static struct entry *
find(const struct fs_assume *a, const char *cluster)
{
	for (uint32_t i = home(cluster, a->cap - 1);; i = (i + 1) & (a->cap - 1)) {
		if (a->slots[i].cluster == cluster)
			return &a->slots[i];
		if (!a->slots[i].cluster)
			return NULL;
	}
}

static void
grow(struct fs_assume *a)
{
	struct entry *old = a->slots;
	uint32_t n = a->cap;

	a->cap *= 2;
	a->slots = fs_xcalloc(a->cap, sizeof *a->slots);
	for (uint32_t i = 0; i < n; i++) {
		if (!old[i].cluster)
			continue;
		uint32_t j = home(old[i].cluster, a->cap - 1);
		while (a->slots[j].cluster)
			j = (j + 1) & (a->cap - 1);
		a->slots[j] = old[i];
	}
	free(old);
}

/* remove slot e, shifting back the run that follows (no tombstones) */
static void
drop(struct fs_assume *a, struct entry *e)
{
	uint32_t mask = a->cap - 1, i = (uint32_t)(e - a->slots);

	memset(&a->slots[i], 0, sizeof *e);
	a->n--;
	for (uint32_t j = (i + 1) & mask; a->slots[j].cluster; j = (j + 1) & mask) {
		uint32_t k = home(a->slots[j].cluster, mask);
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			a->slots[i] = a->slots[j];
			memset(&a->slots[j], 0, sizeof a->slots[j]);
			i = j;
		}
	}
}

static int64_t
amount(const struct fs_resource *r, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (r[i].name == name)
			return r[i].amount;
	return 0;
}

static int64_t
pods_in_use(const struct fs_assume *a, const struct fs_cluster *c)
{
	return amount(c->allocated, c->n_allocated, a->pods_name) +
	       amount(c->allocating, c->n_allocating, a->pods_name);
}

static int32_t
previous_on(const struct fs_binding *b, const char *cluster)
{
	for (uint32_t i = 0; i < b->n_previous; i++)
		if (b->previous[i].name == cluster)
			return b->previous[i].replicas;
	return 0;
}

void
fs_assume_placed(struct fs_assume *a, const struct fs_binding *b,
		 const struct fs_sched_result *r, int64_t now_ms)
{
	if (r->code != FS_OK || (b->replicas == 0 && !b->has_requirements))
		return;
	for (uint32_t t = 0; t < r->n_targets; t++) {
		const struct fs_cluster *c = r->targets[t].cluster;
		int64_t more = (int64_t)r->targets[t].replicas - previous_on(b, c->name);
		if (more <= 0)
			continue;
		struct entry *e = find(a, c->name);
		if (!e) {
			if ((a->n + 1) * 2 > a->cap)
				grow(a);
			uint32_t j = home(c->name, a->cap - 1);
			while (a->slots[j].cluster)
				j = (j + 1) & (a->cap - 1);
			e = &a->slots[j];
			*e = (struct entry){.cluster = c->name, .baseline_pods = pods_in_use(a, c)};
			a->n++;
		}
		e->pods += more;
		e->last_ms = now_ms;
		for (uint32_t i = 0; i < b->n_requests; i++) {
			uint32_t k = 0;
			while (k < e->n_res && e->res[k].name != b->requests[i].name)
				k++;
			if (k == e->n_res) {
				if (e->n_res == MAX_RES)
					continue;
				e->res[e->n_res++] = (struct fs_resource){b->requests[i].name, 0};
			}
			e->res[k].amount += b->requests[i].amount * more;
		}
	}
}

void
fs_assume_observe(struct fs_assume *a, const struct fs_cluster *c)
{
	struct entry *e = c->name ? find(a, c->name) : NULL;

	if (e && pods_in_use(a, c) >= e->baseline_pods + e->pods)
		drop(a, e);
}

void
fs_assume_expire(struct fs_assume *a, int64_t now_ms)
{
	for (uint32_t i = 0; i < a->cap;) {
		struct entry *e = &a->slots[i];
		if (e->cluster && now_ms - e->last_ms > a->ttl_ms)
			drop(a, e); /* slot i may now hold a shifted entry: look again */
		else
			i++;
	}
}

size_t
fs_assume_count(const struct fs_assume *a)
{
	return a->n;
}

int32_t
fs_assume_capacity(void *ud, const struct fs_cluster *c, const struct fs_binding *b,
		   int32_t available)
{
	struct fs_assume *a = ud;
	const struct entry *e = find(a, c->name);

	if (!e || available == INT32_MAX || available < 0)
		return -1;
	/* the replicas of b the assumed resources take: by pods, and by each
	 * resource b requests */
	int64_t taken = e->pods;
	for (uint32_t i = 0; i < b->n_requests; i++) {
		int64_t req = b->requests[i].amount;
		int64_t used = amount(e->res, e->n_res, b->requests[i].name);
		if (req > 0 && used > 0) {
			int64_t n = (used + req - 1) / req;
			if (n > taken)
				taken = n;
		}
	}
	int64_t left = (int64_t)available - taken;
	return left > 0 ? (int32_t)left : 0;
}
