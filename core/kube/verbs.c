/*
 * kube/verbs.c - request paths and the REST verbs (get, list, create,
 * update, patch, delete) on top of the calls in client.c (see client.h).
 */
#include "kube/client_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- paths */

void
fs_kube_escape(struct fs_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '.' || ch == '~')
			fs_buf_addc(b, (char)ch);
		else
			fs_buf_printf(b, "%%%02X", ch);
	}
}

char *
fs_kube_path(const struct fs_kube_resource *r, const char *ns,
	     const char *name, const char *sub)
{
	struct fs_buf b = FS_BUF_INIT;
	if (r->group && r->group[0])
		fs_buf_printf(&b, "/apis/%s/%s", r->group, r->version);
	else
		fs_buf_printf(&b, "/api/%s", r->version);
	if (r->namespaced && ns && ns[0]) {
		fs_buf_adds(&b, "/namespaces/");
		fs_kube_escape(&b, ns);
	}
	fs_buf_addc(&b, '/');
	fs_buf_adds(&b, r->plural);
	if (name) {
		fs_buf_addc(&b, '/');
		fs_kube_escape(&b, name);
	}
	if (sub)
		fs_buf_printf(&b, "/%s", sub);
	return fs_buf_detach(&b);
}

/* ---------------------------------------------------------------- verbs */

static const char *
ns_of(const struct fs_kube_client *c,
      const struct fs_kube_resource *r, const char *ns)
{
	if (!r->namespaced)
		return NULL;
	return ns ? ns : c->ns;
}

struct fs_kube_call *
fs_kube_get(struct fs_kube_client *c,
	    const struct fs_kube_resource *r,
	    const char *ns, const char *name,
	    fs_kube_done_fn done, void *ud)
{
	return fs_kube_get_ex(c, r, ns, name, 0, done, ud);
}

struct fs_kube_call *
fs_kube_get_ex(struct fs_kube_client *c,
	       const struct fs_kube_resource *r,
	       const char *ns, const char *name,
	       uint32_t flags, fs_kube_done_fn done, void *ud)
{
	return fs_kube_call_start(c, "GET", fs_kube_path(r, ns_of(c, r, ns), name, NULL),
			  NULL, NULL, NULL, flags & ~FS_KUBE_STATUS, done, ud);
}

struct fs_kube_call *
fs_kube_list(struct fs_kube_client *c,
	     const struct fs_kube_resource *r,
	     const char *ns,
	     const struct fs_kube_list_opts *lo,
	     fs_kube_done_fn done, void *ud)
{
	struct fs_buf q = FS_BUF_INIT;
	if (lo) {
		const char *sep = "";
		if (lo->label_selector && lo->label_selector[0]) {
			fs_buf_adds(&q, "labelSelector=");
			fs_kube_escape(&q, lo->label_selector);
			sep = "&";
		}
		if (lo->field_selector && lo->field_selector[0]) {
			fs_buf_printf(&q, "%sfieldSelector=", sep);
			fs_kube_escape(&q, lo->field_selector);
			sep = "&";
		}
		if (lo->limit) {
			fs_buf_printf(&q, "%slimit=%u", sep, lo->limit);
			sep = "&";
		}
		if (lo->continue_token && lo->continue_token[0]) {
			fs_buf_printf(&q, "%scontinue=", sep);
			fs_kube_escape(&q, lo->continue_token);
			sep = "&";
		}
		if (lo->resource_version && lo->resource_version[0]) {
			fs_buf_printf(&q, "%sresourceVersion=", sep);
			fs_kube_escape(&q, lo->resource_version);
		}
	}
	struct fs_kube_call *call = fs_kube_call_new(c, "GET",
					       fs_kube_path(r, ns_of(c, r, ns), NULL, NULL),
					       q.data, NULL, NULL, 0, done, ud);
	fs_buf_release(&q);
	/* a page of `limit` objects, or an unpaged list: up to 1 GiB */
	size_t most = FS_KUBE_MAX_LIST_BYTES;
	if (lo && lo->limit && lo->limit < most / call->max_body)
		most = (size_t)lo->limit * call->max_body + 65536;
	call->max_body = most;
	call->max_body_what = lo && lo->limit ? "one page of a list" : "one list";
	return fs_kube_call_go(call);
}

static const char *
obj_name(const cJSON *obj)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "name");
	return cJSON_IsString(n) ? n->valuestring : "";
}

struct fs_kube_call *
fs_kube_create(struct fs_kube_client *c,
	       const struct fs_kube_resource *r,
	       const char *ns, const cJSON *obj,
	       uint32_t flags, fs_kube_done_fn done,
	       void *ud)
{
	return fs_kube_call_start(c, "POST", fs_kube_path(r, ns_of(c, r, ns), NULL, NULL),
			  NULL, cJSON_PrintUnformatted(obj), "application/json",
			  flags & ~FS_KUBE_STATUS, done, ud);
}

struct fs_kube_call *
fs_kube_update(struct fs_kube_client *c,
	       const struct fs_kube_resource *r,
	       const char *ns, const cJSON *obj,
	       uint32_t flags, fs_kube_done_fn done,
	       void *ud)
{
	const char *name = obj_name(obj);
	return fs_kube_call_start(c, "PUT",
			  fs_kube_path(r, ns_of(c, r, ns), name,
				       flags & FS_KUBE_STATUS ? "status" : NULL),
			  NULL, cJSON_PrintUnformatted(obj), "application/json",
			  flags, done, ud);
}

struct fs_kube_call *
fs_kube_patch(struct fs_kube_client *c,
	      const struct fs_kube_resource *r,
	      const char *ns, const char *name,
	      enum fs_kube_patch type, const char *patch,
	      uint32_t flags, fs_kube_done_fn done,
	      void *ud)
{
	static const char *const types[] = {
		"application/merge-patch+json", "application/json-patch+json",
		"application/strategic-merge-patch+json"};
	return fs_kube_call_start(c, "PATCH",
			  fs_kube_path(r, ns_of(c, r, ns), name,
				       flags & FS_KUBE_STATUS ? "status" : NULL),
			  NULL, fs_xstrdup(patch), types[(unsigned)type % 3], flags,
			  done, ud);
}

struct fs_kube_call *
fs_kube_apply(struct fs_kube_client *c, const struct fs_kube_resource *r,
	      const char *ns, const cJSON *obj, const char *manager,
	      uint32_t flags, fs_kube_done_fn done, void *ud)
{
	struct fs_buf q = FS_BUF_INIT;
	fs_buf_adds(&q, "fieldManager=");
	fs_kube_escape(&q, manager);
	fs_buf_adds(&q, "&force=true");
	struct fs_kube_call *call = fs_kube_call_start(c, "PATCH",
			  fs_kube_path(r, ns_of(c, r, ns), obj_name(obj),
				       flags & FS_KUBE_STATUS ? "status" : NULL),
			  q.data, cJSON_PrintUnformatted(obj),
			  "application/apply-patch+yaml", flags, done, ud);
	fs_buf_release(&q);
	return call;
}

struct fs_kube_call *
fs_kube_delete(struct fs_kube_client *c,
	       const struct fs_kube_resource *r,
	       const char *ns, const char *name,
	       const char *precond_rv, uint32_t flags,
	       fs_kube_done_fn done, void *ud)
{
	char *body = NULL;
	if (precond_rv) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", "DeleteOptions");
		cJSON_AddStringToObject(o, "apiVersion", "v1");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "preconditions"),
					"resourceVersion", precond_rv);
		body = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
	}
	return fs_kube_call_start(c, "DELETE", fs_kube_path(r, ns_of(c, r, ns), name, NULL),
			  NULL, body, body ? "application/json" : NULL,
			  flags & ~FS_KUBE_STATUS, done, ud);
}

char *
fs_kube_plural(const char *kind)
{
	size_t n = strlen(kind);
	struct fs_buf b = FS_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		fs_buf_addc(&b, (char)tolower((unsigned char)kind[i]));
	char last = n ? b.data[n - 1] : 0, prev = n > 1 ? b.data[n - 2] : 0;
	if (last == 'y' && prev && !strchr("aeiou", prev)) {
		b.data[--b.len] = 0;
		fs_buf_adds(&b, "ies");
	} else if (last == 's' || last == 'x' || last == 'z' ||
		   (last == 'h' && (prev == 'c' || prev == 's'))) {
		fs_buf_adds(&b, "es");
	} else {
		fs_buf_addc(&b, 's');
	}
	return fs_buf_detach(&b);
}
