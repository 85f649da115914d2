/*
 * plugins/mongodb/json.c - short names for building JSON through the host.
 */
#include "mdb.h"

struct fs_json *
mdb_obj(void)
{
	return fs_host->json_new(FS_JSON_OBJECT);
}

struct fs_json *
mdb_arr(void)
{
	return fs_host->json_new(FS_JSON_ARRAY);
}

void
mdb_set(struct fs_json *o, const char *key, struct fs_json *v)
{
	fs_host->json_set(o, key, v);
}

void
mdb_set_str(struct fs_json *o, const char *key, const char *s)
{
	fs_host->json_set(o, key, fs_host->json_new_string(s ? s : ""));
}

void
mdb_set_int(struct fs_json *o, const char *key, int64_t n)
{
	fs_host->json_set(o, key, fs_host->json_new_int(n));
}

void
mdb_set_bool(struct fs_json *o, const char *key, bool b)
{
	fs_host->json_set(o, key, fs_host->json_new(b ? FS_JSON_TRUE : FS_JSON_FALSE));
}

struct fs_json *
mdb_set_obj(struct fs_json *o, const char *key)
{
	struct fs_json *c = mdb_obj();
	fs_host->json_set(o, key, c);
	return c;
}

struct fs_json *
mdb_set_arr(struct fs_json *o, const char *key)
{
	struct fs_json *c = mdb_arr();
	fs_host->json_set(o, key, c);
	return c;
}

void
mdb_push(struct fs_json *a, struct fs_json *v)
{
	fs_host->json_append(a, v);
}

void
mdb_push_str(struct fs_json *a, const char *s)
{
	fs_host->json_append(a, fs_host->json_new_string(s ? s : ""));
}

struct fs_json *
mdb_dup_obj(const struct fs_json *src)
{
	if (fs_host->json_type(src) == FS_JSON_OBJECT)
		return fs_host->json_dup(src);
	return mdb_obj();
}

const char *
mdb_str(const struct fs_json *v, const char *path)
{
	return fs_host->json_string(fs_host->json_path(v, path));
}

struct fs_json *
mdb_new_object(const char *api_version, const char *kind, const char *name,
	       struct fs_json *labels)
{
	struct fs_json *o = mdb_obj();
	mdb_set_str(o, "apiVersion", api_version);
	mdb_set_str(o, "kind", kind);
	struct fs_json *meta = mdb_set_obj(o, "metadata");
	mdb_set_str(meta, "name", name);
	if (labels)
		mdb_set(meta, "labels", labels);
	return o;
}

struct fs_json *
mdb_selector(const char *api_version, const char *kind, const char *name,
	     const char *ns)
{
	struct fs_json *s = mdb_obj();
	mdb_set_str(s, "apiVersion", api_version);
	mdb_set_str(s, "kind", kind);
	mdb_set_str(s, "name", name);
	if (ns)
		mdb_set_str(s, "namespace", ns);
	return s;
}
