/*
 * plugins/estimator/wire.c - see wire.h.
 */
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	F_REQ_CLUSTER = 1,
	F_REQ_REQUIREMENTS = 2,
	F_RR_NODE_CLAIM = 1,
	F_RR_RESOURCE_REQUEST = 2,
	F_RR_NAMESPACE = 3,
	F_RR_PRIORITY_CLASS = 4,
	F_RR_RESOURCE_REQUEST_BYTES = 5,
	F_NC_NODE_SELECTOR = 2,
	F_MAP_KEY = 1,
	F_MAP_VALUE = 2,
	F_QUANTITY_STRING = 1,
	F_RESP_MAX_REPLICAS = 1,
};

const char *
est_quantity(char *buf, size_t len, int64_t amount, bool milli)
{
	if (milli && amount % 1000 != 0)
		snprintf(buf, len, "%lldm", (long long)amount);
	else
		snprintf(buf, len, "%lld", (long long)(milli ? amount / 1000 : amount));
	return buf;
}

static void
put_map_entry(struct pb_buf *b, uint32_t field, const char *key,
	      const void *val, size_t vlen)
{
	size_t m = pb_begin(b, field);

	pb_put_string(b, F_MAP_KEY, key);
	pb_put_bytes(b, F_MAP_VALUE, val, vlen);
	pb_end(b, m);
}

bool
est_encode_requirements(struct pb_buf *out, const struct fs_binding *b,
			const char *i_cpu)
{
	const struct fs_resource *order[EST_MAX_RESOURCES];
	uint32_t n = b->n_requests;

	if (n > EST_MAX_RESOURCES)
		return false;
	if (b->n_node_selector) {
		size_t m = pb_begin(out, F_RR_NODE_CLAIM);
		for (uint32_t i = 0; i < b->n_node_selector; i++) {
			const char *v = b->node_selector[i].value;
			put_map_entry(out, F_NC_NODE_SELECTOR, b->node_selector[i].key,
				      v ? v : "", v ? strlen(v) : 0);
		}
		pb_end(out, m);
	}
	/* by name, so that equal requirements encode to equal bytes */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = i;
		for (; j > 0 && strcmp(order[j - 1]->name, b->requests[i].name) > 0; j--)
			order[j] = order[j - 1];
		order[j] = &b->requests[i];
	}
	/* field 2 (map<string, Quantity>) then field 5 (map<string, bytes>):
	 * the entry values are the same Quantity bytes */
	for (int pass = 0; pass < 2; pass++) {
		uint32_t field = pass ? F_RR_RESOURCE_REQUEST_BYTES : F_RR_RESOURCE_REQUEST;
		for (uint32_t i = 0; i < n; i++) {
			char q[32], qmsg[40];
			size_t qlen;

			est_quantity(q, sizeof(q), order[i]->amount, order[i]->name == i_cpu);
			qmsg[0] = (char)((F_QUANTITY_STRING << 3) | PB_LEN);
			qmsg[1] = (char)strlen(q); /* < 128: one varint byte */
			memcpy(qmsg + 2, q, strlen(q));
			qlen = 2 + strlen(q);
			put_map_entry(out, field, order[i]->name, qmsg, qlen);
		}
		if (pass == 0) {
			if (b->namespace_req)
				pb_put_string(out, F_RR_NAMESPACE, b->namespace_req);
			if (b->priority_class)
				pb_put_string(out, F_RR_PRIORITY_CLASS, b->priority_class);
		}
	}
	return true;
}

void
est_encode_request(struct pb_buf *out, const char *cluster, const uint8_t *req,
		   size_t req_len)
{
	static const uint8_t prefix[EST_FRAME_HEADER];
	size_t len;

	pb_reset(out);
	pb_put_raw(out, prefix, sizeof(prefix));
	pb_put_string(out, F_REQ_CLUSTER, cluster);
	/* always present, even empty, as Karmada's clients send it */
	pb_put_bytes(out, F_REQ_REQUIREMENTS, req, req_len);
	if (out->failed)
		return;
	len = out->len - EST_FRAME_HEADER;
	out->data[0] = 0; /* not compressed */
	out->data[1] = (uint8_t)(len >> 24);
	out->data[2] = (uint8_t)(len >> 16);
	out->data[3] = (uint8_t)(len >> 8);
	out->data[4] = (uint8_t)len;
}

enum fs_code
est_decode_response(const void *body, size_t len, int32_t *max, char *err,
		    size_t errlen)
{
	const uint8_t *p = body;
	struct pb_reader r;
	struct pb_field f;
	const char *why = NULL;
	uint32_t mlen;
	int rc;

	if (len < EST_FRAME_HEADER) {
		snprintf(err, errlen, "response of %zu bytes is shorter than a "
			 "gRPC frame header (5 bytes)", len);
		return FS_E_PROTO;
	}
	if (p[0] != 0) {
		snprintf(err, errlen, "response is compressed (flag %u); only "
			 "uncompressed messages are supported", p[0]);
		return FS_E_PROTO;
	}
	mlen = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
	if (mlen != len - EST_FRAME_HEADER) {
		snprintf(err, errlen, "gRPC frame says %u bytes, got %zu", mlen,
			 len - EST_FRAME_HEADER);
		return FS_E_PROTO;
	}
	*max = 0; /* proto3: an absent field is 0 */
	pb_reader_init(&r, p + EST_FRAME_HEADER, mlen);
	while ((rc = pb_next(&r, &f, &why)) > 0) {
		if (f.number != F_RESP_MAX_REPLICAS)
			continue; /* unknown field: skipped */
		if (f.wire != PB_VARINT) {
			snprintf(err, errlen, "maxReplicas: expected a varint, got "
				 "wire type %d", (int)f.wire);
			return FS_E_PROTO;
		}
		*max = (int32_t)(uint32_t)f.varint; /* int32: low 32 bits */
	}
	if (rc < 0) {
		snprintf(err, errlen, "malformed MaxAvailableReplicasResponse: %s", why);
		return FS_E_PROTO;
	}
	return FS_OK;
}

bool
est_format_url(char *buf, size_t len, bool tls, const char *hostport,
	       const char *prefix, const char *cluster, const char *namespace_,
	       long long port)
{
	int n;

	if (hostport)
		n = snprintf(buf, len, "%s://%s%s", tls ? "https" : "http", hostport,
			     EST_METHOD_PATH);
	else
		n = snprintf(buf, len, "%s://%s-%s.%s.svc:%lld%s",
			     tls ? "https" : "http", prefix, cluster, namespace_,
			     port, EST_METHOD_PATH);
	return n >= 0 && (size_t)n < len;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
est_percent_decode(const char *s, char *out, size_t outlen)
{
	size_t o = 0;

	if (!outlen)
		return 0;
	for (; *s && o + 1 < outlen; s++) {
		int hi, lo;

		if (*s == '%' && (hi = hexval(s[1])) >= 0 && (lo = hexval(s[2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			s += 2;
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
	return o;
}

int
est_grpc_status(const struct fs_kv *h, uint32_t n, char *msg, size_t msglen)
{
	int status = -1;

	if (msglen)
		msg[0] = '\0';
	for (uint32_t i = 0; i < n; i++) {
		if (strcmp(h[i].key, "grpc-status") == 0) {
			char *end;
			long v = strtol(h[i].value, &end, 10);
			status = (*h[i].value && !*end && v >= 0 && v < 1000) ? (int)v : -1;
		} else if (strcmp(h[i].key, "grpc-message") == 0) {
			est_percent_decode(h[i].value, msg, msglen);
		}
	}
	return status;
}

const char *
est_grpc_code_name(int code)
{
	static const char *const names[] = {
		"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
		"DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
		"PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
		"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
		"UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
	};

	if (code >= 0 && (size_t)code < sizeof(names) / sizeof(names[0]))
		return names[code];
	return "UNKNOWN_CODE";
}
