/*
 * kube/yaml.c - libyaml events folded into cJSON values.
 */
#include "kube/yaml.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "util/buf.h"

#define YAML_MAX_DEPTH 256
#define YAML_MAX_ANCHORS 1024
#define YAML_MAX_ALIAS_NODES 100000 /* stop billion-laughs expansions */

struct yaml_anchor {
	char *name;
	cJSON *value; /* owned copy */
};

struct yaml_ctx {
	yaml_parser_t parser;
	const char *name;
	char *err;
	struct yaml_anchor *anchors;
	size_t n_anchors;
	size_t alias_nodes;
};

static void yaml_fail(struct yaml_ctx *c, const yaml_mark_t *m, const char *fmt,
		      ...) FS_PRINTF(3, 4);

static void
yaml_fail(struct yaml_ctx *c, const yaml_mark_t *m, const char *fmt,
	  ...)
{
	if (c->err)
		return;
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "%s:%zu:%zu: ", c->name, m ? m->line + 1 : 0,
		      m ? m->column + 1 : 0);
	va_list ap;
	va_start(ap, fmt);
	fs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	c->err = fs_buf_detach(&b);
}

static bool
yaml_next(struct yaml_ctx *c, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&c->parser, ev)) {
		yaml_mark_t m = c->parser.problem_mark;
		yaml_fail(c, &m, "%s%s%s",
			  c->parser.problem ? c->parser.problem : "malformed yaml",
			  c->parser.context ? " " : "",
			  c->parser.context ? c->parser.context : "");
		return false;
	}
	return true;
}

static bool
yaml_is_int(const char *s, long long *out)
{
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	if (!*p)
		return false;
	int base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o')) {
		base = p[1] == 'x' ? 16 : 8;
		p += 2;
		if (!*p)
			return false;
	}
	for (const char *q = p; *q; q++) {
		bool ok = base == 16 ? (*q >= '0' && *q <= '9') ||
				       (*q >= 'a' && *q <= 'f') ||
				       (*q >= 'A' && *q <= 'F')
				     : (*q >= '0' && *q <= (base == 8 ? '7' : '9'));
		if (!ok)
			return false;
	}
	errno = 0;
	long long v = strtoll(p, NULL, base);
	if (errno)
		return false;
	*out = s[0] == '-' ? -v : v;
	return true;
}

static bool
yaml_is_float(const char *s, double *out)
{
	if (!strcmp(s, ".inf") || !strcmp(s, "+.inf") || !strcmp(s, ".Inf")) {
		*out = INFINITY;
		return true;
	}
	if (!strcmp(s, "-.inf") || !strcmp(s, "-.Inf")) {
		*out = -INFINITY;
		return true;
	}
	if (!strcmp(s, ".nan") || !strcmp(s, ".NaN")) {
		*out = NAN;
		return true;
	}
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	bool digits = false, dot = false;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			digits = true;
		} else if (*p == '.' && !dot) {
			dot = true;
		} else if ((*p == 'e' || *p == 'E') && digits) {
			p++;
			if (*p == '+' || *p == '-')
				p++;
			if (!*p)
				return false;
			for (; *p; p++)
				if (*p < '0' || *p > '9')
					return false;
			break;
		} else {
			return false;
		}
	}
	if (!digits)
		return false;
	*out = strtod(s, NULL);
	return true;
}

static cJSON *
yaml_scalar(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    (ev->data.scalar.tag &&
	     !strcmp((const char *)ev->data.scalar.tag, YAML_STR_TAG)))
		return cJSON_CreateString(s);
	if (n == 0 || !strcmp(s, "~") || !strcmp(s, "null") ||
	    !strcmp(s, "Null") || !strcmp(s, "NULL"))
		return cJSON_CreateNull();
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return cJSON_CreateTrue();
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return cJSON_CreateFalse();
	long long i;
	if (yaml_is_int(s, &i))
		return cJSON_CreateNumber((double)i);
	double d;
	if (yaml_is_float(s, &d) && isfinite(d))
		return cJSON_CreateNumber(d);
	return cJSON_CreateString(s);
}

static void
yaml_anchor_add(struct yaml_ctx *c, const yaml_char_t *anchor,
		const cJSON *v, const yaml_mark_t *m)
{
	if (!anchor || c->err)
		return;
	if (c->n_anchors >= YAML_MAX_ANCHORS) {
		yaml_fail(c, m, "too many anchors (more than %d)", YAML_MAX_ANCHORS);
		return;
	}
	if (!c->n_anchors)
		c->anchors = fs_xcalloc(YAML_MAX_ANCHORS, sizeof(*c->anchors));
	c->anchors[c->n_anchors].name = fs_xstrdup((const char *)anchor);
	c->anchors[c->n_anchors].value = cJSON_Duplicate(v, true);
	c->n_anchors++;
}

static size_t
yaml_count(const cJSON *v)
{
	size_t n = 1;
	for (const cJSON *ch = v->child; ch; ch = ch->next)
		n += yaml_count(ch);
	return n;
}

static cJSON *
yaml_alias(struct yaml_ctx *c, const yaml_event_t *ev)
{
	const char *a = (const char *)ev->data.alias.anchor;
	for (size_t i = c->n_anchors; i-- > 0;) {
		if (strcmp(c->anchors[i].name, a))
			continue;
		c->alias_nodes += yaml_count(c->anchors[i].value);
		if (c->alias_nodes > YAML_MAX_ALIAS_NODES) {
			yaml_fail(c, &ev->start_mark,
				  "aliases expand to more than %d nodes",
				  YAML_MAX_ALIAS_NODES);
			return NULL;
		}
		return cJSON_Duplicate(c->anchors[i].value, true);
	}
	yaml_fail(c, &ev->start_mark, "unknown alias *%s", a);
	return NULL;
}

static cJSON *yaml_node(struct yaml_ctx *c, yaml_event_t *ev, int depth);

/* reads events up to the matching end; ev is the start event (consumed) */
static cJSON *
yaml_collection(struct yaml_ctx *c, yaml_event_t *start,
		int depth)
{
	bool map = start->type == YAML_MAPPING_START_EVENT;
	yaml_event_type_t end = map ? YAML_MAPPING_END_EVENT
				    : YAML_SEQUENCE_END_EVENT;
	yaml_mark_t mark = start->start_mark;
	yaml_char_t *anchor = map ? start->data.mapping_start.anchor
				  : start->data.sequence_start.anchor;
	char *anchor_copy = anchor ? fs_xstrdup((const char *)anchor) : NULL;
	cJSON *out = map ? cJSON_CreateObject() : cJSON_CreateArray();
	for (;;) {
		yaml_event_t ev;
		if (!yaml_next(c, &ev))
			goto fail;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			break;
		}
		if (!map) {
			cJSON *v = yaml_node(c, &ev, depth + 1);
			if (!v)
				goto fail;
			cJSON_AddItemToArray(out, v);
			continue;
		}
		if (ev.type != YAML_SCALAR_EVENT) {
			yaml_fail(c, &ev.start_mark,
				  "mapping key must be a scalar");
			yaml_event_delete(&ev);
			goto fail;
		}
		char *key = fs_xstrdup((const char *)ev.data.scalar.value);
		yaml_mark_t km = ev.start_mark;
		yaml_event_delete(&ev);
		if (!strcmp(key, "<<")) {
			yaml_fail(c, &km, "merge keys (<<) are not supported");
			free(key);
			goto fail;
		}
		if (!yaml_next(c, &ev)) {
			free(key);
			goto fail;
		}
		cJSON *v = yaml_node(c, &ev, depth + 1);
		if (!v) {
			free(key);
			goto fail;
		}
		if (cJSON_GetObjectItemCaseSensitive(out, key)) {
			yaml_fail(c, &km, "duplicate key '%s'", key);
			cJSON_Delete(v);
			free(key);
			goto fail;
		}
		cJSON_AddItemToObject(out, key, v);
		free(key);
	}
	if (anchor_copy)
		yaml_anchor_add(c, (const yaml_char_t *)anchor_copy, out, &mark);
	free(anchor_copy);
	return out;
fail:
	free(anchor_copy);
	cJSON_Delete(out);
	return NULL;
}

/* consumes ev */
static cJSON *
yaml_node(struct yaml_ctx *c, yaml_event_t *ev, int depth)
{
	cJSON *v = NULL;
	if (depth > YAML_MAX_DEPTH) {
		yaml_fail(c, &ev->start_mark, "nesting deeper than %d levels",
			  YAML_MAX_DEPTH);
		yaml_event_delete(ev);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		v = yaml_scalar(ev);
		yaml_anchor_add(c, ev->data.scalar.anchor, v, &ev->start_mark);
		break;
	case YAML_ALIAS_EVENT:
		v = yaml_alias(c, ev);
		break;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		v = yaml_collection(c, ev, depth);
		break;
	default:
		yaml_fail(c, &ev->start_mark, "unexpected yaml event %d",
			  (int)ev->type);
		break;
	}
	yaml_event_delete(ev);
	if (c->err) {
		cJSON_Delete(v);
		return NULL;
	}
	return v;
}

static void
yaml_anchors_clear(struct yaml_ctx *c)
{
	for (size_t i = 0; i < c->n_anchors; i++) {
		free(c->anchors[i].name);
		cJSON_Delete(c->anchors[i].value);
	}
	free(c->anchors);
	c->anchors = NULL;
	c->n_anchors = 0;
}

cJSON *
fs_kube_yaml_parse(const char *text, size_t len, const char *name,
		   char **err)
{
	struct yaml_ctx c = {.name = name ? name : "<input>"};
	*err = NULL;
	if (!yaml_parser_initialize(&c.parser)) {
		*err = fs_xstrdup("yaml: out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&c.parser, (const unsigned char *)text, len);
	cJSON *docs = cJSON_CreateArray();
	for (;;) {
		yaml_event_t ev;
		if (!yaml_next(&c, &ev))
			break;
		yaml_event_type_t t = ev.type;
		if (t == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (t != YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue; /* stream start */
		}
		yaml_event_delete(&ev);
		if (!yaml_next(&c, &ev))
			break;
		cJSON *doc = yaml_node(&c, &ev, 0);
		if (!doc)
			break;
		cJSON_AddItemToArray(docs, doc);
		if (!yaml_next(&c, &ev)) /* document end */
			break;
		yaml_event_delete(&ev);
		yaml_anchors_clear(&c); /* anchors are per document */
		c.alias_nodes = 0;
	}
	yaml_anchors_clear(&c);
	yaml_parser_delete(&c.parser);
	if (c.err) {
		cJSON_Delete(docs);
		*err = c.err;
		return NULL;
	}
	return docs;
}

char *
fs_kube_read_file(const char *path, size_t *len, char **err)
{
	struct fs_buf b = FS_BUF_INIT;
	*err = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		fs_buf_printf(&b, "%s: cannot open: %s", path, strerror(errno));
		*err = fs_buf_detach(&b);
		return NULL;
	}
	char chunk[16384];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > (64u << 20)) {
			fclose(f);
			fs_buf_release(&b);
			fs_buf_printf(&b, "%s: file larger than 64 MiB", path);
			*err = fs_buf_detach(&b);
			return NULL;
		}
		fs_buf_add(&b, chunk, n);
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		fs_buf_release(&b);
		fs_buf_printf(&b, "%s: read error", path);
		*err = fs_buf_detach(&b);
		return NULL;
	}
	if (len)
		*len = b.len;
	if (!b.cap)
		return fs_xstrdup("");
	return fs_buf_detach(&b);
}
