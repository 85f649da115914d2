/*
 * daemon/metrics.c - the metrics registry and its text exposition (see
 * metrics.h).
 */
#include "daemon/metrics.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

struct fs_metric_series {
	struct fs_metric_series *next;
	const struct fs_metric *family;
	char **values;     /* nlabels strings */
	double value;      /* counter/gauge; histogram: sum */
	unsigned long long count; /* histogram */
	unsigned long long *buckets; /* histogram: nbounds + 1 (the +Inf one) */
};

struct fs_metric {
	struct fs_metric *next;
	enum fs_metric_type type;
	char *name;
	char *help;
	char **labels;
	size_t nlabels;
	double *bounds;
	size_t nbounds;
	struct fs_metric_series *series, **series_tail;
};

struct fs_metrics {
	struct fs_metric *families, **tail;
};

struct fs_metrics *
fs_metrics_new(void)
{
	struct fs_metrics *m = fs_xcalloc(1, sizeof(*m));
	m->tail = &m->families;
	return m;
}

static void
free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
fs_metrics_free(struct fs_metrics *m)
{
	if (!m)
		return;
	struct fs_metric *f = m->families;
	while (f) {
		struct fs_metric *fn = f->next;
		struct fs_metric_series *s = f->series;
		while (s) {
			struct fs_metric_series *sn = s->next;
			free_strv(s->values, f->nlabels);
			free(s->buckets);
			free(s);
			s = sn;
		}
		free(f->name);
		free(f->help);
		free_strv(f->labels, f->nlabels);
		free(f->bounds);
		free(f);
		f = fn;
	}
	free(m);
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* for metric names; no ':' in label names */
static bool
name_ok(const char *s, bool colon)
{
	if (!s || !*s)
		return false;
	for (size_t i = 0; s[i]; i++) {
		char c = s[i];
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     c == '_' || (colon && c == ':');
		if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
			return false;
	}
	return true;
}

static struct fs_metric *
family_new(struct fs_metrics *m, enum fs_metric_type type, const char *name,
	   const char *help, const char *const *labels)
{
	if (!m)
		return NULL;
	if (!name_ok(name, true)) {
		fs_error("metrics", "invalid metric name \"%s\": expected [a-zA-Z_:][a-zA-Z0-9_:]*",
			 name ? name : "(null)");
		return NULL;
	}
	for (struct fs_metric *f = m->families; f; f = f->next)
		if (!strcmp(f->name, name)) {
			fs_error("metrics", "metric %s registered twice: names are unique per registry", name);
			return NULL;
		}
	size_t n = 0;
	while (labels && labels[n]) {
		/* "le" is the histogram's own; "__" prefixes are reserved */
		if (!name_ok(labels[n], false) || !strncmp(labels[n], "__", 2) ||
		    (type == FS_METRIC_HISTOGRAM && !strcmp(labels[n], "le"))) {
			fs_error("metrics", "metric %s: invalid label name \"%s\": expected [a-zA-Z_][a-zA-Z0-9_]*, not le or __*",
				 name, labels[n]);
			return NULL;
		}
		n++;
	}
	struct fs_metric *f = fs_xcalloc(1, sizeof(*f));
	f->type = type;
	f->name = fs_xstrdup(name);
	f->help = fs_xstrdup(help ? help : "");
	f->nlabels = n;
	f->labels = fs_xcalloc(n ? n : 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		f->labels[i] = fs_xstrdup(labels[i]);
	f->series_tail = &f->series;
	return f;
}

static struct fs_metric *
family_add(struct fs_metrics *m, struct fs_metric *f)
{
	if (f) {
		*m->tail = f;
		m->tail = &f->next;
	}
	return f;
}

struct fs_metric *
fs_metrics_counter(struct fs_metrics *m, const char *name, const char *help,
		   const char *const *labels)
{
	return family_add(m, family_new(m, FS_METRIC_COUNTER, name, help, labels));
}

struct fs_metric *
fs_metrics_gauge(struct fs_metrics *m, const char *name, const char *help,
		 const char *const *labels)
{
	return family_add(m, family_new(m, FS_METRIC_GAUGE, name, help, labels));
}

struct fs_metric *
fs_metrics_histogram(struct fs_metrics *m, const char *name, const char *help,
		     const char *const *labels, const double *bounds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isnan(bounds[i]) || isinf(bounds[i]) || (i && bounds[i] <= bounds[i - 1])) {
			fs_error("metrics", "histogram %s: bucket %zu (%g) is not finite and above the one before: bounds must increase",
				 name ? name : "(null)", i, bounds[i]);
			return NULL;
		}
	struct fs_metric *f = family_new(m, FS_METRIC_HISTOGRAM, name, help, labels);
	if (!f)
		return NULL;
	f->nbounds = n;
	f->bounds = fs_xcalloc(n ? n : 1, sizeof(double));
	if (n)
		memcpy(f->bounds, bounds, n * sizeof(double));
	return family_add(m, f);
}

void
fs_metrics_exp_buckets(double start, double factor, size_t n, double *out)
{
	double v = start;
	for (size_t i = 0; i < n; i++, v *= factor)
		out[i] = v;
}

struct fs_metric_series *
fs_metric_series(struct fs_metric *f, const char *const *values)
{
	if (!f)
		return NULL;
	size_t n = 0;
	while (values && values[n])
		n++;
	if (n != f->nlabels) {
		fs_error("metrics", "metric %s: %zu label values given, expected %zu (one per label name)",
			 f->name, n, f->nlabels);
		return NULL;
	}
	for (struct fs_metric_series *s = f->series; s; s = s->next) {
		size_t i = 0;
		while (i < n && !strcmp(s->values[i], values[i]))
			i++;
		if (i == n)
			return s;
	}
	struct fs_metric_series *s = fs_xcalloc(1, sizeof(*s));
	s->values = fs_xcalloc(n ? n : 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		s->values[i] = fs_xstrdup(values[i]);
	s->family = f;
	if (f->type == FS_METRIC_HISTOGRAM)
		s->buckets = fs_xcalloc(f->nbounds + 1, sizeof(*s->buckets));
	*f->series_tail = s;
	f->series_tail = &s->next;
	return s;
}

void
fs_metric_add(struct fs_metric_series *s, double v)
{
	if (!s || s->family->type == FS_METRIC_HISTOGRAM)
		return;
	if (s->family->type == FS_METRIC_COUNTER && !(v >= 0))
		return;
	s->value += v;
}

void
fs_metric_inc(struct fs_metric_series *s)
{
	fs_metric_add(s, 1);
}

void
fs_metric_set(struct fs_metric_series *s, double v)
{
	if (s && s->family->type == FS_METRIC_GAUGE)
		s->value = v;
}

void
fs_metric_observe(struct fs_metric_series *s, double v)
{
	if (!s || s->family->type != FS_METRIC_HISTOGRAM || isnan(v))
		return;
	const struct fs_metric *f = s->family;
	size_t i = 0;
	while (i < f->nbounds && v > f->bounds[i])
		i++;
	s->buckets[i]++; /* i == nbounds: only the +Inf bucket */
	s->count++;
	s->value += v;
}

double
fs_metric_value(const struct fs_metric_series *s)
{
	return s && s->family->type != FS_METRIC_HISTOGRAM ? s->value : 0;
}

/* Go's strconv 'g' with the shortest round-trip precision, as Prometheus
 * clients print: 0.1 not 0.10000000000000001; +Inf, -Inf, NaN */
static void
put_double(struct fs_buf *b, double v)
{
	if (isnan(v)) {
		fs_buf_adds(b, "NaN");
		return;
	}
	if (isinf(v)) {
		fs_buf_adds(b, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	char tmp[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	fs_buf_adds(b, tmp);
}

/* label values escape \, " and newline; HELP escapes \ and newline */
static void
put_escaped(struct fs_buf *b, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fs_buf_adds(b, "\\\\");
		else if (*s == '\n')
			fs_buf_adds(b, "\\n");
		else if (quote && *s == '"')
			fs_buf_adds(b, "\\\"");
		else
			fs_buf_addc(b, *s);
	}
}

/* {a="x",b="y"} plus an optional le="..." last; nothing when empty */
static void
put_labels(struct fs_buf *b, const struct fs_metric *f,
	   const struct fs_metric_series *s, const double *le)
{
	if (!f->nlabels && !le)
		return;
	fs_buf_addc(b, '{');
	for (size_t i = 0; i < f->nlabels; i++) {
		if (i)
			fs_buf_addc(b, ',');
		fs_buf_printf(b, "%s=\"", f->labels[i]);
		put_escaped(b, s->values[i], true);
		fs_buf_addc(b, '"');
	}
	if (le) {
		fs_buf_adds(b, f->nlabels ? ",le=\"" : "le=\"");
		put_double(b, *le);
		fs_buf_addc(b, '"');
	}
	fs_buf_addc(b, '}');
}

static void
expose_histogram(struct fs_buf *b, const struct fs_metric *f,
		 const struct fs_metric_series *s)
{
	unsigned long long cum = 0;
	for (size_t i = 0; i <= f->nbounds; i++) {
		double le = i < f->nbounds ? f->bounds[i] : INFINITY;
		cum += s->buckets[i];
		fs_buf_printf(b, "%s_bucket", f->name);
		put_labels(b, f, s, &le);
		fs_buf_printf(b, " %llu\n", cum);
	}
	fs_buf_printf(b, "%s_sum", f->name);
	put_labels(b, f, s, NULL);
	fs_buf_addc(b, ' ');
	put_double(b, s->value);
	fs_buf_printf(b, "\n%s_count", f->name);
	put_labels(b, f, s, NULL);
	fs_buf_printf(b, " %llu\n", s->count);
}

void
fs_metrics_expose(const struct fs_metrics *m, struct fs_buf *out)
{
	static const char *const type_name[] = {"counter", "gauge", "histogram"};
	for (const struct fs_metric *f = m ? m->families : NULL; f; f = f->next) {
		fs_buf_printf(out, "# HELP %s ", f->name);
		put_escaped(out, f->help, false);
		fs_buf_printf(out, "\n# TYPE %s %s\n", f->name, type_name[f->type]);
		for (const struct fs_metric_series *s = f->series; s; s = s->next) {
			if (f->type == FS_METRIC_HISTOGRAM) {
				expose_histogram(out, f, s);
				continue;
			}
			fs_buf_adds(out, f->name);
			put_labels(out, f, s, NULL);
			fs_buf_addc(out, ' ');
			put_double(out, s->value);
			fs_buf_addc(out, '\n');
		}
	}
}
