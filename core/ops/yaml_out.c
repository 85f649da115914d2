/*
 * ops/yaml_out.c - deterministic YAML output (see yaml_out.h).
 */
#include "ops/yaml_out.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
looks_like_number(const char *s)
{
	char *end;
	if (!*s)
		return false;
	strtod(s, &end);
	if (*end == '\0')
		return true;
	/* hex/octal integers, .inf/.nan and timestamps read as non-strings */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'X'))
		return true;
	if (s[0] == '.' || ((s[0] == '+' || s[0] == '-') && s[1] == '.'))
		return true;
	if (isdigit((unsigned char)s[0]) && strlen(s) >= 10 && s[4] == '-' &&
	    s[7] == '-')
		return true;
	return false;
}

bool
fs_ops_yaml_plain_ok(const char *s)
{
	static const char *const words[] = {
		"null", "true", "false", "yes", "no", "on", "off", "y", "n", "~",
	};
	if (!*s)
		return false;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcasecmp(s, words[i]) == 0)
			return false;
	if (looks_like_number(s))
		return false;
	unsigned char c0 = (unsigned char)s[0];
	if (!isalnum(c0) && c0 != '/' && c0 != '_' && c0 != '.')
		return false;
	size_t n = strlen(s);
	if (s[n - 1] == ':')
		return false;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isalnum(c) || strchr("._/-:@+=(),", c))
			continue;
		if (c == ' ' && p[1] && p[1] != ' ' && p[1] != '#' &&
		    p[-1] != ':' && p[-1] != ' ')
			continue;
		return false;
	}
	return true;
}

static void
write_quoted(struct fs_buf *b, const char *s)
{
	fs_buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fs_buf_adds(b, "\\\""); break;
		case '\\': fs_buf_adds(b, "\\\\"); break;
		case '\n': fs_buf_adds(b, "\\n"); break;
		case '\t': fs_buf_adds(b, "\\t"); break;
		case '\r': fs_buf_adds(b, "\\r"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fs_buf_printf(b, "\\x%02x", *p);
			else
				fs_buf_addc(b, (char)*p);
		}
	}
	fs_buf_addc(b, '"');
}

static void
write_string(struct fs_buf *b, const char *s)
{
	if (fs_ops_yaml_plain_ok(s))
		fs_buf_adds(b, s);
	else
		write_quoted(b, s);
}

static void
write_scalar(struct fs_buf *b, const cJSON *v)
{
	if (cJSON_IsString(v)) {
		write_string(b, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (v->valuestring && *v->valuestring)
			fs_buf_adds(b, v->valuestring); /* exact source text */
		else if (floor(d) == d && fabs(d) < 1e15)
			fs_buf_printf(b, "%lld", (long long)d);
		else
			fs_buf_printf(b, "%.17g", d);
	} else if (cJSON_IsTrue(v)) {
		fs_buf_adds(b, "true");
	} else if (cJSON_IsFalse(v)) {
		fs_buf_adds(b, "false");
	} else {
		fs_buf_adds(b, "null");
	}
}

static bool
is_container(const cJSON *v)
{
	return (cJSON_IsObject(v) || cJSON_IsArray(v)) && v->child;
}

static void
indent(struct fs_buf *b, int n)
{
	for (int i = 0; i < n; i++)
		fs_buf_addc(b, ' ');
}

static void write_map(struct fs_buf *b, const cJSON *obj, int ind, bool inline_first);
static void write_seq(struct fs_buf *b, const cJSON *arr, int ind);

/* a scalar, or an empty map or list in flow style, ending the line */
static void
write_leaf(struct fs_buf *b, const cJSON *v)
{
	if (cJSON_IsObject(v))
		fs_buf_adds(b, "{}");
	else if (cJSON_IsArray(v))
		fs_buf_adds(b, "[]");
	else
		write_scalar(b, v);
	fs_buf_addc(b, '\n');
}

/* after "key:" or "- ": the rest of the line and what follows */
static void
write_after(struct fs_buf *b, const cJSON *v, int ind, bool in_seq)
{
	if (!is_container(v)) {
		fs_buf_addc(b, ' ');
		write_leaf(b, v);
	} else if (cJSON_IsObject(v)) {
		if (in_seq) {
			fs_buf_addc(b, ' ');
			write_map(b, v, ind + 2, true);
		} else {
			fs_buf_addc(b, '\n');
			write_map(b, v, ind + 2, false);
		}
	} else {
		fs_buf_addc(b, '\n');
		write_seq(b, v, in_seq ? ind + 2 : ind);
	}
}

static void
write_map(struct fs_buf *b, const cJSON *obj, int ind, bool inline_first)
{
	for (const cJSON *c = obj->child; c; c = c->next) {
		if (!(inline_first && c == obj->child))
			indent(b, ind);
		write_string(b, c->string ? c->string : "");
		fs_buf_addc(b, ':');
		write_after(b, c, ind, false);
	}
}

static void
write_seq(struct fs_buf *b, const cJSON *arr, int ind)
{
	for (const cJSON *c = arr->child; c; c = c->next) {
		indent(b, ind);
		fs_buf_addc(b, '-');
		write_after(b, c, ind, true);
	}
}

void
fs_ops_yaml_write(struct fs_buf *b, const cJSON *v)
{
	if (!is_container(v))
		write_leaf(b, v);
	else if (cJSON_IsObject(v))
		write_map(b, v, 0, false);
	else
		write_seq(b, v, 0);
}
