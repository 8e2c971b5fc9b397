/*
 * html.c: pipermail's escaping for archive pages (html_quote, CGIescape, urllib.quote,
 * uncanonstr) and the line-by-line body renderer with quoting and URL/address links.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "html.h"
#include "lmerr.h"

enum html_cs html_charset_id(const char *name)
{
	if (name == NULL)
		return HTML_CS_ASCII;
	if (strcasecmp(name, "utf-8") == 0 || strcasecmp(name, "utf8") == 0)
		return HTML_CS_UTF8;
	if (strcasecmp(name, "iso-8859-1") == 0 || strcasecmp(name, "latin-1") == 0 ||
	    strcasecmp(name, "latin1") == 0)
		return HTML_CS_LATIN1;
	return HTML_CS_ASCII;
}

/* Decode one UTF-8 sequence at s (n > 0 bytes); returns its length, 0 when it is invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	*cp = c;
	return len;
}

/* One non-ASCII sequence at s: its bytes, a Latin-1 byte, or a reference/replacement. */
static int put_nonascii(struct buf *out, const unsigned char *s, size_t n, enum html_cs cs,
                        int repl, size_t *used)
{
	uint32_t cp;
	size_t k = utf8_decode(s, n, &cp);

	if (k == 0) {
		*used = 1;
		if (repl)
			return buf_putc(out, repl);
		return buf_printf(out, "&#%u;", (unsigned)s[0]);
	}
	*used = k;
	if (cs == HTML_CS_UTF8)
		return buf_append(out, s, k);
	if (cs == HTML_CS_LATIN1 && cp <= 0xff)
		return buf_putc(out, (int)cp);
	if (repl)
		return buf_putc(out, repl);
	return buf_printf(out, "&#%u;", (unsigned)cp);
}

static int convert(struct buf *out, const char *s, size_t len, enum html_cs cs, int repl)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run, used;
	int rc;

	while (i < len) {
		for (run = i; run < len && p[run] < 0x80; run++)
			;
		if (run > i && (rc = buf_append(out, p + i, run - i)) != LM_OK)
			return rc;
		if (run == len)
			break;
		if ((rc = put_nonascii(out, p + run, len - run, cs, repl, &used)) != LM_OK)
			return rc;
		i = run + used;
	}
	return LM_OK;
}

int html_uncanon(struct buf *out, const char *s, size_t len, enum html_cs cs)
{
	return convert(out, s, len, cs, 0);
}

int html_encode_replace(struct buf *out, const char *s, size_t len, enum html_cs cs)
{
	return convert(out, s, len, cs, '?');
}

/* An entity that websafe() leaves alone: &#digits; or &letters; at s (s[0] == '&'). */
static bool is_entity(const char *s, size_t len)
{
	size_t i = 1, start;

	if (i < len && s[i] == '#') {
		for (start = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
	} else {
		start = i;
		while (i < len && ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'))
			i++;
	}
	return i > start && i < len && s[i] == ';';
}

static const char *escape_of(char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\0':
		return " ";
	default:
		return NULL;
	}
}

static int escape(struct buf *out, const char *s, size_t len, enum html_cs cs, bool keep_ent)
{
	size_t i, start = 0;
	const char *rep;
	int rc;

	for (i = 0; i < len; i++) {
		if ((rep = escape_of(s[i])) == NULL)
			continue;
		if (keep_ent && s[i] == '&' && is_entity(s + i, len - i))
			continue;
		if ((rc = convert(out, s + start, i - start, cs, 0)) != LM_OK ||
		    (rc = buf_puts(out, rep)) != LM_OK)
			return rc;
		start = i + 1;
	}
	return convert(out, s + start, len - start, cs, 0);
}

int html_quote(struct buf *out, const char *s, size_t len, enum html_cs cs)
{
	return escape(out, s, len, cs, false);
}

int html_cgiescape(struct buf *out, const char *s, size_t len, enum html_cs cs)
{
	return escape(out, s, len, cs, true);
}

int html_urlquote(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	char esc[3] = {'%', 0, 0};
	size_t i, start = 0;
	int rc;

	for (i = 0; i < len; i++) {
		unsigned c = p[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-' || c == '/')
			continue;
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		if ((rc = buf_append(out, p + start, i - start)) != LM_OK ||
		    (rc = buf_append(out, esc, 3)) != LM_OK)
			return rc;
		start = i + 1;
	}
	return buf_append(out, p + start, len - start);
}

int html_obscure_at(struct buf *out, const char *s, size_t len)
{
	size_t i, start = 0;
	int rc;

	for (i = 0; i < len; i++) {
		if (s[i] != '@')
			continue;
		if ((rc = buf_append(out, s + start, i - start)) != LM_OK ||
		    (rc = buf_puts(out, " at ")) != LM_OK)
			return rc;
		start = i + 1;
	}
	return buf_append(out, s + start, len - start);
}

/* Python 2's \w on byte strings: ASCII letters, digits and underscore. */
static bool is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* [-+,.\w]: the local part of emailpat. */
static bool is_local(unsigned char c)
{
	return is_word(c) || c == '-' || c == '+' || c == ',' || c == '.';
}

/* [-+.\w]: the domain part of emailpat. */
static bool is_domain(unsigned char c)
{
	return is_word(c) || c == '-' || c == '+' || c == '.';
}

/*
 * The leftmost match of ([-+,.\w]+@[-+.\w]+) in s[from..len): true with [*b, *e).
 * Local parts cannot contain '@', so the first '@' with a local and a domain character
 * around it starts the leftmost match.
 */
static bool find_email(const char *s, size_t from, size_t len, size_t *b, size_t *e)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *at;
	size_t a = from, k;

	while (a < len && (at = memchr(s + a, '@', len - a)) != NULL) {
		a = (size_t)(at - s);
		if (a > from && is_local(p[a - 1]) && a + 1 < len && is_domain(p[a + 1])) {
			for (k = a - 1; k > from && is_local(p[k - 1]); k--)
				;
			*b = k;
			for (k = a + 1; k < len && is_domain(p[k]); k++)
				;
			*e = k;
			return true;
		}
		a++;
	}
	return false;
}

int html_obscure_words(struct buf *out, const char *s, size_t len)
{
	size_t pos = 0, b = 0, e = 0, at;
	int rc;

	while (find_email(s, pos, len, &b, &e)) {
		at = (size_t)((const char *)memchr(s + b, '@', e - b) - s);
		if ((rc = buf_append(out, s + pos, at - pos)) != LM_OK ||
		    (rc = buf_puts(out, " at ")) != LM_OK ||
		    (rc = buf_append(out, s + at + 1, e - at - 1)) != LM_OK)
			return rc;
		pos = e;
	}
	return buf_append(out, s + pos, len - pos);
}

static bool is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Where urlpat's lazy .*? stops: before ]})>'" or whitespace, or a '_' that ends a word. */
static size_t url_end(const char *s, size_t i, size_t len)
{
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_space(c) || strchr("]})>'\"", c) != NULL || c == '\0')
			break;
		if (c == '_' && (i + 1 == len || is_space((unsigned char)s[i + 1])))
			break;
	}
	return i;
}

/* The leftmost match of urlpat ([a-z]+://.*?) in s[from..len): true with [*b, *e). */
static bool find_url(const char *s, size_t from, size_t len, size_t *b, size_t *e)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t c, k;

	for (c = from + 1; c + 3 <= len; c++) {
		if (p[c] != ':' || p[c + 1] != '/' || p[c + 2] != '/' || !is_alpha(p[c - 1]))
			continue;
		for (k = c - 1; k > from && is_alpha(p[k - 1]); k--)
			;
		*b = k;
		*e = url_end(s, c + 3, len);
		return true;
	}
	return false;
}

/* Schemes a browser would run as script: such "URLs" stay plain text. */
static bool url_is_safe(const char *s, size_t len)
{
	static const char *const bad[] = {"javascript:", "vbscript:", "livescript:", "data:",
	                                  "mocha:",      "jar:",      "view-source:"};
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = strlen(bad[i]);
		if (len >= n && strncasecmp(s, bad[i], n) == 0)
			return false;
	}
	return true;
}

/*
 * HyperArch quotes a link target with the site's default charset (us-ascii), not the page's:
 * a body in the list's own charset was kept as bytes (one &#NNN; per byte, as the
 * twisted-python pages show for UTF-8), a body in another charset was decoded first (one
 * reference per character).
 */
static int href_quote(struct buf *out, const char *s, size_t len, enum html_cs cs)
{
	size_t i, start = 0;
	int rc;

	if (cs != HTML_CS_UTF8)
		return html_quote(out, s, len, HTML_CS_ASCII);
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x80)
			continue;
		if ((rc = html_quote(out, s + start, i - start, HTML_CS_ASCII)) != LM_OK ||
		    (rc = buf_printf(out, "&#%u;", (unsigned char)s[i])) != LM_OK)
			return rc;
		start = i + 1;
	}
	return html_quote(out, s + start, len - start, HTML_CS_ASCII);
}

static int put_link(struct buf *out, const char *href, size_t hlen, const char *text, size_t tlen,
                    enum html_cs cs)
{
	int rc;

	if ((rc = buf_puts(out, "<A HREF=\"")) != LM_OK ||
	    (rc = href_quote(out, href, hlen, cs)) != LM_OK ||
	    (rc = buf_puts(out, "\">")) != LM_OK ||
	    (rc = html_cgiescape(out, text, tlen, cs)) != LM_OK)
		return rc;
	return buf_puts(out, "</A>");
}

static int put_email(struct buf *out, const char *s, size_t len, const struct html_body_opts *o)
{
	struct buf t;
	int rc;

	if (!o->obscure) {
		buf_init(&t, len + 8);
		if ((rc = buf_puts(&t, "mailto:")) == LM_OK &&
		    (rc = buf_append(&t, s, len)) == LM_OK)
			rc = put_link(out, t.data, t.len, s, len, o->cs);
	} else {
		buf_init(&t, len * 4 + 1);
		if ((rc = html_obscure_at(&t, s, len)) == LM_OK)
			rc = put_link(out, o->listinfo, strlen(o->listinfo), t.data, t.len, o->cs);
	}
	buf_free(&t);
	return rc;
}

/* The links of one line (after its quote prefix), as __processbody_URLquote does. */
/*
 * The next match of one pattern at or after pos, reusing the last answer while it still
 * lies ahead: a line with many matches of one kind and none of the other stays linear.
 */
struct finder {
	bool (*find)(const char *, size_t, size_t, size_t *, size_t *);
	bool none; /* no match left on this line */
	bool have;
	size_t b, e;
};

static bool next_match(struct finder *f, const char *s, size_t pos, size_t len)
{
	if (f->none)
		return false;
	if (!f->have || f->b < pos) {
		f->have = f->find(s, pos, len, &f->b, &f->e);
		f->none = !f->have;
	}
	return f->have;
}

/* The links of one line (after its quote prefix), as __processbody_URLquote does. */
static int render_links(struct buf *out, const char *s, size_t len, const struct html_body_opts *o)
{
	struct finder fj = {find_email, false, false, 0, 0}, fk = {find_url, false, false, 0, 0};
	size_t pos = 0;
	bool j, k;
	int rc;

	for (;;) {
		j = next_match(&fj, s, pos, len);
		k = next_match(&fk, s, pos, len);
		if (!j && !k)
			break;
		if (j && (!k || fj.b < fk.b)) {
			if ((rc = html_cgiescape(out, s + pos, fj.b - pos, o->cs)) != LM_OK ||
			    (rc = put_email(out, s + fj.b, fj.e - fj.b, o)) != LM_OK)
				return rc;
			pos = fj.e;
			fj.have = false;
			continue;
		}
		if ((rc = html_cgiescape(out, s + pos, fk.b - pos, o->cs)) != LM_OK)
			return rc;
		if (url_is_safe(s + fk.b, fk.e - fk.b))
			rc = put_link(out, s + fk.b, fk.e - fk.b, s + fk.b, fk.e - fk.b, o->cs);
		else
			rc = html_cgiescape(out, s + fk.b, fk.e - fk.b, o->cs);
		if (rc != LM_OK)
			return rc;
		pos = fk.e;
		fk.have = false;
	}
	return html_cgiescape(out, s + pos, len - pos, o->cs);
}

/* Length of quotedpat ^([>|:]|&gt;)+ at the start of a line. */
static size_t quote_prefix(const char *s, size_t len)
{
	size_t i = 0;

	for (;;) {
		if (i < len && (s[i] == '>' || s[i] == '|' || s[i] == ':'))
			i++;
		else if (len - i >= 4 && memcmp(s + i, "&gt;", 4) == 0)
			i += 4;
		else
			return i;
	}
}

static int render_line(struct buf *out, const char *s, size_t len, const struct html_body_opts *o)
{
	size_t q = quote_prefix(s, len);
	int rc;

	if (q > 0 && ((rc = html_cgiescape(out, s, q, o->cs)) != LM_OK ||
	              (rc = buf_puts(out, "<i>")) != LM_OK))
		return rc;
	if ((rc = render_links(out, s + q, len - q, o)) != LM_OK ||
	    (rc = buf_putc(out, '\n')) != LM_OK)
		return rc;
	return q > 0 ? buf_puts(out, "</I>") : LM_OK;
}

int html_body(struct buf *out, const char *body, size_t len, const struct html_body_opts *o)
{
	size_t i = 0, end, cut;
	const char *nl;
	int rc;

	if (len == 0)
		return LM_OK;
	if ((rc = buf_puts(out, "<PRE>")) != LM_OK)
		return rc;
	while (i < len) {
		nl = memchr(body + i, '\n', len - i);
		end = nl ? (size_t)(nl - body) : len;
		cut = end;
		if (cut > i && body[cut - 1] == '\r')
			cut--;
		if ((rc = render_line(out, body + i, cut - i, o)) != LM_OK)
			return rc;
		i = nl ? end + 1 : len;
	}
	return buf_puts(out, "</PRE>");
}
