/*
 * plugin/isolate.c - plugin calls in a forked child (see isolate.h).
 */
#include "plugin/isolate.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
child(int fd, fs_isolate_fn fn, void *arg)
{
	struct fs_buf out = FS_BUF_INIT;
	fn(arg, &out);
	size_t off = 0;
	while (off < out.len) {
		ssize_t w = write(fd, out.data + off, out.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(3);
		off += (size_t)w;
	}
	/* stdout may hold output of the call (a plugin's printf): the
	 * parent's copy of the buffer is the one that gets flushed */
	_exit(0);
}

enum fs_code
fs_isolate_run(fs_isolate_fn fn, void *arg, uint32_t timeout_ms,
	       struct fs_buf *reply, int *signo)
{
	int p[2];
	*signo = 0;
	fflush(NULL); /* nothing buffered is written twice */
	if (pipe(p) < 0)
		return FS_E_IO;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return FS_E_IO;
	}
	if (pid == 0) {
		close(p[0]);
		child(p[1], fn, arg);
	}
	close(p[1]);
	int64_t deadline = now_ms() + timeout_ms;
	bool timed_out = false;
	char chunk[16384];
	for (;;) {
		int64_t left = deadline - now_ms();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		struct pollfd pf = {.fd = p[0], .events = POLLIN};
		int r = poll(&pf, 1, (int)(left > 1000000 ? 1000000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue; /* the deadline is checked above */
		ssize_t n = read(p[0], chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the child is done (or gone) */
		fs_buf_add(reply, chunk, (size_t)n);
	}
	close(p[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (timed_out)
		return FS_E_TIMEOUT;
	if (WIFSIGNALED(st)) {
		*signo = WTERMSIG(st);
		return FS_E_PLUGIN;
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? FS_OK : FS_E_IO;
}

const char *
fs_isolate_signame(int signo, char *buf, size_t n)
{
	switch (signo) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGILL: return "SIGILL";
	case SIGABRT: return "SIGABRT";
	case SIGKILL: return "SIGKILL";
	case SIGTERM: return "SIGTERM";
	default:
		snprintf(buf, n, "signal %d", signo);
		return buf;
	}
}
