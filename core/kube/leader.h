/*
 * kube/leader.h - leader election on a coordination.k8s.io/v1 Lease, with
 * client-go's rules and defaults: 15 s lease, 10 s renew deadline, 2 s
 * retry period.
 *
 * A candidate reads the Lease every retry period and takes it when it is
 * free, released, or has not been renewed for a lease duration of our own
 * (monotonic) clock since we last saw it change. The leader renews every
 * retry period; when no renewal has succeeded for the renew deadline it
 * gives up: the client is fenced at once (leader-only writes refused and
 * canceled) before on_stopped runs. A clean stop releases the lease
 * (empty holder) so a successor does not have to wait it out.
 *
 * Loop thread only.
 */
#ifndef FS_KUBE_LEADER_H
#define FS_KUBE_LEADER_H

#include <stdbool.h>
#include <stdint.h>

#include "kube/client.h"

struct fs_kube_leader;

struct fs_kube_leader_opts {
	const char *ns;              /* lease namespace; NULL: the client's */
	const char *name;            /* lease name (required) */
	const char *identity;        /* NULL: hostname + "_" + random suffix */
	uint32_t lease_ms;           /* default 15000 */
	uint32_t renew_deadline_ms;  /* default 10000 */
	uint32_t retry_ms;           /* default 2000 */
	void (*on_started)(void *ud);           /* we lead now */
	void (*on_stopped)(void *ud);           /* we lost (or released) the lease */
	void (*on_new_leader)(void *ud, const char *identity); /* someone else leads */
	void *ud;
};

/* Fences the client until leadership is won. Strings are copied. */
struct fs_kube_leader *fs_kube_leader_start(struct fs_kube_client *c,
					    const struct fs_kube_leader_opts *o);
/* Stop campaigning. A leader releases the lease without waiting here: the
 * update is sent, and once it completed or one retry period passed
 * on_stopped runs (from the loop) and le is freed; writes are fenced at
 * once. A non-leader is freed at once, without on_stopped. Either way le
 * must not be used after this call. NULL-safe. */
void fs_kube_leader_stop(struct fs_kube_leader *le);
bool fs_kube_leader_is_leader(const struct fs_kube_leader *le);
const char *fs_kube_leader_identity(const struct fs_kube_leader *le);
const char *fs_kube_leader_holder(const struct fs_kube_leader *le); /* last seen, "" */

#endif
