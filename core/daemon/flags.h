/*
 * daemon/flags.h - command-line flags of the daemons, with the names
 * kube-scheduler and Karmada use (--kubeconfig, --kube-api-qps,
 * --leader-elect*, --metrics-bind-address, -v, ...), plus a small
 * table-driven parser so each daemon adds its own (--scheduler-estimator-*).
 *
 * Syntax as pflag: "--name value", "--name=value"; booleans are
 * "--name" or "--name=false" (never the next argument); a next argument
 * that starts with "--" is never taken as a value (a missing one instead); "-v N", "-v=N"
 * and "--v=N" for verbosity; "-h"/"--help". No positional arguments.
 * Errors are one line, e.g.
 *   unknown flag --leader-elekt (did you mean --leader-elect?)
 */
#ifndef FS_DAEMON_FLAGS_H
#define FS_DAEMON_FLAGS_H

#include <stdbool.h>

#include <fedstate/status.h>

#include "util/buf.h"

enum fs_flag_type {
	FS_FLAG_BOOL,     /* bool * */
	FS_FLAG_INT,      /* int *, within [min, max] */
	FS_FLAG_DOUBLE,   /* double *, within [min, max] */
	FS_FLAG_STRING,   /* char **: NULL or malloc'd; replaced (old freed) */
	FS_FLAG_DURATION, /* double * seconds, Go syntax, >= min */
	FS_FLAG_CHOICE,   /* int *: index into choices */
};

struct fs_flag {
	const char *name;   /* without dashes: "leader-elect", "v"; NULL ends a table */
	enum fs_flag_type type;
	void *dst;          /* borrowed; type as above */
	const char *arg;    /* placeholder in --help ("FILE", "N") */
	const char *help;   /* one sentence */
	double min, max;    /* INT/DOUBLE range; DURATION minimum (max ignored) */
	const char *const *choices; /* CHOICE: NULL-terminated */
};

/* Parse argv[first..argc) against the tables (a NULL-terminated list of
 * arrays, each ended by a {NULL} entry). Values go straight to the dst
 * pointers, so what is there before is the default. *help is set for
 * -h/--help (parsing stops there, FS_OK). On error FS_E_INVAL with one
 * line in err (appended). */
enum fs_code fs_flags_parse(const struct fs_flag *const *tables, int argc,
			    char **argv, int first, bool *help, struct fs_buf *err);

/* Append the --help text: `usage` line, then each flag with its
 * placeholder, help and current value as the default. */
void fs_flags_help(const struct fs_flag *const *tables, const char *usage,
		   struct fs_buf *out);

/* The flags every FedState daemon takes */
struct fs_daemon_flags {
	char *kubeconfig;        /* --kubeconfig; NULL: in-cluster or $KUBECONFIG */
	char *context;           /* --context; NULL: the kubeconfig's current */
	double kube_api_qps;     /* --kube-api-qps 40 */
	int kube_api_burst;      /* --kube-api-burst 60 */
	bool leader_elect;       /* --leader-elect true */
	double lease_duration;   /* --leader-elect-lease-duration 15s */
	double renew_deadline;   /* --leader-elect-renew-deadline 10s */
	double retry_period;     /* --leader-elect-retry-period 2s */
	char *lease_name;        /* --leader-elect-resource-name */
	char *lease_namespace;   /* --leader-elect-resource-namespace karmada-system */
	char *metrics_bind;      /* --metrics-bind-address :8080 ("0": off) */
	char *health_bind;       /* --health-probe-bind-address :10351 */
	int verbosity;           /* -v 0 */
	int log_format;          /* --log-format text|json: enum fs_log_format */
	char *config;            /* --config FILE */
	bool help;               /* -h, --help given */
};

/* Defaults; lease_name is the daemon's Lease ("fedstate-scheduler").
 * Release with fs_daemon_flags_release. */
void fs_daemon_flags_init(struct fs_daemon_flags *f, const char *lease_name);
void fs_daemon_flags_release(struct fs_daemon_flags *f); /* frees the strings */

/* Parse the common flags plus `extra` (the daemon's own table, NULL for
 * none), then check them together (renew deadline below lease duration,
 * above 1.2 x retry period, as client-go requires; --config given unless
 * help). FS_E_INVAL with one line in err. */
enum fs_code fs_daemon_flags_parse(struct fs_daemon_flags *f,
				   const struct fs_flag *extra, int argc,
				   char **argv, struct fs_buf *err);
/* --help text for "fedstate <command>" with the common and extra flags */
void fs_daemon_flags_help(struct fs_daemon_flags *f, const struct fs_flag *extra,
			  const char *command, struct fs_buf *out);

#endif
