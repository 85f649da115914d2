/* sched/writeback.c - a cycle's result as merge patch bodies (see
 * writeback.h) */
#include "sched/writeback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/schedresult.h"
#include "util/timefmt.h"

static const cJSON *
get(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static const char *
str_at(const cJSON *obj, const char *key)
{
	const cJSON *v = get(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* an integer field; absent (Go's omitempty) reads as 0 */
static double
num_at(const cJSON *obj, const char *key)
{
	const cJSON *v = get(obj, key);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* patch[key] = the object there, made when missing */
static cJSON *
child(cJSON *patch, const char *key)
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(patch, key);
	return c ? c : cJSON_AddObjectToObject(patch, key);
}

/* NULL for an empty patch (nothing to send), else the patch */
static cJSON *
nonempty(cJSON *patch)
{
	if (patch->child)
		return patch;
	cJSON_Delete(patch);
	return NULL;
}

const char *
fs_writeback_reason(enum fs_code code, bool fit_error)
{
	if (code == FS_OK)
		return "Success";
	if (fit_error)
		return "NoClusterFit";
	if (code == FS_UNSCHEDULABLE)
		return "Unschedulable";
	return "SchedulerError";
}

/* ---- spec: spec.clusters and the applied-placement annotation ---- */

struct placed {
	const char *name;
	double replicas;
};

static int
by_name(const void *x, const void *y)
{
	return strcmp(((const struct placed *)x)->name, ((const struct placed *)y)->name);
}

/* old spec.clusters (absent, null or a list) says the same as targets: the
 * same clusters with the same replicas, in any order. The order carries
 * nothing (Karmada's follows scores and capacity, which move with every
 * placement; its ties are unstable), and rewriting only it would bump the
 * generation, restart the binding's Works and, for a Duplicated binding
 * (scheduled on every event), do so again at the next event. */
static bool
same_clusters(const cJSON *old, const struct fs_assignment *t, uint32_t n)
{
	if (old && !cJSON_IsArray(old) && !cJSON_IsNull(old))
		return false;
	const cJSON *list = cJSON_IsArray(old) ? old : NULL, *e;
	if ((uint32_t)cJSON_GetArraySize(list) != n)
		return false;
	uint32_t i = 0, moved = 0;
	cJSON_ArrayForEach(e, list) {
		const char *name = str_at(e, "name");
		int want = 1 + (get(e, "replicas") != NULL);
		if (!name || cJSON_GetArraySize(e) != want)
			return false;
		moved += strcmp(name, t[i].cluster->name) || num_at(e, "replicas") != t[i].replicas;
		i++;
	}
	if (!moved)
		return true;
	struct placed *a = malloc(2 * (size_t)n * sizeof *a), *b = a + n;
	if (!a)
		return false; /* write it: never wrong */
	i = 0;
	cJSON_ArrayForEach(e, list) {
		a[i] = (struct placed){str_at(e, "name"), num_at(e, "replicas")};
		b[i] = (struct placed){t[i].cluster->name, t[i].replicas};
		i++;
	}
	qsort(a, n, sizeof *a, by_name);
	qsort(b, n, sizeof *b, by_name);
	bool same = true;
	for (i = 0; i < n && same; i++)
		same = !strcmp(a[i].name, b[i].name) && a[i].replicas == b[i].replicas;
	free(a);
	return same;
}

cJSON *
fs_writeback_spec(const cJSON *obj, const struct fs_sched_result *r)
{
	if (r->code != FS_OK && !r->fit_error)
		return NULL; /* Karmada patches nothing: the condition says why */
	const struct fs_assignment *t = r->code == FS_OK ? r->targets : NULL;
	uint32_t n = r->code == FS_OK ? r->n_targets : 0;
	const cJSON *spec = get(obj, "spec");
	cJSON *patch = cJSON_CreateObject();
	const cJSON *placement = get(spec, "placement");
	if (cJSON_IsObject(placement)) {
		const cJSON *ann = get(get(obj, "metadata"), "annotations");
		const char *old = str_at(ann, FS_ANNOTATION_APPLIED_PLACEMENT);
		cJSON *was = old ? cJSON_Parse(old) : NULL;
		if (!was || !cJSON_Compare(was, placement, true)) {
			char *text = cJSON_PrintUnformatted(placement);
			cJSON_AddStringToObject(child(child(patch, "metadata"), "annotations"),
						FS_ANNOTATION_APPLIED_PLACEMENT, text);
			free(text);
		}
		cJSON_Delete(was);
	}
	if (!same_clusters(get(spec, "clusters"), t, n)) {
		cJSON *s = child(patch, "spec");
		if (!n) {
			cJSON_AddNullToObject(s, "clusters"); /* omitempty: removed */
		} else {
			cJSON *list = cJSON_AddArrayToObject(s, "clusters");
			for (uint32_t i = 0; i < n; i++) {
				cJSON *e = cJSON_CreateObject();
				cJSON_AddStringToObject(e, "name", t[i].cluster->name);
				if (t[i].replicas)
					cJSON_AddNumberToObject(e, "replicas", t[i].replicas);
				cJSON_AddItemToArray(list, e);
			}
		}
	}
	return nonempty(patch);
}

/* ---- status: the Scheduled condition and what success records ---- */

/* old conditions with Scheduled set as meta.SetStatusCondition does */
static cJSON *
set_condition(const cJSON *old, const char *status, const char *reason,
	      const char *message, const char *now)
{
	cJSON *list = cJSON_IsArray(old) ? cJSON_Duplicate(old, true) : cJSON_CreateArray();
	cJSON *c = NULL, *e;
	cJSON_ArrayForEach(e, list) {
		const char *type = str_at(e, "type");
		if (type && strcmp(type, FS_CONDITION_SCHEDULED) == 0) {
			c = e;
			break;
		}
	}
	if (!c) {
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "type", FS_CONDITION_SCHEDULED);
		cJSON_AddItemToArray(list, c);
	}
	const char *was = str_at(c, "status");
	if (!was || strcmp(was, status) != 0 || !get(c, "lastTransitionTime")) {
		cJSON_DeleteItemFromObjectCaseSensitive(c, "status");
		cJSON_DeleteItemFromObjectCaseSensitive(c, "lastTransitionTime");
		cJSON_AddStringToObject(c, "status", status);
		cJSON_AddStringToObject(c, "lastTransitionTime", now);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(c, "reason");
	cJSON_DeleteItemFromObjectCaseSensitive(c, "message");
	/* Karmada's condition carries no observedGeneration (omitempty) */
	cJSON_DeleteItemFromObjectCaseSensitive(c, "observedGeneration");
	cJSON_AddStringToObject(c, "reason", reason);
	cJSON_AddStringToObject(c, "message", message);
	return list;
}

/* the name of the clusterAffinities term the cycle used; NULL when none */
static const char *
term_name(const struct fs_binding *b, const struct fs_sched_result *r)
{
	const struct fs_placement *pl = b->placement;
	if (r->term_index < 0 || !pl || (uint32_t)r->term_index >= pl->n_terms)
		return NULL;
	return pl->terms[r->term_index].name;
}

cJSON *
fs_writeback_status(const cJSON *obj, const struct fs_binding *b,
		    const struct fs_sched_result *r, int64_t now)
{
	const cJSON *status = get(obj, "status");
	char when[32];
	fs_time_rfc3339(now, when, sizeof when);
	bool ok = r->code == FS_OK;
	const char *msg = ok ? FS_SCHEDULED_MESSAGE : r->message ? r->message : "";
	cJSON *st = cJSON_CreateObject();
	const cJSON *old_conds = get(status, "conditions");
	cJSON *conds = set_condition(old_conds, ok ? "True" : "False",
				     fs_writeback_reason(r->code, r->fit_error), msg, when);
	if (cJSON_IsArray(old_conds) && cJSON_Compare(old_conds, conds, true))
		cJSON_Delete(conds);
	else
		cJSON_AddItemToObject(st, "conditions", conds);
	if (ok) {
		/* postponed until success, as Karmada does: a failure is retried */
		if (num_at(status, "schedulerObservedGeneration") != (double)b->generation)
			cJSON_AddNumberToObject(st, "schedulerObservedGeneration",
						(double)b->generation);
		const char *last = str_at(status, "lastScheduledTime");
		if (!last || strcmp(last, when) != 0)
			cJSON_AddStringToObject(st, "lastScheduledTime", when);
		const char *term = term_name(b, r);
		const char *seen = str_at(status, "schedulerObservingAffinityName");
		if (term && (!seen || strcmp(seen, term) != 0))
			cJSON_AddStringToObject(st, "schedulerObservingAffinityName", term);
	}
	if (!st->child) {
		cJSON_Delete(st);
		return NULL;
	}
	cJSON *patch = cJSON_CreateObject();
	cJSON_AddItemToObject(patch, "status", st);
	return patch;
}

/* ---- middleware: the schedulerResult annotation ---- */

/* the annotation text already says `text` (decoded by the one decoder) */
static bool
same_result(const char *old, const char *text)
{
	char err[256];
	cJSON *a = NULL, *b = NULL;
	bool same = old &&
		    fs_schedresult_parse("schedulerResult", old, strlen(old), &a, err,
					 sizeof err) == FS_OK &&
		    fs_schedresult_parse("schedulerResult", text, strlen(text), &b, err,
					 sizeof err) == FS_OK &&
		    cJSON_Compare(a, b, true);
	cJSON_Delete(a);
	cJSON_Delete(b);
	return same;
}

cJSON *
fs_writeback_annotation(const cJSON *obj, const struct fs_sched_result *r)
{
	if (r->code != FS_OK)
		return NULL;
	char *text = fs_schedresult_format(r->targets, r->n_targets);
	const cJSON *ann = get(get(obj, "metadata"), "annotations");
	cJSON *patch = NULL;
	if (!same_result(str_at(ann, FS_ANNOTATION_SCHEDULER_RESULT), text)) {
		patch = cJSON_CreateObject();
		cJSON_AddStringToObject(child(child(patch, "metadata"), "annotations"),
					FS_ANNOTATION_SCHEDULER_RESULT, text);
	}
	free(text);
	return patch;
}
