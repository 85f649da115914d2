/*
 * tests/unit/lib/lua_literal.c - see lua_literal.h.
 */
#include "lua_literal.h"

#include <ctype.h>
#include <string.h>

#include "util/doc.h"

/* a number's source text that Lua reads as the same number ("0.1", "-3",
 * "1e3"); not "+1", ".inf" or ".nan" */
static bool
lua_number_text(const char *t)
{
	if (!t)
		return false;
	const char *p = t + (*t == '-');
	if (!isdigit((unsigned char)p[0]) && !(p[0] == '.' && isdigit((unsigned char)p[1])))
		return false;
	return strspn(p, "0123456789.eE+-") == strlen(p);
}

void
ll_string(struct fs_buf *b, const char *s)
{
	fs_buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fs_buf_printf(b, "\\%c", *p);
		else if (*p == '\n')
			fs_buf_adds(b, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			fs_buf_printf(b, "\\%03u", *p); /* Lua's \ddd is decimal */
		else
			fs_buf_addc(b, (char)*p);
	}
	fs_buf_addc(b, '"');
}

void
ll_value(struct fs_buf *b, const cJSON *v)
{
	if (!v || cJSON_IsNull(v)) {
		fs_buf_adds(b, "nil");
	} else if (cJSON_IsBool(v)) {
		fs_buf_adds(b, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsNumber(v)) {
		const char *text = fs_doc_scalar(v);
		if (lua_number_text(text))
			fs_buf_adds(b, text);
		else
			fs_buf_printf(b, "%.17g", v->valuedouble);
	} else if (cJSON_IsString(v)) {
		ll_string(b, v->valuestring);
	} else if (cJSON_IsArray(v)) {
		fs_buf_addc(b, '{');
		const cJSON *e;
		cJSON_ArrayForEach(e, v) {
			ll_value(b, e);
			fs_buf_addc(b, ',');
		}
		fs_buf_addc(b, '}');
	} else { /* object */
		fs_buf_addc(b, '{');
		const cJSON *e;
		cJSON_ArrayForEach(e, v) {
			if (cJSON_IsNull(e))
				continue;
			fs_buf_addc(b, '[');
			ll_string(b, e->string);
			fs_buf_adds(b, "]=");
			ll_value(b, e);
			fs_buf_addc(b, ',');
		}
		fs_buf_addc(b, '}');
	}
}
