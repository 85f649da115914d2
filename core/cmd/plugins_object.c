/*
 * cmd/plugins_object.c - `fedstate plugins check FILE.so --object FILE`:
 * a middleware plugin that loads and initialises is then run on real
 * objects: interpret, render and aggregate_status of each object of its
 * kind, each call in a forked child with the check's timeout
 * (plugin/isolate.h), one line per call. Exit 0 when every call
 * succeeded, 3 otherwise.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/plugins_object.h"
#include "model/schedresult.h"
#include "ops/config.h"
#include "ops/input.h"
#include "ops/ops.h"
#include "plugin/crash.h"
#include "plugin/host_json.h"
#include "plugin/isolate.h"
#include "plugin/loader.h"
#include "runtime/runtime.h"
#include "util/buf.h"
#include "util/jfield.h"
#include "util/status.h"

struct interpret_job {
	const struct fs_ops_mw *mw;
	const cJSON *obj;
};

/* the child: interpret, reply "<code>\t<message>\t<replicas>" */
static void
interpret_child(void *arg, struct fs_buf *reply)
{
	struct interpret_job *j = arg;
	struct fs_mw_workload w = {.struct_size = sizeof w};
	char err[512] = "";
	enum fs_code rc = fs_crash_interpret(j->mw->inst, j->mw->ops, j->mw->state, j->obj, &w,
					     err, sizeof err);
	fs_buf_printf(reply, "%d\t%s\t%d", (int)rc, err, w.replicas);
	fs_hjson_free(w.requests);
	fs_hjson_free(w.placement);
}

/* the verdict of one isolated call into line; true when it succeeded */
static bool
verdict(struct fs_buf *line, enum fs_code run, int sig, uint32_t timeout_ms)
{
	char sigbuf[32];
	if (run == FS_E_PLUGIN)
		fs_buf_printf(line, "CRASHED with %s", fs_isolate_signame(sig, sigbuf, sizeof sigbuf));
	else if (run == FS_E_TIMEOUT)
		fs_buf_printf(line, "HUNG: no answer within %u ms (killed)", timeout_ms);
	else if (run != FS_OK)
		fs_buf_adds(line, "FAILED: its child process ended without a result");
	return run == FS_OK;
}

static bool
check_interpret(const struct fs_ops_mw *mw, const cJSON *obj, uint32_t timeout_ms,
		struct fs_buf *line)
{
	fs_buf_adds(line, "  interpret         ");
	if (!mw->ops->interpret) {
		fs_buf_adds(line, "not implemented");
		return true;
	}
	struct interpret_job j = {mw, obj};
	struct fs_buf reply = FS_BUF_INIT;
	int sig = 0;
	enum fs_code run = fs_isolate_run(interpret_child, &j, timeout_ms, &reply, &sig);
	bool ok = verdict(line, run, sig, timeout_ms);
	if (ok) {
		/* "<code>\t<message, may hold tabs>\t<replicas>" */
		char *text = reply.data ? reply.data : (char *)"";
		char *t1 = strchr(text, '\t'), *t2 = t1 ? strrchr(t1 + 1, '\t') : NULL;
		int c = t2 ? atoi(text) : FS_E_INTERNAL;
		const char *msg = t1 ? t1 + 1 : "", *replicas = t2 ? t2 + 1 : "?";
		if (t2)
			*t2 = '\0';
		ok = c == FS_OK;
		if (ok)
			fs_buf_printf(line, "ok: %s replicas", replicas ? replicas : "?");
		else
			fs_buf_printf(line, "error %s: %s", fs_strerror((enum fs_code)c),
				      msg && *msg ? msg : "(no message)");
	}
	fs_buf_release(&reply);
	return ok;
}

static bool
check_call(const struct fs_ops_mw *mw, const struct fs_ops_input *in, bool status,
	   uint32_t timeout_ms, struct fs_buf *line)
{
	fs_buf_adds(line, status ? "  aggregate_status  " : "  render            ");
	struct fs_ops_output out;
	char err[1024] = "";
	enum fs_code rc = status ? fs_ops_status_isolated(mw, in, timeout_ms, &out, err, sizeof err)
				 : fs_ops_render_isolated(mw, in, timeout_ms, &out, err, sizeof err);
	if (rc != FS_OK) {
		fs_buf_printf(line, "%s: %s", rc == FS_E_PLUGIN ? "CRASHED"
					      : rc == FS_E_TIMEOUT ? "HUNG" : "error", err);
		return false;
	}
	if (status)
		fs_buf_adds(line, "ok: a status object");
	else
		fs_buf_printf(line, "ok: %d object(s)%s%s", cJSON_GetArraySize(out.desired),
			      out.need_pass ? ", another pass wanted: " : "",
			      out.need_pass ? out.why : "");
	fs_ops_output_release(&out);
	return true;
}

int
fs_cmd_plugins_check_objects(const char *path, const char *name, const char *args,
			     const char *objects, const char *clusters,
			     const char *placement, uint32_t timeout_ms)
{
	char real[PATH_MAX];
	if (!realpath(path, real)) {
		fprintf(stderr, "fedstate plugins check: %s: no such file\n", path);
		return 3;
	}
	*strrchr(real, '/') = '\0';
	struct fs_buf conf = FS_BUF_INIT;
	fs_buf_printf(&conf, "apiVersion: %s\nkind: %s\npluginDirs: ['%s']\nmiddlewares:\n"
		      "- name: '%s'\n", FS_OPS_CONFIG_API_VERSION, FS_OPS_CONFIG_KIND, real, name);
	if (args)
		fs_buf_printf(&conf, "  args: %s\n", args);
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_ops_config *cfg = NULL;
	struct fs_ops *ops = NULL;
	struct fs_runtime *rt = fs_runtime_new(NULL);
	cJSON *objs = NULL, *cls = NULL, *pl = NULL;
	int rc = 3;
	if (!rt)
		goto out;
	if (fs_ops_config_load_mem("(plugins check)", conf.data, conf.len, &cfg, &d) != FS_OK ||
	    fs_ops_open(fs_runtime_registry(rt), cfg, NULL, 0, &ops, &d) != FS_OK ||
	    fs_ops_load_objects(objects, &objs, &d) != FS_OK ||
	    (clusters && fs_ops_load_objects(clusters, &cls, &d) != FS_OK))
		goto out;
	if (placement) {
		char err[512];
		if (fs_schedresult_parse("--placement", placement, strlen(placement), &pl, err,
					 sizeof err) != FS_OK) {
			fprintf(stderr, "fedstate plugins check: %s\n", err);
			goto out;
		}
	}
	const struct fs_ops_mw *mw = fs_ops_at(ops, 0);
	size_t seen = 0, failed = 0;
	const cJSON *obj;
	printf("objects  %s\n", objects);
	cJSON_ArrayForEach(obj, objs) {
		if (!fs_ops_find(ops, fs_jstr(obj, "apiVersion"), fs_jstr(obj, "kind")))
			continue;
		seen++;
		const char *ns = fs_jmeta(obj, "namespace"), *nm = fs_jmeta(obj, "name");
		printf("%s %s/%s\n", fs_jstr(obj, "kind"), ns ? ns : "default", nm ? nm : "?");
		struct fs_buf line = FS_BUF_INIT;
		failed += !check_interpret(mw, obj, timeout_ms, &line);
		printf("%s\n", line.data);
		struct fs_ops_input in = {.object = obj, .placement = pl, .clusters = cls};
		for (int status = 0; status < 2; status++) {
			fs_buf_reset(&line);
			if (status && !mw->ops->aggregate_status)
				continue;
			failed += !check_call(mw, &in, status, timeout_ms, &line);
			printf("%s\n", line.data);
		}
		fs_buf_release(&line);
	}
	if (!seen)
		printf("  (no object of kind %s in %s)\n", mw->kind, objects);
	printf("objects  %zu checked, %zu call(s) failed\n", seen, failed);
	rc = failed || !seen ? 3 : 0;
out:
	if (d.n)
		fs_diags_print(&d, stderr);
	fs_diags_release(&d);
	cJSON_Delete(objs);
	cJSON_Delete(cls);
	cJSON_Delete(pl);
	fs_ops_close(ops);
	fs_ops_config_free(cfg);
	fs_runtime_free(rt);
	fs_buf_release(&conf);
	return rc;
}

/* ------------------------------------------- scheduling plugins: simulate */

struct sim_job {
	int argc;
	char **argv;
};

static void
simulate_child(void *arg, struct fs_buf *reply)
{
	struct sim_job *j = arg;
	int rc = fs_cmd_simulate(j->argc, j->argv);
	fflush(stdout);
	fs_buf_printf(reply, "%d", rc);
}

int
fs_cmd_plugins_check_bindings(const char *path, const char *name, const char *args,
			      const char *clusters, const char *bindings,
			      uint32_t timeout_ms)
{
	char real[PATH_MAX];
	if (!realpath(path, real)) {
		fprintf(stderr, "fedstate plugins check: %s: no such file\n", path);
		return 3;
	}
	*strrchr(real, '/') = '\0';
	char conf[] = "/tmp/fedstate-check-XXXXXX";
	int fd = mkstemp(conf);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		fprintf(stderr, "fedstate plugins check: cannot write a temporary config\n");
		return 3;
	}
	/* Karmada's defaults plus this plugin at every point it implements */
	fprintf(f, "apiVersion: config.fedstate.io/v1alpha1\nkind: SchedulerConfiguration\n"
		   "pluginDirs: ['%s']\nplugins:\n  - name: '%s'\nprofiles:\n"
		   "  - schedulerName: default-scheduler\n    plugins:\n      multiPoint:\n"
		   "        enabled:\n          - name: '%s'\n", real, name, name);
	if (args)
		fprintf(f, "    pluginConfig:\n      - name: '%s'\n        args: %s\n", name, args);
	fclose(f);
	char *argv[] = {"simulate", "--config", conf, "--clusters", (char *)clusters,
			"--bindings", (char *)bindings, NULL};
	struct sim_job j = {7, argv};
	struct fs_buf reply = FS_BUF_INIT;
	int sig = 0;
	char sigbuf[32];
	printf("bindings %s (with Karmada's default plugins and '%s' at every point it "
	       "implements)\n", bindings, name);
	fflush(stdout);
	enum fs_code run = fs_isolate_run(simulate_child, &j, timeout_ms, &reply, &sig);
	unlink(conf);
	int rc = 3;
	if (run == FS_E_PLUGIN)
		printf("verdict  CRASHED with %s while scheduling (see the report above)\n",
		       fs_isolate_signame(sig, sigbuf, sizeof sigbuf));
	else if (run == FS_E_TIMEOUT)
		printf("verdict  HUNG: the bindings were not scheduled within %u ms (killed)\n",
		       timeout_ms);
	else if (run != FS_OK)
		printf("verdict  FAILED: the scheduling child ended without a result\n");
	else {
		rc = atoi(reply.data ? reply.data : "3");
		printf("verdict  %s\n", rc == 0 ? "every binding went through the cycle"
						 : "simulate failed (see above)");
		rc = rc ? 3 : 0;
	}
	fs_buf_release(&reply);
	return rc;
}
