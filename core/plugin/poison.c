/*
 * plugin/poison.c - the poison-object journal and quarantine (poison.h).
 */
#include "plugin/poison.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/timefmt.h"

#define DEFAULT_BACKOFF_MS (3600 * 1000)

struct fs_poison {
	char *dir;
	int fd;              /* the journal, O_APPEND */
	int64_t backoff_ms;
	struct fs_poison_entry *e;
	size_t n, cap;
	struct fs_buf line;  /* the journal line being written */
};

static char *
path_in(const struct fs_poison *p, const char *name)
{
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "%s/%s", p->dir, name);
	return fs_buf_detach(&b);
}

static void
entry_free(struct fs_poison_entry *e)
{
	free(e->key);
	free(e->plugin);
	free(e->point);
	free(e->signal);
}

/* tab-separated fields of one line, in place; the number found */
static size_t
split(char *line, char **f, size_t max)
{
	size_t n = 0;
	while (n < max) {
		f[n++] = line;
		char *t = strchr(line, '\t');
		if (!t)
			break;
		*t = '\0';
		line = t + 1;
	}
	return n;
}

static void
add(struct fs_poison *p, char **f, int64_t generation, int64_t until, int at_start)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 8;
		p->e = fs_xrealloc(p->e, p->cap * sizeof *p->e);
	}
	p->e[p->n++] = (struct fs_poison_entry){
		fs_xstrdup(f[0]), generation, fs_xstrdup(f[2]), fs_xstrdup(f[3]),
		fs_xstrdup(f[4] && *f[4] ? f[4] : "killed"), until, at_start};
}

static bool
save(struct fs_poison *p)
{
	char *tmp = path_in(p, "quarantine.tmp"), *dst = path_in(p, "quarantine");
	FILE *f = fopen(tmp, "w");
	bool ok = f != NULL;
	for (size_t i = 0; ok && i < p->n; i++) {
		const struct fs_poison_entry *e = &p->e[i];
		ok = fprintf(f, "%s\t%" PRId64 "\t%s\t%s\t%s\t%" PRId64 "\n", e->key,
			     e->generation, e->plugin, e->point, e->signal, e->until_ms) > 0;
	}
	if (f)
		ok = fclose(f) == 0 && ok;
	ok = ok && rename(tmp, dst) == 0;
	if (!ok)
		unlink(tmp);
	free(tmp);
	free(dst);
	return ok;
}

static void
load(struct fs_poison *p)
{
	char *path = path_in(p, "quarantine");
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return;
	char buf[4096];
	while (fgets(buf, sizeof buf, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		char *fl[6];
		if (split(buf, fl, 6) == 6)
			add(p, fl, strtoll(fl[1], NULL, 10), strtoll(fl[5], NULL, 10), 0);
	}
	fclose(f);
}

/* a note left by the previous process: quarantine its object */
static void
take_journal(struct fs_poison *p)
{
	char *path = path_in(p, "inflight");
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return;
	char buf[4096];
	if (fgets(buf, sizeof buf, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		char *fl[5] = {0};
		if (split(buf, fl, 5) >= 4) {
			add(p, fl, strtoll(fl[1], NULL, 10), fs_wall_ms() + p->backoff_ms, 1);
			save(p);
		}
	}
	fclose(f);
}

struct fs_poison *
fs_poison_open(const char *dir, int64_t backoff_ms, char **err)
{
	struct stat st;
	errno = 0;
	if (!dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK) != 0) {
		int e = errno;
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "poison journal: %s is not a writable directory%s%s",
			      dir ? dir : "(none)", e ? ": " : "", e ? strerror(e) : "");
		*err = fs_buf_detach(&b);
		return NULL;
	}
	struct fs_poison *p = fs_xcalloc(1, sizeof *p);
	p->dir = fs_xstrdup(dir);
	p->backoff_ms = backoff_ms > 0 ? backoff_ms : DEFAULT_BACKOFF_MS;
	fs_buf_init(&p->line);
	load(p);
	take_journal(p);
	char *path = path_in(p, "inflight");
	p->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	free(path);
	if (p->fd < 0) {
		struct fs_buf b = FS_BUF_INIT;
		fs_buf_printf(&b, "poison journal: cannot open %s/inflight: %s", dir,
			      strerror(errno));
		*err = fs_buf_detach(&b);
		fs_poison_close(p);
		return NULL;
	}
	return p;
}

void
fs_poison_close(struct fs_poison *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	for (size_t i = 0; i < p->n; i++)
		entry_free(&p->e[i]);
	free(p->e);
	free(p->dir);
	fs_buf_release(&p->line);
	free(p);
}

static void
put_clean(struct fs_buf *b, const char *s)
{
	for (; s && *s; s++)
		fs_buf_addc(b, *s == '\t' || *s == '\n' || *s == '\r' ? '?' : *s);
}

void
fs_poison_enter(struct fs_poison *p, struct fs_crash_call *cc, const char *key,
		int64_t generation)
{
	if (!p)
		return;
	fs_buf_reset(&p->line);
	put_clean(&p->line, key);
	fs_buf_printf(&p->line, "\t%" PRId64 "\t", generation);
	put_clean(&p->line, cc->plugin ? cc->plugin : "?");
	fs_buf_adds(&p->line, "\t");
	put_clean(&p->line, cc->point ? cc->point : "?");
	fs_buf_adds(&p->line, "\t");
	ssize_t w = write(p->fd, p->line.data, p->line.len);
	(void)w; /* a full disk loses the note, never the call */
	cc->journal_fd = p->fd;
}

void
fs_poison_leave(struct fs_poison *p, struct fs_crash_call *cc)
{
	if (!p)
		return;
	cc->journal_fd = -1;
	if (ftruncate(p->fd, 0) != 0)
		return;
}

/* key as stored (tabs and line breaks written as '?') */
static bool
same_key(const char *stored, const char *key)
{
	for (; *stored && *key; stored++, key++)
		if (*stored != (*key == '\t' || *key == '\n' || *key == '\r' ? '?' : *key))
			return false;
	return !*stored && !*key;
}

static void
drop(struct fs_poison *p, size_t i)
{
	entry_free(&p->e[i]);
	memmove(&p->e[i], &p->e[i + 1], (p->n - i - 1) * sizeof *p->e);
	p->n--;
	save(p);
}

const struct fs_poison_entry *
fs_poison_check(struct fs_poison *p, const char *key, int64_t generation, int64_t now_ms)
{
	for (size_t i = 0; p && i < p->n; i++) {
		if (!same_key(p->e[i].key, key))
			continue;
		if (p->e[i].generation != generation || now_ms >= p->e[i].until_ms) {
			drop(p, i);
			return NULL;
		}
		return &p->e[i];
	}
	return NULL;
}

size_t
fs_poison_count(const struct fs_poison *p)
{
	return p ? p->n : 0;
}

const struct fs_poison_entry *
fs_poison_at(const struct fs_poison *p, size_t i)
{
	return p && i < p->n ? &p->e[i] : NULL;
}
