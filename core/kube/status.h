/*
 * kube/status.h - Kubernetes Status objects and HTTP statuses to
 * enum fs_code plus a readable message.
 */
#ifndef FS_KUBE_STATUS_H
#define FS_KUBE_STATUS_H

#include <stddef.h>

#include <cjson/cJSON.h>
#include <fedstate/status.h>

/* The code for an HTTP status and (optional) Status reason:
 * 404 NOTFOUND, 409 AlreadyExists EXISTS, other 409 CONFLICT, 410 GONE,
 * 401 AUTH, 403 PERM, 400/422 INVAL, 504/408 TIMEOUT, 429/5xx HTTP. */
enum fs_code fs_kube_status_code(long http_status, const char *reason);

/* Turn an error response into a code and a message (caller frees):
 * "<what>: 409 Conflict: <Status.message>" or, when the body is not a
 * Status, the first bytes of the body. `what` names the request
 * ("update mongodbs default/a"). */
enum fs_code fs_kube_status_error(long http_status, const char *body,
				  size_t len, const char *what, char **msg);

/* Same from a decoded Status object (watch ERROR events) */
enum fs_code fs_kube_status_from_json(const cJSON *status, long *http_status,
				      char **msg);

#endif
