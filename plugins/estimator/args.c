/*
 * plugins/estimator/args.c - the plugin's args, their defaults and checks.
 * The defaults are Karmada's scheduler flags (--scheduler-estimator-*).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fedstate/args.h>
#include "est.h"

static enum fs_code parse_addresses(void *conf, const struct fs_json *v,
				    char *err, size_t errlen);

#define EST_ARG(k, t, f, ...) {k, t, offsetof(struct est_conf, f), __VA_ARGS__}
static const struct fs_arg est_args[] = {
	EST_ARG("filterZero", FS_ARG_BOOL, filter_zero, 0, 0, NULL, NULL),
	EST_ARG("generalEstimator", FS_ARG_BOOL, general, 0, 0, NULL, NULL),
	EST_ARG("schedulerEstimator", FS_ARG_BOOL, service, 0, 0, NULL, NULL),
	EST_ARG("timeout", FS_ARG_DURATION, timeout_ms, 1, 600000, NULL, NULL),
	EST_ARG("servicePrefix", FS_ARG_STRING, prefix, 0, 0, NULL, NULL),
	EST_ARG("serviceNamespace", FS_ARG_STRING, namespace_, 0, 0, NULL, NULL),
	EST_ARG("port", FS_ARG_INT, port, 1, 65535, NULL, NULL),
	EST_ARG("addresses", FS_ARG_CUSTOM, addrs, 0, 0, NULL, parse_addresses),
	EST_ARG("addressesOnly", FS_ARG_BOOL, addresses_only, 0, 0, NULL, NULL),
	EST_ARG("tls", FS_ARG_BOOL, tls, 0, 0, NULL, NULL),
	EST_ARG("caFile", FS_ARG_STRING, ca_file, 0, 0, NULL, NULL),
	EST_ARG("certFile", FS_ARG_STRING, cert_file, 0, 0, NULL, NULL),
	EST_ARG("keyFile", FS_ARG_STRING, key_file, 0, 0, NULL, NULL),
	EST_ARG("insecureSkipVerify", FS_ARG_BOOL, insecure, 0, 0, NULL, NULL),
	EST_ARG("cacheTTL", FS_ARG_DURATION, cache_ttl_ms, 0, 3600000, NULL, NULL),
	EST_ARG("failureLogInterval", FS_ARG_DURATION, log_interval_ms, 1000,
		86400000, NULL, NULL),
};

/* "host:port" or "[v6]:port" with a port in 1-65535 */
static bool
hostport_ok(const char *s)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	if (!colon || colon == s || strpbrk(s, "/?#@ \t\r\n"))
		return false;
	if (s[0] == '[' ? colon[-1] != ']' : memchr(s, ':', (size_t)(colon - s)) != NULL)
		return false;
	port = strtol(colon + 1, &end, 10);
	return colon[1] && !*end && port >= 1 && port <= 65535;
}

static enum fs_code
parse_addresses(void *vconf, const struct fs_json *v, char *err, size_t errlen)
{
	struct est_conf *conf = vconf;
	size_t n = fs_host->json_size(v);
	char what[64];

	if (fs_host->json_type(v) != FS_JSON_OBJECT) {
		snprintf(err, errlen, "expected an object of cluster: \"host:port\", got %s",
			 fs_json_describe(v, what, sizeof what));
		return FS_E_CONFIG;
	}
	fs_host->free(conf->addrs);
	conf->addrs = NULL;
	conf->n_addrs = 0;
	if (!n)
		return FS_OK;
	if (!(conf->addrs = fs_host->calloc(n, sizeof(*conf->addrs)))) {
		snprintf(err, errlen, "out of memory");
		return FS_E_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const char *cluster = fs_host->json_key_at(v, i);
		const char *s = fs_host->json_string(fs_host->json_at(v, i));

		if (!s || !hostport_ok(s)) {
			snprintf(err, errlen, "%s: expected \"host:port\" with a port "
				 "in 1-65535, got %s", cluster,
				 s ? s : fs_json_describe(fs_host->json_at(v, i), what,
							   sizeof what));
			return FS_E_CONFIG;
		}
		conf->addrs[conf->n_addrs].cluster = fs_host->intern(cluster, (size_t)-1);
		conf->addrs[conf->n_addrs++].hostport = fs_host->intern(s, (size_t)-1);
	}
	return FS_OK;
}

static enum fs_code
readable(const char *key, const char *path, char *err, size_t errlen)
{
	if (path && access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s: cannot read %s: %s", key, path, strerror(errno));
		return FS_E_CONFIG;
	}
	return FS_OK;
}

enum fs_code
est_conf_parse(struct est_conf *conf, const struct fs_json *args, char *err,
	       size_t errlen)
{
	enum fs_code rc;

	memset(conf, 0, sizeof(*conf));
	conf->filter_zero = true;
	conf->general = true;
	conf->service = false;
	conf->timeout_ms = 3000;
	conf->prefix = fs_host->intern("karmada-scheduler-estimator", (size_t)-1);
	conf->namespace_ = fs_host->intern("karmada-system", (size_t)-1);
	conf->port = 10352;
	conf->cache_ttl_ms = 2000;
	conf->log_interval_ms = 30000;
	rc = fs_args_parse(args, est_args, sizeof(est_args) / sizeof(est_args[0]),
			    conf, err, errlen);
	if (rc != FS_OK)
		return rc;
	if (!conf->general && !conf->service) {
		snprintf(err, errlen, "generalEstimator and schedulerEstimator are "
			 "both false: nothing to estimate with (enable one)");
		return FS_E_CONFIG;
	}
	if (conf->addresses_only && !conf->service) {
		snprintf(err, errlen, "addressesOnly: set schedulerEstimator: true too "
			 "(without it no estimator is called)");
		return FS_E_CONFIG;
	}
	if (!conf->cert_file != !conf->key_file) {
		snprintf(err, errlen, "%s: set %s too (mutual TLS needs a certificate "
			 "and its key)", conf->cert_file ? "certFile" : "keyFile",
			 conf->cert_file ? "keyFile" : "certFile");
		return FS_E_CONFIG;
	}
	if ((rc = readable("caFile", conf->ca_file, err, errlen)) != FS_OK ||
	    (rc = readable("certFile", conf->cert_file, err, errlen)) != FS_OK ||
	    (rc = readable("keyFile", conf->key_file, err, errlen)) != FS_OK)
		return rc;
	/* Karmada: TLS as soon as a CA is given or verification is skipped */
	if (conf->ca_file || conf->cert_file || conf->insecure)
		conf->tls = true;
	return FS_OK;
}

void
est_conf_release(struct est_conf *conf)
{
	fs_host->free(conf->addrs);
	conf->addrs = NULL;
	conf->n_addrs = 0;
}
