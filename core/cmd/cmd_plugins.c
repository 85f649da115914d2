/*
 * cmd/cmd_plugins.c - `fedstate plugins list` and `fedstate plugins check`.
 *
 * check loads the file and runs init() in a forked child under a timeout,
 * so a plugin that crashes or hangs cannot take the tool down. Exit codes:
 * 0 loadable, 1 incompatible (FS_E_ABI, FS_E_KIND, FS_E_NAME), 2 not a
 * plugin (FS_E_NOT_PLUGIN), 3 load or init failure (anything else: the
 * file's permissions, FS_E_IO, init, a crash or hang).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cmd/cmd.h"
#include "cmd/plugin_dirs.h"
#include "cmd/plugins_object.h"
#include "plugin/loader.h"
#include "runtime/runtime.h"
#include "util/buf.h"

enum { EXIT_LOADABLE = 0, EXIT_INCOMPATIBLE = 1, EXIT_NOT_PLUGIN = 2, EXIT_FAILED = 3 };

static int
exit_for(enum fs_code rc)
{
	switch (rc) {
	case FS_OK: return EXIT_LOADABLE;
	case FS_E_ABI: /* a plugin, for another ABI or build */
	case FS_E_KIND: /* a plugin of the other kind */
	case FS_E_NAME: /* a plugin declaring another name than its file's */
		return EXIT_INCOMPATIBLE;
	case FS_E_NOT_PLUGIN: return EXIT_NOT_PLUGIN;
	default: return EXIT_FAILED;
	}
}

static const char *
verdict_name(int code)
{
	static const char *const names[] = {"LOADABLE", "INCOMPATIBLE", "NOT A PLUGIN", "FAILED"};
	return code >= 0 && code <= 3 ? names[code] : "FAILED";
}

static cJSON *
describe(const struct fs_loaded_plugin *lp)
{
	char caps[256];
	char abi[16];
	snprintf(abi, sizeof abi, "%u.%u", lp->desc.abi_major, lp->desc.abi_minor);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", lp->desc.name);
	cJSON_AddStringToObject(o, "version", lp->desc.version);
	cJSON_AddStringToObject(o, "abi", abi);
	cJSON_AddStringToObject(o, "kind", fs_plugin_kind_name(lp->desc.kind));
	fs_plugin_caps_string(lp->desc.caps, caps, sizeof caps);
	cJSON_AddStringToObject(o, "capabilities", caps);
	cJSON_AddStringToObject(o, "description", lp->desc.description);
	if (lp->desc.kind == FS_PLUGIN_MIDDLEWARE) {
		char gvk[256];
		snprintf(gvk, sizeof gvk, "%s%s%s/%s", lp->mw.group,
			 *lp->mw.group ? "/" : "", lp->mw.version, lp->mw.kind);
		cJSON_AddStringToObject(o, "handles", gvk);
	}
	if (lp->desc.vendor)
		cJSON_AddStringToObject(o, "vendor", lp->desc.vendor);
	if (lp->desc.license)
		cJSON_AddStringToObject(o, "license", lp->desc.license);
	if (lp->desc.args_schema)
		cJSON_AddStringToObject(o, "argsSchema", lp->desc.args_schema);
	cJSON_AddStringToObject(o, "file", lp->path);
	cJSON_AddStringToObject(o, "sha256", lp->sha256);
	cJSON_AddNumberToObject(o, "size", (double)lp->size);
	return o;
}

/* ------------------------------------------------------------------ list */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the file name differs from the declared name: configs load a plugin by
 * name as <dir>/<name>.so, so this file would never be found. A new
 * message (caller frees), NULL when they agree. */
static char *
name_mismatch(const char *path, const char *declared)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base), dl = strlen(declared);
	if (n == dl + 3 && strncmp(base, declared, dl) == 0 && strcmp(base + dl, ".so") == 0)
		return NULL;
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "the file is named '%s' but declares the plugin '%s'; configs load "
		      "plugins by name as <dir>/<name>.so, so no config can load this file\n"
		      "  hint: install it as %s.so", base, declared, declared);
	return fs_buf_detach(&b);
}

static int
plugins_list(struct fs_registry *reg, bool json)
{
	int status = 0;
	cJSON *arr = cJSON_CreateArray();
	for (size_t d = 0; d < reg->ndirs; d++) {
		DIR *dir = opendir(reg->dirs[d]);
		if (!dir) {
			fprintf(stderr, "fedstate: cannot open plugin directory '%s': %s\n", reg->dirs[d], strerror(errno));
			status = 1;
			continue;
		}
		char **names = NULL;
		size_t n = 0;
		struct dirent *e;
		while ((e = readdir(dir))) {
			size_t len = strlen(e->d_name);
			if (len > 3 && strcmp(e->d_name + len - 3, ".so") == 0) {
				names = fs_xrealloc(names, (n + 1) * sizeof *names);
				names[n++] = fs_xstrdup(e->d_name);
			}
		}
		closedir(dir);
		qsort(names, n, sizeof *names, cmp_str);
		for (size_t i = 0; i < n; i++) {
			char path[PATH_MAX], err[1024];
			snprintf(path, sizeof path, "%s/%s", reg->dirs[d], names[i]);
			free(names[i]);
			struct fs_loaded_plugin *lp;
			enum fs_code rc = fs_plugin_load_path(reg, path, NULL, &lp, err, sizeof err);
			if (rc != FS_OK) {
				fprintf(stderr, "fedstate: %s\n", err);
				status = 1;
				continue;
			}
			char *warn = name_mismatch(path, lp->desc.name);
			if (warn)
				fprintf(stderr, "fedstate: warning: plugin '%s' (%s): %s\n",
					lp->desc.name, path, warn);
			free(warn);
			cJSON_AddItemToArray(arr, describe(lp));
		}
		free(names);
	}
	if (json) {
		char *s = cJSON_Print(arr);
		puts(s);
		free(s);
		cJSON_Delete(arr);
		return status;
	}
	/* a table sized to its content; HANDLES is the federated kind of a
	 * middleware plugin ("-" for a scheduling plugin) */
	static const char *const cols[] = {"name", "version", "abi", "kind", "handles",
					   "capabilities", "file"};
	static const char *const heads[] = {"NAME", "VERSION", "ABI", "KIND", "HANDLES",
					    "CAPABILITIES", "FILE"};
	enum { NCOLS = sizeof cols / sizeof cols[0] };
	int w[NCOLS];
	for (size_t c = 0; c < NCOLS; c++)
		w[c] = (int)strlen(heads[c]);
	const cJSON *o;
	cJSON_ArrayForEach(o, arr) {
		for (size_t c = 0; c < NCOLS; c++) {
			const cJSON *v = cJSON_GetObjectItem(o, cols[c]);
			int len = cJSON_IsString(v) ? (int)strlen(v->valuestring) : 1;
			if (len > w[c])
				w[c] = len;
		}
	}
	for (size_t c = 0; c + 1 < NCOLS; c++)
		printf("%-*s ", w[c], heads[c]);
	printf("%s\n", heads[NCOLS - 1]);
	cJSON_ArrayForEach(o, arr) {
		for (size_t c = 0; c < NCOLS; c++) {
			const cJSON *v = cJSON_GetObjectItem(o, cols[c]);
			const char *t = cJSON_IsString(v) ? v->valuestring : "-";
			if (c + 1 < NCOLS)
				printf("%-*s ", w[c], t);
			else
				printf("%s\n", t);
		}
	}
	cJSON_Delete(arr);
	return status;
}

/* ----------------------------------------------------------------- check */

/* the child: load, init, fini; one JSON line per stage on fd */
static void
check_child(int fd, const char *path, const char *args_text)
{
	struct fs_runtime *rt = fs_runtime_new(NULL);
	if (!rt)
		_exit(EXIT_FAILED);
	struct fs_registry *reg = fs_runtime_registry(rt);
	char err[2048] = "";
	struct fs_loaded_plugin *lp = NULL;
	enum fs_code rc = fs_plugin_load_path(reg, path, NULL, &lp, err, sizeof err);
	/* the code is mapped; init may crash or hang and _exit skips atexit,
	 * so the private copy goes now */
	fs_plugin_copies_remove();
	cJSON *o = rc == FS_OK ? describe(lp) : cJSON_CreateObject();
	cJSON_AddStringToObject(o, "stage", "load");
	cJSON_AddNumberToObject(o, "exit", exit_for(rc));
	if (rc != FS_OK)
		cJSON_AddStringToObject(o, "message", err);
	char *line = cJSON_PrintUnformatted(o);
	dprintf(fd, "%s\n", line);
	free(line);
	cJSON_Delete(o);
	if (rc != FS_OK)
		_exit(exit_for(rc));

	cJSON *args = NULL;
	if (args_text && !(args = cJSON_Parse(args_text))) {
		dprintf(fd, "{\"stage\":\"init\",\"exit\":3,\"message\":\"--args is not valid JSON\"}\n");
		_exit(EXIT_FAILED);
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct fs_plugin *inst = NULL;
	rc = fs_plugin_instantiate(lp, args, NULL, reg->env, &inst, err, sizeof err);
	if (rc == FS_OK)
		fs_plugin_retire(inst);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cJSON_Delete(args);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "stage", "init");
	cJSON_AddNumberToObject(o, "exit", rc == FS_OK ? EXIT_LOADABLE : EXIT_FAILED);
	cJSON_AddNumberToObject(o, "ms", (double)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
	if (rc != FS_OK)
		cJSON_AddStringToObject(o, "message", err);
	line = cJSON_PrintUnformatted(o);
	dprintf(fd, "%s\n", line);
	free(line);
	cJSON_Delete(o);
	_exit(rc == FS_OK ? EXIT_LOADABLE : EXIT_FAILED);
}

/* read what the child wrote until EOF or the deadline; false on timeout */
static bool
read_child(int fd, struct fs_buf *out, int timeout_ms)
{
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long spent = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (spent >= timeout_ms)
			return false;
		struct pollfd p = {fd, POLLIN, 0};
		int r = poll(&p, 1, (int)(timeout_ms - spent));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? false : true;
		char buf[4096];
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return true;
		fs_buf_add(out, buf, (size_t)n);
	}
}

static int
plugins_check(const char *path, const char *args_text, int timeout_ms, bool json,
	      char **name_out, bool *middleware)
{
	int pfd[2];
	if (pipe(pfd) != 0) {
		fprintf(stderr, "fedstate: pipe: %s\n", strerror(errno));
		return EXIT_FAILED;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "fedstate: fork: %s\n", strerror(errno));
		return EXIT_FAILED;
	}
	if (pid == 0) {
		close(pfd[0]);
		check_child(pfd[1], path, args_text);
	}
	close(pfd[1]);
	struct fs_buf out = FS_BUF_INIT;
	bool finished = read_child(pfd[0], &out, timeout_ms);
	close(pfd[0]);
	if (!finished)
		kill(pid, SIGKILL);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;

	cJSON *load = NULL, *init = NULL;
	char *save = NULL;
	for (char *l = strtok_r(out.data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		cJSON *o = cJSON_Parse(l);
		const cJSON *stage = cJSON_GetObjectItem(o, "stage");
		if (cJSON_IsString(stage) && strcmp(stage->valuestring, "load") == 0 && !load)
			load = o;
		else if (cJSON_IsString(stage) && !init)
			init = o;
		else
			cJSON_Delete(o);
	}
	fs_buf_release(&out);

	int code;
	char msg[2048] = "";
	const cJSON *m;
	const char *name = load && cJSON_IsString(cJSON_GetObjectItem(load, "name"))
				   ? cJSON_GetObjectItem(load, "name")->valuestring : NULL;
	const char *label = name ? name : path;
	char *warn = name ? name_mismatch(path, name) : NULL;
	if (load && (m = cJSON_GetObjectItem(load, "message"))) {
		code = (int)cJSON_GetObjectItem(load, "exit")->valuedouble;
		snprintf(msg, sizeof msg, "%s", m->valuestring);
	} else if (!finished) {
		code = EXIT_FAILED;
		snprintf(msg, sizeof msg, "plugin '%s' (%s): %s timed out after %d ms and was killed",
			 label, path, load ? "initialization" : "loading", timeout_ms);
	} else if (WIFSIGNALED(st)) {
		code = EXIT_FAILED;
		snprintf(msg, sizeof msg, "plugin '%s' (%s): %s crashed: signal %d (%s)\n  hint: "
			 "remove the file from the plugin directory and report it to its vendor",
			 label, path, load ? "initialization" : "loading", WTERMSIG(st), strsignal(WTERMSIG(st)));
	} else if (init && (m = cJSON_GetObjectItem(init, "message"))) {
		code = EXIT_FAILED;
		snprintf(msg, sizeof msg, "%s", m->valuestring);
	} else if (load && init) {
		code = EXIT_LOADABLE;
	} else {
		code = EXIT_FAILED;
		snprintf(msg, sizeof msg, "plugin '%s' (%s): checker exited with status %d before reporting",
			 label, path, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}

	if (json) {
		cJSON *o = load ? cJSON_Duplicate(load, 1) : cJSON_CreateObject();
		cJSON_DeleteItemFromObject(o, "stage");
		cJSON_DeleteItemFromObject(o, "exit");
		cJSON_DeleteItemFromObject(o, "message");
		if (!cJSON_HasObjectItem(o, "file"))
			cJSON_AddStringToObject(o, "file", path);
		cJSON_AddStringToObject(o, "verdict", verdict_name(code));
		cJSON_AddNumberToObject(o, "exitCode", code);
		if (*msg)
			cJSON_AddStringToObject(o, "message", msg);
		if (warn)
			cJSON_AddItemToObject(o, "warnings", cJSON_CreateStringArray((const char *const[]){warn}, 1));
		char *s = cJSON_Print(o);
		puts(s);
		free(s);
		cJSON_Delete(o);
	} else {
		printf("file     %s", path);
		if (load && cJSON_GetObjectItem(load, "sha256"))
			printf(" (%.0f bytes, sha256 %.12s...)", cJSON_GetObjectItem(load, "size")->valuedouble,
			       cJSON_GetObjectItem(load, "sha256")->valuestring);
		printf("\n");
		if (name) {
			printf("plugin   %s %s: %s\n", name, cJSON_GetObjectItem(load, "version")->valuestring,
			       cJSON_GetObjectItem(load, "description")->valuestring);
			printf("abi      plugin %s, host accepts %d.0-%d.%d\n", cJSON_GetObjectItem(load, "abi")->valuestring,
			       FS_ABI_MAJOR, FS_ABI_MAJOR, FS_ABI_MINOR);
			printf("kind     %s\n", cJSON_GetObjectItem(load, "kind")->valuestring);
			printf("caps     %s\n", cJSON_GetObjectItem(load, "capabilities")->valuestring);
			if (cJSON_GetObjectItem(load, "handles"))
				printf("handles  %s\n", cJSON_GetObjectItem(load, "handles")->valuestring);
		}
		if (init && !cJSON_GetObjectItem(init, "message"))
			printf("init     ok in a child process (%.0f ms), fini ok\n",
			       cJSON_GetObjectItem(init, "ms")->valuedouble);
		printf("verdict  %s\n", verdict_name(code));
		if (*msg)
			printf("error    %s\n", msg);
		if (warn)
			printf("warning  %s\n", warn);
	}
	if (name_out && name && code == EXIT_LOADABLE) {
		*name_out = fs_xstrdup(name); /* for --object or --bindings */
		*middleware = cJSON_GetObjectItem(load, "handles") != NULL;
	}
	free(warn);
	cJSON_Delete(load);
	cJSON_Delete(init);
	return code;
}

static void
plugins_usage(FILE *f)
{
	fprintf(f, "usage: fedstate plugins list [--dir DIR]... [--output table|json]\n"
		   "           [--object FILE [--clusters FILE] [--placement JSON]]\n"
		   "           [--clusters FILE --bindings FILE]\n"
		   "       fedstate plugins check FILE.so [--args JSON] [--timeout SECONDS] [--output text|json]\n"
		   "\ncheck exits 0 loadable, 1 incompatible, 2 not a plugin, 3 load or init failure\n"
		   "--object runs a middleware plugin's interpret, render and aggregate_status on\n"
		   "each object of its kind, each call in a child process (exit 3 if one fails)\n"
		   "--bindings runs a scheduling plugin, with Karmada's defaults, over the bindings\n"
		   "and --clusters (fedstate simulate in a child process)\n");
}

int
fs_cmd_plugins(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		plugins_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	bool json = false;
	const char *file = NULL, *args = NULL, *object = NULL, *clusters = NULL,
		   *placement = NULL, *bindings = NULL;
	int timeout_ms = 10000;
	struct fs_registry reg;
	fs_registry_init(&reg);
	bool is_list = strcmp(argv[1], "list") == 0;
	if (!is_list && strcmp(argv[1], "check") != 0) {
		fprintf(stderr, "fedstate plugins: unknown subcommand '%s'\n", argv[1]);
		plugins_usage(stderr);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if ((strcmp(a, "--output") == 0 || strcmp(a, "-o") == 0) && v) {
			if (strcmp(v, "json") != 0 && strcmp(v, "table") != 0 && strcmp(v, "text") != 0) {
				fprintf(stderr, "fedstate plugins: --output: unknown format '%s' (expected table or json)\n", v);
				return 2;
			}
			json = strcmp(v, "json") == 0;
			i++;
		} else if (strcmp(a, "--dir") == 0 && v && is_list) {
			char real[PATH_MAX], err[512];
			if (!realpath(v, real)) {
				fprintf(stderr, "fedstate plugins: --dir '%s': %s\n", v, strerror(errno));
				return 2;
			}
			fs_registry_add_dir(&reg, real, err, sizeof err);
			i++;
		} else if (strcmp(a, "--object") == 0 && v && !is_list) {
			object = v;
			i++;
		} else if (strcmp(a, "--clusters") == 0 && v && !is_list) {
			clusters = v;
			i++;
		} else if (strcmp(a, "--bindings") == 0 && v && !is_list) {
			bindings = v;
			i++;
		} else if (strcmp(a, "--placement") == 0 && v && !is_list) {
			placement = v;
			i++;
		} else if (strcmp(a, "--args") == 0 && v && !is_list) {
			args = v;
			i++;
		} else if (strcmp(a, "--timeout") == 0 && v && !is_list) {
			char *end;
			double s = strtod(v, &end);
			if (*end || s <= 0 || s > 3600) {
				fprintf(stderr, "fedstate plugins: --timeout: expected seconds (0-3600], got '%s'\n", v);
				return 2;
			}
			timeout_ms = (int)(s * 1000);
			i++;
		} else if (!is_list && !file && a[0] != '-') {
			file = a;
		} else {
			fprintf(stderr, "fedstate plugins: unexpected argument '%s'\n", a);
			plugins_usage(stderr);
			return 2;
		}
	}
	int rc;
	if (is_list) {
		if (!reg.ndirs)
			fs_registry_add_env_dirs(&reg);
		if (!reg.ndirs)
			fs_cmd_add_default_plugin_dirs(&reg);
		rc = plugins_list(&reg, json);
	} else if (!file) {
		plugins_usage(stderr);
		rc = 2;
	} else {
		char *name = NULL;
		bool mw = false;
		bool more = object || bindings;
		rc = plugins_check(file, args, timeout_ms, json, more ? &name : NULL, &mw);
		fflush(stdout);
		if (!name) {
			/* not loadable: the verdict above says why */
		} else if (object && !mw) {
			fprintf(stderr, "fedstate plugins check: --object: %s is a scheduling "
				"plugin; try --clusters FILE --bindings FILE\n", file);
			rc = EXIT_FAILED;
		} else if (bindings && mw) {
			fprintf(stderr, "fedstate plugins check: --bindings: %s is a middleware "
				"plugin; try --object FILE\n", file);
			rc = EXIT_FAILED;
		} else if (bindings && !clusters) {
			fprintf(stderr, "fedstate plugins check: --bindings needs --clusters FILE\n");
			rc = 2;
		} else if (object) {
			rc = fs_cmd_plugins_check_objects(file, name, args, object, clusters,
							  placement, (uint32_t)timeout_ms);
		} else {
			rc = fs_cmd_plugins_check_bindings(file, name, args, clusters, bindings,
							   (uint32_t)timeout_ms);
		}
		free(name);
	}
	fs_registry_release(&reg);
	return rc;
}
