/* fixture-async: timers and requests whose callbacks test_runtime.c
 * counts (see async.h) */
#include <stdio.h>

#include "fixture.h"

#include "async.h"

struct st {
	struct fs_plugin *self;
	struct async_record *rec;
	struct fs_timer *timer;
};

static void
on_timer(void *ud)
{
	struct st *st = ud;

	if (st->rec->finied)
		st->rec->after_fini++;
	st->rec->timer_fires++;
}

static void
on_done(void *ud, const struct fs_http_response *r)
{
	struct async_record *rec = ud;

	if (rec->finied)
		rec->after_fini++;
	rec->done_calls++;
	if (r->code == FS_E_CANCELED)
		rec->done_canceled++;
}

static struct fs_http *
start(struct st *st)
{
	struct fs_http_request req = {
		.struct_size = sizeof req, .url = st->rec->url, .timeout_ms = 60000,
	};
	struct fs_http *h = fs_host->http_start(st->self, &req, on_done, st->rec);

	st->rec->started += h != NULL;
	return h;
}

static enum fs_code
init(struct fs_plugin *self, const struct fs_json *args, void **state,
     char *err, size_t errlen)
{
	int64_t addr = 0;
	struct st *st;

	if (!fs_host->json_int(fs_host->json_get(args, "record"), &addr) || !addr) {
		snprintf(err, errlen, "args: expected {\"record\": <address>}");
		return FS_E_INVAL;
	}
	st = fs_host->calloc(1, sizeof *st);
	st->self = self;
	st->rec = (struct async_record *)(uintptr_t)addr;
	if (st->rec->timer_ms)
		st->timer = fs_host->timer_start(self, (uint64_t)st->rec->timer_ms,
						 (uint64_t)st->rec->timer_ms, on_timer, st);
	for (int i = 0; i < st->rec->background; i++)
		start(st);
	*state = st;
	return FS_OK;
}

static void
fini(void *state)
{
	struct st *st = state;

	st->rec->finied = true;
	fs_host->free(st);
}

static enum fs_code
pre_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *const *c,
	   uint32_t n, const char **reason)
{
	struct st *st = state;
	struct async_record *rec = st->rec;
	struct fs_http *h[16];
	int k = 0;

	(void)cyc, (void)c, (void)n, (void)reason;
	rec->count_before = fs_host->cluster_count(st->self);
	rec->gen_before = fs_host->cluster_generation(st->self);
	for (int i = 0; i < rec->requests && k < 16; i++)
		if ((h[k] = start(st)))
			k++;
	if (rec->in_cycle)
		rec->in_cycle(rec->ud);
	fs_host->http_wait(st->self, h, (size_t)k, fs_host->now_ms() + rec->wait_ms);
	rec->count_after = fs_host->cluster_count(st->self);
	rec->gen_after = fs_host->cluster_generation(st->self);
	return FS_OK;
}

static const struct fs_sched_ops ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.pre_filter = pre_filter,
	.filter = fixture_filter,
};

static const struct fs_plugin_desc desc = {
	.magic = FS_PLUGIN_MAGIC, .abi_major = FS_ABI_MAJOR, .abi_minor = FS_ABI_MINOR,
	.struct_size = sizeof(struct fs_plugin_desc), .build = FS_BUILD_SIG,
	.kind = FS_PLUGIN_SCHED, .name = "fixture-async", .version = "1.0",
	.description = "counts its own callbacks", .caps = FS_CAP_PRE_FILTER | FS_CAP_FILTER,
	.sched = &ops, .host_slot = &fs_host, .init = init, .fini = fini,
};
FIXTURE_EXPORT(desc)
