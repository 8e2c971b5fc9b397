/*
 * cooksubject.c: Mailman 2.1's prefix_subject(): strip old prefixes and reply markers, add the
 * list prefix (old or new style), and re-encode the subject in its original charset.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cookheaders.h"
#include "lmerr.h"
#include "pyhdr.h"

#define SUBJ_CAP ((size_t)256 * 1024)

/* A prefix pattern token: one literal byte, or %\d*d turned into \s*\d+\s*. */
struct ptok {
	bool num;
	char c;
};

static bool re_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Length of "%\d*d" at p, or 0. */
static size_t num_conv(const char *p)
{
	size_t i = 1;

	if (p[0] != '%')
		return 0;
	while (isdigit((unsigned char)p[i]))
		i++;
	return p[i] == 'd' ? i + 1 : 0;
}

static bool prefix_has_num(const char *prefix)
{
	for (size_t i = 1; prefix[0] && prefix[i]; i++)
		if (num_conv(prefix + i))
			return true;
	return false;
}

static size_t tokenize(const char *prefix, bool has_num, struct ptok *t)
{
	size_t n = 0;

	for (size_t i = 0; prefix[i];) {
		size_t l = has_num ? num_conv(prefix + i) : 0;
		t[n].num = l > 0;
		t[n].c = prefix[i];
		n++;
		i += l ? l : 1;
	}
	return n;
}

/* Match the tokens at s; returns the match length or -1. NUM tries every split, longest
 * first, like the regex engine's backtracking. */
static long pat_match(const struct ptok *t, size_t nt, const char *s, size_t n)
{
	size_t a = 0, d, b;
	bool next_digit, next_space;

	size_t lit = 0;

	/* literal bytes iteratively, so a long prefix costs no stack */
	while (lit < nt && !t[lit].num) {
		if (lit >= n || s[lit] != t[lit].c)
			return -1;
		lit++;
	}
	if (lit > 0) {
		long r = pat_match(t + lit, nt - lit, s + lit, n - lit);
		return r < 0 ? -1 : r + (long)lit;
	}
	if (nt == 0)
		return 0;
	/* Backtrack only where the next token could take what NUM gives back, so hostile
	 * subjects cost linear time. */
	next_digit = nt > 1 && (t[1].num || isdigit((unsigned char)t[1].c));
	next_space = nt > 1 && !t[1].num && re_space((unsigned char)t[1].c);
	while (a < n && re_space((unsigned char)s[a]))
		a++;
	for (d = a; d < n && isdigit((unsigned char)s[d]);)
		d++;
	for (size_t d2 = d; d2 > a; d2--) {
		for (b = d2; b < n && re_space((unsigned char)s[b]);)
			b++;
		for (size_t b2 = b + 1; b2-- > d2;) {
			long r = pat_match(t + 1, nt - 1, s + b2, n - b2);
			if (r >= 0)
				return (long)b2 + r;
			if (!next_space)
				break;
		}
		if (!next_digit)
			break;
	}
	return -1;
}

static int remove_prefix(const char *prefix, bool has_num, const struct buf *in, struct buf *out)
{
	size_t n = strlen(prefix);
	struct ptok *t = calloc(n + 1, sizeof(*t));
	size_t nt, i = 0;
	int rc = LM_OK;

	if (t == NULL)
		return LM_ENOMEM;
	nt = tokenize(prefix, has_num, t);
	for (size_t k = 0, nums = 0; k < nt; k++)
		if (t[k].num && ++nums > 8) { /* backtracking depth: no real prefix needs this */
			free(t);
			return LM_ENOENT;
		}
	while (i < in->len && rc == LM_OK) {
		long m = pat_match(t, nt, in->data + i, in->len - i);
		if (m > 0) {
			i += (size_t)m;
			continue;
		}
		rc = buf_putc(out, in->data[i++]);
	}
	free(t);
	return rc ? rc : buf_append(out, "", 0);
}

/* (\s*(RE|AW|SV|VS)\s*(\[\d+\])?\s*:\s*)+ at the start; returns its length. */
static size_t re_markers(const char *s, size_t n)
{
	static const char *const mk[] = {"re", "aw", "sv", "vs"};
	size_t end = 0;

	for (;;) {
		size_t p = end, k;
		bool ok = false;
		while (p < n && re_space((unsigned char)s[p]))
			p++;
		for (k = 0; k < 4 && p + 1 < n; k++)
			if (tolower((unsigned char)s[p]) == mk[k][0] &&
			    tolower((unsigned char)s[p + 1]) == mk[k][1])
				ok = true;
		if (!ok)
			return end;
		p += 2;
		while (p < n && re_space((unsigned char)s[p]))
			p++;
		if (p < n && s[p] == '[') {
			size_t q = p + 1;
			while (q < n && isdigit((unsigned char)s[q]))
				q++;
			if (q > p + 1 && q < n && s[q] == ']')
				p = q + 1;
		}
		while (p < n && re_space((unsigned char)s[p]))
			p++;
		if (p >= n || s[p] != ':')
			return end;
		p++;
		while (p < n && re_space((unsigned char)s[p]))
			p++;
		end = p;
	}
}

/* Python 2 unicode.isspace() for the UTF-8 sequence at s; returns its length or 0. */
static size_t uspace(const unsigned char *s, size_t n)
{
	unsigned cp;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return (re_space(s[0]) || (s[0] >= 0x1c && s[0] <= 0x1f)) ? 1 : 0;
	if (n >= 2 && s[0] == 0xc2)
		return (s[1] == 0x85 || s[1] == 0xa0) ? 2 : 0;
	if (n < 3 || (s[0] & 0xf0) != 0xe0)
		return 0;
	cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
	if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
	    cp == 0x202f || cp == 0x205f || cp == 0x3000)
		return 3;
	return 0;
}

static void ustrip(const char **s, size_t *n)
{
	size_t l;

	while ((l = uspace((const unsigned char *)*s, *n)) > 0) {
		*s += l;
		*n -= l;
	}
	for (bool more = true; more && *n;) {
		more = false;
		for (size_t k = 1; k <= 3 && k <= *n; k++) {
			if (uspace((const unsigned char *)*s + *n - k, k) == k) {
				*n -= k;
				more = true;
				break;
			}
		}
	}
}

/* prefix % post_id: LM_OK (formatted or, like Python's TypeError, left alone) or LM_EINVAL
 * (Python's ValueError, which makes Mailman skip prefixing). */
static int format_prefix(const char *prefix, unsigned long post_id, struct buf *out)
{
	size_t convs = 0;
	int rc = LM_OK;

	for (const char *p = prefix; *p; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		if (*p == '(') /* "format requires a mapping": TypeError, the prefix stays as is */
			return buf_puts(out, prefix);
		p += strspn(p, "-+ #0");
		p += strspn(p, "0123456789");
		if (*p == '.')
			p += 1 + strspn(p + 1, "0123456789");
		if (*p == '\0' || !strchr("diouxXeEfFgGcrs", *p))
			return LM_EINVAL;
		convs++;
	}
	if (convs != 1)
		return buf_puts(out, prefix);
	for (const char *p = prefix; *p && rc == LM_OK; p++) {
		bool left, zero;
		size_t width = 0, l;
		char num[32];
		if (*p != '%') {
			rc = buf_putc(out, *p);
			continue;
		}
		if (p[1] == '%') {
			rc = buf_putc(out, '%');
			p++;
			continue;
		}
		l = strspn(p + 1, "-+ #0");
		left = memchr(p + 1, '-', l) != NULL;
		zero = memchr(p + 1, '0', l) != NULL && !left;
		p += 1 + l;
		while (isdigit((unsigned char)*p) && width < 1000)
			width = width * 10 + (size_t)(*p++ - '0');
		p += strcspn(p, "diouxXeEfFgGcrs");
		l = (size_t)snprintf(num, sizeof(num), "%lu", post_id);
		for (size_t k = l; !left && k < width && rc == LM_OK; k++)
			rc = buf_putc(out, zero ? '0' : ' ');
		rc = rc ? rc : buf_append(out, num, l);
		for (size_t k = l; left && k < width && rc == LM_OK; k++)
			rc = buf_putc(out, ' ');
	}
	return rc;
}

/* The continuation whitespace of the original header: the first character of line 2. */
static char fold_ws(const char *raw)
{
	const char *nl = strpbrk(raw, "\r\n");

	if (nl == NULL)
		return ' ';
	nl += (nl[0] == '\r' && nl[1] == '\n') ? 2 : 1;
	return *nl == '\t' ? '\t' : ' ';
}

/* ch_oneline() then unicode(subject, cset): the subject as UTF-8 text in its charset's range. */
static int decode_subject(const char *raw, struct buf *text, struct buf *cset)
{
	struct buf tmp;
	int rc = pyhdr_oneline(raw, text, cset);

	if (rc == LM_EPARSE)
		return pyhdr_is_ascii(text->data, text->len) ? LM_OK : LM_ENOENT;
	if (rc || strcmp(buf_cstr(cset), "us-ascii") == 0)
		return rc;
	/* oneline.encode(cset, 'replace'): characters outside the first charset become '?' */
	buf_init(&tmp, SUBJ_CAP);
	rc = pyhdr_convert(text->data ? text->data : "", text->len, "utf-8", buf_cstr(cset), true,
	                   &tmp);
	if (rc == LM_OK) {
		buf_reset(text);
		rc = pyhdr_convert(tmp.data ? tmp.data : "", tmp.len, buf_cstr(cset), "utf-8", true,
		                   text);
	}
	buf_free(&tmp);
	return rc == LM_EINVAL ? LM_ENOENT : rc;
}

/* The pieces Mailman joins, in style order. */
struct subj {
	const char *recolon; /* "Re:" or "" */
	struct buf prefix;   /* formatted prefix, without the trailing space */
	const char *text;    /* stripped subject, UTF-8 */
	size_t textlen;
	bool old_style;
	char ws;
};

static int join_ascii(const struct subj *sj, struct buf *out)
{
	const char *p = buf_cstr(&sj->prefix);
	struct buf h;
	struct pyhdr_chunk c;
	int rc;

	buf_init(&h, SUBJ_CAP);
	if (sj->old_style)
		rc = buf_printf(&h, "%s %s ", sj->recolon, p);
	else if (*sj->recolon)
		rc = buf_printf(&h, "%s %s ", p, sj->recolon);
	else
		rc = buf_printf(&h, "%s ", p);
	rc = rc ? rc : buf_append(&h, sj->text, sj->textlen);
	c = (struct pyhdr_chunk){h.data, h.len, "us-ascii"};
	rc = rc ? rc : pyhdr_encode(&c, 1, "Subject", 76, sj->ws, out);
	buf_free(&h);
	return rc;
}

static int join_encoded(const struct subj *sj, const char *cset, struct buf *out)
{
	struct buf pre, re, subj;
	struct pyhdr_chunk c[3];
	int rc;

	buf_init(&pre, SUBJ_CAP);
	buf_init(&re, SUBJ_CAP);
	buf_init(&subj, SUBJ_CAP);
	rc = buf_printf(&pre, "%s ", buf_cstr(&sj->prefix));
	rc = rc ? rc : buf_printf(&re, "%s%s", sj->recolon, *sj->recolon ? " " : "");
	rc = rc ? rc : pyhdr_convert(sj->text, sj->textlen, "utf-8", cset, true, &subj);
	if (rc == LM_OK) {
		const char *pcs = pyhdr_is_ascii(pre.data, pre.len) ? "us-ascii" : "utf-8";
		struct pyhdr_chunk pc = {pre.data, pre.len, pcs}, rcn = {re.data, re.len, NULL};
		c[0] = sj->old_style ? rcn : pc;
		c[1] = sj->old_style ? pc : rcn;
		c[2] = (struct pyhdr_chunk){subj.data ? subj.data : "", subj.len, cset};
		rc = pyhdr_encode(c, 3, "Subject", 76, sj->ws, out);
	}
	buf_free(&pre);
	buf_free(&re);
	buf_free(&subj);
	return rc;
}

static int strip_subject(const struct cook_settings *s, const char *prefix, bool has_num,
                         struct buf *text, struct buf *cset, struct subj *sj, struct buf *work)
{
	size_t m;
	int rc = remove_prefix(prefix, has_num, text, work);

	if (rc)
		return rc;
	m = re_markers(work->data ? work->data : "", work->len);
	sj->recolon = m ? "Re:" : "";
	sj->text = (work->data ? work->data : "") + m;
	sj->textlen = work->len - m;
	ustrip(&sj->text, &sj->textlen);
	if (sj->textlen == 0) {
		sj->text = "(no subject)";
		sj->textlen = strlen(sj->text);
		buf_reset(cset);
		rc = buf_puts(cset, s->charset && *s->charset ? s->charset : "us-ascii");
	}
	return rc;
}

int cook_subject(const struct cook_settings *s, const char *raw, struct buf *out)
{
	struct buf text, cset, work, pfx;
	struct subj sj = {.ws = ' '};
	const char *prefix;
	size_t plen;
	bool has_num;
	int rc;

	prefix = s->subject_prefix ? s->subject_prefix : "";
	plen = strlen(prefix);
	ustrip(&prefix, &plen);
	if (plen == 0)
		return LM_ENOENT;
	buf_init(&pfx, SUBJ_CAP);
	buf_init(&text, SUBJ_CAP);
	buf_init(&cset, 64);
	buf_init(&work, SUBJ_CAP);
	buf_init(&sj.prefix, SUBJ_CAP);
	raw = raw ? raw : "";
	raw += strspn(raw, " \t");
	sj.ws = fold_ws(raw);
	rc = buf_append(&pfx, prefix, plen);
	rc = rc ? rc : buf_append(&pfx, "", 0);
	rc = rc ? rc : decode_subject(raw, &text, &cset);
	has_num = prefix_has_num(buf_cstr(&pfx));
	sj.old_style = has_num ? false : s->old_style_prefixing;
	rc = rc ? rc : strip_subject(s, buf_cstr(&pfx), has_num, &text, &cset, &sj, &work);
	if (rc == LM_OK &&
	    (rc = format_prefix(buf_cstr(&pfx), s->post_id, &sj.prefix)) == LM_EINVAL)
		rc = LM_ENOENT;
	if (rc == LM_OK && strcmp(buf_cstr(&cset), "us-ascii") == 0 &&
	    pyhdr_is_ascii(sj.prefix.data, sj.prefix.len) && pyhdr_is_ascii(sj.text, sj.textlen))
		rc = join_ascii(&sj, out);
	else if (rc == LM_OK)
		rc = join_encoded(&sj, buf_cstr(&cset), out);
	buf_free(&pfx);
	buf_free(&text);
	buf_free(&cset);
	buf_free(&work);
	buf_free(&sj.prefix);
	return rc;
}
