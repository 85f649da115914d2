/* util/doc_yaml.c - libyaml events -> cJSON trees with positions */
#include "util/doc_impl.h"

#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/buf.h"
#include "util/log.h"

#define MAX_DEPTH FS_DOC_MAX_DEPTH

struct frame {
	cJSON *node;
	char *key;       /* mapping: the key waiting for its value */
	unsigned key_line, key_col;
};

struct anchor {
	char *name;
	cJSON *node;
};

struct builder {
	struct fs_docset *ds;
	struct fs_diags *d;
	struct frame stack[MAX_DEPTH];
	size_t depth;
	cJSON *root;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	size_t alias_nodes, alias_bytes;
	size_t errors;
};

static void
oom(void)
{
	fs_error("doc", "out of memory building a yaml tree");
	abort();
}

static void
berr(struct builder *b, const yaml_mark_t *m, const char *fmt, const char *arg)
{
	b->errors++;
	if (b->d)
		fs_diags_add(b->d, FS_DIAG_ERROR, b->ds->name,
			     m ? (unsigned)m->line + 1 : 0,
			     m ? (unsigned)m->column + 1 : 0, NULL, fmt, arg);
}

static bool
is_tag(const yaml_char_t *tag, const char *name)
{
	static const char prefix[] = "tag:yaml.org,2002:";
	const char *t = (const char *)tag;
	return t && strncmp(t, prefix, sizeof prefix - 1) == 0 &&
	       strcmp(t + sizeof prefix - 1, name) == 0;
}

static bool
word_is(const char *s, size_t len, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(words[i]) == len && memcmp(words[i], s, len) == 0)
			return true;
	return false;
}

static cJSON *
resolve_plain(const char *s, size_t len)
{
	static const char *const nulls[] = {"~", "null", "Null", "NULL"};
	static const char *const trues[] = {"true", "True", "TRUE"};
	static const char *const falses[] = {"false", "False", "FALSE"};
	if (len == 0 || word_is(s, len, nulls, 4))
		return cJSON_CreateNull();
	if (word_is(s, len, trues, 3))
		return cJSON_CreateTrue();
	if (word_is(s, len, falses, 3))
		return cJSON_CreateFalse();
	return fs_doc_number_from_text(s, len);
}

static cJSON *
make_scalar(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const yaml_char_t *tag = ev->data.scalar.tag;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	cJSON *n = NULL;
	if (is_tag(tag, "str"))
		plain = false;
	else if (is_tag(tag, "int") || is_tag(tag, "float") ||
		 is_tag(tag, "bool") || is_tag(tag, "null"))
		plain = true;
	if (plain)
		n = resolve_plain(s, len);
	if (!n) {
		/* values may contain NUL (escaped "\0"): keep the prefix */
		n = cJSON_CreateString("");
		if (n) {
			cJSON_free(n->valuestring);
			n->valuestring = fs_xstrndup(s, len);
		}
	}
	if (!n)
		oom();
	return n;
}

static void
anchor_put(struct builder *b, const yaml_char_t *name, cJSON *node)
{
	if (!name)
		return;
	if (b->n_anchors == b->cap_anchors) {
		b->cap_anchors = b->cap_anchors ? b->cap_anchors * 2 : 8;
		b->anchors = fs_xrealloc(b->anchors,
					 b->cap_anchors * sizeof *b->anchors);
	}
	b->anchors[b->n_anchors].name = fs_xstrdup((const char *)name);
	b->anchors[b->n_anchors].node = node;
	b->n_anchors++;
}

/* nodes and string bytes in the subtree of n; stops early once either
 * passes its limit */
static void
count_tree(const cJSON *n, size_t *nodes, size_t *bytes, size_t max_nodes,
	   size_t max_bytes)
{
	*nodes += 1;
	if (n->valuestring)
		*bytes += strlen(n->valuestring);
	if (n->string)
		*bytes += strlen(n->string);
	for (const cJSON *c = n->child;
	     c && *nodes <= max_nodes && *bytes <= max_bytes; c = c->next)
		count_tree(c, nodes, bytes, max_nodes, max_bytes);
}

static cJSON *
resolve_alias(struct builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	for (size_t i = b->n_anchors; i-- > 0;) {
		if (strcmp(b->anchors[i].name, name) != 0)
			continue;
		size_t nl = FS_DOC_ALIAS_NODES - b->alias_nodes;
		size_t bl = FS_DOC_ALIAS_BYTES - b->alias_bytes;
		size_t n = 0, by = 0;
		count_tree(b->anchors[i].node, &n, &by, nl, bl);
		if (n > nl || by > bl) {
			char nm[FS_DOC_ECHO_MAX + 8];
			fs_doc_echo(nm, sizeof nm, name, strlen(name));
			berr(b, &ev->start_mark,
			     n > nl ? "alias *%s expands to too many nodes (more "
				      "than 1000000 in this input)"
				    : "alias *%s expands to too many bytes (more "
				      "than 16 MiB of text in this input)",
			     nm);
			return NULL;
		}
		b->alias_nodes += n;
		b->alias_bytes += by;
		cJSON *copy = cJSON_Duplicate(b->anchors[i].node, true);
		if (!copy)
			oom();
		return copy;
	}
	berr(b, &ev->start_mark, "alias *%s refers to an unknown anchor", name);
	return NULL;
}

/* attach a finished node to its parent (or make it the root); takes node */
static bool
attach(struct builder *b, cJSON *node, const yaml_mark_t *m)
{
	fs_doc_pos_put(b->ds, node, (unsigned)m->line + 1,
		       (unsigned)m->column + 1);
	if (b->depth == 0) {
		b->root = node;
		return true;
	}
	struct frame *f = &b->stack[b->depth - 1];
	if (cJSON_IsArray(f->node)) {
		cJSON_free(node->string); /* an alias copy of a mapping value */
		node->string = NULL;
		cJSON_AddItemToArray(f->node, node);
		return true;
	}
	/* a mapping value: its key was taken by on_scalar (keys that are not
	 * scalars are refused before we get here) */
	cJSON_free(node->string); /* an alias copy carries its anchor's key */
	node->string = f->key;    /* the object takes the key */
	f->key = NULL;
	fs_doc_pos_put(b->ds, node->string, f->key_line, f->key_col);
	/* append without cJSON's strdup of the key */
	cJSON *last = f->node->child ? f->node->child->prev : NULL;
	if (!last) {
		f->node->child = node;
		node->prev = node;
	} else {
		last->next = node;
		node->prev = last;
		f->node->child->prev = node;
	}
	return true;
}

static bool
expecting_key(const struct builder *b)
{
	if (b->depth == 0)
		return false;
	const struct frame *f = &b->stack[b->depth - 1];
	return cJSON_IsObject(f->node) && !f->key;
}

/* Only the YAML 1.2 core tags are understood; anything else (!!binary,
 * !!python/object, !foo) is refused rather than silently dropped. The
 * non-specific tag "!" (a quoted-style hint) is allowed. */
static bool
check_tag(struct builder *b, const yaml_char_t *tag, const yaml_mark_t *m,
	  bool scalar)
{
	static const char *const scalar_tags[] = {"str", "int", "float",
						  "bool", "null"};
	if (!tag || strcmp((const char *)tag, "!") == 0)
		return true;
	if (!scalar && (is_tag(tag, "map") || is_tag(tag, "seq")))
		return true;
	for (size_t i = 0; scalar && i < 5; i++)
		if (is_tag(tag, scalar_tags[i]))
			return true;
	char t[FS_DOC_ECHO_MAX + 8];
	fs_doc_echo(t, sizeof t, (const char *)tag, strlen((const char *)tag));
	berr(b, m, "unsupported tag %s (only the yaml core tags !!str !!int "
		   "!!float !!bool !!null !!map !!seq are understood)", t);
	return false;
}

/* Scalars are handed out as C strings, so a NUL inside one would cut it
 * (and "a\0b" would collide with "a"): refused everywhere. */
static bool
check_scalar(struct builder *b, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	char e[FS_DOC_ECHO_MAX + 8];
	if (len > FS_DOC_MAX_SCALAR) {
		fs_doc_echo(e, sizeof e, s, len);
		berr(b, &ev->start_mark, "scalar \"%s\" is larger than 1.5 MiB "
			 "(the etcd object limit); split or shorten it", e);
		return false;
	}
	if (memchr(s, '\0', len)) {
		fs_doc_echo(e, sizeof e, s, len);
		berr(b, &ev->start_mark, "string \"%s\" contains a NUL byte "
			 "(\\0 or \\u0000), which no name, key or value may hold",
		     e);
		return false;
	}
	return check_tag(b, ev->data.scalar.tag, &ev->start_mark, true);
}

static bool
on_scalar(struct builder *b, const yaml_event_t *ev)
{
	if (!check_scalar(b, ev))
		return false;
	if (expecting_key(b)) {
		struct frame *f = &b->stack[b->depth - 1];
		f->key = fs_xstrndup((const char *)ev->data.scalar.value,
				     ev->data.scalar.length);
		f->key_line = (unsigned)ev->start_mark.line + 1;
		f->key_col = (unsigned)ev->start_mark.column + 1;
		return true;
	}
	cJSON *n = make_scalar(ev);
	anchor_put(b, ev->data.scalar.anchor, n);
	return attach(b, n, &ev->start_mark);
}

static bool
on_open(struct builder *b, const yaml_event_t *ev, bool map)
{
	if (expecting_key(b)) {
		berr(b, &ev->start_mark, "mapping key must be a scalar, got %s",
		     map ? "a mapping" : "a sequence");
		return false;
	}
	if (b->depth == MAX_DEPTH) {
		berr(b, &ev->start_mark, "nesting deeper than %s levels",
		     "256");
		return false;
	}
	if (!check_tag(b, map ? ev->data.mapping_start.tag
			      : ev->data.sequence_start.tag,
		       &ev->start_mark, false))
		return false;
	cJSON *n = map ? cJSON_CreateObject() : cJSON_CreateArray();
	if (!n)
		oom();
	const yaml_char_t *anchor = map ? ev->data.mapping_start.anchor
					: ev->data.sequence_start.anchor;
	if (!attach(b, n, &ev->start_mark))
		return false;
	anchor_put(b, anchor, n);
	b->stack[b->depth].node = n;
	b->stack[b->depth].key = NULL;
	b->depth++;
	return true;
}

static void
on_close(struct builder *b)
{
	struct frame *f = &b->stack[--b->depth];
	if (cJSON_IsObject(f->node) && fs_doc_check_dups(b->ds, f->node, b->d))
		b->errors++;
	free(f->key);
	f->key = NULL;
}

static void
builder_reset(struct builder *b)
{
	while (b->depth) {
		struct frame *f = &b->stack[--b->depth];
		free(f->key);
		f->key = NULL;
	}
	for (size_t i = 0; i < b->n_anchors; i++)
		free(b->anchors[i].name);
	b->n_anchors = 0;
	b->alias_nodes = 0;
	b->alias_bytes = 0;
	cJSON_Delete(b->root);
	b->root = NULL;
}

static void
syntax_error(struct builder *b, const yaml_parser_t *p)
{
	const yaml_mark_t *m = p->problem ? &p->problem_mark : &p->context_mark;
	struct fs_buf msg = FS_BUF_INIT;
	fs_buf_printf(&msg, "yaml syntax error: %s",
		      p->problem ? p->problem : "unknown problem");
	if (p->context)
		fs_buf_printf(&msg, " (%s at line %zu column %zu)", p->context,
			      (size_t)p->context_mark.line + 1,
			      (size_t)p->context_mark.column + 1);
	berr(b, m, "%s", msg.data);
	fs_buf_release(&msg);
}

static bool
on_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		builder_reset(b);
		return true;
	case YAML_DOCUMENT_END_EVENT:
		if (b->errors) {
			builder_reset(b);
			return false;
		}
		fs_doc_add_root(b->ds, b->root);
		b->root = NULL;
		return true;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_ALIAS_EVENT: {
		if (expecting_key(b)) {
			berr(b, &ev->start_mark, "alias *%s used as a mapping key",
			     (const char *)ev->data.alias.anchor);
			return false;
		}
		cJSON *n = resolve_alias(b, ev);
		return n && attach(b, n, &ev->start_mark);
	}
	case YAML_SEQUENCE_START_EVENT:
		return on_open(b, ev, false);
	case YAML_MAPPING_START_EVENT:
		return on_open(b, ev, true);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		on_close(b);
		return true;
	default:
		return true;
	}
}

enum fs_code
fs_doc_parse_yaml(struct fs_docset *ds, const char *text, size_t len,
		  struct fs_diags *d)
{
	yaml_parser_t p;
	struct builder b = {.ds = ds, .d = d};
	if (!yaml_parser_initialize(&p))
		oom();
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	bool ok = true, done = false;
	while (ok && !done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			syntax_error(&b, &p);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		ok = on_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	builder_reset(&b);
	free(b.anchors);
	yaml_parser_delete(&p);
	return b.errors ? FS_E_PARSE : FS_OK;
}
