/* sched_views.c - see sched_views.h */
#include "sched_views.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/intern.h"

static struct fs_cluster clusters[SV_MAX_CLUSTERS];
static const char *zone_lists[SV_MAX_CLUSTERS][2];
static struct fs_kv site_labels[SV_MAX_CLUSTERS][1];
static uint32_t n_clusters;

void
sv_reset(void)
{
	n_clusters = 0;
}

const char *
sv_intern(const char *s)
{
	return s ? fs_intern(s, (size_t)-1) : NULL;
}

const struct fs_cluster *
sv_cluster(const char *name, const char *region, const char *zones,
	   const char *provider, const char *site)
{
	assert_true(n_clusters < SV_MAX_CLUSTERS);
	uint32_t i = n_clusters++;
	struct fs_cluster *c = &clusters[i];
	memset(c, 0, sizeof(*c));
	c->struct_size = sizeof(*c);
	c->index = i;
	c->flags = FS_CLUSTER_READY;
	c->name = sv_intern(name);
	c->region = sv_intern(region);
	c->provider = sv_intern(provider);
	if (zones) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%s", zones);
		char *comma = strchr(buf, ',');
		if (comma)
			*comma = '\0';
		zone_lists[i][0] = sv_intern(buf);
		zone_lists[i][1] = comma ? sv_intern(comma + 1) : NULL;
		c->zones = zone_lists[i];
		c->n_zones = comma ? 2 : 1;
	}
	if (site) {
		site_labels[i][0] = (struct fs_kv){sv_intern("site"), sv_intern(site)};
		c->labels = site_labels[i];
		c->n_labels = 1;
	}
	return c;
}

const struct fs_cluster *
sv_named(const char *name)
{
	const char *in = sv_intern(name);
	for (uint32_t i = 0; i < n_clusters; i++)
		if (clusters[i].name == in)
			return &clusters[i];
	return sv_cluster(name, NULL, NULL, NULL, NULL);
}

const char *
sv_assignments(const struct fs_assignment *a, uint32_t n)
{
	static char buf[1024];
	size_t len = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < n && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s:%d",
					i ? " " : "", a[i].cluster->name,
					a[i].replicas);
	return buf;
}

const char *
sv_names(const struct fs_candidate *c, uint32_t n)
{
	static char buf[1024];
	size_t len = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < n && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
					i ? " " : "", c[i].cluster->name);
	return buf;
}
