/*
 * plugins/common/args.h - table-driven parsing of a plugin's pluginConfig
 * args, shared by the FedState scheduling plugins (vip, storageclass,
 * mongo-spread).
 *
 * Header-only on purpose: every plugins/<name>/ folder that holds a .c file
 * becomes its own .so, and plugins link no host symbol, so shared helpers are
 * compiled into each plugin that includes this file. Everything here is
 * `static inline` (no unused-function warnings) and uses only the host
 * table `fs_host` that FS_PLUGIN_DEFINE defines.
 *
 * A plugin describes its args as a table (nginx's command table idea):
 *
 *     static const struct fsp_arg vip_args[] = {
 *         {"labelKey", FSP_ARG_STRING, offsetof(struct vip_conf, label_key)},
 *         {"probePort", FSP_ARG_INT, offsetof(struct vip_conf, port), 1, 65535},
 *         ...
 *     };
 *
 * and calls fsp_args_parse() from init() after filling the defaults. Every
 * key is checked: unknown keys are refused (with a "did you mean" hint),
 * wrong types and out-of-range values get one lowercase line naming the
 * key, the value found and what was expected.
 *
 * Durations are Kubernetes/Go-style strings ("500ms", "30s", "5m",
 * "1h30m", "1.5s") or a JSON integer of milliseconds.
 *
 * Threading: init() runs on the scheduling thread; nothing here keeps state.
 */
#ifndef FSP_COMMON_ARGS_H
#define FSP_COMMON_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <fedstate/fedstate.h>

enum fsp_arg_type {
	FSP_ARG_STRING,   /* const char * (interned with fs_host->intern) */
	FSP_ARG_BOOL,     /* bool */
	FSP_ARG_INT,      /* int64_t within [min, max] */
	FSP_ARG_DURATION, /* uint64_t milliseconds within [min, max] */
	FSP_ARG_ENUM,     /* int: index into choices (NULL-terminated) */
	FSP_ARG_CUSTOM,   /* parse(conf, value, err, errlen) */
};

struct fsp_arg {
	const char *key;
	enum fsp_arg_type type;
	size_t offset; /* of the destination field in the plugin's conf struct */
	int64_t min, max; /* FSP_ARG_INT, FSP_ARG_DURATION (ms); 0,0 = no limit */
	const char *const *choices; /* FSP_ARG_ENUM */
	/* FSP_ARG_CUSTOM: `v` is borrowed for the call only; write a message
	 * that starts after "<key>: " into err on failure */
	enum fs_code (*parse)(void *conf, const struct fs_json *v, char *err,
			      size_t errlen);
};

/* "string \"x\"", "integer 5", "array", ... for "expected X, got Y" */
static inline const char *
fsp_json_describe(const struct fs_json *v, char *buf, size_t len)
{
	int64_t i;
	double d;

	switch (fs_host->json_type(v)) {
	case FS_JSON_NULL:
		return "null";
	case FS_JSON_TRUE:
		return "true";
	case FS_JSON_FALSE:
		return "false";
	case FS_JSON_NUMBER:
		if (fs_host->json_int(v, &i))
			snprintf(buf, len, "integer %lld", (long long)i);
		else if (fs_host->json_double(v, &d))
			snprintf(buf, len, "number %g", d);
		else
			snprintf(buf, len, "a number");
		return buf;
	case FS_JSON_STRING:
		snprintf(buf, len, "string \"%.40s\"%s", fs_host->json_string(v),
			 strlen(fs_host->json_string(v)) > 40 ? "..." : "");
		return buf;
	case FS_JSON_ARRAY:
		return "array";
	case FS_JSON_OBJECT:
		return "object";
	default:
		return "nothing";
	}
}

/*
 * Parse a Go-style duration ("1h30m", "250ms", "1.5s", "0") into
 * milliseconds. Returns false with a reason in err (no key prefix) when the
 * text is not a duration; sub-millisecond parts are rounded down.
 */
static inline bool
fsp_duration_parse(const char *s, uint64_t *out_ms, char *err, size_t errlen)
{
	const char *p = s;
	double total = 0;

	if (!*p) {
		snprintf(err, errlen, "empty duration (expected e.g. \"30s\")");
		return false;
	}
	if (strcmp(p, "0") == 0) {
		*out_ms = 0;
		return true;
	}
	while (*p) {
		double num = 0, frac = 0.1, unit;
		bool digits = false;

		while (*p >= '0' && *p <= '9') {
			num = num * 10 + (*p++ - '0');
			digits = true;
		}
		if (*p == '.') {
			p++;
			while (*p >= '0' && *p <= '9') {
				num += (*p++ - '0') * frac;
				frac /= 10;
				digits = true;
			}
		}
		if (!digits) {
			snprintf(err, errlen,
				 "invalid duration \"%s\": expected a number at "
				 "\"%s\" (e.g. \"30s\", \"5m\", \"1h30m\")", s, p);
			return false;
		}
		if (strncmp(p, "ms", 2) == 0) {
			unit = 1, p += 2;
		} else if (*p == 's') {
			unit = 1000, p++;
		} else if (*p == 'm') {
			unit = 60000, p++;
		} else if (*p == 'h') {
			unit = 3600000, p++;
		} else {
			snprintf(err, errlen,
				 "invalid duration \"%s\": %s unit%s%.8s%s (use ms, "
				 "s, m or h, e.g. \"30s\" or \"1h30m\")", s,
				 *p ? "unknown" : "missing", *p ? " \"" : "", p,
				 *p ? "\"" : "");
			return false;
		}
		total += num * unit;
		if (total > 9.0e15) {
			snprintf(err, errlen, "invalid duration \"%s\": too long", s);
			return false;
		}
	}
	*out_ms = (uint64_t)total;
	return true;
}

/* "1h30m", "250ms", "2s" for messages; writes into buf and returns it */
static inline const char *
fsp_duration_format(uint64_t ms, char *buf, size_t len)
{
	uint64_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60;
	size_t used = 0;

	if (ms == 0 || ms % 1000) {
		snprintf(buf, len, "%llums", (unsigned long long)ms);
		return buf;
	}
	if (h)
		used += (size_t)snprintf(buf + used, len - used, "%lluh",
					 (unsigned long long)h);
	if (m && used < len)
		used += (size_t)snprintf(buf + used, len - used, "%llum",
					 (unsigned long long)m);
	if (s && used < len)
		snprintf(buf + used, len - used, "%llus", (unsigned long long)s);
	return buf;
}

/* Distance of two short strings, capped: for "did you mean" hints. */
static inline unsigned
fsp_edit_distance(const char *a, const char *b)
{
	unsigned row[64], la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

	if (la >= 63 || lb >= 63)
		return 99;
	for (unsigned j = 0; j <= lb; j++)
		row[j] = j;
	for (unsigned i = 1; i <= la; i++) {
		unsigned diag = row[0];
		row[0] = i;
		for (unsigned j = 1; j <= lb; j++) {
			unsigned up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

static inline enum fs_code
fsp_arg_unknown(const char *key, const struct fsp_arg *table, size_t n,
		char *err, size_t errlen)
{
	const char *near = NULL;
	unsigned best = 3;
	size_t used;

	for (size_t i = 0; i < n; i++) {
		unsigned d = fsp_edit_distance(key, table[i].key);
		if (d < best || strcasecmp(key, table[i].key) == 0)
			best = d, near = table[i].key;
	}
	if (near) {
		snprintf(err, errlen, "unknown key '%s' (did you mean '%s'?)", key,
			 near);
		return FS_E_CONFIG;
	}
	used = (size_t)snprintf(err, errlen, "unknown key '%s' (known keys:", key);
	for (size_t i = 0; i < n && used < errlen; i++)
		used += (size_t)snprintf(err + used, errlen - used, "%s %s",
					 i ? "," : "", table[i].key);
	if (used < errlen)
		snprintf(err + used, errlen - used, ")");
	return FS_E_CONFIG;
}

static inline enum fs_code
fsp_arg_one(const struct fsp_arg *a, const struct fs_json *v, void *conf,
	    char *err, size_t errlen)
{
	char *dst = (char *)conf + a->offset;
	char what[64], msg[200];
	const char *s = fs_host->json_string(v);
	int64_t i;
	uint64_t ms;
	bool b;

	switch (a->type) {
	case FSP_ARG_STRING:
		if (!s)
			goto type;
		if (!*s) {
			snprintf(err, errlen, "%s: must not be empty", a->key);
			return FS_E_CONFIG;
		}
		*(const char **)dst = fs_host->intern(s, (size_t)-1);
		return FS_OK;
	case FSP_ARG_BOOL:
		if (!fs_host->json_bool(v, &b))
			goto type;
		*(bool *)dst = b;
		return FS_OK;
	case FSP_ARG_INT:
		if (!fs_host->json_int(v, &i))
			goto type;
		if ((a->min || a->max) && (i < a->min || i > a->max)) {
			snprintf(err, errlen, "%s: %lld is out of range (%lld-%lld)",
				 a->key, (long long)i, (long long)a->min,
				 (long long)a->max);
			return FS_E_CONFIG;
		}
		*(int64_t *)dst = i;
		return FS_OK;
	case FSP_ARG_DURATION:
		if (fs_host->json_int(v, &i)) {
			if (i < 0) {
				snprintf(err, errlen, "%s: duration %lld ms is negative",
					 a->key, (long long)i);
				return FS_E_CONFIG;
			}
			ms = (uint64_t)i;
		} else if (s) {
			if (!fsp_duration_parse(s, &ms, msg, sizeof msg)) {
				snprintf(err, errlen, "%s: %s", a->key, msg);
				return FS_E_CONFIG;
			}
		} else {
			snprintf(err, errlen,
				 "%s: expected a duration (\"30s\") or integer "
				 "milliseconds, got %s", a->key,
				 fsp_json_describe(v, what, sizeof what));
			return FS_E_CONFIG;
		}
		if ((a->min || a->max) &&
		    (ms < (uint64_t)a->min || ms > (uint64_t)a->max)) {
			snprintf(err, errlen,
				 "%s: %llu ms is out of range (%lld-%lld ms)", a->key,
				 (unsigned long long)ms, (long long)a->min,
				 (long long)a->max);
			return FS_E_CONFIG;
		}
		*(uint64_t *)dst = ms;
		return FS_OK;
	case FSP_ARG_ENUM:
		if (!s)
			goto type;
		for (int k = 0; a->choices[k]; k++)
			if (strcmp(s, a->choices[k]) == 0) {
				*(int *)dst = k;
				return FS_OK;
			}
		{
			size_t used = (size_t)snprintf(err, errlen,
						       "%s: expected one of", a->key);
			for (int k = 0; a->choices[k] && used < errlen; k++)
				used += (size_t)snprintf(err + used, errlen - used,
							 "%s \"%s\"", k ? "," : "",
							 a->choices[k]);
			if (used < errlen)
				snprintf(err + used, errlen - used, "; got \"%.40s\"",
					 s);
		}
		return FS_E_CONFIG;
	case FSP_ARG_CUSTOM:
		if (a->parse(conf, v, msg, sizeof msg) != FS_OK) {
			snprintf(err, errlen, "%s: %s", a->key, msg);
			return FS_E_CONFIG;
		}
		return FS_OK;
	}
type:
	snprintf(err, errlen, "%s: expected %s, got %s", a->key,
		 a->type == FSP_ARG_BOOL ? "true or false"
		 : a->type == FSP_ARG_INT ? "an integer" : "a string",
		 fsp_json_describe(v, what, sizeof what));
	return FS_E_CONFIG;
}

/*
 * Parse `args` (borrowed; NULL or JSON null means "no args": defaults stay)
 * into `conf` following `table`. The caller fills defaults first. On
 * failure err holds one line such as "probePort: 70000 is out of range
 * (1-65535)" and FS_E_CONFIG is returned.
 */
static inline enum fs_code
fsp_args_parse(const struct fs_json *args, const struct fsp_arg *table,
	       size_t n, void *conf, char *err, size_t errlen)
{
	enum fs_json_type t = fs_host->json_type(args);
	char what[64];

	if (!args || t == FS_JSON_NULL)
		return FS_OK;
	if (t != FS_JSON_OBJECT) {
		snprintf(err, errlen, "args: expected an object, got %s",
			 fsp_json_describe(args, what, sizeof what));
		return FS_E_CONFIG;
	}
	for (size_t i = 0; i < fs_host->json_size(args); i++) {
		const char *key = fs_host->json_key_at(args, i);
		const struct fsp_arg *a = NULL;
		enum fs_code rc;

		for (size_t k = 0; k < n && !a; k++)
			if (strcmp(table[k].key, key) == 0)
				a = &table[k];
		if (!a)
			return fsp_arg_unknown(key, table, n, err, errlen);
		rc = fsp_arg_one(a, fs_host->json_at(args, i), conf, err, errlen);
		if (rc != FS_OK)
			return rc;
	}
	return FS_OK;
}

#endif
