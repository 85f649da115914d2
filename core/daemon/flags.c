/*
 * daemon/flags.c - the flag parser and the daemons' common flags (see
 * flags.h).
 */
#include "daemon/flags.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/duration.h"
#include "util/keys.h"
#include "util/log.h"

#define MAX_FLAGS 128

static const struct fs_flag *
find_flag(const struct fs_flag *const *tables, const char *name, size_t n)
{
	for (size_t t = 0; tables[t]; t++)
		for (const struct fs_flag *f = tables[t]; f->name; f++)
			if (strlen(f->name) == n && !strncmp(f->name, name, n))
				return f;
	return NULL;
}

static void
unknown(const struct fs_flag *const *tables, const char *arg, const char *name,
	size_t n, struct fs_buf *err)
{
	const char *known[MAX_FLAGS + 1];
	size_t k = 0;
	for (size_t t = 0; tables[t]; t++)
		for (const struct fs_flag *f = tables[t]; f->name && k < MAX_FLAGS; f++)
			known[k++] = f->name;
	known[k] = NULL;
	char *key = fs_xstrndup(name, n);
	const char *near = fs_keys_nearest(key, known);
	size_t al = strcspn(arg, "=");
	fs_buf_printf(err, "unknown flag %.*s", (int)al, arg);
	if (near)
		fs_buf_printf(err, " (did you mean %s%s?)", strlen(near) == 1 ? "-" : "--", near);
	else
		fs_buf_adds(err, "; hint: --help lists the flags");
	free(key);
}

static bool
parse_bool(const char *v, bool *out)
{
	static const char *const t[] = {"true", "1", "t", "TRUE", "True", NULL};
	static const char *const f[] = {"false", "0", "f", "FALSE", "False", NULL};
	for (size_t i = 0; t[i]; i++) {
		if (!strcmp(v, t[i])) {
			*out = true;
			return true;
		}
		if (!strcmp(v, f[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* store v into f's destination; false with err set */
static bool
set_value(const struct fs_flag *f, const char *dash, const char *v, struct fs_buf *err)
{
	char *end = NULL;
	switch (f->type) {
	case FS_FLAG_BOOL:
		if (parse_bool(v, f->dst))
			return true;
		fs_buf_printf(err, "flag %s%s: \"%s\" is not a boolean; expected true or false", dash, f->name, v);
		return false;
	case FS_FLAG_INT: {
		errno = 0;
		long n = strtol(v, &end, 10);
		if (!*v || *end || errno || n < f->min || n > f->max) {
			fs_buf_printf(err, "flag %s%s: \"%s\" is not a whole number from %.0f to %.0f",
				      dash, f->name, v, f->min, f->max);
			return false;
		}
		*(int *)f->dst = (int)n;
		return true;
	}
	case FS_FLAG_DOUBLE: {
		errno = 0;
		double d = strtod(v, &end);
		if (!*v || *end || errno || isnan(d) || d < f->min || d > f->max) {
			fs_buf_printf(err, "flag %s%s: \"%s\" is not a number from %g to %g",
				      dash, f->name, v, f->min, f->max);
			return false;
		}
		*(double *)f->dst = d;
		return true;
	}
	case FS_FLAG_STRING:
		free(*(char **)f->dst);
		*(char **)f->dst = fs_xstrdup(v);
		return true;
	case FS_FLAG_DURATION: {
		double s;
		enum fs_code rc = fs_duration_parse(v, &s);
		if (rc == FS_OK && s >= f->min) {
			*(double *)f->dst = s;
			return true;
		}
		char mn[32];
		fs_duration_format(f->min, mn, sizeof(mn));
		if (rc != FS_OK)
			fs_buf_printf(err, "flag %s%s: \"%s\" is not a duration; expected a number with a unit, e.g. 15s, 1m30s, 500ms",
				      dash, f->name, v);
		else
			fs_buf_printf(err, "flag %s%s: %s is below the minimum %s", dash, f->name, v, mn);
		return false;
	}
	case FS_FLAG_CHOICE:
		for (int i = 0; f->choices[i]; i++)
			if (!strcmp(v, f->choices[i])) {
				*(int *)f->dst = i;
				return true;
			}
		fs_buf_printf(err, "flag %s%s: \"%s\" is not one of", dash, f->name, v);
		for (int i = 0; f->choices[i]; i++)
			fs_buf_printf(err, "%s %s", i ? "," : "", f->choices[i]);
		return false;
	}
	return false;
}

enum fs_code
fs_flags_parse(const struct fs_flag *const *tables, int argc, char **argv,
	       int first, bool *help, struct fs_buf *err)
{
	*help = false;
	for (int i = first; i < argc; i++) {
		const char *arg = argv[i];
		if (arg[0] != '-' || !arg[1]) {
			fs_buf_printf(err, "unexpected argument \"%s\": this command takes flags only; hint: --help lists them", arg);
			return FS_E_INVAL;
		}
		bool two = arg[1] == '-';
		const char *name = arg + (two ? 2 : 1);
		if (two && !*name) {
			if (i + 1 < argc) {
				fs_buf_printf(err, "unexpected argument \"%s\" after --: this command takes flags only", argv[i + 1]);
				return FS_E_INVAL;
			}
			break;
		}
		size_t n = strcspn(name, "=");
		const char *eq = name[n] == '=' ? name + n + 1 : NULL;
		if ((n == 4 && !strncmp(name, "help", 4) && two) || (n == 1 && *name == 'h' && !two)) {
			*help = true;
			return FS_OK;
		}
		const struct fs_flag *f = find_flag(tables, name, n);
		/* pflag: one dash only for one-letter names */
		if (!f || (!two && n != 1)) {
			unknown(tables, arg, name, n, err);
			return FS_E_INVAL;
		}
		const char *dash = strlen(f->name) == 1 ? "-" : "--";
		const char *v = eq;
		if (!v && f->type == FS_FLAG_BOOL)
			v = "true";
		if (!v) {
			/* "--kubeconfig --context x": a missing value, not "--context" */
			if (i + 1 >= argc || !strncmp(argv[i + 1], "--", 2)) {
				fs_buf_printf(err, "flag %s%s needs a value: %s%s %s", dash, f->name, dash,
					      f->name, f->arg ? f->arg : "VALUE");
				return FS_E_INVAL;
			}
			v = argv[++i];
		}
		if (!set_value(f, dash, v, err))
			return FS_E_INVAL;
	}
	return FS_OK;
}

static void
value_text(const struct fs_flag *f, char *out, size_t n)
{
	switch (f->type) {
	case FS_FLAG_BOOL:
		snprintf(out, n, "%s", *(bool *)f->dst ? "true" : "false");
		break;
	case FS_FLAG_INT:
		snprintf(out, n, "%d", *(int *)f->dst);
		break;
	case FS_FLAG_DOUBLE:
		snprintf(out, n, "%g", *(double *)f->dst);
		break;
	case FS_FLAG_STRING: {
		const char *s = *(char **)f->dst;
		snprintf(out, n, "%s%s%s", s ? "\"" : "", s ? s : "", s ? "\"" : "");
		break;
	}
	case FS_FLAG_DURATION:
		fs_duration_format(*(double *)f->dst, out, n);
		break;
	case FS_FLAG_CHOICE:
		snprintf(out, n, "%s", f->choices[*(int *)f->dst]);
		break;
	}
}

void
fs_flags_help(const struct fs_flag *const *tables, const char *usage, struct fs_buf *out)
{
	fs_buf_printf(out, "Usage: %s\n\nFlags:\n", usage);
	for (size_t t = 0; tables[t]; t++)
		for (const struct fs_flag *f = tables[t]; f->name; f++) {
			char lead[96], def[160];
			snprintf(lead, sizeof(lead), "%s%s%s%s", strlen(f->name) == 1 ? "-" : "--",
				 f->name, f->type == FS_FLAG_BOOL ? "" : " ",
				 f->type == FS_FLAG_BOOL ? "" : (f->arg ? f->arg : "VALUE"));
			value_text(f, def, sizeof(def));
			fs_buf_printf(out, "  %-42s %s", lead, f->help);
			if (*def)
				fs_buf_printf(out, " (default %s)", def);
			fs_buf_addc(out, '\n');
		}
	fs_buf_printf(out, "  %-42s %s\n", "-h, --help", "Show this help and exit.");
}

/* ---------------------------------------------------------- the daemons' own */

static const char *const log_formats[] = {"text", "json", NULL};

void
fs_daemon_flags_init(struct fs_daemon_flags *f, const char *lease_name)
{
	memset(f, 0, sizeof(*f));
	f->kube_api_qps = 40;
	f->kube_api_burst = 60;
	f->leader_elect = true;
	f->lease_duration = 15;
	f->renew_deadline = 10;
	f->retry_period = 2;
	f->lease_name = fs_xstrdup(lease_name);
	f->lease_namespace = fs_xstrdup("karmada-system");
	f->metrics_bind = fs_xstrdup(":8080");
	f->health_bind = fs_xstrdup(":10351");
	f->log_format = FS_LOG_TEXT;
}

void
fs_daemon_flags_release(struct fs_daemon_flags *f)
{
	free(f->kubeconfig);
	free(f->context);
	free(f->lease_name);
	free(f->lease_namespace);
	free(f->metrics_bind);
	free(f->health_bind);
	free(f->config);
	memset(f, 0, sizeof(*f));
}

#define COMMON_FLAGS 15

static void
common_table(struct fs_daemon_flags *f, struct fs_flag t[COMMON_FLAGS + 1])
{
	const struct fs_flag tab[COMMON_FLAGS + 1] = {
		{"config", FS_FLAG_STRING, &f->config, "FILE", "The daemon's config file (profiles, plugins); reloaded on SIGHUP and when it changes."},
		{"kubeconfig", FS_FLAG_STRING, &f->kubeconfig, "FILE", "Path to the Karmada API server's kubeconfig; in-cluster config when absent."},
		{"context", FS_FLAG_STRING, &f->context, "NAME", "The kubeconfig context to use instead of its current-context."},
		{"kube-api-qps", FS_FLAG_DOUBLE, &f->kube_api_qps, "QPS", "Requests per second to the API server; 0 turns the limit off.", 0, 1e9},
		{"kube-api-burst", FS_FLAG_INT, &f->kube_api_burst, "N", "Burst of requests to the API server above the QPS.", 0, 1e9},
		{"leader-elect", FS_FLAG_BOOL, &f->leader_elect, NULL, "Take a Lease before writing, so only one replica writes."},
		{"leader-elect-lease-duration", FS_FLAG_DURATION, &f->lease_duration, "DURATION", "How long followers wait after the last renewal before taking the Lease.", 0.001},
		{"leader-elect-renew-deadline", FS_FLAG_DURATION, &f->renew_deadline, "DURATION", "How long the leader keeps trying to renew before it gives up (and exits).", 0.001},
		{"leader-elect-retry-period", FS_FLAG_DURATION, &f->retry_period, "DURATION", "Time between tries to take or renew the Lease.", 0.001},
		{"leader-elect-resource-name", FS_FLAG_STRING, &f->lease_name, "NAME", "Name of the Lease object."},
		{"leader-elect-resource-namespace", FS_FLAG_STRING, &f->lease_namespace, "NAMESPACE", "Namespace of the Lease object."},
		{"metrics-bind-address", FS_FLAG_STRING, &f->metrics_bind, "HOST:PORT", "Where /metrics listens; \"0\" turns it off."},
		{"health-probe-bind-address", FS_FLAG_STRING, &f->health_bind, "HOST:PORT", "Where /healthz, /readyz and /livez listen; may equal the metrics address; \"0\" turns them off."},
		{"v", FS_FLAG_INT, &f->verbosity, "N", "Log verbosity: 0 info, 1-3 debug, 4 and up trace.", 0, 10},
		{"log-format", FS_FLAG_CHOICE, &f->log_format, "text|json", "Log line format.", 0, 0, log_formats},
		{NULL},
	};
	memcpy(t, tab, sizeof(tab));
}

enum fs_code
fs_daemon_flags_parse(struct fs_daemon_flags *f, const struct fs_flag *extra,
		      int argc, char **argv, struct fs_buf *err)
{
	struct fs_flag common[COMMON_FLAGS + 1];
	common_table(f, common);
	const struct fs_flag *tables[] = {common, extra, NULL};
	enum fs_code rc = fs_flags_parse(tables, argc, argv, 1, &f->help, err);
	if (rc != FS_OK || f->help)
		return rc;
	char a[32], b[32];
	if (f->renew_deadline >= f->lease_duration) {
		fs_duration_format(f->renew_deadline, a, sizeof(a));
		fs_duration_format(f->lease_duration, b, sizeof(b));
		fs_buf_printf(err, "--leader-elect-renew-deadline %s must be shorter than --leader-elect-lease-duration %s", a, b);
		return FS_E_INVAL;
	}
	if (f->renew_deadline <= 1.2 * f->retry_period) {
		fs_duration_format(f->renew_deadline, a, sizeof(a));
		fs_duration_format(f->retry_period, b, sizeof(b));
		fs_buf_printf(err, "--leader-elect-renew-deadline %s must be longer than 1.2 x --leader-elect-retry-period %s", a, b);
		return FS_E_INVAL;
	}
	if (!f->config) {
		fs_buf_adds(err, "missing --config FILE: the daemon needs its config file; hint: --help");
		return FS_E_INVAL;
	}
	return FS_OK;
}

void
fs_daemon_flags_help(struct fs_daemon_flags *f, const struct fs_flag *extra,
		     const char *command, struct fs_buf *out)
{
	struct fs_flag common[COMMON_FLAGS + 1];
	common_table(f, common);
	const struct fs_flag *tables[] = {common, extra, NULL};
	struct fs_buf usage = FS_BUF_INIT;
	fs_buf_printf(&usage, "fedstate %s --config FILE [flags]", command);
	fs_flags_help(tables, usage.data, out);
	fs_buf_release(&usage);
}
