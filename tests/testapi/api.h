/*
 * testapi/api.h - the test API server: Kubernetes REST semantics over the
 * store, watches, discovery and the fault-injection admin endpoints
 * (/_testapi/...). One per process, on the libev default loop.
 */
#ifndef TA_API_H
#define TA_API_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <ev.h>

#include "http.h"
#include "store.h"
#include "util/buf.h"

struct ta_watch;

struct ta_api {
	struct ta_store store;
	struct ta_server *http;
	struct ta_watch *watches;
	double bookmark_interval; /* seconds, 0 = never on a timer */
	char *token;              /* required bearer token, NULL: none */
	bool require_auth;        /* a token or a client certificate is needed */
	/* faults */
	int fail_status;
	uint32_t fail_count;
	uint32_t retry_after;     /* seconds for the Retry-After header, 0 none */
	char *fail_agent;         /* only requests whose User-Agent contains it */
	ev_timer restart;
	bool restart_keep;
	ev_timer ns_sweep;        /* the namespace controller (namespace.c) */
	/* what the tests look at */
	uint64_t n_requests;
	cJSON *writes; /* [{method, path, agent, status}] of every write */
	const cJSON *writes_at; /* a page's end, and its index: the next page */
	long writes_at_i;       /* starts there, not at the head (admin.c) */
};

/* window: watch history in events (0: 10000) */
void ta_api_init(struct ta_api *a, size_t window);
void ta_api_release(struct ta_api *a);
/* the HTTP handler (ud of the server is the ta_api) */
void ta_api_handle(struct ta_server *srv, struct ta_conn *c, struct ta_req *r);

/* answer with a Status built from e (its details are freed) */
void ta_api_error(struct ta_conn *c, struct ta_err *e,
		  const struct ta_resource *r, const char *name);
void ta_api_json(struct ta_conn *c, int status, const cJSON *v);

/* a parsed resource path */
struct ta_route {
	struct ta_resource *res;
	char *group, *version;
	char *ns;   /* NULL when not in the path */
	char *name; /* NULL for the collection */
	char *sub;  /* "status" or NULL */
	bool watch; /* a legacy /api/v1/watch/... path */
};

/* list and watch query options (borrowed strings, NULL when absent) */
struct ta_list_opts {
	const char *rv, *rv_match, *cont, *limit;
	bool send_initial;      /* sendInitialEvents given */
	bool send_initial_true; /* ... and true */
};

/* list.c: the option combinations the real server refuses; false when an
 * error was sent */
struct ta_selector;
bool ta_list_options_check(struct ta_api *a, struct ta_conn *c,
			   const struct ta_list_opts *o, bool watch);
/* list (selectors borrowed) */
void ta_api_list(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
		 struct ta_route *rt, const struct ta_list_opts *o,
		 struct ta_selector *lsel, struct ta_selector *fsel);

/* set apiVersion/kind for the version the client asked for */
void ta_api_stamp(cJSON *obj, const struct ta_resource *r, const char *version);

/* watch.c: start a watch (takes the selectors) */
void ta_api_watch(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
		  struct ta_route *rt, const struct ta_list_opts *o,
		  struct ta_selector *lsel, struct ta_selector *fsel);
/* end every watch on r (its CRD is gone) */
void ta_api_end_watches(struct ta_api *a, const struct ta_resource *r);
/* the store's event hook: fan an event out to the watches */
void ta_api_on_event(void *ud, const struct ta_event *ev);
/* forget every watch without touching its connection (shutdown) */
void ta_api_watches_release(struct ta_api *a);

/* write.c: POST on a collection, PUT and PATCH on an object */
void ta_api_create(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
		   struct ta_route *rt);
void ta_api_update(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
		   struct ta_route *rt, const char *ns);
void ta_api_patch(struct ta_api *a, struct ta_conn *c, const struct ta_req *req,
		  struct ta_route *rt, const char *ns);
/* dryRun=All (what: "DeleteOptions", ...); false when an error was sent */
/* write.c: completes the write log's entry of this request (see write.c):
 * status, the object before (may be NULL) and after (NULL when refused);
 * for a DELETE, the object as deleted (NULL when refused); all borrowed */
void ta_api_wlog_done(struct ta_api *a, const struct ta_resource *r, int status,
		      const cJSON *before, const cJSON *after, bool dry_run);
void ta_api_wlog_deleted(struct ta_api *a, int status, const cJSON *obj, bool dry_run);
bool ta_write_options(struct ta_conn *c, const struct ta_req *req, const char *what,
		      bool *dry_run);

/* discovery.c: true when the path was a discovery document */
bool ta_discovery(struct ta_api *a, struct ta_conn *c, const struct ta_req *r);
/* admin.c: /_testapi/... */
void ta_admin(struct ta_api *a, struct ta_conn *c, const struct ta_req *r);
/* close every watch stream (abruptly) */
void ta_api_drop_watches(struct ta_api *a);
size_t ta_api_watch_count(const struct ta_api *a);
/* send a BOOKMARK to every watch that asked for them */
void ta_api_bookmark_all(struct ta_api *a);

/* builtin.c: register the built-in resources (core, apps, rbac, policy,
 * coordination, events, apiextensions, karmada clusters) except those of
 * group `without` (NULL: none) */
void ta_builtin_resources(struct ta_store *s, const char *without);
/* the fields a built-in's strategy sets on create (Namespace phase and
 * finalizer, Service clusterIP and nodePorts, Secret type); obj is
 * changed in place. Status written here survives (the store drops a
 * client's status). false with *e (422) when obj is refused: a nodePort
 * out of range or already allocated. */
bool ta_builtin_prepare_create(struct ta_store *s, const struct ta_resource *r,
			       cJSON *obj, struct ta_err *e);
/* the same on update of old into obj: a Service keeps the nodePorts the
 * update leaves out, new ones are allocated, clashes refused */
bool ta_builtin_prepare_update(struct ta_store *s, const struct ta_resource *r,
			       const cJSON *old, cJSON *obj, struct ta_err *e);
/* load every CustomResourceDefinition in the YAML files of dir (or one
 * file); false with *err on failure */
bool ta_load_crds(struct ta_store *s, const char *path, char **err);
/* seed.c: --seed FILE (see there); false with *err (caller frees) */
bool ta_seed_file(struct ta_api *a, const char *path, char **err);

#endif
