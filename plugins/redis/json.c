/* plugins/redis/json.c - building JSON through fs_host->json_* */
#include "rds.h"

struct fs_json *
rds_obj(void)
{
	return fs_host->json_new(FS_JSON_OBJECT);
}

void
rds_set(struct fs_json *o, const char *key, struct fs_json *v)
{
	fs_host->json_set(o, key, v);
}

void
rds_set_str(struct fs_json *o, const char *key, const char *s)
{
	fs_host->json_set(o, key, fs_host->json_new_string(s ? s : ""));
}

void
rds_set_int(struct fs_json *o, const char *key, int64_t n)
{
	fs_host->json_set(o, key, fs_host->json_new_int(n));
}

struct fs_json *
rds_set_obj(struct fs_json *o, const char *key)
{
	struct fs_json *c = rds_obj();
	fs_host->json_set(o, key, c);
	return c;
}

struct fs_json *
rds_set_arr(struct fs_json *o, const char *key)
{
	struct fs_json *c = fs_host->json_new(FS_JSON_ARRAY);
	fs_host->json_set(o, key, c);
	return c;
}

void
rds_push(struct fs_json *a, struct fs_json *v)
{
	fs_host->json_append(a, v);
}

struct fs_json *
rds_names(const char *one)
{
	struct fs_json *a = fs_host->json_new(FS_JSON_ARRAY);
	fs_host->json_append(a, fs_host->json_new_string(one));
	return a;
}

const char *
rds_str(const struct fs_json *v, const char *path)
{
	return fs_host->json_string(fs_host->json_path(v, path));
}

struct fs_json *
rds_new(const char *api_version, const char *kind, const char *name,
	struct fs_json *labels)
{
	struct fs_json *o = rds_obj();
	rds_set_str(o, "apiVersion", api_version);
	rds_set_str(o, "kind", kind);
	struct fs_json *meta = rds_set_obj(o, "metadata");
	rds_set_str(meta, "name", name);
	rds_set(meta, "labels", labels);
	return o;
}

struct fs_json *
rds_selector(const char *api_version, const char *kind, const char *name,
	     const char *ns)
{
	struct fs_json *s = rds_obj();
	rds_set_str(s, "apiVersion", api_version);
	rds_set_str(s, "kind", kind);
	rds_set_str(s, "name", name);
	if (ns)
		rds_set_str(s, "namespace", ns);
	return s;
}
