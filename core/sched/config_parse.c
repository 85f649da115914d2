/* sched/config_parse.c - paths, typed getters and messages for the config reader */
#include "sched/config_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/keys.h"

/* append to the path, truncating at its end; return the length to pop to */
static size_t FS_PRINTF(2, 3)
push(struct fs_cfg_ctx *c, const char *fmt, ...)
{
	size_t old = c->plen, room = sizeof c->path - c->plen;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(c->path + c->plen, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->plen += (size_t)n < room ? (size_t)n : room - 1;
	return old;
}

size_t
fs_cfg_push_key(struct fs_cfg_ctx *c, const char *key)
{
	return push(c, "%s%s", c->plen ? "." : "", key);
}

size_t
fs_cfg_push_index(struct fs_cfg_ctx *c, size_t i)
{
	return push(c, "[%zu]", i);
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
	if (c->d)
		fs_diags_vadd(c->d, level, c->file, line, col, c->path, fmt, ap);
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
	va_list ap;
	va_start(ap, fmt);
	fs_diags_vadd(c->d, FS_DIAG_ERROR, c->file, w->line, w->col, w->path, fmt,
		      ap);
	va_end(ap);
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

bool
fs_cfg_check_keys(struct fs_cfg_ctx *c, const cJSON *obj,
		  const char *const *known)
{
	size_t unknown = fs_keys_check(c->d, c->ds, c->file, c->path, obj, known);
	c->errors += (unsigned)unknown;
	return unknown == 0;
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

const cJSON *
fs_cfg_enter_item(struct fs_cfg_ctx *c, const cJSON *list, uint32_t i,
		  const char *const *known, size_t *pop_to)
{
	const cJSON *item = cJSON_GetArrayItem(list, (int)i);
	*pop_to = fs_cfg_push_index(c, i);
	if (!fs_cfg_want_object(c, item)) {
		fs_cfg_pop(c, *pop_to);
		return NULL;
	}
	fs_cfg_check_keys(c, item, known);
	return item;
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
