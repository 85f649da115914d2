/* model/decode.c - shared decoder machinery, see decode.h */
#include "model/decode.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/quantity.h"
#include "util/buf.h"
#include "util/intern.h"

/* ------------------------------------------------------------------ */
/* diagnostics                                                         */
/* ------------------------------------------------------------------ */

static void
path_add(struct fs_buf *b, const struct fs_dpath *p)
{
	if (!p)
		return;
	path_add(b, p->up);
	if (p->index >= 0) {
		fs_buf_printf(b, "[%ld]", p->index);
	} else if (p->key) {
		if (b->len)
			fs_buf_addc(b, '.');
		fs_buf_adds(b, p->key);
	}
}

char *
fs_dpath_format(const struct fs_dpath *path)
{
	struct fs_buf b = FS_BUF_INIT;
	path_add(&b, path);
	return fs_buf_detach(&b);
}

void
fs_decode_error(struct fs_decode_ctx *ctx, const cJSON *node,
		const struct fs_dpath *path, const char *fmt, ...)
{
	ctx->errors++;
	if (!ctx->diags)
		return;
	unsigned line = 0, col = 0;
	fs_docset_pos(ctx->ds, node, &line, &col);
	struct fs_buf where = FS_BUF_INIT, msg = FS_BUF_INIT;
	if (ctx->what[0])
		fs_buf_adds(&where, ctx->what);
	char *p = fs_dpath_format(path);
	if (*p)
		fs_buf_printf(&where, "%s%s", where.len ? ": " : "", p);
	free(p);
	va_list ap;
	va_start(ap, fmt);
	fs_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	const char *file = ctx->ds ? fs_docset_name(ctx->ds) : ctx->file;
	fs_diags_add(ctx->diags, FS_DIAG_ERROR, file, line, col, where.data,
		     "%s", msg.data);
	fs_buf_release(&where);
	fs_buf_release(&msg);
}

void
fs_decode_type_error(struct fs_decode_ctx *ctx, const cJSON *node,
		     const struct fs_dpath *path, const char *expected)
{
	const char *type = fs_doc_type_name(node);
	const char *text = fs_doc_scalar(node);
	if (text && cJSON_IsString(node))
		fs_decode_error(ctx, node, path, "expected %s, got %s \"%.60s\"",
				expected, type, text);
	else if (text)
		fs_decode_error(ctx, node, path, "expected %s, got %s %.60s",
				expected, type, text);
	else
		fs_decode_error(ctx, node, path, "expected %s, got %s",
				expected, type);
}

void
fs_decode_set_what(struct fs_decode_ctx *ctx, const char *kind,
		   const char *ns, const char *name)
{
	char lower[64];
	size_t i = 0;
	for (; kind && kind[i] && i + 1 < sizeof lower; i++)
		lower[i] = (char)tolower((unsigned char)kind[i]);
	lower[i] = '\0';
	if (ns)
		snprintf(ctx->what, sizeof ctx->what, "%s %s/%s", lower, ns,
			 name ? name : "<unnamed>");
	else
		snprintf(ctx->what, sizeof ctx->what, "%s %s", lower,
			 name ? name : "<unnamed>");
}

/* ------------------------------------------------------------------ */
/* readers                                                             */
/* ------------------------------------------------------------------ */

void
fs_decode_fields(const cJSON *obj, const char *const *names, size_t n,
		 const cJSON **out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = NULL;
	if (!cJSON_IsObject(obj))
		return;
	for (const cJSON *c = obj->child; c; c = c->next) {
		const char *k = c->string;
		for (size_t i = 0; i < n; i++)
			if (k[0] == names[i][0] && strcmp(k, names[i]) == 0) {
				out[i] = c;
				break;
			}
	}
}

static bool
unset(const cJSON *node)
{
	return !node || cJSON_IsNull(node);
}

const char *
fs_decode_str(struct fs_decode_ctx *ctx, const cJSON *node,
	      const struct fs_dpath *path)
{
	if (unset(node))
		return NULL;
	if (!cJSON_IsString(node)) {
		fs_decode_type_error(ctx, node, path, "string");
		return NULL;
	}
	return node->valuestring[0]
		       ? fs_intern_ref(ctx->refs, node->valuestring, (size_t)-1)
		       : NULL;
}

bool
fs_decode_int(struct fs_decode_ctx *ctx, const cJSON *node,
	      const struct fs_dpath *path, int64_t min, int64_t max,
	      int64_t *out)
{
	if (unset(node))
		return false;
	int64_t v;
	enum fs_code rc = fs_doc_int(node, &v);
	if (rc == FS_E_INVAL) {
		fs_decode_type_error(ctx, node, path, "integer");
		return false;
	}
	if (rc != FS_OK || v < min || v > max) {
		fs_decode_error(ctx, node, path,
				"expected integer between %lld and %lld, got %s",
				(long long)min, (long long)max,
				fs_doc_scalar(node) ? fs_doc_scalar(node) : "?");
		return false;
	}
	*out = v;
	return true;
}

bool
fs_decode_is(struct fs_decode_ctx *ctx, const cJSON *node,
	     const struct fs_dpath *path, int cjson_type)
{
	if (unset(node))
		return false;
	if ((node->type & 0xff) != cjson_type) {
		fs_decode_type_error(ctx, node, path,
				     cjson_type == cJSON_Array ? "array" : "object");
		return false;
	}
	return true;
}

bool
fs_decode_quantity(struct fs_decode_ctx *ctx, const cJSON *node,
		   const struct fs_dpath *path, const char *resource,
		   int64_t *out)
{
	if (unset(node))
		return false;
	const char *s = fs_doc_scalar(node);
	char num[40];
	int64_t iv;
	if (!s && cJSON_IsNumber(node)) {
		/* a number built in memory (not loaded by util/doc) */
		if (fs_doc_int(node, &iv) == FS_OK)
			snprintf(num, sizeof num, "%lld", (long long)iv);
		else
			snprintf(num, sizeof num, "%.17g", node->valuedouble);
		s = num;
	}
	if (!s) {
		fs_decode_type_error(ctx, node, path, "quantity");
		return false;
	}
	enum fs_code rc = fs_quantity_parse(s, resource, out);
	if (rc == FS_E_RANGE) {
		fs_decode_error(ctx, node, path,
				"quantity \"%.60s\" is out of range (more than "
				"int64 in the unit of %s)",
				s, resource);
		return false;
	}
	if (rc != FS_OK) {
		fs_decode_error(ctx, node, path,
				"expected quantity such as 950m, 2Gi or 1e3, "
				"got \"%.60s\"",
				s);
		return false;
	}
	if (*out < 0) { /* as kube-apiserver refuses negative requests */
		fs_decode_error(ctx, node, path,
				"quantity \"%.60s\" is negative; an amount of %s must be "
				"0 or more", s, resource);
		return false;
	}
	return true;
}

static bool
digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* days since 1970-01-01 of a proleptic Gregorian date */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool
parse_rfc3339(const char *s, int64_t *out)
{
	int Y, M, D, h, m, sec, oh = 0, om = 0;
	size_t n = strlen(s);
	if (n < 20 || !digits(s, 4, &Y) || s[4] != '-' || !digits(s + 5, 2, &M) ||
	    s[7] != '-' || !digits(s + 8, 2, &D) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &m) ||
	    s[16] != ':' || !digits(s + 17, 2, &sec))
		return false;
	if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	int sign = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) ||
		    oh > 23 || om > 59)
			return false;
		p += 6;
	} else {
		return false;
	}
	if (*p)
		return false;
	int64_t t = days_from_civil(Y, M, D) * 86400 + h * 3600 + m * 60 + sec;
	*out = t - sign * (oh * 3600 + om * 60);
	return true;
}

bool
fs_decode_time(struct fs_decode_ctx *ctx, const cJSON *node,
	       const struct fs_dpath *path, int64_t *out)
{
	if (unset(node))
		return false;
	if (!cJSON_IsString(node)) {
		fs_decode_type_error(ctx, node, path, "RFC 3339 time string");
		return false;
	}
	if (!node->valuestring[0])
		return false;
	if (!parse_rfc3339(node->valuestring, out)) {
		fs_decode_error(ctx, node, path,
				"expected RFC 3339 time such as "
				"2024-03-11T08:15:02Z, got \"%.60s\"",
				node->valuestring);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* collections                                                         */
/* ------------------------------------------------------------------ */

static int
cmp_kv(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct fs_kv *)a)->key;
	uintptr_t y = (uintptr_t)((const struct fs_kv *)b)->key;
	return (x > y) - (x < y);
}

static int
cmp_res(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct fs_resource *)a)->name;
	uintptr_t y = (uintptr_t)((const struct fs_resource *)b)->name;
	return (x > y) - (x < y);
}

uint32_t
fs_decode_count(const cJSON *node)
{
	uint32_t n = 0;
	for (const cJSON *c = node ? node->child : NULL; c; c = c->next)
		n++;
	return n;
}

uint32_t
fs_decode_kv_map(struct fs_decode_ctx *ctx, const cJSON *node,
		 const struct fs_dpath *path, struct fs_arena *a,
		 const struct fs_kv **out)
{
	*out = NULL;
	if (!fs_decode_is(ctx, node, path, cJSON_Object))
		return 0;
	uint32_t n = fs_decode_count(node), k = 0;
	if (!n)
		return 0;
	struct fs_kv *kv = FS_ARENA_NEW(a, struct fs_kv, n);
	for (const cJSON *c = node->child; c; c = c->next) {
		struct fs_dpath p = FS_DPATH_KEY(path, c->string);
		if (!cJSON_IsString(c)) {
			fs_decode_type_error(ctx, c, &p, "string");
			continue;
		}
		kv[k].key = fs_intern_ref(ctx->refs, c->string, (size_t)-1);
		kv[k].value = fs_intern_ref(ctx->refs, c->valuestring, (size_t)-1);
		k++;
	}
	qsort(kv, k, sizeof *kv, cmp_kv);
	*out = kv;
	return k;
}

uint32_t
fs_decode_str_list(struct fs_decode_ctx *ctx, const cJSON *node,
		   const struct fs_dpath *path, bool allow_empty,
		   struct fs_arena *a, const char *const **out)
{
	*out = NULL;
	if (!fs_decode_is(ctx, node, path, cJSON_Array))
		return 0;
	uint32_t n = fs_decode_count(node), k = 0, i = 0;
	if (!n)
		return 0;
	const char **v = FS_ARENA_NEW(a, const char *, n);
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		struct fs_dpath p = FS_DPATH_AT(path, i);
		const char *s = fs_decode_str(ctx, c, &p);
		if (s)
			v[k++] = s;
		else if (allow_empty && cJSON_IsString(c))
			v[k++] = fs_intern("", 0);
		else if (cJSON_IsString(c) || unset(c))
			fs_decode_error(ctx, c, &p, "expected non-empty string");
	}
	*out = v;
	return k;
}

uint32_t
fs_decode_resources(struct fs_decode_ctx *ctx, const cJSON *node,
		    const struct fs_dpath *path, struct fs_arena *a,
		    const struct fs_resource **out)
{
	*out = NULL;
	if (!fs_decode_is(ctx, node, path, cJSON_Object))
		return 0;
	uint32_t n = fs_decode_count(node), k = 0;
	if (!n)
		return 0;
	struct fs_resource *r = FS_ARENA_NEW(a, struct fs_resource, n);
	for (const cJSON *c = node->child; c; c = c->next) {
		struct fs_dpath p = FS_DPATH_KEY(path, c->string);
		const char *name = fs_intern_ref(ctx->refs, c->string, (size_t)-1);
		if (fs_decode_quantity(ctx, c, &p, name, &r[k].amount))
			r[k++].name = name;
	}
	qsort(r, k, sizeof *r, cmp_res);
	*out = r;
	return k;
}

const struct fs_resource *
fs_resource_find(const struct fs_resource *r, uint32_t n, const char *name)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (r[mid].name == name)
			return &r[mid];
		if ((uintptr_t)r[mid].name < (uintptr_t)name)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
