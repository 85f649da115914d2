/* test_config - the scheduler configuration: a corpus of invalid files with
 * the exact diagnostics they must produce (tests/data/config-invalid/
 * NN-name.yaml + NN-name.expect), the valid sample, the built-in default and
 * how profiles are resolved from a config */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/wait.h>

#include "lib/plugin_harness.h"
#include "runtime/runtime.h"
#include "sched/config.h"
#include "sched/profile.h"
#include "util/buf.h"
#include "util/diag.h"

static const char *
env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_read(&b, f);
	fclose(f);
	*len = b.len;
	return fs_buf_detach(&b);
}

static char *
abs_build(void)
{
	static char path[4096];
	const char *b = env_or("FEDSTATE_BUILD", "build");
	if (!realpath(b, path))
		snprintf(path, sizeof path, "%s", b);
	return path;
}

/* one registry for the whole suite, finding $FEDSTATE_BUILD/plugins:
 * loaded plugins stay mapped (and reachable from it) for the process */
static struct fs_registry *
registry(void)
{
	static struct fs_registry reg;
	static bool ready;
	if (!ready) {
		char dir[4200], err[256];
		fs_registry_init(&reg);
		reg.env = fs_runtime_env(ph_runtime());
		snprintf(dir, sizeof dir, "%s/plugins", abs_build());
		assert_int_equal(fs_registry_add_dir(&reg, dir, err, sizeof err), FS_OK);
		ready = true;
	}
	return &reg;
}

/* load + build; every error line (without hints) into out, one per line */
static enum fs_code
check_text(const char *name, const char *text, size_t len, struct fs_buf *out,
	   struct fs_profile_set **set_out)
{
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_config *cfg = NULL;
	struct fs_profile_set *set = NULL;
	enum fs_code rc = fs_config_load_mem(name, text, len, &cfg, &d);
	if (rc == FS_OK)
		rc = fs_profile_set_build(cfg, registry(), &set, &d);
	for (size_t i = 0; i < d.n; i++) {
		if (d.items[i].level != FS_DIAG_ERROR)
			continue;
		char *line = fs_diag_format(&d.items[i]);
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		fs_buf_printf(out, "%s\n", line);
		free(line);
	}
	fs_diags_release(&d);
	fs_config_free(cfg);
	if (set_out)
		*set_out = set;
	else
		fs_profile_set_free(set);
	return rc;
}

/* the .expect text with {BUILD} replaced by the absolute build dir */
static char *
expected(const char *path)
{
	size_t len;
	char *raw = slurp(path, &len);
	if (!raw)
		return NULL;
	struct fs_buf b = FS_BUF_INIT;
	const char *p = raw, *hit;
	while ((hit = strstr(p, "{BUILD}"))) {
		fs_buf_add(&b, p, (size_t)(hit - p));
		fs_buf_adds(&b, abs_build());
		p = hit + strlen("{BUILD}");
	}
	fs_buf_adds(&b, p);
	free(raw);
	return fs_buf_detach(&b);
}

/* one expected line against one actual line; {ANY} in the expected line
 * matches any text (for checksums of freshly built files) */
static bool
line_matches(const char *want, size_t wl, const char *got, size_t gl)
{
	static const char any[] = "{ANY}";
	const char *w = want, *wend = want + wl, *g = got, *gend = got + gl;
	bool first = true;
	for (;;) {
		const char *hit = memmem(w, (size_t)(wend - w), any, sizeof any - 1);
		size_t seg = (size_t)((hit ? hit : wend) - w);
		if (!hit) /* the last segment must end the line */
			return (size_t)(gend - g) >= seg &&
			       (first ? (size_t)(gend - g) == seg : true) &&
			       memcmp(gend - seg, w, seg) == 0;
		if (first) {
			if ((size_t)(gend - g) < seg || memcmp(g, w, seg) != 0)
				return false;
			g += seg;
		} else {
			const char *at = memmem(g, (size_t)(gend - g), w, seg);
			if (!at)
				return false;
			g = at + seg;
		}
		first = false;
		w = hit + sizeof any - 1;
	}
}

/* every line of want matches the same line of got, and as many lines */
static bool
text_matches(const char *want, const char *got)
{
	for (;;) {
		const char *wn = strchr(want, '\n'), *gn = strchr(got, '\n');
		if (!wn || !gn)
			return !wn && !gn && strcmp(want, got) == 0;
		if (!line_matches(want, (size_t)(wn - want), got, (size_t)(gn - got)))
			return false;
		want = wn + 1;
		got = gn + 1;
	}
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_invalid_corpus(void **st)
{
	(void)st;
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/data/config-invalid", env_or("FEDSTATE_SRC", "."));
	DIR *dp = opendir(dir);
	assert_non_null(dp);
	char *names[256];
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(dp)) && n < 256) {
		size_t l = strlen(de->d_name);
		if (l > 5 && strcmp(de->d_name + l - 5, ".yaml") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof *names, by_name);
	assert_true(n >= 20);
	int failures = 0;
	for (size_t i = 0; i < n; i++) {
		char path[4400], exp_path[4400];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		snprintf(exp_path, sizeof exp_path, "%s/%.*s.expect", dir,
			 (int)(strlen(names[i]) - 5), names[i]);
		size_t len;
		char *text = slurp(path, &len);
		char *want = expected(exp_path);
		struct fs_buf got = FS_BUF_INIT;
		enum fs_code rc = text ? check_text(names[i], text, len, &got, NULL) : FS_E_IO;
		if (rc == FS_OK || !want || !text_matches(want, got.data)) {
			failures++;
			fprintf(stderr, "%s: rc=%d\n--- expected\n%s--- got\n%s\n", names[i],
				(int)rc, want ? want : "(no .expect file)\n", got.data);
		}
		fs_buf_release(&got);
		free(text);
		free(want);
		free(names[i]);
	}
	assert_int_equal(failures, 0);
}

static void
test_sample_config_is_valid(void **st)
{
	(void)st;
	char path[4096];
	snprintf(path, sizeof path, "%s/config/scheduler.yaml", env_or("FEDSTATE_SRC", "."));
	size_t len;
	char *text = slurp(path, &len);
	assert_non_null(text);
	struct fs_buf got = FS_BUF_INIT;
	struct fs_profile_set *set = NULL;
	enum fs_code rc = check_text("scheduler.yaml", text, len, &got, &set);
	if (rc != FS_OK)
		fprintf(stderr, "%s", got.data);
	assert_int_equal(rc, FS_OK);
	assert_string_equal(got.data, "");
	assert_non_null(fs_profile_set_find(set, "default-scheduler"));
	const struct fs_profile *mw = fs_profile_set_find(set, "multicloud-middleware-scheduler");
	assert_non_null(mw);
	/* Karmada's defaults first, then multiPoint in file order */
	assert_int_equal(mw->n_slots[FS_POINT_FILTER], 8);
	assert_string_equal(mw->slots[FS_POINT_FILTER][0].name, "api-enablement");
	assert_string_equal(mw->slots[FS_POINT_FILTER][7].name, "storageclass");
	assert_int_equal(mw->n_slots[FS_POINT_ASSIGN], 1);
	assert_string_equal(mw->slots[FS_POINT_SCORE][2].name, "mongo-spread");
	assert_int_equal(mw->slots[FS_POINT_SCORE][2].weight, 2);
	assert_non_null(fs_profile_set_middleware(set, "middleware.fedstate.io/v1alpha1",
						  "MultiCloudMongoDB"));
	fs_profile_set_free(set);
	fs_buf_release(&got);
	free(text);
}

/* the built-in default parses to exactly Karmada's plugin set */
static void
test_builtin_default(void **st)
{
	(void)st;
	struct fs_config *cfg = fs_config_default();
	assert_int_equal(cfg->n_profiles, 1);
	assert_string_equal(cfg->profiles[0].scheduler_name, "default-scheduler");
	assert_int_equal(cfg->n_plugins, 6);
	const char *karmada[] = {"api-enablement", "taint-toleration", "cluster-affinity",
				 "spread-constraint", "cluster-locality", "cluster-eviction"};
	for (int i = 0; i < 6; i++) {
		assert_string_equal(cfg->plugins[i].name, karmada[i]);
		assert_true(cfg->plugins[i].implicit);
	}
	fs_config_free(cfg);
}

static const char example_cfg[] =
	"apiVersion: config.fedstate.io/v1alpha1\n"
	"kind: SchedulerConfiguration\n"
	"plugins: [{name: example}]\n"
	"profiles:\n"
	"  - schedulerName: a\n"
	"    plugins:\n"
	"      multiPoint: {disabled: [{name: '*'}], enabled: [{name: example, weight: 4}]}\n"
	"  - schedulerName: b\n"
	"    plugins:\n"
	"      multiPoint: {disabled: [{name: '*'}]}\n"
	"      score: {enabled: [{name: example, weight: 7}]}\n"
	"    pluginConfig: [{name: example, args: {labelKey: zone}}]\n";

static void
test_profiles_resolved(void **st)
{
	(void)st;
	struct fs_buf got = FS_BUF_INIT;
	struct fs_profile_set *set = NULL;
	enum fs_code rc = check_text("example.yaml", example_cfg, sizeof example_cfg - 1,
				     &got, &set);
	if (rc != FS_OK)
		fprintf(stderr, "%s", got.data);
	assert_int_equal(rc, FS_OK);
	const struct fs_profile *a = fs_profile_set_find(set, "a");
	const struct fs_profile *b = fs_profile_set_find(set, "b");
	assert_non_null(a);
	assert_non_null(b);
	assert_null(fs_profile_set_find(set, "c"));
	/* multiPoint puts example at both points it implements */
	assert_int_equal(a->n_slots[FS_POINT_FILTER], 1);
	assert_int_equal(a->n_slots[FS_POINT_SCORE], 1);
	assert_int_equal(a->slots[FS_POINT_SCORE][0].weight, 4);
	assert_int_equal(a->slots[FS_POINT_FILTER][0].weight, 1);
	assert_int_equal(a->n_slots[FS_POINT_ASSIGN], 0);
	assert_int_equal(a->n_instances, 1);
	/* b: only score, own weight, own instance */
	assert_int_equal(b->n_slots[FS_POINT_FILTER], 0);
	assert_int_equal(b->n_slots[FS_POINT_SCORE], 1);
	assert_int_equal(b->slots[FS_POINT_SCORE][0].weight, 7);
	assert_ptr_not_equal(a->instances[0], b->instances[0]);
	char *desc = fs_profile_describe(b);
	assert_string_equal(desc, "b: score [example x7]");
	free(desc);
	fs_profile_set_free(set);
	fs_buf_release(&got);
}

static bool
at_point(const struct fs_profile *p, enum fs_point pt, const char *name, int64_t *weight)
{
	for (uint32_t i = 0; i < p->n_slots[pt]; i++) {
		if (strcmp(p->slots[pt][i].name, name) == 0) {
			if (weight)
				*weight = p->slots[pt][i].weight;
			return true;
		}
	}
	return false;
}

/* the list rules: defaults first, re-weighting a default keeps its place,
 * disabling by name at one point or at multiPoint, multiPoint plugins at
 * every point they implement unless the point disables them */
static void
test_point_list_rules(void **st)
{
	(void)st;
	static const char text[] =
		"apiVersion: config.fedstate.io/v1alpha1\n"
		"kind: SchedulerConfiguration\n"
		"plugins: [{name: estimator}]\n"
		"profiles:\n"
		"  - plugins:\n"
		"      multiPoint:\n"
		"        disabled: [{name: cluster-eviction}]\n"
		"        enabled: [{name: estimator}]\n"
		"      filter:\n"
		"        disabled: [{name: taint-toleration}, {name: estimator}]\n"
		"      score:\n"
		"        enabled: [{name: cluster-locality, weight: 5}]\n";
	struct fs_buf got = FS_BUF_INIT;
	struct fs_profile_set *set = NULL;
	enum fs_code rc = check_text("rules.yaml", text, sizeof text - 1, &got, &set);
	if (rc != FS_OK)
		fprintf(stderr, "%s", got.data);
	assert_int_equal(rc, FS_OK);
	const struct fs_profile *p = fs_profile_set_find(set, NULL); /* default-scheduler */
	assert_non_null(p);
	int64_t w = 0;
	/* cluster-eviction is gone everywhere, taint-toleration only at filter */
	for (int pt = 0; pt < FS_POINT_COUNT; pt++)
		assert_false(at_point(p, (enum fs_point)pt, "cluster-eviction", NULL));
	assert_false(at_point(p, FS_POINT_FILTER, "taint-toleration", NULL));
	/* the estimator: at preFilter and preScore, not at filter */
	assert_true(at_point(p, FS_POINT_PRE_FILTER, "estimator", NULL));
	assert_true(at_point(p, FS_POINT_PRE_SCORE, "estimator", NULL));
	assert_false(at_point(p, FS_POINT_FILTER, "estimator", NULL));
	/* the default keeps its place (after cluster-affinity) with the new weight */
	assert_true(at_point(p, FS_POINT_SCORE, "cluster-locality", &w));
	assert_int_equal(w, 5);
	assert_int_equal(p->n_slots[FS_POINT_SCORE], 2);
	assert_string_equal(p->slots[FS_POINT_SCORE][0].name, "cluster-affinity");
	assert_string_equal(p->slots[FS_POINT_SCORE][1].name, "cluster-locality");
	/* the filter order is Karmada's default order */
	assert_string_equal(p->slots[FS_POINT_FILTER][0].name, "api-enablement");
	assert_string_equal(p->slots[FS_POINT_FILTER][1].name, "cluster-affinity");
	assert_string_equal(p->slots[FS_POINT_FILTER][2].name, "spread-constraint");
	assert_int_equal(p->n_slots[FS_POINT_FILTER], 3);
	/* one instance per plugin, shared by its points */
	uint32_t est = p->slots[FS_POINT_PRE_FILTER][p->n_slots[FS_POINT_PRE_FILTER] - 1].instance;
	uint32_t est2 = p->slots[FS_POINT_PRE_SCORE][p->n_slots[FS_POINT_PRE_SCORE] - 1].instance;
	assert_int_equal(est, est2);
	fs_profile_set_free(set);
	fs_buf_release(&got);
}

/* one bad profile spoils the whole set: nothing half-built comes back */
static void
test_all_or_nothing(void **st)
{
	(void)st;
	static const char text[] =
		"apiVersion: config.fedstate.io/v1alpha1\n"
		"kind: SchedulerConfiguration\n"
		"plugins: [{name: example}]\n"
		"profiles:\n"
		"  - schedulerName: good\n"
		"    plugins: {multiPoint: {disabled: [{name: '*'}], enabled: [{name: example}]}}\n"
		"  - schedulerName: bad\n"
		"    plugins: {multiPoint: {disabled: [{name: '*'}], enabled: [{name: example}]}}\n"
		"    pluginConfig: [{name: example, args: {nope: 1}}]\n";
	struct fs_buf got = FS_BUF_INIT;
	struct fs_profile_set *set = (struct fs_profile_set *)&got; /* must be reset */
	assert_int_equal(check_text("mixed.yaml", text, sizeof text - 1, &got, &set),
			 FS_E_CONFIG);
	assert_null(set);
	if (!strstr(got.data, "mixed.yaml:9:42: profiles[1].pluginConfig[0].args: "))
		fprintf(stderr, "%s", got.data);
	assert_non_null(strstr(got.data, "mixed.yaml:9:42: profiles[1].pluginConfig[0].args: "));
	fs_buf_release(&got);
}

/* loading twice gives equal results: nothing global leaks between loads */
static void
test_reload_twice(void **st)
{
	(void)st;
	for (int i = 0; i < 2; i++) {
		struct fs_buf got = FS_BUF_INIT;
		struct fs_profile_set *set = NULL;
		assert_int_equal(check_text("example.yaml", example_cfg,
					    sizeof example_cfg - 1, &got, &set), FS_OK);
		assert_int_equal(set->n_profiles, 2);
		fs_profile_set_free(set);
		fs_buf_release(&got);
	}
}

/* the CLI: `fedstate config validate` prints every problem and exits 1, or
 * "config is valid" and 0 */
static int
validate_cli(const char *file, struct fs_buf *out)
{
	struct fs_buf cmd = FS_BUF_INIT;
	fs_buf_printf(&cmd, "'%s/bin/fedstate' config validate '%s' --plugin-dir '%s/plugins' 2>&1",
		      abs_build(), file, abs_build());
	FILE *p = popen(cmd.data, "r");
	assert_non_null(p);
	fs_buf_read(out, p);
	int st = pclose(p);
	fs_buf_release(&cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_validate_command(void **st)
{
	(void)st;
	char path[4200];
	struct fs_buf out = FS_BUF_INIT;
	snprintf(path, sizeof path, "%s/config/scheduler.yaml", env_or("FEDSTATE_SRC", "."));
	assert_int_equal(validate_cli(path, &out), 0);
	assert_non_null(strstr(out.data, "config is valid: 2 profile(s), 1 middleware(s)"));
	fs_buf_reset(&out);
	snprintf(path, sizeof path, "%s/tests/data/config-invalid/30-several-problems.yaml",
		 env_or("FEDSTATE_SRC", "."));
	assert_int_equal(validate_cli(path, &out), 1);
	/* every problem, with the file as given on the command line */
	assert_non_null(strstr(out.data, "30-several-problems.yaml:3:13: pluginDirs: expected list"));
	assert_non_null(strstr(out.data, "30-several-problems.yaml:10:20: profiles[0].plugins.score.enabled[1]: unknown plugin 'Bar'"));
	assert_non_null(strstr(out.data, "30-several-problems.yaml: 5 error(s)"));
	fs_buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid_corpus),
		cmocka_unit_test(test_sample_config_is_valid),
		cmocka_unit_test(test_builtin_default),
		cmocka_unit_test(test_profiles_resolved),
		cmocka_unit_test(test_point_list_rules),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_reload_twice),
		cmocka_unit_test(test_validate_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
