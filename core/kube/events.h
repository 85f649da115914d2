/*
 * kube/events.h - an Event recorder: events.k8s.io/v1 Events, falling
 * back to core/v1 Events when the server does not serve the former.
 *
 * The same event (object uid, type, reason, message) repeated within the
 * de-duplication window updates the existing Event's series/count instead
 * of creating a new one; each object has its own token bucket so a noisy
 * object cannot flood the API server (what exceeds it is dropped and
 * counted). Recording never blocks and never fails the caller. Loop
 * thread only.
 */
#ifndef FS_KUBE_EVENTS_H
#define FS_KUBE_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <fedstate/host.h>

#include "kube/client.h"

struct fs_kube_recorder;

struct fs_kube_recorder_opts {
	const char *component; /* reportingController, "fedstate-scheduler" */
	const char *instance;  /* reportingInstance; NULL: the hostname */
	uint32_t burst;        /* per object; default 25 */
	uint32_t refill_ms;    /* one token per this per object; default 300000 */
	uint32_t dedup_ms;     /* default 600000 */
};

struct fs_kube_recorder_stats {
	uint32_t created;  /* Events created */
	uint32_t updated;  /* repeats folded into an existing Event */
	uint32_t dropped;  /* over an object's rate limit */
	uint32_t failed;   /* the API server refused */
	bool core_v1;      /* fell back to core/v1 Events */
};

struct fs_kube_recorder *fs_kube_recorder_new(struct fs_kube_client *c,
					      const struct fs_kube_recorder_opts *o);
void fs_kube_recorder_free(struct fs_kube_recorder *r); /* NULL-safe */

/* regarding: the object (borrowed; apiVersion, kind, metadata.name,
 * namespace, uid, resourceVersion are used). type "Normal" or "Warning". */
/* the fields of obj that fs_kube_record uses, as an object of their own
 * (caller frees): what a caller keeps to record about obj later, without
 * a copy of the whole object */
cJSON *fs_kube_event_subject(const cJSON *obj);

void fs_kube_record(struct fs_kube_recorder *r, const cJSON *regarding,
		    const char *type, const char *reason, const char *action,
		    const char *fmt, ...) FS_PRINTF(6, 7);
void fs_kube_recorder_stats(const struct fs_kube_recorder *r,
			    struct fs_kube_recorder_stats *out);

#endif
