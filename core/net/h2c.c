/*
 * net/n->h2c.c - which HTTP version to ask curl for on an h2c (HTTP/2 prior
 * knowledge) request.
 *
 * libcurl before 7.89.0 breaks a prior-knowledge request that reuses an
 * existing HTTP/2 connection: it stacks a second HTTP/2 layer on it and
 * the request fails with "Error in the HTTP2 framing layer" (curl issue
 * #10634, fixed by curl PR #10643). Debian 12 ships 7.88.1. So, on such a
 * libcurl, per origin:
 *   - the request that opens a connection asks for prior knowledge on a
 *     fresh connection ("opener");
 *   - while that one runs, or once an HTTP/2 connection is known to be up,
 *     requests ask for plain HTTP/2 ("followers"): curl then waits for the
 *     opener's connection (PIPEWAIT) or reuses the idle one and multiplexes
 *     on it, without the faulty switch;
 *   - an origin is forgotten when a request on it fails or got no HTTP/2,
 *     and after FS_H2C_IDLE_MS without use (curl closes idle connections
 *     after CURLOPT_MAXAGE_CONN, set longer), so the next request opens a
 *     fresh connection again;
 *   - a request that misses an fs_http_wait deadline forgets its origin
 *     and has its connection closed once no stream uses it (http.c): a
 *     peer that vanished without a FIN is not trusted with the next call;
 *   - a follower that got no response at all (the server went away and
 *     came back: plain HTTP/2 on a new connection is an HTTP/1.1 upgrade
 *     that gRPC servers refuse) runs once more as an opener (http.c), so
 *     an estimator restart costs no failed call.
 * A newer libcurl gets prior knowledge every time.
 */
#include <stdlib.h>
#include <string.h>

#include "net/net_internal.h"

#define FS_H2C_IDLE_MS 100000 /* < the 120 s CURLOPT_MAXAGE_CONN we set */
#define FS_H2C_MAX_ORIGINS 4096

struct fs_h2c_origin {
	char *name; /* "host:port" as written in the URL */
	int64_t last_ms;
	uint32_t openers; /* prior-knowledge requests in flight */
	bool up;
};

static size_t
origin_len(const char *url, const char **start)
{
	const char *p = strstr(url, "://");

	p = p ? p + 3 : url;
	*start = p;
	return strcspn(p, "/?#");
}

static struct fs_h2c_origin *
find(struct fs_net *n, const char *url, bool create)
{
	const char *s;
	size_t len = origin_len(url, &s);

	for (size_t i = 0; i < n->h2c.n; i++)
		if (strlen(n->h2c.o[i].name) == len && memcmp(n->h2c.o[i].name, s, len) == 0)
			return &n->h2c.o[i];
	if (!create)
		return NULL;
	if (n->h2c.n == FS_H2C_MAX_ORIGINS) {
		/* forget the least recently used idle origin */
		size_t lru = 0;
		for (size_t i = 1; i < n->h2c.n; i++)
			if (!n->h2c.o[i].openers && n->h2c.o[i].last_ms < n->h2c.o[lru].last_ms)
				lru = i;
		free(n->h2c.o[lru].name);
		n->h2c.o[lru] = n->h2c.o[--n->h2c.n];
	}
	n->h2c.o = fs_xrealloc(n->h2c.o, (n->h2c.n + 1) * sizeof(*n->h2c.o));
	n->h2c.o[n->h2c.n] = (struct fs_h2c_origin){.name = fs_xstrndup(s, len)};
	return &n->h2c.o[n->h2c.n++];
}

long
fs_net_h2c_version(struct fs_net *n, const char *url, bool *opener)
{
	struct fs_h2c_origin *o;

	if (!n->h2c.fixed)
		n->h2c.fixed = curl_version_info(CURLVERSION_NOW)->version_num >= 0x075900 ? 1 : -1;
	*opener = false;
	if (n->h2c.fixed > 0)
		return CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
	o = find(n, url, true);
	if (o->openers || (o->up && fs_now_ms() - o->last_ms < FS_H2C_IDLE_MS))
		return CURL_HTTP_VERSION_2_0;
	o->openers++;
	*opener = true;
	return CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
}

void
fs_net_h2c_done(struct fs_net *n, const char *url, bool opener, enum fs_code code,
		long version)
{
	struct fs_h2c_origin *o;

	if (n->h2c.fixed > 0 || !(o = find(n, url, false)))
		return;
	if (opener && o->openers)
		o->openers--;
	/* a timeout or a cancel says nothing about the connection */
	if (code == FS_OK)
		o->up = version == CURL_HTTP_VERSION_2_0;
	else if (code != FS_E_TIMEOUT && code != FS_E_CANCELED)
		o->up = false;
	o->last_ms = fs_now_ms();
}

void
fs_net_h2c_reset(struct fs_net *n)
{
	for (size_t i = 0; i < n->h2c.n; i++)
		free(n->h2c.o[i].name);
	free(n->h2c.o);
	n->h2c.o = NULL;
	n->h2c.n = 0;
}
