/*
 * decorate.c: Mailman 2.1's Decorate placement rules: inline for text/plain, extra parts for
 * multipart/mixed, a new multipart/mixed wrapper for anything else, on the raw body bytes.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "decorate.h"
#include "lmerr.h"
#include "log.h"
#include "pyhdr.h"

#define DECO_CAP  ((size_t)1024 * 1024 * 1024)
#define PARAM_MAX 256

/* What Decorate looks at in the top-level Content-Type. */
struct ctinfo {
	char type[PARAM_MAX];
	char charset[PARAM_MAX];
	char format[PARAM_MAX];
	char delsp[PARAM_MAX];
	char boundary[PARAM_MAX];
};

static void param(GMimeContentType *ct, const char *name, char *dst, bool lower)
{
	const char *v = ct ? g_mime_content_type_get_parameter(ct, name) : NULL;
	size_t n = v ? strlen(v) : 0;

	dst[0] = '\0';
	if (n == 0 || n >= PARAM_MAX)
		return;
	for (size_t i = 0; i <= n; i++)
		dst[i] = lower ? (char)tolower((unsigned char)v[i]) : v[i];
}

/* Python's get_content_type(): "text/plain" unless the value is a well-formed type/subtype. */
static void parse_ct(const char *value, struct ctinfo *ci)
{
	GMimeContentType *ct = NULL;
	size_t n = 0;

	memset(ci, 0, sizeof(*ci));
	strcpy(ci->type, "text/plain");
	if (value == NULL)
		return;
	while (value[n] && value[n] != ';' && n + 1 < PARAM_MAX)
		n++;
	while (n > 0 && isspace((unsigned char)value[n - 1]))
		n--;
	if (n > 0 && n + 1 < PARAM_MAX && memchr(value, '/', n) &&
	    memchr(value, '/', n) == memrchr(value, '/', n)) {
		for (size_t i = 0; i < n; i++)
			ci->type[i] = (char)tolower((unsigned char)value[i]);
		ci->type[n] = '\0';
	}
	ct = g_mime_content_type_parse(NULL, value);
	param(ct, "charset", ci->charset, true);
	if (ci->charset[0] && pyhdr_charset(ci->charset, ci->charset) != LM_OK)
		strcpy(ci->charset, "x-invalid"); /* never converts: the post gets wrapped */
	param(ct, "format", ci->format, false);
	param(ct, "delsp", ci->delsp, false);
	param(ct, "boundary", ci->boundary, false);
	if (ct)
		g_object_unref(ct);
}

static const char *const qp_sets[] = {"iso-8859-1",  "iso-8859-2",  "iso-8859-3",   "iso-8859-4",
                                      "iso-8859-9",  "iso-8859-10", "iso-8859-13",  "iso-8859-14",
                                      "iso-8859-15", "iso-8859-16", "windows-1252", "viscii",
                                      NULL};

static bool in_set(const char *cs, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(cs, *set) == 0)
			return true;
	return false;
}

/* The body_encoding column of Python's email.charset.CHARSETS. */
enum benc { BE_NONE, BE_QP, BE_B64 };

static enum benc body_encoding(const char *cs)
{
	if (strcmp(cs, "us-ascii") == 0 || strcmp(cs, "euc-jp") == 0 ||
	    strcmp(cs, "shift_jis") == 0 || strcmp(cs, "iso-2022-jp") == 0)
		return BE_NONE;
	return in_set(cs, qp_sets) ? BE_QP : BE_B64;
}

static const char *output_charset(const char *cs)
{
	if (strcmp(cs, "euc-jp") == 0 || strcmp(cs, "shift_jis") == 0)
		return "iso-2022-jp";
	return cs;
}

/* base64.encodestring(): 76 columns, every line ends in LF. */
static int b64_body(const char *s, size_t n, struct buf *out)
{
	gchar *enc = n ? g_base64_encode((const guchar *)s, n) : NULL;
	size_t el = enc ? strlen(enc) : 0;
	int rc = buf_reserve(out, el + el / 76 + 2);

	if (n && enc == NULL)
		return LM_ENOMEM;
	for (size_t i = 0; i < el && rc == LM_OK; i += 76) {
		rc = buf_append(out, enc + i, el - i < 76 ? el - i : 76);
		rc = rc ? rc : buf_putc(out, '\n');
	}
	g_free(enc);
	return rc ? rc : buf_append(out, "", 0);
}

static bool qp_needs(unsigned char c)
{
	return !(c == ' ' || c == '\t' || (c >= '!' && c <= '<') || (c >= '>' && c <= '~'));
}

/* One line of email.quoprimime.encode() (body_encode, 76 columns). */
static int qp_line(const char *l, size_t n, bool last, bool has_eol, struct buf *out)
{
	struct buf cur;
	char q[4];
	unsigned char prev = 0;
	int rc = LM_OK;

	buf_init(&cur, DECO_CAP);
	for (size_t j = 0; j < n && rc == LM_OK; j++) {
		unsigned char c = (unsigned char)l[j];
		const char *piece = q;
		prev = c;
		if (qp_needs(c)) {
			snprintf(q, sizeof(q), "=%02X", c);
		} else if (j + 1 == n) {
			if (c != ' ' && c != '\t')
				rc = buf_putc(&cur, (char)c);
			continue;
		} else {
			q[0] = (char)c;
			q[1] = '\0';
		}
		if (cur.len + strlen(piece) >= 76) {
			rc = buf_append(out, cur.data, cur.len);
			rc = rc ? rc : buf_puts(out, "=\n");
			buf_reset(&cur);
		}
		rc = rc ? rc : buf_puts(&cur, piece);
	}
	if (rc == LM_OK && (prev == ' ' || prev == '\t')) {
		snprintf(q, sizeof(q), "=%02X", prev);
		if (!last)
			rc = buf_printf(out, "%.*s%c=\n", (int)cur.len, buf_cstr(&cur), prev);
		else if (cur.len + 3 > 76)
			rc = buf_printf(out, "%.*s=\n%s", (int)cur.len, buf_cstr(&cur), q);
		else
			rc = buf_printf(out, "%.*s%s", (int)cur.len, buf_cstr(&cur), q);
		buf_reset(&cur);
	}
	rc = rc ? rc : buf_append(out, cur.data, cur.len);
	if (rc == LM_OK && has_eol)
		rc = buf_putc(out, '\n');
	buf_free(&cur);
	return rc;
}

static int qp_body(const char *s, size_t n, struct buf *out)
{
	size_t i = 0;
	int rc = LM_OK;

	while (i < n && rc == LM_OK) {
		size_t e = i, next;
		while (e < n && s[e] != '\n' && s[e] != '\r')
			e++;
		next = e < n ? e + ((s[e] == '\r' && e + 1 < n && s[e + 1] == '\n') ? 2 : 1) : e;
		rc = qp_line(s + i, e - i, next >= n, e < n, out);
		i = next;
	}
	return rc ? rc : buf_append(out, "", 0);
}

/* LF -> CRLF (the input had been normalised to LF). */
static int put_eol(const char *s, size_t n, bool crlf, struct buf *out)
{
	int rc = LM_OK;

	if (!crlf)
		return buf_append(out, s, n);
	while (n > 0 && rc == LM_OK) {
		const char *nl = memchr(s, '\n', n);
		size_t l = nl ? (size_t)(nl - s) : n;
		rc = buf_append(out, s, l);
		if (rc == LM_OK && nl)
			rc = buf_append(out, "\r\n", 2);
		l += nl ? 1 : 0;
		s += l;
		n -= l;
	}
	return rc;
}

/* CRLF -> LF, in runs between line ends. */
static int lf_only(const char *s, size_t n, struct buf *out)
{
	int rc = buf_reserve(out, n);

	while (n > 0 && rc == LM_OK) {
		const char *nl = memchr(s, '\n', n);
		size_t l = nl ? (size_t)(nl - s) + 1 : n;
		bool cr = nl && l >= 2 && s[l - 2] == '\r';
		rc = buf_append(out, s, cr ? l - 2 : l);
		if (rc == LM_OK && cr)
			rc = buf_putc(out, '\n');
		s += l;
		n -= l;
	}
	return rc ? rc : buf_append(out, "", 0);
}

static int decode_cte(const char *cte, const char *s, size_t n, struct buf *out)
{
	GMimeContentEncoding enc = GMIME_CONTENT_ENCODING_DEFAULT;
	GMimeEncoding st;
	char *tmp;
	size_t got;
	int rc;

	if (cte && strncasecmp(cte, "base64", 6) == 0)
		enc = GMIME_CONTENT_ENCODING_BASE64;
	else if (cte && strncasecmp(cte, "quoted-printable", 16) == 0)
		enc = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
	if (enc == GMIME_CONTENT_ENCODING_DEFAULT)
		return buf_append(out, s, n) ? LM_ETOOBIG : buf_append(out, "", 0);
	g_mime_encoding_init_decode(&st, enc);
	if ((tmp = malloc(g_mime_encoding_outlen(&st, n) + 16)) == NULL)
		return LM_ENOMEM;
	got = g_mime_encoding_step(&st, s, n, tmp);
	got += g_mime_encoding_flush(&st, s + n, 0, tmp + got);
	rc = buf_append(out, tmp, got);
	free(tmp);
	return rc ? rc : buf_append(out, "", 0);
}

/* Header and footer text, the line ending to write, and where edits start (for rollback). */
struct deco {
	const struct decorate_settings *s;
	const struct hdr_list *h;
	const char *qid;
	struct buf header, footer;
	bool crlf;
	struct ctinfo ct;
};

static int put_header(struct hdr_edits *e, const char *name, const char *value)
{
	struct buf f;
	int rc;

	buf_init(&f, DECO_CAP);
	rc = pyhdr_fold(name, value, &f);
	rc = rc ? rc : hdr_edits_push(e, HDR_ADD, name, 0, buf_cstr(&f), true);
	buf_free(&f);
	return rc;
}

/* Python's quote() for a parameter value: backslash and double quote escaped. */
static int quoted(struct buf *b, const char *name, const char *v)
{
	int rc = buf_printf(b, "; %s=\"", name);

	for (; *v && rc == LM_OK; v++) {
		if (*v == '\\' || *v == '"')
			rc = buf_putc(b, '\\');
		rc = rc ? rc : buf_putc(b, *v);
	}
	return rc ? rc : buf_putc(b, '"');
}

static int text_edits(const struct deco *d, const char *cs, const char *cte, struct hdr_edits *e)
{
	bool params = d->ct.format[0] || d->ct.delsp[0];
	struct buf ct;
	int rc;

	buf_init(&ct, DECO_CAP);
	rc = hdr_edits_replace(e, d->h, "Content-Transfer-Encoding", NULL, true);
	rc = rc ? rc : hdr_edits_replace(e, d->h, "Content-Type", NULL, true);
	if (rc == LM_OK && hdr_list_count(d->h, "MIME-Version") == 0)
		rc = put_header(e, "MIME-Version", "1.0");
	rc = rc ? rc : buf_puts(&ct, "text/plain");
	rc = rc ? rc : quoted(&ct, "charset", cs);
	if (rc == LM_OK && d->ct.format[0])
		rc = quoted(&ct, "Format", d->ct.format);
	if (rc == LM_OK && d->ct.delsp[0])
		rc = quoted(&ct, "DelSp", d->ct.delsp);
	/* set_param() re-adds Content-Type, so with parameters it lands after the CTE */
	if (rc == LM_OK && !params)
		rc = put_header(e, "Content-Type", buf_cstr(&ct));
	rc = rc ? rc : put_header(e, "Content-Transfer-Encoding", cte);
	if (rc == LM_OK && params)
		rc = put_header(e, "Content-Type", buf_cstr(&ct));
	buf_free(&ct);
	return rc;
}

/* Encode text (bytes in cs) as set_payload(text, cs) does; *cte names the result. */
static int body_encode(const char *cs, const char *text, size_t n, struct buf *out,
                       const char **cte)
{
	switch (body_encoding(cs)) {
	case BE_B64:
		*cte = "base64";
		return b64_body(text, n, out);
	case BE_QP:
		*cte = "quoted-printable";
		return qp_body(text, n, out);
	default:
		*cte = pyhdr_is_ascii(text, n) || strncmp(output_charset(cs), "iso-2022-", 9) == 0
		               ? "7bit"
		               : "8bit";
		return buf_append(out, text, n) ? LM_ETOOBIG : buf_append(out, "", 0);
	}
}

/* header + payload + footer as UTF-8, then back to the list or message charset. */
static int inline_compose(const struct deco *d, const char *mcset, const struct buf *payload,
                          struct buf *enc, const char **newcs)
{
	const char *lcset = d->s->charset && *d->s->charset ? d->s->charset : "us-ascii";
	struct buf u;
	int rc;

	buf_init(&u, DECO_CAP);
	rc = buf_append(&u, d->header.data, d->header.len);
	if (rc == LM_OK && strcmp(mcset, "us-ascii") == 0 &&
	    !pyhdr_is_ascii(payload->data, payload->len))
		rc = LM_EPARSE;
	else if (rc == LM_OK)
		rc = pyhdr_convert(payload->data ? payload->data : "", payload->len, mcset, "utf-8",
		                   false, &u);
	/* endsep: a payload not ending in a newline (or empty) gets one before the footer */
	if (rc == LM_OK && d->footer.len &&
	    (payload->len == 0 || payload->data[payload->len - 1] != '\n'))
		rc = buf_putc(&u, '\n');
	rc = rc ? rc : buf_append(&u, d->footer.data, d->footer.len);
	*newcs = lcset;
	if (rc == LM_OK && pyhdr_convert(u.data ? u.data : "", u.len, "utf-8", lcset, false, enc)) {
		buf_reset(enc);
		*newcs = mcset;
		rc = strcasecmp(lcset, mcset) == 0 ? LM_EPARSE
		                                   : pyhdr_convert(u.data ? u.data : "", u.len,
		                                                   "utf-8", mcset, false, enc);
	}
	buf_free(&u);
	return rc == LM_EINVAL ? LM_EPARSE : rc;
}

/* Non-multipart text/plain: decode, concatenate, re-encode. LM_EPARSE means "wrap instead". */
static int inline_text(const struct deco *d, const char *body, size_t len, struct buf *out,
                       struct hdr_edits *e)
{
	const char *mcset = d->ct.charset[0] ? d->ct.charset : "us-ascii";
	const char *cte = NULL, *newcs = NULL;
	struct buf lf, payload, enc, coded;
	int rc;

	buf_init(&lf, DECO_CAP);
	buf_init(&payload, DECO_CAP);
	buf_init(&enc, DECO_CAP);
	buf_init(&coded, DECO_CAP);
	rc = lf_only(body, len, &lf);
	rc = rc ? rc
	        : decode_cte(hdr_list_get(d->h, "Content-Transfer-Encoding", 0), lf.data, lf.len,
	                     &payload);
	rc = rc ? rc : inline_compose(d, mcset, &payload, &enc, &newcs);
	rc = rc ? rc : body_encode(newcs, enc.data ? enc.data : "", enc.len, &coded, &cte);
	rc = rc ? rc : put_eol(coded.data ? coded.data : "", coded.len, d->crlf, out);
	rc = rc ? rc : text_edits(d, output_charset(newcs), cte, e);
	buf_free(&lf);
	buf_free(&payload);
	buf_free(&enc);
	buf_free(&coded);
	return rc;
}

/* MIMEText(text, 'plain', cs) + Content-Disposition: inline, as the Generator writes it. */
static int mime_text(const struct deco *d, const struct buf *text, struct buf *out)
{
	const char *cs = d->s->charset && *d->s->charset ? d->s->charset : "us-ascii";
	const char *cte = NULL;
	struct buf enc, coded, part;
	int rc;

	buf_init(&enc, DECO_CAP);
	buf_init(&coded, DECO_CAP);
	buf_init(&part, DECO_CAP);
	rc = pyhdr_convert(text->data, text->len, "utf-8", cs, false, &enc);
	if (rc == LM_EINVAL) { /* not representable in the list charset: UTF-8 */
		cs = "utf-8";
		buf_reset(&enc);
		rc = buf_append(&enc, text->data, text->len);
	}
	rc = rc ? rc : body_encode(cs, enc.data ? enc.data : "", enc.len, &coded, &cte);
	rc = rc ? rc
	        : buf_printf(&part,
	                     "Content-Type: text/plain; charset=\"%s\"\nMIME-Version: 1.0\n"
	                     "Content-Transfer-Encoding: %s\nContent-Disposition: inline\n\n",
	                     output_charset(cs), cte);
	rc = rc ? rc : buf_append(&part, coded.data, coded.len);
	rc = rc ? rc : put_eol(part.data, part.len, d->crlf, out);
	buf_free(&enc);
	buf_free(&coded);
	buf_free(&part);
	return rc;
}

static int eol(const struct deco *d, struct buf *out)
{
	return buf_puts(out, d->crlf ? "\r\n" : "\n");
}

/* Find the next delimiter line "--boundary[--][ \t]*EOL" at or after from; *close tells
 * which kind. Returns the offset of the line, or len when there is none. */
static size_t find_delim(const char *b, size_t len, size_t from, const char *boundary, bool *close)
{
	size_t bl = strlen(boundary);

	for (size_t i = from; i < len;) {
		if ((i == 0 || b[i - 1] == '\n') && len - i >= bl + 2 && b[i] == '-' &&
		    b[i + 1] == '-' && memcmp(b + i + 2, boundary, bl) == 0) {
			size_t j = i + 2 + bl;
			bool c = len - j >= 2 && b[j] == '-' && b[j + 1] == '-';
			j += c ? 2 : 0;
			while (j < len && (b[j] == ' ' || b[j] == '\t'))
				j++;
			if (j == len || b[j] == '\n' || b[j] == '\r') {
				*close = c;
				return i;
			}
		}
		const char *nl = memchr(b + i, '\n', len - i);
		i = nl ? (size_t)(nl - b) + 1 : len;
	}
	return len;
}

/* multipart/mixed: the header becomes the first part, the footer the last. */
static int mixed(const struct deco *d, const char *body, size_t len, struct buf *out)
{
	const char *bd = d->ct.boundary;
	bool close = false;
	size_t first = find_delim(body, len, 0, bd, &close), end;
	int rc = LM_OK;

	if (first == len || close)
		return LM_EPARSE; /* no parts Python would see: wrap instead */
	end = first;
	do
		end = find_delim(body, len, end + 1, bd, &close);
	while (end < len && !close);
	rc = buf_append(out, body, first);
	if (rc == LM_OK && d->header.len) {
		rc = buf_printf(out, "--%s", bd);
		rc = rc ? rc : eol(d, out);
		rc = rc ? rc : mime_text(d, &d->header, out);
		rc = rc ? rc : eol(d, out);
	}
	rc = rc ? rc : buf_append(out, body + first, end - first);
	if (rc == LM_OK && end == len && len && body[len - 1] != '\n')
		rc = eol(d, out);
	if (rc == LM_OK && d->footer.len) {
		rc = buf_printf(out, "--%s", bd);
		rc = rc ? rc : eol(d, out);
		rc = rc ? rc : mime_text(d, &d->footer, out);
		rc = rc ? rc : eol(d, out);
	}
	if (rc == LM_OK && end == len) {
		rc = buf_printf(out, "--%s--", bd);
		rc = rc ? rc : eol(d, out);
	}
	return rc ? rc : buf_append(out, body + end, len - end);
}

/* Python's _make_boundary(): 15 '=', 19 random digits, "=="; made unique within the body. */
static int new_boundary(const struct deco *d, const char *body, size_t len, struct buf *bd)
{
	bool close;
	int rc = LM_OK;

	if (d->s->boundary && *d->s->boundary) {
		rc = buf_puts(bd, d->s->boundary);
	} else {
		uint64_t r = ((uint64_t)g_random_int() << 32 | g_random_int()) % INT64_MAX;
		rc = buf_printf(bd, "===============%019llu==", (unsigned long long)r);
	}
	for (unsigned k = 0; rc == LM_OK && find_delim(body, len, 0, buf_cstr(bd), &close) < len;
	     k++) {
		size_t base = strcspn(buf_cstr(bd), ".");
		buf_truncate(bd, bd->len - base);
		rc = buf_printf(bd, ".%u", k);
	}
	return rc;
}

/* The inner part keeps the original Content-* headers and the body, byte for byte. */
static int inner_part(const struct deco *d, const char *body, size_t len, struct buf *out)
{
	struct buf f;
	bool any = false;
	int rc = LM_OK;

	buf_init(&f, DECO_CAP);
	for (size_t i = 0; d->h && i < d->h->n && rc == LM_OK; i++) {
		const char *v = d->h->v[i].value ? d->h->v[i].value : "";
		if (strncasecmp(d->h->v[i].name, "content-", 8) != 0)
			continue;
		any = true;
		buf_reset(&f);
		/* Mailman's Generator writes sub-part headers unfolded (children_maxheaderlen 0),
		 * so the original folding is kept */
		rc = buf_printf(&f, "%s: ", d->h->v[i].name);
		rc = rc ? rc : lf_only(v + strspn(v, " \t"), strlen(v + strspn(v, " \t")), &f);
		rc = rc ? rc : buf_putc(&f, '\n');
		rc = rc ? rc : put_eol(f.data, f.len, d->crlf, out);
	}
	if (rc == LM_OK && !any)
		rc = buf_puts(out, "Content-Type: text/plain");
	if (rc == LM_OK && !any)
		rc = eol(d, out);
	rc = rc ? rc : eol(d, out);
	rc = rc ? rc : buf_append(out, body, len);
	buf_free(&f);
	return rc;
}

/* For a multipart original, Python keeps the text after its close delimiter as the epilogue
 * (one leading line break dropped) and writes it after both the inner and the outer close
 * delimiter. Returns where the inner body's close delimiter line ends, or len. */
static size_t epilogue_at(const struct deco *d, const char *body, size_t len, size_t *ep)
{
	bool close = false;
	size_t at, end;

	*ep = len;
	if (strncmp(d->ct.type, "multipart/", 10) != 0 || d->ct.boundary[0] == '\0')
		return len;
	at = find_delim(body, len, 0, d->ct.boundary, &close);
	while (at < len && !close)
		at = find_delim(body, len, at + 1, d->ct.boundary, &close);
	if (at == len)
		return len;
	end = at;
	while (end < len && body[end] != '\n')
		end++;
	end += end < len;
	*ep = end;
	if (*ep < len && body[*ep] == '\r' && *ep + 1 < len && body[*ep + 1] == '\n')
		*ep += 2;
	else if (*ep < len && (body[*ep] == '\n' || body[*ep] == '\r'))
		*ep += 1;
	return end;
}

static int wrap_edits(const struct deco *d, const char *bd, struct hdr_edits *e)
{
	struct buf ct;
	int rc = LM_OK;

	buf_init(&ct, DECO_CAP);
	if (hdr_list_count(d->h, "MIME-Version") == 0)
		rc = put_header(e, "MIME-Version", "1.0");
	rc = rc ? rc : hdr_edits_replace(e, d->h, "Content-Type", NULL, true);
	rc = rc ? rc : hdr_edits_replace(e, d->h, "Content-Transfer-Encoding", NULL, true);
	rc = rc ? rc : hdr_edits_replace(e, d->h, "Content-Disposition", NULL, true);
	rc = rc ? rc : buf_printf(&ct, "multipart/mixed; boundary=\"%s\"", bd);
	rc = rc ? rc : put_header(e, "Content-Type", buf_cstr(&ct));
	buf_free(&ct);
	return rc;
}

/* Anything else: multipart/mixed = [header], the original as inner part, [footer]. */
static int wrap(const struct deco *d, const char *body, size_t len, struct buf *out,
                struct hdr_edits *e)
{
	struct buf bd;
	size_t cut, ep;
	int rc;

	buf_init(&bd, 1024);
	rc = new_boundary(d, body, len, &bd);
	rc = rc ? rc : buf_printf(out, "--%s", buf_cstr(&bd));
	rc = rc ? rc : eol(d, out);
	if (rc == LM_OK && d->header.len) {
		rc = mime_text(d, &d->header, out);
		rc = rc ? rc : eol(d, out);
		rc = rc ? rc : buf_printf(out, "--%s", buf_cstr(&bd));
		rc = rc ? rc : eol(d, out);
	}
	cut = epilogue_at(d, body, len, &ep);
	rc = rc ? rc : inner_part(d, body, cut, out);
	rc = rc ? rc : buf_append(out, body + ep, len - ep);
	if (rc == LM_OK && d->footer.len) {
		rc = eol(d, out);
		rc = rc ? rc : buf_printf(out, "--%s", buf_cstr(&bd));
		rc = rc ? rc : eol(d, out);
		rc = rc ? rc : mime_text(d, &d->footer, out);
	}
	rc = rc ? rc : eol(d, out);
	rc = rc ? rc : buf_printf(out, "--%s--", buf_cstr(&bd));
	rc = rc ? rc : eol(d, out);
	if (rc == LM_OK && cut < len) {
		/* the epilogue again; smtplib ends the data with a line break */
		rc = buf_append(out, body + ep, len - ep);
		if (rc == LM_OK && ep < len && body[len - 1] != '\n')
			rc = eol(d, out);
	}
	rc = rc ? rc : wrap_edits(d, buf_cstr(&bd), e);
	buf_free(&bd);
	return rc;
}

static void rollback(struct buf *out, size_t mark, struct hdr_edits *e, size_t emark)
{
	buf_truncate(out, out->len - mark);
	hdr_edits_truncate(e, emark);
}

static bool body_crlf(const char *body, size_t len)
{
	const char *nl = memchr(body, '\n', len);

	/* no line at all to copy from: CRLF, the form smfi_replacebody wants */
	return nl == NULL || (nl > body && nl[-1] == '\r');
}

int decorate_body(const struct decorate_settings *s, const struct hdr_list *h, const char *body,
                  size_t len, const char *qid, struct buf *out, struct hdr_edits *e)
{
	struct deco d = {.s = s, .h = h, .qid = qid};
	size_t mark = out->len, emark = e->n;
	int rc = LM_EPARSE;

	buf_init(&d.header, DECO_CAP);
	buf_init(&d.footer, DECO_CAP);
	body = body ? body : "";
	d.crlf = body_crlf(body, len);
	parse_ct(hdr_list_get(h, "Content-Type", 0), &d.ct);
	if (decorate_template(s, s->msg_header, "header", qid, &d.header) ||
	    decorate_template(s, s->msg_footer, "footer", qid, &d.footer)) {
		rc = LM_ENOMEM;
	} else if (d.header.len == 0 && d.footer.len == 0) {
		rc = LM_ENOENT;
	} else {
		if (strcmp(d.ct.type, "text/plain") == 0)
			rc = inline_text(&d, body, len, out, e);
		else if (strcmp(d.ct.type, "multipart/mixed") == 0 && d.ct.boundary[0])
			rc = mixed(&d, body, len, out);
		if (rc == LM_EPARSE) {
			rollback(out, mark, e, emark);
			rc = wrap(&d, body, len, out, e);
		}
	}
	if (rc && rc != LM_ENOENT) {
		rollback(out, mark, e, emark);
		log_err(qid, "decorate: %s", lm_strerror(rc));
	}
	buf_free(&d.header);
	buf_free(&d.footer);
	return rc;
}
