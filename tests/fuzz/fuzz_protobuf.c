/*
 * fuzz_protobuf.c - libFuzzer target for the estimator plugin's protobuf
 * reader and gRPC response handling (plugins/estimator/pb.c, wire.c).
 *
 * The input is used three ways: as a protobuf message walked recursively
 * (every length-delimited field is tried as a nested message), as a gRPC
 * response body, and as "name\0value\0..." headers for the grpc-status /
 * grpc-message parser. None may read out of bounds, loop or crash; a
 * re-encoded varint must decode to the same value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/estimator/pb.c"
#include "../../plugins/estimator/wire.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
walk(const uint8_t *p, size_t n, int depth)
{
	struct pb_reader r;
	struct pb_field f;
	const char *err = NULL;
	int rc;

	pb_reader_init(&r, p, n);
	while ((rc = pb_next(&r, &f, &err)) == 1) {
		if (f.wire == PB_LEN && depth < 8)
			walk(f.data, f.len, depth + 1);
		if (f.wire == PB_VARINT) {
			struct pb_buf b;
			struct pb_reader r2;
			struct pb_field g;
			const char *e2 = NULL;

			pb_init(&b, realloc);
			pb_put_uint(&b, f.number, f.varint);
			pb_reader_init(&r2, b.data, b.len);
			if (pb_next(&r2, &g, &e2) != 1 || g.varint != f.varint ||
			    g.number != f.number)
				abort();
			pb_release(&b, free);
		}
	}
	if (rc < 0 && !err)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[200], msg[128], *copy;
	struct fs_kv kv[16];
	uint32_t nkv = 0;
	int32_t max;
	size_t i = 0;

	walk(data, size, 0);
	est_decode_response(data, size, &max, err, sizeof(err));
	/* headers: NUL-separated name/value pairs */
	copy = malloc(size + 2);
	memcpy(copy, data, size);
	copy[size] = copy[size + 1] = '\0';
	while (i < size && nkv < 16) {
		kv[nkv].key = copy + i;
		i += strlen(copy + i) + 1;
		kv[nkv].value = copy + (i <= size ? i : size);
		i += strlen(copy + (i <= size ? i : size)) + 1;
		nkv++;
	}
	est_grpc_status(kv, nkv, msg, sizeof(msg));
	est_percent_decode(copy, msg, sizeof(msg));
	free(copy);
	return 0;
}
