/* fake_host.c - see fake_host.h */
#include "runtime/runtime.h"
#include "fake_host.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "plugin_harness.h"

struct fs_host fh_host;
int64_t fh_now;
struct fh_timer fh_timer;
static struct fs_plugin faked;

static int64_t
fake_now_ms(void)
{
	return fh_now;
}

static struct fs_timer *
fake_timer_start(struct fs_plugin *self, uint64_t after_ms, uint64_t repeat_ms,
		 fs_timer_fn cb, void *ud)
{
	(void)self, (void)after_ms;
	fh_timer = (struct fh_timer){cb, ud, repeat_ms, true};
	return (struct fs_timer *)&fh_timer;
}

static void
fake_timer_stop(struct fs_timer *t)
{
	if (t)
		fh_timer.live = false;
}

void
fh_reset(int64_t now)
{
	fh_host = *fs_host_table();
	fh_host.now_ms = fake_now_ms;
	fh_host.timer_start = fake_timer_start;
	fh_host.timer_stop = fake_timer_stop;
	memset(&fh_timer, 0, sizeof fh_timer);
	fh_now = now;
}

struct fs_plugin *
fh_load(const char *name, const char *args_json)
{
	struct fs_plugin *p = ph_load(name, NULL);
	cJSON *args = cJSON_Parse(args_json);
	char err[512] = "";
	faked = *p;
	faked.state = NULL;
	*p->lp->desc.host_slot = &fh_host;
	if (p->lp->desc.init(&faked, (const struct fs_json *)args, &faked.state,
			     err, sizeof err) != FS_OK)
		fail_msg("%s init: %s", name, err);
	cJSON_Delete(args);
	return &faked;
}

void
fh_unload(struct fs_plugin *p)
{
	p->lp->desc.fini(p->state);
	*p->lp->desc.host_slot = fs_host_table();
}
