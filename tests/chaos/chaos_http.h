/*
 * tests/chaos/chaos_http.h - the chaos helper's HTTP to the test API
 * server: one libcurl easy handle (keep-alive), retried through the
 * campaign's faults (restarts, 500/429 bursts).
 */
#ifndef CHAOS_HTTP_H
#define CHAOS_HTTP_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* url: the server's base ("http://127.0.0.1:PORT"), borrowed for the run */
void ch_http_init(const char *url);
void ch_http_done(void);
/* method on path with body (NULL: none; content type merge-patch for PATCH,
 * JSON otherwise). Retries connection errors, 5xx and 429 up to `tries`
 * times (100 ms apart). Returns the HTTP status (0: no answer) and, when
 * out is not NULL, the body (caller frees). */
long ch_http(const char *method, const char *path, const char *body, int tries,
	     char **out);
/* GET path as JSON (caller frees with cJSON_Delete); NULL with a message on
 * stderr naming the path when it cannot be read */
cJSON *ch_get_json(const char *path);
/* a list resource read in pages of 500 (the single-threaded test server
 * answers other clients between them), as one List; NULL as above */
cJSON *ch_list_json(const char *path);
/* the test server's write log, oldest first, read in pages of
 * CH_WRITES_PAGE (a soak's log in one answer held the server for seconds
 * and cost the leaders their Leases); NULL as above */
#define CH_WRITES_PAGE 20000
cJSON *ch_writes_json(void);

#endif
