/*
 * kube/stream.c - watch streams: a GET ?watch=1 whose body is framed into
 * events as it arrives (see client.h and watch.h).
 */
#include "kube/client_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/status.h"
#include "util/log.h"

#define ERROR_BODY_MAX 65536

struct fs_kube_stream {
	struct fs_kube_client *client;
	struct fs_http *http;
	struct fs_timer *timer; /* reports a setup failure from the loop */
	char *what;
	long status;
	struct fs_kube_framer framer;
	struct fs_buf error_body; /* the body of a non-200 answer */
	enum fs_code stop_code;   /* set by a handler or a decode error */
	char *stop_error;
	bool stopped;             /* fs_kube_stream_stop: no end callback */
	bool *gone_flag;          /* set when freed (fs_kube_stream_stop watches) */
	fs_kube_event_fn on_event;
	fs_kube_end_fn on_end;
	void *ud;
	struct fs_kube_stream *prev, *next;
};

static void
stream_unlink(struct fs_kube_stream *s)
{
	struct fs_kube_client *c = s->client;
	if (!c)
		return; /* orphaned by fs_kube_client_free */
	if (s->prev)
		s->prev->next = s->next;
	else if (c->streams == s)
		c->streams = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
}

static void
stream_free(struct fs_kube_stream *s)
{
	if (s->gone_flag)
		*s->gone_flag = true;
	fs_timer_stop(s->timer);
	fs_kube_framer_release(&s->framer);
	fs_buf_release(&s->error_body);
	free(s->stop_error);
	free(s->what);
	free(s);
}

static void
stream_end(struct fs_kube_stream *s, enum fs_code code,
	   const char *error)
{
	stream_unlink(s);
	if (!s->stopped && s->on_end)
		s->on_end(s->ud, code, error);
	stream_free(s);
}

static void
stream_on_head(void *ud, long status, const struct fs_kv *h, uint32_t n)
{
	(void)h;
	(void)n;
	struct fs_kube_stream *s = ud;
	s->status = status;
}

static enum fs_code
stream_on_line(void *ud, char *line, size_t len)
{
	struct fs_kube_stream *s = ud;
	if (s->stopped)
		return FS_E_CANCELED;
	struct fs_kube_event ev;
	char *err = NULL;
	enum fs_code rc = fs_kube_event_decode(line, len, &ev, &err);
	if (rc != FS_OK) {
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "%s: %s", s->what, err);
		s->stop_error = fs_buf_detach(&b);
		free(err);
		return rc;
	}
	if (ev.type == FS_KUBE_ERROR) {
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "%s: %s", s->what, ev.message);
		s->stop_error = fs_buf_detach(&b);
		rc = ev.code != FS_OK ? ev.code : FS_E_PROTO;
		fs_kube_event_release(&ev);
		return rc;
	}
	rc = s->on_event(s->ud, &ev);
	fs_kube_event_release(&ev);
	if (rc != FS_OK && !s->stop_error) {
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "%s: stopped by the event handler (%s)", s->what,
			      fs_strerror(rc));
		s->stop_error = fs_buf_detach(&b);
	}
	return rc;
}

static size_t
stream_on_data(void *ud, const char *p, size_t n)
{
	struct fs_kube_stream *s = ud;
	if (s->stopped)
		return 0;
	if (s->status != 200) {
		if (s->error_body.len + n <= ERROR_BODY_MAX)
			fs_buf_add(&s->error_body, p, n);
		return n;
	}
	enum fs_code rc = fs_kube_framer_feed(&s->framer, p, n, stream_on_line, s);
	if (rc == FS_OK)
		return n;
	s->stop_code = rc;
	if (rc == FS_E_RANGE && !s->stop_error) {
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "%s: an event is longer than %zu bytes", s->what,
			      s->framer.max_line);
		s->stop_error = fs_buf_detach(&b);
	}
	return 0; /* abort the transfer */
}

static void
stream_on_done(void *ud, const struct fs_http_response *r)
{
	struct fs_kube_stream *s = ud;
	s->http = NULL;
	if (s->stop_code != FS_OK) {
		stream_end(s, s->stop_code, s->stop_error);
		return;
	}
	if (r->code != FS_OK) {
		stream_end(s, r->code == FS_E_CANCELED && !s->stopped ? FS_E_NET : r->code,
			   r->error);
		return;
	}
	long st = r->status ? r->status : s->status;
	if (st != 200) {
		char *msg = NULL;
		enum fs_code code = fs_kube_status_error(st, s->error_body.data,
							 s->error_body.len, s->what, &msg);
		stream_end(s, code, msg);
		free(msg);
		return;
	}
	if (fs_kube_framer_pending(&s->framer)) {
		/* a last event without its newline: deliver it */
		enum fs_code rc = fs_kube_framer_feed(&s->framer, "\n", 1, stream_on_line, s);
		if (rc != FS_OK) {
			stream_end(s, rc, s->stop_error);
			return;
		}
	}
	stream_end(s, FS_OK, NULL);
}

static void
stream_fail_later(void *ud)
{
	struct fs_kube_stream *s = ud;
	char msg[512];
	snprintf(msg, sizeof(msg), "%s: the request could not be set up", s->what);
	stream_end(s, FS_E_INVAL, msg);
}

struct fs_kube_stream *
fs_kube_watch(struct fs_kube_client *c,
	      const struct fs_kube_resource *r,
	      const char *ns,
	      const struct fs_kube_watch_opts *wo,
	      fs_kube_event_fn on_event,
	      fs_kube_end_fn on_end, void *ud)
{
	static const struct fs_kube_watch_opts none = {0};
	if (!wo)
		wo = &none;
	struct fs_kube_stream *s = fs_xcalloc(1, sizeof(*s));
	s->client = c;
	s->on_event = on_event;
	s->on_end = on_end;
	s->ud = ud;
	fs_kube_framer_init(&s->framer, 0);
	fs_buf_init(&s->error_body);
	char *path = fs_kube_path(r, r->namespaced ? (ns ? ns : c->ns) : NULL, NULL, NULL);
	struct fs_buf url = FS_BUF_INIT;
	fs_buf_printf(&url, "%s%s?watch=1", c->server, path);
	if (wo->resource_version && wo->resource_version[0]) {
		fs_buf_adds(&url, "&resourceVersion=");
		fs_kube_escape(&url, wo->resource_version);
	}
	if (wo->label_selector && wo->label_selector[0]) {
		fs_buf_adds(&url, "&labelSelector=");
		fs_kube_escape(&url, wo->label_selector);
	}
	if (wo->field_selector && wo->field_selector[0]) {
		fs_buf_adds(&url, "&fieldSelector=");
		fs_kube_escape(&url, wo->field_selector);
	}
	if (wo->bookmarks)
		fs_buf_adds(&url, "&allowWatchBookmarks=true");
	if (wo->timeout_s)
		fs_buf_printf(&url, "&timeoutSeconds=%u", wo->timeout_s);
	struct fs_buf what = FS_BUF_INIT;
	fs_buf_printf(&what, "watch %s", path);
	free(path);
	s->what = fs_buf_detach(&what);
	s->next = c->streams;
	if (c->streams)
		c->streams->prev = s;
	c->streams = s;
	const char *headers[] = {c->ua_header, "Accept: application/json", NULL};
	struct fs_http_request req = {
		.struct_size = sizeof(req),
		.method = "GET",
		.url = url.data,
		.headers = headers,
		.timeout_ms = 0, /* never on a watch */
		/* HTTP/1.1: a long-lived stream on its own connection, never one
		 * that other requests wait on to multiplex */
		.flags = 0,
	};
	struct fs_http_ex ex = {0};
	fs_kube_fill_ex(c, &ex);
	ex.on_data = stream_on_data;
	ex.on_head = stream_on_head;
	if (wo->idle_s) {
		ex.low_speed_limit = 1;
		ex.low_speed_time = wo->idle_s;
	}
	s->http = fs_http_start_ex(s->client->net, NULL, &req, &ex, stream_on_done, s);
	fs_buf_release(&url);
	if (!s->http)
		s->timer = fs_timer_start(s->client->loop, NULL, 0, 0, stream_fail_later, s);
	fs_debug("kube", "%s: started", s->what);
	return s;
}

void
fs_kube_stream_stop(struct fs_kube_stream *s)
{
	if (!s)
		return;
	s->stopped = true;
	if (s->http) {
		bool gone = false;
		s->gone_flag = &gone;
		fs_http_cancel(s->http); /* stream_on_done frees it (now or soon) */
		if (!gone) {
			s->gone_flag = NULL;
			/* deferred (we are inside a transfer callback): it ends
			 * later, without its client */
			stream_unlink(s);
			s->client = NULL;
		}
		return;
	}
	stream_unlink(s);
	stream_free(s);
}
