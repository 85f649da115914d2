/* util/diag.c - see diag.h */
#include "util/diag.h"

#include <stdarg.h>
#include <stdlib.h>

#include "util/buf.h"

void
fs_diags_vadd(struct fs_diags *d, enum fs_diag_level level, const char *file,
	      unsigned line, unsigned col, const char *path, const char *fmt,
	      va_list ap)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->items = fs_xrealloc(d->items, d->cap * sizeof *d->items);
	}
	struct fs_diag *it = &d->items[d->n++];
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_vprintf(&b, fmt, ap);
	it->level = level;
	it->file = file ? fs_xstrdup(file) : NULL;
	it->line = line;
	it->col = col;
	it->path = path && *path ? fs_xstrdup(path) : NULL;
	it->msg = fs_buf_detach(&b);
	it->hint = NULL;
	if (level == FS_DIAG_ERROR)
		d->errors++;
}

void
fs_diags_add(struct fs_diags *d, enum fs_diag_level level, const char *file,
	     unsigned line, unsigned col, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fs_diags_vadd(d, level, file, line, col, path, fmt, ap);
	va_end(ap);
}

void
fs_diags_hint(struct fs_diags *d, const char *fmt, ...)
{
	if (!d->n)
		return;
	struct fs_buf b = FS_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	fs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(d->items[d->n - 1].hint);
	d->items[d->n - 1].hint = fs_buf_detach(&b);
}

char *
fs_diag_format(const struct fs_diag *it)
{
	struct fs_buf b = FS_BUF_INIT;
	if (it->file) {
		fs_buf_adds(&b, it->file);
		if (it->line)
			fs_buf_printf(&b, ":%u:%u", it->line, it->col);
		fs_buf_adds(&b, ": ");
	}
	if (it->level == FS_DIAG_WARNING)
		fs_buf_adds(&b, "warning: ");
	if (it->path)
		fs_buf_printf(&b, "%s: ", it->path);
	fs_buf_adds(&b, it->msg);
	if (it->hint)
		fs_buf_printf(&b, "\n  hint: %s", it->hint);
	return fs_buf_detach(&b);
}

void
fs_diags_print(const struct fs_diags *d, FILE *f)
{
	for (size_t i = 0; i < d->n; i++) {
		char *s = fs_diag_format(&d->items[i]);
		fprintf(f, "%s\n", s);
		free(s);
	}
}

void
fs_diags_release(struct fs_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].file);
		free(d->items[i].path);
		free(d->items[i].msg);
		free(d->items[i].hint);
	}
	free(d->items);
	d->items = NULL;
	d->n = d->cap = d->errors = 0;
}
