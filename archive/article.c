/*
 * article.c: building an archive article from a parsed post and its scrub result, as
 * pipermail's Article does: author/email (parseaddr, strip_separators), subject, date (spec 4).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gmime/gmime.h>

#include "archive.h"
#include "lmerr.h"
#include "txt_unobscure.h"
#include "scrub.h"

#define SANE_SKEW (15 * 86400) /* ARCHIVER_ALLOWABLE_SANE_DATE_SKEW */

/* A header's raw value: leading blanks dropped, CRs removed, folding kept as "\n" + blank. */
static char *raw_header(GMimeMessage *msg, const char *name)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	GMimeHeader *h = hl ? g_mime_header_list_get_header(hl, name) : NULL;
	const char *v = h ? g_mime_header_get_raw_value(h) : NULL;
	char *out, *o;
	size_t n;

	if (v == NULL)
		v = "";
	while (*v == ' ' || *v == '\t')
		v++;
	if ((out = malloc(strlen(v) + 1)) == NULL)
		return NULL;
	for (o = out; *v; v++)
		if (*v != '\r')
			*o++ = *v;
	n = (size_t)(o - out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' ' || out[n - 1] == '\t'))
		n--;
	out[n] = '\0';
	return out;
}

/* Unfolded copy: line breaks removed (the blank after them kept). */
static char *unfold(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (; *s; s++)
		if (*s != '\n' && *s != '\r')
			*o++ = *s;
	*o = '\0';
	return out;
}

/* Text that is not UTF-8 is taken as ISO-8859-1 (pipermail's fallback for us-ascii lists). */
static char *to_utf8(char *s)
{
	char *out;

	if (s == NULL || g_utf8_validate(s, -1, NULL))
		return s;
	out = g_convert(s, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
	g_free(s);
	return out;
}

/* The end of the encoded word at s (after its "?="), or NULL: Python's ecre,
 * =?charset?q|b?text?= followed by a blank or the end of the line. */
static const char *encoded_word(const char *s, const char *eol)
{
	const char *p;

	if (eol - s < 8 || s[0] != '=' || s[1] != '?')
		return NULL;
	for (p = s + 2; p < eol && *p != '?'; p++)
		;
	if (eol - p < 5 || !strchr("qQbB", p[1]) || p[2] != '?')
		return NULL;
	for (p += 3; p + 1 < eol; p++)
		if (p[0] == '?' && p[1] == '=' && (p + 2 == eol || p[2] == ' ' || p[2] == '\t'))
			return p + 2;
	return NULL;
}

/* Append a piece; *plain says whether the last piece was plain text. Python's make_header()
 * puts one space between plain and encoded pieces; GMime drops the blanks between encoded
 * words, so one space before each encoded word after the first is right either way. Plain
 * after plain: decode_header() joins the parts of one line with a space (join), whole lines
 * without encoded words with nothing. */
static char *put_piece(char *o, const char *out, const char *p, size_t n, bool enc, bool join,
                       bool *plain)
{
	if (o > out && (enc || !*plain || join))
		*o++ = ' ';
	memcpy(o, p, n);
	*plain = !enc;
	return o + n;
}

/* One line that holds encoded words, as decode_header() splits it: plain parts stripped. */
static char *words_line(char *o, const char *out, const char *s, const char *eol, bool *plain)
{
	const char *t = s, *w, *e = NULL;

	while (t < eol) {
		for (w = t; w < eol && (e = encoded_word(w, eol)) == NULL; w++)
			;
		const char *a = t, *z = w;

		while (a < z && strchr(" \t", *a))
			a++;
		while (z > a && strchr(" \t", z[-1]))
			z--;
		if (z > a)
			o = put_piece(o, out, a, (size_t)(z - a), false, true, plain);
		if (w >= eol)
			break;
		o = put_piece(o, out, w, (size_t)(e - w), true, false, plain);
		t = e;
	}
	return o;
}

/* Python's decode_header()+make_header() on a value with encoded words, rewritten so that
 * GMime's decoder gives the same text: lines without encoded words are kept whole (blanks
 * included), plain parts of lines with encoded words are stripped, and plain and encoded
 * pieces are joined by one space. So "[List]\n\t=?..?=" reads "[List] ...", not a tab. */
static char *unfold_words(const char *s)
{
	char *out = malloc(2 * strlen(s) + 2), *o = out;
	bool plain = false, has;
	const char *eol, *p;

	if (out == NULL)
		return NULL;
	for (; *s; s = *eol ? eol + 1 : eol) {
		eol = s + strcspn(s, "\r\n");
		for (has = false, p = s; p < eol && !has; p++)
			has = encoded_word(p, eol) != NULL;
		if (has)
			o = words_line(o, out, s, eol, &plain);
		else if (eol > s)
			o = put_piece(o, out, s, (size_t)(eol - s), false, false, &plain);
		if (*eol == '\r' && eol[1] == '\n')
			eol++;
	}
	*o = '\0';
	return out;
}

/* RFC 2047 decoding of unfolded header text; the result is UTF-8 (malloc'ed). */
static char *decode_text(const char *raw)
{
	char *u = strstr(raw, "=?") ? unfold_words(raw) : unfold(raw), *d, *out;

	if (u == NULL)
		return NULL;
	d = to_utf8(g_mime_utils_header_decode_text(NULL, u));
	free(u);
	if (d == NULL)
		return NULL;
	out = strdup(d);
	g_free(d);
	return out;
}

/* strip_separators: one pair of "<([" ... ">)]" around the whole value. */
static void strip_separators(char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && strchr("\"<([", s[0]) && strchr("\">)]", s[n - 1])) {
		memmove(s, s + 1, n - 2);
		s[n - 2] = '\0';
	}
}

static char *trimmed(const char *s, size_t n)
{
	char *out;

	while (n > 0 && strchr(" \t\n", *s))
		s++, n--;
	while (n > 0 && strchr(" \t\n", s[n - 1]))
		n--;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* The end of a quoted string starting at s (on the closing quote, or at the NUL). */
static const char *skip_quoted(const char *s)
{
	for (s++; *s && *s != '"'; s++)
		if (*s == '\\' && s[1])
			s++;
	return s;
}

/* The end of a (nested) comment starting at s; the first one is remembered in *first. */
static const char *skip_comment(const char *s, const char **first)
{
	int depth = 0;

	if (first)
		*first = s;
	for (; *s; s++) {
		if (*s == '\\' && s[1])
			s++;
		else if (*s == '(')
			depth++;
		else if (*s == ')' && --depth == 0)
			return s;
	}
	return s;
}

/* Unquote a "..." display name in place (backslash escapes removed). */
static void unquote(char *s)
{
	size_t n = strlen(s), i, o = 0;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return;
	for (i = 1; i + 1 < n; i++) {
		if (s[i] == '\\' && i + 2 < n)
			i++;
		s[o++] = s[i];
	}
	s[o] = '\0';
}

/* email.Utils.parseaddr for the usual forms: Name <addr>, addr (Name), addr. */
static int parseaddr(const char *v, char **name, char **addr)
{
	const char *p, *lt = NULL, *gt, *paren = NULL, *end;

	for (p = v; *p && *p != ','; p++) {
		if (*p == '"')
			p = skip_quoted(p);
		else if (*p == '<' && lt == NULL)
			lt = p;
		else if (*p == '(')
			p = skip_comment(p, paren == NULL ? &paren : NULL);
		if (*p == '\0')
			break;
	}
	end = p;
	if (lt != NULL) {
		gt = strchr(lt, '>');
		*name = trimmed(v, (size_t)(lt - v));
		*addr = trimmed(lt + 1, gt ? (size_t)(gt - lt - 1) : strlen(lt + 1));
		if (*name)
			unquote(*name);
	} else if (paren != NULL) {
		const char *close = strrchr(paren, ')');
		*addr = trimmed(v, (size_t)(paren - v));
		*name = trimmed(paren + 1, close && close > paren ? (size_t)(close - paren - 1)
		                                                  : strlen(paren + 1));
	} else {
		*addr = trimmed(v, (size_t)(end - v));
		*name = strdup("");
	}
	if (*name == NULL || *addr == NULL)
		return LM_ENOMEM;
	strip_separators(*name);
	strip_separators(*addr);
	return LM_OK;
}

/* parseaddr() of a header of msg (unfolded); both strings "" when it is missing. */
static int header_addr(GMimeMessage *msg, const char *name, char **dname, char **addr)
{
	char *raw = raw_header(msg, name), *u = raw ? unfold(raw) : NULL;
	int rc = u ? parseaddr(u, dname, addr) : LM_ENOMEM;

	free(raw);
	free(u);
	return rc;
}

/* Name and address after parseaddr/strip_separators: email, author_raw and author. */
static int take_author(struct article *a, char *name, char *addr)
{
	char *dec;
	int rc;

	free(a->email);
	a->email = addr;
	rc = article_set(&a->author_raw, *name ? name : addr, strlen(*name ? name : addr));
	if (rc == LM_OK && (dec = decode_text(a->author_raw)) == NULL)
		rc = LM_ENOMEM;
	if (rc == LM_OK) {
		free(a->author);
		a->author = dec;
	}
	free(name);
	return rc;
}

static int set_author(GMimeMessage *msg, struct article *a)
{
	char *name = NULL, *addr = NULL, *n2 = NULL, *a2 = NULL;

	if (header_addr(msg, "From", &name, &addr) != LM_OK)
		goto fail;
	/* no address in From: the address (only) of Reply-To */
	if (*addr == '\0') {
		if (header_addr(msg, "Reply-To", &n2, &a2) != LM_OK)
			goto fail;
		free(n2);
		free(addr);
		addr = a2;
	}
	return take_author(a, name, addr);
fail:
	free(name), free(addr), free(n2), free(a2);
	return LM_ENOMEM;
}

static bool date_ok(int64_t t, time_t now)
{
	return t >= 0 && t <= (int64_t)now + SANE_SKEW;
}

static bool parse_date(const char *s, int64_t *out)
{
	GDateTime *dt;

	if (s == NULL || *s == '\0' || (dt = g_mime_utils_header_decode_date(s)) == NULL)
		return false;
	*out = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return true;
}

/* The date of a From_ line: "From addr  Mon Feb  4 12:34:56 2019" (asctime, UTC). */
static bool from_line_date(const char *line, int64_t *out)
{
	const char *p = line ? strchr(line, ' ') : NULL;
	struct tm tm;
	char *end;

	for (; p && *p; p = strchr(p + 1, ' ')) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(p + 1, "%a %b %d %H:%M:%S %Y", &tm);
		if (end != NULL && (*end == '\0' || *end == ' ' || *end == '\n')) {
			*out = (int64_t)timegm(&tm);
			return true;
		}
	}
	return false;
}

/* The first valid date of spec 4.4's candidates; received is the last resort. */
static int64_t pick_date(GMimeMessage *msg, const char *from_line, time_t received)
{
	static const char *const hdrs[] = {"Date", "X-List-Received-Date", "Received"};
	time_t now = time(NULL);
	int64_t t;
	size_t i;

	for (i = 0; i < 3; i++) {
		char *v = raw_header(msg, hdrs[i]), *u = v ? unfold(v) : NULL, *s = u;
		if (s && i == 2)
			s = strrchr(s, ';') ? strrchr(s, ';') + 1 : NULL;
		bool ok = s && parse_date(s, &t) && date_ok(t, now);
		free(v);
		free(u);
		if (ok)
			return t;
	}
	if (from_line_date(from_line, &t) && date_ok(t, now))
		return t;
	return (int64_t)received;
}

/* datestr: raw Date, else X-List-Received-Date, else formatdate(date) in UTC, "-0000". */
static int set_datestr(GMimeMessage *msg, struct article *a)
{
	static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	char *v = raw_header(msg, "Date"), buf[64];
	time_t t = (time_t)a->date;
	struct tm tm;

	if (v && *v == '\0') {
		free(v);
		v = raw_header(msg, "X-List-Received-Date");
	}
	if (v == NULL)
		return LM_ENOMEM;
	if (*v == '\0' && gmtime_r(&t, &tm) != NULL) {
		snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d -0000", wd[tm.tm_wday],
		         tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		         tm.tm_sec);
		free(v);
		v = strdup(buf);
	}
	if (v == NULL)
		return LM_ENOMEM;
	free(a->datestr);
	a->datestr = v;
	return LM_OK;
}

/* Take over a malloc'ed raw header value into a field. */
static int take(char **field, char *v)
{
	if (v == NULL)
		return LM_ENOMEM;
	free(*field);
	*field = v;
	return LM_OK;
}

static int set_body_and_id(GMimeMessage *msg, const struct scrub_result *sr, struct article *a)
{
	int rc = LM_OK;

	if (sr && sr->message_id && *sr->message_id) {
		rc = article_set(&a->msgid, sr->message_id, strlen(sr->message_id));
		a->msgid_generated = sr->generated_msgid;
	} else {
		rc = take(&a->msgid, raw_header(msg, "Message-ID"));
	}
	/* no Message-ID at all: only the content can tell a retry */
	if (rc == LM_OK && a->msgid[0] == '\0')
		a->msgid_generated = true;
	if (rc == LM_OK && sr && sr->text.len) {
		rc = article_set(&a->body, sr->text.data, sr->text.len);
		a->body_len = sr->text.len;
	}
	return rc;
}

int archive_article_from_message(GMimeMessage *msg, const struct scrub_result *sr,
                                 const char *from_line, time_t received, struct article *out)
{
	struct article a;
	int rc;

	if ((rc = article_init(&a)) != LM_OK)
		return rc;
	a.date = pick_date(msg, from_line, received);
	if ((rc = set_author(msg, &a)) || (rc = set_datestr(msg, &a)) ||
	    (rc = take(&a.subject_raw, raw_header(msg, "Subject"))) ||
	    (rc = take(&a.subject, decode_text(a.subject_raw))) ||
	    (rc = take(&a.in_reply_to, raw_header(msg, "In-Reply-To"))) ||
	    (rc = take(&a.references, raw_header(msg, "References"))) ||
	    (rc = set_body_and_id(msg, sr, &a))) {
		article_clear(&a);
		return rc;
	}
	*out = a;
	return LM_OK;
}

/* "user at host" -> "user@host" (pipermail's obscured address, for the email field). */
static void deobscure(char *s)
{
	char *at = strstr(s, " at ");

	if (at != NULL && strchr(s, '@') == NULL) {
		*at = '@';
		memmove(at + 1, at + 4, strlen(at + 4) + 1);
	}
}

/* One header of a .txt message into its field (folding kept as "\n" + blank). */
static int txt_field(struct article *a, const char *name, size_t nlen, const char *v, size_t len)
{
	static const struct {
		const char *name;
		size_t off;
	} map[] = {
	        {"From", offsetof(struct article, author_raw)},
	        {"Date", offsetof(struct article, datestr)},
	        {"Subject", offsetof(struct article, subject_raw)},
	        {"In-Reply-To", offsetof(struct article, in_reply_to)},
	        {"References", offsetof(struct article, references)},
	        {"Message-ID", offsetof(struct article, msgid)},
	};
	size_t i;

	while (len > 0 && (*v == ' ' || *v == '\t'))
		v++, len--;
	while (len > 0 && (v[len - 1] == '\n' || v[len - 1] == '\r'))
		len--;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].name) == nlen && strncasecmp(name, map[i].name, nlen) == 0)
			return article_set((char **)((char *)a + map[i].off), v, len);
	return LM_OK;
}

/* Header lines up to the blank line; returns the body start. */
static int txt_headers(struct article *a, const char *p, const char *end, const char **body,
                       bool *has_from)
{
	const char *line, *colon, *vend;
	int rc;

	*has_from = false;
	while (p < end && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n')) {
		line = p;
		/* the value runs on over continuation lines */
		for (vend = memchr(p, '\n', (size_t)(end - p));
		     vend && vend + 1 < end && (vend[1] == ' ' || vend[1] == '\t');
		     vend = memchr(vend + 1, '\n', (size_t)(end - vend - 1)))
			;
		p = vend ? vend + 1 : end;
		if ((colon = memchr(line, ':', (size_t)(p - line))) == NULL)
			continue;
		*has_from |= colon - line == 4 && strncasecmp(line, "From", 4) == 0;
		if ((rc = txt_field(a, line, (size_t)(colon - line), colon + 1,
		                    (size_t)(p - colon - 1))) != LM_OK)
			return rc;
	}
	*body = p < end ? p + (*p == '\r' ? 2 : 1) : end;
	return LM_OK;
}

/* "user at host (Name)": email de-obscured; a name equal to the address is no name. */
static int txt_author(struct article *a)
{
	char *u = unfold(a->author_raw), *name = NULL, *addr = NULL, *dec;
	int rc = LM_ENOMEM;

	if (u == NULL || parseaddr(u, &name, &addr) != LM_OK)
		goto fail;
	if (strcmp(name, addr) == 0)
		*name = '\0';
	deobscure(addr);
	free(a->email);
	a->email = addr;
	addr = NULL;
	if ((rc = article_set(&a->author_raw, *name ? name : a->email,
	                      strlen(*name ? name : a->email))) != LM_OK)
		goto fail;
	rc = (dec = decode_text(a->author_raw)) ? LM_OK : LM_ENOMEM;
	if (dec)
		free(a->author), a->author = dec;
fail:
	free(u), free(name), free(addr);
	return rc;
}

/* The body as UTF-8 (pipermail wrote the list charset; Latin-1 is the fallback), with the
 * addresses pipermail obscured made addresses again so pages link them as pipermail did. */
static int txt_body(struct article *a, const char *body, size_t len)
{
	char *conv = NULL;
	struct buf plain;
	int rc = LM_ENOMEM;

	buf_init(&plain, len + len / 8 + 1);
	if (!g_utf8_validate(body, (gssize)len, NULL) &&
	    (conv = g_convert(body, (gssize)len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL)) == NULL)
		goto out;
	if (conv) {
		body = conv;
		len = strlen(conv);
	}
	if ((rc = txt_unobscure(body, len, &plain)) == LM_OK)
		rc = article_set(&a->body, buf_cstr(&plain), plain.len);
out:
	g_free(conv);
	buf_free(&plain);
	a->body_len = rc == LM_OK ? strlen(a->body) : 0;
	return rc;
}

int archive_article_from_txt(const char *data, size_t len, const char *from_line, time_t received,
                             struct article *out)
{
	const char *body;
	struct article a;
	bool has_from;
	int64_t t;
	int rc;

	if ((rc = article_init(&a)) != LM_OK)
		return rc;
	if ((rc = txt_headers(&a, data, data + len, &body, &has_from)) == LM_OK && !has_from)
		rc = LM_EPARSE;
	if (rc == LM_OK && (rc = txt_author(&a)) == LM_OK)
		rc = take(&a.subject, decode_text(a.subject_raw));
	if (rc == LM_OK)
		rc = txt_body(&a, body, (size_t)(data + len - body));
	if (rc != LM_OK) {
		article_clear(&a);
		return rc;
	}
	if (parse_date(a.datestr, &t) && t >= 0)
		a.date = t;
	else
		a.date = from_line_date(from_line, &t) ? t : (int64_t)received;
	*out = a;
	return LM_OK;
}
