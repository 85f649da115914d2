/*
 * testapi/admin.c - fault injection for tests, under /_testapi/:
 *
 *   healthz                          200 "ok"
 *   drop-watches                     close every watch stream abruptly
 *   fail?status=500&count=N[&retry-after=S][&agent=TEXT]
 *                                    answer the next N API requests with status
 *                                    (only those whose User-Agent contains TEXT)
 *   latency?ms=N                     delay every request by N ms
 *   restart?keep=1|0[&down-ms=N]     close the listener and every connection,
 *                                    forget every object unless keep=1, listen
 *                                    again on the same port after N ms
 *   compact                          forget the watch history (older
 *                                    resourceVersions get 410 Gone)
 *   token?value=T                    the bearer token requests need from now on
 *   bookmark                         send a BOOKMARK to every watch that asked
 *   bookmark-interval?seconds=S      period of bookmarks (0: never)
 *   stats                            {"requests","watches","rv","compacted",
 *                                     "delayed_max": the most requests the
 *                                     latency held at once since it was set}
 *   writes[?from=I&limit=N][&clear=1]
 *                                    every write request seen (method, path,
 *                                    agent; status, base_rv, prev_rv/prev_gen,
 *                                    rv/gen, name, t, a Lease's holder: see
 *                                    write.c), oldest first; with limit, at
 *                                    most N of them from index I (a soak's
 *                                    600 000 in one answer held the loop for
 *                                    seconds: the daemons lost their Leases)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "namespace.h"
#include "util/buf.h"

enum { RESTART_IDLE, RESTART_DOWN, RESTART_UP };
static int restart_phase;
static double restart_down_s;

/* entries [from, from + limit) of the write log, as a JSON array; pages
 * read in order resume where the last one ended (the log only grows) */
static void
writes_page(struct ta_conn *c, struct ta_api *a, long from, long limit)
{
	const cJSON *e = a->writes->child;
	long i = 0;
	if (a->writes_at && a->writes_at_i <= from) {
		e = a->writes_at;
		i = a->writes_at_i;
	}
	for (; e && i < from; i++)
		e = e->next;
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_addc(&b, '[');
	for (long n = 0; e && n < limit; n++, i++, e = e->next) {
		char *s = cJSON_PrintUnformatted(e);
		if (n)
			fs_buf_addc(&b, ',');
		fs_buf_adds(&b, s);
		free(s);
	}
	fs_buf_adds(&b, "]\n");
	a->writes_at = e;
	a->writes_at_i = i;
	ta_respond(c, 200, "application/json", b.data, b.len, NULL);
	fs_buf_release(&b);
}

static void
admin_on_restart(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)revents;
	struct ta_api *a = t->data;
	if (restart_phase == RESTART_DOWN) {
		ta_server_close_all(a->http);
		if (!a->restart_keep) { /* a new cluster: its namespaces come back */
			ta_store_wipe(&a->store);
			ta_ns_seed(a);
		}
		restart_phase = RESTART_UP;
		ev_timer_set(t, restart_down_s, 0.);
		ev_timer_start(loop, t);
		return;
	}
	char *err = NULL;
	if (!ta_server_reopen(a->http, &err)) {
		fprintf(stderr, "fedstate-testapi: restart: %s\n", err);
		free(err);
		exit(1);
	}
	restart_phase = RESTART_IDLE;
}

static long
qnum(const struct ta_req *r, const char *key, long dflt)
{
	char *v = ta_query_get(r->query, key);
	long n = v && v[0] ? strtol(v, NULL, 10) : dflt;
	free(v);
	return n;
}

static void
ok(struct ta_conn *c)
{
	ta_respond(c, 200, "text/plain", "ok\n", 3, NULL);
}

void
ta_admin(struct ta_api *a, struct ta_conn *c, const struct ta_req *r)
{
	const char *what = r->path + 10;
	if (!strcmp(what, "healthz")) {
		ok(c);
	} else if (!strcmp(what, "drop-watches")) {
		ta_api_drop_watches(a);
		ok(c);
	} else if (!strcmp(what, "fail")) {
		a->fail_status = (int)qnum(r, "status", 500);
		a->fail_count = (uint32_t)qnum(r, "count", 1);
		a->retry_after = (uint32_t)qnum(r, "retry-after", 0);
		free(a->fail_agent);
		a->fail_agent = ta_query_get(r->query, "agent");
		if (a->fail_agent && !a->fail_agent[0]) {
			free(a->fail_agent);
			a->fail_agent = NULL;
		}
		ok(c);
	} else if (!strcmp(what, "latency")) {
		ta_server_set_latency(a->http, (uint32_t)qnum(r, "ms", 0));
		ok(c);
	} else if (!strcmp(what, "restart")) {
		if (restart_phase != RESTART_IDLE) {
			ta_respond(c, 409, "text/plain", "restart in progress\n", 20, NULL);
			return;
		}
		a->restart_keep = qnum(r, "keep", 1) != 0;
		restart_down_s = (double)qnum(r, "down-ms", 200) / 1000.0;
		restart_phase = RESTART_DOWN;
		ev_timer_init(&a->restart, admin_on_restart, 0.05, 0.);
		a->restart.data = a;
		ev_timer_start(EV_DEFAULT, &a->restart);
		ok(c);
	} else if (!strcmp(what, "token")) {
		free(a->token);
		a->token = ta_query_get(r->query, "value");
		ok(c);
	} else if (!strcmp(what, "compact")) {
		ta_store_compact(&a->store);
		ok(c);
	} else if (!strcmp(what, "bookmark")) {
		ta_api_bookmark_all(a);
		ok(c);
	} else if (!strcmp(what, "bookmark-interval")) {
		a->bookmark_interval = (double)qnum(r, "seconds", 0);
		ok(c);
	} else if (!strcmp(what, "stats")) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddNumberToObject(s, "requests", (double)a->n_requests);
		cJSON_AddNumberToObject(s, "watches", (double)ta_api_watch_count(a));
		cJSON_AddNumberToObject(s, "rv", (double)a->store.rv);
		cJSON_AddNumberToObject(s, "compacted", (double)a->store.compacted_rv);
		cJSON_AddNumberToObject(s, "delayed_max", (double)ta_server_delayed_max(a->http));
		ta_api_json(c, 200, s);
		cJSON_Delete(s);
	} else if (!strcmp(what, "writes")) {
		long limit = qnum(r, "limit", -1);
		if (limit < 0)
			ta_api_json(c, 200, a->writes);
		else
			writes_page(c, a, qnum(r, "from", 0), limit);
		if (qnum(r, "clear", 0)) {
			cJSON_Delete(a->writes);
			a->writes = cJSON_CreateArray();
			a->writes_at = NULL;
		}
	} else {
		ta_respond(c, 404, "text/plain", "unknown admin endpoint\n", 23, NULL);
	}
}
