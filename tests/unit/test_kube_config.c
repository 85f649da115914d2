/*
 * test_kube_config - kubeconfig loading (the fake fixture, several
 * KUBECONFIG files, contexts, relative credential files, token files,
 * errors that name the file and field) and in-cluster configuration, plus
 * the YAML reader underneath.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/loop_wait.h"
#include "kube/config.h"
#include "kube/yaml.h"

#define FAKE "/work/shared/fixtures/objects/derived/kubeconfig-fake.yaml"

static char tmpdir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/fs-kubecfg-XXXXXX");
	unsetenv("KUBECONFIG");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

static void
write_file(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char *
tpath(const char *name)
{
	static char path[4][256];
	static int i;
	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", tmpdir, name);
	return path[i];
}

static void
test_fake_fixture(void **state)
{
	(void)state;
	struct fs_kube_config *c = NULL;
	char *err = NULL;
	struct fs_kube_config_opts o = {.kubeconfig = FAKE};
	assert_int_equal(fs_kube_config_load(&o, &c, &err), FS_OK);
	/* current-context: karmada-apiserver with client certificate data */
	assert_string_equal(c->context, "karmada-apiserver");
	assert_string_equal(c->server, "https://172.18.0.2:5443");
	assert_string_equal(c->namespace_, "default");
	assert_false(c->insecure);
	assert_non_null(strstr(c->ca_pem, "FAKE-CA-MADE-BY-FEDSTATE"));
	assert_non_null(strstr(c->cert_pem, "BEGIN CERTIFICATE"));
	assert_non_null(strstr(c->key_pem, "PRIVATE KEY"));
	assert_null(c->token);
	fs_kube_config_free(c);
	/* a context with a namespace and a bearer token */
	o.context = "10-29-14-21";
	assert_int_equal(fs_kube_config_load(&o, &c, &err), FS_OK);
	assert_string_equal(c->namespace_, "federation-mongo-operator");
	assert_string_equal(c->token, "fake-token.made-for-fedstate-tests.not-a-real-serviceaccount-token");
	assert_null(c->cert_pem);
	fs_kube_config_free(c);
	/* insecure-skip-tls-verify */
	o.context = "10-29-14-25";
	assert_int_equal(fs_kube_config_load(&o, &c, &err), FS_OK);
	assert_true(c->insecure);
	assert_null(c->ca_pem);
	fs_kube_config_free(c);
	/* an unknown context names the file and the context */
	o.context = "nope";
	assert_int_equal(fs_kube_config_load(&o, &c, &err), FS_E_NOTFOUND);
	assert_null(c);
	assert_non_null(strstr(err, FAKE));
	assert_non_null(strstr(err, "context 'nope' not found"));
	free(err);
}

static void
test_multiple_files_and_relative_paths(void **state)
{
	(void)state;
	write_file("ca.pem", "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n");
	write_file("tok", "secret-from-file\n");
	write_file("one.yaml",
		   "apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
		   "contexts:\n- name: dev\n  context: {cluster: c1, user: u1, namespace: team}\n");
	write_file("two.yaml",
		   "apiVersion: v1\nkind: Config\ncurrent-context: ignored\n"
		   "clusters:\n- name: c1\n  cluster:\n    server: https://10.0.0.1:6443/\n"
		   "    certificate-authority: ca.pem\n"
		   "users:\n- name: u1\n  user:\n    tokenFile: tok\n");
	char env[512];
	snprintf(env, sizeof(env), "%s:%s:%s", tpath("missing.yaml"), tpath("one.yaml"),
		 tpath("two.yaml"));
	setenv("KUBECONFIG", env, 1);
	struct fs_kube_config *c = NULL;
	char *err = NULL;
	assert_int_equal(fs_kube_config_load(NULL, &c, &err), FS_OK);
	/* the first file's current-context; entries merged across files;
	 * paths relative to the file that names them */
	assert_string_equal(c->context, "dev");
	assert_string_equal(c->server, "https://10.0.0.1:6443");
	assert_string_equal(c->namespace_, "team");
	assert_non_null(strstr(c->ca_pem, "CA"));
	assert_string_equal(c->token, "secret-from-file");
	assert_string_equal(c->token_file, tpath("tok"));
	fs_kube_config_free(c);
	unsetenv("KUBECONFIG");
}

static void
expect_error(const char *text, enum fs_code code, const char *part)
{
	struct fs_kube_config *c = NULL;
	char *err = NULL;
	assert_int_equal(fs_kube_config_parse(text, strlen(text), "bad.yaml", NULL, &c, &err), code);
	assert_null(c);
	if (!strstr(err, part))
		fail_msg("error \"%s\" lacks \"%s\"", err, part);
	assert_non_null(strstr(err, "bad.yaml"));
	free(err);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("kind: Config\nclusters: [\n", FS_E_PARSE, "bad.yaml:");
	expect_error("- a\n- b\n", FS_E_CONFIG, "bad.yaml:1:1: expected a kubeconfig mapping at the top level, got array");
	expect_error("kind: Pod\n", FS_E_CONFIG, "bad.yaml:1:7: kind: expected Config, got \"Pod\"");
	expect_error("kind: Config\n", FS_E_CONFIG, "no current-context");
	expect_error("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\n"
		     "clusters:\n- name: c\n  cluster: {server: ftp://h}\n",
		     FS_E_CONFIG, "bad.yaml:7:21: cluster 'c': server: expected an http(s):// URL, got \"ftp://h\"");
	expect_error("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\n"
		     "clusters:\n- name: c\n  cluster: {server: 'https://h', certificate-authority-data: '!!!'}\n",
		     FS_E_CONFIG, "bad.yaml:7:62: c.certificate-authority-data: not valid base64");
	expect_error("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
		     "clusters:\n- name: c\n  cluster: {server: 'https://h'}\n"
		     "users:\n- name: u\n  user: {client-certificate-data: QUJD}\n",
		     FS_E_CONFIG, "bad.yaml:10:9: user 'u': client certificate and key must be given together");
	expect_error("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
		     "clusters:\n- name: c\n  cluster: {server: 'https://h'}\n"
		     "users:\n- name: u\n  user: {exec: {command: aws}}\n",
		     FS_E_NOTSUP, "bad.yaml:10:16: user 'u': exec credential plugins are not supported");
	expect_error("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
		     "clusters:\n- name: c\n  cluster: {server: 'https://h'}\n",
		     FS_E_NOTFOUND, "bad.yaml:4:31: context 'x': user 'u' not found");
	expect_error("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\n"
		     "clusters:\n- name: c\n  cluster: {server: 'https://h', insecure-skip-tls-verify: true,"
		     " certificate-authority-data: QUJD}\n",
		     FS_E_CONFIG, "bad.yaml:7:60: cluster 'c': insecure-skip-tls-verify and a certificate authority are both set");
}

/* issue 15: a CR/LF in a token would inject headers; refused at load */
static void
test_token_control_chars(void **state)
{
	(void)state;
	expect_error("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
		     "clusters:\n- name: c\n  cluster: {server: 'https://h'}\n"
		     "users:\n- name: u\n  user: {token: \"abc\\r\\nX-Evil: 1\"}\n",
		     FS_E_CONFIG, "bad.yaml:10:17: user 'u': token: control character 0x0d in the token");
	expect_error("current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
		     "clusters:\n- name: c\n  cluster: {server: 'https://h'}\n"
		     "users:\n- name: u\n  user: {token: \"a\\tb\"}\n",
		     FS_E_CONFIG, "control character 0x09");
}

static void
test_in_cluster(void **state)
{
	(void)state;
	write_file("token", "sa-token\n");
	write_file("ca.crt", "-----BEGIN CERTIFICATE-----\nSA\n-----END CERTIFICATE-----\n");
	write_file("namespace", "fedstate-system\n");
	struct fs_kube_config *c = NULL;
	char *err = NULL;
	unsetenv("KUBERNETES_SERVICE_HOST");
	assert_int_equal(fs_kube_config_in_cluster(tmpdir, &c, &err), FS_E_NOTFOUND);
	assert_non_null(strstr(err, "KUBERNETES_SERVICE_HOST"));
	free(err);
	setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
	setenv("KUBERNETES_SERVICE_PORT", "443", 1);
	assert_int_equal(fs_kube_config_in_cluster(tmpdir, &c, &err), FS_OK);
	assert_string_equal(c->server, "https://[fd00::1]:443");
	assert_string_equal(c->token, "sa-token");
	assert_string_equal(c->namespace_, "fedstate-system");
	assert_non_null(strstr(c->ca_pem, "SA"));
	fs_kube_config_free(c);
	/* the fallback when no kubeconfig exists */
	setenv("HOME", tmpdir, 1);
	struct fs_kube_config_opts o = {.in_cluster = true, .sa_dir = tmpdir};
	assert_int_equal(fs_kube_config_load(&o, &c, &err), FS_OK);
	assert_string_equal(c->context, "in-cluster");
	fs_kube_config_free(c);
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
}

static void
test_yaml_scalars_and_aliases(void **state)
{
	(void)state;
	const char *text = "a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5\nf: 0x1f\ng: text\n"
			   "h: &x {k: v}\ni: *x\n---\n- 1\n";
	char *err = NULL;
	cJSON *docs = fs_kube_yaml_parse(text, strlen(text), "t.yaml", &err);
	assert_non_null(docs);
	assert_int_equal(cJSON_GetArraySize(docs), 2);
	const cJSON *d = cJSON_GetArrayItem(docs, 0);
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(d, "a")));
	assert_true(cJSON_IsString(cJSON_GetObjectItem(d, "b")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(d, "c")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(d, "d")));
	assert_true(cJSON_GetObjectItem(d, "e")->valuedouble == 1.5);
	assert_int_equal(cJSON_GetObjectItem(d, "f")->valueint, 31);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "i"), "k")->valuestring, "v");
	cJSON_Delete(docs);
	/* duplicate keys and unknown aliases are errors with a position */
	assert_null(fs_kube_yaml_parse("a: 1\na: 2\n", 10, "dup.yaml", &err));
	assert_non_null(strstr(err, "dup.yaml:2:1: duplicate key \"a\" in mapping"));
	free(err);
	assert_null(fs_kube_yaml_parse("a: *nope\n", 9, "al.yaml", &err));
	assert_non_null(strstr(err, "al.yaml:1:4: alias *nope refers to an unknown anchor"));
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fake_fixture),
		cmocka_unit_test(test_multiple_files_and_relative_paths),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_token_control_chars),
		cmocka_unit_test(test_in_cluster),
		cmocka_unit_test(test_yaml_scalars_and_aliases),
	};
	return cmocka_run_group_tests_name("kube_config", tests, setup, teardown);
}
