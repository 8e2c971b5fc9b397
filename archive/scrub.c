/*
 * scrub.c: Mailman 2.1's Scrubber.process(): the walk over a message (limits checked first),
 * its Message-ID and attachment directory, and the result. The rules live in scrub_part.c.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lmerr.h"
#include "log.h"
#include "scrub_int.h"

static atomic_uint scrub_serial;
static GOnce scrub_once = G_ONCE_INIT;

static gpointer scrub_init_once(gpointer unused)
{
	(void)unused;
	g_mime_init();
	return NULL;
}

void scrub_init(void)
{
	g_once(&scrub_once, scrub_init_once, NULL);
}

void scrub_result_init(struct scrub_result *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->text, 1);
	buf_init(&r->reason, 1024);
}

void scrub_result_clear(struct scrub_result *r)
{
	buf_free(&r->text);
	buf_free(&r->reason);
	free(r->charset);
	free(r->message_id);
	if (r->scrubbed)
		g_object_unref(r->scrubbed);
	scrub_result_init(r);
}

/* Python's msg[name]: the raw value, leading blanks and the final newline removed, CRLF
 * folded lines as LF; NULL when the header is absent. */
static char *scrub_raw_header(GMimeMessage *msg, const char *name)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	GMimeHeader *h = hl ? g_mime_header_list_get_header(hl, name) : NULL;
	const char *v = h ? g_mime_header_get_raw_value(h) : NULL;
	char *out, *o;

	if (!h)
		return NULL;
	/* Python lstrip()s the first line only: an empty first line goes entirely, and the
	 * continuation line keeps its leading blank. */
	v = v ? v : "";
	v += strspn(v, " \t");
	if (*v == '\r')
		v++;
	if (*v == '\n')
		v++;
	if (!(out = malloc(strlen(v) + 1)))
		return NULL;
	for (o = out; *v; v++)
		if (*v != '\r')
			*o++ = *v;
	while (o > out && o[-1] == '\n')
		o--;
	*o = '\0';
	return out;
}

static unsigned long seed_u32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
	       p[3];
}

/* Utils.unique_message_id(): <mailman.serial.time.pid.list@host>, kept in the message. With a
 * seed the three numbers come from it (same shape), so a retried post gets the same one. */
static char *scrub_new_msgid(GMimeMessage *msg, const struct scrub_opts *o)
{
	const unsigned char *sd = o->msgid_seed;
	char *id = sd ? g_strdup_printf("<mailman.%lu.%lu.%lu.%s@%s>", seed_u32(sd) % 1000000,
	                                seed_u32(sd + 4) & 0x7fffffffUL, seed_u32(sd + 8) % 4194304,
	                                o->list_name, o->host)
	              : g_strdup_printf("<mailman.%u.%ld.%ld.%s@%s>",
	                                atomic_fetch_add(&scrub_serial, 1), (long)time(NULL),
	                                (long)getpid(), o->list_name, o->host);
	char *ret = id ? strdup(id) : NULL;

	if (ret)
		g_mime_object_set_header(GMIME_OBJECT(msg), "Message-ID", id, NULL);
	g_free(id);
	return ret;
}

static int scrub_dirs(GMimeMessage *msg, struct scrub_ctx *c)
{
	char *date = scrub_raw_header(msg, "Date");
	struct scrub_result *r = c->r;

	r->message_id = scrub_raw_header(msg, "Message-ID");
	if (!r->message_id) {
		if (!(r->message_id = scrub_new_msgid(msg, c->o))) {
			free(date);
			return LM_ENOMEM;
		}
		r->generated_msgid = true;
	}
	attstore_datedir(date, c->o->received ? c->o->received : time(NULL), c->o->from_line,
	                 c->datedir);
	free(date);
	return attstore_hash8(r->message_id, c->hash8);
}

static bool scrub_is_plain(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return !ct || (g_ascii_strcasecmp(g_mime_content_type_get_media_type(ct), "text") == 0 &&
	               g_ascii_strcasecmp(g_mime_content_type_get_media_subtype(ct), "plain") == 0);
}

static GMimeObject *scrub_inner(GMimeObject *obj, bool all)
{
	GMimeMessage *sub;
	GMimeContentType *ct;

	if (!GMIME_IS_MESSAGE_PART(obj))
		return NULL;
	ct = g_mime_object_get_content_type(obj);
	if (!all && ct &&
	    g_ascii_strcasecmp(g_mime_content_type_get_media_subtype(ct), "rfc822") == 0)
		return NULL;
	sub = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
	return sub ? g_mime_message_get_mime_part(sub) : NULL;
}

static void scrub_note_plain(struct scrub_ctx *c, GMimeObject *obj)
{
	const char *cs;

	c->seen_plain = true;
	cs = g_mime_object_get_content_type_parameter(obj, "charset");
	c->charset = g_ascii_strdown(cs && *cs ? cs : c->lcset, -1);
	if ((cs = g_mime_object_get_content_type_parameter(obj, "format")))
		c->format = g_strdup(cs);
	if ((cs = g_mime_object_get_content_type_parameter(obj, "delsp")))
		c->delsp = g_strdup(cs);
}

/* Bytes of an object's header block (names and raw values): MaxHeaderBytes counts them all. */
static size_t scrub_header_bytes(GMimeObject *obj)
{
	GMimeHeaderList *hl = obj ? g_mime_object_get_header_list(obj) : NULL;
	int i, n = hl ? g_mime_header_list_get_count(hl) : 0;
	const char *raw;
	GMimeHeader *h;
	size_t sum = 0;

	for (i = 0; i < n; i++) {
		if (!(h = g_mime_header_list_get_header_at(hl, i)))
			continue;
		raw = g_mime_header_get_raw_value(h);
		sum += strlen(g_mime_header_get_name(h)) + 1 + (raw ? strlen(raw) : 0);
	}
	return sum;
}

static int scrub_count_headers(struct scrub_ctx *c, GMimeObject *obj)
{
	GMimeMessage *sub = GMIME_IS_MESSAGE_PART(obj)
	                            ? g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj))
	                            : NULL;

	c->header_bytes += scrub_header_bytes(obj);
	if (sub)
		c->header_bytes += scrub_header_bytes(GMIME_OBJECT(sub));
	if (c->header_bytes > c->o->limits.max_header_bytes)
		return scrub_limit(c, "headers of all parts exceed MaxHeaderBytes (%zu)",
		                   c->o->limits.max_header_bytes);
	return LM_OK;
}

/* First pass: limits (counted inside embedded messages too), and the first text/plain part
 * the walk will see (its charset, format= and delsp=). */
static int scrub_scan(struct scrub_ctx *c, GMimeObject *obj, size_t depth, bool walked)
{
	const struct scrub_limits *l = &c->o->limits;
	GMimeObject *inner;
	int i, rc = LM_OK;

	if (depth > l->max_depth)
		return scrub_limit(c, "MIME nesting deeper than MaxMimeDepth (%zu)", l->max_depth);
	if (++c->parts > l->max_parts)
		return scrub_limit(c, "more than MaxMimeParts (%zu) MIME parts", l->max_parts);
	if ((rc = scrub_count_headers(c, obj)) != LM_OK)
		return rc;
	if ((inner = scrub_inner(obj, true)))
		return scrub_scan(c, inner, depth + 1, walked && scrub_inner(obj, false));
	if (GMIME_IS_MULTIPART(obj)) {
		for (i = 0; rc == LM_OK && i < g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		     i++)
			rc = scrub_scan(c, g_mime_multipart_get_part(GMIME_MULTIPART(obj), i),
			                depth + 1, walked);
		return rc;
	}
	if (walked && GMIME_IS_PART(obj) && scrub_is_plain(obj) && !c->seen_plain)
		scrub_note_plain(c, obj);
	return LM_OK;
}

/* Second pass: msg.walk() order; only message/rfc822 is not descended into. */
static int scrub_walk(struct scrub_ctx *c, GMimeObject *obj, bool outer)
{
	GMimeObject *inner = scrub_inner(obj, false);
	int i, rc = LM_OK;

	if (inner)
		return scrub_walk(c, inner, false);
	if (scrub_degenerate(obj))
		return scrub_part_degenerate(c, obj, outer);
	if (!GMIME_IS_MULTIPART(obj))
		return scrub_part(c, obj, outer);
	for (i = 0; rc == LM_OK && !c->r->discarded &&
	            i < g_mime_multipart_get_count(GMIME_MULTIPART(obj));
	     i++)
		rc = scrub_walk(c, g_mime_multipart_get_part(GMIME_MULTIPART(obj), i), false);
	return rc;
}

static int scrub_check_opts(const struct scrub_opts *o)
{
	if (!o || !o->storage_root || !o->archive_url || !o->list_name || !o->host ||
	    o->html_sanitizer < 0 || o->html_sanitizer > 3)
		return LM_EINVAL;
	return LM_OK;
}

static bool scrub_is_html2(struct scrub_ctx *c, GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return c->o->html_sanitizer == 2 && ct &&
	       g_ascii_strcasecmp(g_mime_content_type_get_media_type(ct), "text") == 0 &&
	       g_ascii_strcasecmp(g_mime_content_type_get_media_subtype(ct), "html") == 0;
}

/* spec 6.5 step 1, and the charset a non-multipart result is in. */
static const char *scrub_msgcs(struct scrub_ctx *c, GMimeObject *top)
{
	const char *cs;

	if (c->multipart) {
		if (!c->charset || strcmp(c->charset, "us-ascii") == 0)
			return text_output_charset(c->lcset);
		return text_output_charset(c->charset);
	}
	/* Not flattened: a text kept as it is stays in its own charset (html only in mode 2). */
	cs = g_mime_object_get_content_type_parameter(top, "charset");
	if (!GMIME_IS_PART(top) || !cs || !*cs || !(scrub_is_plain(top) || scrub_is_html2(c, top)))
		return c->lcset;
	if (!c->charset)
		c->charset = g_ascii_strdown(cs, -1);
	return c->charset;
}

static int scrub_run(GMimeMessage *msg, struct scrub_ctx *c)
{
	GMimeObject *top = g_mime_message_get_mime_part(msg);
	int rc;

	if (!top)
		return LM_OK;
	/* GMime keeps the top part's Content-* headers in the part, the rest in the message. */
	c->header_bytes = scrub_header_bytes(GMIME_OBJECT(msg));
	if ((rc = scrub_scan(c, top, 1, true)) != LM_OK)
		return rc;
	c->multipart = GMIME_IS_MULTIPART(top) && !scrub_degenerate(top);
	c->msgcs = scrub_msgcs(c, top);
	return scrub_walk(c, top, true);
}

/* What every exit of scrub_message() does: the reason and log line of a limit, cleanup. */
static int scrub_finish(struct scrub_ctx *c, int rc)
{
	if (rc == LM_ETOOBIG && !c->r->reason.len)
		scrub_limit(c, "scrubbed text exceeds MaxDecodedBytes (%zu)",
		            c->o->limits.max_decoded_bytes);
	if (rc == LM_ETOOBIG)
		log_warn(c->o->qid, "scrub: %s", buf_cstr(&c->r->reason));
	if (c->store_open)
		attstore_close(&c->store);
	g_free(c->charset);
	g_free(c->format);
	g_free(c->delsp);
	return rc;
}

int scrub_message(GMimeMessage *msg, const struct scrub_opts *o, struct scrub_result *r,
                  bool want_message)
{
	const struct scrub_limits *l = o ? &o->limits : NULL;
	struct scrub_ctx c;
	int rc;

	if (!msg || !r || (rc = scrub_check_opts(o)) != LM_OK)
		return LM_EINVAL;
	memset(&c, 0, sizeof(c));
	c.o = o;
	c.r = r;
	c.lcset = o->lcset && *o->lcset ? o->lcset : "us-ascii";
	c.store.dirfd = c.store.lockfd = -1;
	/* The scrubbed text is capped by the decoded content it comes from plus the notices. */
	if (!r->text.data)
		buf_init(&r->text, l->max_decoded_bytes + l->max_parts * 2048 + 65536);
	if ((rc = scrub_dirs(msg, &c)) == LM_OK)
		rc = scrub_run(msg, &c);
	if (rc == LM_OK && !(r->charset = strdup(c.msgcs ? c.msgcs : c.lcset)))
		rc = LM_ENOMEM;
	if (rc == LM_OK && want_message && !r->discarded)
		rc = scrub_build_message(msg, &c);
	return scrub_finish(&c, rc);
}
