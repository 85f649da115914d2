/*
 * kube/status.c - Kubernetes Status to enum fs_code (see status.h).
 */
#include "kube/status.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/doc.h"

enum fs_code
fs_kube_status_code(long http_status, const char *reason)
{
	switch (http_status) {
	case 400:
	case 422:
		return FS_E_INVAL;
	case 401:
		return FS_E_AUTH;
	case 403:
		return FS_E_PERM;
	case 404:
		return FS_E_NOTFOUND;
	case 408:
	case 504:
		return FS_E_TIMEOUT;
	case 409:
		return reason && !strcmp(reason, "AlreadyExists") ? FS_E_EXISTS
								  : FS_E_CONFLICT;
	case 410:
		return FS_E_GONE;
	default:
		return http_status >= 200 && http_status < 300 ? FS_OK : FS_E_HTTP;
	}
}

static const char *
status_text(long s)
{
	switch (s) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

enum fs_code
fs_kube_status_from_json(const cJSON *st, long *http_status,
			 char **msg)
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(st, "code");
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(st, "reason");
	const cJSON *message = cJSON_GetObjectItemCaseSensitive(st, "message");
	int64_t code_v;
	long hs = fs_doc_int(code, &code_v) == FS_OK ? (long)code_v : 500;
	const char *rs = cJSON_IsString(reason) ? reason->valuestring : NULL;
	if (http_status)
		*http_status = hs;
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "%ld %s", hs, rs ? rs : status_text(hs));
	if (cJSON_IsString(message) && message->valuestring[0])
		fs_buf_printf(&b, ": %s", message->valuestring);
	*msg = fs_buf_detach(&b);
	return fs_kube_status_code(hs, rs);
}

enum fs_code
fs_kube_status_error(long http_status, const char *body,
		     size_t len, const char *what, char **msg)
{
	struct fs_buf b = FS_BUF_INIT;
	cJSON *st = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(st, "kind");
	enum fs_code rc;
	if (cJSON_IsString(kind) && !strcmp(kind->valuestring, "Status")) {
		char *m = NULL;
		long hs;
		rc = fs_kube_status_from_json(st, &hs, &m);
		if (!cJSON_GetObjectItemCaseSensitive(st, "code"))
			rc = fs_kube_status_code(http_status, NULL);
		fs_buf_printf(&b, "%s: %s", what, m);
		free(m);
	} else {
		rc = fs_kube_status_code(http_status, NULL);
		fs_buf_printf(&b, "%s: %ld %s", what, http_status,
			      status_text(http_status));
		if (len) {
			size_t n = len > 200 ? 200 : len;
			fs_buf_adds(&b, ": ");
			for (size_t i = 0; i < n; i++) {
				char ch = body[i];
				fs_buf_addc(&b, ch >= 32 && ch < 127 ? ch : ' ');
			}
			if (len > n)
				fs_buf_adds(&b, "...");
		}
	}
	cJSON_Delete(st);
	*msg = fs_buf_detach(&b);
	return rc;
}
