/*
 * util/k8sname.c - Kubernetes' name and label-value rules (k8sname.h).
 */
#include "util/k8sname.h"

#include <stdbool.h>
#include <string.h>

static const char SUBDOMAIN_RULE[] =
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
	"characters, '-' or '.', and must start and end with an alphanumeric "
	"character (e.g. 'example.com', regex used for validation is "
	"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
static const char LABEL_RULE[] =
	"a lowercase RFC 1123 label must consist of lower case alphanumeric "
	"characters or '-', and must start and end with an alphanumeric "
	"character (e.g. 'my-name',  or '123-abc', regex used for validation is "
	"'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
static const char VALUE_RULE[] =
	"a valid label must be an empty string or consist of alphanumeric "
	"characters, '-', '_' or '.', and must start and end with an "
	"alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
	"regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

static bool
lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool
alnum(char c)
{
	return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* s[0..n) is [a-z0-9]([-a-z0-9]*[a-z0-9])? */
static bool
label_part(const char *s, size_t n)
{
	if (n == 0 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

const char *
fs_k8s_subdomain_error(const char *s)
{
	if (!s)
		return SUBDOMAIN_RULE;
	size_t n = strlen(s);
	if (n > 253)
		return "must be no more than 253 characters";
	for (size_t start = 0;;) {
		const char *dot = memchr(s + start, '.', n - start);
		size_t end = dot ? (size_t)(dot - s) : n;
		if (!label_part(s + start, end - start))
			return SUBDOMAIN_RULE;
		if (!dot)
			return NULL;
		start = end + 1;
	}
}

const char *
fs_k8s_label_error(const char *s)
{
	if (!s)
		return LABEL_RULE;
	size_t n = strlen(s);
	if (n > 63)
		return "must be no more than 63 characters";
	return label_part(s, n) ? NULL : LABEL_RULE;
}

const char *
fs_k8s_label_value_error(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0)
		return NULL;
	if (n > 63)
		return "must be no more than 63 characters";
	if (!alnum(s[0]) || !alnum(s[n - 1]))
		return VALUE_RULE;
	for (size_t i = 1; i + 1 < n; i++)
		if (!alnum(s[i]) && !strchr("-_.", s[i]))
			return VALUE_RULE;
	return NULL;
}
