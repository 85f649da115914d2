/* tests/unit/lib/daemon_proc.c - see daemon_proc.h */
#include "daemon_proc.h"

#include <ctype.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "util/diag.h"
#include "util/doc.h"

static const char *
env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

/* every daemon started and not yet stopped, so a failed test (cmocka
 * jumps out of it) leaves none behind: dm_stop_all in the teardown */
static struct dm_proc *running[16];

static void
track(struct dm_proc *d, bool on)
{
	for (size_t i = 0; i < 16; i++)
		if (on ? !running[i] : running[i] == d) {
			running[i] = on ? d : NULL;
			return;
		}
}

void
dm_stop_all(void)
{
	for (size_t i = 0; i < 16; i++)
		if (running[i])
			dm_stop(running[i], 3000);
}

bool
dm_start(struct dm_proc *d, const struct ta_proc *api, const char *name,
	 const char *const *argv)
{
	char bin[4096];
	const char *av[64];
	size_t n = 0;

	snprintf(bin, sizeof bin, "%s/bin/fedstate", env_or("FEDSTATE_BUILD", "build"));
	snprintf(d->log, sizeof d->log, "%s/%s.log", api->dir, name);
	av[n++] = bin;
	for (; argv && *argv && n < 62; argv++)
		av[n++] = *argv;
	av[n] = NULL;
	fflush(NULL);
	d->pid = fork();
	if (d->pid < 0)
		return false;
	if (d->pid == 0) {
		/* the daemon goes with the test, even one killed by a timeout */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int fd = open(d->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(bin, (char *const *)av);
		_exit(127);
	}
	track(d, true);
	return true;
}

bool
dm_alive(struct dm_proc *d)
{
	int st;

	if (d->pid <= 0)
		return false;
	if (waitpid(d->pid, &st, WNOHANG) == d->pid) {
		track(d, false); /* gone by itself: nothing left to stop */
		d->pid = 0;
		return false;
	}
	return true;
}

int
dm_stop(struct dm_proc *d, int ms)
{
	int st = -1;

	if (d->pid <= 0)
		return -1;
	track(d, false);
	kill(d->pid, SIGTERM);
	for (int i = 0; i < ms / 10; i++) {
		if (waitpid(d->pid, &st, WNOHANG) == d->pid) {
			d->pid = 0;
			return st;
		}
		usleep(10000);
	}
	kill(d->pid, SIGKILL);
	waitpid(d->pid, &st, 0);
	d->pid = 0;
	return -1;
}

void
dm_kill9(struct dm_proc *d)
{
	if (d->pid <= 0)
		return;
	track(d, false);
	kill(d->pid, SIGKILL);
	waitpid(d->pid, NULL, 0);
	d->pid = 0;
}

char *
dm_log(const struct dm_proc *d)
{
	FILE *f = fopen(d->log, "r");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0, r;
	char *s = malloc(cap);
	while (s && (r = fread(s + len, 1, cap - len - 1, f)) > 0) {
		len += r;
		if (len + 1 == cap) {
			char *t = realloc(s, cap *= 2);
			if (!t)
				free(s);
			s = t;
		}
	}
	fclose(f);
	if (s)
		s[len] = 0;
	return s;
}

int
dm_port(const struct dm_proc *d, int n)
{
	char *log = dm_log(d);
	int port = 0;
	const char *at = log;
	for (int i = 0; at && (at = strstr(at, "(port ")); i++, at++)
		if (i == n) {
			port = atoi(at + 6);
			break;
		}
	free(log);
	return port;
}

void
dm_dump(const struct dm_proc *d)
{
	FILE *f = fopen(d->log, "r");
	char line[1024];

	fprintf(stderr, "---- %s\n", d->log);
	while (f && fgets(line, sizeof line, f))
		fputs(line, stderr);
	if (f)
		fclose(f);
}

void
dm_path_of(const cJSON *obj, char *out, size_t n, bool item)
{
	const char *av = cJSON_GetStringValue(cJSON_GetObjectItem(obj, "apiVersion"));
	const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(obj, "kind"));
	const cJSON *md = cJSON_GetObjectItem(obj, "metadata");
	const char *ns = cJSON_GetStringValue(cJSON_GetObjectItem(md, "namespace"));
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(md, "name"));
	char plural[128];
	size_t i = 0;

	for (; kind && kind[i] && i + 2 < sizeof plural; i++)
		plural[i] = (char)tolower((unsigned char)kind[i]);
	plural[i++] = 's';
	plural[i] = '\0';
	if (kind && strcmp(kind, "Namespace") == 0)
		ns = NULL;
	bool cluster_scoped = kind && (strcmp(kind, "Cluster") == 0 ||
				       strcmp(kind, "ClusterResourceBinding") == 0 ||
				       strcmp(kind, "Namespace") == 0);
	snprintf(out, n, "%s%s%s%s%s%s%s", strchr(av ? av : "", '/') ? "/apis/" : "/api/",
		 av ? av : "v1", !cluster_scoped ? "/namespaces/" : "",
		 !cluster_scoped ? (ns ? ns : "default") : "", "/", plural,
		 "");
	if (item && name) {
		size_t l = strlen(out);
		snprintf(out + l, n - l, "/%s", name);
	}
}

static void
ensure_namespace(const struct ta_proc *api, const char *ns)
{
	char body[256];
	long st = 0;

	snprintf(body, sizeof body, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
		 "\"metadata\":{\"name\":\"%s\"}}", ns);
	free(ta_proc_request(api, "POST", "/api/v1/namespaces", "application/json", body,
			     NULL, &st, NULL));
}

static void
seed_one(const struct ta_proc *api, const cJSON *src)
{
	cJSON *o = cJSON_Duplicate(src, true);
	char p[512];
	long st = 0;
	const char *ns = cJSON_GetStringValue(cJSON_GetObjectItem(
		cJSON_GetObjectItem(o, "metadata"), "namespace"));

	if (ns)
		ensure_namespace(api, ns);
	cJSON *status = cJSON_DetachItemFromObject(o, "status");
	dm_path_of(o, p, sizeof p, false);
	char *body = cJSON_PrintUnformatted(o);
	char *r = ta_proc_request(api, "POST", p, "application/json", body, NULL, &st, NULL);
	if (st != 201)
		fail_msg("create %s: %ld %s", p, st, r ? r : "");
	free(r);
	free(body);
	if (status) {
		cJSON *patch = cJSON_CreateObject();
		cJSON_AddItemToObject(patch, "status", status);
		body = cJSON_PrintUnformatted(patch);
		dm_path_of(o, p, sizeof p, true);
		strncat(p, "/status", sizeof p - strlen(p) - 1);
		r = ta_proc_request(api, "PATCH", p, "application/merge-patch+json", body,
				    NULL, &st, NULL);
		if (st != 200)
			fail_msg("status of %s: %ld %s", p, st, r ? r : "");
		free(r);
		free(body);
		cJSON_Delete(patch);
	}
	/* a server sets deletionTimestamp itself: delete what the file shows
	 * as being deleted (its finalizers keep it, Terminating) */
	if (cJSON_GetObjectItem(cJSON_GetObjectItem(o, "metadata"), "deletionTimestamp")) {
		dm_path_of(o, p, sizeof p, true);
		free(ta_proc_request(api, "DELETE", p, NULL, NULL, NULL, &st, NULL));
		if (st != 200 && st != 202)
			fail_msg("delete %s: %ld", p, st);
	}
	cJSON_Delete(o);
}

int
dm_seed_file(const struct ta_proc *api, const char *path)
{
	struct fs_docset *ds = NULL;
	struct fs_diags d = FS_DIAGS_INIT;
	int n = 0;

	if (fs_docset_load_file(&ds, path, &d) != FS_OK) {
		fs_diags_print(&d, stderr);
		fail_msg("cannot read %s", path);
	}
	for (size_t i = 0; i < fs_docset_count(ds); i++) {
		const cJSON *doc = fs_docset_doc(ds, i), *it;
		const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "kind"));
		if (kind && strcmp(kind, "List") == 0) {
			cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "items")) {
				seed_one(api, it);
				n++;
			}
			continue;
		}
		seed_one(api, doc);
		n++;
	}
	fs_docset_free(ds);
	fs_diags_release(&d);
	return n;
}

cJSON *
dm_get_json(const struct ta_proc *api, const char *path)
{
	long st = 0;
	char *body = ta_proc_get(api, path, &st);
	cJSON *j = st == 200 && body ? cJSON_Parse(body) : NULL;

	free(body);
	return j;
}

char *
dm_capture(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0, cap = 4096;
	char *out = malloc(cap);
	if (!out)
		abort();
	out[0] = '\0';
	if (!p) {
		if (status)
			*status = -1;
		return out;
	}
	size_t r;
	while ((r = fread(out + n, 1, cap - n - 1, p)) > 0) {
		n += r;
		out[n] = '\0';
		if (cap - n < 2048) {
			cap *= 2;
			out = realloc(out, cap);
			if (!out)
				abort();
		}
	}
	int st = pclose(p);
	if (status)
		*status = st;
	return out;
}
