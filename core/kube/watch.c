/*
 * kube/watch.c - watch stream framing and event decoding (see watch.h).
 */
#include "kube/watch.h"

#include <stdlib.h>
#include <string.h>

#include "kube/status.h"

void
fs_kube_framer_init(struct fs_kube_framer *f, size_t max_line)
{
	fs_buf_init(&f->buf);
	f->start = 0;
	f->scanned = 0;
	f->max_line = max_line ? max_line : FS_KUBE_MAX_LINE_DEFAULT;
}

void
fs_kube_framer_release(struct fs_kube_framer *f)
{
	fs_buf_release(&f->buf);
	f->start = f->scanned = 0;
}

void
fs_kube_framer_reset(struct fs_kube_framer *f)
{
	fs_buf_reset(&f->buf);
	f->start = f->scanned = 0;
}

size_t
fs_kube_framer_pending(const struct fs_kube_framer *f)
{
	return f->buf.len - f->start;
}

/* move the partial line to the front once consumed lines dominate */
static void
framer_compact(struct fs_kube_framer *f)
{
	if (f->start == 0)
		return;
	size_t rest = f->buf.len - f->start;
	if (rest == 0) {
		fs_buf_reset(&f->buf);
	} else if (f->start >= rest) {
		memmove(f->buf.data, f->buf.data + f->start, rest);
		f->buf.len = rest;
		f->buf.data[rest] = '\0';
	} else {
		return; /* not worth it yet */
	}
	f->start = 0;
}

enum fs_code
fs_kube_framer_feed(struct fs_kube_framer *f, const void *data,
		    size_t len, fs_kube_line_fn fn, void *ud)
{
	if (len == 0)
		return FS_OK;
	framer_compact(f);
	fs_buf_add(&f->buf, data, len);
	for (;;) {
		char *line = f->buf.data + f->start;
		size_t avail = f->buf.len - f->start;
		char *nl = memchr(line + f->scanned, '\n', avail - f->scanned);
		if (!nl) {
			f->scanned = avail;
			if (avail > f->max_line)
				return FS_E_RANGE;
			return FS_OK;
		}
		size_t n = (size_t)(nl - line);
		f->start += n + 1;
		f->scanned = 0;
		if (n > f->max_line)
			return FS_E_RANGE;
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		line[n] = '\0';
		if (n == 0)
			continue;
		enum fs_code rc = fn(ud, line, n);
		if (rc != FS_OK)
			return rc;
	}
}

static const char *const event_names[] = {"ADDED", "MODIFIED", "DELETED",
					  "BOOKMARK", "ERROR"};

const char *
fs_kube_event_name(enum fs_kube_event_type t)
{
	return (unsigned)t < 5 ? event_names[t] : "UNKNOWN";
}

void
fs_kube_event_release(struct fs_kube_event *ev)
{
	cJSON_Delete(ev->object);
	free(ev->message);
	memset(ev, 0, sizeof(*ev));
}

static enum fs_code
event_err(char **err, enum fs_code code, const char *msg,
	  const char *line, size_t len)
{
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "watch event: %s (got \"%.*s%s\")", msg,
		      (int)(len > 80 ? 80 : len), line, len > 80 ? "..." : "");
	*err = fs_buf_detach(&b);
	return code;
}

enum fs_code
fs_kube_event_decode(const char *line, size_t len,
		     struct fs_kube_event *ev, char **err)
{
	memset(ev, 0, sizeof(*ev));
	*err = NULL;
	cJSON *root = cJSON_ParseWithLength(line, len);
	if (!root)
		return event_err(err, FS_E_PARSE, "not valid JSON", line, len);
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
	cJSON *obj = cJSON_DetachItemFromObjectCaseSensitive(root, "object");
	enum fs_code rc = FS_OK;
	if (!cJSON_IsString(type)) {
		rc = event_err(err, FS_E_PROTO, "type: expected a string", line, len);
		goto out;
	}
	if (!cJSON_IsObject(obj)) {
		rc = event_err(err, FS_E_PROTO, "object: expected an object", line, len);
		goto out;
	}
	size_t i;
	for (i = 0; i < 5; i++)
		if (!strcmp(type->valuestring, event_names[i]))
			break;
	if (i == 5) {
		rc = event_err(err, FS_E_PROTO, "type: unknown event type", line, len);
		goto out;
	}
	ev->type = (enum fs_kube_event_type)i;
	if (ev->type == FS_KUBE_ERROR) {
		ev->code = fs_kube_status_from_json(obj, &ev->status_code, &ev->message);
	} else {
		const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
		const cJSON *rv = cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");
		ev->rv = cJSON_IsString(rv) ? rv->valuestring : NULL;
		if (!ev->rv && ev->type == FS_KUBE_BOOKMARK) {
			rc = event_err(err, FS_E_PROTO,
				       "BOOKMARK without metadata.resourceVersion", line, len);
			goto out;
		}
	}
	ev->object = obj;
	obj = NULL;
out:
	cJSON_Delete(obj);
	cJSON_Delete(root);
	return rc;
}
