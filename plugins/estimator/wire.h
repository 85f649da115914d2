/*
 * plugins/estimator/wire.h - the karmada-scheduler-estimator wire
 * contract: MaxAvailableReplicas messages and gRPC framing over HTTP/2.
 *
 *   MaxAvailableReplicasRequest  { cluster = 1; replicaRequirements = 2 }
 *   ReplicaRequirements          { nodeClaim = 1 { nodeSelector = 2 map };
 *                                  resourceRequest = 2 map<string, Quantity>
 *                                    (estimators up to Karmada v1.17);
 *                                  namespace = 3; priorityClassName = 4;
 *                                  resourceRequestBytes = 5 map<string, bytes>
 *                                    (v1.18 on; the same Quantity bytes) }
 *   Quantity                     { string = 1 }
 *   MaxAvailableReplicasResponse { maxReplicas = 1 int32 }
 *
 * A map entry is a message { key = 1; value = 2 }. Writing the requests
 * under both field 2 and field 5 (as Karmada v1.18 does) lets one client
 * talk to old and new estimators.
 *
 * gRPC: each message travels in a frame of a 1-byte compressed flag (we
 * send 0, and refuse compressed answers) and a 4-byte big-endian length;
 * the outcome is grpc-status (and a percent-encoded grpc-message) in the
 * HTTP/2 trailers, or in the headers of a trailers-only response.
 */
#ifndef EST_WIRE_H
#define EST_WIRE_H

#include <fedstate/fedstate.h>

#include "pb.h"

#define EST_METHOD_PATH                                                        \
	"/github.com.karmada_io.karmada.pkg.estimator.service.Estimator/"     \
	"MaxAvailableReplicas"
#define EST_FRAME_HEADER 5

#define EST_MAX_RESOURCES 64

/* The ReplicaRequirements message of binding b (without tag), resources
 * sorted by name so equal requirements give equal bytes. i_cpu is the
 * interned "cpu" (whose amounts are milli-units). false (nothing written)
 * when b requests more than EST_MAX_RESOURCES resources. */
bool est_encode_requirements(struct pb_buf *out, const struct fs_binding *b,
			     const char *i_cpu);

/* A gRPC frame holding MaxAvailableReplicasRequest{cluster, requirements
 * (the bytes est_encode_requirements wrote)}; out is reset first. */
void est_encode_request(struct pb_buf *out, const char *cluster,
			const uint8_t *req, size_t req_len);

/* The canonical Quantity text of an amount in its canonical unit: "250m"
 * or "2" for cpu (milli), "1073741824" for others. Returns buf. */
const char *est_quantity(char *buf, size_t len, int64_t amount, bool milli);

/* Decode a response body (one gRPC frame holding
 * MaxAvailableReplicasResponse). FS_E_PROTO with a reason in err when the
 * frame or the message is malformed or compressed. */
enum fs_code est_decode_response(const void *body, size_t len, int32_t *max,
				 char *err, size_t errlen);

/* grpc-status from the headers/trailers (-1 when absent or not a number)
 * and grpc-message percent-decoded into msg ("" when absent). */
int est_grpc_status(const struct fs_kv *h, uint32_t n, char *msg, size_t msglen);

/* "UNAVAILABLE" for 14, "code 42" style text for unknown codes */
const char *est_grpc_code_name(int code);

/* The URL of a cluster's estimator: hostport when given (an `addresses`
 * override), else Karmada's service name
 *   <scheme>://<prefix>-<cluster>.<namespace>.svc:<port><EST_METHOD_PATH>
 * false when it does not fit in buf. */
bool est_format_url(char *buf, size_t len, bool tls, const char *hostport,
		    const char *prefix, const char *cluster,
		    const char *namespace_, long long port);

/* Percent-decode s into out (always NUL-terminated, truncated to fit);
 * invalid escapes are copied as they are. Returns the decoded length. */
size_t est_percent_decode(const char *s, char *out, size_t outlen);

#endif
