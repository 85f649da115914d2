/*
 * plugin/file.c - open a plugin file once, check it, and map a private copy
 * of exactly the bytes that were checked.
 *
 * The file is opened relative to its checked directory with O_NOFOLLOW and
 * every later step (fstat, hash, copy) reads that descriptor, never the
 * path again: a file swapped between the checks and dlopen is not loaded.
 * dlopen maps a copy in a private 0700 directory, named by the sha256 of
 * its content, for two reasons: glibc hands back an already-loaded object
 * for the same path or the same (dev, inode), so a file replaced or
 * rewritten in place would come back as the old code; and a running
 * plugin's code must not change when the admin's file is rewritten in
 * place (a private mapping shows later writes to pages it has not copied).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "plugin/loader_int.h"
#include "util/buf.h"
#include "util/sha256.h"

/* the private-copy base ($TMPDIR or /tmp): group- or world-writable is
 * refused unless sticky and root-owned (our own 0700 directory is made in
 * it); *shared says it was such a directory */
static enum fs_code
check_copy_base(int dfd, const char *dir, const char *label, const char *path,
		bool *shared, char *err, size_t errlen)
{
	struct stat st;
	*shared = false;
	if (fstat(dfd, &st) != 0)
		return fs_plugin_fail(err, errlen, FS_E_IO, label, path,
				      "cannot stat %s: %s", dir, strerror(errno));
	if (!(st.st_mode & (S_IWGRP | S_IWOTH)))
		return FS_OK;
	if ((st.st_mode & S_ISVTX) && st.st_uid == 0) {
		*shared = true;
		return FS_OK;
	}
	return FS_E_PERM;
}

/* One directory of a plugin file's chain (st is its stat): nobody but its
 * owner may write it, sticky or not (in a sticky directory anyone may
 * create files), and the owner is root or this user. */
static enum fs_code
check_chain_dir(const struct stat *st, const char *dir, const char *label,
		const char *path, char *err, size_t errlen)
{
	unsigned mode = (unsigned)(st->st_mode & 07777);
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && (st->st_mode & S_ISVTX))
		return fs_plugin_fail(err, errlen, FS_E_PERM, label, path,
				      "refusing to load: plugin directory %s is writable by "
				      "others (mode %04o, sticky); expected no group/other write "
				      "on the file and every directory above it\n  hint: any "
				      "user can create files in a shared sticky directory such "
				      "as /tmp; install plugins in a directory only root or this "
				      "user can write, e.g. /usr/local/lib/fedstate/plugins",
				      dir, mode);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return fs_plugin_fail(err, errlen, FS_E_PERM, label, path,
				      "refusing to load: plugin directory %s is writable by "
				      "others (mode %04o); expected no group/other write on the "
				      "file and every directory above it\n  hint: chmod go-w %s",
				      dir, mode, dir);
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return fs_plugin_fail(err, errlen, FS_E_PERM, label, path,
				      "refusing to load: plugin directory %s is owned by uid %u; "
				      "expected root or the running user (uid %u)\n  hint: "
				      "chown root %s", dir, (unsigned)st->st_uid,
				      (unsigned)geteuid(), dir);
	return FS_OK;
}

/* every directory from / down to `abs` (absolute, may hold "." or ".."
 * or symbolic links: each prefix is what a lookup goes through, and
 * stat() follows a link to the directory whose entries then count) */
static enum fs_code
check_chain(const char *abs, const char *label, const char *path, char *err,
	    size_t errlen)
{
	size_t n = strlen(abs);
	char *pre = fs_xstrdup(abs);
	enum fs_code rc = FS_OK;
	for (size_t i = 0; i <= n && rc == FS_OK; i++) {
		if (i < n && abs[i] != '/')
			continue;
		if (i > 0 && abs[i - 1] == '/')
			continue; /* "//": the same directory again */
		size_t len = i == 0 ? 1 : i; /* "/" itself first */
		memcpy(pre, abs, len);
		pre[len] = '\0';
		struct stat st;
		if (stat(pre, &st) != 0)
			rc = fs_plugin_fail(err, errlen, errno == ENOENT ? FS_E_NOTFOUND : FS_E_IO,
					    label, path, "cannot stat its directory %s: %s", pre,
					    strerror(errno));
		else
			rc = check_chain_dir(&st, pre, label, path, err, errlen);
	}
	free(pre);
	return rc;
}

/* dir (the opened dfd) and each directory above it, as written and as
 * resolved (realpath: a symbolic link in the path leads elsewhere) */
static enum fs_code
check_dirs(int dfd, const char *dir, const char *label, const char *path,
	   char *err, size_t errlen)
{
	enum fs_code rc = FS_OK;
	char *abs = NULL;
	if (dir[0] == '/') {
		abs = fs_xstrdup(dir);
	} else {
		char cwd[4096];
		if (!getcwd(cwd, sizeof cwd))
			return fs_plugin_fail(err, errlen, FS_E_IO, label, path,
					      "cannot resolve its directory %s: %s", dir,
					      strerror(errno));
		if (asprintf(&abs, "%s/%s", cwd, dir) < 0)
			abort();
	}
	rc = check_chain(abs, label, path, err, errlen);
	char *real = rc == FS_OK ? realpath(abs, NULL) : NULL;
	if (rc == FS_OK && !real)
		rc = fs_plugin_fail(err, errlen, FS_E_IO, label, path,
				    "cannot resolve its directory %s: %s", dir, strerror(errno));
	if (rc == FS_OK && strcmp(real, abs) != 0)
		rc = check_chain(real, label, path, err, errlen);
	struct stat st;
	if (rc == FS_OK && fstat(dfd, &st) != 0)
		rc = fs_plugin_fail(err, errlen, FS_E_IO, label, path,
				    "cannot stat its directory %s: %s", dir, strerror(errno));
	else if (rc == FS_OK) /* the directory actually opened */
		rc = check_chain_dir(&st, real, label, path, err, errlen);
	free(real);
	free(abs);
	return rc;
}

/* split path into a new directory string and a pointer to the base name */
static char *
split_path(const char *path, const char **base)
{
	char *dir = fs_xstrdup(path);
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	char *slash = strrchr(dir, '/');
	if (!slash) {
		*base = path;
		free(dir);
		return fs_xstrdup(".");
	}
	*base = path + (slash + 1 - dir);
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return dir; /* *base may still end in the slashes stripped here */
}

enum fs_code
fs_plugin_file_open(struct fs_plugin_file *f, const char *label,
		    const char *path, char *err, size_t errlen)
{
	f->fd = -1;
	const char *base = NULL;
	char *dir = split_path(path, &base);
	char *name = fs_xstrdup(base);
	name[strcspn(name, "/")] = '\0';
	enum fs_code rc = FS_OK;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		rc = fs_plugin_fail(err, errlen, errno == ENOENT ? FS_E_NOTFOUND : FS_E_IO,
				    label, path, "cannot open its directory %s: %s", dir,
				    strerror(errno));
		goto out;
	}
	rc = check_dirs(dfd, dir, label, path, err, errlen);
	if (rc != FS_OK)
		goto out;
	/* O_NONBLOCK: a FIFO must not stall the open; harmless on files */
	f->fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (f->fd < 0) {
		if (errno == ELOOP)
			rc = fs_plugin_fail(err, errlen, FS_E_PERM, label, path,
					    "refusing to load: the file is a symbolic link\n"
					    "  hint: install the plugin file itself in the plugin "
					    "directory");
		else
			rc = fs_plugin_fail(err, errlen, errno == ENOENT ? FS_E_NOTFOUND : FS_E_IO,
					    label, path, "cannot open: %s", strerror(errno));
		goto out;
	}
	if (fstat(f->fd, &f->st) != 0) {
		rc = fs_plugin_fail(err, errlen, FS_E_IO, label, path, "cannot stat: %s",
				    strerror(errno));
	} else if (!S_ISREG(f->st.st_mode)) {
		rc = fs_plugin_fail(err, errlen, FS_E_PERM, label, path,
				    "refusing to load: not a regular file");
	} else if (f->st.st_mode & (S_IWGRP | S_IWOTH)) {
		rc = fs_plugin_fail(err, errlen, FS_E_PERM, label, path,
				    "refusing to load: file is group- or world-writable "
				    "(mode %04o)\n  hint: chmod go-w %s",
				    (unsigned)(f->st.st_mode & 07777), path);
	} else if (f->st.st_uid != 0 && f->st.st_uid != geteuid()) {
		/* its owner can rewrite it */
		rc = fs_plugin_fail(err, errlen, FS_E_PERM, label, path,
				    "refusing to load: the file is owned by uid %u; expected "
				    "root or the running user (uid %u)\n  hint: chown root %s",
				    (unsigned)f->st.st_uid, (unsigned)geteuid(), path);
	}
	if (rc != FS_OK)
		fs_plugin_file_close(f);
out:
	if (dfd >= 0)
		close(dfd);
	free(name);
	free(dir);
	return rc;
}

void
fs_plugin_file_close(struct fs_plugin_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* ------------------------------------------------------- private copies */

/* This process's private directory and the copies made in it. Removed at
 * exit by the process that made it (a forked child leaves it alone). */
static struct {
	char *dir;
	int dfd;
	pid_t pid;
	char **names;
	size_t n;
} copies = {NULL, -1, 0, NULL, 0};

void
fs_plugin_copies_remove(void)
{
	if (!copies.dir || copies.pid != getpid())
		return;
	/* only the names made here: unlinkat never follows a link */
	for (size_t i = 0; i < copies.n; i++) {
		unlinkat(copies.dfd, copies.names[i], 0);
		free(copies.names[i]);
	}
	free(copies.names);
	close(copies.dfd);
	rmdir(copies.dir);
	free(copies.dir);
	copies.dir = NULL;
	copies.dfd = -1;
	copies.names = NULL;
	copies.n = 0;
}

static void
copies_at_exit(void)
{
	fs_plugin_copies_remove();
}

/* the private directory, made on first use under $TMPDIR or /tmp */
static enum fs_code
copies_dir(const char *label, const char *path, char *err, size_t errlen)
{
	if (copies.dir && copies.pid == getpid())
		return FS_OK;
	if (copies.dir) { /* a forked child: the parent's directory is its own */
		close(copies.dfd);
		for (size_t i = 0; i < copies.n; i++)
			free(copies.names[i]);
		free(copies.names);
		free(copies.dir);
		copies.dir = NULL;
		copies.names = NULL;
		copies.n = 0;
	}
	const char *tmp = getenv("TMPDIR");
	const char *base = tmp && tmp[0] == '/' ? tmp : "/tmp";
	int bfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bfd < 0)
		return fs_plugin_fail(err, errlen, FS_E_IO, label, path,
				      "cannot open %s for a private copy: %s\n  hint: set "
				      "TMPDIR to a writable directory", base, strerror(errno));
	bool shared;
	char why[512];
	enum fs_code rc = check_copy_base(bfd, base, label, path, &shared, why, sizeof why);
	struct statvfs vfs;
	bool noexec = fstatvfs(bfd, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC);
	close(bfd);
	if (rc == FS_E_IO) {
		snprintf(err, errlen, "%s", why);
		return rc;
	}
	if (rc != FS_OK)
		return fs_plugin_fail(err, errlen, rc, label, path,
				      "cannot make a private copy: %s is writable by others "
				      "and not a sticky root directory\n  hint: set TMPDIR to "
				      "a private directory", base);
	if (noexec)
		return fs_plugin_fail(err, errlen, FS_E_IO, label, path,
				      "cannot map a private copy: %s is mounted noexec\n  "
				      "hint: set TMPDIR to a directory on a filesystem that "
				      "allows execution", base);
	char *dir = NULL;
	if (asprintf(&dir, "%s/fedstate-plugins-XXXXXX", base) < 0)
		abort();
	if (!mkdtemp(dir)) { /* mode 0700 */
		rc = fs_plugin_fail(err, errlen, FS_E_IO, label, path,
				    "cannot make a private directory in %s: %s", base,
				    strerror(errno));
		free(dir);
		return rc;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		rc = fs_plugin_fail(err, errlen, FS_E_IO, label, path, "cannot open %s: %s",
				    dir, strerror(errno));
		rmdir(dir);
		free(dir);
		return rc;
	}
	static bool registered;
	if (!registered && atexit(copies_at_exit) == 0)
		registered = true;
	copies.dir = dir;
	copies.dfd = dfd;
	copies.pid = getpid();
	return FS_OK;
}

static bool
write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* copy f's content into tmp (new, O_EXCL) in the private directory while
 * hashing it; hex_out is the digest of what was written, elf whether it
 * starts like an ELF file */
static enum fs_code
copy_into(const struct fs_plugin_file *f, const char *tmp, char hex_out[65],
	  bool *elf)
{
	int out = openat(copies.dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			 0500);
	if (out < 0)
		return FS_E_IO;
	struct fs_sha256 s;
	fs_sha256_init(&s);
	unsigned char buf[65536];
	off_t at = 0;
	bool ok = fchmod(out, 0500) == 0; /* whatever the umask */
	*elf = false;
	while (ok) {
		ssize_t n = pread(f->fd, buf, sizeof buf, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ok = n == 0;
			break;
		}
		if (at == 0)
			*elf = n >= 4 && memcmp(buf, "\177ELF", 4) == 0;
		fs_sha256_update(&s, buf, (size_t)n);
		ok = write_all(out, buf, (size_t)n);
		at += n;
	}
	int saved = errno;
	if (close(out) != 0)
		ok = false;
	errno = ok ? 0 : saved;
	unsigned char d[32];
	fs_sha256_final(&s, d);
	fs_sha256_hex(d, hex_out);
	return ok ? FS_OK : FS_E_IO;
}

/* dlerror names the copy; say the admin's path instead */
static void
dl_message(char *out, size_t len, const char *copy, const char *path)
{
	const char *e = dlerror();
	if (!e)
		e = "unknown error";
	size_t cl = strlen(copy);
	if (strncmp(e, copy, cl) == 0)
		snprintf(out, len, "%s%s", path, e + cl);
	else
		snprintf(out, len, "%s", e);
}

enum fs_code
fs_plugin_file_map(const struct fs_plugin_file *f, const char *hex,
		   const char *label, const char *path, void **handle,
		   char *err, size_t errlen)
{
	*handle = NULL;
	enum fs_code rc = copies_dir(label, path, err, errlen);
	if (rc != FS_OK)
		return rc;
	static unsigned seq;
	char tmp[64], name[80], got[65];
	snprintf(tmp, sizeof tmp, "tmp-%ld-%u", (long)getpid(), seq++);
	snprintf(name, sizeof name, "%s.so", hex);
	bool elf = false;
	rc = copy_into(f, tmp, got, &elf);
	if (rc != FS_OK) {
		rc = fs_plugin_fail(err, errlen, FS_E_IO, label, path,
				    "cannot copy it into %s: %s", copies.dir, strerror(errno));
		unlinkat(copies.dfd, tmp, 0);
		return rc;
	}
	if (strcmp(got, hex) != 0) {
		unlinkat(copies.dfd, tmp, 0);
		return fs_plugin_fail(err, errlen, FS_E_IO, label, path,
				      "the file changed while it was being loaded (sha256 "
				      "%.12s... when checked, %.12s... when copied)\n  hint: "
				      "load it again once the installation has finished",
				      hex, got);
	}
	/* complete copies only get their final name; an existing one is a
	 * complete copy of the same content (this directory is ours alone) */
	bool fresh = linkat(copies.dfd, tmp, copies.dfd, name, 0) == 0;
	int link_errno = errno;
	unlinkat(copies.dfd, tmp, 0);
	if (!fresh && link_errno != EEXIST)
		return fs_plugin_fail(err, errlen, FS_E_IO, label, path,
				      "cannot name its copy in %s: %s", copies.dir,
				      strerror(link_errno));
	if (fresh) {
		copies.names = fs_xrealloc(copies.names, (copies.n + 1) * sizeof *copies.names);
		copies.names[copies.n++] = fs_xstrdup(name);
	}
	char *copy = NULL;
	if (asprintf(&copy, "%s/%s", copies.dir, name) < 0)
		abort();
	void *h = dlopen(copy, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		char e[1024];
		dl_message(e, sizeof e, copy, path);
		free(copy);
		if (!elf)
			return fs_plugin_fail(err, errlen, FS_E_NOT_PLUGIN, label, path,
					      "not a shared object: %s", e);
		return fs_plugin_fail(err, errlen, FS_E_IO, label, path,
				      "cannot open shared object: %s\n  hint: run 'fedstate "
				      "plugins check %s' and 'ldd -r %s' to list unresolved "
				      "libraries and symbols", e, path, path);
	}
	free(copy);
	*handle = h;
	return FS_OK;
}
