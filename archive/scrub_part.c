/*
 * scrub_part.c: the per-part rules of spec 6.3 (Mailman's Scrubber.process loop body): keep
 * text/plain inline, store HTML, embedded messages and everything else, and add the notices.
 */
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "lmerr.h"
#include "scrub_int.h"

static const char *part_charset(GMimeObject *obj)
{
	const char *cs = g_mime_object_get_content_type_parameter(obj, "charset");

	return cs && *cs ? cs : NULL;
}

/* The raw (still encoded) payload is empty: Mailman's "not part.get_payload()". */
static bool part_empty(GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *s = w ? g_mime_data_wrapper_get_stream(w) : NULL;

	return !s || g_mime_stream_length(s) <= 0;
}

static int part_header(GMimeObject *obj, const char *name, const char *dflt, bool decode,
                       const char *lcset, struct buf *out)
{
	const char *v = g_mime_object_get_header(obj, name);

	if (!v)
		return buf_puts(out, dflt);
	return decode ? text_oneline(v, lcset, out) : text_oneline_utf8(v, "utf-8", out);
}

/* The file name decoded (RFC 2047/2231) on one line: a name can never add a notice line. */
static int part_name(struct scrub_ctx *c, GMimeObject *obj, struct buf *out)
{
	const char *f = GMIME_IS_PART(obj) ? g_mime_part_get_filename(GMIME_PART(obj)) : NULL;

	return f ? text_oneline_utf8(f, c->lcset, out) : buf_puts(out, "not available");
}

struct sink_text {
	struct scrub_sink base;
	struct text_conv *conv;
	struct buf *out;
};

static int sink_text_put(struct scrub_sink *base, const char *p, size_t n)
{
	struct sink_text *s = (struct sink_text *)base;

	return text_conv_feed(s->conv, p, n, false, s->out);
}

/* A text kept inline streams from the decoder through the charset conversion into r->text:
 * no copy of the part is held besides the result. */
static int part_inline(struct scrub_ctx *c, GMimePart *part)
{
	struct sink_text st = {{sink_text_put}, NULL, &c->r->text};
	struct text_conv conv;
	GMimeStream *in;
	size_t start;
	uint64_t n;
	int rc;

	if (part_empty(part))
		return LM_OK;
	st.conv = &conv;
	rc = scrub_text_begin(c, part_charset(GMIME_OBJECT(part)), false, &conv, &start);
	if (rc == LM_OK) {
		in = scrub_decoded(part, true);
		rc = scrub_pump(c, in, &st.base, &n);
		g_object_unref(in);
	}
	return scrub_text_end(c, &conv, start, rc);
}

static int part_notice(struct scrub_ctx *c, struct buf *n)
{
	return scrub_add_text(c, n->data ? n->data : "", n->len, c->lcset, true);
}

/* text/plain with "Content-Disposition: attachment" exactly and no charset parameter. */
static int part_plain(struct scrub_ctx *c, GMimeObject *obj, struct buf *n, struct buf *url)
{
	const char *disp = g_mime_object_get_header(obj, "Content-Disposition");
	uint64_t size;
	int rc;

	if (!disp || strcmp(disp, "attachment") != 0 || part_charset(obj))
		return part_inline(c, GMIME_PART(obj));
	if ((rc = scrub_save(c, obj, "text/plain", SAVE_TEXT, url, &size)) != LM_OK)
		return rc;
	rc = buf_puts(n, "An embedded and charset-unspecified text was scrubbed...\nName: ");
	if (rc == LM_OK)
		rc = part_name(c, obj, n);
	if (rc == LM_OK)
		rc = buf_printf(n, "\nURL: %s\n", buf_cstr(url));
	return rc == LM_OK ? part_notice(c, n) : rc;
}

static int part_html(struct scrub_ctx *c, GMimeObject *obj, bool outer, struct buf *n,
                     struct buf *url)
{
	uint64_t size;
	int rc;

	switch (c->o->html_sanitizer) {
	case 0:
		if (outer) {
			c->r->discarded = true;
			return LM_OK;
		}
		rc = buf_puts(n, "HTML attachment scrubbed and removed");
		return rc == LM_OK ? part_notice(c, n) : rc;
	case 2:
		return part_inline(c, GMIME_PART(obj));
	default:
		rc = scrub_save(c, obj, "text/html",
		                c->o->html_sanitizer == 3 ? SAVE_TEXT : SAVE_HTML_TT, url, &size);
		if (rc == LM_OK)
			rc = buf_printf(n, "An HTML attachment was scrubbed...\nURL: %s\n",
			                buf_cstr(url));
		return rc == LM_OK ? part_notice(c, n) : rc;
	}
}

static int part_rfc822(struct scrub_ctx *c, GMimeObject *obj, struct buf *n, struct buf *url)
{
	GMimeMessage *sub = GMIME_IS_MESSAGE_PART(obj)
	                            ? g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj))
	                            : NULL;
	GMimeObject *so = sub ? GMIME_OBJECT(sub) : NULL;
	uint64_t size = 0;
	int rc;

	if ((rc = scrub_save(c, obj, "message/rfc822", SAVE_RFC822, url, &size)) != LM_OK)
		return rc;
	rc = buf_puts(n, "An embedded message was scrubbed...\nFrom: ");
	if (rc == LM_OK)
		rc = so ? part_header(so, "From", "unknown sender", true, c->lcset, n)
		        : buf_puts(n, "unknown sender");
	if (rc == LM_OK)
		rc = buf_puts(n, "\nSubject: ");
	if (rc == LM_OK)
		rc = so ? part_header(so, "Subject", "no subject", true, c->lcset, n)
		        : buf_puts(n, "no subject");
	if (rc == LM_OK)
		rc = buf_puts(n, "\nDate: ");
	if (rc == LM_OK)
		rc = so ? part_header(so, "Date", "no date", false, c->lcset, n)
		        : buf_puts(n, "no date");
	if (rc == LM_OK)
		rc = buf_printf(n, "\nSize: %" PRIu64 "\nURL: %s\n", size, buf_cstr(url));
	return rc == LM_OK ? part_notice(c, n) : rc;
}

static int part_other(struct scrub_ctx *c, GMimeObject *obj, const char *ctype, struct buf *n,
                      struct buf *url)
{
	uint64_t size = 0;
	int rc;

	if (part_empty(GMIME_PART(obj)))
		return LM_OK;
	if ((rc = scrub_save(c, obj, ctype, SAVE_RAW, url, &size)) != LM_OK)
		return rc;
	rc = buf_puts(n, "A non-text attachment was scrubbed...\nName: ");
	if (rc == LM_OK)
		rc = part_name(c, obj, n);
	if (rc == LM_OK)
		rc = buf_printf(n, "\nType: %s\nSize: %" PRIu64 " bytes\nDesc: ", ctype, size);
	if (rc == LM_OK)
		rc = part_header(obj, "Content-Description", "not available", true, c->lcset, n);
	if (rc == LM_OK)
		rc = buf_printf(n, "\nURL: %s\n", buf_cstr(url));
	return rc == LM_OK ? part_notice(c, n) : rc;
}

/* message/ types other than rfc822 that Python parses as header blocks with empty bodies. */
static bool part_header_only(const char *ctype)
{
	return strcmp(ctype, "message/delivery-status") == 0 ||
	       strcmp(ctype, "message/disposition-notification") == 0 ||
	       strcmp(ctype, "message/feedback-report") == 0 ||
	       strcmp(ctype, "message/external-body") == 0;
}

static int part_dispatch(struct scrub_ctx *c, GMimeObject *obj, const char *ctype, bool outer,
                         struct buf *n, struct buf *url)
{
	if (GMIME_IS_MESSAGE_PART(obj))
		return part_rfc822(c, obj, n, url);
	if (!GMIME_IS_PART(obj))
		return LM_OK;
	if (strcmp(ctype, "text/plain") == 0)
		return part_plain(c, obj, n, url);
	if (strcmp(ctype, "text/html") == 0)
		return part_html(c, obj, outer, n, url);
	if (strcmp(ctype, "message/rfc822") == 0)
		return part_rfc822(c, obj, n, url);
	if (strncmp(ctype, "message/", 8) == 0 && !part_header_only(ctype)) {
		if (part_empty(GMIME_PART(obj)))
			return LM_OK;
		buf_printf(n, "Skipped content of type %s\n", ctype);
		return scrub_add_text(c, n->data, n->len, c->lcset, true);
	}
	if (strncmp(ctype, "message/", 8) == 0)
		return LM_OK;
	return part_other(c, obj, ctype, n, url);
}

int scrub_part(struct scrub_ctx *c, GMimeObject *obj, bool outer)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *mt = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	char *ctype = g_ascii_strdown(mt ? mt : "text/plain", -1), *p;
	struct buf n, url;
	int rc;

	/* The type goes into a notice line as it is: printable ASCII only. */
	for (p = ctype; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	buf_init(&n, BUF_CAP_SMALL * 4);
	buf_init(&url, BUF_CAP_SMALL);
	rc = part_dispatch(c, obj, ctype, outer, &n, &url);
	buf_free(&n);
	buf_free(&url);
	g_free(ctype);
	g_free(mt);
	return rc;
}
