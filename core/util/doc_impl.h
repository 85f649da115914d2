/*
 * util/doc_impl.h - private glue between the parts of the document loader
 * (doc.c: the docset and node helpers, doc_yaml.c: libyaml events,
 * doc_json.c: the cJSON fast path). Not for use outside core/util/doc*.c.
 */
#ifndef FS_UTIL_DOC_IMPL_H
#define FS_UTIL_DOC_IMPL_H

#include "util/doc.h"

/* Positions are appended in creation order (cheap: loading pays one
 * append per node) and indexed by pointer only when somebody asks (an
 * error message), so a clean load never builds the hash. */
struct fs_doc_pos {
	const void *p;
	uint32_t line, col;
};

struct fs_doc_posmap {
	struct fs_doc_pos *v;
	size_t n, cap;
	uint32_t *slots;   /* entry index + 1; 0 = empty */
	size_t n_slots;
	size_t n_indexed;  /* entries [0, n_indexed) are in slots */
};

struct fs_docset {
	char *name;
	cJSON **docs;
	size_t n_docs, cap_docs;
	struct fs_doc_posmap pos;
};

/* remember the 1-based position of a node (or of a key string: node->string) */
void fs_doc_pos_put(struct fs_docset *ds, const void *p, unsigned line,
		    unsigned col);
/* append a document root (takes it); null roots are freed and skipped */
void fs_doc_add_root(struct fs_docset *ds, cJSON *root);

/* A number node from scalar text, or NULL when the text is not a YAML 1.2
 * core number. `valuestring` is set as described in doc.h. */
cJSON *fs_doc_number_from_text(const char *s, size_t len);
/* Report every duplicate key of `obj` (not recursive) into d; returns the
 * number found. */
size_t fs_doc_check_dups(const struct fs_docset *ds, const cJSON *obj,
			 struct fs_diags *d);

/* Limits of the reader (docs/limits.md lists them with their messages). */
/* one input (a file or a body): 64 MiB, not kube-apiserver's 3 MiB per
 * request, because one offline fleet file holds many objects (5000
 * clusters are ~11 MB); one object is bounded by FS_DOC_MAX_SCALAR */
#define FS_DOC_MAX_BYTES (64u << 20)
#define FS_DOC_MAX_SCALAR (1536u << 10)    /* one scalar or key: etcd object */
#define FS_DOC_MAX_DEPTH 256               /* nesting, YAML and JSON alike */
#define FS_DOC_ALIAS_NODES 1000000u        /* nodes aliases may copy */
#define FS_DOC_ALIAS_BYTES (16u << 20)     /* string bytes aliases may copy */
#define FS_DOC_DIAG_REPEAT 10              /* same diagnostic per mapping */
#define FS_DOC_ECHO_MAX 64                 /* input bytes echoed in a message */

/* Copy at most FS_DOC_ECHO_MAX bytes of s[0..len) into out (size bytes,
 * at least FS_DOC_ECHO_MAX + 4), NUL bytes shown as '?', "…" appended when
 * cut. */
void fs_doc_echo(char *out, size_t size, const char *s, size_t len);

/* parse `text` into ds (documents appended); diagnostics into d */
enum fs_code fs_doc_parse_yaml(struct fs_docset *ds, const char *text,
			       size_t len, struct fs_diags *d);
/* FS_E_NOTSUP, without any diagnostic, when cJSON rejects the text: the
 * caller then falls back to YAML (flow-style YAML such as `{a: 1}` also
 * starts with a brace, and libyaml's messages carry positions) */
enum fs_code fs_doc_parse_json(struct fs_docset *ds, const char *text,
			       size_t len, struct fs_diags *d);

#endif
