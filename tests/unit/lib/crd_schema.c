/*
 * tests/unit/lib/crd_schema.c - see crd_schema.h.
 */
#include "crd_schema.h"

#include <math.h>
#include <regex.h>
#include <stdbool.h>
#include <string.h>

#include "util/doc.h"

static const cJSON *
get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static bool
flag(const cJSON *s, const char *k)
{
	return cJSON_IsTrue(get(s, k));
}

static const char *
type_of(const cJSON *s)
{
	const cJSON *t = get(s, "type");
	return cJSON_IsString(t) ? t->valuestring : NULL;
}

static bool
is_integer(const cJSON *v)
{
	int64_t i;
	return cJSON_IsNumber(v) && fs_doc_int(v, &i) == FS_OK;
}

static int
problem(struct fs_buf *errs, const char *path, const char *fmt, const char *a,
	const char *b)
{
	fs_buf_printf(errs, "%s: ", *path ? path : "(root)");
	fs_buf_printf(errs, fmt, a, b);
	fs_buf_addc(errs, '\n');
	return 1;
}

/* short text of a value for messages (static buffer) */
static const char *
shown(const cJSON *v)
{
	static char buf[96];
	char *p = cJSON_PrintUnformatted(v);
	snprintf(buf, sizeof buf, "%s", p ? p : "?");
	cJSON_free(p);
	return buf;
}

static void
child_path(char *out, size_t n, const char *path, const char *key, int index)
{
	if (key)
		snprintf(out, n, "%s%s%s", path, *path ? "." : "", key);
	else
		snprintf(out, n, "%s[%d]", path, index);
}

/* ---------------------------------------------------------- pruning, defaults */
static void
prune_and_default(const cJSON *s, cJSON *v)
{
	if (cJSON_IsObject(v)) {
		const cJSON *props = get(s, "properties");
		const cJSON *addl = get(s, "additionalProperties");
		cJSON *e = v->child;
		while (e) {
			cJSON *next = e->next;
			const cJSON *sub = get(props, e->string);
			if (!sub && cJSON_IsObject(addl))
				sub = addl;
			if (sub && cJSON_IsNull(e) && !flag(sub, "nullable"))
				cJSON_DeleteItemFromObjectCaseSensitive(v, e->string);
			e = next;
		}
		const cJSON *p;
		cJSON_ArrayForEach(p, props) {
			const cJSON *d = get(p, "default");
			if (d && !get(v, p->string))
				cJSON_AddItemToObject(v, p->string, cJSON_Duplicate(d, 1));
		}
		cJSON_ArrayForEach(e, v) {
			const cJSON *sub = get(props, e->string);
			if (!sub && cJSON_IsObject(addl))
				sub = addl;
			if (sub)
				prune_and_default(sub, e);
		}
	} else if (cJSON_IsArray(v) && get(s, "items")) {
		cJSON *e;
		cJSON_ArrayForEach(e, v)
			prune_and_default(get(s, "items"), e);
	}
}

/* ---------------------------------------------------------- validation */
static int validate(const cJSON *s, const cJSON *v, const char *path, bool root,
		    struct fs_buf *errs);

static int
check_pattern(const cJSON *s, const char *str, const char *path, struct fs_buf *errs)
{
	const cJSON *pat = get(s, "pattern");
	if (!cJSON_IsString(pat))
		return 0;
	regex_t re;
	if (regcomp(&re, pat->valuestring, REG_EXTENDED | REG_NOSUB) != 0)
		return problem(errs, path, "pattern %s does not compile as a POSIX ERE%s",
			       pat->valuestring, "");
	int bad = regexec(&re, str, 0, NULL, 0) != 0;
	regfree(&re);
	if (bad)
		return problem(errs, path, "\"%s\" does not match %s", str, pat->valuestring);
	return 0;
}

static int
check_scalar(const cJSON *s, const cJSON *v, const char *path, struct fs_buf *errs)
{
	int n = 0;
	const cJSON *en = get(s, "enum");
	if (cJSON_IsArray(en)) {
		bool found = false;
		const cJSON *e;
		cJSON_ArrayForEach(e, en)
			found = found || cJSON_Compare(e, v, 1);
		if (!found) {
			char *list = cJSON_PrintUnformatted(en);
			n += problem(errs, path, "unsupported value %s (expected one of %s)",
				     shown(v), list);
			cJSON_free(list);
		}
	}
	if (cJSON_IsNumber(v)) {
		const cJSON *mn = get(s, "minimum"), *mx = get(s, "maximum");
		if (cJSON_IsNumber(mn) && v->valuedouble < mn->valuedouble)
			n += problem(errs, path, "%s is below the minimum %s", shown(v),
				     fs_doc_scalar(mn) ? fs_doc_scalar(mn) : "?");
		if (cJSON_IsNumber(mx) && v->valuedouble > mx->valuedouble)
			n += problem(errs, path, "%s is above the maximum %s", shown(v),
				     fs_doc_scalar(mx) ? fs_doc_scalar(mx) : "?");
	}
	if (cJSON_IsString(v)) {
		const cJSON *ml = get(s, "minLength");
		if (cJSON_IsNumber(ml) && strlen(v->valuestring) < (size_t)ml->valuedouble)
			n += problem(errs, path, "\"%s\" is shorter than minLength %s",
				     v->valuestring, shown(ml));
		n += check_pattern(s, v->valuestring, path, errs);
	}
	return n;
}

static int
check_type(const cJSON *s, const cJSON *v, const char *path, struct fs_buf *errs)
{
	const char *t = type_of(s);
	bool ok;
	if (flag(s, "x-kubernetes-int-or-string")) {
		ok = is_integer(v) || cJSON_IsString(v);
		t = "integer or string";
	} else if (!t) {
		return 0;
	} else if (!strcmp(t, "object")) {
		ok = cJSON_IsObject(v);
	} else if (!strcmp(t, "array")) {
		ok = cJSON_IsArray(v);
	} else if (!strcmp(t, "string")) {
		ok = cJSON_IsString(v);
	} else if (!strcmp(t, "integer")) {
		ok = is_integer(v);
	} else if (!strcmp(t, "number")) {
		ok = cJSON_IsNumber(v);
	} else if (!strcmp(t, "boolean")) {
		ok = cJSON_IsBool(v);
	} else {
		return problem(errs, path, "schema type '%s' is not an OpenAPI type%s", t, "");
	}
	if (ok || (cJSON_IsNull(v) && flag(s, "nullable")))
		return 0;
	return problem(errs, path, "got %s %s", fs_doc_type_name(v), shown(v)) +
	       (fs_buf_printf(errs, "  expected %s\n", t), 0);
}

static int
check_object(const cJSON *s, const cJSON *v, const char *path, bool root,
	     struct fs_buf *errs)
{
	int n = 0;
	char sub[512];
	const cJSON *r;
	cJSON_ArrayForEach(r, get(s, "required")) {
		if (cJSON_IsString(r) && !get(v, r->valuestring)) {
			child_path(sub, sizeof sub, path, r->valuestring, 0);
			n += problem(errs, sub, "required value missing%s%s", "", "");
		}
	}
	const cJSON *props = get(s, "properties");
	const cJSON *addl = get(s, "additionalProperties");
	bool open = flag(s, "x-kubernetes-preserve-unknown-fields");
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		child_path(sub, sizeof sub, path, e->string, 0);
		const cJSON *ps = get(props, e->string);
		if (ps)
			n += validate(ps, e, sub, false, errs);
		else if (cJSON_IsObject(addl))
			n += validate(addl, e, sub, false, errs);
		else if (!open && !cJSON_IsTrue(addl) && !(root && !strcmp(e->string, "metadata")) &&
			 (props || cJSON_IsFalse(addl)))
			n += problem(errs, sub, "unknown field \"%s\"%s", e->string, "");
	}
	return n;
}

static int
validate(const cJSON *s, const cJSON *v, const char *path, bool root, struct fs_buf *errs)
{
	if (cJSON_IsNull(v) && flag(s, "nullable"))
		return 0;
	int n = check_type(s, v, path, errs);
	if (n)
		return n;
	n += check_scalar(s, v, path, errs);
	if (cJSON_IsObject(v) && !flag(s, "x-kubernetes-int-or-string"))
		n += check_object(s, v, path, root, errs);
	if (cJSON_IsArray(v) && get(s, "items")) {
		char sub[512];
		int i = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, v) {
			child_path(sub, sizeof sub, path, NULL, i++);
			n += validate(get(s, "items"), e, sub, false, errs);
		}
	}
	return n;
}

int
cs_admit(const cJSON *schema, cJSON *obj, struct fs_buf *errs)
{
	prune_and_default(schema, obj);
	return validate(schema, obj, "", true, errs);
}

/* ---------------------------------------------------------- structural */
static int
structural(const cJSON *s, const char *path, struct fs_buf *errs)
{
	int n = 0;
	char sub[512];
	bool any = flag(s, "x-kubernetes-int-or-string") ||
		   flag(s, "x-kubernetes-preserve-unknown-fields");
	if (!type_of(s) && !any)
		n += problem(errs, path, "no type (a structural schema types every node)%s%s", "", "");
	const cJSON *d = get(s, "default");
	if (d) {
		struct fs_buf e = FS_BUF_INIT;
		cJSON *copy = cJSON_Duplicate(d, 1);
		child_path(sub, sizeof sub, path, "default", 0);
		if (cs_admit(s, copy, &e)) {
			n += problem(errs, sub, "the default is invalid under its own schema:%s%s", "", "");
			fs_buf_add(errs, e.data, e.len);
		}
		cJSON_Delete(copy);
		fs_buf_release(&e);
	}
	const cJSON *en;
	cJSON_ArrayForEach(en, get(s, "enum")) {
		struct fs_buf e = FS_BUF_INIT;
		child_path(sub, sizeof sub, path, "enum", 0);
		if (check_type(s, en, sub, &e))
			n += problem(errs, sub, "enum value %s does not have the node's type%s",
				     shown(en), "");
		fs_buf_release(&e);
	}
	const cJSON *p;
	cJSON_ArrayForEach(p, get(s, "properties")) {
		child_path(sub, sizeof sub, path, p->string, 0);
		n += structural(p, sub, errs);
	}
	if (cJSON_IsObject(get(s, "additionalProperties"))) {
		child_path(sub, sizeof sub, path, "*", 0);
		n += structural(get(s, "additionalProperties"), sub, errs);
	}
	if (get(s, "items")) {
		child_path(sub, sizeof sub, path, NULL, 0);
		n += structural(get(s, "items"), sub, errs);
	} else if (type_of(s) && !strcmp(type_of(s), "array")) {
		n += problem(errs, path, "an array without items%s%s", "", "");
	}
	const cJSON *r;
	cJSON_ArrayForEach(r, get(s, "required")) {
		if (!cJSON_IsString(r) || !get(get(s, "properties"), r->valuestring))
			n += problem(errs, path, "required field %s is not among the properties%s",
				     shown(r), "");
	}
	return n;
}

int
cs_structural(const cJSON *schema, struct fs_buf *errs)
{
	return structural(schema, "", errs);
}

const cJSON *
cs_version_schema(const cJSON *crd, const char *version)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, get(get(crd, "spec"), "versions")) {
		const cJSON *name = get(v, "name");
		if (cJSON_IsString(name) && !strcmp(name->valuestring, version))
			return get(get(v, "schema"), "openAPIV3Schema");
	}
	return NULL;
}
