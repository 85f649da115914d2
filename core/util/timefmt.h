/*
 * util/timefmt.h - timestamps as the Kubernetes API writes them.
 */
#ifndef FS_UTIL_TIMEFMT_H
#define FS_UTIL_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* unix seconds t as RFC 3339 in UTC, "2026-12-02T18:00:00Z" (metav1.Time);
 * buf needs 21 bytes */
void fs_time_rfc3339(int64_t t, char *buf, size_t len);

/* the wall clock in ms since the epoch (CLOCK_REALTIME): for times that
 * outlive the process; fs_now_ms (net/net.h) for intervals */
int64_t fs_wall_ms(void);

#endif
