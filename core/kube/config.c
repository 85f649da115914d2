/*
 * kube/config.c - kubeconfig and in-cluster configuration (see config.h).
 */
#include "kube/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kube/yaml.h"
#include "util/doc.h"
#include "util/log.h"
#include "util/buf.h"

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"
#define MAX_FILES 32

struct cfg_file {
	struct fs_docset *ds; /* the file, with positions for messages */
	const cJSON *root;    /* its kubeconfig document (in ds, or empty) */
	cJSON *empty;         /* root of an empty file */
	char *path;  /* for messages */
	char *dir;   /* base of relative paths, "" for the working directory */
};

struct cfg_set {
	struct cfg_file f[MAX_FILES];
	size_t n;
};

static enum fs_code cfg_err(char **err, enum fs_code code, const char *fmt, ...)
	FS_PRINTF(3, 4);

static enum fs_code
cfg_err(char **err, enum fs_code code, const char *fmt, ...)
{
	struct fs_buf b = FS_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	fs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	*err = fs_buf_detach(&b);
	return code;
}

char *
fs_kube_base64_decode(const char *in, size_t *out_len)
{
	size_t n = strlen(in);
	char *out = fs_xmalloc(n / 4 * 3 + 4);
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0, pad = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];
		int v;
		if (ch >= 'A' && ch <= 'Z')
			v = ch - 'A';
		else if (ch >= 'a' && ch <= 'z')
			v = ch - 'a' + 26;
		else if (ch >= '0' && ch <= '9')
			v = ch - '0' + 52;
		else if (ch == '+' || ch == '-')
			v = 62;
		else if (ch == '/' || ch == '_')
			v = 63;
		else if (ch == '=') {
			pad++;
			continue;
		} else if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
			continue;
		else
			goto bad;
		if (pad)
			goto bad; /* data after padding */
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (bits >= 6 || pad > 2)
		goto bad;
	out[o] = '\0';
	if (out_len)
		*out_len = o;
	return out;
bad:
	free(out);
	return NULL;
}

static const char *
cfg_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* the entry named `name` in list `list` ("clusters") of the first file
 * that has it; *file gets that file */
/* "path:line:col" of node in f (just "path" when its position is unknown) */
static const char *
cfg_at(const struct cfg_file *f, const cJSON *node, char *buf, size_t n)
{
	unsigned line, col;
	if (fs_docset_pos(f->ds, node, &line, &col))
		snprintf(buf, n, "%s:%u:%u", f->path, line, col);
	else
		snprintf(buf, n, "%s", f->path);
	return buf;
}

/* cfg_at of member `key` of obj, or of obj itself when it has none */
static const char *
cfg_at_key(const struct cfg_file *f, const cJSON *obj, const char *key, char *buf,
	   size_t n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cfg_at(f, v ? v : obj, buf, n);
}

static const cJSON *
cfg_find(const struct cfg_set *s, const char *list,
	 const char *name, const char *member,
	 const struct cfg_file **file)
{
	for (size_t i = 0; i < s->n; i++) {
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(s->f[i].root, list);
		const cJSON *it;
		cJSON_ArrayForEach(it, arr)
		{
			const char *nm = cfg_str(it, "name");
			if (nm && !strcmp(nm, name)) {
				*file = &s->f[i];
				const cJSON *m = cJSON_GetObjectItemCaseSensitive(it, member);
				return cJSON_IsObject(m) ? m : NULL;
			}
		}
	}
	return NULL;
}

static char *
cfg_path(const struct cfg_file *f, const char *p)
{
	struct fs_buf b = FS_BUF_INIT;
	if (p[0] == '/' || !f->dir[0])
		fs_buf_adds(&b, p);
	else
		fs_buf_printf(&b, "%s/%s", f->dir, p);
	return fs_buf_detach(&b);
}

/* a credential from `<key>` (a file) or `<key>-data` (base64) */
static enum fs_code
cfg_blob(const struct cfg_file *f, const cJSON *obj,
	 const char *what, const char *key,
	 const char *data_key, char **out, size_t *out_len,
	 char **err)
{
	char at[512];
	const char *data = cfg_str(obj, data_key);
	if (data) {
		*out = fs_kube_base64_decode(data, out_len);
		if (!*out)
			return cfg_err(err, FS_E_CONFIG, "%s: %s.%s: not valid base64",
				       cfg_at_key(f, obj, data_key, at, sizeof at), what,
				       data_key);
		return FS_OK;
	}
	const char *file = cfg_str(obj, key);
	if (!file || !file[0])
		return FS_OK;
	char *path = cfg_path(f, file);
	char *rerr = NULL;
	*out = fs_kube_read_file(path, out_len, &rerr);
	free(path);
	if (!*out) {
		enum fs_code c = cfg_err(err, FS_E_IO, "%s: %s.%s: %s",
					 cfg_at_key(f, obj, key, at, sizeof at), what, key, rerr);
		free(rerr);
		return c;
	}
	return FS_OK;
}

static void
cfg_trim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
}

/* the first control character in a token (after trimming), or -1: a CR/LF
 * in a bearer token would split the Authorization header on the wire */
static int
cfg_token_ctl(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return *p;
	return -1;
}

static enum fs_code
cfg_resolve(const struct cfg_set *s, const char *context,
	    struct fs_kube_config **out, char **err)
{
	const char *ctxname = context;
	for (size_t i = 0; !ctxname && i < s->n; i++) {
		const char *cur = cfg_str(s->f[i].root, "current-context");
		if (cur && cur[0])
			ctxname = cur;
	}
	if (!ctxname)
		return cfg_err(err, FS_E_CONFIG,
			       "%s: no current-context and no --context given",
			       s->n ? s->f[0].path : "kubeconfig");
	const struct cfg_file *cf = NULL, *kf = NULL, *uf = NULL;
	char at[512];
	const cJSON *ctx = cfg_find(s, "contexts", ctxname, "context", &cf);
	if (!ctx)
		return cfg_err(err, FS_E_NOTFOUND,
			       "%s: context '%s' not found%s", s->f[0].path,
			       ctxname, s->n > 1 ? " in any KUBECONFIG file" : "");
	const char *clname = cfg_str(ctx, "cluster");
	const char *usname = cfg_str(ctx, "user");
	if (!clname)
		return cfg_err(err, FS_E_CONFIG,
			       "%s: context '%s': cluster: expected a name, got nothing",
			       cfg_at(cf, ctx, at, sizeof at), ctxname);
	const cJSON *cl = cfg_find(s, "clusters", clname, "cluster", &kf);
	if (!cl)
		return cfg_err(err, FS_E_NOTFOUND,
			       "%s: context '%s': cluster '%s' not found",
			       cfg_at_key(cf, ctx, "cluster", at, sizeof at), ctxname, clname);
	const char *server = cfg_str(cl, "server");
	if (!server || strncmp(server, "http", 4) ||
	    (strncmp(server, "https://", 8) && strncmp(server, "http://", 7)))
		return cfg_err(err, FS_E_CONFIG,
			       "%s: cluster '%s': server: expected an http(s):// URL, got %s%s%s",
			       cfg_at_key(kf, cl, "server", at, sizeof at), clname, server ? "\"" : "",
			       server ? server : "nothing", server ? "\"" : "");
	struct fs_kube_config *c = fs_xcalloc(1, sizeof(*c));
	c->context = fs_xstrdup(ctxname);
	c->source = fs_xstrdup(cf->path);
	c->server = fs_xstrdup(server);
	size_t sl = strlen(c->server);
	while (sl > 0 && c->server[sl - 1] == '/')
		c->server[--sl] = '\0';
	const char *ns = cfg_str(ctx, "namespace");
	c->namespace_ = fs_xstrdup(ns && ns[0] ? ns : "default");
	const char *tsn = cfg_str(cl, "tls-server-name");
	c->tls_server_name = tsn ? fs_xstrdup(tsn) : NULL;
	c->insecure = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
		cl, "insecure-skip-tls-verify"));
	enum fs_code rc = cfg_blob(kf, cl, clname, "certificate-authority",
				   "certificate-authority-data", &c->ca_pem,
				   &c->ca_pem_len, err);
	if (rc)
		goto fail;
	if (usname) {
		const cJSON *us = cfg_find(s, "users", usname, "user", &uf);
		if (!us) {
			rc = cfg_err(err, FS_E_NOTFOUND,
				     "%s: context '%s': user '%s' not found",
				     cfg_at_key(cf, ctx, "user", at, sizeof at), ctxname, usname);
			goto fail;
		}
		if ((rc = cfg_blob(uf, us, usname, "client-certificate",
				   "client-certificate-data", &c->cert_pem,
				   &c->cert_pem_len, err)) ||
		    (rc = cfg_blob(uf, us, usname, "client-key", "client-key-data",
				   &c->key_pem, &c->key_pem_len, err)))
			goto fail;
		if (!c->cert_pem != !c->key_pem) {
			rc = cfg_err(err, FS_E_CONFIG,
				     "%s: user '%s': client certificate and key must be given together, got only the %s",
				     cfg_at(uf, us, at, sizeof at), usname, c->cert_pem ? "certificate" : "key");
			goto fail;
		}
		const char *tok = cfg_str(us, "token");
		const char *tokfile = cfg_str(us, "tokenFile");
		if (tok && tok[0]) {
			c->token = fs_xstrdup(tok);
		} else if (tokfile && tokfile[0]) {
			c->token_file = cfg_path(uf, tokfile);
			char *rerr = NULL;
			c->token = fs_kube_read_file(c->token_file, NULL, &rerr);
			if (!c->token) {
				rc = cfg_err(err, FS_E_IO, "%s: user '%s': tokenFile: %s",
					     cfg_at_key(uf, us, "tokenFile", at, sizeof at), usname, rerr);
				free(rerr);
				goto fail;
			}
			cfg_trim(c->token);
		}
		int ctl = c->token ? cfg_token_ctl(c->token) : -1;
		if (ctl >= 0) {
			rc = cfg_err(err, FS_E_CONFIG,
				     "%s: user '%s': %s: control character 0x%02x in the token, expected printable text; "
				     "check the file for stray line breaks",
				     cfg_at_key(uf, us, c->token_file ? "tokenFile" : "token", at, sizeof at),
				     usname, c->token_file ? "tokenFile" : "token", ctl);
			goto fail;
		}
		const char *un = cfg_str(us, "username");
		if (un && !c->token && !c->cert_pem) {
			rc = cfg_err(err, FS_E_NOTSUP,
				     "%s: user '%s': basic authentication (username/password) is not supported",
				     cfg_at_key(uf, us, "username", at, sizeof at), usname);
			goto fail;
		}
		if (cJSON_GetObjectItemCaseSensitive(us, "exec") && !c->token &&
		    !c->cert_pem) {
			rc = cfg_err(err, FS_E_NOTSUP,
				     "%s: user '%s': exec credential plugins are not supported",
				     cfg_at_key(uf, us, "exec", at, sizeof at), usname);
			goto fail;
		}
	}
	if (c->insecure) {
		if (c->ca_pem) {
			rc = cfg_err(err, FS_E_CONFIG,
				     "%s: cluster '%s': insecure-skip-tls-verify and a certificate authority are both set",
				     cfg_at_key(kf, cl, "insecure-skip-tls-verify", at, sizeof at), clname);
			goto fail;
		}
		fs_warn("kube", "TLS VERIFICATION IS OFF for cluster '%s' (%s): "
			"insecure-skip-tls-verify is set in %s; anyone on the path can read and change the traffic",
			clname, c->server, kf->path);
	}
	*out = c;
	return FS_OK;
fail:
	fs_kube_config_free(c);
	return rc;
}

static void
cfg_set_release(struct cfg_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		fs_docset_free(s->f[i].ds);
		cJSON_Delete(s->f[i].empty);
		free(s->f[i].path);
		free(s->f[i].dir);
	}
	s->n = 0;
}

static enum fs_code
cfg_add_text(struct cfg_set *s, const char *text,
	     size_t len, const char *name, char **err)
{
	if (s->n == MAX_FILES)
		return cfg_err(err, FS_E_RANGE, "%s: more than %d kubeconfig files",
			       name, MAX_FILES);
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = NULL;
	if (fs_docset_load_mem(&ds, name, text, len, &d) != FS_OK) {
		*err = d.n ? fs_diag_format(&d.items[0]) : fs_xstrdup("cannot parse yaml");
		fs_diags_release(&d);
		return FS_E_PARSE;
	}
	fs_diags_release(&d);
	struct cfg_file *f = &s->f[s->n];
	*f = (struct cfg_file){.ds = ds, .root = fs_docset_doc(ds, 0), .path = fs_xstrdup(name)};
	const char *slash = strrchr(name, '/');
	f->dir = slash ? fs_xstrndup(name, (size_t)(slash - name + (slash == name)))
		       : fs_xstrdup("");
	s->n++; /* cfg_set_release frees it from here on */
	if (!f->root)
		f->root = f->empty = cJSON_CreateObject(); /* an empty file is an empty config */
	char at[512];
	if (!cJSON_IsObject(f->root))
		return cfg_err(err, FS_E_CONFIG,
			       "%s: expected a kubeconfig mapping at the top level, got %s",
			       cfg_at(f, f->root, at, sizeof at), fs_doc_type_name(f->root));
	const char *kind = cfg_str(f->root, "kind");
	if (kind && strcmp(kind, "Config"))
		return cfg_err(err, FS_E_CONFIG, "%s: kind: expected Config, got \"%.64s\"",
			       cfg_at_key(f, f->root, "kind", at, sizeof at), kind);
	static const char *const lists[] = {"clusters", "contexts", "users"};
	for (size_t i = 0; i < 3; i++) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(f->root, lists[i]);
		if (l && !cJSON_IsArray(l) && !cJSON_IsNull(l))
			return cfg_err(err, FS_E_CONFIG, "%s: %s: expected a list, got %s",
				       cfg_at(f, l, at, sizeof at), lists[i],
				       fs_doc_type_name(l));
	}
	return FS_OK;
}

enum fs_code
fs_kube_config_parse(const char *text, size_t len,
		     const char *name, const char *context,
		     struct fs_kube_config **out, char **err)
{
	struct cfg_set s = {0};
	*out = NULL;
	*err = NULL;
	enum fs_code rc = cfg_add_text(&s, text, len, name ? name : "kubeconfig", err);
	if (!rc)
		rc = cfg_resolve(&s, context, out, err);
	cfg_set_release(&s);
	return rc;
}

static enum fs_code
cfg_add_file(struct cfg_set *s, const char *path, char **err)
{
	size_t len;
	char *rerr = NULL;
	char *text = fs_kube_read_file(path, &len, &rerr);
	if (!text) {
		enum fs_code c = cfg_err(err, FS_E_IO, "kubeconfig %s", rerr);
		free(rerr);
		return c;
	}
	enum fs_code rc = cfg_add_text(s, text, len, path, err);
	free(text);
	return rc;
}

enum fs_code
fs_kube_config_load(const struct fs_kube_config_opts *opts,
		    struct fs_kube_config **out, char **err)
{
	static const struct fs_kube_config_opts none = {0};
	if (!opts)
		opts = &none;
	*out = NULL;
	*err = NULL;
	struct cfg_set s = {0};
	enum fs_code rc = FS_OK;
	const char *env = getenv("KUBECONFIG");
	if (opts->kubeconfig) {
		rc = cfg_add_file(&s, opts->kubeconfig, err);
	} else if (env && env[0]) {
		char *list = fs_xstrdup(env), *save = NULL;
		for (char *p = strtok_r(list, ":", &save); p && !rc;
		     p = strtok_r(NULL, ":", &save))
			if (access(p, F_OK) == 0) /* missing entries are skipped, as kubectl does */
				rc = cfg_add_file(&s, p, err);
		free(list);
		if (!rc && !s.n)
			rc = cfg_err(err, FS_E_NOTFOUND,
				     "none of the KUBECONFIG files exists (KUBECONFIG=%s)",
				     env);
	} else {
		const char *home = getenv("HOME");
		struct fs_buf p = FS_BUF_INIT;
		fs_buf_printf(&p, "%s/.kube/config", home ? home : "");
		if (home && access(p.data, F_OK) == 0)
			rc = cfg_add_file(&s, p.data, err);
		else if (opts->in_cluster)
			rc = fs_kube_config_in_cluster(opts->sa_dir, out, err);
		else
			rc = cfg_err(err, FS_E_NOTFOUND,
				     "no kubeconfig: %s does not exist and neither --kubeconfig nor KUBECONFIG is set",
				     p.data);
		fs_buf_release(&p);
		if (*out || rc)
			return rc;
	}
	if (!rc)
		rc = cfg_resolve(&s, opts->context, out, err);
	cfg_set_release(&s);
	return rc;
}

enum fs_code
fs_kube_config_in_cluster(const char *sa_dir,
			  struct fs_kube_config **out, char **err)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	*out = NULL;
	if (!host || !host[0] || !port || !port[0])
		return cfg_err(err, FS_E_NOTFOUND,
			       "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");
	if (!sa_dir)
		sa_dir = SA_DIR;
	struct fs_kube_config *c = fs_xcalloc(1, sizeof(*c));
	struct fs_buf b = FS_BUF_INIT;
	char *rerr = NULL;
	enum fs_code rc = FS_OK;
	c->context = fs_xstrdup("in-cluster");
	c->source = fs_xstrdup(sa_dir);
	bool v6 = strchr(host, ':') != NULL;
	fs_buf_printf(&b, "https://%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "", port);
	c->server = fs_buf_detach(&b);
	fs_buf_printf(&b, "%s/token", sa_dir);
	c->token_file = fs_buf_detach(&b);
	c->token = fs_kube_read_file(c->token_file, NULL, &rerr);
	if (!c->token) {
		rc = cfg_err(err, FS_E_IO, "in-cluster config: service-account token: %s", rerr);
		goto out;
	}
	cfg_trim(c->token);
	fs_buf_printf(&b, "%s/ca.crt", sa_dir);
	c->ca_pem = fs_kube_read_file(b.data, &c->ca_pem_len, &rerr);
	if (!c->ca_pem) {
		rc = cfg_err(err, FS_E_IO, "in-cluster config: service-account CA: %s", rerr);
		goto out;
	}
	fs_buf_reset(&b);
	fs_buf_printf(&b, "%s/namespace", sa_dir);
	c->namespace_ = fs_kube_read_file(b.data, NULL, &rerr);
	if (!c->namespace_) {
		free(rerr);
		rerr = NULL;
		c->namespace_ = fs_xstrdup("default");
	}
	cfg_trim(c->namespace_);
out:
	free(rerr);
	fs_buf_release(&b);
	if (rc) {
		fs_kube_config_free(c);
		return rc;
	}
	*out = c;
	return FS_OK;
}

void
fs_kube_config_free(struct fs_kube_config *c)
{
	if (!c)
		return;
	free(c->context);
	free(c->source);
	free(c->server);
	free(c->namespace_);
	free(c->tls_server_name);
	free(c->ca_pem);
	free(c->cert_pem);
	fs_free_secret(c->key_pem, c->key_pem_len);
	fs_free_secret(c->token, c->token ? strlen(c->token) : 0);
	free(c->token_file);
	free(c);
}
