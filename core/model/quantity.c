/* model/quantity.c - exact Kubernetes quantity parsing, see quantity.h */
#include "model/quantity.h"

#include <stdbool.h>
#include <string.h>

#define MAX_DIGITS 320 /* significant digits kept; the rest only count as
                          "something nonzero follows" for rounding */

/* the parsed number: value = digits * 10^exp10 * 2^exp2, sign separate */
struct qnum {
	bool neg;
	unsigned char dig[MAX_DIGITS + 20]; /* decimal, most significant first */
	size_t n;
	long exp10;
	unsigned exp2;
	bool sticky; /* nonzero digits were dropped beyond MAX_DIGITS */
};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* the suffix after the number; false when it is not one */
static bool
parse_suffix(const char *s, size_t len, struct qnum *q)
{
	static const struct {
		char name[3];
		signed char exp10;
		unsigned char exp2;
	} units[] = {
		{"", 0, 0},    {"n", -9, 0},  {"u", -6, 0},  {"m", -3, 0},
		{"k", 3, 0},   {"M", 6, 0},   {"G", 9, 0},   {"T", 12, 0},
		{"P", 15, 0},  {"E", 18, 0},  {"Ki", 0, 10}, {"Mi", 0, 20},
		{"Gi", 0, 30}, {"Ti", 0, 40}, {"Pi", 0, 50}, {"Ei", 0, 60},
	};
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (strlen(units[i].name) == len &&
		    memcmp(units[i].name, s, len) == 0) {
			q->exp10 += units[i].exp10;
			q->exp2 = units[i].exp2;
			return true;
		}
	if (len < 2 || (s[0] != 'e' && s[0] != 'E'))
		return false;
	size_t i = 1;
	bool neg = false;
	if (s[i] == '+' || s[i] == '-')
		neg = s[i++] == '-';
	if (i == len)
		return false;
	long e = 0;
	for (; i < len; i++) {
		if (!is_digit(s[i]))
			return false;
		if (e < 100000) /* beyond this the result is 0/1 or overflow */
			e = e * 10 + (s[i] - '0');
	}
	q->exp10 += neg ? -e : e;
	return true;
}

static bool
parse_number(const char *s, size_t len, struct qnum *q)
{
	size_t i = 0, n_int = 0, n_frac = 0;
	bool seen_nonzero = false;
	q->neg = false;
	q->n = 0;
	q->exp10 = 0;
	q->exp2 = 0;
	q->sticky = false;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		q->neg = s[i++] == '-';
	for (bool frac = false; i < len; i++) {
		char c = s[i];
		if (c == '.' && !frac) {
			frac = true;
			continue;
		}
		if (!is_digit(c))
			break;
		if (frac)
			n_frac++;
		else
			n_int++;
		if (c == '0' && !seen_nonzero) {
			if (frac)
				q->exp10--; /* 0.05: leading fraction zeros */
			continue;
		}
		seen_nonzero = true;
		if (q->n == MAX_DIGITS) {
			q->sticky |= c != '0';
			if (!frac)
				q->exp10++; /* the dropped digit still scales */
			continue;
		}
		q->dig[q->n++] = (unsigned char)(c - '0');
		if (frac)
			q->exp10--;
	}
	if (n_int + n_frac == 0)
		return false;
	/* trailing zeros of the mantissa move into the exponent */
	while (q->n && q->dig[q->n - 1] == 0) {
		q->n--;
		q->exp10++;
	}
	return parse_suffix(s + i, len - i, q);
}

/* |value| rounded away from zero into *mag; false on overflow of 2^63 */
static bool
magnitude_fast(const struct qnum *q, unsigned __int128 *mag)
{
	unsigned __int128 v = 0;
	const unsigned __int128 limit = (unsigned __int128)1 << 63;
	for (size_t i = 0; i < q->n; i++)
		v = v * 10 + q->dig[i];
	v <<= q->exp2;
	if (q->exp10 >= 0) {
		for (long e = 0; e < q->exp10; e++) {
			v *= 10;
			if (v > limit)
				return false;
		}
		v += q->sticky; /* 1.000...0001: a fraction was dropped */
	} else if (q->exp10 < -38) {
		v = 1; /* 0 < value < 1 */
	} else {
		unsigned __int128 p = 1;
		for (long e = 0; e < -q->exp10; e++)
			p *= 10;
		unsigned __int128 r = v % p;
		v = v / p + (r != 0 || q->sticky);
	}
	*mag = v;
	return v <= limit;
}

/* the same with a decimal digit array, for mantissas above 19 digits */
static bool
magnitude_slow(struct qnum *q, unsigned __int128 *mag)
{
	if (q->exp10 >= 0)
		return false; /* at least 10^19 */
	for (unsigned b = 0; b < q->exp2; b++) {
		unsigned carry = 0;
		for (size_t i = q->n; i-- > 0;) {
			unsigned d = q->dig[i] * 2u + carry;
			q->dig[i] = (unsigned char)(d % 10);
			carry = d / 10;
		}
		if (carry) {
			memmove(q->dig + 1, q->dig, q->n);
			q->dig[0] = (unsigned char)carry;
			q->n++;
		}
	}
	size_t frac = (size_t)-q->exp10;
	size_t n_int = q->n > frac ? q->n - frac : 0;
	if (n_int > 20)
		return false;
	unsigned __int128 v = 0;
	bool rest = false;
	for (size_t i = 0; i < q->n; i++) {
		if (i < n_int)
			v = v * 10 + q->dig[i];
		else if (q->dig[i])
			rest = true;
	}
	v += rest || q->sticky;
	*mag = v;
	return v <= (unsigned __int128)1 << 63;
}

enum fs_code
fs_quantity_parse_n(const char *s, size_t len, const char *resource,
		    int64_t *out)
{
	struct qnum q;
	if (!s || !parse_number(s, len, &q))
		return FS_E_PARSE;
	if (resource && strcmp(resource, "cpu") == 0)
		q.exp10 += 3;
	if (q.n == 0) {
		*out = 0;
		return FS_OK;
	}
	unsigned __int128 mag;
	bool ok = q.n <= 19 ? magnitude_fast(&q, &mag) : magnitude_slow(&q, &mag);
	if (!ok || (!q.neg && mag > (unsigned __int128)INT64_MAX))
		return FS_E_RANGE;
	*out = q.neg ? (int64_t)(0 - (uint64_t)mag) : (int64_t)mag;
	return FS_OK;
}

enum fs_code
fs_quantity_parse(const char *s, const char *resource, int64_t *out)
{
	return s ? fs_quantity_parse_n(s, strlen(s), resource, out) : FS_E_PARSE;
}
