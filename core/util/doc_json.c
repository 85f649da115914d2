/*
 * util/doc_json.c - the JSON fast path: cJSON parses, then one linear scan
 * of the same text recovers the position of every key and value and the
 * exact text of every number. The scan sees values in the order of a
 * pre-order walk of the tree, so the two are zipped together.
 */
#include "util/doc_impl.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

struct mark {
	uint32_t line, col;
	uint32_t off, len; /* number tokens: the text */
	bool key;
};

struct scan {
	struct mark *v;
	size_t n, cap, next;
	const char *text;
};

static void
push(struct scan *s, uint32_t line, uint32_t col, size_t off, size_t len,
     bool key)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = fs_xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = (struct mark){line, col, (uint32_t)off, (uint32_t)len, key};
}

/* Record where keys and values start in text[0..end). The text is known
 * to be valid JSON (cJSON accepted it). */
static bool
scan_marks(struct scan *s, const char *t, size_t end)
{
	uint32_t line = 1, col = 1;
	struct fs_buf ctx = FS_BUF_INIT; /* '{' or '[' per open container */
	bool want_key = false;
	for (size_t i = 0; i < end;) {
		unsigned char c = (unsigned char)t[i];
		if (c == '\n') {
			line++, col = 1, i++;
			continue;
		}
		if (c <= ' ' || c == ':') { /* cJSON skips every byte <= 32 */
			col++, i++;
			continue;
		}
		if (c == ',' || c == '{' || c == '[' || c == '}' || c == ']') {
			if (c == '{' || c == '[') {
				push(s, line, col, i, 0, false);
				fs_buf_addc(&ctx, (char)c);
				if (ctx.len > FS_DOC_MAX_DEPTH) {
					fs_buf_release(&ctx);
					return false; /* YAML reports it */
				}
			} else if (c == '}' || c == ']') {
				ctx.data[--ctx.len] = '\0';
			}
			want_key = ctx.len && ctx.data[ctx.len - 1] == '{' &&
				   (c == '{' || c == ',');
			col++, i++;
			continue;
		}
		size_t start = i;
		uint32_t scol = col;
		if (c == '"') {
			for (i++; i < end && t[i] != '"'; i++) {
				if (t[i] == '\\')
					i++, col++;
				if (t[i] == '\n') /* cJSON takes raw newlines */
					line++, col = 0;
				else if (((unsigned char)t[i] & 0xc0) != 0x80)
					col++;
			}
			i++, col += 2;
			push(s, line, scol, start, 0, want_key);
			want_key = false;
			continue;
		}
		/* number or literal: up to the next delimiter (at least one
		 * byte, so the scan always advances) */
		do
			i++, col++;
		while (i < end && (unsigned char)t[i] > ' ' &&
		       !strchr(",:]}", t[i]));
		bool num = c == '-' || (c >= '0' && c <= '9');
		push(s, line, scol, start, num ? i - start : 0, false);
	}
	fs_buf_release(&ctx);
	return true;
}

static const struct mark *
take(struct scan *s)
{
	return s->next < s->n ? &s->v[s->next++] : NULL;
}

static void
zip(struct fs_docset *ds, struct scan *s, cJSON *node, struct fs_diags *d,
    size_t *dups)
{
	const struct mark *m = take(s);
	if (!m)
		return;
	fs_doc_pos_put(ds, node, m->line, m->col);
	if (cJSON_IsNumber(node) && m->len) {
		const char *txt = s->text + m->off;
		bool minus_zero = m->len == 2 && txt[0] == '-' && txt[1] == '0';
		node->valuestring = minus_zero ? fs_xstrdup("0")
					       : fs_xstrndup(txt, m->len);
	}
	bool obj = cJSON_IsObject(node);
	for (cJSON *c = node->child; c; c = c->next) {
		if (obj) {
			const struct mark *k = take(s);
			if (k)
				fs_doc_pos_put(ds, c->string, k->line, k->col);
		}
		zip(ds, s, c, d, dups);
	}
	if (obj)
		*dups += fs_doc_check_dups(ds, node, d);
}

enum fs_code
fs_doc_parse_json(struct fs_docset *ds, const char *text, size_t len,
		  struct fs_diags *d)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!root)
		return FS_E_NOTSUP;
	size_t used = end ? (size_t)(end - text) : len;
	for (size_t i = used; i < len; i++)
		if ((unsigned char)text[i] > ' ') {
			cJSON_Delete(root); /* more than one value: YAML decides */
			return FS_E_NOTSUP;
		}
	struct scan s = {.text = text};
	size_t dups = 0;
	/* too deep, or a NUL (\\u0000, which cJSON cuts strings at): the YAML
	 * path refuses both with a position */
	if (memmem(text, used, "\\u0000", 6) || !scan_marks(&s, text, used)) {
		free(s.v);
		cJSON_Delete(root);
		return FS_E_NOTSUP;
	}
	zip(ds, &s, root, d, &dups);
	free(s.v);
	if (dups) {
		cJSON_Delete(root);
		return FS_E_PARSE;
	}
	fs_doc_add_root(ds, root);
	return FS_OK;
}
