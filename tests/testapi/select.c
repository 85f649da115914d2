/*
 * testapi/select.c - label and field selectors (see select.h).
 */
#include "select.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "util/buf.h"

enum sel_op { OP_EQ, OP_NE, OP_IN, OP_NOTIN, OP_EXISTS, OP_NOTEXISTS };

struct sel_req {
	char *key;
	enum sel_op op;
	char **values;
	size_t n_values;
};

struct ta_selector {
	bool field;
	struct sel_req *reqs;
	size_t n;
};

void
ta_selector_free(struct ta_selector *sel)
{
	if (!sel)
		return;
	for (size_t i = 0; i < sel->n; i++) {
		free(sel->reqs[i].key);
		for (size_t j = 0; j < sel->reqs[i].n_values; j++)
			free(sel->reqs[i].values[j]);
		free(sel->reqs[i].values);
	}
	free(sel->reqs);
	free(sel);
}

static void
skip_ws(const char **p)
{
	while (**p == ' ')
		(*p)++;
}

static bool
is_key_char(char c, bool field)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.' ||
	       c == '/' || (field && c == '[') || (field && c == ']');
}

static char *
read_token(const char **p, bool field)
{
	const char *s = *p;
	while (**p && is_key_char(**p, field))
		(*p)++;
	return *p > s ? fs_xstrndup(s, (size_t)(*p - s)) : NULL;
}

static void
add_value(struct sel_req *r, char *v)
{
	r->values = fs_xrealloc(r->values, (r->n_values + 1) * sizeof(char *));
	r->values[r->n_values++] = v;
}

static struct ta_selector *
sel_fail(struct ta_selector *s, const char *text,
	 const char *why, char **err)
{
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "unable to parse requirement: %s selector \"%s\": %s",
		      s->field ? "field" : "label", text, why);
	*err = fs_buf_detach(&b);
	ta_selector_free(s);
	return NULL;
}

struct ta_selector *
ta_selector_parse(const char *text, bool field, char **err)
{
	struct ta_selector *s = fs_xcalloc(1, sizeof(*s));
	s->field = field;
	const char *p = text ? text : "";
	skip_ws(&p);
	while (*p) {
		s->reqs = fs_xrealloc(s->reqs, (s->n + 1) * sizeof(*s->reqs));
		struct sel_req *r = &s->reqs[s->n++];
		memset(r, 0, sizeof(*r));
		bool neg = false;
		if (*p == '!' && !field) {
			neg = true;
			p++;
			skip_ws(&p);
		}
		r->key = read_token(&p, field);
		if (!r->key)
			return sel_fail(s, text, "expected a key", err);
		skip_ws(&p);
		if (neg) {
			r->op = OP_NOTEXISTS;
		} else if (*p == ',' || !*p) {
			if (field)
				return sel_fail(s, text, "expected an operator", err);
			r->op = OP_EXISTS;
		} else if (p[0] == '=' && p[1] == '=') {
			r->op = OP_EQ;
			p += 2;
		} else if (p[0] == '=') {
			r->op = OP_EQ;
			p++;
		} else if (p[0] == '!' && p[1] == '=') {
			r->op = OP_NE;
			p += 2;
		} else if (!field && (!strncmp(p, "in ", 3) || !strncmp(p, "in(", 3) ||
				      !strncmp(p, "notin ", 6) || !strncmp(p, "notin(", 6))) {
			r->op = p[0] == 'i' ? OP_IN : OP_NOTIN;
			p += r->op == OP_IN ? 2 : 5;
			skip_ws(&p);
			if (*p != '(')
				return sel_fail(s, text, "expected '('", err);
			p++;
			for (;;) {
				skip_ws(&p);
				char *v = read_token(&p, false);
				add_value(r, v ? v : fs_xstrdup(""));
				skip_ws(&p);
				if (*p == ',') {
					p++;
					continue;
				}
				if (*p == ')') {
					p++;
					break;
				}
				return sel_fail(s, text, "expected ',' or ')'", err);
			}
		} else {
			return sel_fail(s, text, "unknown operator", err);
		}
		if (r->op == OP_EQ || r->op == OP_NE) {
			skip_ws(&p);
			char *v = read_token(&p, field);
			add_value(r, v ? v : fs_xstrdup(""));
		}
		skip_ws(&p);
		if (*p == ',') {
			p++;
			skip_ws(&p);
			if (!*p)
				return sel_fail(s, text, "trailing ','", err);
		} else if (*p) {
			return sel_fail(s, text, "expected ','", err);
		}
	}
	return s;
}

/* the value of a field path as text, NULL when absent */
static const char *
field_value(const cJSON *obj, const char *path, char *buf,
	    size_t n)
{
	char *copy = fs_xstrdup(path), *save = NULL;
	const cJSON *v = obj;
	for (char *t = strtok_r(copy, ".", &save); t && v; t = strtok_r(NULL, ".", &save))
		v = cJSON_GetObjectItemCaseSensitive(v, t);
	free(copy);
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	if (cJSON_IsNumber(v)) {
		snprintf(buf, n, "%g", v->valuedouble);
		return buf;
	}
	return NULL;
}

bool
ta_selector_matches(const struct ta_selector *sel, const cJSON *obj)
{
	if (!sel)
		return true;
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "labels");
	for (size_t i = 0; i < sel->n; i++) {
		const struct sel_req *r = &sel->reqs[i];
		char buf[64];
		const char *v;
		if (sel->field) {
			v = field_value(obj, r->key, buf, sizeof(buf));
			if (!v && !strcmp(r->key, "metadata.namespace"))
				v = "";
		} else {
			const cJSON *l = cJSON_GetObjectItemCaseSensitive(labels, r->key);
			v = cJSON_IsString(l) ? l->valuestring : NULL;
		}
		bool in = false;
		for (size_t j = 0; v && j < r->n_values; j++)
			if (!strcmp(v, r->values[j]))
				in = true;
		bool ok;
		switch (r->op) {
		case OP_EQ: ok = v && in; break;
		case OP_NE: ok = !v || !in; break;
		case OP_IN: ok = v && in; break;
		case OP_NOTIN: ok = !v || !in; break;
		case OP_EXISTS: ok = v != NULL; break;
		default: ok = v == NULL; break;
		}
		if (!ok)
			return false;
	}
	return true;
}

const char *
ta_selector_unsupported(const struct ta_selector *sel,
			const struct ta_resource *r)
{
	for (size_t i = 0; sel && i < sel->n; i++) {
		const char *k = sel->reqs[i].key;
		if (!strcmp(k, "metadata.name"))
			continue;
		/* apiextensions' crConverter: metadata.namespace only when namespaced */
		if (!strcmp(k, "metadata.namespace") && (r->namespaced || !(r->flags & TA_CUSTOM)))
			continue;
		bool ok = false;
		for (size_t j = 0; r->field_labels && r->field_labels[j]; j++)
			if (!strcmp(k, r->field_labels[j]))
				ok = true;
		if (!ok)
			return k;
	}
	return NULL;
}

struct ta_selector *
ta_selector_add_eq(struct ta_selector *sel, const char *key, const char *value)
{
	if (!sel) {
		sel = fs_xcalloc(1, sizeof(*sel));
		sel->field = true;
	}
	sel->reqs = fs_xrealloc(sel->reqs, (sel->n + 1) * sizeof(*sel->reqs));
	struct sel_req *r = &sel->reqs[sel->n++];
	memset(r, 0, sizeof(*r));
	r->key = fs_xstrdup(key);
	r->op = OP_EQ;
	add_value(r, fs_xstrdup(value));
	return sel;
}
