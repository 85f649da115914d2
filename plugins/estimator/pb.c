/*
 * plugins/estimator/pb.c - see pb.h.
 */
#include "pb.h"

#include <string.h>

#define PB_MAX_GROUP_DEPTH 32

void
pb_init(struct pb_buf *b, void *(*realloc_fn)(void *p, size_t n))
{
	memset(b, 0, sizeof(*b));
	b->realloc_fn = realloc_fn;
}

void
pb_reset(struct pb_buf *b)
{
	b->len = 0;
	b->failed = false;
}

void
pb_release(struct pb_buf *b, void (*free_fn)(void *p))
{
	free_fn(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

static bool
reserve(struct pb_buf *b, size_t extra)
{
	size_t cap;
	uint8_t *p;

	if (b->failed)
		return false;
	if (extra <= b->cap - b->len)
		return true;
	if (extra > SIZE_MAX / 2 - b->len) {
		b->failed = true;
		return false;
	}
	cap = b->cap ? b->cap : 64;
	while (cap - b->len < extra)
		cap *= 2;
	if (!(p = b->realloc_fn(b->data, cap))) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

size_t
pb_varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static size_t
encode_varint(uint8_t *out, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

void
pb_put_raw(struct pb_buf *b, const void *p, size_t n)
{
	if (!n || !reserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void
pb_put_varint(struct pb_buf *b, uint64_t v)
{
	if (reserve(b, 10))
		b->len += encode_varint(b->data + b->len, v);
}

void
pb_put_tag(struct pb_buf *b, uint32_t field, enum pb_wire wire)
{
	pb_put_varint(b, ((uint64_t)field << 3) | (uint64_t)wire);
}

void
pb_put_uint(struct pb_buf *b, uint32_t field, uint64_t v)
{
	pb_put_tag(b, field, PB_VARINT);
	pb_put_varint(b, v);
}

void
pb_put_int32(struct pb_buf *b, uint32_t field, int32_t v)
{
	pb_put_uint(b, field, (uint64_t)(int64_t)v);
}

void
pb_put_bytes(struct pb_buf *b, uint32_t field, const void *p, size_t n)
{
	pb_put_tag(b, field, PB_LEN);
	pb_put_varint(b, n);
	pb_put_raw(b, p, n);
}

void
pb_put_string(struct pb_buf *b, uint32_t field, const char *s)
{
	pb_put_bytes(b, field, s, strlen(s));
}

size_t
pb_begin(struct pb_buf *b, uint32_t field)
{
	pb_put_tag(b, field, PB_LEN);
	return b->len;
}

void
pb_end(struct pb_buf *b, size_t mark)
{
	size_t len, k;

	if (b->failed || mark > b->len)
		return;
	len = b->len - mark;
	k = pb_varint_size(len);
	if (!reserve(b, k))
		return;
	memmove(b->data + mark + k, b->data + mark, len);
	encode_varint(b->data + mark, len);
	b->len += k;
}

void
pb_reader_init(struct pb_reader *r, const void *p, size_t n)
{
	r->p = p;
	r->end = r->p + n;
}

static int
read_varint(struct pb_reader *r, uint64_t *out, const char **err)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 70; shift += 7) {
		uint8_t byte;

		if (r->p >= r->end) {
			*err = "truncated varint";
			return -1;
		}
		byte = *r->p++;
		if (shift == 63 && byte > 1) {
			*err = "varint overflows 64 bits";
			return -1;
		}
		v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80)) {
			*out = v;
			return 1;
		}
	}
	*err = "varint longer than 10 bytes";
	return -1;
}

static int
read_tag(struct pb_reader *r, uint32_t *number, enum pb_wire *wire,
	 const char **err)
{
	uint64_t tag;

	if (read_varint(r, &tag, err) < 0)
		return -1;
	if ((tag >> 3) == 0 || (tag >> 3) > PB_MAX_FIELD) {
		*err = "invalid field number";
		return -1;
	}
	*number = (uint32_t)(tag >> 3);
	*wire = (enum pb_wire)(tag & 7);
	return 1;
}

static int
take(struct pb_reader *r, size_t n, const uint8_t **data, const char **err)
{
	if (n > (size_t)(r->end - r->p)) {
		*err = "field runs past the end of the message";
		return -1;
	}
	*data = r->p;
	r->p += n;
	return 1;
}

/* the value of a field whose tag was read; groups are skipped (depth) */
static int
read_value(struct pb_reader *r, struct pb_field *f, unsigned depth,
	   const char **err)
{
	const uint8_t *d;
	uint64_t len;

	f->data = NULL;
	f->len = 0;
	f->varint = 0;
	switch (f->wire) {
	case PB_VARINT:
		return read_varint(r, &f->varint, err);
	case PB_I64:
	case PB_I32: {
		size_t n = f->wire == PB_I64 ? 8 : 4;
		if (take(r, n, &d, err) < 0)
			return -1;
		for (size_t i = n; i-- > 0;)
			f->varint = f->varint << 8 | d[i];
		f->data = d;
		f->len = n;
		return 1;
	}
	case PB_LEN:
		if (read_varint(r, &len, err) < 0)
			return -1;
		if (len > (uint64_t)(r->end - r->p)) {
			*err = "length-delimited field runs past the end of the message";
			return -1;
		}
		f->data = r->p;
		f->len = (size_t)len;
		r->p += len;
		return 1;
	case PB_SGROUP: {
		uint32_t open = f->number;
		struct pb_field g;

		if (depth >= PB_MAX_GROUP_DEPTH) {
			*err = "groups nested too deeply";
			return -1;
		}
		for (;;) {
			if (r->p >= r->end) {
				*err = "unterminated group";
				return -1;
			}
			if (read_tag(r, &g.number, &g.wire, err) < 0)
				return -1;
			if (g.wire == PB_EGROUP) {
				if (g.number != open) {
					*err = "mismatched end of group";
					return -1;
				}
				return 1;
			}
			if (read_value(r, &g, depth + 1, err) < 0)
				return -1;
		}
	}
	case PB_EGROUP:
		*err = "end of group without a start";
		return -1;
	default:
		*err = "invalid wire type";
		return -1;
	}
}

int
pb_next(struct pb_reader *r, struct pb_field *f, const char **err)
{
	for (;;) {
		if (r->p >= r->end)
			return 0;
		if (read_tag(r, &f->number, &f->wire, err) < 0)
			return -1;
		if (read_value(r, f, 0, err) < 0)
			return -1;
		if (f->wire != PB_SGROUP)
			return 1;
	}
}
