/*
 * plugins/mongodb/member.c - the member MongoDB CR that Karmada divides
 * across the clusters (spec.members is the total; Karmada's static weights
 * and the interpreter's ReviseReplica give each cluster its share).
 */
#include <string.h>

#include "mdb.h"

static void
copy_if(struct fs_json *dst, const char *key, const struct fs_json *src)
{
	if (src)
		fs_obj_set(dst, key, fs_host->json_dup(src));
}

/* spec.config.configSet {k: v} -> [{name: k, value: v}] sorted by name */
static struct fs_json *
config_list(const struct fs_json *set)
{
	size_t n = fs_host->json_size(set);
	struct fs_json *a = fs_json_array();
	const char **keys = fs_host->calloc(n + 1, sizeof *keys);
	if (!keys)
		return a;
	for (size_t i = 0; i < n; i++) {
		const char *k = fs_host->json_key_at(set, i);
		size_t j = i;
		while (j > 0 && strcmp(keys[j - 1], k) > 0) {
			keys[j] = keys[j - 1];
			j--;
		}
		keys[j] = k;
	}
	for (size_t i = 0; i < n; i++) {
		struct fs_json *e = fs_json_object();
		fs_obj_set_str(e, "name", keys[i]);
		const struct fs_json *v = fs_host->json_get(set, keys[i]);
		const char *s = fs_host->json_string(v);
		if (s)
			fs_obj_set_str(e, "value", s);
		else
			fs_obj_set(e, "value", fs_host->json_dup(v));
		fs_arr_push(a, e);
	}
	fs_host->free(keys);
	return a;
}

struct fs_json *
mdb_member_cr(const struct mdb_plan *p)
{
	const struct fs_json *s = p->spec;
	struct fs_json *cr = fs_json_object();
	fs_obj_set_str(cr, "apiVersion", MDB_API);
	fs_obj_set_str(cr, "kind", MDB_MEMBER_KIND);
	struct fs_json *meta = fs_obj_set_obj(cr, "metadata");
	fs_obj_set_str(meta, "name", p->name);
	fs_obj_set(meta, "labels", mdb_labels(p, true));
	/* no owner: Karmada would carry the reference into member clusters,
	 * where the owner does not exist and the CR would be collected */
	fs_obj_set_arr(meta, "ownerReferences");
	struct fs_json *spec = fs_obj_set_obj(cr, "spec");
	fs_obj_set_str(spec, "type", "ReplicaSet");
	fs_obj_set_int(spec, "members", p->replicaset);
	const char *image = fs_json_str_at(s, "imageSetting.image");
	fs_obj_set_str(spec, "image", image && *image ? image : "mongo:3.6");
	const char *pull = fs_json_str_at(s, "imageSetting.imagePullPolicy");
	if (pull && *pull)
		fs_obj_set_str(spec, "imagePullPolicy", pull);
	copy_if(spec, "resources", fs_host->json_get(s, "resource"));
	const char *pw = fs_json_str_at(s, "auth.rootPasswd");
	if (pw)
		fs_obj_set_str(spec, "rootPassword", pw);
	struct fs_json *pers = fs_obj_set_obj(spec, "persistence");
	const char *size = fs_json_str_at(s, "storage.storageSize");
	fs_obj_set_str(pers, "storage", size && *size ? size : "2Gi");
	const char *sc = fs_json_str_at(s, "storage.storageClass");
	if (sc && *sc)
		fs_obj_set_str(pers, "storageClassName", sc);
	struct fs_json *exp = fs_obj_set_obj(spec, "metricsExporterSpec");
	bool enable = false;
	fs_host->json_bool(fs_host->json_path(s, "export.enable"), &enable);
	fs_obj_set_bool(exp, "enable", enable);
	const struct fs_json *er = fs_host->json_path(s, "export.resource");
	fs_obj_set(exp, "resources", fs_obj_dup(er));
	const struct fs_json *set = fs_host->json_path(s, "config.configSet");
	if (fs_host->json_type(set) == FS_JSON_OBJECT && fs_host->json_size(set))
		fs_obj_set(spec, "config", config_list(set));
	const char *ref = fs_json_str_at(s, "config.configRef");
	if (ref && *ref)
		fs_obj_set_str(spec, "customConfigRef", ref);
	return cr;
}
