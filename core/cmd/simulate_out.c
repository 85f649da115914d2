/* cmd/simulate_out.c - what `fedstate simulate` prints: a table, or the
 * JSON/YAML document described in docs/simulate.md */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/simulate.h"
#include "model/schedresult.h"
#include "sched/writeback.h"
#include "util/buf.h"

static const char *const spread_names[] = {"cluster", "region", "zone", "provider", "label"};

const char *
sim_strategy(const struct sim_item *it, char *buf, size_t len)
{
	const struct fs_binding *b = &it->b;
	const struct fs_placement *pl = b->placement;
	const struct fs_replica_scheduling *rs = pl ? pl->replica_scheduling : NULL;
	struct fs_buf o = FS_BUF_INIT;
	if (it->assigned_by)
		fs_buf_adds(&o, it->assigned_by);
	else if (b->replicas == 0 && !b->has_requirements)
		fs_buf_adds(&o, "NonWorkload");
	else if (!rs || rs->type == FS_REPLICA_DUPLICATED)
		fs_buf_adds(&o, "Duplicated");
	else if (rs->division == FS_DIVISION_AGGREGATED)
		fs_buf_adds(&o, "Divided/Aggregated");
	else if (rs->division == FS_DIVISION_WEIGHTED)
		fs_buf_adds(&o, rs->dynamic_available ? "Divided/DynamicWeight"
						      : "Divided/StaticWeight");
	else
		fs_buf_adds(&o, "Divided");
	if (b->kind == FS_WORKLOAD_MIDDLEWARE && b->mode != FS_MODE_DEFAULT)
		fs_buf_adds(&o, b->mode == FS_MODE_UNIFORM ? " Uniform" : " Weighting");
	for (uint32_t i = 0; pl && i < pl->n_spread; i++) {
		const struct fs_spread_constraint *c = &pl->spread[i];
		fs_buf_printf(&o, " spread(%s%s%s>=%d", spread_names[c->field % 5],
			      c->label ? ":" : "", c->label ? c->label : "", c->min_groups);
		if (c->has_max_groups)
			fs_buf_printf(&o, ",<=%d", c->max_groups);
		fs_buf_addc(&o, ')');
	}
	if (pl && pl->n_terms)
		fs_buf_printf(&o, " affinities(%u)", pl->n_terms);
	snprintf(buf, len, "%s", o.data);
	fs_buf_release(&o);
	return buf;
}

/* a score column title: the plugin, with its weight when not 1 */
static const char *
label(const struct fs_profile_slot *p, char *buf, size_t len)
{
	if (p->weight != 1)
		snprintf(buf, len, "%s*%" PRId64, p->name, p->weight);
	else
		snprintf(buf, len, "%s", p->name);
	return buf;
}

void
sim_explain(struct sim *s, struct sim_item *it, const struct fs_sched_result *r)
{
	struct fs_buf t = FS_BUF_INIT;
	cJSON *arr = cJSON_CreateArray();
	size_t w = 7;
	for (uint32_t i = 0; i < r->n_clusters; i++)
		if (strlen(s->clusters[i]->name) > w)
			w = strlen(s->clusters[i]->name);
	fs_buf_printf(&t, "    %-*s  %6s  %6s", (int)w, "CLUSTER", "AVAIL", "SCORE");
	char lab[96];
	for (uint32_t k = 0; k < r->n_score_plugins; k++)
		fs_buf_printf(&t, "  %s", label(&r->score_plugins[k], lab, sizeof lab));
	fs_buf_adds(&t, "  VERDICT\n");
	for (uint32_t i = 0; i < r->n_clusters; i++) {
		const struct fs_verdict *v = &r->verdicts[i];
		bool feasible = v->code == FS_OK && r->n_feasible;
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "cluster", s->clusters[i]->name);
		cJSON_AddBoolToObject(e, "feasible", feasible);
		fs_buf_printf(&t, "    %-*s  ", (int)w, s->clusters[i]->name);
		if (feasible) {
			int32_t av = r->available[i];
			if (av == INT32_MAX)
				fs_buf_printf(&t, "%6s", "any");
			else
				fs_buf_printf(&t, "%6d", av);
			fs_buf_printf(&t, "  %6" PRId64, r->total[i]);
			cJSON_AddNumberToObject(e, "available", av);
			cJSON_AddNumberToObject(e, "score", (double)r->total[i]);
			cJSON *sc = cJSON_AddObjectToObject(e, "scores");
			for (uint32_t k = 0; k < r->n_score_plugins; k++) {
				const struct fs_profile_slot *p = &r->score_plugins[k];
				int64_t v1 = r->scores ? r->scores[(size_t)k * r->n_clusters + i]
						       : FS_SCORE_NONE;
				int width = (int)strlen(label(p, lab, sizeof lab));
				if (v1 == FS_SCORE_NONE) {
					fs_buf_printf(&t, "  %*s", width, "-");
					continue;
				}
				fs_buf_printf(&t, "  %*" PRId64, width, v1);
				cJSON_AddNumberToObject(sc, p->name, (double)v1);
			}
		} else {
			fs_buf_printf(&t, "%6s  %6s", "-", "-");
			for (uint32_t k = 0; k < r->n_score_plugins; k++)
				fs_buf_printf(&t, "  %*s",
					      (int)strlen(label(&r->score_plugins[k], lab, sizeof lab)),
					      "-");
			if (v->plugin)
				cJSON_AddStringToObject(e, "plugin", v->plugin);
		}
		struct fs_buf vt = FS_BUF_INIT;
		fs_diagnosis_verdict(&vt, v);
		cJSON_AddStringToObject(e, "verdict", vt.data);
		fs_buf_printf(&t, "  %s\n", vt.data);
		fs_buf_release(&vt);
		cJSON_AddItemToArray(arr, e);
	}
	it->explain_text = fs_arena_strdup(&s->arena, t.data);
	it->explain_json = arr;
	fs_buf_release(&t);
}

static void
placement_text(struct fs_buf *o, const struct sim_item *it)
{
	for (uint32_t i = 0; i < it->n_targets; i++) {
		const struct fs_assignment *a = &it->targets[i];
		fs_buf_printf(o, "%s%s:%d%s", i ? " " : "", a->cluster->name, a->replicas,
			      a->arbiter ? "+arbiter" : "");
	}
	if (!it->n_targets)
		fs_buf_adds(o, "(no cluster)");
}

/* Karmada's Scheduled condition reason for an outcome */
static const char *
reason_of(const struct sim_item *it)
{
	if (!it->ok)
		return "InvalidObject";
	if (!it->profile)
		return "NoProfile";
	return fs_writeback_reason(it->code, it->fit_error);
}

static void
outcome_text(struct fs_buf *o, const struct sim_item *it)
{
	if (!it->ok)
		fs_buf_printf(o, "error: %s", it->error);
	else if (!it->profile)
		fs_buf_printf(o, "skipped: no profile serves schedulerName '%s'",
			      it->b.scheduler_name ? it->b.scheduler_name : "");
	else if (it->code == FS_OK)
		placement_text(o, it);
	else
		fs_buf_printf(o, "%s: %s", it->code == FS_UNSCHEDULABLE ? "unschedulable" : "error",
			      it->message ? it->message : "");
}

/* the table's short form: the placement, or the outcome word with the
 * reason on a continuation line (*why) */
static void
outcome_short(struct fs_buf *o, const struct sim_item *it, const char **why)
{
	*why = NULL;
	if (it->ok && it->profile && it->code != FS_OK) {
		fs_buf_adds(o, it->fit_error ? "unschedulable: no cluster fits"
				: it->code == FS_UNSCHEDULABLE ? "unschedulable"
							       : "scheduler error");
		*why = it->message;
		return;
	}
	outcome_text(o, it);
}

static void
print_table(const struct sim *s)
{
	size_t wn = 8, wk = 4, ws = 8;
	char strat[256];
	for (uint32_t i = 0; i < s->n_items; i++) {
		const struct sim_item *it = &s->items[i];
		size_t n = strlen(it->name) + (it->namespace_ ? strlen(it->namespace_) + 1 : 0);
		wn = n > wn ? n : wn;
		wk = strlen(it->kind) > wk ? strlen(it->kind) : wk;
		size_t st = it->ok ? strlen(sim_strategy(it, strat, sizeof strat)) : 1;
		ws = st > ws ? st : ws;
	}
	printf("%u cluster(s), %u workload(s)\n\n", s->n_clusters, s->n_items);
	printf("%-*s  %-*s  %-*s  %8s  %s\n", (int)wn, "WORKLOAD", (int)wk, "KIND", (int)ws,
	       "STRATEGY", "REPLICAS", "RESULT");
	for (uint32_t i = 0; i < s->n_items; i++) {
		const struct sim_item *it = &s->items[i];
		struct fs_buf name = FS_BUF_INIT, out = FS_BUF_INIT;
		if (it->namespace_)
			fs_buf_printf(&name, "%s/", it->namespace_);
		fs_buf_adds(&name, it->name);
		const char *why;
		outcome_short(&out, it, &why);
		if (it->ok && it->b.n_previous) {
			fs_buf_adds(&out, " (was");
			for (uint32_t p = 0; p < it->b.n_previous; p++)
				fs_buf_printf(&out, " %s:%d", it->b.previous[p].name,
					      it->b.previous[p].replicas);
			fs_buf_adds(&out, ")");
		}
		printf("%-*s  %-*s  %-*s  %8d  %s\n", (int)wn, name.data, (int)wk, it->kind,
		       (int)ws, it->ok ? sim_strategy(it, strat, sizeof strat) : "-",
		       it->ok ? it->b.replicas : 0, out.data);
		if (why)
			printf("%-*s  why: %s\n", (int)wn, "", why);
		if (it->ok && it->middleware && it->profile && it->code == FS_OK) {
			char *sr = fs_schedresult_format(it->targets, it->n_targets);
			printf("%-*s  schedulerResult: %s\n", (int)wn, "", sr);
			free(sr);
		}
		if (it->explain_text)
			printf("%s\n", it->explain_text);
		fs_buf_release(&name);
		fs_buf_release(&out);
	}
}

static cJSON *
item_json(const struct sim_item *it)
{
	char strat[256];
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", it->kind);
	if (it->namespace_)
		cJSON_AddStringToObject(o, "namespace", it->namespace_);
	cJSON_AddStringToObject(o, "name", it->name);
	if (it->ok) {
		cJSON_AddStringToObject(o, "schedulerName", it->b.scheduler_name
				? it->b.scheduler_name : "default-scheduler");
		cJSON_AddStringToObject(o, "strategy", sim_strategy(it, strat, sizeof strat));
		cJSON_AddNumberToObject(o, "replicas", it->b.replicas);
	}
	bool scheduled = it->ok && it->profile && it->code == FS_OK;
	cJSON_AddBoolToObject(o, "scheduled", scheduled);
	cJSON_AddStringToObject(o, "reason", reason_of(it));
	cJSON *cl = cJSON_AddArrayToObject(o, "clusters");
	for (uint32_t i = 0; scheduled && i < it->n_targets; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "name", it->targets[i].cluster->name);
		cJSON_AddNumberToObject(e, "replicas", it->targets[i].replicas);
		cJSON_AddItemToArray(cl, e);
	}
	if (scheduled && it->term_index >= 0)
		cJSON_AddStringToObject(o, "affinityName",
					it->b.placement->terms[it->term_index].name);
	if (scheduled && it->middleware) {
		char *sr = fs_schedresult_format(it->targets, it->n_targets);
		cJSON_AddItemToObject(o, "schedulerResult", cJSON_Parse(sr));
		cJSON_AddStringToObject(o, "schedulerResultAnnotation", sr);
		free(sr);
	}
	if (!scheduled) {
		struct fs_buf e = FS_BUF_INIT;
		outcome_text(&e, it);
		const char *msg = it->ok && it->profile ? it->message : NULL;
		cJSON_AddStringToObject(o, "error", msg ? msg : e.data);
		fs_buf_release(&e);
	}
	if (it->explain_json)
		cJSON_AddItemToObject(o, "explain", cJSON_Duplicate(it->explain_json, 1));
	return o;
}

static void
yaml_scalar(struct fs_buf *o, const cJSON *v)
{
	if (cJSON_IsString(v)) {
		char *q = cJSON_PrintUnformatted(v); /* a JSON string is a YAML scalar */
		fs_buf_adds(o, q);
		free(q);
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d == floor(d) && fabs(d) < 9e15)
			fs_buf_printf(o, "%lld", (long long)d);
		else
			fs_buf_printf(o, "%g", d);
	} else if (cJSON_IsBool(v)) {
		fs_buf_adds(o, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsArray(v)) {
		fs_buf_adds(o, "[]");
	} else if (cJSON_IsObject(v)) {
		fs_buf_adds(o, "{}");
	} else {
		fs_buf_adds(o, "null");
	}
}

static bool
nested(const cJSON *v)
{
	return (cJSON_IsArray(v) || cJSON_IsObject(v)) && v->child;
}

static void
yaml_node(struct fs_buf *o, const cJSON *v, int indent, bool inline_first)
{
	const cJSON *c;
	bool first = true;
	cJSON_ArrayForEach(c, v) {
		if (!(first && inline_first))
			fs_buf_printf(o, "%*s", indent, "");
		first = false;
		if (cJSON_IsArray(v)) {
			fs_buf_adds(o, "- ");
			if (nested(c)) {
				if (cJSON_IsObject(c)) {
					yaml_node(o, c, indent + 2, true);
					continue;
				}
				fs_buf_adds(o, "\n");
				yaml_node(o, c, indent + 2, false);
				continue;
			}
		} else {
			fs_buf_printf(o, "%s:", c->string);
			if (nested(c)) {
				fs_buf_adds(o, "\n");
				yaml_node(o, c, indent + 2, false);
				continue;
			}
			fs_buf_adds(o, " ");
		}
		yaml_scalar(o, c);
		fs_buf_adds(o, "\n");
	}
}

void
sim_print(const struct sim *s)
{
	if (s->output == SIM_TABLE) {
		print_table(s);
		return;
	}
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "apiVersion", "simulate.fedstate.io/v1alpha1");
	cJSON_AddStringToObject(root, "kind", "SimulationResult");
	cJSON_AddNumberToObject(root, "clusters", s->n_clusters);
	cJSON *res = cJSON_AddArrayToObject(root, "results");
	for (uint32_t i = 0; i < s->n_items; i++)
		cJSON_AddItemToArray(res, item_json(&s->items[i]));
	if (s->output == SIM_JSON) {
		char *text = cJSON_Print(root);
		printf("%s\n", text);
		free(text);
	} else {
		struct fs_buf o = FS_BUF_INIT;
		yaml_node(&o, root, 0, false);
		fputs(o.data, stdout);
		fs_buf_release(&o);
	}
	cJSON_Delete(root);
}
