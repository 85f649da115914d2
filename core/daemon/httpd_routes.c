/*
 * daemon/httpd_routes.c - what the endpoints server answers (see httpd.h):
 * /metrics from the registry, the three probes from the registered
 * checks in kube-apiserver's format, 404 and 405 otherwise.
 */
#include "daemon/httpd_int.h"

#include <stdlib.h>
#include <string.h>

#include "daemon/metrics.h"

#define TEXT "text/plain; charset=utf-8"

static const struct {
	const char *path;
	unsigned probe;
} probes[] = {
	{"/healthz", FS_PROBE_HEALTHZ},
	{"/readyz", FS_PROBE_READYZ},
	{"/livez", FS_PROBE_LIVEZ},
};

const char *
fs_httpd_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Payload Too Large";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

static bool
name_ok(const char *s)
{
	if (!s || !*s || strlen(s) > 63)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

enum fs_code
fs_httpd_add_check(struct fs_httpd *h, unsigned probes_mask, const char *name,
		   fs_httpd_check_fn fn, void *ud)
{
	if (!name_ok(name) || (!fn && h->nchecks))
		return FS_E_INVAL;
	for (size_t i = 0; i < h->nchecks; i++)
		if (!strcmp(h->checks[i].name, name))
			return FS_E_INVAL;
	h->checks = fs_xrealloc(h->checks, (h->nchecks + 1) * sizeof(*h->checks));
	h->checks[h->nchecks++] = (struct fs_httpd_check){
		.name = fs_xstrdup(name), .probes = probes_mask, .fn = fn, .ud = ud};
	return FS_OK;
}

static bool
check_run(const struct fs_httpd_check *ck, struct fs_buf *reason)
{
	if (!ck->fn)
		return true; /* ping */
	bool ok = ck->fn(ck->ud, reason);
	if (!ok && !reason->len)
		fs_buf_adds(reason, "failed without a reason");
	return ok;
}

/* "verbose" as a query parameter, with or without a value */
static bool
query_has(const char *q, const char *key)
{
	size_t n = strlen(key);
	while (q && *q) {
		if (!strncmp(q, key, n) && (q[n] == '\0' || q[n] == '&' || q[n] == '='))
			return true;
		q = strchr(q, '&');
		if (q)
			q++;
	}
	return false;
}

static void
answer_probe(struct fs_httpd *h, const char *probe, unsigned bit, const char *one,
	     bool verbose, struct fs_httpd_answer *a)
{
	a->content_type = TEXT;
	struct fs_buf reason = FS_BUF_INIT;
	if (one) { /* /readyz/<name>: that check alone */
		for (size_t i = 0; i < h->nchecks; i++) {
			const struct fs_httpd_check *ck = &h->checks[i];
			if (strcmp(ck->name, one) || !(bit == FS_PROBE_HEALTHZ || (ck->probes & bit)))
				continue;
			if (check_run(ck, &reason)) {
				a->status = 200;
				fs_buf_adds(&a->body, "ok");
			} else {
				a->status = 500;
				fs_buf_printf(&a->body, "internal server error: %s\n", reason.data);
			}
			fs_buf_release(&reason);
			return;
		}
		a->status = 404;
		fs_buf_printf(&a->body, "no check named \"%s\" in %s\n", one, probe);
		return;
	}
	bool all_ok = true;
	struct fs_buf list = FS_BUF_INIT;
	for (size_t i = 0; i < h->nchecks; i++) {
		const struct fs_httpd_check *ck = &h->checks[i];
		if (bit != FS_PROBE_HEALTHZ && !(ck->probes & bit))
			continue;
		fs_buf_reset(&reason);
		if (check_run(ck, &reason)) {
			fs_buf_printf(&list, "[+]%s ok\n", ck->name);
		} else {
			all_ok = false;
			fs_buf_printf(&list, "[-]%s failed: %s\n", ck->name,
				      verbose ? reason.data : "reason withheld");
		}
	}
	fs_buf_release(&reason);
	a->status = all_ok ? 200 : 500;
	if (all_ok && !verbose) {
		fs_buf_adds(&a->body, "ok");
	} else {
		fs_buf_add(&a->body, list.data, list.len);
		fs_buf_printf(&a->body, "%s check %s\n", probe + 1, all_ok ? "passed" : "failed");
	}
	fs_buf_release(&list);
}

void
fs_httpd_route(struct fs_httpd *h, unsigned serve, const char *method,
	       const char *target, struct fs_httpd_answer *a)
{
	a->content_type = TEXT;
	a->extra = "";
	const char *q = strchr(target, '?');
	size_t plen = q ? (size_t)(q - target) : strlen(target);
	char *path = fs_xstrndup(target, plen);
	bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	int known = 0; /* 1 metrics, 2+i probe i */
	const char *one = NULL;
	if ((serve & FS_HTTPD_METRICS) && !strcmp(path, "/metrics"))
		known = 1;
	for (size_t i = 0; !known && (serve & FS_HTTPD_PROBES) && i < 3; i++) {
		size_t n = strlen(probes[i].path);
		if (!strncmp(path, probes[i].path, n) && (path[n] == '\0' || (path[n] == '/' && path[n + 1]))) {
			known = 2 + (int)i;
			one = path[n] ? path + n + 1 : NULL;
		}
	}
	if (!known) {
		a->status = 404;
		fs_buf_printf(&a->body, "404 page not found\n");
	} else if (!get) {
		a->status = 405;
		a->extra = "Allow: GET, HEAD\r\n";
		fs_buf_printf(&a->body, "method %s not allowed: use GET or HEAD\n", method);
	} else if (known == 1) {
		if (h->on_scrape)
			h->on_scrape(h->scrape_ud);
		a->status = 200;
		a->content_type = FS_METRICS_CONTENT_TYPE;
		fs_metrics_expose(h->metrics, &a->body);
	} else {
		size_t i = (size_t)(known - 2);
		answer_probe(h, probes[i].path, probes[i].probe, one,
			     query_has(q ? q + 1 : NULL, "verbose"), a);
	}
	free(path);
}
