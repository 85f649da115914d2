/*
 * test_daemon_metrics - the metrics registry: Karmada's scheduler metrics
 * registered and observed, the text exposition parsed back line by line
 * (HELP/TYPE, label escaping, cumulative histogram buckets, _sum/_count),
 * and the registration errors that return NULL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/metrics.h"
#include "util/log.h"

/* the value of the sample line "<series> <value>" in text, or NAN */
static double
sample(const char *text, const char *series)
{
	size_t n = strlen(series);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, series, n) && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	return -12345;
}

static bool
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, line, n) && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

static void
test_karmada_names_exposed(void **state)
{
	(void)state;
	struct fs_metrics *m = fs_metrics_new();
	static const char *const att_labels[] = {"result", "schedule_type", NULL};
	struct fs_metric *att = fs_metrics_counter(m, "karmada_scheduler_schedule_attempts_total",
		"Number of attempts to schedule resourceBinding", att_labels);
	double b[15];
	fs_metrics_exp_buckets(0.001, 2, 15, b);
	struct fs_metric *e2e = fs_metrics_histogram(m, "karmada_scheduler_e2e_scheduling_duration_seconds",
		"E2e scheduling latency in seconds", att_labels, b, 15);
	static const char *const q_labels[] = {"queue", NULL};
	struct fs_metric *pend = fs_metrics_gauge(m, "scheduler_pending_bindings",
		"Number of pending bindings", q_labels);
	assert_non_null(att);
	assert_non_null(e2e);
	assert_non_null(pend);

	const char *ok[] = {"scheduled", "ReconcileSchedule", NULL};
	const char *bad[] = {"error", "ScaleSchedule", NULL};
	struct fs_metric_series *s_ok = fs_metric_series(att, ok);
	assert_ptr_equal(s_ok, fs_metric_series(att, ok)); /* same set, same series */
	fs_metric_inc(s_ok);
	fs_metric_inc(s_ok);
	fs_metric_add(s_ok, 1);
	fs_metric_add(s_ok, -5); /* counters never go down */
	fs_metric_inc(fs_metric_series(att, bad));
	assert_true(fs_metric_value(s_ok) == 3);

	struct fs_metric_series *h = fs_metric_series(e2e, ok);
	fs_metric_observe(h, 0.0005); /* first bucket */
	fs_metric_observe(h, 0.003);  /* le 0.004 */
	fs_metric_observe(h, 100);    /* only +Inf */
	const char *active[] = {"active", NULL};
	fs_metric_set(fs_metric_series(pend, active), 7);
	fs_metric_set(fs_metric_series(pend, active), 4);

	struct fs_buf out = FS_BUF_INIT;
	fs_metrics_expose(m, &out);
	const char *t = out.data;
	assert_true(has_line(t, "# HELP karmada_scheduler_schedule_attempts_total Number of attempts to schedule resourceBinding"));
	assert_true(has_line(t, "# TYPE karmada_scheduler_schedule_attempts_total counter"));
	assert_true(has_line(t, "# TYPE karmada_scheduler_e2e_scheduling_duration_seconds histogram"));
	assert_true(has_line(t, "# TYPE scheduler_pending_bindings gauge"));
	assert_true(sample(t, "karmada_scheduler_schedule_attempts_total{result=\"scheduled\",schedule_type=\"ReconcileSchedule\"}") == 3);
	assert_true(sample(t, "karmada_scheduler_schedule_attempts_total{result=\"error\",schedule_type=\"ScaleSchedule\"}") == 1);
	const char *pre = "karmada_scheduler_e2e_scheduling_duration_seconds";
	char key[256];
	snprintf(key, sizeof(key), "%s_bucket{result=\"scheduled\",schedule_type=\"ReconcileSchedule\",le=\"0.001\"}", pre);
	assert_true(sample(t, key) == 1);
	snprintf(key, sizeof(key), "%s_bucket{result=\"scheduled\",schedule_type=\"ReconcileSchedule\",le=\"0.002\"}", pre);
	assert_true(sample(t, key) == 1);
	snprintf(key, sizeof(key), "%s_bucket{result=\"scheduled\",schedule_type=\"ReconcileSchedule\",le=\"0.004\"}", pre);
	assert_true(sample(t, key) == 2); /* cumulative */
	snprintf(key, sizeof(key), "%s_bucket{result=\"scheduled\",schedule_type=\"ReconcileSchedule\",le=\"16.384\"}", pre);
	assert_true(sample(t, key) == 2); /* the 15th bound: 0.001 * 2^14 */
	snprintf(key, sizeof(key), "%s_bucket{result=\"scheduled\",schedule_type=\"ReconcileSchedule\",le=\"+Inf\"}", pre);
	assert_true(sample(t, key) == 3);
	snprintf(key, sizeof(key), "%s_count{result=\"scheduled\",schedule_type=\"ReconcileSchedule\"}", pre);
	assert_true(sample(t, key) == 3);
	snprintf(key, sizeof(key), "%s_sum{result=\"scheduled\",schedule_type=\"ReconcileSchedule\"}", pre);
	assert_true(sample(t, key) == 0.0005 + 0.003 + 100);
	assert_true(sample(t, "scheduler_pending_bindings{queue=\"active\"}") == 4);
	/* families in registration order */
	assert_true(strstr(t, "attempts_total") < strstr(t, "e2e_scheduling"));
	assert_true(strstr(t, "e2e_scheduling") < strstr(t, "scheduler_pending_bindings"));
	fs_buf_release(&out);
	fs_metrics_free(m);
}

static void
test_escaping_and_no_labels(void **state)
{
	(void)state;
	struct fs_metrics *m = fs_metrics_new();
	static const char *const l[] = {"path", NULL};
	struct fs_metric *c = fs_metrics_counter(m, "fedstate_reload_total", "Reloads.\nSecond \\ line", l);
	const char *v[] = {"a\"b\\c\nd", NULL};
	fs_metric_inc(fs_metric_series(c, v));
	struct fs_metric *g = fs_metrics_gauge(m, "fedstate_up", "Up.", NULL);
	fs_metric_set(fs_metric_series(g, NULL), 0.1);
	struct fs_metric *h = fs_metrics_histogram(m, "fedstate_empty_seconds", "Never observed.", NULL,
						   (double[]){0.5, 1}, 2);
	assert_non_null(h);
	struct fs_buf out = FS_BUF_INIT;
	fs_metrics_expose(m, &out);
	assert_true(has_line(out.data, "# HELP fedstate_reload_total Reloads.\\nSecond \\\\ line"));
	assert_true(has_line(out.data, "fedstate_reload_total{path=\"a\\\"b\\\\c\\nd\"} 1"));
	assert_true(has_line(out.data, "fedstate_up 0.1")); /* shortest form, not 0.10000000000000001 */
	assert_true(has_line(out.data, "# TYPE fedstate_empty_seconds histogram"));
	assert_null(strstr(out.data, "fedstate_empty_seconds_bucket"));
	fs_buf_release(&out);
	fs_metrics_free(m);
}

static void
test_registration_errors(void **state)
{
	(void)state;
	fs_log_set_fd(-1); /* the errors are logged; keep the output clean */
	struct fs_metrics *m = fs_metrics_new();
	assert_non_null(fs_metrics_counter(m, "ok_total", "x", NULL));
	assert_null(fs_metrics_counter(m, "ok_total", "again", NULL));
	assert_null(fs_metrics_counter(m, "9starts_with_digit", "x", NULL));
	assert_null(fs_metrics_counter(m, "has-dash", "x", NULL));
	static const char *const badl[] = {"bad:label", NULL};
	assert_null(fs_metrics_gauge(m, "g1", "x", badl));
	static const char *const le[] = {"le", NULL};
	assert_null(fs_metrics_histogram(m, "h1", "x", le, (double[]){1}, 1));
	assert_null(fs_metrics_histogram(m, "h2", "x", NULL, (double[]){2, 1}, 2));
	static const char *const one[] = {"a", NULL};
	struct fs_metric *c = fs_metrics_counter(m, "two_total", "x", one);
	assert_null(fs_metric_series(c, (const char *[]){"x", "y", NULL}));
	assert_null(fs_metric_series(c, NULL));
	assert_null(fs_metric_series(NULL, NULL));
	fs_metric_inc(NULL); /* NULL-safe */
	fs_metric_observe(NULL, 1);
	/* a gauge ignores observe, a histogram ignores set */
	struct fs_metric_series *gs = fs_metric_series(fs_metrics_gauge(m, "g2", "x", NULL), NULL);
	fs_metric_observe(gs, 5);
	assert_true(fs_metric_value(gs) == 0);
	fs_metrics_free(m);
	fs_log_set_fd(2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_karmada_names_exposed),
		cmocka_unit_test(test_escaping_and_no_labels),
		cmocka_unit_test(test_registration_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
