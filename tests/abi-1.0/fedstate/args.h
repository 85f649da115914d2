/*
 * fedstate/args.h - table-driven validation of a plugin's pluginConfig
 * args, for plugin authors: the same checks and messages the in-tree
 * plugins give.
 *
 * Optional: include it after <fedstate/fedstate.h>. It adds nothing to the
 * ABI: every function is `static inline` over the `fs_host` table that
 * FS_PLUGIN_DEFINE defines, so it compiles into your plugin and links no
 * host symbol. For plugin code only.
 *
 * Describe your args as a table (nginx's command-table idea) whose
 * entries point at fields of your own settings struct (designated
 * initializers keep -Wextra quiet about the fields an entry leaves out):
 *
 *     struct my_conf { const char *label; int64_t port; uint64_t every_ms; };
 *     static const struct fs_arg my_args[] = {
 *         {.key = "labelKey", .type = FS_ARG_STRING,
 *          .offset = offsetof(struct my_conf, label)},
 *         {.key = "port", .type = FS_ARG_INT,
 *          .offset = offsetof(struct my_conf, port), .min = 1, .max = 65535},
 *         {.key = "interval", .type = FS_ARG_DURATION,
 *          .offset = offsetof(struct my_conf, every_ms), .min = 100,
 *          .max = 3600000},
 *     };
 *
 * then, in init(), fill the defaults and call
 *
 *     rc = fs_args_parse(args, my_args, sizeof my_args / sizeof my_args[0],
 *                        &conf, err, errlen);
 *
 * Every key is checked: an unknown key is refused with a "did you mean"
 * hint (or the list of known keys), and a wrong type or an out-of-range
 * value gets one lowercase line naming the key, the value found and what
 * was expected, e.g.
 *
 *     probePort: 70000 is out of range (1-65535)
 *     unknown key 'probeport' (did you mean 'probePort'?)
 *     scope: expected one of "middleware", "all"; got "nope"
 *
 * The host prefixes that line with the plugin and the config position.
 * Cross-field rules ("timeout must be shorter than interval") stay in your
 * init(), after fs_args_parse(); fs_duration_format() writes durations
 * back the way admins wrote them.
 *
 * Durations are Kubernetes/Go-style strings ("500ms", "30s", "5m",
 * "1h30m", "1.5s") or a JSON integer of milliseconds.
 *
 * Threading: init() runs on the thread that runs the plugin's callbacks;
 * nothing here keeps state.
 */
#ifndef FEDSTATE_ARGS_H
#define FEDSTATE_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "objects.h"
#include "plugin.h"

/* What an arg holds, and the type of the field at fs_arg.offset. */
enum fs_arg_type {
	FS_ARG_STRING,   /* const char *: interned with fs_host->intern (lives
	                    for the process; compare with ==); "" is refused */
	FS_ARG_BOOL,     /* bool: JSON true or false */
	FS_ARG_INT,      /* int64_t: a JSON integer within [min, max] */
	FS_ARG_DURATION, /* uint64_t milliseconds within [min, max]: "30s" or
	                    an integer of milliseconds */
	FS_ARG_ENUM,     /* int: the index in `choices` of the string given */
	FS_ARG_CUSTOM,   /* whatever `parse` writes */
};

/*
 * One key of the args object. Tables are static const data; every pointer
 * in an entry is borrowed for as long as fs_args_parse() runs.
 */
struct fs_arg {
	const char *key;       /* the JSON key, case-sensitive; not NULL */
	enum fs_arg_type type;
	size_t offset;         /* offsetof() the destination field in the
	                          settings struct handed to fs_args_parse() */
	/* FS_ARG_INT: the inclusive range; FS_ARG_DURATION: the same in
	 * milliseconds. Both 0: no limit. */
	int64_t min, max;
	/* FS_ARG_ENUM: the accepted strings, NULL-terminated; else NULL */
	const char *const *choices;
	/* FS_ARG_CUSTOM (else NULL): parse `v` (borrowed, for the call only)
	 * into `conf` (the whole settings struct; find your field with the
	 * entry's offset or by name). On failure write the reason into err,
	 * without the key (fs_args_parse puts "<key>: " in front), e.g.
	 * "expected an object of cluster name to address, got array", and
	 * return an error code (the caller sees FS_E_CONFIG). */
	enum fs_code (*parse)(void *conf, const struct fs_json *v, char *err,
			      size_t errlen);
};

/*
 * Parse a Go-style duration ("1h30m", "250ms", "1.5s", "0"; s not NULL)
 * into milliseconds. Returns false with a reason in err (no key prefix)
 * when the text is not a duration; sub-millisecond parts are rounded down.
 */
static inline bool
fs_duration_parse(const char *s, uint64_t *out_ms, char *err, size_t errlen)
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

/* ms as "1h30m", "250ms", "2s" for messages (parses back to ms); writes
 * into buf (32 bytes is plenty) and returns it */
static inline const char *
fs_duration_format(uint64_t ms, char *buf, size_t len)
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

/* Edit distance of two short strings, for "did you mean" hints; 99 when
 * either is 63 bytes or longer. */
static inline unsigned
fs_args_distance(const char *a, const char *b)
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

/* The message for a key that is not in table[0..n): the nearest known key
 * (distance < 3, or equal but for case) or the list of known keys.
 * Always returns FS_E_CONFIG. */
static inline enum fs_code
fs_args_unknown(const char *key, const struct fs_arg *table, size_t n,
		char *err, size_t errlen)
{
	const char *near = NULL;
	unsigned best = 3;
	size_t used;

	for (size_t i = 0; i < n; i++) {
		unsigned d = fs_args_distance(key, table[i].key);
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

/* Check one value `v` (borrowed) against entry `a` and store it in conf;
 * FS_E_CONFIG with "<key>: ..." in err when it does not fit. For args
 * nested deeper than the top-level object, from an FS_ARG_CUSTOM parse. */
static inline enum fs_code
fs_args_parse_one(const struct fs_arg *a, const struct fs_json *v, void *conf,
		  char *err, size_t errlen)
{
	char *dst = (char *)conf + a->offset;
	char what[64], msg[200];
	const char *s = fs_host->json_string(v);
	int64_t i;
	uint64_t ms;
	bool b;

	switch (a->type) {
	case FS_ARG_STRING:
		if (!s)
			goto type;
		if (!*s) {
			snprintf(err, errlen, "%s: must not be empty", a->key);
			return FS_E_CONFIG;
		}
		*(const char **)dst = fs_host->intern(s, (size_t)-1);
		return FS_OK;
	case FS_ARG_BOOL:
		if (!fs_host->json_bool(v, &b))
			goto type;
		*(bool *)dst = b;
		return FS_OK;
	case FS_ARG_INT:
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
	case FS_ARG_DURATION:
		if (fs_host->json_int(v, &i)) {
			if (i < 0) {
				snprintf(err, errlen, "%s: duration %lld ms is negative",
					 a->key, (long long)i);
				return FS_E_CONFIG;
			}
			ms = (uint64_t)i;
		} else if (s) {
			if (!fs_duration_parse(s, &ms, msg, sizeof msg)) {
				snprintf(err, errlen, "%s: %s", a->key, msg);
				return FS_E_CONFIG;
			}
		} else {
			snprintf(err, errlen,
				 "%s: expected a duration (\"30s\") or integer "
				 "milliseconds, got %s", a->key,
				 fs_json_describe(v, what, sizeof what));
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
	case FS_ARG_ENUM:
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
	case FS_ARG_CUSTOM:
		if (a->parse(conf, v, msg, sizeof msg) != FS_OK) {
			snprintf(err, errlen, "%s: %s", a->key, msg);
			return FS_E_CONFIG;
		}
		return FS_OK;
	}
type:
	snprintf(err, errlen, "%s: expected %s, got %s", a->key,
		 a->type == FS_ARG_BOOL ? "true or false"
		 : a->type == FS_ARG_INT ? "an integer" : "a string",
		 fs_json_describe(v, what, sizeof what));
	return FS_E_CONFIG;
}

/*
 * Parse `args` (borrowed; NULL or JSON null means "no args": defaults stay)
 * into `conf` (your settings struct) following table[0..n). Fill the
 * defaults first: keys that are absent leave their field untouched. Keys
 * are checked in the order given and the first problem stops the parse,
 * so fields before it may already be written. On failure err holds one
 * line such as "probePort: 70000 is out of range (1-65535)" and
 * FS_E_CONFIG is returned.
 */
static inline enum fs_code
fs_args_parse(const struct fs_json *args, const struct fs_arg *table,
	      size_t n, void *conf, char *err, size_t errlen)
{
	enum fs_json_type t = fs_host->json_type(args);
	char what[64];

	if (!args || t == FS_JSON_NULL)
		return FS_OK;
	if (t != FS_JSON_OBJECT) {
		snprintf(err, errlen, "args: expected an object, got %s",
			 fs_json_describe(args, what, sizeof what));
		return FS_E_CONFIG;
	}
	for (size_t i = 0; i < fs_host->json_size(args); i++) {
		const char *key = fs_host->json_key_at(args, i);
		const struct fs_arg *a = NULL;
		enum fs_code rc;

		for (size_t k = 0; k < n && !a; k++)
			if (strcmp(table[k].key, key) == 0)
				a = &table[k];
		if (!a)
			return fs_args_unknown(key, table, n, err, errlen);
		rc = fs_args_parse_one(a, fs_host->json_at(args, i), conf, err, errlen);
		if (rc != FS_OK)
			return rc;
	}
	return FS_OK;
}

#endif
