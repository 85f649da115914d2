/*
 * fuzz_quantity.c - bytes -> fs_quantity_parse for a few resources.
 * Invariants: never crash; FS_OK results agree in sign with the text
 * (a leading '-' gives <= 0); "cpu" is 1000 times the whole-unit value
 * up to rounding away from zero.
 *
 *   clang -fsanitize=fuzzer,address -Iapi -Icore tests/fuzz/fuzz_quantity.c \
 *       core/model/quantity.c -o fuzz_quantity
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "model/quantity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	int64_t whole = 0, milli = 0;
	enum fs_code rw = fs_quantity_parse_n(s, size, "memory", &whole);
	enum fs_code rm = fs_quantity_parse_n(s, size, "cpu", &milli);
	if ((rw == FS_E_PARSE) != (rm == FS_E_PARSE))
		abort(); /* the grammar does not depend on the resource */
	if (rw == FS_OK && rm == FS_OK) {
		if (size && s[0] == '-' && (whole > 0 || milli > 0))
			abort();
		if (size && s[0] != '-' && (whole < 0 || milli < 0))
			abort();
		/* whole = ceil-away(milli / 1000) */
		if (milli >= 0 && whole != milli / 1000 + (milli % 1000 != 0))
			abort();
		if (milli < 0 && whole != milli / 1000 - (milli % 1000 != 0))
			abort();
	}
	return 0;
}
