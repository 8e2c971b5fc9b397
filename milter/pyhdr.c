/*
 * pyhdr.c: Python 2.7 email.Header encoding and folding, reproduced step by step (chunk
 * splitting, _split_ascii, _encode_chunks) because Mailman's exact header bytes come from it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "lmerr.h"
#include "pyhdr.h"

enum henc { HE_NONE, HE_QP, HE_B64, HE_SHORT };

#define MISC_LEN   7
#define CS_MAX     40
#define PY_HDR_CAP ((size_t)256 * 1024)

/* One split-off piece of a header: text in a charset. */
struct piece {
	struct buf s;
	char cs[CS_MAX + 1];
};

struct pieces {
	struct piece *v;
	size_t n, cap;
};

static void pieces_free(struct pieces *p)
{
	for (size_t i = 0; i < p->n; i++)
		buf_free(&p->v[i].s);
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}

static int pieces_add(struct pieces *p, const char *s, size_t len, const char *cs)
{
	struct piece *np;
	int rc;

	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 8;
		struct piece *nv = realloc(p->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return LM_ENOMEM;
		p->v = nv;
		p->cap = ncap;
	}
	np = &p->v[p->n];
	buf_init(&np->s, PY_HDR_CAP);
	snprintf(np->cs, sizeof(np->cs), "%s", cs);
	if ((rc = buf_append(&np->s, s, len)) || (rc = buf_append(&np->s, "", 0))) {
		buf_free(&np->s);
		return rc;
	}
	p->n++;
	return LM_OK;
}

static int cs_norm(const char *in, char out[CS_MAX + 1]);

int pyhdr_charset(const char *in, char out[PYHDR_CHARSET_MAX])
{
	return cs_norm(in, out);
}

bool pyhdr_is_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* Charset(name): lower-case, with the aliases of email.charset.ALIASES that matter. */
static int cs_norm(const char *in, char out[CS_MAX + 1])
{
	static const char *const alias[][2] = {
	        {"ascii", "us-ascii"},      {"latin_1", "iso-8859-1"},   {"latin-1", "iso-8859-1"},
	        {"latin_2", "iso-8859-2"},  {"latin-2", "iso-8859-2"},   {"latin_9", "iso-8859-15"},
	        {"latin-9", "iso-8859-15"}, {"cp949", "ks_c_5601-1987"}, {"euc_jp", "euc-jp"},
	        {"euc_kr", "euc-kr"},       {"utf8", "utf-8"},
	};
	size_t n = in ? strlen(in) : 0;

	if (n == 0) {
		strcpy(out, "us-ascii");
		return LM_OK;
	}
	if (n > CS_MAX)
		return LM_EINVAL;
	for (size_t i = 0; i <= n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c && (c <= ' ' || c >= 127 || c == '?' || c == '"'))
			return LM_EINVAL;
		out[i] = (char)tolower(c);
	}
	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (strcmp(out, alias[i][0]) == 0)
			strcpy(out, alias[i][1]);
	return LM_OK;
}

static bool cs_in(const char *cs, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(cs, *set) == 0)
			return true;
	return false;
}

static const char *const qp_sets[] = {"iso-8859-1",  "iso-8859-2",  "iso-8859-3",   "iso-8859-4",
                                      "iso-8859-9",  "iso-8859-10", "iso-8859-13",  "iso-8859-14",
                                      "iso-8859-15", "iso-8859-16", "windows-1252", "viscii",
                                      NULL};
static const char *const b64_sets[] = {"big5",        "gb2312", "euc-jp", "shift_jis",
                                       "iso-2022-jp", "koi8-r", NULL};

/* The header_encoding column of email.charset.CHARSETS (SHORTEST for unknown names). */
static enum henc cs_henc(const char *cs)
{
	if (strcmp(cs, "us-ascii") == 0 || strcmp(cs, "8bit") == 0)
		return HE_NONE;
	if (cs_in(cs, qp_sets))
		return HE_QP;
	if (cs_in(cs, b64_sets))
		return HE_B64;
	return HE_SHORT;
}

static bool qp_special(unsigned char c)
{
	return !(isalnum(c) || c == '-' || c == '!' || c == '*' || c == '+' || c == '/' ||
	         c == ' ');
}

static size_t b64_len(size_t n)
{
	return n / 3 * 4 + (n % 3 ? 4 : 0);
}

static size_t qp_len(const char *s, size_t n)
{
	size_t l = 0;

	for (size_t i = 0; i < n; i++)
		l += qp_special((unsigned char)s[i]) ? 3 : 1;
	return l;
}

/* Charset.encoded_header_len() */
static size_t ehl(const char *s, size_t n, const char *cs)
{
	size_t extra = strlen(cs) + MISC_LEN;

	switch (cs_henc(cs)) {
	case HE_QP:
		return qp_len(s, n) + extra;
	case HE_B64:
		return b64_len(n) + extra;
	case HE_SHORT: {
		size_t b = b64_len(n), q = qp_len(s, n);
		return (b < q ? b : q) + extra;
	}
	default:
		return n;
	}
}

static int b64_word(struct buf *out, const char *cs, const char *s, size_t n)
{
	gchar *enc = g_base64_encode((const guchar *)s, n);
	int rc;

	if (enc == NULL)
		return LM_ENOMEM;
	rc = buf_printf(out, "=?%s?b?%s?=", cs, enc);
	g_free(enc);
	return rc;
}

/* email.base64mime.header_encode(): words of at most 76 columns, joined by "\n ". */
static int b64_encode(struct buf *out, const char *cs, const char *s, size_t n)
{
	size_t maxun = (76 - strlen(cs) - MISC_LEN) * 3 / 4;
	int rc = LM_OK;

	if (maxun == 0)
		maxun = 3;
	for (size_t i = 0; i < n && rc == LM_OK; i += maxun) {
		if (i > 0 && (rc = buf_puts(out, "\n ")))
			break;
		rc = b64_word(out, cs, s + i, n - i < maxun ? n - i : maxun);
	}
	return rc;
}

static int qp_encode(struct buf *out, const char *cs, const char *s, size_t n)
{
	int rc = buf_printf(out, "=?%s?q?", cs);

	for (size_t i = 0; i < n && rc == LM_OK; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ')
			rc = buf_putc(out, '_');
		else if (qp_special(c))
			rc = buf_printf(out, "=%02X", c);
		else
			rc = buf_putc(out, c);
	}
	return rc ? rc : buf_puts(out, "?=");
}

/* Charset.header_encode() */
static int header_encode(struct buf *out, const char *s, size_t n, const char *cs)
{
	switch (cs_henc(cs)) {
	case HE_QP:
		return qp_encode(out, cs, s, n);
	case HE_B64:
		return b64_encode(out, cs, s, n);
	case HE_SHORT:
		if (b64_len(n) < qp_len(s, n))
			return b64_encode(out, cs, s, n);
		return qp_encode(out, cs, s, n);
	default:
		return buf_append(out, s, n);
	}
}

/* Length of the character starting at s[i]: multi-byte charsets must not be cut inside one. */
static size_t char_len(const char *cs, const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	size_t l = 1;

	if (c < 0x80)
		return 1;
	if (strcmp(cs, "utf-8") == 0) {
		l = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	} else if (strncmp(cs, "gb", 2) == 0 || strcmp(cs, "big5") == 0 ||
	           strncmp(cs, "euc-", 4) == 0 || strcmp(cs, "shift_jis") == 0 ||
	           strcmp(cs, "ks_c_5601-1987") == 0) {
		l = (strcmp(cs, "euc-jp") == 0 && c == 0x8f) ? 3 : 2;
	}
	return i + l <= n ? l : n - i;
}

/* A growing list of lines, as _split_ascii builds them. */
struct lines {
	struct buf *v;
	size_t n, cap;
};

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		buf_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static struct buf *lines_new(struct lines *l)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		struct buf *nv = realloc(l->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return NULL;
		l->v = nv;
		l->cap = ncap;
	}
	buf_init(&l->v[l->n], PY_HDR_CAP);
	return &l->v[l->n++];
}

static int lines_add(struct lines *l, const char *s, size_t n)
{
	struct buf *b = lines_new(l);

	if (b == NULL)
		return LM_ENOMEM;
	return n ? buf_append(b, s, n) : buf_append(b, "", 0);
}

static bool py_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* fcre: ^[^\s:]+: */
static bool looks_like_field(const struct buf *b)
{
	size_t i = 0;

	while (i < b->len && !py_space((unsigned char)b->data[i]) && b->data[i] != ':')
		i++;
	return i > 0 && i < b->len && b->data[i] == ':';
}

/* State of one _split_ascii() pass over a line split at ch. */
struct sa {
	struct lines *out;
	struct lines this;
	size_t linelen, maxlen, restlen, wslen;
	char ch;
};

static int this_join(struct sa *st, const char *eol, struct buf *dst)
{
	int rc = LM_OK;

	for (size_t i = 0; i < st->this.n && rc == LM_OK; i++) {
		if (i > 0) {
			rc = buf_puts(dst, eol);
			if (rc == LM_OK)
				rc = buf_putc(dst, ' ');
		}
		if (rc == LM_OK)
			rc = buf_append(dst, st->this.v[i].data, st->this.v[i].len);
	}
	return rc ? rc : buf_append(dst, "", 0);
}

static int split_ascii(const char *s, size_t n, size_t firstlen, size_t restlen, size_t wslen,
                       const char *splitchars, struct lines *out);

static int sa_part(struct sa *st, const char *part, size_t plen, const char *eol)
{
	size_t joinlen = strlen(eol) + 1;
	size_t curlen = st->linelen + (st->this.n > 1 ? st->this.n - 1 : 0) * joinlen;
	bool onfirst = st->out->n == 0;
	struct buf *b;
	int rc = LM_OK;

	if (st->ch == ' ' && onfirst && st->this.n == 1 && looks_like_field(&st->this.v[0])) {
		st->linelen += plen;
		return lines_add(&st->this, part, plen);
	}
	if (curlen + plen <= st->maxlen) {
		st->linelen += plen;
		return lines_add(&st->this, part, plen);
	}
	if (st->this.n) {
		if ((b = lines_new(st->out)) == NULL)
			return LM_ENOMEM;
		if ((rc = this_join(st, eol, b)) || (rc = buf_puts(b, eol)))
			return rc;
	}
	lines_free(&st->this);
	if (plen > st->maxlen && st->ch != ' ') {
		struct lines sub = {0};
		rc = split_ascii(part, plen, st->maxlen, st->restlen, st->wslen, " ", &sub);
		for (size_t i = 0; rc == LM_OK && i + 1 < sub.n; i++)
			rc = lines_add(st->out, sub.v[i].data, sub.v[i].len);
		if (rc == LM_OK && sub.n)
			rc = lines_add(&st->this, sub.v[sub.n - 1].data, sub.v[sub.n - 1].len);
		lines_free(&sub);
	} else {
		rc = lines_add(&st->this, part, plen);
	}
	if (rc == LM_OK && st->this.n)
		st->linelen = st->wslen + st->this.v[st->this.n - 1].len;
	st->maxlen = st->restlen;
	return rc;
}

/* One line: pick the split character, cut at "ch\s*", and pack the parts into lines. */
static int sa_line(struct sa *st, const char *line, size_t n, const char *splitchars)
{
	const char *c;
	char eol[2] = {0, 0};
	size_t start = 0, i = 0;
	int rc = LM_OK;

	for (c = splitchars; *c; c++)
		if (memchr(line, *c, n))
			break;
	if (*c == '\0') {
		st->maxlen = st->restlen;
		return lines_add(st->out, line, n);
	}
	st->ch = *c;
	if (*c == ';' || *c == ',')
		eol[0] = *c;
	st->linelen = 0;
	while (rc == LM_OK) {
		while (i < n && line[i] != st->ch)
			i++;
		rc = sa_part(st, line + start, i - start, eol);
		if (i >= n)
			break;
		i++;
		while (i < n && py_space((unsigned char)line[i]))
			i++;
		start = i;
	}
	if (rc == LM_OK && st->this.n) {
		struct buf *b = lines_new(st->out);
		rc = b ? this_join(st, eol, b) : LM_ENOMEM;
	}
	lines_free(&st->this);
	return rc;
}

/* email.header._split_ascii() */
static int split_ascii(const char *s, size_t n, size_t firstlen, size_t restlen, size_t wslen,
                       const char *splitchars, struct lines *out)
{
	struct sa st = {.out = out, .maxlen = firstlen, .restlen = restlen, .wslen = wslen};
	size_t i = 0;
	int rc = LM_OK;

	while (i < n && rc == LM_OK) {
		size_t e = i, next;
		while (e < n && s[e] != '\n' && s[e] != '\r')
			e++;
		next = e < n ? e + ((s[e] == '\r' && e + 1 < n && s[e + 1] == '\n') ? 2 : 1) : e;
		while (i < e && py_space((unsigned char)s[i]))
			i++;
		if (e - i < st.maxlen) {
			rc = lines_add(out, s + i, e - i);
			st.maxlen = restlen;
		} else {
			rc = sa_line(&st, s + i, e - i, splitchars);
		}
		i = next;
	}
	return rc;
}

/* Header._split(): returns pieces of s that fit maxlinelen once encoded. */
static int split_chunk(struct pieces *out, const char *s, size_t n, const char *cs,
                       size_t maxlinelen, size_t restlen, size_t wslen)
{
	if (ehl(s, n, cs) <= maxlinelen || strcmp(cs, "8bit") == 0)
		return pieces_add(out, s, n, cs);
	if (strcmp(cs, "us-ascii") == 0) {
		struct lines l = {0};
		int rc = split_ascii(s, n, maxlinelen, restlen, wslen, ";, ", &l);
		for (size_t k = 0; rc == LM_OK && k < l.n; k++)
			rc = pieces_add(out, l.v[k].data, l.v[k].len, cs);
		lines_free(&l);
		return rc;
	}
	/* _binsplit: the longest prefix, in whole characters, whose encoding fits; the rest is
	 * split again at the full line length (a loop here, not Python's recursion). */
	while (n > 0) {
		size_t i = 0, fit = 0;
		/* an encoding is never shorter than its input: skip the O(n) length of long rests
		 */
		if (n <= maxlinelen && ehl(s, n, cs) <= maxlinelen)
			return pieces_add(out, s, n, cs);
		while (i < n) {
			size_t cl = char_len(cs, s, n, i);
			if (ehl(s, i + cl, cs) > maxlinelen)
				break;
			i += cl;
			fit = i;
		}
		if (fit == 0 && maxlinelen == restlen)
			fit = char_len(cs, s, n, 0); /* not even one character fits a fresh line */
		if (pieces_add(out, s, fit, cs))
			return LM_ENOMEM;
		s += fit;
		n -= fit;
		maxlinelen = restlen;
	}
	return LM_OK;
}

/* _max_append() */
static int max_append(struct lines *l, const char *s, size_t n, size_t maxlen, const char *extra)
{
	if (l->n && l->v[l->n - 1].len + n <= maxlen) {
		struct buf *b = &l->v[l->n - 1];
		int rc = buf_puts(b, extra);
		return rc ? rc : buf_append(b, s, n);
	}
	while (n && py_space((unsigned char)*s)) {
		s++;
		n--;
	}
	return lines_add(l, s, n);
}

/* Header._encode_chunks() */
static int encode_pieces(const struct pieces *p, size_t maxlinelen, char ws, struct buf *out)
{
	struct lines l = {0};
	struct buf enc;
	int rc = LM_OK;

	buf_init(&enc, PY_HDR_CAP);
	for (size_t i = 0; i < p->n && rc == LM_OK; i++) {
		const char *extra;
		if (p->v[i].s.len == 0)
			continue;
		buf_reset(&enc);
		if ((rc = header_encode(&enc, p->v[i].s.data, p->v[i].s.len, p->v[i].cs)))
			break;
		extra = (l.n && l.v[l.n - 1].len && l.v[l.n - 1].data[l.v[l.n - 1].len - 1] == ' ')
		                ? ""
		                : " ";
		rc = max_append(&l, enc.data ? enc.data : "", enc.len, maxlinelen, extra);
	}
	for (size_t i = 0; i < l.n && rc == LM_OK; i++) {
		if (i > 0 && ((rc = buf_putc(out, '\n')) || (rc = buf_putc(out, ws))))
			break;
		rc = buf_append(out, l.v[i].data, l.v[i].len);
	}
	buf_free(&enc);
	lines_free(&l);
	return rc ? rc : buf_append(out, "", 0);
}

int pyhdr_encode(const struct pyhdr_chunk *chunks, size_t n, const char *name, size_t maxlinelen,
                 char ws, struct buf *out)
{
	size_t wslen = ws == '\t' ? 8 : 1;
	size_t first = maxlinelen - (name ? strlen(name) + 2 : 0);
	size_t rest = maxlinelen - wslen, lastlen = 0;
	struct pieces p = {0};
	char cs[CS_MAX + 1];
	int rc = LM_OK;

	if (name && strlen(name) + 2 + 10 > maxlinelen)
		first = 10;
	for (size_t i = 0; i < n && rc == LM_OK; i++) {
		size_t target;
		if ((rc = cs_norm(chunks[i].charset, cs)))
			break;
		target = first - lastlen - 1;
		if (first < lastlen + 1 || target < ehl("", 0, cs))
			target = first;
		if ((rc = split_chunk(&p, chunks[i].s, chunks[i].len, cs, target, rest, wslen)))
			break;
		if (p.n)
			lastlen = ehl(p.v[p.n - 1].s.data, p.v[p.n - 1].s.len, p.v[p.n - 1].cs);
	}
	if (rc == LM_OK)
		rc = encode_pieces(&p, first, ws, out);
	pieces_free(&p);
	return rc;
}

int pyhdr_fold(const char *name, const char *value, struct buf *out)
{
	struct pyhdr_chunk c = {value, strlen(value), NULL};

	if (!pyhdr_is_ascii(value, c.len))
		return buf_puts(out, value);
	return pyhdr_encode(&c, 1, name, 78, ' ', out);
}

int pyhdr_convert(const char *in, size_t len, const char *from, const char *to, bool replace,
                  struct buf *out)
{
	gsize wr = 0;
	GError *err = NULL;
	gchar *r;
	int rc;

	if (len == 0)
		return buf_append(out, "", 0);
	/* fast paths for the common cases: no conversion, only a check */
	if (!replace && strcasecmp(from, "utf-8") == 0 && strcasecmp(to, "utf-8") == 0)
		return g_utf8_validate_len(in, len, NULL) ? buf_append(out, in, len) : LM_EINVAL;
	if (!replace && (strcasecmp(to, "us-ascii") == 0 || strcasecmp(to, "ascii") == 0) &&
	    (strcasecmp(from, "utf-8") == 0 || strcasecmp(from, "us-ascii") == 0))
		return pyhdr_is_ascii(in, len) ? buf_append(out, in, len) : LM_EINVAL;
	if (replace)
		r = g_convert_with_fallback(in, (gssize)len, to, from, "?", NULL, &wr, &err);
	else
		r = g_convert(in, (gssize)len, to, from, NULL, &wr, &err);
	if (r == NULL) {
		g_clear_error(&err);
		return LM_EINVAL;
	}
	rc = buf_append(out, r, wr);
	g_free(r);
	return rc;
}

int pyhdr_encode_text(const char *utf8, const char *charset, const char *name, size_t maxlinelen,
                      struct buf *out)
{
	struct pyhdr_chunk c = {utf8, strlen(utf8), "us-ascii"};
	struct buf conv;
	char cs[CS_MAX + 1];
	int rc;

	if (pyhdr_is_ascii(utf8, c.len))
		return pyhdr_encode(&c, 1, name, maxlinelen, ' ', out);
	buf_init(&conv, PY_HDR_CAP);
	if (charset && cs_norm(charset, cs) == LM_OK && strcmp(cs, "us-ascii") != 0 &&
	    pyhdr_convert(utf8, c.len, "utf-8", cs, false, &conv) == LM_OK) {
		c.s = conv.data;
		c.len = conv.len;
		c.charset = cs;
	} else {
		c.charset = "utf-8";
	}
	rc = pyhdr_encode(&c, 1, name, maxlinelen, ' ', out);
	buf_free(&conv);
	return rc;
}

/* ---- decoding: email.header.decode_header() + make_header() + unicode(), one line ---- */

/* One decoded piece: UTF-8 text and its charset ("" for unencoded text). */
struct dpiece {
	struct buf raw; /* bytes in cs */
	char cs[CS_MAX + 1];
};

struct dlist {
	struct dpiece *v;
	size_t n, cap;
};

static void dlist_free(struct dlist *d)
{
	for (size_t i = 0; i < d->n; i++)
		buf_free(&d->v[i].raw);
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}

static int dlist_add(struct dlist *d, const char *s, size_t n, const char *cs)
{
	if (d->n && strcmp(d->v[d->n - 1].cs, cs) == 0 && (*cs || 0))
		return buf_append(&d->v[d->n - 1].raw, s, n);
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 8;
		struct dpiece *nv = realloc(d->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return LM_ENOMEM;
		d->v = nv;
		d->cap = ncap;
	}
	buf_init(&d->v[d->n].raw, PY_HDR_CAP);
	snprintf(d->v[d->n].cs, sizeof(d->v[d->n].cs), "%s", cs);
	d->n++;
	return buf_append(&d->v[d->n - 1].raw, s, n);
}

/* An encoded word found by ecre: =?cs?[qb]?text?= followed by blank or end of line. */
struct eword {
	size_t start, end; /* [start, end) in the line */
	const char *cs;
	size_t cslen;
	char enc;
	const char *text;
	size_t textlen;
};

static bool find_word(const char *l, size_t n, size_t from, struct eword *w)
{
	for (size_t p = from; p + 1 < n; p++) {
		size_t q = p + 2, e;
		if (l[p] != '=' || l[p + 1] != '?')
			continue;
		while (q < n && l[q] != '?')
			q++;
		if (q + 2 >= n || !strchr("qQbB", l[q + 1]) || l[q + 2] != '?')
			continue;
		for (e = q + 3; e + 1 < n; e++)
			if (l[e] == '?' && l[e + 1] == '=' &&
			    (e + 2 == n || l[e + 2] == ' ' || l[e + 2] == '\t'))
				break;
		if (e + 1 >= n)
			continue;
		*w = (struct eword){
		        p,         e + 2,    l + p + 2, q - p - 2, (char)tolower(l[q + 1]),
		        l + q + 3, e - q - 3};
		return true;
	}
	return false;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int word_decode(const struct eword *w, struct buf *out)
{
	const char *s = w->text;
	size_t n = w->textlen;
	int rc = LM_OK;

	if (w->enc == 'q') {
		for (size_t i = 0; i < n && rc == LM_OK; i++) {
			if (s[i] == '_')
				rc = buf_putc(out, ' ');
			else if (s[i] == '=' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
			         hexval(s[i + 2]) >= 0) {
				rc = buf_putc(out, hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
				i += 2;
			} else
				rc = buf_putc(out, s[i]);
		}
		return rc ? rc : buf_append(out, "", 0);
	}
	/* binascii.a2b_base64: skip non-alphabet bytes, stop at padding */
	{
		static const char al[] =
		        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		unsigned acc = 0, bits = 0, cnt = 0;
		for (size_t i = 0; i < n && rc == LM_OK && s[i] != '='; i++) {
			const char *p = s[i] ? strchr(al, s[i]) : NULL;
			if (p == NULL)
				continue;
			acc = (acc << 6) | (unsigned)(p - al);
			bits += 6;
			cnt++;
			if (bits >= 8) {
				bits -= 8;
				rc = buf_putc(out, (int)((acc >> bits) & 0xff));
			}
		}
		if (cnt % 4 == 1)
			return LM_EPARSE;
	}
	return rc ? rc : buf_append(out, "", 0);
}

static void rstrip(struct buf *b)
{
	while (b->len && py_space((unsigned char)b->data[b->len - 1]))
		b->len--;
	if (b->data)
		b->data[b->len] = '\0';
}

static void strip_len(const char **s, size_t *n)
{
	while (*n && py_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && py_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* One line that holds encoded words: unencoded runs are stripped and merged, adjacent words
 * of one charset are concatenated. */
static int decode_line(const char *l, size_t n, struct dlist *d)
{
	struct eword w;
	size_t pos = 0;
	int rc = LM_OK;

	while (rc == LM_OK) {
		bool more = find_word(l, n, pos, &w);
		const char *u = l + pos;
		size_t ul = (more ? w.start : n) - pos;
		strip_len(&u, &ul);
		if (ul) {
			if (d->n && d->v[d->n - 1].cs[0] == '\0') {
				if ((rc = buf_putc(&d->v[d->n - 1].raw, ' ')) == LM_OK)
					rc = buf_append(&d->v[d->n - 1].raw, u, ul);
			} else {
				rc = dlist_add(d, u, ul, "");
			}
		}
		if (!more || rc)
			break;
		{
			char cs[CS_MAX + 1];
			struct buf dec;
			size_t cl = w.cslen < CS_MAX ? w.cslen : CS_MAX;
			for (size_t i = 0; i < cl; i++)
				cs[i] = (char)tolower((unsigned char)w.cs[i]);
			cs[cl] = '\0';
			if (cl == 0)
				strcpy(cs,
				       "us-ascii"); /* an empty charset never converts; see below */
			buf_init(&dec, PY_HDR_CAP);
			rc = word_decode(&w, &dec);
			if (rc == LM_OK)
				rc = dlist_add(d, dec.data ? dec.data : "", dec.len, cs);
			buf_free(&dec);
		}
		pos = w.end;
	}
	return rc;
}

static int decode_pieces(const char *raw, struct dlist *d)
{
	size_t n = strlen(raw), i = 0;
	struct eword w;
	int rc = LM_OK;

	if (!find_word(raw, n, 0, &w))
		return dlist_add(d, raw, n, "");
	while (i < n && rc == LM_OK) {
		size_t e = i;
		while (e < n && raw[e] != '\n' && raw[e] != '\r')
			e++;
		if (find_word(raw + i, e - i, 0, &w)) {
			rc = decode_line(raw + i, e - i, d);
		} else {
			/* decode_header() appends such a line whole, unmerged */
			rc = dlist_add(d, raw + i, e - i, "");
		}
		i = e + (e < n && raw[e] == '\r' && e + 1 < n && raw[e + 1] == '\n' ? 2 : 1);
	}
	return rc;
}

static bool cs_ascii(const char *cs)
{
	return *cs == '\0' || strcmp(cs, "us-ascii") == 0;
}

/* Header.__unicode__(): a space between encoded and unencoded neighbours. */
static int join_pieces(const struct dlist *d, struct buf *text)
{
	const char *last = NULL;
	int rc = LM_OK;

	for (size_t i = 0; i < d->n && rc == LM_OK; i++) {
		const char *next = d->v[i].cs;
		struct dpiece *p = &d->v[i];
		if (i > 0) {
			if (!cs_ascii(last) && cs_ascii(next))
				rc = buf_putc(text, ' ');
			else if (cs_ascii(last) && !cs_ascii(next))
				rc = buf_putc(text, ' ');
		}
		last = next;
		rstrip(&p->raw);
		if (rc)
			break;
		if (cs_ascii(next)) {
			if (!pyhdr_is_ascii(p->raw.data ? p->raw.data : "", p->raw.len))
				return LM_EPARSE;
			rc = buf_append(text, p->raw.data, p->raw.len);
		} else {
			rc = pyhdr_convert(p->raw.data ? p->raw.data : "", p->raw.len, next,
			                   "utf-8", false, text);
			if (rc == LM_EINVAL)
				return LM_EPARSE;
		}
	}
	return rc;
}

/* unicode.splitlines() + join: drop line-break characters (ASCII and U+0085/2028/2029). */
static void drop_breaks(struct buf *t)
{
	size_t o = 0;

	for (size_t i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->data[i];
		if (c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e))
			continue;
		if (c == 0xc2 && i + 1 < t->len && (unsigned char)t->data[i + 1] == 0x85) {
			i++;
			continue;
		}
		if (c == 0xe2 && i + 2 < t->len && (unsigned char)t->data[i + 1] == 0x80 &&
		    ((unsigned char)t->data[i + 2] == 0xa8 ||
		     (unsigned char)t->data[i + 2] == 0xa9)) {
			i += 2;
			continue;
		}
		t->data[o++] = (char)c;
	}
	t->len = o;
	if (t->data)
		t->data[o] = '\0';
}

static int oneline_fallback(const char *raw, struct buf *text, struct buf *cset)
{
	int rc = LM_OK;

	for (const char *p = raw; *p && rc == LM_OK; p++)
		if (*p != '\n' && *p != '\r')
			rc = buf_putc(text, *p);
	if (rc == LM_OK)
		rc = buf_puts(cset, "us-ascii");
	return rc ? rc : LM_EPARSE;
}

int pyhdr_oneline(const char *raw, struct buf *text, struct buf *cset)
{
	struct dlist d = {0};
	const char *first = "us-ascii";
	size_t mark = text->len;
	int rc;

	rc = decode_pieces(raw, &d);
	for (size_t i = 0; rc == LM_OK && i < d.n; i++)
		if (d.v[i].cs[0]) {
			first = d.v[i].cs;
			break;
		}
	if (rc == LM_OK)
		rc = join_pieces(&d, text);
	if (rc == LM_OK) {
		drop_breaks(text);
		rc = buf_puts(cset, first);
		rc = rc ? rc : buf_append(text, "", 0);
	}
	dlist_free(&d);
	if (rc == LM_EPARSE) {
		buf_truncate(text, text->len - mark);
		return oneline_fallback(raw, text, cset);
	}
	return rc;
}

/* ---- addresses: email.Utils.formataddr() and getaddresses() ---- */

int pyhdr_formataddr(const char *name, const char *addr, struct buf *out)
{
	bool quote = false;
	int rc = LM_OK;

	if (name == NULL || *name == '\0')
		return buf_puts(out, addr);
	for (const char *p = name; *p; p++)
		if (strchr("[]\\()<>@,:;\".", *p))
			quote = true;
	if (quote)
		rc = buf_putc(out, '"');
	for (const char *p = name; *p && rc == LM_OK; p++) {
		if (strchr("[]\\()\"", *p))
			rc = buf_putc(out, '\\');
		if (rc == LM_OK)
			rc = buf_putc(out, *p);
	}
	if (rc == LM_OK && quote)
		rc = buf_putc(out, '"');
	return rc ? rc : buf_printf(out, " <%s>", addr);
}

/* rfc822.AddrlistClass, reduced to what getaddresses() returns for real-world headers. */
struct ap {
	const char *f;
	size_t pos, n;
	struct buf comments;
};

#define AP_SPECIALS "()<>@,:;.\"[]"
#define AP_ATOMENDS AP_SPECIALS " \t\r\n"

static bool ap_in(const char *set, char c)
{
	return c && strchr(set, c) != NULL;
}

static int ap_delimited(struct ap *a, char end, bool comment, struct buf *out)
{
	int depth = 0, rc = LM_OK;

	a->pos++;
	while (a->pos < a->n && rc == LM_OK) {
		char c = a->f[a->pos++];
		if (c == '\\' && a->pos < a->n) {
			rc = buf_putc(out, a->f[a->pos++]);
		} else if (comment && c == '(') {
			depth++;
			rc = buf_putc(out, c);
		} else if (c == end && depth == 0) {
			break;
		} else {
			if (comment && c == ')')
				depth--;
			rc = buf_putc(out, c);
		}
	}
	return rc ? rc : buf_append(out, "", 0);
}

static int ap_comment(struct ap *a)
{
	int rc = LM_OK;

	if (a->comments.len)
		rc = buf_putc(&a->comments, ' ');
	return rc ? rc : ap_delimited(a, ')', true, &a->comments);
}

static int ap_next(struct ap *a)
{
	int rc = LM_OK;

	while (a->pos < a->n && rc == LM_OK) {
		char c = a->f[a->pos];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			a->pos++;
		else if (c == '(')
			rc = ap_comment(a);
		else
			break;
	}
	return rc;
}

static int ap_atom(struct ap *a, const char *ends, struct buf *out)
{
	size_t s = a->pos;

	while (a->pos < a->n && !ap_in(ends, a->f[a->pos]))
		a->pos++;
	return buf_append(out, a->f + s, a->pos - s);
}

/* getaddrspec(): local@domain, whitespace and comments dropped. */
static int ap_addrspec(struct ap *a, struct buf *out)
{
	int rc = ap_next(a);

	while (rc == LM_OK && a->pos < a->n) {
		char c = a->f[a->pos];
		if (c == '.' || c == '@') {
			rc = buf_putc(out, c);
			a->pos++;
		} else if (c == '"') {
			rc = buf_putc(out, '"');
			rc = rc ? rc : ap_delimited(a, '"', false, out);
			rc = rc ? rc : buf_putc(out, '"');
		} else if (c == '[') {
			rc = ap_delimited(a, ']', false, out);
		} else if (ap_in(AP_ATOMENDS, c)) {
			break;
		} else {
			rc = ap_atom(a, AP_ATOMENDS, out);
		}
		rc = rc ? rc : ap_next(a);
	}
	return rc ? rc : buf_append(out, "", 0);
}

static int ap_push(struct pyhdr_addr **v, size_t *n, const char *name, const char *addr)
{
	struct pyhdr_addr *nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (nv == NULL)
		return LM_ENOMEM;
	*v = nv;
	nv[*n].name = strdup(name);
	nv[*n].addr = strdup(addr);
	if (nv[*n].name == NULL || nv[*n].addr == NULL) {
		free(nv[*n].name);
		free(nv[*n].addr);
		return LM_ENOMEM;
	}
	(*n)++;
	return LM_OK;
}

/* getphraselist(): words and quoted strings up to a special. */
static int ap_phrase(struct ap *a, struct buf *phrase, struct buf *first)
{
	int rc = LM_OK, words = 0;

	while (a->pos < a->n && rc == LM_OK) {
		char c = a->f[a->pos];
		struct buf w;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			a->pos++;
			continue;
		}
		if (c == '(') {
			rc = ap_comment(a);
			continue;
		}
		if (ap_in("()<>@,:;\"[]", c) && c != '"')
			break;
		buf_init(&w, PY_HDR_CAP);
		rc = c == '"' ? ap_delimited(a, '"', false, &w)
		              : ap_atom(a, "()<>@,:;\"[] \t\r\n", &w);
		if (rc == LM_OK && words++)
			rc = buf_putc(phrase, ' ');
		if (rc == LM_OK)
			rc = buf_append(phrase, w.data, w.len);
		if (rc == LM_OK && words == 1)
			rc = buf_append(first, w.data, w.len);
		buf_free(&w);
	}
	if (rc == LM_OK)
		rc = buf_append(phrase, "", 0);
	return rc ? rc : buf_append(first, "", 0);
}

/* One address of the list; returns with pos after its comma. */
static int ap_address(struct ap *a, struct pyhdr_addr **v, size_t *nv)
{
	struct buf phrase, first, addr;
	size_t start;
	int rc;

	buf_init(&phrase, PY_HDR_CAP);
	buf_init(&first, PY_HDR_CAP);
	buf_init(&addr, PY_HDR_CAP);
	buf_reset(&a->comments);
	rc = ap_next(a);
	start = a->pos;
	rc = rc ? rc : ap_phrase(a, &phrase, &first);
	if (rc == LM_OK && a->pos < a->n && (a->f[a->pos] == '.' || a->f[a->pos] == '@')) {
		a->pos = start;
		buf_reset(&a->comments);
		rc = ap_addrspec(a, &addr);
		rc = rc ? rc : ap_next(a);
		rc = rc ? rc : ap_push(v, nv, buf_cstr(&a->comments), buf_cstr(&addr));
	} else if (rc == LM_OK && a->pos < a->n && a->f[a->pos] == '<') {
		a->pos++;
		rc = ap_addrspec(a, &addr);
		while (rc == LM_OK && a->pos < a->n && a->f[a->pos] != '>') {
			/* a route (@a,@b:) or junk: keep what follows the last ':' */
			if (a->f[a->pos++] == ':') {
				buf_reset(&addr);
				rc = ap_addrspec(a, &addr);
			}
		}
		a->pos += a->pos < a->n;
		if (rc == LM_OK && a->comments.len) {
			rc = buf_printf(&phrase, " (%s)", buf_cstr(&a->comments));
		}
		rc = rc ? rc : ap_next(a);
		rc = rc ? rc : ap_push(v, nv, buf_cstr(&phrase), buf_cstr(&addr));
	} else if (rc == LM_OK && first.len) {
		rc = ap_push(v, nv, buf_cstr(&a->comments), buf_cstr(&first));
	} else if (rc == LM_OK && a->pos < a->n && a->f[a->pos] != ',') {
		a->pos++; /* a stray special */
	}
	while (rc == LM_OK && a->pos < a->n && a->f[a->pos] != ',' && a->f[a->pos] != '<' &&
	       a->pos == start)
		a->pos++;
	if (a->pos < a->n && a->f[a->pos] == ',')
		a->pos++;
	buf_free(&phrase);
	buf_free(&first);
	buf_free(&addr);
	return rc;
}

int pyhdr_getaddresses(const char *const *values, size_t nvalues, struct pyhdr_addr **out,
                       size_t *nout)
{
	struct buf all;
	struct ap a;
	int rc = LM_OK;

	*out = NULL;
	*nout = 0;
	buf_init(&all, PY_HDR_CAP);
	for (size_t i = 0; i < nvalues && rc == LM_OK; i++) {
		if (i > 0)
			rc = buf_puts(&all, ", ");
		rc = rc ? rc : buf_puts(&all, values[i]);
	}
	a = (struct ap){all.data ? all.data : "", 0, all.len, {0}};
	buf_init(&a.comments, PY_HDR_CAP);
	while (rc == LM_OK && a.pos < a.n) {
		size_t before = a.pos;
		rc = ap_address(&a, out, nout);
		if (a.pos == before)
			a.pos++;
	}
	buf_free(&a.comments);
	buf_free(&all);
	if (rc) {
		pyhdr_addrs_free(*out, *nout);
		*out = NULL;
		*nout = 0;
	}
	return rc;
}

void pyhdr_addrs_free(struct pyhdr_addr *a, size_t n)
{
	for (size_t i = 0; a != NULL && i < n; i++) {
		free(a[i].name);
		free(a[i].addr);
	}
	free(a);
}
