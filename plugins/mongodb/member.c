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
		mdb_set(dst, key, fs_host->json_dup(src));
}

/* spec.config.configSet {k: v} -> [{name: k, value: v}] sorted by name */
static struct fs_json *
config_list(const struct fs_json *set)
{
	size_t n = fs_host->json_size(set);
	struct fs_json *a = mdb_arr();
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
		struct fs_json *e = mdb_obj();
		mdb_set_str(e, "name", keys[i]);
		const struct fs_json *v = fs_host->json_get(set, keys[i]);
		const char *s = fs_host->json_string(v);
		if (s)
			mdb_set_str(e, "value", s);
		else
			mdb_set(e, "value", fs_host->json_dup(v));
		mdb_push(a, e);
	}
	fs_host->free(keys);
	return a;
}

struct fs_json *
mdb_member_cr(const struct mdb_plan *p)
{
	const struct fs_json *s = p->spec;
	struct fs_json *cr = mdb_obj();
	mdb_set_str(cr, "apiVersion", MDB_API);
	mdb_set_str(cr, "kind", MDB_MEMBER_KIND);
	struct fs_json *meta = mdb_set_obj(cr, "metadata");
	mdb_set_str(meta, "name", p->name);
	mdb_set(meta, "labels", mdb_labels(p, true));
	/* no owner: Karmada would carry the reference into member clusters,
	 * where the owner does not exist and the CR would be collected */
	mdb_set_arr(meta, "ownerReferences");
	struct fs_json *spec = mdb_set_obj(cr, "spec");
	mdb_set_str(spec, "type", "ReplicaSet");
	mdb_set_int(spec, "members", p->replicaset);
	const char *image = mdb_str(s, "imageSetting.image");
	mdb_set_str(spec, "image", image && *image ? image : "mongo:3.6");
	const char *pull = mdb_str(s, "imageSetting.imagePullPolicy");
	if (pull && *pull)
		mdb_set_str(spec, "imagePullPolicy", pull);
	copy_if(spec, "resources", fs_host->json_get(s, "resource"));
	const char *pw = mdb_str(s, "auth.rootPasswd");
	if (pw)
		mdb_set_str(spec, "rootPassword", pw);
	struct fs_json *pers = mdb_set_obj(spec, "persistence");
	const char *size = mdb_str(s, "storage.storageSize");
	mdb_set_str(pers, "storage", size && *size ? size : "2Gi");
	const char *sc = mdb_str(s, "storage.storageClass");
	if (sc && *sc)
		mdb_set_str(pers, "storageClassName", sc);
	struct fs_json *exp = mdb_set_obj(spec, "metricsExporterSpec");
	bool enable = false;
	fs_host->json_bool(fs_host->json_path(s, "export.enable"), &enable);
	mdb_set_bool(exp, "enable", enable);
	const struct fs_json *er = fs_host->json_path(s, "export.resource");
	mdb_set(exp, "resources", mdb_dup_obj(er));
	const struct fs_json *set = fs_host->json_path(s, "config.configSet");
	if (fs_host->json_type(set) == FS_JSON_OBJECT && fs_host->json_size(set))
		mdb_set(spec, "config", config_list(set));
	const char *ref = mdb_str(s, "config.configRef");
	if (ref && *ref)
		mdb_set_str(spec, "customConfigRef", ref);
	return cr;
}
