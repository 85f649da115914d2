/*
 * plugins/mongodb/interpret.c - what the scheduler needs to place a
 * MultiCloudMongoDB: member count, per-member requests, storage class,
 * a Karmada placement (tolerations, spread constraints, division), the
 * arbiter flag, the scheduling mode and the scheduler name.
 */
#include <stdio.h>
#include <string.h>

#include "mdb.h"

static enum fs_code
check_quantities(const struct fs_json *list, const char *path, char *err,
		 size_t errlen)
{
	size_t n = fs_host->json_size(list);
	for (size_t i = 0; i < n; i++) {
		const char *key = fs_host->json_key_at(list, i);
		const struct fs_json *v = fs_host->json_at(list, i);
		const char *s = fs_host->json_string(v);
		char num[32];
		int64_t iv;
		if (!s && fs_host->json_int(v, &iv)) {
			snprintf(num, sizeof num, "%lld", (long long)iv);
			s = num;
		}
		if (!s) {
			snprintf(err, errlen, "%s.%s: expected a quantity string such as "
				 "\"500m\" or \"1Gi\"", path, key);
			return FS_E_INVAL;
		}
		if (!fs_host->quantity_parse)
			continue; /* an older host: the scheduler checks later */
		int64_t amount;
		enum fs_code c = fs_host->quantity_parse(s, key, &amount);
		if (c != FS_OK) {
			snprintf(err, errlen, "%s.%s: invalid quantity \"%.40s\" (%s)",
				 path, key, s, fs_host->strerror(c));
			return FS_E_INVAL;
		}
		if (amount < 0) {
			snprintf(err, errlen, "%s.%s: expected a non-negative quantity, "
				 "got \"%.40s\"", path, key, s);
			return FS_E_INVAL;
		}
	}
	return FS_OK;
}

static enum fs_code
requests(const struct fs_json *spec, struct fs_mw_workload *out, char *err,
	 size_t errlen)
{
	const char *path = "spec.resource.requests";
	const struct fs_json *r = fs_host->json_path(spec, "resource.requests");
	if (!fs_host->json_size(r)) {
		path = "spec.resource.limits";
		r = fs_host->json_path(spec, "resource.limits");
	}
	if (!r)
		return FS_OK;
	if (fs_host->json_type(r) != FS_JSON_OBJECT) {
		snprintf(err, errlen, "%s: expected a map of quantities", path);
		return FS_E_INVAL;
	}
	enum fs_code c = check_quantities(r, path, err, errlen);
	if (c == FS_OK && fs_host->json_size(r))
		out->requests = fs_host->json_dup(r);
	return c;
}

static enum fs_code
placement(const struct fs_json *spec, enum fs_sched_mode mode,
	  struct fs_mw_workload *out, char *err, size_t errlen)
{
	struct fs_json *pl = fs_json_object();
	const struct fs_json *tol = fs_host->json_path(spec, "scheduler.tolerations");
	if (tol && fs_host->json_type(tol) != FS_JSON_ARRAY) {
		snprintf(err, errlen, "spec.scheduler.tolerations: expected a list");
		fs_host->json_free(pl);
		return FS_E_INVAL;
	}
	if (fs_host->json_size(tol))
		fs_obj_set(pl, "clusterTolerations", fs_host->json_dup(tol));
	const struct fs_json *sc =
		fs_host->json_path(spec, "spreadConstraints.spreadConstraints");
	if (sc && fs_host->json_type(sc) != FS_JSON_ARRAY) {
		snprintf(err, errlen,
			 "spec.spreadConstraints.spreadConstraints: expected a list");
		fs_host->json_free(pl);
		return FS_E_INVAL;
	}
	if (fs_host->json_size(sc))
		fs_obj_set(pl, "spreadConstraints", fs_host->json_dup(sc));
	struct fs_json *rs = fs_obj_set_obj(pl, "replicaScheduling");
	fs_obj_set_str(rs, "replicaSchedulingType", "Divided");
	fs_obj_set_str(rs, "replicaDivisionPreference", "Weighted");
	if (mode == FS_MODE_WEIGHTING) /* by what each cluster can still hold */
		fs_obj_set_str(fs_obj_set_obj(rs, "weightPreference"), "dynamicWeight",
			       "AvailableReplicas");
	out->placement = pl;
	return FS_OK;
}

static enum fs_code
interpret(const struct fs_json *obj, struct fs_mw_workload *out, char *err,
	  size_t errlen)
{
	const struct fs_json *spec = fs_host->json_get(obj, "spec");
	if (fs_host->json_type(spec) != FS_JSON_OBJECT) {
		snprintf(err, errlen, "spec: expected an object");
		return FS_E_INVAL;
	}
	int64_t rs;
	if (!fs_json_int_at(obj, "spec.replicaset", 1, 1000, &rs, err, errlen))
		return FS_E_INVAL;
	out->replicas = (int32_t)rs;
	enum fs_code c = requests(spec, out, err, errlen);
	if (c != FS_OK)
		return c;
	const char *sc = fs_json_str_at(spec, "storage.storageClass");
	out->storage_class = sc && *sc ? fs_host->intern(sc, (size_t)-1) : NULL;
	out->arbiter = false;
	const struct fs_json *arb = fs_host->json_path(spec, "config.arbiter");
	if (arb && !fs_host->json_bool(arb, &out->arbiter)) {
		snprintf(err, errlen, "spec.config.arbiter: expected true or false");
		return FS_E_INVAL;
	}
	const char *mode = fs_json_str_at(spec, "scheduler.schedulerMode");
	if (!mode || strcmp(mode, "Uniform") == 0) {
		out->mode = FS_MODE_UNIFORM;
	} else if (strcmp(mode, "Weighting") == 0) {
		out->mode = FS_MODE_WEIGHTING;
	} else {
		snprintf(err, errlen, "spec.scheduler.schedulerMode: expected "
			 "Uniform or Weighting, got \"%.40s\"", mode);
		return FS_E_INVAL;
	}
	const char *sn = fs_json_str_at(spec, "scheduler.schedulerName");
	out->scheduler_name = sn && *sn ? fs_host->intern(sn, (size_t)-1) : NULL;
	return placement(spec, out->mode, out, err, errlen);
}

enum fs_code
mdb_interpret(void *state, const struct fs_json *obj, struct fs_mw_workload *out,
	      char *err, size_t errlen)
{
	(void)state;
	enum fs_code code = interpret(obj, out, err, errlen);
	if (code != FS_OK) { /* a failed interpret hands nothing over */
		fs_host->json_free(out->requests);
		fs_host->json_free(out->placement);
		out->requests = NULL;
		out->placement = NULL;
	}
	return code;
}
