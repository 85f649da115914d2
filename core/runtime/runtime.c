/* runtime/runtime.c - one process's services, see runtime.h */
#include "runtime/runtime_internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "model/snapshot.h"
#include "net/net.h"
#include "sched/framework.h"
#include "util/buf.h"
#include "util/log.h"

struct fs_runtime *
fs_runtime_new(struct ev_loop *loop)
{
	struct fs_runtime *rt = fs_xcalloc(1, sizeof(*rt));

	rt->own_loop = !loop;
	rt->loop = loop ? loop : ev_loop_new(EVFLAG_AUTO);
	rt->cycle_loop = ev_loop_new(EVFLAG_AUTO);
	if (!rt->loop || !rt->cycle_loop) {
		fs_error("runtime", "cannot create an event loop");
		goto fail;
	}
	if (!(rt->net = fs_net_new(rt->loop)) || !(rt->cycle_net = fs_net_new(rt->cycle_loop)))
		goto fail;
	fs_registry_init(&rt->registry);
	rt->env.host = fs_host_table();
	rt->env.rt = rt;
	rt->registry.env = &rt->env;
	return rt;
fail:
	fs_net_free(rt->net);
	if (rt->cycle_loop)
		ev_loop_destroy(rt->cycle_loop);
	if (rt->own_loop && rt->loop)
		ev_loop_destroy(rt->loop);
	free(rt);
	return NULL;
}

void
fs_runtime_free(struct fs_runtime *rt)
{
	if (!rt)
		return;
	fs_runtime_set_source(rt, NULL);
	fs_net_free(rt->cycle_net);
	fs_net_free(rt->net);
	ev_loop_destroy(rt->cycle_loop);
	if (rt->own_loop)
		ev_loop_destroy(rt->loop);
	fs_registry_release(&rt->registry);
	free(rt->ptrs);
	free(rt);
}

struct ev_loop *fs_runtime_loop(const struct fs_runtime *rt) { return rt->loop; }
struct fs_net *fs_runtime_net(const struct fs_runtime *rt) { return rt->net; }
struct fs_net *fs_runtime_cycle_net(const struct fs_runtime *rt) { return rt->cycle_net; }
struct fs_registry *fs_runtime_registry(struct fs_runtime *rt) { return &rt->registry; }
const struct fs_plugin_env *fs_runtime_env(const struct fs_runtime *rt) { return &rt->env; }
struct fs_snapshot *fs_runtime_snapshot(const struct fs_runtime *rt) { return rt->snap; }
struct fs_snapshot *fs_runtime_cycle_snapshot(const struct fs_runtime *rt) { return rt->cycle_snap; }
bool fs_runtime_in_cycle(const struct fs_runtime *rt) { return rt->in_cycle; }

struct fs_runtime *
fs_runtime_of(const struct fs_plugin *self)
{
	return self && self->env ? self->env->rt : NULL;
}

const struct fs_cluster_source *
fs_runtime_source(const struct fs_runtime *rt)
{
	return rt->in_cycle ? &rt->cycle_src : &rt->src;
}

void
fs_runtime_set_source(struct fs_runtime *rt, const struct fs_cluster_source *src)
{
	fs_snapshot_unref(rt->snap);
	rt->snap = NULL;
	if (src)
		rt->src = *src;
	else
		memset(&rt->src, 0, sizeof rt->src);
}

static uint32_t snap_count(void *ud) { return fs_snapshot_count(ud); }
static const struct fs_cluster *snap_at(void *ud, uint32_t i) { return fs_snapshot_at(ud, i); }
static const struct fs_cluster *snap_find(void *ud, const char *name) { return fs_snapshot_find(ud, name); }
static uint64_t snap_generation(void *ud) { return fs_snapshot_generation(ud); }

void
fs_runtime_publish(struct fs_runtime *rt, struct fs_snapshot *snap)
{
	struct fs_cluster_source src = {snap_count, snap_at, snap_find,
					 snap_generation, snap};

	fs_snapshot_ref(snap); /* first: snap may be the one installed */
	fs_runtime_set_source(rt, snap ? &src : NULL);
	rt->snap = snap;
}

enum fs_code
fs_runtime_cycle_begin(struct fs_runtime *rt)
{
	if (rt->in_cycle) {
		fs_error("runtime", "a scheduling cycle was started from inside "
			 "another one; refused");
		assert(!"scheduling cycle re-entered");
		return FS_E_INTERNAL;
	}
	rt->in_cycle = true;
	rt->cycle_snap = fs_snapshot_ref(rt->snap);
	rt->cycle_src = rt->src;
	return FS_OK;
}

void
fs_runtime_cycle_end(struct fs_runtime *rt)
{
	/* requests a cycle started belong to it (runtime.h) */
	fs_net_cancel_all(rt->cycle_net);
	fs_snapshot_unref(rt->cycle_snap);
	rt->cycle_snap = NULL;
	memset(&rt->cycle_src, 0, sizeof rt->cycle_src);
	rt->in_cycle = false;
}

enum fs_code
fs_runtime_schedule(struct fs_runtime *rt, struct fs_framework *fw,
		    const struct fs_binding *b, unsigned flags,
		    struct fs_sched_result *res)
{
	enum fs_code rc = fs_runtime_cycle_begin(rt);

	if (rc != FS_OK) {
		*res = (struct fs_sched_result){.code = rc,
			.message = "scheduling cycle re-entered"};
		return rc;
	}
	uint32_t n = rt->cycle_snap ? fs_snapshot_count(rt->cycle_snap) : 0;
	if (n > rt->cap_ptrs) {
		rt->ptrs = fs_xrealloc(rt->ptrs, n * sizeof(*rt->ptrs));
		rt->cap_ptrs = n;
	}
	for (uint32_t i = 0; i < n; i++)
		rt->ptrs[i] = fs_snapshot_at(rt->cycle_snap, i);
	rc = fs_framework_schedule(fw, rt->ptrs, n, b, flags, res);
	fs_runtime_cycle_end(rt);
	return rc;
}
