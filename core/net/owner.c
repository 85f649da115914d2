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

static void
close_owner(struct fs_owner *o, bool quiet)
{
	if (!o)
		return;
	/* nothing new may start for o, even from the done callbacks below */
	o->closing = true;
	while (o->head) {
		struct fs_owned *l = o->head;

		if (l->kind == FS_OWNED_TIMER) {
			fs_timer_stop((struct fs_timer *)l);
		} else {
			struct fs_http *h = (struct fs_http *)l;

			if (h->finishing) { /* closing from inside its own done */
				fs_owned_unlink(l);
				continue;
			}
			if (fs_net_in_curl(h->net)) {
				/* inside a transfer step of its pool: it can only
				 * end after the step, when its owner is gone; it
				 * must not call back then */
				fs_owned_unlink(l);
				h->done = silent_done;
				fs_net_cancel_later(h);
				continue;
			}
			if (quiet)
				h->done = silent_done;
			h->canceled = true;
			fs_http_finish(h, CURLE_ABORTED_BY_CALLBACK);
		}
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
