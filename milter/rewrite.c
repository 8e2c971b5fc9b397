/*
 * rewrite.c: the delivered copy of a post: the header edits and body the list module computes,
 * applied to the MTA with all body pieces in one unbroken run.
 */
#include <stdlib.h>
#include <string.h>

#include "lmerr.h"
#include "pipeline_int.h"

/* libmilter splits replacement bodies into 64 KB packets itself; this only bounds our calls. */
#define REWRITE_CHUNK (64 * 1024)

void rewrite_init(struct rewrite *rw)
{
	memset(rw, 0, sizeof(*rw));
	buf_init(&rw->body, (size_t)1 << 30);
}

void rewrite_clear(struct rewrite *rw)
{
	size_t i;

	for (i = 0; i < rw->nh; i++) {
		free(rw->h[i].name);
		free(rw->h[i].value);
	}
	free(rw->h);
	buf_free(&rw->body);
	memset(rw, 0, sizeof(*rw));
}

int rewrite_header(struct rewrite *rw, char op, int idx, const char *name, const char *value)
{
	struct rw_edit *e;

	if (rw->nh == rw->hcap) {
		size_t cap = rw->hcap ? rw->hcap * 2 : 16;

		if ((e = realloc(rw->h, cap * sizeof(*e))) == NULL)
			return LM_ENOMEM;
		rw->h = e;
		rw->hcap = cap;
	}
	e = &rw->h[rw->nh];
	e->op = op;
	e->idx = idx;
	e->name = strdup(name);
	e->value = value ? strdup(value) : NULL;
	if (e->name == NULL || (value && e->value == NULL)) {
		free(e->name);
		free(e->value);
		return LM_ENOMEM;
	}
	rw->nh++;
	return LM_OK;
}

/* The top part's Content-* headers of the scrubbed message replace the post's. */
static int scrubbed_headers(GMimeObject *part, struct rewrite *rw)
{
	static const char *names[] = {"Content-Type", "Content-Transfer-Encoding",
	                              "Content-Disposition", "Content-Description"};
	size_t i;
	int rc = LM_OK;

	for (i = 0; i < sizeof(names) / sizeof(names[0]) && rc == LM_OK; i++) {
		const char *v = g_mime_object_get_header(part, names[i]);

		rc = rewrite_header(rw, 'c', 1, names[i], v);
	}
	return rc;
}

/* scrub_nondigest: the delivered body is the scrubbed message's (attachments -> notices). */
static int scrubbed_body(GMimeMessage *scrubbed, struct rewrite *rw)
{
	GMimeObject *part = g_mime_message_get_mime_part(scrubbed);
	GMimeFormatOptions *fo = g_mime_format_options_new();
	GMimeStream *st = g_mime_stream_mem_new();
	GByteArray *ba;
	const char *p, *sep;
	int rc = LM_EIO;

	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	if (part == NULL || g_mime_object_write_to_stream(part, fo, st) < 0)
		goto out;
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(st));
	p = (const char *)ba->data;
	sep = memmem(p, ba->len, "\r\n\r\n", 4);
	if (sep == NULL)
		goto out;
	sep += 4;
	rc = buf_append(&rw->body, sep, ba->len - (size_t)(sep - p));
	if (rc == LM_OK)
		rc = scrubbed_headers(part, rw);
	rw->body_set = rc == LM_OK;
out:
	g_object_unref(st);
	g_mime_format_options_free(fo);
	return rc;
}

int pipeline_rewrite(struct msgctx *m, const struct list *l, GMimeMessage *msg,
                     const struct scrub_result *r, struct rewrite *rw)
{
	(void)m;
	(void)msg;
	/* CookHeaders and Decorate (include/cookheaders.h, include/decorate.h) plug in here. */
	if (r != NULL && r->scrubbed != NULL && list_get_bool(l, "scrub_nondigest"))
		return scrubbed_body(r->scrubbed, rw);
	return LM_OK;
}

int rewrite_apply(const struct rewrite *rw, struct mta *mta)
{
	size_t i, off;
	int rc = LM_OK;

	for (i = 0; i < rw->nh && rc == LM_OK; i++) {
		const struct rw_edit *e = &rw->h[i];

		if (e->op == 'a')
			rc = mta_addheader(mta, e->name, e->value);
		else if (e->op == 'i')
			rc = mta_insheader(mta, e->idx, e->name, e->value);
		else
			rc = mta_chgheader(mta, e->name, e->idx, e->value);
	}
	for (off = 0; rc == LM_OK && rw->body_set && off < rw->body.len; off += REWRITE_CHUNK) {
		size_t n = rw->body.len - off < REWRITE_CHUNK ? rw->body.len - off : REWRITE_CHUNK;

		rc = mta_replacebody(mta, rw->body.data + off, n);
	}
	if (rc == LM_OK && rw->body_set && rw->body.len == 0)
		rc = mta_replacebody(mta, "", 0);
	return rc;
}
