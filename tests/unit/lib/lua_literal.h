/*
 * lua_literal.h - JSON (cJSON) as Lua 5.1 source text, so a Lua test can
 * load fixtures with dofile() and no JSON decoder:
 *
 *   struct fs_buf b = FS_BUF_INIT;
 *   fs_buf_adds(&b, "return ");
 *   ll_value(&b, obj);             -> {["kind"]="MongoDB",["spec"]={...}}
 *
 * Objects become tables with string keys, arrays 1-based sequences, null
 * members are left out (as Karmada's JSON-to-Lua conversion leaves them
 * nil). Numbers keep their source text when the YAML reader recorded it
 * (util/doc.h), so 0.1 and large integers arrive as written.
 */
#ifndef FS_TEST_LUA_LITERAL_H
#define FS_TEST_LUA_LITERAL_H

#include <cjson/cJSON.h>

#include "util/buf.h"

/* append `s` as a quoted Lua string literal (every byte escaped safely) */
void ll_string(struct fs_buf *b, const char *s);
/* append `v` as a Lua expression; NULL or JSON null appends "nil" */
void ll_value(struct fs_buf *b, const cJSON *v);

#endif
