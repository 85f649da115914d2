/*
 * daemon/duration.h - Go's time.Duration text ("15s", "1m30s", "500ms",
 * "1.5h", "0"), as kube-scheduler's and Karmada's duration flags take it.
 */
#ifndef FS_DAEMON_DURATION_H
#define FS_DAEMON_DURATION_H

#include <stddef.h>

#include <fedstate/status.h>

/* Parse s into seconds. Units ns, us (µs, μs), ms, s, m, h; numbers may
 * have a fraction; parts add up ("1h2m"); a sign may lead; "0" alone needs
 * no unit. FS_E_PARSE for anything else (a bare "15" included: Go
 * refuses it too), FS_E_RANGE past about 290 years (Go's int64 ns). */
enum fs_code fs_duration_parse(const char *s, double *seconds);

/* Go's String(): "15s", "1m30s", "1h0m0s", "500ms", "0s"; at most n-1
 * bytes into out (NUL-terminated). Rounds to whole nanoseconds. */
void fs_duration_format(double seconds, char *out, size_t n);

#endif
