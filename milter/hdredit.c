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
