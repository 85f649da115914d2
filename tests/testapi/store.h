/*
 * testapi/store.h - the test API server's objects: resource types, stored
 * objects, one global increasing resourceVersion, the event window that
 * watches resume from, and the API semantics of writes (uid,
 * creationTimestamp, generation on spec changes only, /status writes only
 * status, optimistic concurrency, deletionTimestamp + finalizers).
 * One thread.
 */
#ifndef TA_STORE_H
#define TA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* how a resource type behaves where built-ins and custom resources differ */
enum {
	TA_TYPED = 1,          /* built-in: list items carry no kind/apiVersion */
	TA_GENERATION = 2,     /* metadata.generation is kept (CRs always) */
	TA_RETURN_DELETED = 4, /* DELETE answers the object, not a Status */
	TA_CUSTOM = 8,         /* a custom resource (CRD): no strategic merge */
};

struct ta_resource {
	char *group;   /* "" for the core group */
	char **versions; /* served versions, [0] is the preferred one */
	size_t n_versions;
	char *plural, *singular, *kind, *list_kind;
	char **short_names;
	size_t n_short;
	bool namespaced;
	bool has_status; /* status subresource */
	unsigned flags;  /* TA_* */
	bool removed;    /* its CRD was deleted: kept only for old events */
	/* field selector labels beyond metadata.name/namespace, NULL-ended
	 * (borrowed, static) */
	const char *const *field_labels;
	cJSON *crd;      /* the CustomResourceDefinition (owned), NULL: built-in */
	struct ta_object **objs; /* sorted by namespace/name */
	size_t n, cap;
};

struct ta_object {
	char *ns;   /* "" for cluster-scoped */
	char *name;
	cJSON *obj; /* the stored object, apiVersion of the storage version */
	uint64_t rv;
};

enum ta_ev_type { TA_ADDED, TA_MODIFIED, TA_DELETED };

struct ta_event {
	struct ta_resource *res;
	enum ta_ev_type type;
	cJSON *obj;  /* snapshot */
	cJSON *prev; /* MODIFIED, DELETED: the state before */
	uint64_t rv;
};

/* an API error shaped like a Kubernetes Status */
struct ta_err {
	int code;            /* HTTP status; 0 = no error */
	const char *reason;  /* "NotFound", "AlreadyExists", "Conflict", ...;
			      * "" for none (a plain 500) */
	char msg[2048];
	cJSON *details;      /* Status details to send instead of the default
			      * (owned; ta_err_clear frees) */
};

typedef void (*ta_event_fn)(void *ud, const struct ta_event *ev);

struct ta_store {
	struct ta_resource **res;
	size_t n_res;
	uint64_t rv;          /* last resourceVersion handed out */
	struct ta_event *log; /* ring of the last `window` events */
	size_t log_head, log_n, window;
	uint64_t compacted_rv; /* watching from an rv below this is 410 Gone */
	ta_event_fn on_event;
	void *on_event_ud;
	/* dryRun=All: writes check everything, change nothing, and return
	 * what they would have stored (kept in dry_result until the next) */
	bool dry_run;
	cJSON *dry_result;
};

void ta_store_init(struct ta_store *s, size_t window);
void ta_store_release(struct ta_store *s);
/* register a resource type (takes r); false when group/plural exists */
bool ta_store_add_resource(struct ta_store *s, struct ta_resource *r);
struct ta_resource *ta_resource_new(const char *group, const char *version,
				    const char *plural, const char *singular,
				    const char *kind, bool namespaced,
				    bool has_status);
void ta_resource_add_version(struct ta_resource *r, const char *version);
void ta_resource_add_short(struct ta_resource *r, const char *name);
/* resource by group + plural serving version (NULL: any); removed ones
 * are skipped */
struct ta_resource *ta_store_find(struct ta_store *s, const char *group,
				  const char *version, const char *plural);
bool ta_resource_serves(const struct ta_resource *r, const char *version);
/* "mongodbs.middleware.fedstate.io" or "configmaps" */
const char *ta_resource_qname(const struct ta_resource *r, char *buf, size_t n);

struct ta_object *ta_store_get(struct ta_resource *r, const char *ns,
			       const char *name);
/* the index of the first object with key > (ns, name) ("" "" for all) */
size_t ta_store_lower_bound(struct ta_resource *r, const char *ns,
			    const char *name);

/* writes: `obj` is taken on success and on failure; the stored result is
 * returned (borrowed) or NULL with *e set */
const cJSON *ta_store_create(struct ta_store *s, struct ta_resource *r,
			     const char *ns, cJSON *obj, struct ta_err *e);
/* status_only: the /status subresource. obj must carry metadata.name. */
const cJSON *ta_store_update(struct ta_store *s, struct ta_resource *r,
			     const char *ns, const char *name, cJSON *obj,
			     bool status_only, struct ta_err *e);
/* precond_rv may be NULL; *deleted tells whether it is gone or only marked */
const cJSON *ta_store_delete(struct ta_store *s, struct ta_resource *r,
			     const char *ns, const char *name,
			     const char *precond_rv, bool *deleted,
			     struct ta_err *e, cJSON **gone_obj);
/* the objects of r as they were at resourceVersion rv, in key order
 * (borrowed: valid until the next write); NULL when rv is older than the
 * history (410) or newer than the store */
const cJSON **ta_store_list_at(struct ta_store *s, struct ta_resource *r,
			       uint64_t rv, size_t *n);
/* delete every object of r (events logged) and mark it removed */
void ta_store_remove_resource(struct ta_store *s, struct ta_resource *r);
/* replace o's object with next (taken) as a new version: no write
 * semantics, for the server's own controllers; returns next (borrowed) */
const cJSON *ta_store_put(struct ta_store *s, struct ta_resource *r,
			  struct ta_object *o, cJSON *next);
/* forget every object (a restart that loses state); deletes are logged */
void ta_store_wipe(struct ta_store *s);
/* forget the event history: watching from any older rv gives 410 */
void ta_store_compact(struct ta_store *s);

/* events with rv > from for resource r, oldest first; false (410) when the
 * window no longer reaches back to `from` */
bool ta_store_since(struct ta_store *s, uint64_t from,
		    void (*fn)(void *ud, const struct ta_event *ev), void *ud);

void ta_err_set(struct ta_err *e, int code, const char *reason,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ta_err_clear(struct ta_err *e);
/* the Status object for e (caller frees with cJSON_Delete) */
cJSON *ta_err_status(const struct ta_err *e, const struct ta_resource *r,
		     const char *name);

#endif
