/*
 * ops/isolated.c - fs_ops_render and fs_ops_status in a forked child
 * (plugin/isolate.h): the result crosses the pipe as one JSON document,
 * {"code", "error", "desired", "prune", "need_pass", "why", "status"}.
 */
#include "ops/ops.h"

#include <stdio.h>
#include <string.h>

#include "plugin/isolate.h"
#include "plugin/crash.h"
#include "util/jfield.h"

struct job {
	const struct fs_ops_mw *mw;
	const struct fs_ops_input *in;
	bool status;
};

static void
add_owned(cJSON *o, const char *key, cJSON *v)
{
	cJSON_AddItemToObject(o, key, v ? v : cJSON_CreateNull());
}

static void
job_run(void *arg, struct fs_buf *reply)
{
	struct job *j = arg;
	struct fs_ops_output out;
	char err[1024] = "";
	enum fs_code code = j->status ? fs_ops_status(j->mw, j->in, &out, err, sizeof err)
				      : fs_ops_render(j->mw, j->in, &out, err, sizeof err);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "code", code);
	cJSON_AddStringToObject(o, "error", err);
	if (code == FS_OK) {
		add_owned(o, "desired", out.desired);
		add_owned(o, "prune", out.prune);
		add_owned(o, "status", out.status);
		cJSON_AddBoolToObject(o, "need_pass", out.need_pass);
		if (out.why)
			cJSON_AddStringToObject(o, "why", out.why);
		out.desired = out.prune = out.status = NULL;
		fs_ops_output_release(&out);
	}
	char *text = cJSON_PrintUnformatted(o);
	fs_buf_adds(reply, text);
	cJSON_free(text);
	cJSON_Delete(o);
}

static cJSON *
take(cJSON *o, const char *key)
{
	cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(o, key);
	if (cJSON_IsNull(v)) {
		cJSON_Delete(v);
		return NULL;
	}
	return v;
}

static enum fs_code
run(const struct fs_ops_mw *mw, const struct fs_ops_input *in, bool status,
    uint32_t timeout_ms, struct fs_ops_output *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	struct job j = {mw, in, status};
	struct fs_buf reply = FS_BUF_INIT;
	int sig = 0;
	const char *point = status ? "aggregate_status" : "render";
	const char *kind = fs_jstr(in->object, "kind");
	const char *ns = fs_jmeta(in->object, "namespace");
	const char *name = fs_jmeta(in->object, "name");
	struct fs_crash_call who; /* the plugin's name, as the crash report gives it */
	fs_crash_from(&who, mw->inst, point);
	const char *plugin = who.plugin ? who.plugin : "?";
	enum fs_code code = fs_isolate_run(job_run, &j, timeout_ms, &reply, &sig);
	char sigbuf[32];
	switch (code) {
	case FS_OK:
		break;
	case FS_E_PLUGIN:
		snprintf(err, errlen, "%s %s/%s: plugin '%s' crashed with %s in %s "
			 "(isolated: the other objects go on)",
			 kind ? kind : "", ns ? ns : "", name ? name : "",
			 plugin, fs_isolate_signame(sig, sigbuf, sizeof sigbuf), point);
		fs_buf_release(&reply);
		return code;
	case FS_E_TIMEOUT:
		snprintf(err, errlen, "%s %s/%s: plugin '%s' did not return from %s "
			 "within %u ms (isolated: killed, the other objects go on)",
			 kind ? kind : "", ns ? ns : "", name ? name : "", plugin,
			 point, timeout_ms);
		fs_buf_release(&reply);
		return code;
	default:
		snprintf(err, errlen, "%s %s/%s: plugin '%s' ended without a result in %s "
			 "(its child process exited early, or could not start)",
			 kind ? kind : "", ns ? ns : "", name ? name : "", plugin, point);
		fs_buf_release(&reply);
		return code;
	}
	cJSON *o = cJSON_ParseWithLength(reply.data ? reply.data : "", reply.len);
	fs_buf_release(&reply);
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "code");
	if (!cJSON_IsNumber(c)) {
		cJSON_Delete(o);
		snprintf(err, errlen, "%s %s/%s: the isolated %s gave no result",
			 kind ? kind : "", ns ? ns : "", name ? name : "", point);
		return FS_E_INTERNAL;
	}
	code = (enum fs_code)c->valueint;
	if (code != FS_OK) {
		snprintf(err, errlen, "%s", fs_jstr(o, "error") ? fs_jstr(o, "error") : "");
	} else {
		out->desired = take(o, "desired");
		out->prune = take(o, "prune");
		out->status = take(o, "status");
		out->need_pass = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "need_pass"));
		const char *why = fs_jstr(o, "why");
		out->why = why ? fs_xstrdup(why) : NULL;
	}
	cJSON_Delete(o);
	return code;
}

enum fs_code
fs_ops_render_isolated(const struct fs_ops_mw *mw, const struct fs_ops_input *in,
		       uint32_t timeout_ms, struct fs_ops_output *out, char *err,
		       size_t errlen)
{
	return run(mw, in, false, timeout_ms, out, err, errlen);
}

enum fs_code
fs_ops_status_isolated(const struct fs_ops_mw *mw, const struct fs_ops_input *in,
		       uint32_t timeout_ms, struct fs_ops_output *out, char *err,
		       size_t errlen)
{
	return run(mw, in, true, timeout_ms, out, err, errlen);
}
