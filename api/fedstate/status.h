/*
 * fedstate/status.h - the one result code of FedState.
 *
 * Every function of the host and every plugin callback returns an
 * enum fs_code. The list is an X-macro so the names, the numbers and the
 * host's strerror() can never drift apart. Numbers are never reused or
 * renumbered: a retired code stays as FS_E_OBSOLETE<n>.
 *
 * Codes below 16 are verdicts of a scheduling callback, not errors:
 *   FS_OK              the cluster passes / the step succeeded
 *   FS_SKIP            the plugin has nothing to do for this binding; the host
 *                      does not call its filter (after pre_filter) or score
 *                      (after pre_score) for this cycle, and ignores it in
 *                      assign/bind
 *   FS_UNSCHEDULABLE   the cluster does not fit now; may change later
 *   FS_UNRESOLVABLE    the cluster can never fit this binding as it is
 *
 * One meaning per code. The loader's (core/plugin) are:
 *   FS_E_NOT_PLUGIN  the file is not a FedState plugin: not a shared
 *                    object, no fs_plugin_entry, the entry returned NULL,
 *                    bad magic (ABI 1.1; 1.0 hosts said FS_E_PARSE)
 *   FS_E_ABI         a FedState plugin this host cannot use: ABI version,
 *                    build signature, descriptor or table too small or
 *                    incomplete, capabilities not matching the callbacks
 *   FS_E_KIND        a valid plugin of the other kind (a middleware plugin
 *                    listed as a scheduling one) (ABI 1.1; was FS_E_ABI)
 *   FS_E_NAME        the file declares another name than the one it was
 *                    loaded by (ABI 1.1; was FS_E_ABI)
 * `fedstate plugins check` turns them into exit statuses (plugin-guide.md).
 */
#ifndef FEDSTATE_STATUS_H
#define FEDSTATE_STATUS_H

#define FS_CODE_MAP(X)                                                        \
	X(FS_OK, 0, "success")                                                 \
	X(FS_SKIP, 1, "skipped")                                               \
	X(FS_UNSCHEDULABLE, 2, "unschedulable")                                \
	X(FS_UNRESOLVABLE, 3, "unschedulable and unresolvable")                \
	X(FS_E_NOMEM, 16, "out of memory")                                     \
	X(FS_E_INVAL, 17, "invalid argument")                                  \
	X(FS_E_NOTFOUND, 18, "not found")                                      \
	X(FS_E_EXISTS, 19, "already exists")                                   \
	X(FS_E_IO, 20, "input/output error")                                   \
	X(FS_E_PARSE, 21, "parse error")                                       \
	X(FS_E_RANGE, 22, "value out of range")                                \
	X(FS_E_TIMEOUT, 23, "timed out")                                       \
	X(FS_E_NOTSUP, 24, "not supported")                                    \
	X(FS_E_CONFLICT, 25, "conflict")                                       \
	X(FS_E_GONE, 26, "resource version too old (gone)")                    \
	X(FS_E_PERM, 27, "permission denied")                                  \
	X(FS_E_AUTH, 28, "authentication failed")                              \
	X(FS_E_TLS, 29, "tls error")                                           \
	X(FS_E_NET, 30, "network error")                                       \
	X(FS_E_HTTP, 31, "unexpected http status")                             \
	X(FS_E_PROTO, 32, "protocol error")                                    \
	X(FS_E_ABI, 33, "incompatible plugin abi")                             \
	X(FS_E_PLUGIN, 34, "plugin error")                                     \
	X(FS_E_CONFIG, 35, "invalid configuration")                            \
	X(FS_E_CANCELED, 36, "canceled")                                       \
	X(FS_E_INTERNAL, 37, "internal error")                                 \
	X(FS_E_NOT_PLUGIN, 38, "not a fedstate plugin")                        \
	X(FS_E_KIND, 39, "wrong plugin kind")                                  \
	X(FS_E_NAME, 40, "plugin name mismatch")

enum fs_code {
#define FS_CODE_ENUM_(name, num, text) name = num,
	FS_CODE_MAP(FS_CODE_ENUM_)
#undef FS_CODE_ENUM_
};

/* true for FS_OK and FS_SKIP */
#define FS_SUCCEEDED(c) ((c) == FS_OK || (c) == FS_SKIP)
/* true for the error codes (>= 16) */
#define FS_IS_ERROR(c) ((int)(c) >= 16)

#endif
