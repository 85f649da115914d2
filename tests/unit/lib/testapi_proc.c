/*
 * tests/unit/lib/testapi_proc.c - see testapi_proc.h.
 */
#include "testapi_proc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <curl/curl.h>

static const char *
env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && v[0] ? v : dflt;
}

bool
ta_proc_start(struct ta_proc *p, const char *const *extra)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->dir, sizeof(p->dir), "/tmp/fs-testapi-XXXXXX");
	if (!mkdtemp(p->dir))
		return false;
	snprintf(p->kubeconfig, sizeof(p->kubeconfig), "%s/kubeconfig", p->dir);
	char bin[4096], crd1[4096], crd2[4096], crd3[4096], tlsdir[128];
	const char *src = env_or("FEDSTATE_SRC", ".");
	snprintf(bin, sizeof(bin), "%s/bin/fedstate-testapi", env_or("FEDSTATE_BUILD", "build"));
	snprintf(crd1, sizeof(crd1), "%s/config/crd", src);
	/* shared/ lies beside the checkout (here and in CI) */
	snprintf(crd2, sizeof(crd2), "%s/../shared/fixtures/crds/fedstate", src);
	snprintf(crd3, sizeof(crd3), "%s/../shared/fixtures/crds/karmada", src);
	snprintf(tlsdir, sizeof(tlsdir), "%s/tls", p->dir);
	const char *argv[48] = {bin, "--listen", "127.0.0.1:0", "--kubeconfig-out",
				p->kubeconfig};
	size_t n = 5;
	const char *crds[] = {crd1, crd2, crd3};
	for (size_t i = 0; i < 3; i++) {
		if (access(crds[i], R_OK) == 0) {
			argv[n++] = "--crd-dir";
			argv[n++] = crds[i];
		}
	}
	for (size_t i = 0; extra && extra[i] && n < 44; i++) {
		argv[n++] = extra[i];
		if (!strcmp(extra[i], "--tls")) {
			p->tls = true;
			argv[n++] = "--tls-dir";
			argv[n++] = tlsdir;
		}
	}
	argv[n] = NULL;
	int fds[2];
	if (pipe(fds) < 0)
		return false;
	p->pid = fork();
	if (p->pid < 0)
		return false;
	if (p->pid == 0) {
		/* the server goes when the test does, even if the test crashes */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(bin, (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s (run make first)\n", bin, strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	char line[256];
	size_t len = 0;
	struct pollfd pfd = {fds[0], POLLIN, 0};
	while (len < sizeof(line) - 1 && poll(&pfd, 1, 20000) > 0) {
		ssize_t r = read(fds[0], line + len, 1);
		if (r <= 0 || line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	close(fds[0]);
	const char *colon = strrchr(line, ':');
	if (!colon || strncmp(line, "listening on ", 13)) {
		fprintf(stderr, "fedstate-testapi did not start (said \"%s\")\n", line);
		ta_proc_stop(p);
		return false;
	}
	p->port = (uint16_t)atoi(colon + 1);
	snprintf(p->base, sizeof(p->base), "%s://127.0.0.1:%u", p->tls ? "https" : "http",
		 p->port);
	return true;
}

static size_t
collect(char *ptr, size_t size, size_t nmemb, void *ud)
{
	char **buf = ud;
	size_t old = *buf ? strlen(*buf) : 0, n = size * nmemb;
	char *nb = realloc(*buf, old + n + 1);
	if (!nb)
		return 0;
	memcpy(nb + old, ptr, n);
	nb[old + n] = '\0';
	*buf = nb;
	return n;
}

char *
ta_proc_request(const struct ta_proc *p, const char *method, const char *path,
		const char *content_type, const char *body, const char *accept,
		long *status, char **headers)
{
	CURL *e = curl_easy_init();
	char url[2048], ct[256], ac[256];
	char *out = NULL, *hdrs = NULL;
	snprintf(url, sizeof(url), "%s%s", p->base, path);
	struct curl_slist *h = NULL;
	if (content_type) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", content_type);
		h = curl_slist_append(h, ct);
	}
	if (accept) {
		snprintf(ac, sizeof(ac), "Accept: %s", accept);
		h = curl_slist_append(h, ac);
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	if (body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &out);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, &hdrs);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	*status = 0;
	if (curl_easy_perform(e) == CURLE_OK)
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(e);
	curl_slist_free_all(h);
	if (headers)
		*headers = hdrs ? hdrs : strdup("");
	else
		free(hdrs);
	return out ? out : strdup("");
}

long
ta_proc_admin(const struct ta_proc *p, const char *what)
{
	char path[512];
	long status;
	snprintf(path, sizeof(path), "/_testapi/%s", what);
	free(ta_proc_request(p, "POST", path, NULL, NULL, NULL, &status, NULL));
	return status;
}

char *
ta_proc_get(const struct ta_proc *p, const char *path, long *status)
{
	return ta_proc_request(p, "GET", path, NULL, NULL, NULL, status, NULL);
}

int
ta_proc_setup(void **state)
{
	struct ta_proc *p = calloc(1, sizeof(*p));
	if (!p || !ta_proc_start(p, NULL)) {
		free(p);
		return -1;
	}
	*state = p;
	return 0;
}

int
ta_proc_teardown(void **state)
{
	struct ta_proc *p = *state;
	bool clean = ta_proc_stop(p);
	free(p);
	return clean ? 0 : -1;
}

bool
ta_have_kubectl(void)
{
	return system("command -v kubectl >/dev/null 2>&1") == 0;
}

int
ta_proc_kubectl(const struct ta_proc *p, const char *args, char *out, size_t n)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "KUBECONFIG=%s kubectl %s 2>&1", p->kubeconfig, args);
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	size_t len = fread(out, 1, n - 1, f);
	out[len] = '\0';
	int st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

bool
ta_proc_stop(struct ta_proc *p)
{
	bool clean = false;
	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		int st = 0;
		waitpid(p->pid, &st, 0);
		clean = WIFEXITED(st) && WEXITSTATUS(st) == 0;
		p->pid = 0;
	}
	if (p->dir[0]) {
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", p->dir);
		p->dir[0] = '\0';
	}
	return clean;
}

int
ta_proc_dial(const struct ta_proc *p)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(p->port)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}
