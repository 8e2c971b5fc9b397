/*
 * scrub_assemble.c: the flattening of spec 6.5: every kept text converted to the message
 * charset (unencodable characters become '?'), ended with a newline and joined by Mailman's
 * "next part" separator. r->text holds the result as UTF-8; texts are appended as they stream.
 */
#include <string.h>
#include <strings.h>

#include "lmerr.h"
#include "scrub_int.h"

static const char scrub_sep[] = "-------------- next part --------------\n";

/* The charset restricted texts are encoded in: the message's, else the list's, else ASCII. */
static const char *asm_target(struct scrub_ctx *c)
{
	if (text_charset_known(c->msgcs))
		return c->msgcs;
	return text_charset_known(c->lcset) ? c->lcset : "us-ascii";
}

int scrub_text_begin(struct scrub_ctx *c, const char *partcs, bool is_utf8, struct text_conv *t,
                     size_t *start)
{
	int rc = LM_OK;

	memset(t, 0, sizeof(*t));
	t->cd = (iconv_t)-1;
	*start = c->r->text.len;
	if (!c->multipart)
		return text_conv_open(t, is_utf8 ? "utf-8" : partcs ? partcs : c->lcset, NULL);
	if (c->pieces++ > 0)
		rc = text_restrict(scrub_sep, strlen(scrub_sep), asm_target(c), &c->r->text);
	*start = c->r->text.len;
	if (rc != LM_OK)
		return rc;
	/* Parts without a charset, or in the message's, pass through (as the message charset). */
	if (is_utf8)
		return text_conv_open(t, "utf-8", asm_target(c));
	if (partcs && strcasecmp(partcs, c->msgcs) != 0)
		return text_conv_open(t, partcs, asm_target(c));
	return text_conv_open(t, c->msgcs, NULL);
}

int scrub_text_end(struct scrub_ctx *c, struct text_conv *t, size_t start, int rc)
{
	struct buf *text = &c->r->text;

	if (rc == LM_OK)
		rc = text_conv_feed(t, NULL, 0, true, text);
	text_conv_close(t);
	if (rc == LM_OK && c->multipart &&
	    (text->len == start || text->data[text->len - 1] != '\n'))
		rc = buf_putc(text, '\n');
	if (rc == LM_ETOOBIG && !c->r->reason.len)
		rc = scrub_limit(c, "scrubbed text exceeds MaxDecodedBytes");
	return rc;
}

int scrub_add_text(struct scrub_ctx *c, const char *p, size_t n, const char *partcs, bool is_utf8)
{
	struct text_conv t;
	size_t start;
	int rc = scrub_text_begin(c, partcs, is_utf8, &t, &start);

	if (rc == LM_OK)
		rc = text_conv_feed(&t, p, n, false, &c->r->text);
	return scrub_text_end(c, &t, start, rc);
}
