/*
 * plugins/vip/probe.c - background TCP reachability probes of the VIPs.
 *
 * Every probeInterval the timer starts one TCP connect to vip:probePort for
 * each cluster whose VIP passed the table checks and has no probe in
 * flight. Results land in the table entry (found again by name, since the
 * table may have been rebuilt meanwhile). Nothing here runs on the
 * scheduling path: filter() only compares the stored result with the time
 * taken in pre_filter.
 *
 * The instance owns its timer and probes: when it is retired the host
 * stops the timer and cancels the probes (their callbacks run, canceled,
 * before fini), so nothing here outlives fini.
 */
#include "vip.h"

#include <stdlib.h>

/* What a probe callback needs; owned by the probe, freed in its callback. */
struct vip_probe_ctx {
	struct vip_state *st;
	const char *name; /* interned */
	const char *vip;  /* interned */
};

static void
probe_done(void *ud, enum fs_code code, const char *error, uint32_t elapsed_ms)
{
	struct vip_probe_ctx *ctx = ud;
	struct vip_state *st = ctx->st;
	struct vip_entry *e;

	e = vip_table_find(&st->table, ctx->name);
	if (e && e->vip == ctx->vip && code == FS_E_CANCELED) {
		e->probing = false; /* the instance is being retired */
	} else if (e && e->vip == ctx->vip) {
		uint32_t before = e->failed;

		e->probing = false;
		e->has_result = true;
		e->result_ms = fs_host->now_ms();
		e->failed = code == FS_OK ? 0 : e->failed + 1;
		if (e->failed == (uint32_t)st->conf.failures)
			fs_host->log(st->self, FS_LOG_WARN,
				     "cluster %s: VIP %s:%lld unreachable (%u failed "
				     "probes in a row, last: %s); filtering it",
				     ctx->name, ctx->vip, (long long)st->conf.port,
				     e->failed, error ? error : fs_host->strerror(code));
		else if (code == FS_OK && before >= (uint32_t)st->conf.failures)
			fs_host->log(st->self, FS_LOG_INFO,
				     "cluster %s: VIP %s:%lld reachable again (%u ms)",
				     ctx->name, ctx->vip, (long long)st->conf.port,
				     elapsed_ms);
	}
	free(ctx);
}

static void
probe_round(void *ud)
{
	struct vip_state *st = ud;

	vip_table_refresh(st, NULL, 0);
	for (uint32_t i = 0; i < st->table.n; i++) {
		struct vip_entry *e = &st->table.e[i];
		struct vip_probe_ctx *ctx;

		if (!e->cluster || e->verdict != VIP_OK || e->probing)
			continue;
		ctx = malloc(sizeof *ctx);
		if (!ctx)
			return; /* next round tries again */
		*ctx = (struct vip_probe_ctx){st, e->name, e->vip};
		e->probing = true;
		if (!fs_host->tcp_probe(st->self, e->vip, (uint16_t)st->conf.port,
					(uint32_t)st->conf.timeout_ms, probe_done,
					ctx)) {
			/* could not start: count it as a failed probe */
			probe_done(ctx, FS_E_NET, "probe could not be started", 0);
		}
	}
}

enum fs_code
vip_probe_start(struct vip_state *st)
{
	st->timer = fs_host->timer_start(st->self, 0, st->conf.interval_ms,
					 probe_round, st);
	return st->timer ? FS_OK : FS_E_NOMEM;
}

void
vip_probe_stop(struct vip_state *st)
{
	fs_host->timer_stop(st->timer);
	st->timer = NULL;
}

void
vip_state_free(struct vip_state *st)
{
	vip_table_release(&st->table);
	free(st);
}
