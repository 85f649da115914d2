/* sched/intake.c - objects in, bindings out (see intake.h) */
#include "sched/intake.h"

#include <string.h>

#include "model/binding.h"
#include "plugin/crash.h"
#include "plugin/host_json.h"
#include "plugin/isolate.h"
#include "util/intern.h"
#include "util/buf.h"
#include "util/doc.h"
#include "util/jfield.h"

/* one error about obj as a whole, at its position */
static void
report(struct fs_decode_ctx *ctx, const cJSON *obj, const char *msg,
       const char *plugin)
{
	unsigned line = 0, col = 0;
	const char *file = ctx->file;
	if (ctx->ds) {
		fs_docset_pos(ctx->ds, obj, &line, &col);
		file = fs_docset_name(ctx->ds);
	}
	ctx->errors++;
	if (ctx->diags)
		fs_diags_add(ctx->diags, FS_DIAG_ERROR, file, line, col, NULL,
			     "%s (middleware plugin '%s')", msg, plugin);
}

/* ------------------------------------------------ interpret in a child */

struct interpret_job {
	const struct fs_mw_instance *m;
	const cJSON *obj;
};

static cJSON *
json_or_null(const struct fs_json *v)
{
	return v ? cJSON_Duplicate((const cJSON *)v, 1) : cJSON_CreateNull();
}

/* the child: interpret, then the workload as JSON */
static void
interpret_child(void *arg, struct fs_buf *reply)
{
	struct interpret_job *j = arg;
	struct fs_mw_workload w = {.struct_size = sizeof w};
	char err[512] = "";
	enum fs_code rc = fs_crash_interpret(j->m->inst, j->m->ops, j->m->inst->state, j->obj,
					     &w, err, sizeof err);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "rc", rc);
	cJSON_AddStringToObject(o, "err", err);
	cJSON_AddNumberToObject(o, "replicas", w.replicas);
	cJSON_AddItemToObject(o, "requests", json_or_null(w.requests));
	cJSON_AddItemToObject(o, "placement", json_or_null(w.placement));
	if (w.storage_class)
		cJSON_AddStringToObject(o, "storageClass", w.storage_class);
	if (w.scheduler_name)
		cJSON_AddStringToObject(o, "schedulerName", w.scheduler_name);
	cJSON_AddBoolToObject(o, "arbiter", w.arbiter);
	cJSON_AddNumberToObject(o, "mode", w.mode);
	char *text = cJSON_PrintUnformatted(o);
	fs_buf_adds(reply, text);
	cJSON_free(text);
	cJSON_Delete(o);
	fs_hjson_free(w.requests);
	fs_hjson_free(w.placement);
}

static struct fs_json *
take_json(cJSON *o, const char *key)
{
	cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(o, key);
	if (!v || cJSON_IsNull(v)) {
		cJSON_Delete(v);
		return NULL;
	}
	return FS_JSON(v);
}

static const char *
intern_or_null(const cJSON *o, const char *key)
{
	const char *s = fs_jstr(o, key);
	return s ? fs_intern(s, (size_t)-1) : NULL;
}

/* interpret in a child with a deadline: a crash or hang is err */
static enum fs_code
interpret_isolated(const struct fs_mw_instance *m, const cJSON *obj,
		   uint32_t timeout_ms, struct fs_mw_workload *w, char *err,
		   size_t errlen)
{
	struct interpret_job j = {m, obj};
	struct fs_buf reply = FS_BUF_INIT;
	int sig = 0;
	char sigbuf[32];
	enum fs_code rc = fs_isolate_run(interpret_child, &j, timeout_ms, &reply, &sig);
	cJSON *o = rc == FS_OK ? cJSON_ParseWithLength(reply.data ? reply.data : "", reply.len)
			       : NULL;
	fs_buf_release(&reply);
	if (rc == FS_E_PLUGIN)
		snprintf(err, errlen, "crashed with %s (isolated: the other objects go on)",
			 fs_isolate_signame(sig, sigbuf, sizeof sigbuf));
	else if (rc == FS_E_TIMEOUT)
		snprintf(err, errlen, "did not return within %u ms (isolated: killed, the "
			 "other objects go on)", timeout_ms);
	else if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "rc")))
		snprintf(err, errlen, "ended without a result (isolated: its child process "
			 "exited early, or could not start)");
	if (err[0]) {
		cJSON_Delete(o);
		return rc == FS_OK ? FS_E_INTERNAL : rc;
	}
	rc = (enum fs_code)cJSON_GetObjectItemCaseSensitive(o, "rc")->valueint;
	snprintf(err, errlen, "%s", fs_jstr(o, "err") ? fs_jstr(o, "err") : "");
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "replicas");
	w->replicas = cJSON_IsNumber(n) ? (int32_t)n->valuedouble : 0;
	w->requests = take_json(o, "requests");
	w->placement = take_json(o, "placement");
	w->storage_class = intern_or_null(o, "storageClass");
	w->scheduler_name = intern_or_null(o, "schedulerName");
	w->arbiter = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "arbiter"));
	n = cJSON_GetObjectItemCaseSensitive(o, "mode");
	w->mode = cJSON_IsNumber(n) ? (enum fs_sched_mode)n->valueint : FS_MODE_DEFAULT;
	cJSON_Delete(o);
	return rc;
}

static enum fs_code
interpret(const struct fs_mw_instance *m, const cJSON *obj, const char *kind,
	  struct fs_arena *a, struct fs_decode_ctx *ctx, uint32_t isolate_ms,
	  struct fs_intake *out)
{
	struct fs_mw_workload w = {.struct_size = sizeof w};
	char err[512] = "";
	enum fs_code rc;
	if (!m->ops->interpret) {
		rc = FS_E_NOTSUP;
	} else if (isolate_ms) {
		rc = interpret_isolated(m, obj, isolate_ms, &w, err, sizeof err);
	} else {
		rc = fs_crash_interpret(m->inst, m->ops, m->inst->state, obj, &w, err, sizeof err);
	}
	if (rc != FS_OK) {
		const char *ns = fs_jmeta(obj, "namespace"), *name = fs_jmeta(obj, "name");
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "%s %s/%s: %s", kind, ns ? ns : "",
			      name ? name : "(unnamed)", err[0] ? err : "interpret failed");
		report(ctx, obj, b.data, m->name);
		fs_buf_release(&b);
		out->error = fs_arena_printf(a, "interpret (%s): %s", m->name,
					     err[0] ? err : "failed");
		rc = FS_E_INVAL;
	} else if (fs_binding_from_workload(obj, &w, a, &out->b, ctx) != FS_OK) {
		out->error = "the interpreted workload could not be read (see the errors above)";
		rc = FS_E_INVAL;
	}
	fs_hjson_free(w.requests);
	fs_hjson_free(w.placement);
	return rc;
}

enum fs_code
fs_intake_object(const struct fs_profile_set *set, const cJSON *obj,
		 struct fs_arena *a, struct fs_decode_ctx *ctx,
		 struct fs_intake *out)
{
	return fs_intake_object_isolated(set, obj, a, ctx, 0, out);
}

enum fs_code
fs_intake_object_isolated(const struct fs_profile_set *set, const cJSON *obj,
			  struct fs_arena *a, struct fs_decode_ctx *ctx,
			  uint32_t isolate_ms, struct fs_intake *out)
{
	memset(out, 0, sizeof *out);
	const char *kind = fs_jstr(obj, "kind");
	if (!cJSON_IsObject(obj) || !kind)
		return FS_E_NOTFOUND;
	bool rb = strcmp(kind, "ResourceBinding") == 0;
	if (rb || strcmp(kind, "ClusterResourceBinding") == 0) {
		out->kind = rb ? FS_INTAKE_BINDING : FS_INTAKE_CLUSTER_BINDING;
		if (fs_binding_decode(obj, a, &out->b, ctx) == FS_OK)
			return FS_OK;
		out->error = "the binding could not be read (see the errors above)";
		return FS_E_INVAL;
	}
	const struct fs_mw_instance *m =
		set ? fs_profile_set_middleware(set, fs_jstr(obj, "apiVersion"), kind) : NULL;
	if (!m)
		return FS_E_NOTFOUND;
	out->kind = FS_INTAKE_MIDDLEWARE;
	out->mw = m;
	return interpret(m, obj, kind, a, ctx, isolate_ms, out);
}
