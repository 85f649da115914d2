/*
 * ops/render.h - one render call of a middleware plugin, and the host
 * services that back fs_host->render_* (api/fedstate/host.h).
 *
 * A struct fs_render is built on the stack by the ops core for a single
 * render (or aggregate_status) call: it borrows the federated object, the
 * cluster facts and the objects that already exist, and collects what the
 * plugin emits. Nothing in it outlives the inputs it borrows.
 *
 * The core, not the plugin, stamps every emitted object (fs_render_emit):
 *   metadata.namespace      the federated object's namespace
 *   metadata.ownerReferences a controller reference to the federated object,
 *                           unless the plugin wrote `ownerReferences: []`,
 *                           which means "this object must have no owner"
 *                           (the key is then removed: e.g. a member CR that
 *                           Karmada propagates, where an owner that does not
 *                           exist in the member cluster would get it
 *                           garbage-collected there)
 *   metadata.labels         fedstate.io/managed-by: fedstate-ops,
 *                           fedstate.io/owner-kind, fedstate.io/owner-name
 *                           (when it is a valid label value) and
 *                           fedstate.io/owner-uid (when the owner has one):
 *                           the set fs_ops_prune() finds earlier renders by.
 *
 * Threading: the ops thread only; a struct fs_render is never shared.
 */
#ifndef FS_OPS_RENDER_H
#define FS_OPS_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <fedstate/host.h>

#include "util/buf.h"

#define FS_OPS_LABEL_MANAGED_BY "fedstate.io/managed-by"
#define FS_OPS_MANAGER "fedstate-ops"
#define FS_OPS_LABEL_OWNER_KIND "fedstate.io/owner-kind"
#define FS_OPS_LABEL_OWNER_NAME "fedstate.io/owner-name"
#define FS_OPS_LABEL_OWNER_UID "fedstate.io/owner-uid"

struct fs_render {
	/* inputs, all borrowed */
	const cJSON *owner;    /* the federated object */
	const char *owner_api_version;
	const char *owner_kind;
	const char *owner_name;
	const char *owner_uid; /* NULL when the object has none */
	const char *ns;        /* owner's metadata.namespace ("default" if unset) */
	const cJSON *clusters; /* array of Cluster objects; NULL: none known */
	const cJSON *existing; /* array of current objects; NULL: none */
	/* the instance rendering: each emit refusal is also its last_error
	 * (host.h, ABI 1.1); NULL when none is known */
	struct fs_plugin *inst;

	/* outputs */
	cJSON *emitted;        /* array of stamped desired objects (owned) */
	bool need_pass;
	struct fs_buf why;     /* need_pass reasons, "; "-joined */
	enum fs_code emit_code; /* first emit failure, FS_OK when none */
	struct fs_buf emit_err; /* its message */
};

/* Set up r for the federated object `owner` (borrowed). FS_E_INVAL with a
 * message in err when the object lacks apiVersion, kind or metadata.name. */
enum fs_code fs_render_init(struct fs_render *r, const cJSON *owner,
			    const cJSON *clusters, const cJSON *existing,
			    char *err, size_t errlen);
/* Frees what r owns (emitted objects not yet taken). */
void fs_render_release(struct fs_render *r);
/* Takes the emitted array out of r (caller frees with cJSON_Delete). */
cJSON *fs_render_take(struct fs_render *r);

/* ---- host services (wired into the host table by plugin/host.c) ---- */

/* The current object (apiVersion, kind, namespace, name) among r->existing,
 * NULL when absent. ns NULL means the owner's namespace. Borrowed. */
const struct fs_json *fs_render_lookup(struct fs_render *r,
				       const char *api_version,
				       const char *kind, const char *ns,
				       const char *name);
/* metadata.labels[key] of the Cluster named `cluster`; NULL when unknown.
 * Borrowed from r->clusters. */
const char *fs_render_cluster_label(struct fs_render *r, const char *cluster,
				    const char *key);
/* Stamp and keep obj (takes it). FS_E_INVAL for an object without
 * apiVersion/kind/metadata.name, with a name that is not an RFC 1123
 * subdomain or with another namespace, FS_E_EXISTS for a second object of
 * the same apiVersion/kind/name. The first failure is also remembered in
 * r->emit_code/emit_err, so a plugin that ignores the code still fails the
 * render (with that reason), and every failure is r->inst's last_error. */
enum fs_code fs_render_emit(struct fs_render *r, struct fs_json *obj);
/* Record that another pass is needed; `why` is copied. */
void fs_render_need_pass(struct fs_render *r, const char *why);

#endif
