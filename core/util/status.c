/* util/status.c - names and texts of enum fs_code */
#include "util/status.h"

const char *
fs_strerror(enum fs_code code)
{
	switch (code) {
#define FS_CODE_TEXT_(name, num, text)                                         \
	case name:                                                             \
		return text;
		FS_CODE_MAP(FS_CODE_TEXT_)
#undef FS_CODE_TEXT_
	}
	return "unknown error";
}

const char *
fs_code_name(enum fs_code code)
{
	switch (code) {
#define FS_CODE_NAME_(name, num, text)                                         \
	case name:                                                             \
		return #name;
		FS_CODE_MAP(FS_CODE_NAME_)
#undef FS_CODE_NAME_
	}
	return "FS_E_UNKNOWN";
}
