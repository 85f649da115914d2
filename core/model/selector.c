/* model/selector.c - selector and affinity matching, see selector.h */
#include "model/selector.h"

#include <stdlib.h>

#include "util/intern.h"

static bool
listed(const char *const *v, uint32_t n, const char *s)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i] == s)
			return true;
	return false;
}

/* Gt/Lt: both sides must be integers (otherwise no match) */
static bool
compare_int(const char *have, const char *want, bool greater)
{
	char *end;
	long long a = strtoll(have, &end, 10);
	if (!*have || *end)
		return false;
	long long b = strtoll(want, &end, 10);
	if (!*want || *end)
		return false;
	return greater ? a > b : a < b;
}

/* one requirement against the value of its key (NULL: key absent) */
static bool
req_matches(const struct fs_selector_req *r, const char *value)
{
	switch (r->op) {
	case FS_OP_IN:
		return value && listed(r->values, r->n_values, value);
	case FS_OP_NOT_IN:
		return !value || !listed(r->values, r->n_values, value);
	case FS_OP_EXISTS:
		return value != NULL;
	case FS_OP_DOES_NOT_EXIST:
		return value == NULL;
	case FS_OP_GT:
	case FS_OP_LT:
		return value && r->n_values == 1 &&
		       compare_int(value, r->values[0], r->op == FS_OP_GT);
	default:
		return false;
	}
}

bool
fs_label_selector_matches(const struct fs_label_selector *sel,
			  const struct fs_kv *labels, uint32_t n)
{
	if (!sel)
		return true;
	for (uint32_t i = 0; i < sel->n_match_labels; i++) {
		const struct fs_kv *kv = fs_kv_find(labels, n, sel->match_labels[i].key);
		if (!kv || kv->value != sel->match_labels[i].value)
			return false;
	}
	for (uint32_t i = 0; i < sel->n_match_expressions; i++) {
		const struct fs_selector_req *r = &sel->match_expressions[i];
		const struct fs_kv *kv = fs_kv_find(labels, n, r->key);
		if (!req_matches(r, kv ? kv->value : NULL))
			return false;
	}
	return true;
}

static bool
zone_matches(const struct fs_selector_req *r, const struct fs_cluster *c)
{
	switch (r->op) {
	case FS_OP_IN:
		for (uint32_t i = 0; i < c->n_zones; i++)
			if (listed(r->values, r->n_values, c->zones[i]))
				return true;
		return false;
	case FS_OP_NOT_IN:
		for (uint32_t i = 0; i < c->n_zones; i++)
			if (listed(r->values, r->n_values, c->zones[i]))
				return false;
		return true;
	case FS_OP_EXISTS:
		return c->n_zones > 0;
	case FS_OP_DOES_NOT_EXIST:
		return c->n_zones == 0;
	default:
		return false;
	}
}

static bool
fields_match(const struct fs_cluster_affinity *aff, const struct fs_cluster *c)
{
	static const char *k_provider, *k_region, *k_zone;
	if (!k_provider) {
		k_provider = fs_intern("provider", (size_t)-1);
		k_region = fs_intern("region", (size_t)-1);
		k_zone = fs_intern("zone", (size_t)-1);
	}
	for (uint32_t i = 0; i < aff->n_field_exprs; i++) {
		const struct fs_selector_req *r = &aff->field_exprs[i];
		bool ok = r->key == k_provider ? req_matches(r, c->provider)
			  : r->key == k_region ? req_matches(r, c->region)
			  : r->key == k_zone   ? zone_matches(r, c)
					       : false;
		if (!ok)
			return false;
	}
	return true;
}

bool
fs_affinity_matches(const struct fs_cluster_affinity *aff,
		    const struct fs_cluster *c)
{
	if (!aff)
		return true;
	if (listed(aff->exclude, aff->n_exclude, c->name))
		return false;
	if (aff->label_selector &&
	    !fs_label_selector_matches(aff->label_selector, c->labels, c->n_labels))
		return false;
	if (aff->has_field_selector && !fields_match(aff, c))
		return false;
	return !aff->n_cluster_names ||
	       listed(aff->cluster_names, aff->n_cluster_names, c->name);
}
