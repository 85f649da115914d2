/*
 * testapi/main.c - fedstate-testapi: a small, faithful Kubernetes API
 * server for tests and by-hand use.
 *
 *   fedstate-testapi --listen 127.0.0.1:0 --kubeconfig-out kc.yaml \
 *       --crd-dir config/crd [--tls [--tls-dir DIR]] [--token T]
 *
 * Prints "listening on http(s)://127.0.0.1:PORT" on stdout once ready.
 * SIGINT/SIGTERM stop it cleanly.
 */
#include <ev.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/duration.h"
#include "api.h"
#include "namespace.h"
#include "certs.h"
#include "tls.h"

struct ta_opts {
	char *host;
	uint16_t port;
	const char *kubeconfig_out;
	const char *crd_dirs[32];
	size_t n_crd;
	const char *seeds[32];
	size_t n_seed;
	bool tls;
	const char *tls_dir;
	const char *token;
	const char *without;
	long window;
	double bookmark_interval;
	double idle_timeout, read_header_timeout; /* seconds; 0: the default */
	long max_connections;
};

static void
usage(FILE *f)
{
	fputs("usage: fedstate-testapi [--listen HOST:PORT] [--kubeconfig-out FILE]\n"
	      "         [--crd-dir PATH]... [--seed FILE]... [--tls] [--tls-dir DIR] [--token TOKEN]\n"
	      "         [--window N] [--bookmark-interval SECONDS] [--without-group GROUP]\n"
	      "         [--idle-timeout 90s] [--read-header-timeout 32s] [--max-connections 4096]\n"
	      "PORT 0 picks a free port; the address is printed on stdout.\n"
	      "Fault injection: POST /_testapi/{drop-watches,fail,latency,restart,compact,\n"
	      "bookmark,stats,writes} (see tests/testapi/admin.c).\n", f);
}

static bool
parse_args(int argc, char **argv, struct ta_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = strcmp(a, "--tls") && strcmp(a, "--help") && strcmp(a, "-h");
		if (takes && !v) {
			fprintf(stderr, "fedstate-testapi: %s: expected a value\n", a);
			return false;
		}
		if (!strcmp(a, "--listen")) {
			const char *colon = strrchr(v, ':');
			char *end;
			long port = colon ? strtol(colon + 1, &end, 10) : -1;
			if (!colon || *end || port < 0 || port > 65535) {
				fprintf(stderr, "fedstate-testapi: --listen: expected HOST:PORT, got \"%s\"\n", v);
				return false;
			}
			free(o->host);
			o->host = fs_xstrndup(v, (size_t)(colon - v));
			o->port = (uint16_t)port;
		} else if (!strcmp(a, "--kubeconfig-out")) {
			o->kubeconfig_out = v;
		} else if (!strcmp(a, "--crd-dir")) {
			if (o->n_crd == 32) {
				fputs("fedstate-testapi: --crd-dir: at most 32\n", stderr);
				return false;
			}
			o->crd_dirs[o->n_crd++] = v;
		} else if (!strcmp(a, "--seed")) {
			if (o->n_seed == 32) {
				fputs("fedstate-testapi: --seed: at most 32\n", stderr);
				return false;
			}
			o->seeds[o->n_seed++] = v;
		} else if (!strcmp(a, "--tls-dir")) {
			o->tls_dir = v;
		} else if (!strcmp(a, "--without-group")) {
			o->without = v;
		} else if (!strcmp(a, "--token")) {
			o->token = v;
		} else if (!strcmp(a, "--window")) {
			o->window = strtol(v, NULL, 10);
		} else if (!strcmp(a, "--bookmark-interval")) {
			o->bookmark_interval = strtod(v, NULL);
		} else if (!strcmp(a, "--idle-timeout") || !strcmp(a, "--read-header-timeout")) {
			double *d = a[2] == 'i' ? &o->idle_timeout : &o->read_header_timeout;
			if (fs_duration_parse(v, d) != FS_OK || *d <= 0 || *d > 86400) {
				fprintf(stderr, "fedstate-testapi: %s: expected a duration such as "
					"\"90s\" or \"500ms\" (at most 24h), got \"%s\"\n", a, v);
				return false;
			}
		} else if (!strcmp(a, "--max-connections")) {
			char *end;
			o->max_connections = strtol(v, &end, 10);
			if (*end || o->max_connections < 1 || o->max_connections > 1000000) {
				fprintf(stderr, "fedstate-testapi: --max-connections: expected "
					"1..1000000, got \"%s\"\n", v);
				return false;
			}
		} else if (!strcmp(a, "--tls")) {
			o->tls = true;
			continue;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else {
			fprintf(stderr, "fedstate-testapi: unknown option %s\n", a);
			usage(stderr);
			return false;
		}
		i++;
	}
	return true;
}

static bool
write_kubeconfig(const struct ta_opts *o, uint16_t port,
		 const char *tls_dir)
{
	FILE *f = fopen(o->kubeconfig_out, "w");
	if (!f) {
		fprintf(stderr, "fedstate-testapi: --kubeconfig-out %s: cannot write\n",
			o->kubeconfig_out);
		return false;
	}
	fprintf(f, "apiVersion: v1\nkind: Config\ncurrent-context: testapi\n"
		   "clusters:\n- name: testapi\n  cluster:\n    server: %s://127.0.0.1:%u\n",
		o->tls ? "https" : "http", port);
	char path[4096];
	if (o->tls) {
		snprintf(path, sizeof(path), "%s/ca.crt", tls_dir);
		char *ca = ta_file_base64(path);
		fprintf(f, "    certificate-authority-data: %s\n", ca ? ca : "");
		free(ca);
	}
	fputs("contexts:\n- name: testapi\n  context:\n    cluster: testapi\n"
	      "    user: testapi\n    namespace: default\nusers:\n- name: testapi\n  user:\n", f);
	if (o->tls) {
		snprintf(path, sizeof(path), "%s/client.crt", tls_dir);
		char *crt = ta_file_base64(path);
		snprintf(path, sizeof(path), "%s/client.key", tls_dir);
		char *key = ta_file_base64(path);
		fprintf(f, "    client-certificate-data: %s\n    client-key-data: %s\n",
			crt ? crt : "", key ? key : "");
		free(crt);
		free(key);
	}
	if (o->token)
		fprintf(f, "    token: %s\n", o->token);
	if (!o->tls && !o->token)
		fputs("    {}\n", f);
	return fclose(f) == 0;
}

static void
on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

int
main(int argc, char **argv)
{
	struct ta_opts o = {.host = fs_xstrdup("127.0.0.1"), .bookmark_interval = 5};
	signal(SIGPIPE, SIG_IGN);
#ifdef M_MXFAST
	/* no fastbins: the store holds millions of small cJSON nodes, and
	 * glibc walked every freed one (malloc_consolidate) on each large
	 * allocation or free, that is on every list page */
	mallopt(M_MXFAST, 0);
#endif
	if (!parse_args(argc, argv, &o))
		return 2;
	struct ta_api api;
	ta_api_init(&api, o.window > 0 ? (size_t)o.window : 0);
	api.bookmark_interval = o.bookmark_interval;
	api.token = o.token ? fs_xstrdup(o.token) : NULL;
	ta_builtin_resources(&api.store, o.without);
	char *err = NULL;
	for (size_t i = 0; i < o.n_crd; i++) {
		if (!ta_load_crds(&api.store, o.crd_dirs[i], &err)) {
			fprintf(stderr, "fedstate-testapi: %s\n", err);
			return 1;
		}
	}
	ta_ns_seed(&api);
	for (size_t i = 0; i < o.n_seed; i++) {
		if (!ta_seed_file(&api, o.seeds[i], &err)) {
			fprintf(stderr, "fedstate-testapi: %s\n", err);
			return 1;
		}
	}
	struct ta_tls *tls = NULL;
	char tmpdir[] = "/tmp/fedstate-testapi-XXXXXX";
	const char *tls_dir = o.tls_dir;
	if (o.tls) {
		if (!tls_dir) {
			if (!mkdtemp(tmpdir)) {
				perror("fedstate-testapi: mkdtemp");
				return 1;
			}
			tls_dir = tmpdir;
		}
		char crt[4096], key[4096], ca[4096];
		snprintf(crt, sizeof(crt), "%s/server.crt", tls_dir);
		snprintf(key, sizeof(key), "%s/server.key", tls_dir);
		snprintf(ca, sizeof(ca), "%s/ca.crt", tls_dir);
		if (!ta_certs_make(tls_dir, &err) ||
		    !(tls = ta_tls_new(crt, key, ca, &err))) {
			fprintf(stderr, "fedstate-testapi: %s\n", err);
			return 1;
		}
		api.require_auth = true;
	}
	api.http = ta_server_new(o.host, o.port, tls, ta_api_handle, &api, &err);
	if (!api.http) {
		fprintf(stderr, "fedstate-testapi: %s\n", err);
		return 1;
	}
	ta_server_set_limits(api.http, (uint32_t)(o.idle_timeout * 1000),
				     (uint32_t)(o.read_header_timeout * 1000),
				     (uint32_t)o.max_connections);
	uint16_t port = ta_server_port(api.http);
	if (o.kubeconfig_out && !write_kubeconfig(&o, port, tls_dir))
		return 1;
	struct ev_loop *loop = EV_DEFAULT;
	ev_signal sint, sterm;
	ev_signal_init(&sint, on_signal, SIGINT);
	ev_signal_init(&sterm, on_signal, SIGTERM);
	ev_signal_start(loop, &sint);
	ev_signal_start(loop, &sterm);
	printf("listening on %s://%s:%u\n", tls ? "https" : "http", o.host, port);
	fflush(stdout);
	ev_run(loop, 0);
	ev_timer_stop(loop, &api.restart);
	ta_server_free(api.http); /* streams go first: they point into api */
	ta_api_release(&api);
	ta_tls_free(tls);
	free(o.host);
	return 0;
}
