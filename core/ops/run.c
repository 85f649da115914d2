/*
 * ops/run.c - one render or status call through a middleware plugin.
 */
#include "ops/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/health.h"
#include "ops/object.h"
#include "model/schedresult.h"
#include "ops/render.h"
#include "plugin/crash.h"
#include "util/buf.h"
#include "util/jfield.h"
#include "util/status.h"

void
fs_ops_output_release(struct fs_ops_output *out)
{
	cJSON_Delete(out->desired);
	cJSON_Delete(out->prune);
	cJSON_Delete(out->status);
	free(out->why);
	memset(out, 0, sizeof *out);
}

/* "<kind> <ns>/<name>: " + msg into err */
static void
prefix_err(const struct fs_render *r, const char *msg, char *err, size_t errlen)
{
	char tmp[1024];
	snprintf(tmp, sizeof tmp, "%s", msg);
	snprintf(err, errlen, "%s %s/%s: %s", r->owner_kind, r->ns,
		 r->owner_name, tmp);
}

/* "an array", "a string", ... for what a plugin handed back */
static const char *
json_kind(const cJSON *v)
{
	if (cJSON_IsArray(v))
		return "with an array as status";
	if (cJSON_IsString(v))
		return "with a string as status";
	if (cJSON_IsNumber(v) || cJSON_IsRaw(v))
		return "with a number as status";
	if (cJSON_IsBool(v))
		return "with a boolean as status";
	return "with null as status";
}

/* The error of a failed plugin call `what` (returned `code`, wrote `msg`)
 * into err: the first refused emit when there was one (with the plugin's
 * words after it, or only those when they already quote it), else the
 * plugin's message, else which code it returned without one. */
static void
fail_message(const struct fs_render *r, const char *what, enum fs_code code,
	     const char *msg, char *err, size_t errlen)
{
	char tmp[1024];
	const char *emit = r->emit_code != FS_OK ? r->emit_err.data : NULL;

	if (emit && *msg && !strstr(msg, emit))
		snprintf(tmp, sizeof tmp, "%s (%s: %s)", emit, what, msg);
	else if (emit && !*msg)
		snprintf(tmp, sizeof tmp, "%s", emit);
	else if (*msg) /* the plugin's own words, the reason among them */
		snprintf(tmp, sizeof tmp, "%s", msg);
	else
		snprintf(tmp, sizeof tmp, "%s returned %s (%s) without a message"
			 "\n  hint: write the reason to err", what,
			 fs_code_name(code), fs_strerror(code));
	prefix_err(r, tmp, err, errlen);
}

/* placement from the input or the annotation; *owned is set when we made it */
static enum fs_code
get_placement(const struct fs_ops_input *in, const struct fs_render *r,
	      const cJSON **pl, cJSON **owned, char *err, size_t errlen)
{
	*owned = NULL;
	if (in->placement) {
		*pl = in->placement;
		return FS_OK;
	}
	char msg[512];
	enum fs_code code = fs_schedresult_of(in->object, owned, msg, sizeof msg);
	if (code != FS_OK) {
		prefix_err(r, msg, err, errlen);
		return code;
	}
	*pl = *owned;
	return FS_OK;
}

/* Clear *out, set up the render context and the placement for `in`, and
 * check that the plugin has the callback `what` (has_cb). On an error
 * nothing is left to release. */
static enum fs_code
start(const struct fs_ops_mw *mw, const struct fs_ops_input *in,
      bool has_cb, const char *what, struct fs_ops_output *out,
      struct fs_render *r, const cJSON **pl, cJSON **owned, char *err,
      size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!mw || !in || !in->object) {
		snprintf(err, errlen, "render: no middleware plugin or object given");
		return FS_E_INVAL;
	}
	enum fs_code code = fs_render_init(r, in->object, in->clusters,
					   in->existing, err, errlen);
	if (code != FS_OK)
		return code;
	r->inst = mw->inst; /* its emit refusals become its last_error */
	code = get_placement(in, r, pl, owned, err, errlen);
	if (code == FS_OK && !has_cb) {
		char msg[96];
		snprintf(msg, sizeof msg, "plugin has no %s callback", what);
		prefix_err(r, msg, err, errlen);
		cJSON_Delete(*owned);
		code = FS_E_NOTSUP;
	}
	if (code != FS_OK)
		fs_render_release(r);
	return code;
}

/* mark a call into mw's plugin on obj for the crash report */
static void
crash_enter(struct fs_crash_call *cc, const struct fs_ops_mw *mw, const char *point,
	    const cJSON *obj)
{
	fs_crash_about(cc, mw->inst, point, obj);
	fs_crash_enter(cc);
}

enum fs_code
fs_ops_render(const struct fs_ops_mw *mw, const struct fs_ops_input *in,
	      struct fs_ops_output *out, char *err, size_t errlen)
{
	struct fs_render r;
	const cJSON *pl;
	cJSON *owned;
	enum fs_code code = start(mw, in, mw && mw->ops->render, "render", out,
				  &r, &pl, &owned, err, errlen);
	if (code != FS_OK)
		return code;
	char msg[512] = "";
	struct fs_crash_call cc;
	crash_enter(&cc, mw, "render", in->object);
	code = mw->ops->render(mw->state, &r, (const struct fs_json *)in->object,
			       (const struct fs_json *)pl, msg, sizeof msg);
	fs_crash_leave(&cc);
	if (FS_IS_ERROR(code) || r.emit_code != FS_OK) {
		/* a refused emit is the reason, whether the plugin passed the
		 * code on, ignored it, or said something of its own */
		fail_message(&r, "render", code, msg, err, errlen);
		code = FS_IS_ERROR(code) ? code : r.emit_code;
		goto done;
	}
	code = FS_OK;
	out->desired = fs_render_take(&r);
	cJSON *o;
	cJSON_ArrayForEach(o, out->desired) fs_ops_sort_keys(o);
	fs_ops_sort_objects(out->desired);
	out->need_pass = r.need_pass;
	if (r.need_pass) {
		out->why = fs_xstrdup(r.why.data);
		out->prune = cJSON_CreateArray(); /* deferred until complete */
	} else {
		out->prune = fs_ops_prune(in->object, in->existing, out->desired);
	}
done:
	cJSON_Delete(owned);
	fs_render_release(&r);
	return code;
}

enum fs_code
fs_ops_status(const struct fs_ops_mw *mw, const struct fs_ops_input *in,
	      struct fs_ops_output *out, char *err, size_t errlen)
{
	struct fs_render r;
	const cJSON *pl;
	cJSON *owned;
	enum fs_code code = start(mw, in, mw && mw->ops->aggregate_status,
				  "aggregate_status", out, &r, &pl, &owned, err,
				  errlen);
	if (code != FS_OK)
		return code;
	char msg[512] = "";
	struct fs_json *status = NULL;
	/* each member's health from interpret_health where Karmada had none */
	cJSON *judged = fs_ops_member_health(mw, in->binding, in->existing);
	const cJSON *binding = judged ? judged : in->binding;
	struct fs_crash_call cc;
	crash_enter(&cc, mw, "aggregate_status", in->object);
	code = mw->ops->aggregate_status(
		mw->state, &r, (const struct fs_json *)in->object,
		(const struct fs_json *)pl, (const struct fs_json *)binding,
		&status, msg, sizeof msg);
	fs_crash_leave(&cc);
	cJSON_Delete(judged);
	if (FS_IS_ERROR(code)) {
		cJSON_Delete((cJSON *)status);
		fail_message(&r, "aggregate_status", code, msg, err, errlen);
		goto done;
	}
	if (!cJSON_IsObject((cJSON *)status)) {
		/* .status of a Kubernetes object is an object: an array or a
		 * string would be written as status: [] or refused by the
		 * API server */
		snprintf(msg, sizeof msg, "aggregate_status returned %s %s; expected "
			 "a status object ({...})\n  hint: set *status to an object "
			 "built with fs_json_object()",
			 fs_code_name(code), status ? json_kind((cJSON *)status)
						    : "and no status (NULL)");
		cJSON_Delete((cJSON *)status);
		prefix_err(&r, msg, err, errlen);
		code = FS_E_PLUGIN;
		goto done;
	}
	code = FS_OK;
	out->status = (cJSON *)status;
	fs_ops_sort_keys(out->status);
done:
	cJSON_Delete(owned);
	fs_render_release(&r);
	return code;
}
