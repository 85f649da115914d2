/*
 * fuzz_watch - the watch stream framer and event decoder on hostile
 * bytes. The first byte picks a chunk size, so the same stream is also
 * cut at many different places. Needs core/kube/watch.c, status.c and
 * core/util/buf.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kube/watch.h"

static enum fs_code
on_line(void *ud, char *line, size_t len)
{
	(void)ud;
	struct fs_kube_event ev;
	char *err = NULL;
	if (fs_kube_event_decode(line, len, &ev, &err) == FS_OK)
		fs_kube_event_release(&ev);
	free(err);
	return FS_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t chunk = (size_t)data[0] + 1;
	data++;
	size--;
	struct fs_kube_framer f;
	fs_kube_framer_init(&f, 4096);
	for (size_t off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;
		if (fs_kube_framer_feed(&f, data + off, n, on_line, NULL) != FS_OK)
			break;
	}
	fs_kube_framer_release(&f);
	return 0;
}
