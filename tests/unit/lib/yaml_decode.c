/* yaml_decode.c - see yaml_decode.h */
#include "yaml_decode.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

const cJSON *
yd_parse(const char *yaml, struct fs_docset **keep)
{
	struct fs_diags d = FS_DIAGS_INIT;
	if (fs_docset_load_mem(keep, "t.yaml", yaml, strlen(yaml), &d) != FS_OK) {
		fs_diags_print(&d, stderr);
		fail_msg("does not parse: %s", yaml);
	}
	fs_diags_release(&d);
	return fs_docset_doc(*keep, 0);
}

struct fs_cluster
yd_cluster(struct fs_arena *a, const char *yaml)
{
	struct fs_docset *ds;
	struct fs_cluster c;
	struct fs_decode_ctx ctx = {0};
	assert_int_equal(fs_cluster_decode(yd_parse(yaml, &ds), a, &c, &ctx), FS_OK);
	fs_docset_free(ds);
	return c;
}

const struct fs_cluster_affinity *
yd_affinity(struct fs_arena *a, const char *yaml)
{
	struct fs_docset *ds;
	struct fs_cluster_affinity *aff = FS_ARENA_NEW(a, struct fs_cluster_affinity, 1);
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_decode_ctx ctx = {.diags = &d};
	struct fs_dpath p = FS_DPATH_KEY(NULL, "clusterAffinity");
	assert_true(fs_affinity_decode(yd_parse(yaml, &ds), &p, a, &ctx, aff));
	if (ctx.errors) {
		fs_diags_print(&d, stderr);
		fail_msg("affinity did not decode: %s", yaml);
	}
	fs_diags_release(&d);
	fs_docset_free(ds);
	return aff;
}
