/* sched/intake.c - objects in, bindings out (see intake.h) */
#include "sched/intake.h"

#include <string.h>

#include "model/binding.h"
#include "plugin/crash.h"
#include "plugin/host_json.h"
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

static enum fs_code
interpret(const struct fs_mw_instance *m, const cJSON *obj, const char *kind,
	  struct fs_arena *a, struct fs_decode_ctx *ctx, struct fs_intake *out)
{
	struct fs_mw_workload w = {.struct_size = sizeof w};
	char err[512] = "";
	struct fs_crash_call cc;
	fs_crash_from(&cc, m->inst, "interpret");
	cc.kind = kind;
	cc.ns = fs_jmeta(obj, "namespace");
	cc.name = fs_jmeta(obj, "name");
	fs_crash_enter(&cc);
	enum fs_code rc = m->ops->interpret
		? m->ops->interpret(m->inst->state, FS_JSON(obj), &w, err, sizeof err)
		: FS_E_NOTSUP;
	fs_crash_leave(&cc);
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
	return interpret(m, obj, kind, a, ctx, out);
}
