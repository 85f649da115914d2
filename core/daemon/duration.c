/*
 * daemon/duration.c - Go duration text (see duration.h). Works in whole
 * nanoseconds like Go, so "1.5s" and "1500ms" are the same value.
 */
#include "daemon/duration.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	double ns;
} units[] = {
	{"ns", 1}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
	{"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9},
};

#define MAX_NS 9223372036854775807.0

enum fs_code
fs_duration_parse(const char *s, double *seconds)
{
	if (!s || !*s)
		return FS_E_PARSE;
	double sign = 1;
	if (*s == '-' || *s == '+')
		sign = *s++ == '-' ? -1 : 1;
	if (!strcmp(s, "0")) {
		*seconds = 0;
		return FS_OK;
	}
	if (!*s)
		return FS_E_PARSE;
	double total = 0;
	while (*s) {
		/* a number: digits, optionally '.' digits; at least one digit */
		double v = 0, scale = 1;
		bool digits = false, frac = false;
		for (; (*s >= '0' && *s <= '9') || (*s == '.' && !frac); s++) {
			if (*s == '.') {
				frac = true;
				continue;
			}
			digits = true;
			if (frac)
				v += (*s - '0') * (scale /= 10);
			else
				v = v * 10 + (*s - '0');
		}
		if (!digits)
			return FS_E_PARSE;
		size_t best = 0, ui = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t n = strlen(units[i].name);
			if (!strncmp(s, units[i].name, n) && n > best) {
				best = n;
				ui = i;
			}
		}
		if (!best)
			return FS_E_PARSE; /* a missing or unknown unit */
		total += v * units[ui].ns;
		if (total > MAX_NS)
			return FS_E_RANGE;
		s += best;
	}
	*seconds = sign * round(total) / 1e9;
	return FS_OK;
}

/* Go's fmtFrac + fmtInt for the sub-second part of a whole value */
static int
put_frac(char *out, size_t n, uint64_t whole, uint64_t frac, int digits, const char *unit)
{
	char fr[16] = "";
	if (frac) {
		snprintf(fr, sizeof(fr), ".%0*llu", digits, (unsigned long long)frac);
		size_t l = strlen(fr);
		while (l && fr[l - 1] == '0')
			fr[--l] = '\0';
	}
	return snprintf(out, n, "%llu%s%s", (unsigned long long)whole, fr, unit);
}

void
fs_duration_format(double seconds, char *out, size_t n)
{
	if (!n)
		return;
	double nsd = round(fabs(seconds) * 1e9);
	if (nsd > MAX_NS)
		nsd = MAX_NS;
	uint64_t ns = (uint64_t)nsd;
	const char *neg = seconds < 0 && ns ? "-" : "";
	size_t off = strlen(neg);
	snprintf(out, n, "%s", neg);
	if (off >= n)
		return;
	char *o = out + off;
	size_t left = n - off;
	if (ns == 0) {
		snprintf(o, left, "0s");
	} else if (ns < 1000) {
		snprintf(o, left, "%lluns", (unsigned long long)ns);
	} else if (ns < 1000000) {
		put_frac(o, left, ns / 1000, ns % 1000, 3, "\xc2\xb5s");
	} else if (ns < 1000000000) {
		put_frac(o, left, ns / 1000000, ns % 1000000, 6, "ms");
	} else {
		uint64_t secs = ns / 1000000000, sub = ns % 1000000000;
		uint64_t h = secs / 3600, m = secs / 60 % 60, sec = secs % 60;
		int w = 0;
		if (h)
			w = snprintf(o, left, "%lluh%llum", (unsigned long long)h, (unsigned long long)m);
		else if (m)
			w = snprintf(o, left, "%llum", (unsigned long long)m);
		if (w >= 0 && (size_t)w < left)
			put_frac(o + w, left - (size_t)w, sec, sub, 9, "s");
	}
}
