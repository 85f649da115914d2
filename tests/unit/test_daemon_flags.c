/*
 * test_daemon_flags - the daemons' flags: Karmada's defaults, every form
 * pflag accepts, Go durations both ways, one-line errors (did you mean,
 * missing value, bad number/duration/choice, positional argument, the
 * leader-election ordering client-go requires), an extra table, --help.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/duration.h"
#include "daemon/flags.h"
#include "util/log.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void
test_defaults(void **state)
{
	(void)state;
	struct fs_daemon_flags f;
	fs_daemon_flags_init(&f, "fedstate-scheduler");
	char *argv[] = {"scheduler", "--config", "s.yaml"};
	struct fs_buf err = FS_BUF_INIT;
	assert_int_equal(fs_daemon_flags_parse(&f, NULL, ARGC(argv), argv, &err), FS_OK);
	assert_string_equal(f.config, "s.yaml");
	assert_null(f.kubeconfig);
	assert_true(f.leader_elect);
	assert_true(f.lease_duration == 15 && f.renew_deadline == 10 && f.retry_period == 2);
	assert_true(f.kube_api_qps == 40);
	assert_int_equal(f.kube_api_burst, 60);
	assert_string_equal(f.lease_name, "fedstate-scheduler");
	assert_string_equal(f.lease_namespace, "karmada-system");
	assert_string_equal(f.metrics_bind, ":8080");
	assert_string_equal(f.health_bind, ":10351");
	assert_int_equal(f.log_format, FS_LOG_TEXT);
	assert_int_equal(f.verbosity, 0);
	assert_false(f.help);
	fs_daemon_flags_release(&f);
	fs_buf_release(&err);
}

static void
test_every_flag(void **state)
{
	(void)state;
	struct fs_daemon_flags f;
	fs_daemon_flags_init(&f, "fedstate-ops");
	char *argv[] = {"ops", "--config=o.yaml", "--kubeconfig", "/k", "--context", "karmada",
			"--kube-api-qps=0", "--kube-api-burst", "400", "--leader-elect=false",
			"--leader-elect-lease-duration", "1m30s", "--leader-elect-renew-deadline=1m",
			"--leader-elect-retry-period", "500ms", "--leader-elect-resource-name", "x",
			"--leader-elect-resource-namespace=fedstate-system",
			"--metrics-bind-address", "127.0.0.1:0", "--health-probe-bind-address=127.0.0.1:0",
			"-v", "4", "--log-format", "json"};
	struct fs_buf err = FS_BUF_INIT;
	assert_int_equal(fs_daemon_flags_parse(&f, NULL, ARGC(argv), argv, &err), FS_OK);
	assert_string_equal(err.data, "");
	assert_string_equal(f.config, "o.yaml");
	assert_string_equal(f.kubeconfig, "/k");
	assert_string_equal(f.context, "karmada");
	assert_true(f.kube_api_qps == 0);
	assert_int_equal(f.kube_api_burst, 400);
	assert_false(f.leader_elect);
	assert_true(f.lease_duration == 90 && f.renew_deadline == 60 && f.retry_period == 0.5);
	assert_string_equal(f.lease_name, "x");
	assert_string_equal(f.lease_namespace, "fedstate-system");
	assert_string_equal(f.metrics_bind, "127.0.0.1:0");
	assert_string_equal(f.health_bind, "127.0.0.1:0");
	assert_int_equal(f.verbosity, 4);
	assert_int_equal(f.log_format, FS_LOG_JSON);
	fs_daemon_flags_release(&f);

	/* -v=N, --v=N; a bare boolean; the last one given wins */
	fs_daemon_flags_init(&f, "l");
	char *argv2[] = {"s", "--config", "a", "--config", "b", "-v=2", "--leader-elect=false", "--leader-elect", "--v=3"};
	assert_int_equal(fs_daemon_flags_parse(&f, NULL, ARGC(argv2), argv2, &err), FS_OK);
	assert_string_equal(f.config, "b");
	assert_int_equal(f.verbosity, 3);
	assert_true(f.leader_elect);
	fs_daemon_flags_release(&f);
	fs_buf_release(&err);
}

static void
test_durations(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		double s;
		const char *out;
	} ok[] = {
		{"15s", 15, "15s"}, {"0", 0, "0s"}, {"1m30s", 90, "1m30s"}, {"1.5h", 5400, "1h30m0s"},
		{"500ms", 0.5, "500ms"}, {"1500ms", 1.5, "1.5s"}, {"2h45m", 9900, "2h45m0s"},
		{"10us", 1e-5, "10\xc2\xb5s"}, {"10\xc2\xb5s", 1e-5, "10\xc2\xb5s"}, {"3ns", 3e-9, "3ns"},
		{"-2s", -2, "-2s"}, {".5s", 0.5, "500ms"}, {"1h0m0s", 3600, "1h0m0s"},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		double s = -1;
		char out[32];
		assert_int_equal(fs_duration_parse(ok[i].in, &s), FS_OK);
		if (s != ok[i].s)
			fail_msg("%s: %g, expected %g", ok[i].in, s, ok[i].s);
		fs_duration_format(s, out, sizeof(out));
		assert_string_equal(out, ok[i].out);
	}
	static const char *const bad[] = {"", "15", "s", "1x", "1.2.3s", "-", "1s2", "ms", NULL};
	for (size_t i = 0; bad[i]; i++) {
		double s;
		if (fs_duration_parse(bad[i], &s) != FS_E_PARSE)
			fail_msg("\"%s\" accepted", bad[i]);
	}
	double s;
	assert_int_equal(fs_duration_parse("300y", &s), FS_E_PARSE);
	assert_int_equal(fs_duration_parse("3000000h", &s), FS_E_RANGE);
}

/* parse argv with defaults and --config; returns the error line */
static enum fs_code
parse_err(struct fs_buf *err, int argc, char **argv)
{
	struct fs_daemon_flags f;
	fs_daemon_flags_init(&f, "l");
	fs_buf_reset(err);
	enum fs_code rc = fs_daemon_flags_parse(&f, NULL, argc, argv, err);
	fs_daemon_flags_release(&f);
	return rc;
}

static void
test_errors(void **state)
{
	(void)state;
	struct fs_buf err = FS_BUF_INIT;
	static const struct {
		char *argv[4];
		const char *msg;
	} cases[] = {
		{{"s", "--leader-elekt"}, "unknown flag --leader-elekt (did you mean --leader-elect?)"},
		{{"s", "--kubeconfg=/x"}, "unknown flag --kubeconfg (did you mean --kubeconfig?)"},
		{{"s", "--frobnicate"}, "unknown flag --frobnicate; hint: --help lists the flags"},
		{{"s", "-kubeconfig", "x"}, "unknown flag -kubeconfig (did you mean --kubeconfig?)"},
		{{"s", "--kubeconfig"}, "flag --kubeconfig needs a value: --kubeconfig FILE"},
		{{"s", "--kube-api-burst", "many"}, "flag --kube-api-burst: \"many\" is not a whole number from 0 to 1000000000"},
		{{"s", "--kube-api-qps=-1"}, "flag --kube-api-qps: \"-1\" is not a number from 0 to 1e+09"},
		{{"s", "--leader-elect-lease-duration", "15"}, "flag --leader-elect-lease-duration: \"15\" is not a duration; expected a number with a unit, e.g. 15s, 1m30s, 500ms"},
		{{"s", "--leader-elect-retry-period=0s"}, "flag --leader-elect-retry-period: 0s is below the minimum 1ms"},
		{{"s", "--leader-elect=maybe"}, "flag --leader-elect: \"maybe\" is not a boolean; expected true or false"},
		{{"s", "--log-format", "xml"}, "flag --log-format: \"xml\" is not one of text, json"},
		{{"s", "-v", "11"}, "flag -v: \"11\" is not a whole number from 0 to 10"},
		{{"s", "extra"}, "unexpected argument \"extra\": this command takes flags only; hint: --help lists them"},
		{{"s", "--leader-elect-renew-deadline=20s"}, "--leader-elect-renew-deadline 20s must be shorter than --leader-elect-lease-duration 15s"},
		{{"s", "--leader-elect-retry-period=9s"}, "--leader-elect-renew-deadline 10s must be longer than 1.2 x --leader-elect-retry-period 9s"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[6] = {0};
		int argc = 0;
		while (argc < 4 && cases[i].argv[argc]) {
			argv[argc] = cases[i].argv[argc];
			argc++;
		}
		argv[argc++] = "--config=c";
		assert_int_equal(parse_err(&err, argc, argv), FS_E_INVAL);
		assert_string_equal(err.data, cases[i].msg);
	}
	char *noconf[] = {"s"};
	assert_int_equal(parse_err(&err, 1, noconf), FS_E_INVAL);
	assert_string_equal(err.data, "missing --config FILE: the daemon needs its config file; hint: --help");
	fs_buf_release(&err);
}

static void
test_extra_table_and_help(void **state)
{
	(void)state;
	double timeout = 3;
	char *prefix = NULL;
	const struct fs_flag extra[] = {
		{"scheduler-estimator-timeout", FS_FLAG_DURATION, &timeout, "DURATION", "Estimator call timeout.", 0.001},
		{"scheduler-estimator-service-prefix", FS_FLAG_STRING, &prefix, "PREFIX", "Estimator service prefix."},
		{NULL},
	};
	struct fs_daemon_flags f;
	fs_daemon_flags_init(&f, "fedstate-scheduler");
	char *argv[] = {"s", "--config", "c", "--scheduler-estimator-timeout=250ms",
			"--scheduler-estimator-service-prefix", "est"};
	struct fs_buf err = FS_BUF_INIT;
	assert_int_equal(fs_daemon_flags_parse(&f, extra, ARGC(argv), argv, &err), FS_OK);
	assert_true(timeout == 0.25);
	assert_string_equal(prefix, "est");
	char *typo[] = {"s", "--config", "c", "--scheduler-estimator-timout=1s"};
	assert_int_equal(fs_daemon_flags_parse(&f, extra, ARGC(typo), typo, &err), FS_E_INVAL);
	assert_string_equal(err.data, "unknown flag --scheduler-estimator-timout (did you mean --scheduler-estimator-timeout?)");

	char *h[] = {"s", "--help", "--bogus"};
	assert_int_equal(fs_daemon_flags_parse(&f, extra, ARGC(h), h, &err), FS_OK);
	assert_true(f.help);
	struct fs_buf out = FS_BUF_INIT;
	fs_daemon_flags_help(&f, extra, "scheduler", &out);
	assert_non_null(strstr(out.data, "Usage: fedstate scheduler --config FILE [flags]"));
	assert_non_null(strstr(out.data, "--leader-elect-lease-duration DURATION"));
	assert_non_null(strstr(out.data, "(default 15s)"));
	assert_non_null(strstr(out.data, "(default \":8080\")"));
	assert_non_null(strstr(out.data, "--log-format text|json"));
	assert_non_null(strstr(out.data, "-v N"));
	assert_non_null(strstr(out.data, "--scheduler-estimator-timeout DURATION"));
	assert_non_null(strstr(out.data, "(default 250ms)")); /* the current value */
	fs_buf_release(&out);
	free(prefix);
	fs_daemon_flags_release(&f);
	fs_buf_release(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_flag),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_extra_table_and_help),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
