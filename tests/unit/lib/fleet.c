/* fleet.c - see fleet.h */
#include "fleet.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/cluster.h"
#include "plugin_harness.h"
#include "runtime/runtime.h"
#include "util/diag.h"
#include "util/doc.h"
#include "util/intern.h"

static uint32_t
fleet_count(void *ud)
{
	return ((struct ph_fleet *)ud)->n;
}

static const struct fs_cluster *
fleet_at(void *ud, uint32_t i)
{
	struct ph_fleet *f = ud;
	return i < f->n ? &f->c[i] : NULL;
}

static const struct fs_cluster *
fleet_find(void *ud, const char *name)
{
	struct ph_fleet *f = ud;
	const char *key = fs_intern_lookup(name, (size_t)-1);

	for (uint32_t i = 0; key && i < f->n; i++)
		if (f->c[i].name == key)
			return &f->c[i];
	return NULL;
}

static uint64_t
fleet_generation(void *ud)
{
	return ((struct ph_fleet *)ud)->generation;
}

void
ph_fleet_load(struct ph_fleet *f, const char *rel_path)
{
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = NULL;
	const char *path = ph_src_path(rel_path);
	struct fs_cluster_source src = {fleet_count, fleet_at, fleet_find,
					fleet_generation, f};

	memset(f, 0, sizeof *f);
	if (fs_docset_load_file(&ds, path, &d) != FS_OK) {
		fs_diags_print(&d, stderr);
		fs_diags_release(&d);
		fail_msg("cannot load fleet fixture %s", path);
	}
	f->n = (uint32_t)fs_docset_count(ds);
	f->c = FS_ARENA_NEW(&f->arena, struct fs_cluster, f->n ? f->n : 1);
	f->ptrs = FS_ARENA_NEW(&f->arena, const struct fs_cluster *, f->n ? f->n : 1);
	for (uint32_t i = 0; i < f->n; i++) {
		struct fs_decode_ctx ctx = {.ds = ds, .diags = &d};

		if (fs_cluster_decode(fs_docset_doc(ds, i), &f->arena, &f->c[i],
				      &ctx) != FS_OK) {
			fs_diags_print(&d, stderr);
			fs_diags_release(&d);
			fs_docset_free(ds);
			fail_msg("cluster %u of %s does not decode", i, path);
		}
		f->c[i].index = i;
		f->ptrs[i] = &f->c[i];
	}
	fs_diags_release(&d);
	fs_docset_free(ds);
	f->generation = 1;
	fs_runtime_set_source(ph_runtime(), &src);
}

struct fs_cluster *
ph_fleet_get(struct ph_fleet *f, const char *name)
{
	const struct fs_cluster *c = fleet_find(f, name);

	if (!c)
		fail_msg("fleet has no cluster '%s'", name);
	return (struct fs_cluster *)c;
}

void
ph_fleet_bump(struct ph_fleet *f)
{
	f->generation++;
}

void
ph_fleet_release(struct ph_fleet *f)
{
	fs_runtime_set_source(ph_runtime(), NULL);
	fs_arena_release(&f->arena);
	memset(f, 0, sizeof *f);
}
