/*
 * plugin/check.c - is a mapped descriptor a plugin this host can use?
 * Magic, ABI, sizes, build, required fields, the ops table of its kind and
 * its capabilities, in that order (see loader.c for the whole sequence).
 */
#include <stddef.h>
#include <string.h>

#include "plugin/loader.h"
#include "plugin/loader_int.h"

/* The minor this host accepts up to. A test builds this file a second
 * time with -DFS_ABI_MINOR_OVERRIDE=0 to be a 1.0 host (test_abi_host10):
 * the same checks, an older ABI. */
#ifdef FS_ABI_MINOR_OVERRIDE
#define HOST_ABI_MINOR FS_ABI_MINOR_OVERRIDE
#else
#define HOST_ABI_MINOR FS_ABI_MINOR
#endif

/* the ABI 1.0 sizes: anything smaller cannot be a 1.x plugin */
#define DESC_MIN_SIZE                                                          \
	(offsetof(struct fs_plugin_desc, host_slot) + sizeof(void *))
#define SCHED_MIN_SIZE (offsetof(struct fs_sched_ops, bind) + sizeof(void *))
#define MW_MIN_SIZE                                                            \
	(offsetof(struct fs_mw_ops, interpret_health) + sizeof(void *))

/* Copy the plugin's ops table `src` (struct_size `size`; descriptor field
 * `field`, of plugin kind `kind`) into the host's zeroed `dst`:
 * min(size, dst_size) bytes, so slots an older minor lacks stay NULL. */
static enum fs_code
copy_table(void *dst, size_t dst_size, const void *src, uint32_t size,
	   size_t min_size, const char *field, const char *kind,
	   const char *label, const char *path, char *err, size_t errlen)
{
	if (!src)
		return fs_plugin_fail(err, errlen, FS_E_ABI, label, path,
				      "descriptor field '%s' is missing (kind %s)", field, kind);
	if (size < min_size)
		return fs_plugin_fail(err, errlen, FS_E_ABI, label, path,
				      "%s table too small: %u bytes (ABI %u.0 minimum is %zu)",
				      field, size, FS_ABI_MAJOR, min_size);
	memcpy(dst, src, size < dst_size ? size : dst_size);
	return FS_OK;
}

static enum fs_code
check_ops(struct fs_loaded_plugin *lp, const char *label, const char *path,
	  char *err, size_t errlen)
{
	const struct fs_plugin_desc *d = &lp->desc;
	uint32_t have = 0;
	memset(&lp->sched, 0, sizeof lp->sched);
	memset(&lp->mw, 0, sizeof lp->mw);
	if (d->kind == FS_PLUGIN_SCHED) {
		enum fs_code rc = copy_table(&lp->sched, sizeof lp->sched, d->sched,
					     d->sched ? d->sched->struct_size : 0,
					     SCHED_MIN_SIZE, "sched", "scheduling",
					     label, path, err, errlen);
		if (rc != FS_OK)
			return rc;
		const struct fs_sched_ops *o = &lp->sched;
		have = (o->pre_filter ? FS_CAP_PRE_FILTER : 0) | (o->filter ? FS_CAP_FILTER : 0) |
		       (o->pre_score ? FS_CAP_PRE_SCORE : 0) | (o->score ? FS_CAP_SCORE : 0) |
		       (o->normalize ? FS_CAP_NORMALIZE : 0) | (o->assign ? FS_CAP_ASSIGN : 0) |
		       (o->bind ? FS_CAP_BIND : 0);
	} else if (d->kind == FS_PLUGIN_MIDDLEWARE) {
		enum fs_code rc = copy_table(&lp->mw, sizeof lp->mw, d->mw,
					     d->mw ? d->mw->struct_size : 0,
					     MW_MIN_SIZE, "mw", "middleware", label,
					     path, err, errlen);
		if (rc != FS_OK)
			return rc;
		const struct fs_mw_ops *o = &lp->mw;
		if (!o->group || !o->version || !o->kind || !*o->version || !*o->kind)
			return fs_plugin_fail(err, errlen, FS_E_ABI, label, path,
					      "mw table field '%s' is missing",
					      !o->group ? "group" : (!o->version || !*o->version) ? "version" : "kind");
		have = (o->interpret ? FS_CAP_INTERPRET : 0) | (o->render ? FS_CAP_RENDER : 0) |
		       (o->aggregate_status ? FS_CAP_AGGREGATE_STATUS : 0) |
		       (o->interpret_health ? FS_CAP_INTERPRET_HEALTH : 0);
	} else {
		return fs_plugin_fail(err, errlen, FS_E_ABI, label, path,
				      "unknown kind %u (expected %u scheduling or %u middleware)",
				      d->kind, FS_PLUGIN_SCHED, FS_PLUGIN_MIDDLEWARE);
	}
	char a[160], b[160];
	uint32_t missing = d->caps & ~have, undeclared = have & ~d->caps;
	if (missing)
		return fs_plugin_fail(err, errlen, FS_E_ABI, label, path,
				      "capability '%s' declared but its callback is missing",
				      fs_plugin_caps_string(missing, a, sizeof a));
	if (undeclared)
		return fs_plugin_fail(err, errlen, FS_E_ABI, label, path,
				      "callback '%s' implemented but its capability is not "
				      "declared in caps",
				      fs_plugin_caps_string(undeclared, b, sizeof b));
	return FS_OK;
}

enum fs_code
fs_plugin_check_desc(struct fs_loaded_plugin *lp, const struct fs_plugin_desc *d,
	   const char *label, const char *path, char *err, size_t errlen)
{
	if (d->magic != FS_PLUGIN_MAGIC)
		return fs_plugin_fail(err, errlen, FS_E_NOT_PLUGIN, label, path,
				      "bad magic 0x%08x (expected 0x%08x)", d->magic,
				      FS_PLUGIN_MAGIC);
	if (d->abi_major != FS_ABI_MAJOR)
		return fs_plugin_fail(err, errlen, FS_E_ABI, label, path,
				      "incompatible ABI: plugin built for %u.%u, host "
				      "supports %u.0-%u.%u\n  hint: rebuild against the "
				      "fedstate-plugin %u.x headers (pkg-config --variable=abi "
				      "fedstate-plugin)",
				      d->abi_major, d->abi_minor, FS_ABI_MAJOR, FS_ABI_MAJOR,
				      HOST_ABI_MINOR, FS_ABI_MAJOR);
	if (d->abi_minor > HOST_ABI_MINOR)
		return fs_plugin_fail(err, errlen, FS_E_ABI, label, path,
				      "incompatible ABI: plugin built for %u.%u, host "
				      "supports %u.0-%u.%u\n  hint: upgrade fedstate to a "
				      "release with ABI %u.%u, or rebuild the plugin against "
				      "this host's headers (pkg-config --variable=abi "
				      "fedstate-plugin prints %u.%u) or for an older host "
				      "with -DFS_PLUGIN_ABI_MINOR=%u",
				      d->abi_major, d->abi_minor, FS_ABI_MAJOR, FS_ABI_MAJOR,
				      HOST_ABI_MINOR, d->abi_major, d->abi_minor, FS_ABI_MAJOR,
				      HOST_ABI_MINOR, HOST_ABI_MINOR);
	if (d->struct_size < DESC_MIN_SIZE)
		return fs_plugin_fail(err, errlen, FS_E_ABI, label, path,
				      "descriptor too small: %u bytes (ABI %u.0 minimum is %zu)",
				      d->struct_size, FS_ABI_MAJOR, (size_t)DESC_MIN_SIZE);
	memset(&lp->desc, 0, sizeof lp->desc);
	memcpy(&lp->desc, d, d->struct_size < sizeof lp->desc ? d->struct_size : sizeof lp->desc);
	d = &lp->desc;
	/* from here on the descriptor is known to be ours: name it by its name */
	if (d->name && fs_plugin_name_valid(d->name))
		label = d->name;
	if (!d->build || strcmp(d->build, FS_BUILD_SIG) != 0)
		return fs_plugin_fail(err, errlen, FS_E_ABI, label, path,
				      "incompatible build: plugin '%s', host '%s'",
				      d->build ? d->build : "(none)", FS_BUILD_SIG);
	static const char *const required[] = {"name", "version", "description"};
	const char *values[] = {d->name, d->version, d->description};
	for (size_t i = 0; i < 3; i++)
		if (!values[i] || !*values[i])
			return fs_plugin_fail(err, errlen, FS_E_ABI, label, path,
					      "descriptor field '%s' is missing", required[i]);
	if (!fs_plugin_name_valid(d->name))
		return fs_plugin_fail(err, errlen, FS_E_ABI, label, path,
				      "descriptor field 'name' is invalid: '%s' (expected "
				      "lowercase letters, digits and '-', at most 63)", d->name);
	if (!d->host_slot)
		return fs_plugin_fail(err, errlen, FS_E_ABI, label, path,
				      "descriptor field 'host_slot' is missing\n  hint: "
				      "define the descriptor with FS_PLUGIN_DEFINE");
	return check_ops(lp, label, path, err, errlen);
}
