/* sched/config_parse.c - paths, typed getters and messages for the config reader */
#include "sched/config_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"

size_t
fs_cfg_push_key(struct fs_cfg_ctx *c, const char *key)
{
	size_t old = c->plen;
	int n = snprintf(c->path + c->plen, sizeof c->path - c->plen, "%s%s",
			 c->plen ? "." : "", key);
	if (n > 0)
		c->plen += (size_t)n < sizeof c->path - c->plen ? (size_t)n
								: sizeof c->path - c->plen - 1;
	return old;
}

size_t
fs_cfg_push_index(struct fs_cfg_ctx *c, size_t i)
{
	size_t old = c->plen;
	int n = snprintf(c->path + c->plen, sizeof c->path - c->plen, "[%zu]", i);
	if (n > 0)
		c->plen += (size_t)n < sizeof c->path - c->plen ? (size_t)n
								: sizeof c->path - c->plen - 1;
	return old;
}

void
fs_cfg_pop(struct fs_cfg_ctx *c, size_t len)
{
	c->plen = len;
	c->path[len] = '\0';
}

static void
report(struct fs_cfg_ctx *c, enum fs_diag_level level, const cJSON *node,
       bool at_key, const char *fmt, va_list ap)
{
	unsigned line = 0, col = 0;
	if (node) {
		if (!(at_key && fs_docset_key_pos(c->ds, node, &line, &col)))
			fs_docset_pos(c->ds, node, &line, &col);
	}
	if (level == FS_DIAG_ERROR)
		c->errors++;
	if (!c->d)
		return;
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_vprintf(&b, fmt, ap);
	fs_diags_add(c->d, level, c->file, line, col, c->path, "%s", b.data);
	fs_buf_release(&b);
}

void
fs_cfg_error(struct fs_cfg_ctx *c, const cJSON *node, bool at_key,
	     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(c, FS_DIAG_ERROR, node, at_key, fmt, ap);
	va_end(ap);
}

void
fs_cfg_error_at(struct fs_cfg_ctx *c, const struct fs_config_where *w,
		const char *fmt, ...)
{
	c->errors++;
	if (!c->d)
		return;
	struct fs_buf b = FS_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	fs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	fs_diags_add(c->d, FS_DIAG_ERROR, c->file, w->line, w->col, w->path, "%s",
		     b.data);
	fs_buf_release(&b);
}

struct fs_config_where
fs_cfg_where(struct fs_cfg_ctx *c, const cJSON *node)
{
	struct fs_config_where w = {fs_arena_strdup(&c->cfg->arena, c->path), 0, 0};
	if (node)
		fs_docset_pos(c->ds, node, &w.line, &w.col);
	return w;
}

const char *
fs_cfg_where_text(const struct fs_config_where *w, char *buf, size_t len)
{
	if (w->line)
		snprintf(buf, len, "line %u", w->line);
	else
		snprintf(buf, len, "the built-in defaults");
	return buf;
}

const char *
fs_cfg_describe(const cJSON *node, char *buf, size_t len)
{
	if (cJSON_IsString(node))
		snprintf(buf, len, "string \"%.60s\"", node->valuestring);
	else if (cJSON_IsNumber(node))
		snprintf(buf, len, "%s %.40s", fs_doc_type_name(node),
			 fs_doc_scalar(node) ? fs_doc_scalar(node) : "?");
	else if (cJSON_IsBool(node))
		snprintf(buf, len, "boolean %s", cJSON_IsTrue(node) ? "true" : "false");
	else
		snprintf(buf, len, "%s", node ? fs_doc_type_name(node) : "nothing");
	return buf;
}

/* edit distance, for "did you mean"; short strings only */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40)
		return 99;
	size_t row[41];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t sub = prev + (a[i - 1] != b[j - 1]);
			size_t best = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;
			row[j] = sub < best ? sub : best;
			prev = cur;
		}
	}
	return row[lb];
}

bool
fs_cfg_check_keys(struct fs_cfg_ctx *c, const cJSON *obj,
		  const char *const *known)
{
	bool ok = true;
	const cJSON *it;
	cJSON_ArrayForEach(it, obj) {
		bool found = false;
		const char *close = NULL;
		size_t best = 3;
		for (const char *const *k = known; *k; k++) {
			if (strcmp(*k, it->string) == 0) {
				found = true;
				break;
			}
			size_t dist = distance(*k, it->string);
			if (dist < best) {
				best = dist;
				close = *k;
			}
		}
		if (found)
			continue;
		ok = false;
		size_t old = fs_cfg_push_key(c, it->string);
		fs_cfg_error(c, it, true, "unknown field '%s'", it->string);
		fs_cfg_pop(c, old);
		if (!c->d)
			continue;
		if (close) {
			fs_diags_hint(c->d, "did you mean '%s'?", close);
		} else {
			struct fs_buf b = FS_BUF_INIT;
			for (const char *const *k = known; *k; k++)
				fs_buf_printf(&b, "%s%s", k == known ? "" : ", ", *k);
			fs_diags_hint(c->d, "known fields: %s", b.data);
			fs_buf_release(&b);
		}
	}
	return ok;
}

static bool
want(struct fs_cfg_ctx *c, const cJSON *node, bool ok, const char *what)
{
	if (ok)
		return true;
	char got[96];
	fs_cfg_error(c, node, false, "expected %s, got %s", what,
		     fs_cfg_describe(node, got, sizeof got));
	return false;
}

bool
fs_cfg_want_object(struct fs_cfg_ctx *c, const cJSON *node)
{
	return want(c, node, cJSON_IsObject(node), "object");
}

bool
fs_cfg_want_array(struct fs_cfg_ctx *c, const cJSON *node)
{
	return want(c, node, cJSON_IsArray(node), "list");
}

const char *
fs_cfg_string(struct fs_cfg_ctx *c, const cJSON *obj, const char *key,
	      bool required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v || cJSON_IsNull(v)) {
		if (required)
			fs_cfg_error(c, obj, false, "missing required field '%s'", key);
		return NULL;
	}
	size_t old = fs_cfg_push_key(c, key);
	bool ok = want(c, v, cJSON_IsString(v), "string");
	if (ok && !*v->valuestring) {
		fs_cfg_error(c, v, false, "must not be empty");
		ok = false;
	}
	fs_cfg_pop(c, old);
	return ok ? fs_arena_strdup(&c->cfg->arena, v->valuestring) : NULL;
}

bool
fs_cfg_int(struct fs_cfg_ctx *c, const cJSON *obj, const char *key, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v || cJSON_IsNull(v))
		return false;
	size_t old = fs_cfg_push_key(c, key);
	bool ok = cJSON_IsNumber(v) && fs_doc_int(v, out) == FS_OK;
	want(c, v, ok, "integer");
	fs_cfg_pop(c, old);
	return ok;
}

bool
fs_cfg_valid_name(const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p; p++, n++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			  (*p == '-' && p != s);
		if (!ok)
			return false;
	}
	return n >= 1 && n <= 63;
}
