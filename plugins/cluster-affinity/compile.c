/* plugins/cluster-affinity/compile.c - compiled affinities, see ca.h */
#include "ca.h"

static const char *k_provider, *k_region, *k_zone;

void
ca_keys_init(void)
{
	k_provider = fs_host->intern("provider", (size_t)-1);
	k_region = fs_host->intern("region", (size_t)-1);
	k_zone = fs_host->intern("zone", (size_t)-1);
}

static bool
plain_op(enum fs_selector_op op)
{
	return op == FS_OP_IN || op == FS_OP_NOT_IN || op == FS_OP_EXISTS ||
	       op == FS_OP_DOES_NOT_EXIST;
}

static struct ca_test *
add(struct ca_compiled *ca)
{
	if (ca->n_tests == ca->cap) {
		uint32_t cap = ca->cap ? ca->cap * 2 : 8;
		struct ca_test *t = fs_host->realloc(ca->tests, cap * sizeof *t);
		if (!t)
			return NULL;
		ca->tests = t;
		ca->cap = cap;
	}
	return &ca->tests[ca->n_tests++];
}

enum fs_code
ca_compile(struct ca_compiled *ca, const struct fs_cluster_affinity *aff)
{
	ca->aff = aff;
	ca->slow = false;
	ca->n_tests = 0;
	const struct fs_label_selector *sel = aff->label_selector;
	struct ca_test *t;
	for (uint32_t i = 0; sel && i < sel->n_match_labels; i++) {
		if (!(t = add(ca)))
			return FS_E_NOMEM;
		*t = (struct ca_test){CA_LABEL, FS_OP_IN, sel->match_labels[i].key,
				      &sel->match_labels[i].value, 1};
	}
	for (uint32_t i = 0; sel && i < sel->n_match_expressions; i++) {
		const struct fs_selector_req *r = &sel->match_expressions[i];
		if (!plain_op(r->op))
			ca->slow = true;
		if (!(t = add(ca)))
			return FS_E_NOMEM;
		*t = (struct ca_test){CA_LABEL, r->op, r->key, r->values, r->n_values};
	}
	for (uint32_t i = 0; aff->has_field_selector && i < aff->n_field_exprs; i++) {
		const struct fs_selector_req *r = &aff->field_exprs[i];
		enum ca_subject s = r->key == k_provider ? CA_PROVIDER
				    : r->key == k_region ? CA_REGION
				    : r->key == k_zone   ? CA_ZONE
							 : CA_NEVER;
		if (!plain_op(r->op))
			ca->slow = true;
		if (!(t = add(ca)))
			return FS_E_NOMEM;
		*t = (struct ca_test){s, r->op, r->key, r->values, r->n_values};
	}
	return FS_OK;
}

static bool
listed(const char *const *v, uint32_t n, const char *s)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i] == s)
			return true;
	return false;
}

/* a test on one value (NULL: absent) */
static bool
value_passes(const struct ca_test *t, const char *value)
{
	switch (t->op) {
	case FS_OP_IN:
		return value && listed(t->values, t->n_values, value);
	case FS_OP_NOT_IN:
		return !value || !listed(t->values, t->n_values, value);
	case FS_OP_EXISTS:
		return value != NULL;
	default: /* FS_OP_DOES_NOT_EXIST */
		return value == NULL;
	}
}

static bool
zones_pass(const struct ca_test *t, const struct fs_cluster *c)
{
	bool any = false;
	for (uint32_t i = 0; i < c->n_zones && !any; i++)
		any = listed(t->values, t->n_values, c->zones[i]);
	switch (t->op) {
	case FS_OP_IN:
		return any;
	case FS_OP_NOT_IN:
		return !any;
	case FS_OP_EXISTS:
		return c->n_zones > 0;
	default:
		return c->n_zones == 0;
	}
}

bool
ca_matches(const struct ca_compiled *ca, const struct fs_cluster *c)
{
	const struct fs_cluster_affinity *aff = ca->aff;
	if (ca->slow)
		return fs_host->affinity_matches(aff, c);
	if (listed(aff->exclude, aff->n_exclude, c->name))
		return false;
	for (uint32_t i = 0; i < ca->n_tests; i++) {
		const struct ca_test *t = &ca->tests[i];
		const struct fs_kv *kv;
		bool ok;
		switch (t->subject) {
		case CA_LABEL:
			kv = fs_kv_find(c->labels, c->n_labels, t->key);
			ok = value_passes(t, kv ? kv->value : NULL);
			break;
		case CA_PROVIDER:
			ok = value_passes(t, c->provider);
			break;
		case CA_REGION:
			ok = value_passes(t, c->region);
			break;
		case CA_ZONE:
			ok = zones_pass(t, c);
			break;
		default:
			ok = false;
			break;
		}
		if (!ok)
			return false;
	}
	return !aff->n_cluster_names ||
	       listed(aff->cluster_names, aff->n_cluster_names, c->name);
}

void
ca_release(struct ca_compiled *ca)
{
	fs_host->free(ca->tests);
	*ca = (struct ca_compiled){0};
}
