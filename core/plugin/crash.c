/* plugin/crash.c - who crashed, printed from the signal handler (crash.h) */
#include "plugin/crash.h"

#include <execinfo.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "plugin/loader.h"
#include "util/jfield.h"

#include <fedstate/mw.h>

static _Thread_local const struct fs_crash_call *current;
static volatile sig_atomic_t installed;

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define N_CRASH_SIGNALS (sizeof crash_signals / sizeof *crash_signals)
static struct sigaction previous[N_CRASH_SIGNALS]; /* what ran before us */

static void
put(char *buf, size_t *n, size_t cap, const char *s)
{
	for (; s && *s && *n + 1 < cap; s++)
		buf[(*n)++] = *s;
}

static const char *
signame(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGILL: return "SIGILL";
	case SIGABRT: return "SIGABRT";
	default: return "a signal";
	}
}

static void
on_crash(int sig)
{
	const struct fs_crash_call *c = current;
	if (c) {
		char line[1024];
		size_t n = 0;
		put(line, &n, sizeof line, "fedstate: plugin '");
		put(line, &n, sizeof line, c->plugin ? c->plugin : "?");
		put(line, &n, sizeof line, "'");
		if (c->version) {
			put(line, &n, sizeof line, " ");
			put(line, &n, sizeof line, c->version);
		}
		if (c->path) {
			put(line, &n, sizeof line, " (");
			put(line, &n, sizeof line, c->path);
			put(line, &n, sizeof line, ")");
		}
		put(line, &n, sizeof line, " crashed with ");
		put(line, &n, sizeof line, signame(sig));
		put(line, &n, sizeof line, " in ");
		put(line, &n, sizeof line, c->point ? c->point : "a call");
		if (c->kind || c->name) {
			put(line, &n, sizeof line, " of ");
			put(line, &n, sizeof line, c->kind ? c->kind : "object");
			put(line, &n, sizeof line, " ");
			if (c->ns && *c->ns) {
				put(line, &n, sizeof line, c->ns);
				put(line, &n, sizeof line, "/");
			}
			put(line, &n, sizeof line, c->name ? c->name : "?");
		}
		line[n++] = '\n';
		ssize_t w = write(STDERR_FILENO, line, n);
		(void)w;
		/* poison.h: the journal entry (held by this call or one it is
		 * inside) ends with the signal */
		for (const struct fs_crash_call *x = c; x; x = x->prev) {
			if (x->journal_fd < 0)
				continue;
			const char *s = signame(sig);
			w = write(x->journal_fd, s, strlen(s));
			w = write(x->journal_fd, "\n", 1);
			(void)w;
			break;
		}
		void *frames[32];
		int nf = backtrace(frames, 32);
		backtrace_symbols_fd(frames, nf, STDERR_FILENO);
	}
	/* die of it as without us: the handler before ours (a sanitizer's
	 * report) or the default */
	for (size_t i = 0; i < N_CRASH_SIGNALS; i++)
		if (crash_signals[i] == sig) {
			sigaction(sig, &previous[i], NULL);
			break;
		}
	raise(sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

void
fs_crash_install(void)
{
	if (installed)
		return;
	installed = 1;
	void *warm[1]; /* backtrace loads libgcc on first use: not in a handler */
	(void)backtrace(warm, 1);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (size_t i = 0; i < N_CRASH_SIGNALS; i++)
		sigaction(crash_signals[i], &sa, &previous[i]); /* chained: see on_crash */
}

void
fs_crash_plain_death(void)
{
	for (size_t i = 0; i < N_CRASH_SIGNALS; i++) {
		memset(&previous[i], 0, sizeof previous[i]);
		previous[i].sa_handler = SIG_DFL;
	}
}

void
fs_crash_enter(struct fs_crash_call *c)
{
	c->prev = current;
	current = c;
}

void
fs_crash_leave(struct fs_crash_call *c)
{
	current = c->prev;
}

void
fs_crash_from(struct fs_crash_call *c, const struct fs_plugin *inst, const char *point)
{
	const struct fs_loaded_plugin *lp = inst ? inst->lp : NULL;
	c->plugin = lp ? lp->desc.name : NULL;
	c->version = lp ? lp->desc.version : NULL;
	c->path = lp ? lp->path : NULL;
	c->point = point;
	c->journal_fd = -1;
}

void
fs_crash_about(struct fs_crash_call *c, const struct fs_plugin *inst, const char *point,
	       const cJSON *obj)
{
	fs_crash_from(c, inst, point);
	c->kind = fs_jstr(obj, "kind");
	c->ns = fs_jmeta(obj, "namespace");
	c->name = fs_jmeta(obj, "name");
}

enum fs_code
fs_crash_interpret(const struct fs_plugin *inst, const struct fs_mw_ops *ops, void *state,
		   const cJSON *obj, struct fs_mw_workload *w, char *err, size_t errlen)
{
	struct fs_crash_call cc;
	fs_crash_about(&cc, inst, "interpret", obj);
	fs_crash_enter(&cc);
	enum fs_code rc = ops->interpret(state, (const struct fs_json *)obj, w, err, errlen);
	fs_crash_leave(&cc);
	return rc;
}
