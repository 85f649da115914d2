/*
 * sched/diagnosis.h - why clusters were filtered out, per cluster and as
 * Karmada's one-line FitError:
 *
 *   0/7 clusters are available: 2 cluster(s) had untolerated taint
 *   {dedicated=middleware:NoSchedule}, 5 cluster(s) did not match the
 *   placement cluster affinity constraint.
 *
 * The histogram counts equal reason texts; its entries "<count> <reason>"
 * are sorted as strings (as Go's sort.Strings does, so "10 ..." sorts
 * before "2 ...") and joined with ", ". With no cluster at all the text is
 * "0/0 clusters are available: no cluster exists."
 *
 * Verdicts are written by the framework during the filter phase; reasons
 * are borrowed (static, interned or cycle memory) and valid until the next
 * cycle. Not thread-safe.
 */
#ifndef FS_SCHED_DIAGNOSIS_H
#define FS_SCHED_DIAGNOSIS_H

#include <stdint.h>

#include <fedstate/status.h>
#include <fedstate/types.h>

#include "util/buf.h"

/* The filter verdict of one cluster. */
struct fs_verdict {
	const char *plugin; /* the plugin that rejected it; NULL when it passed
			       (or was never a candidate, see code) */
	const char *reason; /* the plugin's reason; NULL when it gave none */
	enum fs_code code;  /* FS_OK passed; FS_UNSCHEDULABLE/FS_UNRESOLVABLE
			       rejected; FS_SKIP not a candidate (deleting) */
};

/* the reason used for a rejection without a reason text */
#define FS_DIAG_NO_REASON "cluster(s) were rejected by a filter"
/* the reason counted for clusters being deleted (Karmada leaves them out
 * of the histogram, which gives "0/3 clusters are available: ." when all
 * are being deleted; we name them) */
#define FS_DIAG_DELETING "cluster(s) were being deleted"

/* Append Karmada's FitError text for n_all clusters and their verdicts
 * (v[0..n); entries with code FS_OK are not counted, FS_SKIP counts as
 * FS_DIAG_DELETING). */
void fs_diagnosis_fit_error(struct fs_buf *out, uint32_t n_all,
			    const struct fs_verdict *v, uint32_t n);

/* Append one human line for a verdict: "passed", "filtered by
 * taint-toleration: cluster(s) had untolerated taint {...}". */
void fs_diagnosis_verdict(struct fs_buf *out, const struct fs_verdict *v);

#endif
