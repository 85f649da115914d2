/* util/doc.c - the docset, its position map and exact-number helpers */
#include "util/doc_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"

/* ------------------------------------------------------------------ */
/* position map                                                        */
/* ------------------------------------------------------------------ */

static size_t
pos_slot(const void *p, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)p;
	h ^= h >> 29;
	h *= 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 20) & (cap - 1);
}

void
fs_doc_pos_put(struct fs_docset *ds, const void *p, unsigned line, unsigned col)
{
	struct fs_doc_posmap *m = &ds->pos;
	if (!p)
		return;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 1024;
		m->v = fs_xrealloc(m->v, m->cap * sizeof *m->v);
	}
	m->v[m->n++] = (struct fs_doc_pos){p, line, col};
}

static void
index_insert(struct fs_doc_posmap *m, size_t i)
{
	size_t j = pos_slot(m->v[i].p, m->n_slots);
	while (m->slots[j])
		j = (j + 1) & (m->n_slots - 1);
	m->slots[j] = (uint32_t)(i + 1); /* a later entry for p shadows */
}

/* bring the pointer index up to date with the entries */
static void
index_update(struct fs_doc_posmap *m)
{
	if (m->n_indexed == m->n)
		return;
	if (m->n * 2 > m->n_slots) {
		size_t cap = 1024;
		while (cap < m->n * 2)
			cap *= 2;
		free(m->slots);
		m->slots = fs_xcalloc(cap, sizeof *m->slots);
		m->n_slots = cap;
		m->n_indexed = 0;
	}
	for (; m->n_indexed < m->n; m->n_indexed++)
		index_insert(m, m->n_indexed);
}

static bool
pos_get(const struct fs_docset *ds, const void *p, unsigned *line,
	unsigned *col)
{
	*line = *col = 0;
	if (!ds || !p || !ds->pos.n)
		return false;
	/* the index is a cache: building it does not change the docset's
	 * observable contents */
	struct fs_doc_posmap *m = (struct fs_doc_posmap *)&ds->pos;
	index_update(m);
	size_t j = pos_slot(p, m->n_slots), found = 0;
	while (m->slots[j]) {
		if (m->v[m->slots[j] - 1].p == p && m->slots[j] > found)
			found = m->slots[j];
		j = (j + 1) & (m->n_slots - 1);
	}
	if (!found)
		return false;
	*line = m->v[found - 1].line;
	*col = m->v[found - 1].col;
	return true;
}

bool
fs_docset_pos(const struct fs_docset *ds, const cJSON *node, unsigned *line,
	      unsigned *col)
{
	return pos_get(ds, node, line, col);
}

bool
fs_docset_key_pos(const struct fs_docset *ds, const cJSON *node,
		  unsigned *line, unsigned *col)
{
	return pos_get(ds, node ? node->string : NULL, line, col);
}

/* ------------------------------------------------------------------ */
/* the docset                                                          */
/* ------------------------------------------------------------------ */

void
fs_doc_add_root(struct fs_docset *ds, cJSON *root)
{
	if (!root || cJSON_IsNull(root)) {
		cJSON_Delete(root);
		return;
	}
	if (ds->n_docs == ds->cap_docs) {
		ds->cap_docs = ds->cap_docs ? ds->cap_docs * 2 : 4;
		ds->docs = fs_xrealloc(ds->docs, ds->cap_docs * sizeof *ds->docs);
	}
	ds->docs[ds->n_docs++] = root;
}

size_t
fs_docset_count(const struct fs_docset *ds)
{
	return ds ? ds->n_docs : 0;
}

const cJSON *
fs_docset_doc(const struct fs_docset *ds, size_t i)
{
	return ds && i < ds->n_docs ? ds->docs[i] : NULL;
}

const char *
fs_docset_name(const struct fs_docset *ds)
{
	return ds ? ds->name : NULL;
}

void
fs_docset_free(struct fs_docset *ds)
{
	if (!ds)
		return;
	for (size_t i = 0; i < ds->n_docs; i++)
		cJSON_Delete(ds->docs[i]);
	free(ds->docs);
	free(ds->pos.v);
	free(ds->pos.slots);
	free(ds->name);
	free(ds);
}

static bool
starts_like_json(const char *text, size_t len)
{
	size_t i = 0;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		return false; /* BOM: leave it to libyaml */
	while (i < len && (text[i] == ' ' || text[i] == '\t' ||
			   text[i] == '\n' || text[i] == '\r'))
		i++;
	return i < len && (text[i] == '{' || text[i] == '[');
}

enum fs_code
fs_docset_load_mem(struct fs_docset **out, const char *name, const char *text,
		   size_t len, struct fs_diags *d)
{
	*out = NULL;
	if (len > FS_DOC_MAX_BYTES) {
		if (d)
			fs_diags_add(d, FS_DIAG_ERROR, name ? name : "<input>",
				     0, 0, NULL,
				     "input is %zu bytes, more than the 64 MiB "
				     "limit; split it into several files", len);
		return FS_E_PARSE;
	}
	struct fs_docset *ds = fs_xcalloc(1, sizeof *ds);
	ds->name = fs_xstrdup(name ? name : "<input>");
	enum fs_code rc = FS_E_NOTSUP;
	*out = NULL;
	if (starts_like_json(text, len))
		rc = fs_doc_parse_json(ds, text, len, d);
	if (rc == FS_E_NOTSUP)
		rc = fs_doc_parse_yaml(ds, text, len, d);
	if (rc != FS_OK) {
		fs_docset_free(ds);
		return rc;
	}
	*out = ds;
	return FS_OK;
}

enum fs_code
fs_docset_load_file(struct fs_docset **out, const char *path,
		    struct fs_diags *d)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (d)
			fs_diags_add(d, FS_DIAG_ERROR, path, 0, 0, NULL,
				     "cannot open file: %s", strerror(errno));
		return FS_E_IO;
	}
	struct fs_buf b = FS_BUF_INIT;
	int err = fs_buf_read(&b, f) ? 0 : errno;
	fclose(f);
	if (err) {
		if (d)
			fs_diags_add(d, FS_DIAG_ERROR, path, 0, 0, NULL,
				     "cannot read file: %s", strerror(err));
		fs_buf_release(&b);
		return FS_E_IO;
	}
	enum fs_code rc = fs_docset_load_mem(out, path, b.data, b.len, d);
	fs_buf_release(&b);
	return rc;
}

/* ------------------------------------------------------------------ */
/* numbers                                                             */
/* ------------------------------------------------------------------ */

static bool
all_digits(const char *s, size_t len, int base)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool ok = base == 8    ? (c >= '0' && c <= '7')
			  : base == 16 ? ((c >= '0' && c <= '9') ||
					  (c >= 'a' && c <= 'f') ||
					  (c >= 'A' && c <= 'F'))
				       : (c >= '0' && c <= '9');
		if (!ok)
			return false;
	}
	return true;
}

/* YAML 1.2 core float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool
is_float_text(const char *s, size_t len)
{
	size_t i = 0, digits = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < len && s[i] == '.') {
		i++;
		size_t frac = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, frac++;
		if (!digits && !frac)
			return false;
	} else if (!digits) {
		return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		if (!all_digits(s + i, len - i, 10))
			return false;
		i = len;
	}
	return i == len;
}

static cJSON *
number_node(double v, char *text)
{
	cJSON *n = cJSON_CreateNumber(v);
	if (!n) {
		fs_error("doc", "out of memory creating a number node");
		abort();
	}
	n->valuestring = text; /* freed by cJSON_Delete, copied by Duplicate */
	return n;
}

cJSON *
fs_doc_number_from_text(const char *s, size_t len)
{
	size_t i = 0;
	bool neg = false;
	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (all_digits(s + i, len - i, 10)) {
		/* canonical decimal: sign only when negative, no leading 0s */
		while (i + 1 < len && s[i] == '0')
			i++;
		bool zero = len - i == 1 && s[i] == '0';
		struct fs_buf b = FS_BUF_INIT;
		if (neg && !zero)
			fs_buf_addc(&b, '-');
		fs_buf_add(&b, s + i, len - i);
		double v = strtod(b.data, NULL);
		return number_node(v, fs_buf_detach(&b));
	}
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o') &&
	    all_digits(s + 2, len - 2, s[1] == 'x' ? 16 : 8)) {
		char tmp[32];
		if (len - 2 >= sizeof tmp)
			return NULL;
		memcpy(tmp, s + 2, len - 2);
		tmp[len - 2] = '\0';
		errno = 0;
		unsigned long long u = strtoull(tmp, NULL, s[1] == 'x' ? 16 : 8);
		if (errno || u > INT64_MAX)
			return NULL; /* stays a string */
		char dec[24];
		snprintf(dec, sizeof dec, "%llu", u);
		return number_node((double)u, fs_xstrdup(dec));
	}
	if (is_float_text(s, len)) {
		char *t = fs_xstrndup(s, len);
		return number_node(strtod(t, NULL), t);
	}
	static const char *const special[] = {
		".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
		"-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
	};
	for (size_t k = 0; k < sizeof special / sizeof *special; k++) {
		if (strlen(special[k]) == len && memcmp(special[k], s, len) == 0) {
			char *t = fs_xstrndup(s, len);
			double v = strstr(t, "nan") || strstr(t, "NaN") ||
					   strstr(t, "NAN")
				   ? strtod("nan", NULL)
				   : strtod(t[0] == '-' ? "-inf" : "inf", NULL);
			return number_node(v, t);
		}
	}
	return NULL;
}

enum fs_code
fs_doc_int(const cJSON *node, int64_t *out)
{
	if (!cJSON_IsNumber(node))
		return FS_E_INVAL;
	const char *s = node->valuestring;
	if (!s) {
		/* range first: casting a double outside int64 is undefined */
		double v = node->valuedouble;
		if (v != v)
			return FS_E_INVAL;
		if (v >= 9223372036854775808.0 || v < -9223372036854775808.0)
			return FS_E_RANGE; /* every double this large is integral */
		if (v != (double)(int64_t)v)
			return FS_E_INVAL;
		*out = (int64_t)v;
		return FS_OK;
	}
	bool neg = *s == '-';
	if (neg || *s == '+')
		s++;
	if (!*s)
		return FS_E_INVAL;
	uint64_t acc = 0;
	bool over = false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return FS_E_INVAL;
		unsigned dgt = (unsigned)(*s - '0');
		if (acc > (UINT64_MAX - dgt) / 10)
			over = true;
		else
			acc = acc * 10 + dgt;
	}
	if (over || acc > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
		return FS_E_RANGE;
	*out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
	return FS_OK;
}

const char *
fs_doc_scalar(const cJSON *node)
{
	if (cJSON_IsString(node) || cJSON_IsNumber(node))
		return node->valuestring;
	return NULL;
}

const char *
fs_doc_type_name(const cJSON *node)
{
	int64_t v;
	if (!node)
		return "nothing";
	switch (node->type & 0xff) {
	case cJSON_False:
	case cJSON_True:
		return "boolean";
	case cJSON_NULL:
		return "null";
	case cJSON_Number:
		return fs_doc_int(node, &v) == FS_E_INVAL ? "number" : "integer";
	case cJSON_String:
		return "string";
	case cJSON_Array:
		return "array";
	case cJSON_Object:
		return "object";
	default:
		return "value";
	}
}

/* ------------------------------------------------------------------ */
/* echoes of input in messages                                         */
/* ------------------------------------------------------------------ */

void
fs_doc_echo(char *out, size_t size, const char *s, size_t len)
{
	size_t n = len > FS_DOC_ECHO_MAX ? FS_DOC_ECHO_MAX : len;
	if (n >= size)
		n = size - 1;
	/* cut on a UTF-8 boundary */
	if (n < len)
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	for (size_t i = 0; i < n; i++)
		out[i] = s[i] ? s[i] : '?';
	out[n] = '\0';
	if (n < len && size - n > sizeof "\xe2\x80\xa6")
		memcpy(out + n, "\xe2\x80\xa6", sizeof "\xe2\x80\xa6");
}

/* ------------------------------------------------------------------ */
/* duplicate keys                                                      */
/* ------------------------------------------------------------------ */

/* a child and its place in the mapping, so equal keys sort in source order */
struct keyed {
	const cJSON *node;
	size_t idx;
};

static int
cmp_child_key(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->node->string, y->node->string);
	if (c)
		return c;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static void
report_dup(const struct fs_docset *ds, const cJSON *first, const cJSON *dup,
	   struct fs_diags *d)
{
	unsigned l1, c1, l2, c2;
	if (!fs_docset_key_pos(ds, dup, &l2, &c2))
		fs_docset_pos(ds, dup, &l2, &c2);
	if (!fs_docset_key_pos(ds, first, &l1, &c1))
		fs_docset_pos(ds, first, &l1, &c1);
	if (d) {
		char key[FS_DOC_ECHO_MAX + 8];
		fs_doc_echo(key, sizeof key, dup->string, strlen(dup->string));
		fs_diags_add(d, FS_DIAG_ERROR, ds->name, l2, c2, NULL,
			     "duplicate key \"%s\" in mapping", key);
		if (l1)
			fs_diags_hint(d, "first defined at line %u column %u",
				      l1, c1);
	}
}

/* n·log n: sort (key, source index), then each run of equal keys reports
 * every later member against the first; at most FS_DOC_DIAG_REPEAT
 * reports per mapping, then one "… and N more like this" */
size_t
fs_doc_check_dups(const struct fs_docset *ds, const cJSON *obj,
		  struct fs_diags *d)
{
	size_t n = 0, found = 0;
	for (const cJSON *c = obj->child; c; c = c->next)
		n++;
	if (n < 2)
		return 0;
	struct keyed *v = fs_xmalloc(n * sizeof *v);
	size_t i = 0;
	for (const cJSON *c = obj->child; c; c = c->next, i++)
		v[i] = (struct keyed){c, i};
	qsort(v, n, sizeof *v, cmp_child_key);
	const cJSON *last = NULL;
	size_t run = 0; /* first index of the current run of equal keys */
	for (i = 1; i < n; i++) {
		if (strcmp(v[run].node->string, v[i].node->string) != 0) {
			run = i;
			continue;
		}
		if (found < FS_DOC_DIAG_REPEAT)
			report_dup(ds, v[run].node, v[i].node, d);
		last = v[i].node;
		found++;
	}
	if (found > FS_DOC_DIAG_REPEAT && d) {
		unsigned l, c;
		if (!fs_docset_key_pos(ds, last, &l, &c))
			fs_docset_pos(ds, last, &l, &c);
		fs_diags_add(d, FS_DIAG_ERROR, ds->name, l, c, NULL,
			     "… and %zu more like this (duplicate keys)",
			     found - FS_DOC_DIAG_REPEAT);
	}
	free(v);
	return found;
}
