/*
 * fuzz_yaml.c - bytes -> the YAML/JSON document loader (util/doc.h).
 * Invariants: never crash or leak; a failed load reports at least one
 * diagnostic; every loaded document's root has a known position unless
 * it came from the JSON path... (positions are checked to be in range).
 *
 *   clang -fsanitize=fuzzer,address -Iapi -Icore tests/fuzz/fuzz_yaml.c \
 *       core/util/doc[a-z_]*.c core/util/buf.c core/util/diag.c core/util/log.c \
 *       -lcjson -lyaml -o fuzz_yaml
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "util/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
walk(const struct fs_docset *ds, const cJSON *n, size_t lines, int depth)
{
	unsigned line, col;
	if (fs_docset_pos(ds, n, &line, &col) && (line == 0 || line > lines))
		abort();
	int64_t v;
	(void)fs_doc_int(n, &v);
	(void)fs_doc_type_name(n);
	if (depth > 300)
		abort(); /* the loader refuses deeper nesting */
	for (const cJSON *c = n->child; c; c = c->next)
		walk(ds, c, lines, depth + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = NULL;
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n' || data[i] == '\r';
	enum fs_code rc = fs_docset_load_mem(&ds, "fuzz", (const char *)data, size, &d);
	if (rc == FS_OK) {
		for (size_t i = 0; i < fs_docset_count(ds); i++)
			walk(ds, fs_docset_doc(ds, i), lines + 1, 0);
		fs_docset_free(ds);
	} else if (ds || d.errors == 0) {
		abort();
	}
	fs_diags_release(&d);
	return 0;
}
