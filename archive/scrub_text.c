/*
 * scrub_text.c: charset helpers of the scrubber: which charsets iconv knows, keeping only what
 * a charset can encode ('?' for the rest), and Mailman's Utils.oneline() for header lines.
 */
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "lmerr.h"
#include "scrub_int.h"

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

/* The length of a line break at p (what unicode.splitlines() splits on), else 0. */
static size_t text_break_len(const unsigned char *p)
{
	if (*p == '\n' || *p == '\r' || *p == '\v' || *p == '\f' || (*p >= 0x1c && *p <= 0x1e))
		return 1;
	if (p[0] == 0xc2 && p[1] == 0x85)
		return 2;
	if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
		return 3;
	return 0;
}

/* "".join(s.splitlines()): s with its line breaks removed, cut at max bytes. */
static int text_join_lines(const char *s, struct buf *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t brk;
	int rc = LM_OK;

	while (*p && rc == LM_OK && out->len < max) {
		if ((brk = text_break_len(p)))
			p += brk;
		else
			rc = buf_putc(out, *p++);
	}
	return rc;
}

int text_oneline_utf8(const char *s, const char *lcset, struct buf *out)
{
	char *valid = g_utf8_make_valid(s, -1); /* raw 8-bit header bytes become U+FFFD */
	struct buf flat;
	int rc;

	if (!valid)
		return LM_ENOMEM;
	buf_init(&flat, BUF_CAP_SMALL);
	rc = text_join_lines(valid, &flat, BUF_CAP_SMALL);
	g_free(valid);
	if (rc == LM_OK && (rc = text_restrict(buf_cstr(&flat), flat.len, lcset, out)) == LM_ENOENT)
		rc = text_restrict(buf_cstr(&flat), flat.len, "us-ascii", out);
	buf_free(&flat);
	return rc;
}

int text_oneline(const char *raw, const char *lcset, struct buf *out)
{
	struct buf flat;
	char *dec = NULL;
	int rc;

	/* A header longer than the small cap is cut: these are one-line notices. */
	buf_init(&flat, BUF_CAP_SMALL);
	rc = text_join_lines(raw, &flat, BUF_CAP_SMALL);
	if (rc == LM_OK && !(dec = g_mime_utils_header_decode_text(NULL, buf_cstr(&flat))))
		rc = LM_ENOMEM;
	if (rc == LM_OK)
		rc = text_oneline_utf8(dec, lcset, out);
	g_free(dec);
	buf_free(&flat);
	return rc;
}
