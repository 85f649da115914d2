/*
 * testapi/store.c - objects, resourceVersions and write semantics (see
 * store.h).
 */
#include "store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/timefmt.h"

void
ta_store_init(struct ta_store *s, size_t window)
{
	memset(s, 0, sizeof(*s));
	s->window = window ? window : 10000;
	s->log = fs_xcalloc(s->window, sizeof(*s->log));
	s->rv = 1;
	s->compacted_rv = 1;
	srandom((unsigned)time(NULL) ^ (unsigned)clock());
}

static void
resource_free(struct ta_resource *r)
{
	for (size_t i = 0; i < r->n; i++) {
		cJSON_Delete(r->objs[i]->obj);
		free(r->objs[i]->ns);
		free(r->objs[i]->name);
		free(r->objs[i]);
	}
	free(r->objs);
	for (size_t i = 0; i < r->n_versions; i++)
		free(r->versions[i]);
	for (size_t i = 0; i < r->n_short; i++)
		free(r->short_names[i]);
	free(r->versions);
	free(r->short_names);
	free(r->group);
	free(r->plural);
	free(r->singular);
	free(r->kind);
	free(r->list_kind);
	cJSON_Delete(r->crd);
	free(r);
}

void
ta_store_release(struct ta_store *s)
{
	for (size_t i = 0; i < s->log_n; i++) {
		cJSON_Delete(s->log[(s->log_head + i) % s->window].obj);
		cJSON_Delete(s->log[(s->log_head + i) % s->window].prev);
	}
	free(s->log);
	cJSON_Delete(s->dry_result);
	for (size_t i = 0; i < s->n_res; i++)
		resource_free(s->res[i]);
	free(s->res);
	memset(s, 0, sizeof(*s));
}

bool
ta_store_add_resource(struct ta_store *s, struct ta_resource *r)
{
	for (size_t i = 0; i < s->n_res; i++) {
		if (!s->res[i]->removed && !strcmp(s->res[i]->group, r->group) &&
		    !strcmp(s->res[i]->plural, r->plural)) {
			resource_free(r);
			return false;
		}
	}
	s->res = fs_xrealloc(s->res, (s->n_res + 1) * sizeof(*s->res));
	s->res[s->n_res++] = r;
	return true;
}

struct ta_resource *
ta_store_find(struct ta_store *s, const char *group,
	      const char *version, const char *plural)
{
	for (size_t i = 0; i < s->n_res; i++) {
		struct ta_resource *r = s->res[i];
		if (!r->removed && !strcmp(r->group, group) && !strcmp(r->plural, plural) &&
		    (!version || ta_resource_serves(r, version)))
			return r;
	}
	return NULL;
}

static int
key_cmp(const char *ns1, const char *n1, const char *ns2,
	const char *n2)
{
	int c = strcmp(ns1, ns2);
	return c ? c : strcmp(n1, n2);
}

size_t
ta_store_lower_bound(struct ta_resource *r, const char *ns,
		     const char *name)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (key_cmp(r->objs[mid]->ns, r->objs[mid]->name, ns, name) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t
obj_index(struct ta_resource *r, const char *ns, const char *name,
	  bool *found)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = key_cmp(r->objs[mid]->ns, r->objs[mid]->name, ns, name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

struct ta_object *
ta_store_get(struct ta_resource *r, const char *ns,
	     const char *name)
{
	bool found;
	size_t i = obj_index(r, ns, name, &found);
	return found ? r->objs[i] : NULL;
}

static void
store_log(struct ta_store *s, struct ta_resource *r,
	  enum ta_ev_type type, const cJSON *obj, cJSON *prev)
{
	struct ta_event ev = {r, type, cJSON_Duplicate(obj, true), prev, s->rv};
	if (s->log_n == s->window) {
		struct ta_event *old = &s->log[s->log_head];
		s->compacted_rv = old->rv;
		cJSON_Delete(old->obj);
		cJSON_Delete(old->prev);
		s->log_head = (s->log_head + 1) % s->window;
		s->log_n--;
	}
	s->log[(s->log_head + s->log_n) % s->window] = ev;
	s->log_n++;
	if (s->on_event)
		s->on_event(s->on_event_ud, &ev);
}

static void
set_rv(cJSON *obj, uint64_t rv)
{
	cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	char buf[32];
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)rv);
	cJSON_DeleteItemFromObjectCaseSensitive(md, "resourceVersion");
	cJSON_AddStringToObject(md, "resourceVersion", buf);
}

static void
new_uid(char *buf, size_t n)
{
	unsigned char b[16];
	for (size_t i = 0; i < 16; i++)
		b[i] = (unsigned char)(random() & 0xff);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(buf, n,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}

static const char *
md_str(const cJSON *md, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(md, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
md_set(cJSON *md, const char *key, cJSON *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(md, key);
	if (v)
		cJSON_AddItemToObject(md, key, v);
}

static void
md_copy(cJSON *to, const cJSON *from, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, key);
	md_set(to, key, v ? cJSON_Duplicate(v, true) : NULL);
}

static bool
valid_name(const char *n)
{
	size_t len = strlen(n);
	if (!len || len > 253)
		return false;
	for (const char *p = n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '.'))
			return false;
	return n[0] != '-' && n[0] != '.' && n[len - 1] != '-' && n[len - 1] != '.';
}

static const cJSON *
keep_dry(struct ta_store *s, cJSON *obj)
{
	cJSON_Delete(s->dry_result);
	s->dry_result = obj;
	return obj;
}

static void
store_insert(struct ta_resource *r, const char *ns,
	     const char *name, cJSON *obj, uint64_t rv)
{
	bool found;
	size_t i = obj_index(r, ns, name, &found);
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->objs = fs_xrealloc(r->objs, r->cap * sizeof(*r->objs));
	}
	memmove(&r->objs[i + 1], &r->objs[i], (r->n - i) * sizeof(*r->objs));
	struct ta_object *o = fs_xcalloc(1, sizeof(*o));
	o->ns = fs_xstrdup(ns);
	o->name = fs_xstrdup(name);
	o->obj = obj;
	o->rv = rv;
	r->objs[i] = o;
	r->n++;
}

static void
store_remove(struct ta_resource *r, struct ta_object *o)
{
	bool found;
	size_t i = obj_index(r, o->ns, o->name, &found);
	memmove(&r->objs[i], &r->objs[i + 1], (r->n - i - 1) * sizeof(*r->objs));
	r->n--;
	cJSON_Delete(o->obj);
	free(o->ns);
	free(o->name);
	free(o);
}

const cJSON *
ta_store_create(struct ta_store *s, struct ta_resource *r,
		const char *ns, cJSON *obj, struct ta_err *e)
{
	char qn[256];
	ta_resource_qname(r, qn, sizeof(qn));
	cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	if (!cJSON_IsObject(obj) || !cJSON_IsObject(md)) {
		ta_err_set(e, 400, "BadRequest", "%s: metadata: expected an object", qn);
		goto fail;
	}
	const char *given_rv = md_str(md, "resourceVersion");
	if (given_rv && given_rv[0]) {
		/* what etcd3's store.Create says: a client copied a live object */
		ta_err_set(e, 500, "", "resourceVersion should not be set on objects to be created");
		goto fail;
	}
	const char *name = md_str(md, "name");
	char genbuf[300];
	if (!name || !name[0]) {
		const char *gen = md_str(md, "generateName");
		if (!gen) {
			ta_err_set(e, 422, "Invalid",
				   "%s \"\" is invalid: metadata.name: Required value: name or generateName is required", qn);
			goto fail;
		}
		snprintf(genbuf, sizeof(genbuf), "%.240s%05lx", gen, random() & 0xfffff);
		md_set(md, "name", cJSON_CreateString(genbuf));
		name = md_str(md, "name");
	}
	if (!valid_name(name)) {
		ta_err_set(e, 422, "Invalid",
			   "%s \"%s\" is invalid: metadata.name: Invalid value: \"%s\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'",
			   qn, name, name);
		goto fail;
	}
	const char *ons = md_str(md, "namespace");
	if (r->namespaced) {
		if (ons && ons[0] && strcmp(ons, ns)) {
			ta_err_set(e, 400, "BadRequest",
				   "the namespace of the provided object does not match the namespace sent on the request");
			goto fail;
		}
		md_set(md, "namespace", cJSON_CreateString(ns));
	} else {
		md_set(md, "namespace", NULL);
		ns = "";
	}
	if (ta_store_get(r, ns, name)) {
		ta_err_set(e, 409, "AlreadyExists", "%s \"%s\" already exists", qn, name);
		goto fail;
	}
	char buf[64];
	new_uid(buf, sizeof(buf));
	md_set(md, "uid", cJSON_CreateString(buf));
	fs_time_rfc3339((int64_t)time(NULL), buf, sizeof(buf));
	md_set(md, "creationTimestamp", cJSON_CreateString(buf));
	md_set(md, "deletionTimestamp", NULL);
	md_set(md, "generation", r->flags & TA_GENERATION ? cJSON_CreateNumber(1) : NULL);
	if (s->dry_run) { /* as etcd3's dry run: no resourceVersion */
		md_set(md, "resourceVersion", NULL);
		return keep_dry(s, obj);
	}
	s->rv++;
	set_rv(obj, s->rv);
	store_insert(r, ns, name, obj, s->rv);
	store_log(s, r, TA_ADDED, obj, NULL);
	return obj;
fail:
	cJSON_Delete(obj);
	return NULL;
}

/* the object without metadata (and status when it is a subresource) */
static bool
spec_changed(const struct ta_resource *r, const cJSON *a,
	     const cJSON *b)
{
	cJSON *x = cJSON_Duplicate(a, true), *y = cJSON_Duplicate(b, true);
	cJSON_DeleteItemFromObjectCaseSensitive(x, "metadata");
	cJSON_DeleteItemFromObjectCaseSensitive(y, "metadata");
	if (r->has_status) {
		cJSON_DeleteItemFromObjectCaseSensitive(x, "status");
		cJSON_DeleteItemFromObjectCaseSensitive(y, "status");
	}
	bool same = cJSON_Compare(x, y, true);
	cJSON_Delete(x);
	cJSON_Delete(y);
	return !same;
}

static const cJSON *
store_finish_delete(struct ta_store *s,
		    struct ta_resource *r,
		    struct ta_object *o, cJSON **gone)
{
	cJSON *prev = cJSON_Duplicate(o->obj, true);
	s->rv++;
	set_rv(o->obj, s->rv);
	store_log(s, r, TA_DELETED, o->obj, prev);
	*gone = o->obj;
	o->obj = NULL;
	store_remove(r, o);
	return *gone;
}

static bool
has_finalizers(const cJSON *md)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(md, "finalizers")) > 0;
}

/* a Namespace also waits for spec.finalizers (the namespace controller) */
static bool
held(const cJSON *obj)
{
	return has_finalizers(cJSON_GetObjectItemCaseSensitive(obj, "metadata")) ||
	       cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
		       cJSON_GetObjectItemCaseSensitive(obj, "spec"), "finalizers")) > 0;
}

const cJSON *
ta_store_update(struct ta_store *s, struct ta_resource *r,
		const char *ns, const char *name, cJSON *obj,
		bool status_only, struct ta_err *e)
{
	char qn[256];
	ta_resource_qname(r, qn, sizeof(qn));
	if (!r->namespaced)
		ns = "";
	struct ta_object *o = ta_store_get(r, ns, name);
	cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	if (!o) {
		ta_err_set(e, 404, "NotFound", "%s \"%s\" not found", qn, name);
		goto fail;
	}
	if (!cJSON_IsObject(obj) || !cJSON_IsObject(md)) {
		ta_err_set(e, 400, "BadRequest", "%s \"%s\": metadata: expected an object", qn, name);
		goto fail;
	}
	const char *nm = md_str(md, "name");
	if (nm && strcmp(nm, name)) {
		ta_err_set(e, 400, "BadRequest",
			   "the name of the object (%s) does not match the name on the URL (%s)", nm, name);
		goto fail;
	}
	const char *rv = md_str(md, "resourceVersion");
	char cur[32];
	snprintf(cur, sizeof(cur), "%llu", (unsigned long long)o->rv);
	if (rv && rv[0] && strcmp(rv, cur)) {
		ta_err_set(e, 409, "Conflict",
			   "Operation cannot be fulfilled on %s \"%s\": the object has been modified; please apply your changes to the latest version and try again",
			   qn, name);
		goto fail;
	}
	cJSON *omd = cJSON_GetObjectItemCaseSensitive(o->obj, "metadata");
	cJSON *next;
	if (status_only) {
		next = cJSON_Duplicate(o->obj, true);
		cJSON *st = cJSON_DetachItemFromObjectCaseSensitive(obj, "status");
		cJSON_DeleteItemFromObjectCaseSensitive(next, "status");
		if (st)
			cJSON_AddItemToObject(next, "status", st);
		cJSON_Delete(obj);
	} else {
		next = obj;
		md_set(md, "name", cJSON_CreateString(name));
		if (r->namespaced)
			md_set(md, "namespace", cJSON_CreateString(ns));
		else
			md_set(md, "namespace", NULL);
		md_copy(md, omd, "uid");
		md_copy(md, omd, "creationTimestamp");
		md_copy(md, omd, "deletionTimestamp");
		md_copy(md, omd, "generation");
		md_copy(md, omd, "resourceVersion");
		md_copy(md, omd, "deletionGracePeriodSeconds");
		if (r->has_status) {
			cJSON_DeleteItemFromObjectCaseSensitive(next, "status");
			const cJSON *ost = cJSON_GetObjectItemCaseSensitive(o->obj, "status");
			if (ost)
				cJSON_AddItemToObject(next, "status", cJSON_Duplicate(ost, true));
		}
		const cJSON *gen = cJSON_GetObjectItemCaseSensitive(omd, "generation");
		if ((r->flags & TA_GENERATION) && spec_changed(r, o->obj, next)) {
			double g = cJSON_IsNumber(gen) ? gen->valuedouble : 0;
			md_set(md, "generation", cJSON_CreateNumber(g + 1));
		}
	}
	if (cJSON_Compare(next, o->obj, true)) { /* no-op: no new version */
		cJSON_Delete(next);
		return o->obj;
	}
	if (s->dry_run)
		return keep_dry(s, next);
	cJSON *prev = o->obj; /* kept for watches with selectors */
	o->obj = next;
	cJSON *nmd = cJSON_GetObjectItemCaseSensitive(next, "metadata");
	if (md_str(nmd, "deletionTimestamp") && !held(next)) {
		cJSON *gone = NULL;
		store_finish_delete(s, r, o, &gone);
		/* the caller gets the final state; it stays valid in the log */
		cJSON *last = s->log[(s->log_head + s->log_n - 1) % s->window].obj;
		cJSON_Delete(gone);
		cJSON_Delete(prev);
		return last;
	}
	s->rv++;
	o->rv = s->rv;
	set_rv(next, s->rv);
	store_log(s, r, TA_MODIFIED, next, prev);
	return next;
fail:
	cJSON_Delete(obj);
	return NULL;
}

const cJSON *
ta_store_delete(struct ta_store *s, struct ta_resource *r,
		const char *ns, const char *name,
		const char *precond_rv, bool *deleted,
		struct ta_err *e, cJSON **gone_obj)
{
	char qn[256];
	ta_resource_qname(r, qn, sizeof(qn));
	*gone_obj = NULL;
	*deleted = false;
	if (!r->namespaced)
		ns = "";
	struct ta_object *o = ta_store_get(r, ns, name);
	if (!o) {
		ta_err_set(e, 404, "NotFound", "%s \"%s\" not found", qn, name);
		return NULL;
	}
	char cur[32];
	snprintf(cur, sizeof(cur), "%llu", (unsigned long long)o->rv);
	if (precond_rv && precond_rv[0] && strcmp(precond_rv, cur)) {
		ta_err_set(e, 409, "Conflict",
			   "Operation cannot be fulfilled on %s \"%s\": the ResourceVersion in the precondition (%s) does not match the ResourceVersion in record (%s). The object might have been modified",
			   qn, name, precond_rv, cur);
		return NULL;
	}
	cJSON *md = cJSON_GetObjectItemCaseSensitive(o->obj, "metadata");
	if (s->dry_run) {
		cJSON *copy = cJSON_Duplicate(o->obj, true);
		*deleted = !has_finalizers(md);
		if (*deleted) {
			*gone_obj = copy;
			return copy;
		}
		if (!md_str(md, "deletionTimestamp")) {
			char ts[64];
			fs_time_rfc3339((int64_t)time(NULL), ts, sizeof(ts));
			md_set(cJSON_GetObjectItemCaseSensitive(copy, "metadata"), "deletionTimestamp",
			       cJSON_CreateString(ts));
		}
		return keep_dry(s, copy);
	}
	if (has_finalizers(md)) {
		if (!md_str(md, "deletionTimestamp")) {
			cJSON *prev = cJSON_Duplicate(o->obj, true);
			char ts[64];
			fs_time_rfc3339((int64_t)time(NULL), ts, sizeof(ts));
			md_set(md, "deletionTimestamp", cJSON_CreateString(ts));
			md_set(md, "deletionGracePeriodSeconds", cJSON_CreateNumber(0));
			s->rv++;
			o->rv = s->rv;
			set_rv(o->obj, s->rv);
			store_log(s, r, TA_MODIFIED, o->obj, prev);
		}
		return o->obj;
	}
	*deleted = true;
	return store_finish_delete(s, r, o, gone_obj);
}

const cJSON *
ta_store_put(struct ta_store *s, struct ta_resource *r, struct ta_object *o,
	     cJSON *next)
{
	cJSON *prev = o->obj;
	o->obj = next;
	s->rv++;
	o->rv = s->rv;
	set_rv(next, s->rv);
	store_log(s, r, TA_MODIFIED, next, prev);
	return next;
}

void
ta_store_wipe(struct ta_store *s)
{
	for (size_t i = 0; i < s->n_res; i++) {
		struct ta_resource *r = s->res[i];
		while (r->n) {
			cJSON *gone = NULL;
			store_finish_delete(s, r, r->objs[r->n - 1], &gone);
			cJSON_Delete(gone);
		}
	}
	ta_store_compact(s);
}

static int
obj_key_cmp(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(x, "metadata");
	const cJSON *my = cJSON_GetObjectItemCaseSensitive(y, "metadata");
	const char *nx = md_str(mx, "namespace"), *ny = md_str(my, "namespace");
	return key_cmp(nx ? nx : "", md_str(mx, "name"), ny ? ny : "", md_str(my, "name"));
}

static const cJSON *
obj_named(const cJSON *o, const char *ns, const char *name)
{
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(o, "metadata");
	const char *n = md_str(md, "namespace");
	return !strcmp(n ? n : "", ns) && !strcmp(md_str(md, "name"), name) ? o : NULL;
}

const cJSON **
ta_store_list_at(struct ta_store *s, struct ta_resource *r, uint64_t rv,
		 size_t *n)
{
	*n = 0;
	if (rv < s->compacted_rv || rv > s->rv)
		return NULL;
	/* start from now and undo, newest first, what came after rv: slot i
	 * of v is the key of r->objs[i] (found by binary search; NULL: it did
	 * not exist at rv), keys gone since rv are appended after r->n (found
	 * by a scan of those only) */
	size_t cap = r->n + 16, cnt = r->n;
	const cJSON **v = fs_xcalloc(cap, sizeof(*v));
	for (size_t i = 0; i < r->n; i++)
		v[i] = r->objs[i]->obj;
	for (size_t k = s->log_n; k-- > 0;) {
		const struct ta_event *ev = &s->log[(s->log_head + k) % s->window];
		if (ev->rv <= rv)
			break;
		if (ev->res != r)
			continue;
		const cJSON *md = cJSON_GetObjectItemCaseSensitive(ev->obj, "metadata");
		const char *ns = md_str(md, "namespace");
		const char *name = md_str(md, "name");
		bool found;
		size_t at = obj_index(r, ns ? ns : "", name, &found);
		if (!found) {
			at = cnt;
			for (size_t i = r->n; i < cnt; i++)
				if (v[i] && obj_named(v[i], ns ? ns : "", name))
					at = i;
		}
		if (ev->type == TA_ADDED) {
			if (at < cnt)
				v[at] = NULL;
			continue;
		}
		if (at == cnt) {
			if (cnt == cap)
				v = fs_xrealloc(v, (cap *= 2) * sizeof(*v));
			cnt++;
		}
		v[at] = ev->prev;
	}
	/* slots below r->n keep r->objs' order (a key per slot); only the
	 * keys gone since rv, appended after them, need sorting: sort those
	 * and merge (a full sort of 10 000 objects per page was the server's
	 * CPU in make chaos) */
	qsort(v + r->n, cnt - r->n, sizeof(*v), obj_key_cmp);
	const cJSON **out = fs_xcalloc(cnt ? cnt : 1, sizeof(*out));
	size_t live = 0, i = 0, j = r->n;
	while (i < r->n || j < cnt) {
		const cJSON *next;
		if (i < r->n && (!v[i] || j == cnt || obj_key_cmp(&v[i], &v[j]) < 0))
			next = v[i++];
		else
			next = v[j++];
		if (next)
			out[live++] = next;
	}
	free(v);
	*n = live;
	return out;
}

void
ta_store_remove_resource(struct ta_store *s, struct ta_resource *r)
{
	while (r->n) {
		cJSON *gone = NULL;
		store_finish_delete(s, r, r->objs[r->n - 1], &gone);
		cJSON_Delete(gone);
	}
	r->removed = true;
}

void
ta_store_compact(struct ta_store *s)
{
	for (size_t i = 0; i < s->log_n; i++) {
		cJSON_Delete(s->log[(s->log_head + i) % s->window].obj);
		cJSON_Delete(s->log[(s->log_head + i) % s->window].prev);
	}
	s->log_head = s->log_n = 0;
	s->rv++; /* a fresh version that no watcher can have seen */
	s->compacted_rv = s->rv;
}

bool
ta_store_since(struct ta_store *s, uint64_t from,
	       void (*fn)(void *ud, const struct ta_event *ev), void *ud)
{
	if (from < s->compacted_rv)
		return false;
	for (size_t i = 0; i < s->log_n; i++) {
		const struct ta_event *ev = &s->log[(s->log_head + i) % s->window];
		if (ev->rv > from)
			fn(ud, ev);
	}
	return true;
}
