/*
 * testapi/schema.c - defaulting, pruning and validation against a
 * structural schema (see schema.h). Messages follow kube-openapi's as the
 * API server returns them: "spec.members in body should be greater than
 * or equal to 1".
 */
#include "schema.h"

#include <math.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static const cJSON *
kw(const cJSON *s, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(s, key);
}

static bool
kw_true(const cJSON *s, const char *key)
{
	return cJSON_IsTrue(kw(s, key));
}

static const char *
type_of(const cJSON *v)
{
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsBool(v))
		return "boolean";
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsArray(v))
		return "array";
	if (cJSON_IsObject(v))
		return "object";
	return v->valuedouble == floor(v->valuedouble) ? "integer" : "number";
}

static bool
type_ok(const char *want, const cJSON *v)
{
	const char *got = type_of(v);
	if (!strcmp(want, "number"))
		return cJSON_IsNumber(v);
	return !strcmp(want, got);
}

static void
child_path(struct fs_buf *b, const char *path, const char *key)
{
	fs_buf_printf(b, "%s%s%s", path, path[0] ? "." : "", key);
}

static void walk(const cJSON *s, cJSON *v, const char *path, struct ta_ferrs *errs,
		 struct ta_ferrs *unknown, bool root);

static void
check_number(const cJSON *s, const cJSON *v, const char *path,
	     struct ta_ferrs *errs)
{
	char val[64];
	ta_ferr_value(v, val, sizeof(val));
	double d = v->valuedouble;
	const cJSON *min = kw(s, "minimum"), *max = kw(s, "maximum");
	if (cJSON_IsNumber(min)) {
		bool ex = kw_true(s, "exclusiveMinimum");
		if (ex ? d <= min->valuedouble : d < min->valuedouble) {
			char m[64];
			ta_ferrs_add(errs, path, "FieldValueInvalid",
				     "Invalid value: %s: %s in body should be greater than %s%s", val,
				     path, ex ? "" : "or equal to ", ta_ferr_value(min, m, sizeof(m)));
		}
	}
	if (cJSON_IsNumber(max)) {
		bool ex = kw_true(s, "exclusiveMaximum");
		if (ex ? d >= max->valuedouble : d > max->valuedouble) {
			char m[64];
			ta_ferrs_add(errs, path, "FieldValueInvalid",
				     "Invalid value: %s: %s in body should be less than %s%s", val,
				     path, ex ? "" : "or equal to ", ta_ferr_value(max, m, sizeof(m)));
		}
	}
	const cJSON *mul = kw(s, "multipleOf");
	if (cJSON_IsNumber(mul) && mul->valuedouble > 0) {
		double q = d / mul->valuedouble;
		if (fabs(q - round(q)) > 1e-9) {
			char m[64];
			ta_ferrs_add(errs, path, "FieldValueInvalid",
				     "Invalid value: %s: %s in body should be a multiple of %s", val,
				     path, ta_ferr_value(mul, m, sizeof(m)));
		}
	}
}

static size_t
utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
check_string(const cJSON *s, const cJSON *v, const char *path,
	     struct ta_ferrs *errs)
{
	char val[512];
	ta_ferr_value(v, val, sizeof(val));
	size_t len = utf8_len(v->valuestring);
	const cJSON *minl = kw(s, "minLength"), *maxl = kw(s, "maxLength");
	if (cJSON_IsNumber(maxl) && len > (size_t)maxl->valuedouble)
		ta_ferrs_add(errs, path, "FieldValueTooLong",
			     "Too long: may not be more than %d bytes", maxl->valueint);
	if (cJSON_IsNumber(minl) && len < (size_t)minl->valuedouble)
		ta_ferrs_add(errs, path, "FieldValueInvalid",
			     "Invalid value: %s: %s in body should be at least %d chars long",
			     val, path, minl->valueint);
	const cJSON *pat = kw(s, "pattern");
	if (cJSON_IsString(pat)) {
		regex_t re;
		if (regcomp(&re, pat->valuestring, REG_EXTENDED | REG_NOSUB) == 0) {
			if (regexec(&re, v->valuestring, 0, NULL, 0) != 0)
				ta_ferrs_add(errs, path, "FieldValueInvalid",
					     "Invalid value: %s: %s in body should match '%s'",
					     val, path, pat->valuestring);
			regfree(&re);
		}
	}
}

static void
check_enum(const cJSON *s, const cJSON *v, const char *path,
	   struct ta_ferrs *errs)
{
	const cJSON *en = kw(s, "enum"), *e;
	if (!cJSON_IsArray(en))
		return;
	cJSON_ArrayForEach(e, en)
	{
		if (cJSON_Compare(e, v, true))
			return;
	}
	struct fs_buf b = FS_BUF_INIT;
	char val[512];
	cJSON_ArrayForEach(e, en)
	{
		fs_buf_printf(&b, "%s%s", b.len ? ", " : "", ta_ferr_value(e, val, sizeof(val)));
	}
	ta_ferrs_add(errs, path, "FieldValueNotSupported",
		     "Unsupported value: %s: supported values: %s",
		     ta_ferr_value(v, val, sizeof(val)), b.data ? b.data : "");
	fs_buf_release(&b);
}

static bool
keeps_unknown(const cJSON *s)
{
	return kw_true(s, "x-kubernetes-preserve-unknown-fields");
}

static void
walk_object(const cJSON *s, cJSON *v, const char *path,
	    struct ta_ferrs *errs, struct ta_ferrs *unknown, bool root)
{
	const cJSON *props = kw(s, "properties"), *p;
	const cJSON *addl = kw(s, "additionalProperties");
	bool embedded = root || kw_true(s, "x-kubernetes-embedded-resource");
	/* defaults of absent properties */
	cJSON_ArrayForEach(p, props)
	{
		const cJSON *def = kw(p, "default");
		cJSON *cur = cJSON_GetObjectItemCaseSensitive(v, p->string);
		if (def && (!cur || (cJSON_IsNull(cur) && !kw_true(p, "nullable")))) {
			cJSON_DeleteItemFromObjectCaseSensitive(v, p->string);
			cJSON_AddItemToObject(v, p->string, cJSON_Duplicate(def, true));
		}
	}
	cJSON *c = v->child;
	while (c) {
		cJSON *next = c->next;
		struct fs_buf cp = FS_BUF_INIT;
		child_path(&cp, path, c->string);
		const cJSON *cs = cJSON_GetObjectItemCaseSensitive(props, c->string);
		if (embedded && (!strcmp(c->string, "apiVersion") || !strcmp(c->string, "kind") ||
				 !strcmp(c->string, "metadata"))) {
			if (cs && strcmp(c->string, "metadata"))
				walk(cs, c, cp.data, errs, unknown, false);
		} else if (cs) {
			walk(cs, c, cp.data, errs, unknown, false);
		} else if (cJSON_IsObject(addl)) {
			walk(addl, c, cp.data, errs, unknown, false);
		} else if (!cJSON_IsTrue(addl) && !keeps_unknown(s)) {
			if (unknown)
				ta_ferrs_add(unknown, cp.data, "FieldValueUnknown", "unknown field");
			cJSON_Delete(cJSON_DetachItemViaPointer(v, c));
		}
		fs_buf_release(&cp);
		c = next;
	}
	const cJSON *req;
	cJSON_ArrayForEach(req, kw(s, "required"))
	{
		if (cJSON_IsString(req) && !cJSON_GetObjectItemCaseSensitive(v, req->valuestring)) {
			struct fs_buf cp = FS_BUF_INIT;
			child_path(&cp, path, req->valuestring);
			ta_ferrs_add(errs, cp.data, "FieldValueRequired", "Required value");
			fs_buf_release(&cp);
		}
	}
	const cJSON *minp = kw(s, "minProperties"), *maxp = kw(s, "maxProperties");
	int n = cJSON_GetArraySize(v);
	if (cJSON_IsNumber(minp) && n < minp->valueint)
		ta_ferrs_add(errs, path, "FieldValueInvalid",
			     "Invalid value: %d: %s in body should have at least %d properties",
			     n, path, minp->valueint);
	if (cJSON_IsNumber(maxp) && n > maxp->valueint)
		ta_ferrs_add(errs, path, "FieldValueTooMany",
			     "Too many: %d: must have at most %d items", n, maxp->valueint);
}

static void
walk_array(const cJSON *s, cJSON *v, const char *path,
	   struct ta_ferrs *errs, struct ta_ferrs *unknown)
{
	const cJSON *items = kw(s, "items");
	int i = 0;
	cJSON *c;
	cJSON_ArrayForEach(c, v)
	{
		if (cJSON_IsObject(items)) {
			struct fs_buf cp = FS_BUF_INIT;
			fs_buf_printf(&cp, "%s[%d]", path, i);
			walk(items, c, cp.data, errs, unknown, false);
			fs_buf_release(&cp);
		}
		i++;
	}
	const cJSON *mini = kw(s, "minItems"), *maxi = kw(s, "maxItems");
	if (cJSON_IsNumber(mini) && i < mini->valueint)
		ta_ferrs_add(errs, path, "FieldValueInvalid",
			     "Invalid value: %d: %s in body should have at least %d items", i,
			     path, mini->valueint);
	if (cJSON_IsNumber(maxi) && i > maxi->valueint)
		ta_ferrs_add(errs, path, "FieldValueTooMany",
			     "Too many: %d: must have at most %d items", i, maxi->valueint);
}

static void
walk(const cJSON *s, cJSON *v, const char *path, struct ta_ferrs *errs,
     struct ta_ferrs *unknown, bool root)
{
	char val[512];
	if (cJSON_IsNull(v)) {
		if (!kw_true(s, "nullable") && cJSON_IsString(kw(s, "type")))
			ta_ferrs_add(errs, path, "FieldValueTypeInvalid",
				     "Invalid value: \"null\": %s in body must be of type %s: \"null\"",
				     path, kw(s, "type")->valuestring);
		return;
	}
	const cJSON *type = kw(s, "type");
	if (kw_true(s, "x-kubernetes-int-or-string")) {
		if (!cJSON_IsString(v) && !(cJSON_IsNumber(v) && !strcmp(type_of(v), "integer"))) {
			ta_ferrs_add(errs, path, "FieldValueTypeInvalid",
				     "Invalid value: %s: %s in body must be of type integer,string: \"%s\"",
				     ta_ferr_value(v, val, sizeof(val)), path, type_of(v));
			return;
		}
	} else if (cJSON_IsString(type) && !type_ok(type->valuestring, v)) {
		ta_ferrs_add(errs, path, "FieldValueTypeInvalid",
			     "Invalid value: %s: %s in body must be of type %s: \"%s\"",
			     ta_ferr_value(v, val, sizeof(val)), path, type->valuestring, type_of(v));
		return;
	}
	check_enum(s, v, path, errs);
	if (cJSON_IsObject(v))
		walk_object(s, v, path, errs, unknown, root);
	else if (cJSON_IsArray(v))
		walk_array(s, v, path, errs, unknown);
	else if (cJSON_IsNumber(v))
		check_number(s, v, path, errs);
	else if (cJSON_IsString(v))
		check_string(s, v, path, errs);
}

void
ta_schema_apply(const cJSON *schema, cJSON *obj, struct ta_ferrs *errs,
		struct ta_ferrs *unknown)
{
	if (!cJSON_IsObject(schema))
		return;
	walk(schema, obj, "", errs, unknown, true);
}
