/*
 * testapi/chunked.c - incremental decoding of chunked request bodies
 * (see http.h): each call takes the complete chunks it is given and
 * leaves the rest, so a body that arrives in many reads is decoded once.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

/* a chunk-size line longer than this is not HTTP (Go's limit is 4 KiB) */
#define CHUNK_LINE_MAX 4096

int
ta_chunked_step(const char *in, size_t len, struct fs_buf *body, size_t max,
		size_t *used)
{
	size_t i = 0;
	*used = 0;
	for (;;) {
		size_t room = len - i < CHUNK_LINE_MAX ? len - i : CHUNK_LINE_MAX;
		const char *crlf = memmem(in + i, room, "\r\n", 2);
		if (!crlf)
			return room == CHUNK_LINE_MAX ? TA_CHUNKED_BAD : TA_CHUNKED_MORE;
		if (!isxdigit((unsigned char)in[i]))
			return TA_CHUNKED_BAD;
		char *endp;
		unsigned long long sz = strtoull(in + i, &endp, 16);
		if (endp < crlf && *endp != ';' && *endp != ' ' && *endp != '\t')
			return TA_CHUNKED_BAD; /* only an extension may follow */
		size_t data = (size_t)(crlf - in) + 2;
		if (sz == 0) {
			/* an empty line at once, or trailer lines and then one */
			if (len - data < 2)
				return TA_CHUNKED_MORE;
			if (in[data] == '\r' && in[data + 1] == '\n') {
				*used = data + 2;
				return TA_CHUNKED_DONE;
			}
			const char *fin = memmem(in + data, len - data, "\r\n\r\n", 4);
			if (!fin)
				return TA_CHUNKED_MORE;
			*used = (size_t)(fin - in) + 4;
			return TA_CHUNKED_DONE;
		}
		if (sz > max || body->len + sz > max)
			return TA_CHUNKED_TOO_LARGE;
		if (len - data < sz + 2)
			return TA_CHUNKED_MORE; /* this chunk is not all here yet */
		if (in[data + sz] != '\r' || in[data + sz + 1] != '\n')
			return TA_CHUNKED_BAD; /* the chunk is not as long as it said */
		fs_buf_add(body, in + data, (size_t)sz);
		i = data + (size_t)sz + 2;
		*used = i;
	}
}
