/*
 * util/log.h - leveled logging for the host.
 *
 * Text format:  "I1125 12:00:00.123456 sched: message key=value"
 * JSON format:  {"ts":"2026-11-25T12:00:00.123456Z","level":"info","component":"sched","msg":"..."}
 * The level letters are klog's (E/W/I/D/T). Verbosity: -v 0 logs error,
 * warn and info; -v 1-3 adds debug; -v 4+ adds trace.
 * Never pass secrets (tokens, keys, passwords) to these functions.
 * Thread-safe (one write(2) per line).
 */
#ifndef FS_UTIL_LOG_H
#define FS_UTIL_LOG_H

#include <stdarg.h>
#include <stdbool.h>

#include <fedstate/host.h>

enum fs_log_format { FS_LOG_TEXT = 0, FS_LOG_JSON = 1 };

void fs_log_set_verbosity(int v);        /* -v N */
void fs_log_set_format(enum fs_log_format f);
void fs_log_set_fd(int fd);               /* default 2 (stderr) */
bool fs_log_enabled(enum fs_log_level level);

void fs_log(enum fs_log_level level, const char *component, const char *fmt, ...)
	FS_PRINTF(3, 4);
void fs_vlog(enum fs_log_level level, const char *component, const char *fmt,
	     va_list ap);

#define fs_error(comp, ...) fs_log(FS_LOG_ERROR, comp, __VA_ARGS__)
#define fs_warn(comp, ...) fs_log(FS_LOG_WARN, comp, __VA_ARGS__)
#define fs_info(comp, ...) fs_log(FS_LOG_INFO, comp, __VA_ARGS__)
#define fs_debug(comp, ...)                                                    \
	do {                                                                   \
		if (fs_log_enabled(FS_LOG_DEBUG))                              \
			fs_log(FS_LOG_DEBUG, comp, __VA_ARGS__);               \
	} while (0)
#define fs_trace(comp, ...)                                                    \
	do {                                                                   \
		if (fs_log_enabled(FS_LOG_TRACE))                              \
			fs_log(FS_LOG_TRACE, comp, __VA_ARGS__);               \
	} while (0)

#endif
