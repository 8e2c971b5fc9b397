/*
 * scrub_text.c: charset handling of the scrubber: bytes to UTF-8 with replacement, keeping
 * only what a target charset can encode ('?'), and Mailman's Utils.oneline() for header lines.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "lmerr.h"
#include "scrub_int.h"

#define TEXT_CHUNK 4096

static const char utf8_repl[] = "\xef\xbf\xbd";

static bool text_is_utf8(const char *cs)
{
	return cs && (strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

static bool text_is_ascii(const char *cs)
{
	return !cs || strcasecmp(cs, "us-ascii") == 0 || strcasecmp(cs, "ascii") == 0;
}

static iconv_t text_open(const char *to, const char *from)
{
	return iconv_open(g_mime_charset_iconv_name(to), g_mime_charset_iconv_name(from));
}

bool text_charset_known(const char *cs)
{
	iconv_t cd;

	if (text_is_ascii(cs) || text_is_utf8(cs))
		return true;
	if ((cd = text_open("UTF-8", cs)) == (iconv_t)-1)
		return false;
	iconv_close(cd);
	return true;
}

const char *text_output_charset(const char *cs)
{
	if (cs && (strcasecmp(cs, "euc-jp") == 0 || strcasecmp(cs, "shift_jis") == 0))
		return "iso-2022-jp";
	return cs;
}

static int text_ascii_to_utf8(const char *in, size_t n, struct buf *out)
{
	size_t i, run;
	int rc = LM_OK;

	for (i = 0; i < n && rc == LM_OK; i += run) {
		for (run = 0; i + run < n && !(in[i + run] & 0x80); run++)
			;
		rc = run ? buf_append(out, in + i, run) : buf_puts(out, utf8_repl);
		if (!run)
			run = 1;
	}
	return rc;
}

/* One iconv() round into a chunk; bad or cut input bytes become U+FFFD. */
static int text_iconv_step(iconv_t cd, char **in, size_t *left, struct buf *out)
{
	char chunk[TEXT_CHUNK], *op = chunk;
	size_t oleft = sizeof(chunk);
	size_t res = iconv(cd, in, left, &op, &oleft);
	int err = errno, rc;

	if ((rc = buf_append(out, chunk, sizeof(chunk) - oleft)) != LM_OK)
		return rc;
	if (res == (size_t)-1 && err != E2BIG) {
		(*in)++;
		(*left)--;
		iconv(cd, NULL, NULL, NULL, NULL);
		return buf_puts(out, utf8_repl);
	}
	return LM_OK;
}

int text_to_utf8(const char *in, size_t n, const char *charset, struct buf *out)
{
	char *p = (char *)in;
	size_t left = n;
	iconv_t cd;
	int rc = LM_OK;

	if (text_is_ascii(charset) || !text_charset_known(charset))
		return text_ascii_to_utf8(in, n, out);
	if ((cd = text_open("UTF-8", charset)) == (iconv_t)-1)
		return text_ascii_to_utf8(in, n, out);
	while (left > 0 && rc == LM_OK)
		rc = text_iconv_step(cd, &p, &left, out);
	iconv_close(cd);
	return rc;
}

static size_t text_u8len(const unsigned char *p, size_t left)
{
	size_t len = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;

	return len > left ? left : len;
}

static bool text_encodable(iconv_t cd, const char *ch, size_t len)
{
	char tmp[32], *ip = (char *)ch, *op = tmp;
	size_t il = len, ol = sizeof(tmp);
	bool ok = iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && il == 0;

	iconv(cd, NULL, NULL, NULL, NULL);
	return ok;
}

int text_restrict(const char *in, size_t n, const char *charset, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i, len;
	iconv_t cd = (iconv_t)-1;
	int rc = LM_OK;

	if (text_is_utf8(charset))
		return buf_append(out, in, n);
	if (!text_is_ascii(charset) && (cd = text_open(charset, "UTF-8")) == (iconv_t)-1)
		return LM_ENOENT;
	for (i = 0; i < n && rc == LM_OK; i += len) {
		len = text_u8len(p + i, n - i);
		if (p[i] < 0x80 || (cd != (iconv_t)-1 && text_encodable(cd, in + i, len)))
			rc = buf_append(out, in + i, len);
		else
			rc = buf_putc(out, '?');
	}
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	return rc;
}

int text_oneline(const char *raw, const char *lcset, struct buf *out)
{
	struct buf flat;
	char *dec = NULL;
	int rc = LM_OK;

	/* A header longer than the small cap is cut: these are one-line notices. */
	buf_init(&flat, BUF_CAP_SMALL);
	for (; *raw && flat.len < BUF_CAP_SMALL; raw++)
		if (*raw != '\r' && *raw != '\n' && (rc = buf_putc(&flat, *raw)) != LM_OK)
			goto fail;
	dec = g_mime_utils_header_decode_text(NULL, flat.data ? flat.data : "");
	rc = dec ? text_restrict(dec, strlen(dec), lcset, out) : LM_ENOMEM;
	if (rc == LM_ENOENT)
		rc = text_restrict(dec, strlen(dec), "us-ascii", out);
fail:
	g_free(dec);
	buf_free(&flat);
	return rc;
}
