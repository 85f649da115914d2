/*
 * testapi/ferr.c - field errors and the 422 Invalid Status (see ferr.h).
 */
#include "ferr.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

void
ta_ferrs_add(struct ta_ferrs *f, const char *field, const char *reason,
	     const char *fmt, ...)
{
	struct fs_buf b = FS_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	char tmp[1024];
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	fs_buf_printf(&b, "%s", tmp);
	for (size_t i = 0; i < f->n; i++) {
		if (!strcmp(f->v[i].field, field) && !strcmp(f->v[i].body, b.data)) {
			fs_buf_release(&b);
			return;
		}
	}
	f->v = fs_xrealloc(f->v, (f->n + 1) * sizeof(*f->v));
	f->v[f->n].field = fs_xstrdup(field);
	f->v[f->n].reason = reason;
	f->v[f->n].body = fs_buf_detach(&b);
	f->n++;
}

const char *
ta_ferr_value(const cJSON *v, char *buf, size_t n)
{
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d == floor(d) && fabs(d) < 9e15)
			snprintf(buf, n, "%lld", (long long)d);
		else
			snprintf(buf, n, "%g", d);
		return buf;
	}
	char *s = v ? cJSON_PrintUnformatted(v) : NULL;
	snprintf(buf, n, "%s", s ? s : "null");
	free(s);
	return buf;
}

void
ta_ferrs_release(struct ta_ferrs *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].field);
		free(f->v[i].body);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

void
ta_ferrs_to_err(const struct ta_ferrs *f, const char *group,
		const char *kind, const char *name, struct ta_err *e)
{
	struct fs_buf b = FS_BUF_INIT;
	if (group && group[0])
		fs_buf_printf(&b, "%s.%s \"%s\" is invalid: ", kind, group, name);
	else
		fs_buf_printf(&b, "%s \"%s\" is invalid: ", kind, name);
	if (f->n > 1)
		fs_buf_addc(&b, '[');
	for (size_t i = 0; i < f->n; i++)
		fs_buf_printf(&b, "%s%s: %s", i ? ", " : "", f->v[i].field, f->v[i].body);
	if (f->n > 1)
		fs_buf_addc(&b, ']');
	ta_err_set(e, 422, "Invalid", "%s", b.data);
	fs_buf_release(&b);
	cJSON_Delete(e->details);
	e->details = cJSON_CreateObject();
	cJSON_AddStringToObject(e->details, "name", name);
	if (group && group[0])
		cJSON_AddStringToObject(e->details, "group", group);
	cJSON_AddStringToObject(e->details, "kind", kind);
	cJSON *causes = cJSON_AddArrayToObject(e->details, "causes");
	for (size_t i = 0; i < f->n; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "reason", f->v[i].reason);
		cJSON_AddStringToObject(c, "message", f->v[i].body);
		cJSON_AddStringToObject(c, "field", f->v[i].field);
		cJSON_AddItemToArray(causes, c);
	}
}
