/* util/log.c - see log.h */
#include "util/log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_verbosity;
static enum fs_log_format log_format = FS_LOG_TEXT;
static int log_fd = 2;

void fs_log_set_verbosity(int v) { log_verbosity = v < 0 ? 0 : v; }
void fs_log_set_format(enum fs_log_format f) { log_format = f; }
void fs_log_set_fd(int fd) { log_fd = fd; }

bool
fs_log_enabled(enum fs_log_level level)
{
	switch (level) {
	case FS_LOG_ERROR:
	case FS_LOG_WARN:
	case FS_LOG_INFO:
		return true;
	case FS_LOG_DEBUG:
		return log_verbosity >= 1;
	case FS_LOG_TRACE:
		return log_verbosity >= 4;
	}
	return false;
}

static const char *
level_name(enum fs_log_level level)
{
	static const char *names[] = {"error", "warn", "info", "debug", "trace"};
	return (unsigned)level < 5 ? names[level] : "info";
}

/* appends s to out as the inside of a JSON string */
static size_t
json_escape(char *out, size_t cap, size_t at, const char *s)
{
	for (; *s && at + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[at++] = '\\';
			out[at++] = (char)c;
		} else if (c < 0x20) {
			at += (size_t)snprintf(out + at, cap - at, "\\u%04x", c);
		} else {
			out[at++] = (char)c;
		}
	}
	return at;
}

void
fs_vlog(enum fs_log_level level, const char *component, const char *fmt,
	va_list ap)
{
	if (!fs_log_enabled(level))
		return;
	char msg[4096];
	vsnprintf(msg, sizeof msg, fmt, ap);

	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);

	char line[8192];
	size_t n;
	if (log_format == FS_LOG_JSON) {
		n = (size_t)snprintf(line, sizeof line,
				     "{\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ\","
				     "\"level\":\"%s\",\"component\":\"",
				     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
				     tm.tm_hour, tm.tm_min, tm.tm_sec,
				     ts.tv_nsec / 1000, level_name(level));
		n = json_escape(line, sizeof line, n, component ? component : "");
		n += (size_t)snprintf(line + n, sizeof line - n, "\",\"msg\":\"");
		n = json_escape(line, sizeof line - 3, n, msg);
		line[n++] = '"';
		line[n++] = '}';
		line[n++] = '\n';
	} else {
		n = (size_t)snprintf(line, sizeof line,
				     "%c%02d%02d %02d:%02d:%02d.%06ld %s%s%s\n",
				     "EWIDT"[level <= FS_LOG_TRACE ? level : 2],
				     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
				     tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000,
				     component ? component : "",
				     component ? ": " : "", msg);
		if (n >= sizeof line) {
			n = sizeof line - 1;
			line[n - 1] = '\n';
		}
	}
	ssize_t w = write(log_fd, line, n);
	(void)w;
}

void
fs_log(enum fs_log_level level, const char *component, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fs_vlog(level, component, fmt, ap);
	va_end(ap);
}
