/*
 * tests/unit/lib/opsd_fixture.h - the fixture of the `fedstate ops`
 * end-to-end suites: fedstate-testapi with the CRDs and the demo fleet
 * (tests/data/ops/clusters.yaml), namespace OF_NS, a kube client to it,
 * an OpsConfiguration naming the built plugins, and the real binary as a
 * child process. The API server allocates NodePorts, so two-pass renders
 * complete against it.
 *
 * Helpers are blocking (the client's fs_kube_wait); every wait is a
 * bounded poll; of_teardown stops every process. Returned cJSON trees
 * belong to the caller.
 */
#ifndef FS_TEST_OPSD_FIXTURE_H
#define FS_TEST_OPSD_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "kube/client.h"
#include "kube/config.h"
#include "daemon_proc.h"
#include "testapi_proc.h"

#define OF_NS "federation-mongo-operator"

struct of_fx {
	struct ta_proc ta;
	struct fs_kube_config *cfg;
	struct fs_kube_client *c;
	struct dm_proc ops;
	char opsyaml[128];
};

extern const struct fs_kube_resource of_r_mcm, of_r_mdb, of_r_svc, of_r_cm, of_r_pp,
	of_r_op, of_r_rb, of_r_cluster, of_r_ns, of_r_ev, of_r_sts, of_r_mcr;
/* every kind the in-tree plugins render */
extern const struct fs_kube_resource *const of_owned_kinds[];
extern const size_t of_n_owned_kinds;

/* cmocka fixtures: of_setup_with's middlewares is the YAML of the
 * config's middlewares list ("- name: redis\n  kind: MultiCloudRedis\n");
 * of_setup configures mongodb as config/ops.yaml does */
int of_setup_with(void **state, const char *middlewares);
int of_setup(void **state);
int of_teardown(void **state);

void of_nap(int ms);
/* the API: the answer (NULL on an error; *code gets the code) */
cJSON *of_kcall(struct fs_kube_call *call, enum fs_code *code);
cJSON *of_kget(struct of_fx *f, const struct fs_kube_resource *r, const char *ns,
	       const char *name);
enum fs_code of_kcreate(struct of_fx *f, const struct fs_kube_resource *r, const char *ns,
			const cJSON *obj);
/* a JSON merge patch (flags: FS_KUBE_STATUS for /status) */
enum fs_code of_kpatch(struct of_fx *f, const struct fs_kube_resource *r, const char *ns,
		       const char *name, const char *patch, uint32_t flags);
enum fs_code of_kdelete(struct of_fx *f, const struct fs_kube_resource *r, const char *ns,
			const char *name);
/* the items of a list (sel: label selector or NULL) */
cJSON *of_klist(struct of_fx *f, const struct fs_kube_resource *r, const char *ns,
		const char *sel);
/* metadata.<key> of o, borrowed; NULL when absent */
const char *of_mstr(const cJSON *o, const char *key);
/* every object of the file at $FEDSTATE_SRC/rel (kind List expanded) */
cJSON *of_load_first(const char *rel);
/* the FedState sample MultiCloudMongoDB as a user creates it, named name,
 * with schedulerResult sched (NULL: the sample's) */
cJSON *of_sample_mcm(const char *name, const char *sched);
void of_ensure_ns(struct of_fx *f, const char *ns);
/* start `fedstate ops` (extra: one more flag; NULL: --leader-elect=false) */
bool of_start_ops(struct of_fx *f, const char *extra);
/* the same with several flags (NULL-terminated) in place of the default */
bool of_start_ops_with(struct of_fx *f, const char *const *extra);

/* every object in ns the server holds rendered for owner uid */
cJSON *of_live_owned(struct of_fx *f, const char *ns, const char *uid);
/* what `fedstate render` gives for obj (the plugin of its kind) with
 * existing as the live objects; NULL when incomplete or failed */
cJSON *of_offline_render(struct of_fx *f, const cJSON *obj, const cJSON *existing);
/* the live set of r ns/name equals its offline render: the same objects,
 * each holding every rendered field; *why says what differs */
bool of_matches(struct of_fx *f, const struct fs_kube_resource *r, const char *ns,
		const char *name, char *why, size_t n);
/* poll until of_matches (at most guard_ms); of_converge: the
 * MultiCloudMongoDB name in OF_NS */
bool of_converge_obj(struct of_fx *f, const struct fs_kube_resource *r, const char *ns,
		     const char *name, int guard_ms);
bool of_converge(struct of_fx *f, const char *name, int guard_ms);
/* writes made by fedstate-ops (Events excluded unless with_events, only
 * paths containing path_part when not NULL) from index `from` of the
 * server's write log; *end gets the log's length */
int of_ops_writes(struct of_fx *f, int from, int *end, bool with_events,
		  const char *path_part);
/* status.state of r name in OF_NS ("" when none; a static buffer) */
const char *of_state_of(struct of_fx *f, const struct fs_kube_resource *r, const char *name);
const char *of_status_state(struct of_fx *f, const char *name); /* a MultiCloudMongoDB */
bool of_wait_state_of(struct of_fx *f, const struct fs_kube_resource *r, const char *name,
		      const char *want, int guard_ms);
bool of_wait_state(struct of_fx *f, const char *name, const char *want, int guard_ms);
/* an Event in OF_NS about name with this type and reason whose note
 * contains text (NULL: any) */
bool of_has_event(struct of_fx *f, const char *name, const char *type, const char *reason,
		  const char *text);
bool of_wait_event(struct of_fx *f, const char *name, const char *type, const char *reason,
		   const char *text, int guard_ms);

#endif
