/*
 * daemon/metrics.h - a small metrics registry: counters, gauges and
 * histograms with label sets, exposed in the Prometheus text format 0.0.4.
 *
 * A runtime owns one registry (no process-wide state). Register a family
 * once (name, HELP text, label names), take one series per label-value set
 * with fs_metric_series() at start-up or first use, keep the pointer, and
 * observe through it: inc/add/set/observe are O(1) (a histogram scans its
 * fixed bucket list) and never allocate. Single-threaded: call from the
 * loop thread only.
 *
 * Names follow Karmada's (karmada_scheduler_schedule_attempts_total, ...);
 * the registry checks the Prometheus name rules and refuses duplicates.
 * Programmer errors (a bad name, a duplicate, a wrong label count) are
 * logged and return NULL; every observe function accepts NULL and does
 * nothing, so a typo never crashes a daemon.
 */
#ifndef FS_DAEMON_METRICS_H
#define FS_DAEMON_METRICS_H

#include <stddef.h>

#include "util/buf.h"

struct fs_metrics;        /* the registry */
struct fs_metric;         /* one family: name, help, type, label names */
struct fs_metric_series;  /* one label-value set of a family */

enum fs_metric_type { FS_METRIC_COUNTER, FS_METRIC_GAUGE, FS_METRIC_HISTOGRAM };

/* caller frees with fs_metrics_free */
struct fs_metrics *fs_metrics_new(void);
void fs_metrics_free(struct fs_metrics *m); /* NULL-safe; frees every family */

/* Register a family. `labels` is a NULL-terminated list of label names
 * (NULL: no labels); copied. For a histogram, `bounds` are the n upper
 * bounds, strictly increasing, without +Inf (added); copied. Returns a
 * pointer owned by the registry, or NULL (logged) when the name or a label
 * name is invalid, the name is taken, or the bounds are not increasing. */
struct fs_metric *fs_metrics_counter(struct fs_metrics *m, const char *name,
				     const char *help, const char *const *labels);
struct fs_metric *fs_metrics_gauge(struct fs_metrics *m, const char *name,
				   const char *help, const char *const *labels);
struct fs_metric *fs_metrics_histogram(struct fs_metrics *m, const char *name,
				       const char *help, const char *const *labels,
				       const double *bounds, size_t n);

/* Prometheus' ExponentialBuckets: out[i] = start * factor^i, i < n.
 * Karmada's scheduling durations use (0.001, 2, 15). */
void fs_metrics_exp_buckets(double start, double factor, size_t n, double *out);

/* The series of `family` for these label values (as many as the family has
 * label names; NULL when it has none), created on first call, the same
 * pointer after. Owned by the registry. NULL (logged) when family is NULL
 * or the count of values is wrong. Allocates on first call only. */
struct fs_metric_series *fs_metric_series(struct fs_metric *family,
					  const char *const *values);

/* Observations: O(1), no allocation, NULL-safe. A counter ignores a
 * negative or NaN add (counters only go up). */
void fs_metric_inc(struct fs_metric_series *s);
void fs_metric_add(struct fs_metric_series *s, double v);
void fs_metric_set(struct fs_metric_series *s, double v);     /* gauge */
void fs_metric_observe(struct fs_metric_series *s, double v); /* histogram */
double fs_metric_value(const struct fs_metric_series *s); /* counter/gauge; 0 for NULL */

/* Append the whole registry in text format 0.0.4 to out: families in
 * registration order, each with # HELP and # TYPE, series in creation
 * order, histograms as _bucket{le=...} (cumulative), _sum and _count.
 * A family with no series yet is listed with its HELP/TYPE only. */
void fs_metrics_expose(const struct fs_metrics *m, struct fs_buf *out);

/* The exposition's Content-Type */
#define FS_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif
