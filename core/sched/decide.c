/* sched/decide.c - which objects get a cycle and of which kind (decide.h) */
#include "sched/decide.h"

#include <stdlib.h>
#include <string.h>

#include "model/binding.h"
#include "model/schedresult.h"
#include "sched/writeback.h"
#include "util/doc.h"
#include "util/jfield.h"

const char *
fs_sched_need_type(enum fs_sched_need n)
{
	switch (n) {
	case FS_NEED_SCALE:
		return "ScaleSchedule";
	case FS_NEED_FRESH:
		return "FreshSchedule";
	default:
		return "ReconcileSchedule";
	}
}

bool
fs_sched_wanted(const cJSON *obj, bool is_middleware,
		bool (*is_ours)(void *ud, const char *scheduler_name), void *ud)
{
	const cJSON *spec = fs_jget(obj, "spec");
	const char *name;

	if (is_middleware) {
		name = fs_jstr(fs_jget(spec, "scheduler"), "schedulerName");
		return is_ours(ud, name && *name ? name : FS_MIDDLEWARE_SCHEDULER_NAME);
	}
	name = fs_jstr(spec, "schedulerName");
	if (!is_ours(ud, name && *name ? name : "default-scheduler"))
		return false;
	if (cJSON_IsTrue(fs_jget2(spec, "suspension", "scheduling")))
		return false;
	const cJSON *labels = fs_jget2(obj, "metadata", "labels");
	return cJSON_GetObjectItemCaseSensitive(labels, "propagationpolicy.karmada.io/permanent-id") ||
	       cJSON_GetObjectItemCaseSensitive(labels, "clusterpropagationpolicy.karmada.io/permanent-id") ||
	       cJSON_GetObjectItemCaseSensitive(labels, "binding.karmada.io/managed-by");
}

/* absent and null read the same */
static bool
same(const cJSON *a, const cJSON *b)
{
	if (cJSON_IsNull(a))
		a = NULL;
	if (cJSON_IsNull(b))
		b = NULL;
	if (!a || !b)
		return !a && !b;
	return cJSON_Compare(a, b, true);
}

static bool
placement_changed(const cJSON *obj, const struct fs_binding *b)
{
	static const char *const fields[] = {"clusterAffinity", "clusterTolerations",
					     "spreadConstraints", "replicaScheduling"};
	const char *text = fs_jannotation(obj, FS_ANNOTATION_APPLIED_PLACEMENT);
	const cJSON *now = fs_jget2(obj, "spec", "placement");
	bool changed = false;

	if (!text || !*text)
		return true;
	cJSON *applied = cJSON_Parse(text);
	if (!applied)
		return true; /* unreadable: schedule and write a good one */
	for (size_t i = 0; i < sizeof fields / sizeof fields[0] && !changed; i++)
		changed = !same(cJSON_GetObjectItemCaseSensitive(applied, fields[i]),
				cJSON_GetObjectItemCaseSensitive(now, fields[i]));
	cJSON_Delete(applied);
	if (changed || !b->placement || !b->placement->n_terms)
		return changed;
	/* clusterAffinities: the observed term must still exist */
	if (!b->observed_affinity || !*b->observed_affinity)
		return true;
	for (uint32_t i = 0; i < b->placement->n_terms; i++)
		if (b->placement->terms[i].name &&
		    strcmp(b->placement->terms[i].name, b->observed_affinity) == 0)
			return false;
	return true;
}

static bool
duplicated(const struct fs_binding *b)
{
	const struct fs_replica_scheduling *rs =
		b->placement ? b->placement->replica_scheduling : NULL;

	return !rs || rs->type == FS_REPLICA_DUPLICATED;
}

static bool
replicas_changed(const struct fs_binding *b)
{
	int64_t sum = 0;

	if (duplicated(b)) {
		for (uint32_t i = 0; i < b->n_previous; i++)
			if (b->previous[i].replicas != b->replicas)
				return true;
		return false;
	}
	for (uint32_t i = 0; i < b->n_previous; i++)
		sum += b->previous[i].replicas;
	return sum != b->replicas;
}

static enum fs_sched_need
decide_middleware(const cJSON *obj)
{
	const char *result = fs_jannotation(obj, FS_ANNOTATION_SCHEDULER_RESULT);
	const char *gen = fs_jannotation(obj, FS_ANNOTATION_SCHEDULED_GENERATION);
	const cJSON *g = fs_jget2(obj, "metadata", "generation");

	if (!result || !*result || !gen)
		return FS_NEED_RECONCILE;
	if (cJSON_IsNumber(g) && strtoll(gen, NULL, 10) < (long long)g->valuedouble)
		return FS_NEED_RECONCILE;
	return FS_NEED_NONE;
}

enum fs_sched_need
fs_sched_decide(const cJSON *obj, const struct fs_binding *b,
		bool (*deleting)(void *ud, const char *cluster), void *ud)
{
	if (fs_jget2(obj, "metadata", "deletionTimestamp") &&
	    !cJSON_IsNull(fs_jget2(obj, "metadata", "deletionTimestamp")))
		return FS_NEED_NONE;
	if (b->kind == FS_WORKLOAD_MIDDLEWARE)
		return decide_middleware(obj);
	if (placement_changed(obj, b))
		return FS_NEED_RECONCILE;
	if (replicas_changed(b))
		return FS_NEED_SCALE;
	if (b->reschedule_triggered_at > b->last_scheduled_time)
		return FS_NEED_FRESH;
	if (b->replicas == 0 || duplicated(b))
		return FS_NEED_ALWAYS;
	for (uint32_t i = 0; deleting && i < b->n_previous; i++)
		if (deleting(ud, b->previous[i].name))
			return FS_NEED_RECONCILE;
	const cJSON *seen = fs_jget2(obj, "status", "schedulerObservedGeneration");
	int64_t seen_gen;
	if (fs_doc_int(seen, &seen_gen) != FS_OK || seen_gen != b->generation)
		return FS_NEED_OBSERVED;
	return FS_NEED_NONE;
}
