/*
 * plugins/estimator/pb.h - a small protocol buffers codec: just what the
 * estimator's messages need (varints, length-delimited fields, nested
 * messages) plus a reader that walks any message and skips what it does
 * not know.
 *
 * The writer grows its buffer through the realloc function it was given
 * (fs_host->realloc in the plugin, realloc in tests and fuzzing); after an
 * allocation failure it stops writing and sets `failed`. The reader never
 * allocates and never reads outside [p, end): every length is checked
 * against what is left before it is used.
 *
 * No state is shared: one writer or reader per thread.
 */
#ifndef EST_PB_H
#define EST_PB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pb_wire {
	PB_VARINT = 0,
	PB_I64 = 1,
	PB_LEN = 2,
	PB_SGROUP = 3, /* deprecated groups: skipped */
	PB_EGROUP = 4,
	PB_I32 = 5,
};

#define PB_MAX_FIELD 536870911u /* 2^29 - 1 */

struct pb_buf {
	uint8_t *data; /* owned; NULL until the first write */
	size_t len, cap;
	bool failed;   /* an allocation failed: the content is incomplete */
	void *(*realloc_fn)(void *p, size_t n);
};

void pb_init(struct pb_buf *b, void *(*realloc_fn)(void *p, size_t n));
void pb_reset(struct pb_buf *b); /* len = 0, keeps memory and `failed` cleared */
/* the buffer's memory goes back through free_fn; b is left empty */
void pb_release(struct pb_buf *b, void (*free_fn)(void *p));

size_t pb_varint_size(uint64_t v);
void pb_put_raw(struct pb_buf *b, const void *p, size_t n);
void pb_put_varint(struct pb_buf *b, uint64_t v);
void pb_put_tag(struct pb_buf *b, uint32_t field, enum pb_wire wire);
void pb_put_uint(struct pb_buf *b, uint32_t field, uint64_t v);
/* int32 fields: negative values take ten bytes (sign-extended), as protoc */
void pb_put_int32(struct pb_buf *b, uint32_t field, int32_t v);
void pb_put_bytes(struct pb_buf *b, uint32_t field, const void *p, size_t n);
void pb_put_string(struct pb_buf *b, uint32_t field, const char *s);

/* A nested message: pb_begin writes the tag and returns a mark; write the
 * content; pb_end(mark) inserts its length before it. */
size_t pb_begin(struct pb_buf *b, uint32_t field);
void pb_end(struct pb_buf *b, size_t mark);

struct pb_reader {
	const uint8_t *p, *end;
};

struct pb_field {
	uint32_t number;
	enum pb_wire wire;
	uint64_t varint;     /* PB_VARINT; also the raw value of I32/I64 */
	const uint8_t *data; /* PB_LEN: the payload (borrowed from the input) */
	size_t len;
};

void pb_reader_init(struct pb_reader *r, const void *p, size_t n);
/* The next field: 1 when one was read, 0 at the end of the input, -1 when
 * the input is malformed (*err then points at a static reason such as
 * "truncated varint"). Groups are skipped whole, never returned. */
int pb_next(struct pb_reader *r, struct pb_field *f, const char **err);

#endif
