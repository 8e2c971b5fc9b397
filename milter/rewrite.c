/*
 * rewrite.c: the delivered copy of a post: CookHeaders' and Decorate's header edits and body,
 * applied to the archived copy where Mailman does, and to the MTA with the body in one run.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lmerr.h"
#include "pipeline_int.h"
#include "pyhdr.h"

/* libmilter splits replacement bodies into 64 KB packets itself; this only bounds our calls. */
#define REWRITE_CHUNK (64 * 1024)

void rewrite_init(struct rewrite *rw)
{
	memset(rw, 0, sizeof(*rw));
	hdr_edits_init(&rw->e);
	buf_init(&rw->body, (size_t)1 << 30);
}

void rewrite_clear(struct rewrite *rw)
{
	hdr_edits_free(&rw->e);
	buf_free(&rw->body);
	rw->body_set = false;
}

/* The poster's registered name, as CookHeaders' From munging asks getMemberName() when the
 * From has no display name: the one From address, else the envelope sender. */
static int member_name(struct msgctx *m, const struct list *l, const struct hdr_list *h,
                       struct member *mem)
{
	size_t n = hdr_list_count(h, "From"), good = 0, nfa = 0, i;
	const char **vals = calloc(n + 1, sizeof(*vals));
	const char *env = m->envfrom ? m->envfrom + (*m->envfrom == '<') : "";
	struct pyhdr_addr *fa = NULL;
	char *addr = NULL;
	int rc;

	if (vals == NULL)
		return LM_ENOMEM;
	for (i = 0; i < n; i++)
		vals[i] = hdr_list_get(h, "From", i);
	rc = pyhdr_getaddresses(vals, n, &fa, &nfa);
	for (i = 0; rc == LM_OK && i < nfa; i++)
		if (strchr(fa[i].addr, '@') && fa[i].addr[0] != '@' && good++ == 0)
			addr = strdup(fa[i].addr);
	if (rc == LM_OK && good != 1) {
		free(addr);
		addr = strndup(env, strcspn(env, ">"));
	}
	if (rc == LM_OK && addr == NULL)
		rc = LM_ENOMEM;
	if (rc == LM_OK)
		rc = members_get(m->rt->env, list_name(l), addr, mem);
	pyhdr_addrs_free(fa, nfa);
	free(vals);
	free(addr);
	return rc;
}

int rewrite_cook(struct msgctx *m, const struct list *l, unsigned long post_id, struct rewrite *rw)
{
	struct hdr_list h = {m->hdrs, m->nhdrs};
	struct member mem = {0};
	struct cook_settings cs;
	struct buf store;
	int rc;

	buf_init(&store, 0);
	rc = cook_settings_from_list(l, &cs, &store);
	if (rc == LM_OK && cs.from_is_list) {
		rc = member_name(m, l, &h, &mem);
		rc = rc == LM_ENOENT ? LM_OK : rc;
	}
	if (rc == LM_OK) {
		cs.post_id = post_id;
		rw->post_id = post_id;
		rw->wrap = cs.from_is_list == 2;
		rc = cook_headers(&cs, &h, m->envfrom, mem.real_name, m->qid, &rw->e);
	}
	member_clear(&mem);
	buf_free(&store);
	return rc;
}

int rewrite_delivery_headers(const struct list *l, const struct hdr_list *h, struct hdr_edits *e)
{
	struct cook_settings cs;
	struct buf store, bounces;
	int rc;

	buf_init(&store, 0);
	buf_init(&bounces, 1024);
	rc = cook_settings_from_list(l, &cs, &store);
	if (rc == LM_OK)
		rc = buf_printf(&bounces, "%s-bounces@%s", list_name(l), list_domain(l));
	if (rc == LM_OK)
		rc = cook_delivery_headers(&cs, h, buf_cstr(&bounces), e);
	buf_free(&store);
	buf_free(&bounces);
	return rc;
}

/* The GMime index of the idx-th (1-based) field called name, or -1. */
static int gm_find(GMimeHeaderList *hl, const char *name, unsigned idx)
{
	int i, n = g_mime_header_list_get_count(hl);

	for (i = 0; i < n; i++)
		if (strcasecmp(g_mime_header_get_name(g_mime_header_list_get_header_at(hl, i)),
		               name) == 0 &&
		    --idx == 0)
			return i;
	return -1;
}

static int gm_set_raw(GMimeHeader *h, const char *value)
{
	char *raw = g_strdup_printf(" %s\n", value);

	if (raw == NULL)
		return LM_ENOMEM;
	g_mime_header_set_raw_value(h, raw);
	g_free(raw);
	return LM_OK;
}

int rewrite_archived(const struct rewrite *rw, GMimeMessage *msg)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	size_t i;
	int at, rc = LM_OK;

	for (i = 0; i < rw->e.n && rc == LM_OK; i++) {
		const struct hdr_edit *e = &rw->e.v[i];

		if (e->delivery_only)
			continue;
		if (e->op == HDR_ADD) {
			g_mime_header_list_append(hl, e->name, "", NULL);
			at = g_mime_header_list_get_count(hl) - 1;
		} else {
			at = gm_find(hl, e->name, e->idx);
		}
		if (at >= 0 && e->op == HDR_DELETE)
			g_mime_header_list_remove_at(hl, at);
		else if (at >= 0)
			rc = gm_set_raw(g_mime_header_list_get_header_at(hl, at), e->value);
	}
	return rc;
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

		rc = hdr_edits_push(&rw->e, v ? HDR_CHANGE : HDR_DELETE, names[i], 1, v, true);
	}
	return rc;
}

/* The post's header fields with the top part's Content-* taken from the scrubbed message,
 * which is what Decorate must see when it decorates the scrubbed body. */
static struct hdr_field *scrubbed_fields(const struct msgctx *m, GMimeObject *part, size_t *n)
{
	static const char *names[] = {"Content-Type", "Content-Transfer-Encoding",
	                              "Content-Disposition"};
	struct hdr_field *f = calloc(m->nhdrs + 3, sizeof(*f));
	size_t i, k = 0;

	if (f == NULL)
		return NULL;
	for (i = 0; i < m->nhdrs; i++)
		if (strncasecmp(m->hdrs[i].name, "Content-", 8) != 0)
			f[k++] = m->hdrs[i];
	for (i = 0; i < 3; i++) {
		const char *v = g_mime_object_get_header(part, names[i]);

		if (v != NULL)
			f[k++] = (struct hdr_field){names[i], v};
	}
	*n = k;
	return f;
}

/* The scrubbed message's top part as bytes: its body after the blank line. */
static int scrubbed_bytes(GMimeObject *part, struct buf *out)
{
	GMimeFormatOptions *fo = g_mime_format_options_new();
	GMimeStream *st = g_mime_stream_mem_new();
	GByteArray *ba;
	const char *p, *sep;
	int rc = LM_EIO;

	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	if (g_mime_object_write_to_stream(part, fo, st) >= 0) {
		ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(st));
		p = (const char *)ba->data;
		sep = ba->len ? memmem(p, ba->len, "\r\n\r\n", 4) : NULL;
		if (sep != NULL)
			rc = buf_append(out, sep + 4, ba->len - (size_t)(sep + 4 - p));
	}
	g_object_unref(st);
	g_mime_format_options_free(fo);
	return rc;
}

/* Decorate's msg_header/msg_footer on the body (as received, or the scrubbed message's for
 * scrub_nondigest: Mailman scrubs before it decorates), then SMTPDirect's Errors-To and
 * Sender, in Mailman's order. */
static int decorated(struct msgctx *m, const struct list *l, const struct hdr_list *h,
                     const struct buf *body, bool scrubbed, struct rewrite *rw)
{
	struct hdr_list orig = {m->hdrs, m->nhdrs};
	struct decorate_settings ds;
	int rc;

	rc = decorate_settings_from_list(l, &ds);
	if (rc == LM_OK)
		rc = decorate_body(&ds, h, body->data ? body->data : "", body->len, m->qid,
		                   &rw->body, &rw->e);
	if (rc == LM_ENOENT && scrubbed) /* no header or footer: the scrubbed body as it is */
		rc = buf_append(&rw->body, body->data, body->len);
	else if (rc == LM_ENOENT) /* no header and no footer: the body stays as it is */
		return rewrite_delivery_headers(l, &orig, &rw->e);
	rw->body_set = rc == LM_OK;
	return rc ? rc : rewrite_delivery_headers(l, &orig, &rw->e);
}

int pipeline_rewrite(struct msgctx *m, const struct list *l, const struct scrub_result *r,
                     struct rewrite *rw)
{
	struct hdr_list h = {m->hdrs, m->nhdrs};
	GMimeObject *part = NULL;
	struct hdr_field *f = NULL;
	struct buf body;
	int rc;

	if (r != NULL && r->scrubbed != NULL && list_get_bool(l, "scrub_nondigest") &&
	    (part = g_mime_message_get_mime_part(r->scrubbed)) == NULL)
		return LM_EIO;
	/* the scrubber made up a Message-ID: the members get it too (inside a wrapper) */
	if (r != NULL && r->generated_msgid && r->message_id != NULL &&
	    (rc = hdr_edits_push(&rw->e, HDR_ADD, "Message-ID", 0, r->message_id, !rw->wrap)))
		return rc;
	buf_init(&body, m->rt->cfg->max_message_size + 1);
	if (part != NULL) {
		rc = scrubbed_bytes(part, &body);
		if (rc == LM_OK && (f = scrubbed_fields(m, part, &h.n)) == NULL)
			rc = LM_ENOMEM;
		h.v = f;
		if (rc == LM_OK && !rw->wrap) /* a wrapper carries the scrubbed fields inside */
			rc = scrubbed_headers(part, rw);
	} else {
		rc = spool_read(&m->spool, m->body_offset, &body);
	}
	if (rc == LM_OK)
		rc = rw->wrap ? rewrite_wrap(m, l, &h, &body, rw)
		              : decorated(m, l, &h, &body, part != NULL, rw);
	free(f);
	buf_free(&body);
	return rc;
}

int rewrite_apply(const struct rewrite *rw, struct mta *mta)
{
	size_t i, off;
	int rc = LM_OK;

	for (i = 0; i < rw->e.n && rc == LM_OK; i++) {
		const struct hdr_edit *e = &rw->e.v[i];

		if (e->op == HDR_ADD)
			rc = mta_addheader(mta, e->name, e->value);
		else
			rc = mta_chgheader(mta, e->name, (int)e->idx,
			                   e->op == HDR_DELETE ? NULL : e->value);
	}
	for (off = 0; rc == LM_OK && rw->body_set && off < rw->body.len; off += REWRITE_CHUNK) {
		size_t n = rw->body.len - off < REWRITE_CHUNK ? rw->body.len - off : REWRITE_CHUNK;

		rc = mta_replacebody(mta, rw->body.data + off, n);
	}
	if (rc == LM_OK && rw->body_set && rw->body.len == 0)
		rc = mta_replacebody(mta, "", 0);
	return rc;
}
