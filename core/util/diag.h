/*
 * util/diag.h - a list of problems found in input files, each with where it
 * is: "config/scheduler.yaml:12:7: profiles[0].plugins.score.enabled[1]:
 * unknown plugin 'Foo'". Validation collects every problem rather than
 * stopping at the first.
 */
#ifndef FS_UTIL_DIAG_H
#define FS_UTIL_DIAG_H

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>

#include <fedstate/host.h>

enum fs_diag_level { FS_DIAG_ERROR = 0, FS_DIAG_WARNING = 1 };

struct fs_diag {
	enum fs_diag_level level;
	char *file;    /* may be NULL */
	unsigned line; /* 1-based, 0 when unknown */
	unsigned col;  /* 1-based, 0 when unknown */
	char *path;    /* "profiles[0].plugins", NULL when none */
	char *msg;     /* lowercase, no trailing period */
	char *hint;    /* optional */
};

struct fs_diags {
	struct fs_diag *items;
	size_t n, cap;
	size_t errors;
};

#define FS_DIAGS_INIT {0, 0, 0, 0}

void fs_diags_add(struct fs_diags *d, enum fs_diag_level level,
		  const char *file, unsigned line, unsigned col,
		  const char *path, const char *fmt, ...) FS_PRINTF(7, 8);
/* the same with a va_list, for reporters that take their own format */
void fs_diags_vadd(struct fs_diags *d, enum fs_diag_level level,
		   const char *file, unsigned line, unsigned col,
		   const char *path, const char *fmt, va_list ap)
	FS_PRINTF(7, 0);
/* attach a hint to the last diagnostic */
void fs_diags_hint(struct fs_diags *d, const char *fmt, ...) FS_PRINTF(2, 3);
/* "file:line:col: path: msg" (+ "\n  hint: ...") one per line */
void fs_diags_print(const struct fs_diags *d, FILE *f);
/* the same, one diagnostic, into buf */
char *fs_diag_format(const struct fs_diag *it); /* caller frees */
void fs_diags_release(struct fs_diags *d);

#endif
