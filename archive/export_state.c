/*
 * export_state.c: the per-period record of an export (DIR/.export-state/<period>): a text
 * file "listctl-export 1 <fingerprint>" then "seq prev next" lines. Articles never change once
 * archived, so a page needs rendering only when it is new or its thread neighbours moved.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "buf.h"
#include "export_state.h"
#include "lmerr.h"

#define NONE32         UINT32_MAX
#define RENDER_VERSION "pipermail-2.1.39/1"

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (h ^ 0xff) * 1099511628211ull;
}

uint64_t export_state_fingerprint(const struct export_list *l, const char *tz)
{
	uint64_t h = 14695981039346656037ull;

	h = fnv(h, RENDER_VERSION), h = fnv(h, l->name), h = fnv(h, l->real_name);
	h = fnv(h, l->address), h = fnv(h, l->listinfo), h = fnv(h, l->subject_prefix);
	h = fnv(h, l->charset), h = fnv(h, l->obscure ? "1" : "0");
	h = fnv(h, l->old_prevnext ? "1" : "0");
	h = fnv(h, tz ? tz : "");
	return h;
}

int export_state_load(const char *path, struct export_state *st)
{
	char *data = NULL, *p, *end;
	size_t len, cap, lines = 0;
	unsigned long long v[3];
	int k;

	memset(st, 0, sizeof(*st));
	if (atomicfile_read(path, (size_t)1 << 28, &data, &len) != LM_OK)
		return LM_OK;
	if (sscanf(data, "listctl-export 1 %" SCNx64, &st->fingerprint) != 1)
		goto bad;
	for (p = data; *p; p++)
		lines += *p == '\n';
	cap = lines ? lines : 1;
	if ((st->rows = malloc(cap * 3 * sizeof(*st->rows))) == NULL) {
		free(data);
		return LM_ENOMEM;
	}
	p = strchr(data, '\n');
	while (p && *++p) {
		for (k = 0; k < 3; k++) {
			v[k] = strtoull(p, &end, 10);
			if (end == p || v[k] > NONE32 || st->n >= cap)
				goto bad;
			p = end;
		}
		if (st->n > 0 && v[0] <= st->rows[(st->n - 1) * 3])
			goto bad; /* rows are in seq order, each once */
		for (k = 0; k < 3; k++)
			st->rows[st->n * 3 + (size_t)k] = (uint32_t)v[k];
		st->n++;
		p = strchr(p, '\n');
	}
	free(data);
	return LM_OK;
bad:
	free(data);
	export_state_free(st);
	return LM_OK;
}

static uint32_t seq_at(const struct export_view *v, size_t k)
{
	return k < v->p->n ? v->p->arts[v->thread[k]].seq : NONE32;
}

bool export_state_stale(const struct export_state *st, uint64_t fingerprint,
                        const struct export_view *v, size_t i)
{
	size_t lo = 0, hi = st->n, mid, k = v->it[i].tpos;
	uint32_t seq = v->p->arts[i].seq;

	if (st->rows == NULL || st->fingerprint != fingerprint)
		return true;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (st->rows[mid * 3] < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == st->n || st->rows[lo * 3] != seq)
		return true;
	return st->rows[lo * 3 + 1] != (k > 0 ? seq_at(v, k - 1) : NONE32) ||
	       st->rows[lo * 3 + 2] != seq_at(v, k + 1);
}

int export_state_save(const char *path, uint64_t fingerprint, const struct export_view *v)
{
	struct buf b;
	size_t i, k;
	int rc;

	buf_init(&b, (size_t)1 << 28);
	rc = buf_printf(&b, "listctl-export 1 %" PRIx64 "\n", fingerprint);
	for (i = 0; rc == LM_OK && i < v->p->n; i++) {
		k = v->it[i].tpos;
		rc = buf_printf(&b, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", v->p->arts[i].seq,
		                k > 0 ? seq_at(v, k - 1) : NONE32, seq_at(v, k + 1));
	}
	if (rc == LM_OK)
		rc = atomicfile_write(path, b.data, b.len, 0644, 0, NULL);
	buf_free(&b);
	return rc;
}

void export_state_free(struct export_state *st)
{
	free(st->rows);
	memset(st, 0, sizeof(*st));
}
