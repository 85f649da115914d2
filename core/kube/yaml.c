/*
 * kube/yaml.c - kubeconfig and CRD files as cJSON trees, through the
 * project's document loader (util/doc.h) so every YAML input follows the
 * same rules and reports problems the same way.
 */
#include "kube/yaml.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/doc.h"

cJSON *
fs_kube_yaml_parse(const char *text, size_t len, const char *name, char **err)
{
	struct fs_diags d = FS_DIAGS_INIT;
	struct fs_docset *ds = NULL;
	*err = NULL;
	if (fs_docset_load_mem(&ds, name ? name : "<input>", text, len, &d) != FS_OK) {
		*err = d.n ? fs_diag_format(&d.items[0]) : fs_xstrdup("cannot parse yaml");
		fs_diags_release(&d);
		return NULL;
	}
	fs_diags_release(&d);
	cJSON *docs = cJSON_CreateArray();
	for (size_t i = 0; i < fs_docset_count(ds); i++)
		cJSON_AddItemToArray(docs, cJSON_Duplicate(fs_docset_doc(ds, i), 1));
	fs_docset_free(ds);
	return docs;
}

char *
fs_kube_read_file(const char *path, size_t *len, char **err)
{
	struct fs_buf b = FS_BUF_INIT;
	*err = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		fs_buf_printf(&b, "%s: cannot open: %s", path, strerror(errno));
		*err = fs_buf_detach(&b);
		return NULL;
	}
	char chunk[16384];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > (64u << 20)) {
			fclose(f);
			fs_buf_release(&b);
			fs_buf_printf(&b, "%s: file larger than 64 MiB", path);
			*err = fs_buf_detach(&b);
			return NULL;
		}
		fs_buf_add(&b, chunk, n);
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		fs_buf_release(&b);
		fs_buf_printf(&b, "%s: read error", path);
		*err = fs_buf_detach(&b);
		return NULL;
	}
	if (len)
		*len = b.len;
	if (!b.cap)
		return fs_xstrdup("");
	return fs_buf_detach(&b);
}
