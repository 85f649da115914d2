/*
 * net/owner.c - owners of timers and requests (see struct fs_owner in
 * net.h): an intrusive list per owner, closed as one.
 */
#include "net/net_internal.h"

#include "util/log.h"

static void
silent_done(void *ud, const struct fs_http_response *r)
{
	(void)ud;
	(void)r;
}

bool
fs_owned_link(struct fs_owner *o, struct fs_owned *l, uint8_t kind)
{
	l->owner = o;
	l->kind = kind;
	l->prev = l->next = NULL;
	if (!o)
		return true;
	if (o->closing)
		return false;
	l->next = o->head;
	if (o->head)
		o->head->prev = l;
	o->head = l;
	o->n++;
	return true;
}

void
fs_owned_unlink(struct fs_owned *l)
{
	struct fs_owner *o = l->owner;

	if (!o)
		return;
	if (l->prev)
		l->prev->next = l->next;
	else
		o->head = l->next;
	if (l->next)
		l->next->prev = l->prev;
	l->prev = l->next = NULL;
	l->owner = NULL;
	o->n--;
}

static struct fs_owned *
first_request(const struct fs_owner *o)
{
	struct fs_owned *l = o->head;

	while (l && (l->kind != FS_OWNED_HTTP || ((struct fs_http *)l)->finishing))
		l = l->next;
	return l;
}

static void
close_owner(struct fs_owner *o, bool quiet)
{
	struct fs_owned *l;

	if (!o)
		return;
	/* nothing new may start for o, even from the done callbacks below */
	o->closing = true;
	/* no timer fires from here on; the handles stay valid until
	 * fs_owner_release, so the owner may still stop them (fini does) */
	for (l = o->head; l; l = l->next)
		if (l->kind == FS_OWNED_TIMER)
			fs_timer_halt((struct fs_timer *)l);
	/* a done callback may stop timers or end other requests: look again
	 * from the head each time */
	while ((l = first_request(o))) {
		struct fs_http *h = (struct fs_http *)l;

		if (quiet)
			h->done = silent_done;
		if (fs_net_in_curl(h->net)) {
			/* inside a transfer step of its pool: it can only end
			 * after the step, when its owner is gone; it must not
			 * call back then */
			fs_owned_unlink(l);
			h->done = silent_done;
			fs_net_cancel_later(h);
			continue;
		}
		h->canceled = true;
		fs_http_finish(h, CURLE_ABORTED_BY_CALLBACK);
	}
}

void
fs_owner_close(struct fs_owner *o)
{
	close_owner(o, false);
}

void
fs_owner_drop(struct fs_owner *o)
{
	close_owner(o, true);
}

void
fs_owner_release(struct fs_owner *o)
{
	if (!o)
		return;
	while (o->head)
		fs_timer_stop((struct fs_timer *)o->head); /* only timers are left */
}
