/*
 * hdredit.c: header views and the ordered header-edit list the milter replays with smfi_* calls.
 * Every value is checked here, so no edit can smuggle a bare CR/LF or a blank line into a header.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hdredit.h"
#include "lmerr.h"

void hdr_edits_init(struct hdr_edits *e)
{
	e->v = NULL;
	e->n = 0;
	e->cap = 0;
}

void hdr_edits_free(struct hdr_edits *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].name);
		free(e->v[i].value);
	}
	free(e->v);
	hdr_edits_init(e);
}

void hdr_edits_truncate(struct hdr_edits *e, size_t n)
{
	while (e->n > n) {
		e->n--;
		free(e->v[e->n].name);
		free(e->v[e->n].value);
	}
}

static bool name_ok(const char *name)
{
	if (name == NULL || *name == '\0')
		return false;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 127 || *p == ':')
			return false;
	return true;
}

/* A continuation line must start with SP/HTAB and carry something visible, otherwise an MTA
 * may take it for the end of the header block. */
static bool continuation_ok(const char *p)
{
	if (*p != ' ' && *p != '\t')
		return false;
	for (; *p && *p != '\r' && *p != '\n'; p++)
		if (*p != ' ' && *p != '\t')
			return true;
	return false;
}

bool hdr_value_safe(const char *value)
{
	for (const char *p = value; *p; p++) {
		if (*p == '\r' && p[1] != '\n')
			return false;
		if (*p == '\n' && !continuation_ok(p + 1))
			return false;
	}
	return true;
}

int hdr_edits_push(struct hdr_edits *e, enum hdr_op op, const char *name, unsigned idx,
                   const char *value, bool delivery_only)
{
	struct hdr_edit *ne;

	if (!name_ok(name) || (op != HDR_DELETE && (value == NULL || !hdr_value_safe(value))))
		return LM_EINVAL;
	if (e->n == e->cap) {
		size_t ncap = e->cap ? e->cap * 2 : 16;
		struct hdr_edit *nv = realloc(e->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return LM_ENOMEM;
		e->v = nv;
		e->cap = ncap;
	}
	ne = &e->v[e->n];
	ne->op = op;
	ne->idx = idx;
	ne->delivery_only = delivery_only;
	ne->name = strdup(name);
	ne->value = op == HDR_DELETE ? NULL : strdup(value);
	if (ne->name == NULL || (op != HDR_DELETE && ne->value == NULL)) {
		free(ne->name);
		free(ne->value);
		return LM_ENOMEM;
	}
	e->n++;
	return LM_OK;
}

int hdr_edits_replace(struct hdr_edits *e, const struct hdr_list *h, const char *name,
                      const char *value, bool delivery_only)
{
	int rc;

	for (size_t i = hdr_list_count(h, name); i > 0; i--)
		if ((rc = hdr_edits_push(e, HDR_DELETE, name, (unsigned)i, NULL, delivery_only)))
			return rc;
	if (value == NULL)
		return LM_OK;
	return hdr_edits_push(e, HDR_ADD, name, 0, value, delivery_only);
}

size_t hdr_list_count(const struct hdr_list *h, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; h != NULL && i < h->n; i++)
		if (strcasecmp(h->v[i].name, name) == 0)
			n++;
	return n;
}

const char *hdr_list_get(const struct hdr_list *h, const char *name, size_t n)
{
	for (size_t i = 0; h != NULL && i < h->n; i++) {
		if (strcasecmp(h->v[i].name, name) != 0)
			continue;
		if (n-- == 0) {
			const char *v = h->v[i].value ? h->v[i].value : "";
			while (*v == ' ' || *v == '\t')
				v++;
			return v;
		}
	}
	return NULL;
}

/* A working copy of the header list while edits are replayed. */
struct hrow {
	const char *name;
	const char *value;
};

static size_t find_nth(const struct hrow *r, size_t n, const char *name, unsigned idx)
{
	unsigned seen = 0;

	for (size_t i = 0; i < n; i++)
		if (strcasecmp(r[i].name, name) == 0 && ++seen == idx)
			return i;
	return n;
}

static int put_value(const char *v, bool crlf, struct buf *out)
{
	int rc = LM_OK;

	for (; *v && rc == LM_OK; v++) {
		if (*v == '\r' && v[1] == '\n')
			continue;
		rc = *v == '\n' && crlf ? buf_puts(out, "\r\n") : buf_putc(out, *v);
	}
	return rc;
}

int hdr_edits_render(const struct hdr_list *h, const struct hdr_edits *e, bool with_delivery,
                     bool crlf, struct buf *out)
{
	size_t n = h ? h->n : 0, cap = n + e->n + 1;
	struct hrow *r = calloc(cap, sizeof(*r));
	int rc = LM_OK;

	if (r == NULL)
		return LM_ENOMEM;
	for (size_t i = 0; i < n; i++)
		r[i] = (struct hrow){h->v[i].name, h->v[i].value ? h->v[i].value : ""};
	for (size_t k = 0; k < e->n; k++) {
		const struct hdr_edit *ed = &e->v[k];
		size_t at = ed->op == HDR_ADD ? n : find_nth(r, n, ed->name, ed->idx);
		if (ed->delivery_only && !with_delivery)
			continue;
		if (ed->op == HDR_DELETE && at < n) {
			memmove(r + at, r + at + 1, (n - at - 1) * sizeof(*r));
			n--;
		} else if (ed->op != HDR_DELETE && at < n) {
			r[at].value = ed->value;
		} else if (ed->op != HDR_DELETE) {
			r[n++] = (struct hrow){ed->name, ed->value};
		}
	}
	for (size_t i = 0; i < n && rc == LM_OK; i++) {
		const char *v = r[i].value;
		rc = buf_printf(out, "%s: ", r[i].name);
		rc = rc ? rc : put_value(v + strspn(v, " \t"), crlf, out);
		rc = rc ? rc : buf_puts(out, crlf ? "\r\n" : "\n");
	}
	free(r);
	return rc;
}
