/*
 * scrub_conv.c: streaming charset conversion of inline text parts: bytes of the part charset
 * to UTF-8 (bad input -> U+FFFD), optionally keeping only what the message charset can
 * encode ('?'), chunk by chunk, carrying a multibyte sequence cut at a chunk's end.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lmerr.h"
#include "scrub_int.h"

#define CONV_CHUNK 4096

static const char conv_repl[] = "\xef\xbf\xbd";

static bool conv_is_ascii(const char *cs)
{
	return !cs || strcasecmp(cs, "us-ascii") == 0 || strcasecmp(cs, "ascii") == 0;
}

int text_conv_open(struct text_conv *t, const char *from, const char *restrict_to)
{
	memset(t, 0, sizeof(*t));
	t->cd = (iconv_t)-1;
	t->target = restrict_to;
	if (!conv_is_ascii(from) && text_charset_known(from))
		t->cd = iconv_open("UTF-8", g_mime_charset_iconv_name(from));
	buf_init(&t->tmp, (size_t)-1);
	return LM_OK;
}

void text_conv_close(struct text_conv *t)
{
	if (t->cd != (iconv_t)-1)
		iconv_close(t->cd);
	t->cd = (iconv_t)-1;
	buf_free(&t->tmp);
}

static int conv_ascii(const char *in, size_t n, struct buf *out)
{
	size_t i, run;
	int rc = LM_OK;

	for (i = 0; i < n && rc == LM_OK; i += run) {
		for (run = 0; i + run < n && !(in[i + run] & 0x80); run++)
			;
		rc = run ? buf_append(out, in + i, run) : buf_puts(out, conv_repl);
		if (!run)
			run = 1;
	}
	return rc;
}

/* iconv() as far as it goes; an incomplete sequence at the end is kept for the next chunk
 * unless final, where it (like any invalid byte) becomes U+FFFD. *left says what is kept. */
static int conv_iconv(struct text_conv *t, char *in, size_t *left, bool final, struct buf *out)
{
	char chunk[CONV_CHUNK], *op;
	size_t oleft, res;
	int err, rc = LM_OK;

	while (*left > 0 && rc == LM_OK) {
		op = chunk;
		oleft = sizeof(chunk);
		res = iconv(t->cd, &in, left, &op, &oleft);
		err = errno;
		rc = buf_append(out, chunk, sizeof(chunk) - oleft);
		if (rc != LM_OK || res != (size_t)-1 || err == E2BIG)
			continue;
		if (err == EINVAL && !final && *left < sizeof(t->carry))
			break;
		in++, (*left)--;
		iconv(t->cd, NULL, NULL, NULL, NULL);
		rc = buf_puts(out, conv_repl);
	}
	if (rc == LM_OK && *left)
		memmove(t->carry, in, *left);
	return rc;
}

static int conv_to_utf8(struct text_conv *t, const char *p, size_t n, bool final, struct buf *out)
{
	char *joined;
	size_t left;
	int rc;

	if (t->cd == (iconv_t)-1)
		return conv_ascii(p, n, out);
	if (!(joined = malloc(t->ncarry + n + 1)))
		return LM_ENOMEM;
	memcpy(joined, t->carry, t->ncarry);
	if (n)
		memcpy(joined + t->ncarry, p, n);
	left = t->ncarry + n;
	rc = conv_iconv(t, joined, &left, final, out);
	t->ncarry = rc == LM_OK ? left : 0;
	free(joined);
	return rc;
}

int text_conv_feed(struct text_conv *t, const char *p, size_t n, bool final, struct buf *out)
{
	int rc;

	if (!t->target)
		return conv_to_utf8(t, p, n, final, out);
	buf_reset(&t->tmp);
	rc = conv_to_utf8(t, p, n, final, &t->tmp);
	if (rc == LM_OK && t->tmp.len)
		rc = text_restrict(t->tmp.data, t->tmp.len, t->target, out);
	return rc;
}
