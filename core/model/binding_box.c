/* model/binding_box.c - a binding view that owns its memory, see binding.h */
#include "model/binding.h"

#include <stdlib.h>

#include "util/buf.h"
#include "util/intern.h"

struct fs_binding_box {
	struct fs_binding view;
	struct fs_arena arena;
	struct fs_intern_refs strs;
};

static struct fs_binding_box *
box_new(struct fs_decode_ctx *ctx, struct fs_intern_refs **saved)
{
	struct fs_binding_box *b = fs_xcalloc(1, sizeof *b);
	b->arena.block_size = 1024; /* most bindings fit in one block */
	*saved = ctx->refs;
	ctx->refs = &b->strs;
	return b;
}

static enum fs_code
box_done(struct fs_binding_box *b, enum fs_code rc, struct fs_decode_ctx *ctx,
	 struct fs_intern_refs *saved, struct fs_binding_box **out)
{
	ctx->refs = saved;
	if (rc != FS_OK) {
		fs_binding_free(b);
		b = NULL;
	}
	*out = b;
	return rc;
}

enum fs_code
fs_binding_new_json(const cJSON *obj, struct fs_decode_ctx *ctx,
		    struct fs_binding_box **out)
{
	struct fs_intern_refs *saved;
	struct fs_binding_box *b = box_new(ctx, &saved);
	enum fs_code rc = fs_binding_decode(obj, &b->arena, &b->view, ctx);
	return box_done(b, rc, ctx, saved, out);
}

enum fs_code
fs_binding_new_workload(const cJSON *obj, const struct fs_mw_workload *w,
			struct fs_decode_ctx *ctx, struct fs_binding_box **out)
{
	struct fs_intern_refs *saved;
	struct fs_binding_box *b = box_new(ctx, &saved);
	enum fs_code rc = fs_binding_from_workload(obj, w, &b->arena, &b->view, ctx);
	return box_done(b, rc, ctx, saved, out);
}

const struct fs_binding *
fs_binding_view(const struct fs_binding_box *b)
{
	return b ? &b->view : NULL;
}

void
fs_binding_free(struct fs_binding_box *b)
{
	if (!b)
		return;
	fs_intern_refs_release(&b->strs);
	fs_arena_release(&b->arena);
	free(b);
}
