/*
 * plugins/spread-constraint - Karmada's SpreadConstraint filter: for each
 * spread constraint the cluster must have the property it spreads by
 * (spec.provider, spec.region, non-empty spec.zones; and, beyond Karmada,
 * the label of a spreadByLabel constraint). The spreading itself is the
 * selection step (core/sched/select.h). See docs/plugins/spread-constraint.md.
 */
#include <stdio.h>

#include <fedstate/fedstate.h>

#include "../common/karmada.h"

static const char reason_provider[] = "cluster(s) did not have provider property";
static const char reason_region[] = "cluster(s) did not have region property";
static const char reason_zones[] = "cluster(s) did not have zones property";

static enum fs_code
sc_init(struct fs_plugin *self, const struct fs_json *args, void **state,
	char *err, size_t errlen)
{
	(void)self;
	*state = NULL;
	return fsk_no_args("spread-constraint", args, err, errlen);
}

/* only cluster spreading (or none): nothing to check */
static enum fs_code
sc_pre_filter(void *state, struct fs_cycle *cyc,
	      const struct fs_cluster *const *clusters, uint32_t n,
	      const char **reason)
{
	(void)state, (void)clusters, (void)n, (void)reason;
	const struct fs_placement *p = fs_host->cycle_binding(cyc)->placement;
	for (uint32_t i = 0; p && i < p->n_spread; i++)
		if (p->spread[i].field != FS_SPREAD_CLUSTER)
			return FS_OK;
	return FS_SKIP;
}

static enum fs_code
sc_filter(void *state, struct fs_cycle *cyc, const struct fs_cluster *c,
	  const char **reason)
{
	(void)state;
	const struct fs_placement *p = fs_host->cycle_binding(cyc)->placement;
	for (uint32_t i = 0; p && i < p->n_spread; i++) {
		const struct fs_spread_constraint *s = &p->spread[i];
		switch (s->field) {
		case FS_SPREAD_PROVIDER:
			if (!c->provider) {
				*reason = reason_provider;
				return FS_UNSCHEDULABLE;
			}
			break;
		case FS_SPREAD_REGION:
			if (!c->region) {
				*reason = reason_region;
				return FS_UNSCHEDULABLE;
			}
			break;
		case FS_SPREAD_ZONE:
			if (c->n_zones == 0) {
				*reason = reason_zones;
				return FS_UNSCHEDULABLE;
			}
			break;
		case FS_SPREAD_LABEL:
			if (!s->label || !fs_kv_find(c->labels, c->n_labels, s->label)) {
				*reason = fs_host->cycle_printf(
					cyc, "cluster(s) did not have label %s",
					s->label ? s->label : "(unset)");
				return FS_UNSCHEDULABLE;
			}
			break;
		case FS_SPREAD_CLUSTER:
		default:
			break;
		}
	}
	return FS_OK;
}

static const struct fs_sched_ops sc_ops = {
	.struct_size = sizeof(struct fs_sched_ops),
	.pre_filter = sc_pre_filter,
	.filter = sc_filter,
};

FS_PLUGIN_DEFINE(.kind = FS_PLUGIN_SCHED, .name = "spread-constraint",
		 .version = "1.0.0",
		 .description = "filters clusters lacking the provider/region/zones/label "
				"that a spread constraint spreads by (Karmada SpreadConstraint)",
		 .license = "Apache-2.0", .caps = FS_CAP_PRE_FILTER | FS_CAP_FILTER,
		 .init = sc_init, .sched = &sc_ops)
