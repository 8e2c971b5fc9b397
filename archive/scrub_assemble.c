/*
 * scrub_assemble.c: the flattening of spec 6.5: every kept text converted to the message
 * charset (unencodable characters become '?'), ended with a newline and joined by Mailman's
 * "next part" separator. r->text holds the result as UTF-8.
 */
#include <string.h>
#include <strings.h>

#include "lmerr.h"
#include "scrub_int.h"

static const char scrub_sep[] = "-------------- next part --------------\n";

/* Encode UTF-8 text into the message charset with '?', else into the list charset. */
static int add_restricted(struct scrub_ctx *c, const char *p, size_t n)
{
	int rc = text_restrict(p, n, c->msgcs, &c->r->text);

	if (rc == LM_ENOENT)
		rc = text_restrict(p, n, c->lcset, &c->r->text);
	if (rc == LM_ENOENT)
		rc = text_restrict(p, n, "us-ascii", &c->r->text);
	return rc;
}

static int add_converted(struct scrub_ctx *c, const char *p, size_t n, const char *partcs)
{
	struct buf u;
	int rc;

	buf_init(&u, c->r->text.cap);
	rc = text_to_utf8(p, n, partcs, &u);
	if (rc == LM_OK)
		rc = add_restricted(c, u.data ? u.data : "", u.len);
	buf_free(&u);
	return rc;
}

/* A non-multipart message is not flattened: its one text is taken as it is. */
static int add_single(struct scrub_ctx *c, const char *p, size_t n, const char *partcs,
                      bool is_utf8)
{
	if (is_utf8)
		return buf_append(&c->r->text, p, n);
	return text_to_utf8(p, n, partcs ? partcs : c->lcset, &c->r->text);
}

int scrub_add_text(struct scrub_ctx *c, const char *p, size_t n, const char *partcs, bool is_utf8)
{
	int rc = LM_OK;

	if (!c->multipart)
		return add_single(c, p, n, partcs, is_utf8);
	if (c->pieces++ > 0 && (rc = add_restricted(c, scrub_sep, strlen(scrub_sep))) != LM_OK)
		return rc;
	if (is_utf8)
		rc = add_restricted(c, p, n);
	else if (partcs && strcasecmp(partcs, c->msgcs) != 0)
		rc = add_converted(c, p, n, partcs);
	else
		rc = text_to_utf8(p, n, c->msgcs, &c->r->text);
	if (rc == LM_OK && (c->r->text.len == 0 || c->r->text.data[c->r->text.len - 1] != '\n'))
		rc = buf_putc(&c->r->text, '\n');
	if (rc == LM_ETOOBIG)
		rc = scrub_limit(c, "scrubbed text exceeds MaxDecodedBytes");
	return rc;
}
