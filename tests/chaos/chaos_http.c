/*
 * tests/chaos/chaos_http.c - see chaos_http.h.
 */
#include "chaos_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

static CURL *easy;
static const char *base;

struct sink {
	char *p;
	size_t n, cap;
};

static size_t
on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct sink *s = ud;
	size_t n = size * nmemb;
	if (s->n + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 65536;
		while (cap < s->n + n + 1)
			cap *= 2;
		char *p = realloc(s->p, cap);
		if (!p)
			return 0;
		s->p = p;
		s->cap = cap;
	}
	memcpy(s->p + s->n, data, n);
	s->n += n;
	s->p[s->n] = '\0';
	return n;
}

void
ch_http_init(const char *url)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	easy = curl_easy_init();
	base = url;
}

void
ch_http_done(void)
{
	curl_easy_cleanup(easy);
	curl_global_cleanup();
}

static void
nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

long
ch_http(const char *method, const char *path, const char *body, int tries, char **out)
{
	char url[2048];
	snprintf(url, sizeof url, "%s%s", base, path);
	long status = 0;
	for (int i = 0; i < tries; i++) {
		struct sink s = {0};
		struct curl_slist *h = NULL;
		h = curl_slist_append(h, !strcmp(method, "PATCH")
					 ? "Content-Type: application/merge-patch+json"
					 : "Content-Type: application/json");
		h = curl_slist_append(h, "User-Agent: chaos-load");
		curl_easy_reset(easy);
		curl_easy_setopt(easy, CURLOPT_URL, url);
		curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(easy, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(easy, CURLOPT_TIMEOUT, 30L);
		curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(easy, CURLOPT_WRITEDATA, &s);
		if (body)
			curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
		CURLcode rc = curl_easy_perform(easy);
		curl_slist_free_all(h);
		status = 0;
		if (rc == CURLE_OK)
			curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
		if (status && status != 429 && status < 500) {
			if (out)
				*out = s.p ? s.p : calloc(1, 1);
			else
				free(s.p);
			return status;
		}
		free(s.p);
		nap_ms(100);
	}
	if (out)
		*out = NULL;
	return status;
}

cJSON *
ch_get_json(const char *path)
{
	char *body = NULL;
	long st = ch_http("GET", path, NULL, 100, &body);
	cJSON *v = st == 200 && body ? cJSON_Parse(body) : NULL;
	if (!v)
		fprintf(stderr, "chaos: cannot read %s: status %ld, %s\n", path, st,
			body ? "the body is not JSON" : "no answer after 100 tries");
	free(body);
	return v;
}

/* the items of array from (owned, NULL: none) appended to array to */
static void
move_items(cJSON *to, cJSON *from)
{
	cJSON *it;
	while (from && (it = cJSON_DetachItemViaPointer(from, from->child)))
		cJSON_AddItemToArray(to, it);
	cJSON_Delete(from);
}

cJSON *
ch_list_json(const char *path)
{
	char page[2048];
	cJSON *all = NULL, *items = NULL;
	const char *sep = strchr(path, '?') ? "&" : "?";
	char *cont = NULL;

	do {
		if (cont)
			snprintf(page, sizeof page, "%s%slimit=500&continue=%s", path, sep, cont);
		else
			snprintf(page, sizeof page, "%s%slimit=500", path, sep);
		free(cont);
		cont = NULL;
		cJSON *l = ch_get_json(page);
		if (!l) {
			cJSON_Delete(all);
			return NULL;
		}
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(l, "metadata"), "continue");
		if (cJSON_IsString(c) && c->valuestring[0])
			cont = strdup(c->valuestring);
		if (!all) {
			all = l;
			items = cJSON_GetObjectItemCaseSensitive(all, "items");
			continue;
		}
		move_items(items, cJSON_DetachItemFromObjectCaseSensitive(l, "items"));
		cJSON_Delete(l);
	} while (cont);
	return all;
}

cJSON *
ch_writes_json(void)
{
	char page[128];
	cJSON *all = cJSON_CreateArray();
	long from = 0;

	for (;;) {
		snprintf(page, sizeof page, "/_testapi/writes?from=%ld&limit=%d", from,
			 CH_WRITES_PAGE);
		cJSON *l = ch_get_json(page);
		if (!cJSON_IsArray(l)) {
			cJSON_Delete(l);
			cJSON_Delete(all);
			return NULL;
		}
		int n = cJSON_GetArraySize(l);
		move_items(all, l);
		from += n;
		if (n < CH_WRITES_PAGE)
			return all;
	}
}
