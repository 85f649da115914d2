/*
 * plugin/loader.c - find, check, map and instantiate plugin files.
 *
 * Every refusal is one line that starts with "plugin '<name>' (<path>): "
 * and says what was expected and what was found (docs/ARCHITECTURE.md lists
 * them). The checks run in this order, each reading only what the previous
 * ones proved is there: directory and file (file.c) → content and pin →
 * dlopen of a private copy → entry symbol → magic → ABI → size → build →
 * kind → required fields → ops table → capabilities (check.c) → declared
 * name → duplicate name.
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
#include <time.h>
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

/* ------------------------------------------------------------ content */

/* a changed file may keep its ctime only within one clock tick of the hash;
 * files changed this shortly before they were hashed are hashed again */
#define RACY_NS 2000000000LL

static long long
ns_of(struct timespec t)
{
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* p's file is provably the one it hashed: same identity, same times, and
 * its last change well before the hash */
static bool
file_unchanged(const struct fs_loaded_plugin *p, const struct stat *st)
{
	const struct fs_plugin_file_id *id = &p->file;
	return id->dev == st->st_dev && id->ino == st->st_ino &&
	       id->size == st->st_size && ns_of(id->mtime) == ns_of(st->st_mtim) &&
	       ns_of(id->ctime) == ns_of(st->st_ctim) &&
	       ns_of(id->ctime) + RACY_NS < ns_of(id->hashed_at);
}

static void
remember_file(struct fs_loaded_plugin *p, const struct stat *st,
	      struct timespec hashed_at)
{
	p->file = (struct fs_plugin_file_id){st->st_dev, st->st_ino, st->st_size,
					     st->st_mtim, st->st_ctim, hashed_at};
}

/* the sha256 of f (opened from path): taken from a plugin of this registry
 * loaded from the same, provably unchanged file, else hashed (*hashed) */
static enum fs_code
content_of(const struct fs_registry *reg, const char *label, const char *path,
	   const struct fs_plugin_file *f, char hex[65],
	   struct timespec *hashed_at, bool *hashed, char *err, size_t errlen)
{
	*hashed = false;
	for (const struct fs_loaded_plugin *p = reg->head; p; p = p->next) {
		if (strcmp(p->path, path) == 0 && file_unchanged(p, &f->st)) {
			memcpy(hex, p->sha256, 65);
			*hashed_at = p->file.hashed_at;
			return FS_OK;
		}
	}
	clock_gettime(CLOCK_REALTIME, hashed_at);
	if (fs_sha256_fd(f->fd, hex) != FS_OK)
		return fs_plugin_fail(err, errlen, FS_E_IO, label, path, "cannot read: %s",
				      strerror(errno));
	*hashed = true;
	return FS_OK;
}

/* ------------------------------------------------------------- mapping */

/* the descriptor of a mapped handle, checked */
static enum fs_code
describe(void *h, const char *label, const char *path,
	 struct fs_loaded_plugin **out, char *err, size_t errlen)
{
	dlerror();
	void *sym = dlsym(h, FS_PLUGIN_ENTRY_SYMBOL);
	if (!sym)
		return fs_plugin_fail(err, errlen, FS_E_NOT_PLUGIN, label, path,
				      "not a fedstate plugin: no symbol '%s'\n  hint: define "
				      "the plugin with FS_PLUGIN_DEFINE", FS_PLUGIN_ENTRY_SYMBOL);
	const struct fs_plugin_desc *(*entry)(void);
	*(void **)&entry = sym;
	const struct fs_plugin_desc *d = entry();
	if (!d)
		return fs_plugin_fail(err, errlen, FS_E_NOT_PLUGIN, label, path,
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

/* map f (content hex) and check it: the handle of a plugin with the same
 * content when the process has one, else a private copy */
static enum fs_code
map_new(const struct fs_plugin_file *f, const char *hex, const char *label,
	const char *path, struct fs_loaded_plugin **out, char *err, size_t errlen)
{
	void *h = NULL;
	for (struct fs_loaded_plugin *p = loaded_all; p && !h; p = p->all_next)
		if (strcmp(p->sha256, hex) == 0)
			h = p->handle;
	if (!h) {
		enum fs_code rc = fs_plugin_file_map(f, hex, label, path, &h, err, errlen);
		if (rc != FS_OK)
			return rc;
	}
	return describe(h, label, path, out, err, errlen);
}

/* the plugin named `name` loaded from another file than path */
static struct fs_loaded_plugin *
other_file_named(struct fs_registry *reg, const char *name, const char *path)
{
	for (struct fs_loaded_plugin *p = reg->head; p; p = p->next)
		if (strcmp(p->desc.name, name) == 0 && strcmp(p->path, path) != 0)
			return p;
	return NULL;
}

/*
 * Load `path` into reg: open and check it, take its content (hash), check
 * the pin, then reuse the plugin of reg with that content from that path,
 * or map it anew beside what is loaded. want_name (may be NULL) is the name
 * the file must declare.
 */
static enum fs_code
load_file(struct fs_registry *reg, const char *label, const char *want_name,
	  const char *path, const char *pin, uint32_t expect_kind,
	  struct fs_loaded_plugin **out, char *err, size_t errlen)
{
	*out = NULL;
	struct fs_plugin_file f;
	enum fs_code rc = fs_plugin_file_open(&f, label, path, err, errlen);
	if (rc != FS_OK)
		return rc;
	char hex[65];
	struct timespec hashed_at;
	bool hashed;
	struct fs_loaded_plugin *lp = NULL;
	rc = content_of(reg, label, path, &f, hex, &hashed_at, &hashed, err, errlen);
	if (rc != FS_OK)
		goto out;
	if (pin && *pin && strcasecmp(pin, hex) != 0) {
		rc = fs_plugin_fail(err, errlen, FS_E_PERM, label, path,
				    "checksum mismatch: the file has sha256 %s, the config "
				    "pins %s\n  hint: install the pinned build, or pin the "
				    "installed one (sha256sum %s)", hex, pin, path);
		goto out;
	}
	for (struct fs_loaded_plugin *p = reg->head; p && !lp; p = p->next)
		if (strcmp(p->sha256, hex) == 0 && strcmp(p->path, path) == 0)
			lp = p;
	if (lp) {
		if (hashed)
			remember_file(lp, &f.st, hashed_at);
		goto kind;
	}
	rc = map_new(&f, hex, label, path, &lp, err, errlen);
	if (rc != FS_OK)
		goto out;
	const char *name = lp->desc.name;
	struct fs_loaded_plugin *dup = NULL;
	if (want_name && strcmp(name, want_name) != 0)
		rc = fs_plugin_fail(err, errlen, FS_E_NAME, want_name, path,
				    "file declares the name '%s' (expected '%s')", name,
				    want_name);
	else if ((dup = other_file_named(reg, name, path)))
		rc = fs_plugin_fail(err, errlen, FS_E_EXISTS, name, path,
				    "duplicate plugin name: already loaded from %s", dup->path);
	if (rc != FS_OK) {
		free(lp);
		lp = NULL;
		goto out;
	}
	lp->path = fs_xstrdup(path);
	lp->sha256 = fs_xstrdup(hex);
	lp->pin = pin && *pin ? fs_xstrdup(pin) : NULL;
	lp->size = (unsigned long)f.st.st_size;
	remember_file(lp, &f.st, hashed_at);
	lp->next = reg->head; /* newest first: loads by name find it first */
	reg->head = lp;
	lp->all_next = loaded_all;
	loaded_all = lp;
kind:
	if (expect_kind && lp->desc.kind != expect_kind) {
		rc = fs_plugin_fail(err, errlen, FS_E_KIND, lp->desc.name, path,
				    "kind mismatch: a %s plugin listed where a %s plugin "
				    "is expected", fs_plugin_kind_name(lp->desc.kind),
				    fs_plugin_kind_name(expect_kind));
		lp = NULL;
	}
out:
	fs_plugin_file_close(&f);
	*out = lp;
	return rc;
}

enum fs_code
fs_plugin_load(struct fs_registry *reg, const char *name, const char *pin,
	       uint32_t expect_kind, struct fs_loaded_plugin **out, char *err,
	       size_t errlen)
{
	*out = NULL;
	char *path = NULL;
	enum fs_code rc = fs_plugin_resolve(reg, name, &path, err, errlen);
	if (rc != FS_OK)
		return rc;
	rc = load_file(reg, name, name, path, pin, expect_kind, out, err, errlen);
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
	return load_file(reg, label, NULL, path, pin, 0, out, err, errlen);
}

enum fs_code
fs_plugin_reload(struct fs_registry *reg, struct fs_loaded_plugin *old,
		 struct fs_loaded_plugin **out, char *err, size_t errlen)
{
	*out = old;
	struct fs_loaded_plugin *lp = NULL;
	enum fs_code rc = load_file(reg, old->desc.name, old->desc.name, old->path,
				    old->pin, old->desc.kind, &lp, err, errlen);
	if (rc == FS_OK)
		*out = lp;
	return rc;
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
			fs_owner_release(&inst->owner);
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
	fs_owner_release(&inst->owner);
	free(inst->profile);
	free(inst->log_prefix);
	free(inst);
}

void
fs_plugin_set_error(struct fs_plugin *inst, const char *fmt, ...)
{
	if (!inst)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(inst->last_error, sizeof inst->last_error, fmt, ap);
	va_end(ap);
	inst->has_error = true;
}

const char *
fs_plugin_last_error(const struct fs_plugin *inst)
{
	return inst && inst->has_error ? inst->last_error : NULL;
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
