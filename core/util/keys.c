/* util/keys.c - "unknown field" errors with "did you mean" hints */
#include "util/keys.h"

#include <stdbool.h>
#include <string.h>

#include "util/buf.h"

unsigned
fs_edit_distance(const char *a, const char *b)
{
	unsigned row[64], la = (unsigned)strlen(a), lb = (unsigned)strlen(b);
	if (la >= 63 || lb >= 63)
		return 99;
	for (unsigned j = 0; j <= lb; j++)
		row[j] = j;
	for (unsigned i = 1; i <= la; i++) {
		unsigned diag = row[0];
		row[0] = i;
		for (unsigned j = 1; j <= lb; j++) {
			unsigned up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

const char *
fs_keys_nearest(const char *key, const char *const *known)
{
	const char *near = NULL;
	unsigned best = 3;
	for (const char *const *k = known; *k; k++) {
		unsigned dist = fs_edit_distance(*k, key);
		if (dist < best) {
			best = dist;
			near = *k;
		}
	}
	return near;
}

static bool
is_known(const char *key, const char *const *known)
{
	for (const char *const *k = known; *k; k++)
		if (strcmp(*k, key) == 0)
			return true;
	return false;
}

static void
report(struct fs_diags *d, const struct fs_docset *ds, const char *file,
       const char *path, const cJSON *it, const char *const *known)
{
	unsigned line = 0, col = 0;
	if (!fs_docset_key_pos(ds, it, &line, &col))
		fs_docset_pos(ds, it, &line, &col);
	struct fs_buf p = FS_BUF_INIT;
	fs_buf_printf(&p, "%s%s%s", path ? path : "", path && *path ? "." : "",
		      it->string);
	fs_diags_add(d, FS_DIAG_ERROR, file, line, col, p.data,
		     "unknown field '%s'", it->string);
	fs_buf_release(&p);
	const char *near = fs_keys_nearest(it->string, known);
	if (near) {
		fs_diags_hint(d, "did you mean '%s'?", near);
		return;
	}
	struct fs_buf h = FS_BUF_INIT;
	for (const char *const *k = known; *k; k++)
		fs_buf_printf(&h, "%s%s", k == known ? "" : ", ", *k);
	fs_diags_hint(d, "known fields: %s", h.data);
	fs_buf_release(&h);
}

size_t
fs_keys_check(struct fs_diags *d, const struct fs_docset *ds, const char *file,
	      const char *path, const cJSON *obj, const char *const *known)
{
	size_t unknown = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, obj) {
		if (is_known(it->string, known))
			continue;
		unknown++;
		if (d)
			report(d, ds, file, path, it, known);
	}
	return unknown;
}
