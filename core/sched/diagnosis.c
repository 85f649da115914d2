/* sched/diagnosis.c - Karmada's FitError text and per-cluster verdict lines */
#include "sched/diagnosis.h"

#include <stdlib.h>
#include <string.h>

struct bucket {
	const char *reason;
	uint32_t count;
	char *text; /* "<count> <reason>" */
};

static int
by_text(const void *a, const void *b)
{
	return strcmp(((const struct bucket *)a)->text, ((const struct bucket *)b)->text);
}

static const char *
reason_of(const struct fs_verdict *v)
{
	if (v->code == FS_SKIP)
		return FS_DIAG_DELETING;
	return v->reason && *v->reason ? v->reason : FS_DIAG_NO_REASON;
}

void
fs_diagnosis_fit_error(struct fs_buf *out, uint32_t n_all,
		       const struct fs_verdict *v, uint32_t n)
{
	fs_buf_printf(out, "0/%u clusters are available: ", n_all);
	if (n_all == 0) {
		fs_buf_adds(out, "no cluster exists.");
		return;
	}
	/* failure path only: a small quadratic grouping is fine */
	struct bucket *b = fs_xcalloc(n ? n : 1, sizeof *b);
	uint32_t nb = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (v[i].code == FS_OK)
			continue;
		const char *r = reason_of(&v[i]);
		uint32_t j = 0;
		while (j < nb && b[j].reason != r && strcmp(b[j].reason, r) != 0)
			j++;
		if (j == nb)
			b[nb++] = (struct bucket){r, 0, NULL};
		b[j].count++;
	}
	for (uint32_t j = 0; j < nb; j++) {
		struct fs_buf t = FS_BUF_INIT;
		fs_buf_printf(&t, "%u %s", b[j].count, b[j].reason);
		b[j].text = fs_buf_detach(&t);
	}
	qsort(b, nb, sizeof *b, by_text);
	for (uint32_t j = 0; j < nb; j++) {
		fs_buf_printf(out, "%s%s", j ? ", " : "", b[j].text);
		free(b[j].text);
	}
	fs_buf_addc(out, '.');
	free(b);
}

void
fs_diagnosis_verdict(struct fs_buf *out, const struct fs_verdict *v)
{
	switch (v->code) {
	case FS_OK:
		fs_buf_adds(out, "passed");
		break;
	case FS_SKIP:
		fs_buf_adds(out, "not a candidate: being deleted");
		break;
	default:
		fs_buf_printf(out, "filtered by %s: %s", v->plugin ? v->plugin : "?",
			      reason_of(v));
		if (v->code == FS_UNRESOLVABLE)
			fs_buf_adds(out, " (unresolvable)");
		break;
	}
}
