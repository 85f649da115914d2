/*
 * plugin/loader.c - find, check, map and instantiate plugin files.
 *
 * Every refusal is one line that starts with "plugin '<name>' (<path>): "
 * and says what was expected and what was found (docs/ARCHITECTURE.md lists
 * them). The checks run in this order, each reading only what the previous
 * ones proved is there: file → dlopen → entry symbol → magic → ABI →
 * size → build → kind → required fields → ops table → capabilities →
 * duplicate name.
 */
#include "plugin/loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin/loader_int.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/sha256.h"

enum fs_code
fs_plugin_fail(char *err, size_t errlen, enum fs_code code, const char *name,
	       const char *path, const char *fmt, ...)
{
	if (err && errlen) {
		int n = snprintf(err, errlen, "plugin '%s' (%s): ", name, path);
		if (n >= 0 && (size_t)n < errlen) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return code;
}

/* Plugins are never unloaded (descriptors and code must outlive every
 * profile that used them); this list keeps them reachable for the life of
 * the process, whichever registry loaded them. */
static struct fs_loaded_plugin *loaded_all;

void
fs_registry_init(struct fs_registry *reg)
{
	memset(reg, 0, sizeof *reg);
}

enum fs_code
fs_registry_add_dir(struct fs_registry *reg, const char *dir, char *err,
		    size_t errlen)
{
	if (!dir || dir[0] != '/') {
		snprintf(err, errlen,
			 "plugin directory '%s' is not an absolute path",
			 dir ? dir : "");
		return FS_E_INVAL;
	}
	for (size_t i = 0; i < reg->ndirs; i++)
		if (strcmp(reg->dirs[i], dir) == 0)
			return FS_OK;
	reg->dirs = fs_xrealloc(reg->dirs, (reg->ndirs + 1) * sizeof *reg->dirs);
	reg->dirs[reg->ndirs++] = fs_xstrdup(dir);
	return FS_OK;
}

void
fs_registry_add_env_dirs(struct fs_registry *reg)
{
	const char *env = getenv("FEDSTATE_PLUGIN_PATH");
	if (!env)
		return;
	char *copy = fs_xstrdup(env), *save = NULL;
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char err[256];
		if (fs_registry_add_dir(reg, d, err, sizeof err) != FS_OK)
			fs_warn("plugin", "FEDSTATE_PLUGIN_PATH: %s (ignored)", err);
	}
	free(copy);
}

void
fs_registry_release(struct fs_registry *reg)
{
	/* loaded plugins stay mapped for the life of the process: the
	 * descriptors they point into must outlive every profile */
	for (size_t i = 0; i < reg->ndirs; i++)
		free(reg->dirs[i]);
	free(reg->dirs);
	reg->dirs = NULL;
	reg->ndirs = 0;
}

bool
fs_plugin_name_valid(const char *s)
{
	if (!s || !*s || strlen(s) > 63)
		return false;
	if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

enum fs_code
fs_plugin_resolve(const struct fs_registry *reg, const char *name,
		  char **path_out, char *err, size_t errlen)
{
	*path_out = NULL;
	if (strchr(name, '/'))
		return fs_plugin_fail(err, errlen, FS_E_INVAL, name, "-",
				      "plugin names cannot contain '/'; list the directory "
				      "in pluginDirs and name the plugin without a path");
	if (reg->ndirs == 0)
		return fs_plugin_fail(err, errlen, FS_E_NOTFOUND, name, "-",
				      "no plugin directory configured\n  hint: set pluginDirs "
				      "in the config or FEDSTATE_PLUGIN_PATH");
	struct fs_buf tried = FS_BUF_INIT;
	for (size_t i = 0; i < reg->ndirs; i++) {
		char *p = NULL;
		if (asprintf(&p, "%s/%s.so", reg->dirs[i], name) < 0)
			abort();
		if (access(p, F_OK) == 0) {
			fs_buf_release(&tried);
			*path_out = p;
			return FS_OK;
		}
		fs_buf_printf(&tried, "%s%s", i ? ", " : "", p);
		free(p);
	}
	fs_plugin_fail(err, errlen, FS_E_NOTFOUND, name, "-",
		       "not found (looked for %s)", tried.data);
	fs_buf_release(&tried);
	return FS_E_NOTFOUND;
}

/* regular file, not writable by group or others, optional pin */
static enum fs_code
check_file(const char *name, const char *path, const char *pin,
	   struct stat *st, char hex[65], char *err, size_t errlen)
{
	if (stat(path, st) != 0)
		return fs_plugin_fail(err, errlen, errno == ENOENT ? FS_E_NOTFOUND : FS_E_IO,
				      name, path, "cannot stat: %s", strerror(errno));
	if (!S_ISREG(st->st_mode))
		return fs_plugin_fail(err, errlen, FS_E_PERM, name, path,
				      "refusing to load: not a regular file");
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return fs_plugin_fail(err, errlen, FS_E_PERM, name, path,
				      "refusing to load: file is group- or world-writable "
				      "(mode %04o)\n  hint: chmod go-w %s",
				      (unsigned)(st->st_mode & 07777), path);
	if (fs_sha256_file(path, hex) != FS_OK)
		return fs_plugin_fail(err, errlen, FS_E_IO, name, path,
				      "cannot read: %s", strerror(errno));
	if (pin && *pin && strcasecmp(pin, hex) != 0)
		return fs_plugin_fail(err, errlen, FS_E_PERM, name, path,
				      "checksum mismatch: file has sha256 %.12s..., config "
				      "pins %.12s...", hex, pin);
	return FS_OK;
}

static bool
is_elf(const char *path)
{
	unsigned char m[4] = {0};
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	size_t n = fread(m, 1, 4, f);
	fclose(f);
	return n == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
}

/*
 * glibc hands back the already-loaded object for a path it has mapped
 * before, even when the file on disk was replaced. A reload therefore maps
 * a private copy under a content-addressed name.
 */
static char *
private_copy(const char *path, const char *hex, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	char *dst = NULL;
	if (asprintf(&dst, "%s/fedstate-plugin-%.16s.so", tmp && *tmp ? tmp : "/tmp", hex) < 0)
		abort();
	int in = open(path, O_RDONLY | O_CLOEXEC);
	int out = in < 0 ? -1 : open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0500);
	bool ok = in >= 0 && out >= 0;
	char buf[65536];
	ssize_t n;
	while (ok && (n = read(in, buf, sizeof buf)) > 0)
		ok = write(out, buf, (size_t)n) == n;
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0)
		ok = false;
	if (!ok) {
		snprintf(err, errlen, "cannot copy %s to %s: %s", path, dst, strerror(errno));
		free(dst);
		return NULL;
	}
	return dst;
}

static struct fs_loaded_plugin *
find_by_name(struct fs_registry *reg, const char *name)
{
	for (struct fs_loaded_plugin *p = reg->head; p; p = p->next)
		if (strcmp(p->desc.name, name) == 0)
			return p;
	return NULL;
}

/* map `path` (already checked) and run the descriptor checks */
static enum fs_code
map_plugin(const char *label, const char *path, const char *map_path,
	   struct fs_loaded_plugin **out, char *err, size_t errlen)
{
	void *h = dlopen(map_path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		if (!is_elf(path))
			return fs_plugin_fail(err, errlen, FS_E_PARSE, label, path,
					      "not a shared object: %s", e ? e : "unknown error");
		return fs_plugin_fail(err, errlen, FS_E_IO, label, path,
				      "cannot open shared object: %s\n  hint: run 'fedstate "
				      "plugins check %s' and 'ldd -r %s' to list unresolved "
				      "libraries and symbols", e ? e : "unknown error", path, path);
	}
	dlerror();
	void *sym = dlsym(h, FS_PLUGIN_ENTRY_SYMBOL);
	if (!sym)
		return fs_plugin_fail(err, errlen, FS_E_PARSE, label, path,
				      "not a fedstate plugin: no symbol '%s'\n  hint: define "
				      "the plugin with FS_PLUGIN_DEFINE", FS_PLUGIN_ENTRY_SYMBOL);
	const struct fs_plugin_desc *(*entry)(void);
	*(void **)&entry = sym;
	const struct fs_plugin_desc *d = entry();
	if (!d)
		return fs_plugin_fail(err, errlen, FS_E_PARSE, label, path,
				      "not a fedstate plugin: %s() returned NULL",
				      FS_PLUGIN_ENTRY_SYMBOL);
	struct fs_loaded_plugin *lp = fs_xcalloc(1, sizeof *lp);
	enum fs_code rc = fs_plugin_check_desc(lp, d, label, path, err, errlen);
	if (rc != FS_OK) {
		free(lp);
		return rc; /* never dlclose: see plugin.h */
	}
	lp->handle = h;
	*out = lp;
	return FS_OK;
}

static enum fs_code
load_file(struct fs_registry *reg, const char *label, const char *path,
	  const char *pin, uint32_t expect_kind, bool replacing,
	  struct fs_loaded_plugin **out, char *err, size_t errlen)
{
	struct stat st;
	char hex[65];
	enum fs_code rc = check_file(label, path, pin, &st, hex, err, errlen);
	if (rc != FS_OK)
		return rc;
	/* the same file content loaded before: share it */
	for (struct fs_loaded_plugin *p = reg->head; p; p = p->next) {
		if (strcmp(p->sha256, hex) == 0 && strcmp(p->path, path) == 0) {
			*out = p;
			goto kind;
		}
	}
	char *map_path = NULL;
	bool seen_path = false;
	for (struct fs_loaded_plugin *p = reg->head; p; p = p->next)
		seen_path |= strcmp(p->path, path) == 0;
	if (seen_path) {
		char cerr[512];
		map_path = private_copy(path, hex, cerr, sizeof cerr);
		if (!map_path)
			return fs_plugin_fail(err, errlen, FS_E_IO, label, path, "%s", cerr);
	}
	struct fs_loaded_plugin *lp = NULL;
	rc = map_plugin(label, path, map_path ? map_path : path, &lp, err, errlen);
	free(map_path);
	if (rc != FS_OK)
		return rc;
	struct fs_loaded_plugin *dup = find_by_name(reg, lp->desc.name);
	if (dup && !replacing) {
		fs_plugin_fail(err, errlen, FS_E_EXISTS, lp->desc.name, path,
			       "duplicate plugin name: already loaded from %s", dup->path);
		free(lp);
		return FS_E_EXISTS;
	}
	lp->path = fs_xstrdup(path);
	lp->sha256 = fs_xstrdup(hex);
	lp->size = (unsigned long)st.st_size;
	lp->next = reg->head;
	reg->head = lp;
	lp->all_next = loaded_all;
	loaded_all = lp;
	*out = lp;
kind:
	if (expect_kind && (*out)->desc.kind != expect_kind)
		return fs_plugin_fail(err, errlen, FS_E_ABI, (*out)->desc.name, path,
				      "kind mismatch: a %s plugin listed where a %s plugin "
				      "is expected", fs_plugin_kind_name((*out)->desc.kind),
				      fs_plugin_kind_name(expect_kind));
	return FS_OK;
}

enum fs_code
fs_plugin_load(struct fs_registry *reg, const char *name, const char *pin,
	       uint32_t expect_kind, struct fs_loaded_plugin **out, char *err,
	       size_t errlen)
{
	*out = NULL;
	struct fs_loaded_plugin *have = find_by_name(reg, name);
	if (have && (!pin || !*pin || strcasecmp(pin, have->sha256) == 0)) {
		*out = have;
		if (expect_kind && have->desc.kind != expect_kind)
			return fs_plugin_fail(err, errlen, FS_E_ABI, name, have->path,
					      "kind mismatch: a %s plugin listed where a %s "
					      "plugin is expected",
					      fs_plugin_kind_name(have->desc.kind),
					      fs_plugin_kind_name(expect_kind));
		return FS_OK;
	}
	char *path = NULL;
	enum fs_code rc = fs_plugin_resolve(reg, name, &path, err, errlen);
	if (rc != FS_OK)
		return rc;
	rc = load_file(reg, name, path, pin, expect_kind, false, out, err, errlen);
	if (rc == FS_OK && strcmp((*out)->desc.name, name) != 0) {
		rc = fs_plugin_fail(err, errlen, FS_E_ABI, name, path,
				    "file declares the name '%s' (expected '%s')",
				    (*out)->desc.name, name);
		*out = NULL;
	}
	free(path);
	return rc;
}

enum fs_code
fs_plugin_load_path(struct fs_registry *reg, const char *path, const char *pin,
		    struct fs_loaded_plugin **out, char *err, size_t errlen)
{
	*out = NULL;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char label[128];
	snprintf(label, sizeof label, "%.*s", (int)(strcspn(base, ".") < 120 ? strcspn(base, ".") : 120), base);
	return load_file(reg, label, path, pin, 0, false, out, err, errlen);
}

enum fs_code
fs_plugin_reload(struct fs_registry *reg, struct fs_loaded_plugin *old,
		 struct fs_loaded_plugin **out, char *err, size_t errlen)
{
	*out = old;
	char hex[65];
	if (fs_sha256_file(old->path, hex) != FS_OK)
		return fs_plugin_fail(err, errlen, FS_E_IO, old->desc.name, old->path,
				      "cannot read: %s", strerror(errno));
	if (strcmp(hex, old->sha256) == 0)
		return FS_OK;
	struct fs_loaded_plugin *lp = NULL;
	enum fs_code rc = load_file(reg, old->desc.name, old->path, NULL,
				    old->desc.kind, true, &lp, err, errlen);
	if (rc != FS_OK)
		return rc;
	if (strcmp(lp->desc.name, old->desc.name) != 0)
		return fs_plugin_fail(err, errlen, FS_E_ABI, old->desc.name, old->path,
				      "new file declares the name '%s' (expected '%s')",
				      lp->desc.name, old->desc.name);
	*out = lp;
	return FS_OK;
}

enum fs_code
fs_plugin_instantiate(struct fs_loaded_plugin *lp, const cJSON *args,
		      const char *profile, const struct fs_plugin_env *env,
		      struct fs_plugin **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!env || !env->host)
		return fs_plugin_fail(err, errlen, FS_E_INTERNAL, lp->desc.name, lp->path,
				      "no host to bind the instance to");
	struct fs_plugin *inst = fs_xcalloc(1, sizeof *inst);
	inst->lp = lp;
	inst->env = env;
	inst->profile = profile ? fs_xstrdup(profile) : NULL;
	if (profile && *profile) {
		if (asprintf(&inst->log_prefix, "%s[%s]", lp->desc.name, profile) < 0)
			abort();
	} else {
		inst->log_prefix = fs_xstrdup(lp->desc.name);
	}
	*lp->desc.host_slot = env->host;
	if (lp->desc.init) {
		char perr[512] = "";
		enum fs_code rc = lp->desc.init(inst, (const struct fs_json *)args,
						&inst->state, perr, sizeof perr);
		if (rc != FS_OK) {
			perr[sizeof perr - 1] = '\0';
			fs_plugin_fail(err, errlen, FS_E_PLUGIN, lp->desc.name, lp->path,
				       "initialization failed: %s",
				       perr[0] ? perr : env->host->strerror(rc));
			fs_owner_drop(&inst->owner);
			free(inst->profile);
			free(inst->log_prefix);
			free(inst);
			return FS_E_PLUGIN;
		}
	}
	*out = inst;
	return FS_OK;
}

void
fs_plugin_retire(struct fs_plugin *inst)
{
	if (!inst)
		return;
	fs_owner_close(&inst->owner);
	if (inst->lp->desc.fini)
		inst->lp->desc.fini(inst->state);
	free(inst->profile);
	free(inst->log_prefix);
	free(inst);
}

const char *
fs_plugin_caps_string(uint32_t caps, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{FS_CAP_PRE_FILTER, "pre_filter"}, {FS_CAP_FILTER, "filter"},
		{FS_CAP_PRE_SCORE, "pre_score"}, {FS_CAP_SCORE, "score"},
		{FS_CAP_NORMALIZE, "normalize"}, {FS_CAP_ASSIGN, "assign"},
		{FS_CAP_BIND, "bind"}, {FS_CAP_INTERPRET, "interpret"},
		{FS_CAP_RENDER, "render"}, {FS_CAP_AGGREGATE_STATUS, "aggregate_status"},
		{FS_CAP_INTERPRET_HEALTH, "interpret_health"},
	};
	size_t at = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(caps & names[i].bit))
			continue;
		int n = snprintf(buf + at, len - at, "%s%s", at ? "," : "", names[i].name);
		if (n < 0 || (size_t)n >= len - at)
			break;
		at += (size_t)n;
	}
	return buf;
}

const char *
fs_plugin_kind_name(uint32_t kind)
{
	return kind == FS_PLUGIN_SCHED ? "scheduling"
	       : kind == FS_PLUGIN_MIDDLEWARE ? "middleware" : "unknown";
}
