/*
 * scrub_message.c: the scrubbed message itself for scrub_nondigest delivery: the original
 * headers (minus the MIME ones) over one text/plain part holding the scrubbed text in the
 * message charset, encoded as Mailman does (us-ascii 7bit, iso-8859-x QP, utf-8 base64).
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "lmerr.h"
#include "scrub_int.h"

static bool msg_skip_header(const char *name)
{
	return g_ascii_strncasecmp(name, "Content-", 8) == 0 ||
	       g_ascii_strcasecmp(name, "MIME-Version") == 0;
}

static void msg_copy_headers(GMimeMessage *from, GMimeMessage *to)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(from));
	GMimeHeaderList *th = g_mime_object_get_header_list(GMIME_OBJECT(to));
	GMimeHeader *h;
	int i, n = hl ? g_mime_header_list_get_count(hl) : 0;

	for (i = 0; i < n; i++) {
		h = g_mime_header_list_get_header_at(hl, i);
		if (!h || msg_skip_header(g_mime_header_get_name(h)))
			continue;
		g_mime_object_append_header(GMIME_OBJECT(to), g_mime_header_get_name(h), "", NULL);
		h = g_mime_header_list_get_header_at(th, g_mime_header_list_get_count(th) - 1);
		if (h)
			g_mime_header_set_raw_value(
			        h, g_mime_header_get_raw_value(
			                   g_mime_header_list_get_header_at(hl, i)));
	}
}

/* The text in the message charset (it was restricted to it, so iconv only fails if the
 * charset is unknown to iconv: then UTF-8 is declared instead). */
static GMimeStream *msg_encode(const struct buf *text, const char **cs)
{
	GByteArray *out = g_byte_array_new();
	char chunk[4096], *in = text->data, *op;
	size_t left = text->len, ol;
	iconv_t cd = iconv_open(g_mime_charset_iconv_name(*cs), "UTF-8");

	if (cd == (iconv_t)-1) {
		*cs = "utf-8";
		g_byte_array_append(out, (const guint8 *)text->data, (guint)text->len);
		return g_mime_stream_mem_new_with_byte_array(out);
	}
	while (left > 0) {
		op = chunk;
		ol = sizeof(chunk);
		if (iconv(cd, &in, &left, &op, &ol) == (size_t)-1 && errno != E2BIG) {
			in++, left--;
			*op++ = '?', ol--;
		}
		g_byte_array_append(out, (const guint8 *)chunk, (guint)(sizeof(chunk) - ol));
	}
	op = chunk;
	ol = sizeof(chunk);
	iconv(cd, NULL, NULL, &op, &ol);
	g_byte_array_append(out, (const guint8 *)chunk, (guint)(sizeof(chunk) - ol));
	iconv_close(cd);
	return g_mime_stream_mem_new_with_byte_array(out);
}

/* email.Charset's body encodings: none for us-ascii and iso-2022-jp, QP for iso-8859-x,
 * base64 for utf-8 and every charset it has no entry for. */
static GMimeContentEncoding msg_cte(const char *cs)
{
	if (g_ascii_strcasecmp(cs, "us-ascii") == 0 || g_ascii_strcasecmp(cs, "iso-2022-jp") == 0)
		return GMIME_CONTENT_ENCODING_7BIT;
	if (g_ascii_strncasecmp(cs, "iso-8859-", 9) == 0)
		return GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
	return GMIME_CONTENT_ENCODING_BASE64;
}

int scrub_build_message(GMimeMessage *msg, struct scrub_ctx *c)
{
	GMimeMessage *out = g_mime_message_new(FALSE);
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype("plain");
	const char *cs = c->r->charset;
	GMimeStream *st = msg_encode(&c->r->text, &cs);
	GMimeDataWrapper *w =
	        g_mime_data_wrapper_new_with_stream(st, GMIME_CONTENT_ENCODING_DEFAULT);

	msg_copy_headers(msg, out);
	g_mime_part_set_content(GMIME_PART(tp), w);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(tp), "charset", cs);
	if (c->format)
		g_mime_object_set_content_type_parameter(GMIME_OBJECT(tp), "Format", c->format);
	if (c->delsp)
		g_mime_object_set_content_type_parameter(GMIME_OBJECT(tp), "DelSp", c->delsp);
	g_mime_part_set_content_encoding(GMIME_PART(tp), msg_cte(cs));
	g_mime_message_set_mime_part(out, GMIME_OBJECT(tp));
	g_object_unref(w);
	g_object_unref(st);
	g_object_unref(tp);
	c->r->scrubbed = out;
	return LM_OK;
}
