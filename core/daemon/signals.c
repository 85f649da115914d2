/*
 * daemon/signals.c - SIGTERM/SIGINT drain, SIGHUP reload (see signals.h).
 */
#include "daemon/signals.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "util/buf.h"
#include "util/log.h"

struct fs_signals {
	struct ev_loop *loop;
	struct fs_signals_opts o;
	bool draining;
	ev_signal term, intr, hup;
};

static void
on_stop_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	struct fs_signals *s = w->data;
	if (s->draining) {
		fs_warn("daemon", "%s again while draining: exiting now without a clean shutdown",
			strsignal(w->signum));
		_exit(128 + w->signum);
	}
	s->draining = true;
	fs_info("daemon", "%s: draining (send it again to exit at once)", strsignal(w->signum));
	s->o.on_drain(s->o.ud, w->signum);
}

static void
on_hup(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	struct fs_signals *s = w->data;
	if (s->draining) {
		fs_info("daemon", "SIGHUP ignored: draining");
		return;
	}
	if (!s->o.on_reload) {
		fs_info("daemon", "SIGHUP: nothing to reload");
		return;
	}
	fs_info("daemon", "SIGHUP: reloading");
	s->o.on_reload(s->o.ud);
}

struct fs_signals *
fs_signals_start(struct ev_loop *loop, const struct fs_signals_opts *o)
{
	if (!o || !o->on_drain)
		return NULL;
	struct fs_signals *s = fs_xcalloc(1, sizeof(*s));
	s->loop = loop;
	s->o = *o;
	signal(SIGPIPE, SIG_IGN);
	ev_signal_init(&s->term, on_stop_signal, SIGTERM);
	ev_signal_init(&s->intr, on_stop_signal, SIGINT);
	ev_signal_init(&s->hup, on_hup, SIGHUP);
	s->term.data = s->intr.data = s->hup.data = s;
	ev_signal_start(loop, &s->term);
	ev_signal_start(loop, &s->intr);
	ev_signal_start(loop, &s->hup);
	return s;
}

void
fs_signals_stop(struct fs_signals *s)
{
	if (!s)
		return;
	ev_signal_stop(s->loop, &s->term);
	ev_signal_stop(s->loop, &s->intr);
	ev_signal_stop(s->loop, &s->hup);
	free(s);
}

bool
fs_signals_draining(const struct fs_signals *s)
{
	return s && s->draining;
}
