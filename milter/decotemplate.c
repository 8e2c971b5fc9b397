/*
 * decotemplate.c: Mailman's decorate(): %(key)s interpolation over a whitelist (SafeDict),
 * with Python's %-format errors reproduced as "use the template literally".
 */
#include <ctype.h>
#include <string.h>

#include "decorate.h"
#include "lists.h"
#include "lmerr.h"
#include "log.h"

#define TMPL_CAP ((size_t)1024 * 1024)

int decorate_settings_from_list(const struct list *l, struct decorate_settings *s)
{
	const char *v;

	memset(s, 0, sizeof(*s));
	s->msg_header = (v = list_get(l, "msg_header")) ? v : "";
	s->msg_footer = (v = list_get(l, "msg_footer")) ? v : "";
	s->real_name = (v = list_get(l, "real_name")) ? v : "";
	s->list_name = list_name(l);
	s->host_name = (v = list_get(l, "host_name")) ? v : "";
	s->web_page_url = (v = list_get(l, "web_page_url")) ? v : "";
	s->description = (v = list_get(l, "description")) ? v : "";
	s->info = (v = list_get(l, "info")) ? v : "";
	s->cgiext = "";
	s->charset = "us-ascii";
	return LM_OK;
}

static const char *lookup(const struct decorate_settings *s, const char *k, size_t n)
{
	const struct {
		const char *key;
		const char *val;
	} t[] = {{"real_name", s->real_name},
	         {"list_name", s->list_name},
	         {"_internal_name", s->list_name},
	         {"host_name", s->host_name},
	         {"web_page_url", s->web_page_url},
	         {"description", s->description},
	         {"info", s->info},
	         {"cgiext", s->cgiext}};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strlen(t[i].key) == n && memcmp(t[i].key, k, n) == 0)
			return t[i].val ? t[i].val : "";
	return NULL;
}

/* One %(key)<spec> conversion at p (after the '%'); LM_EPARSE for what Python rejects. */
static int conversion(const struct decorate_settings *s, const char **pp, struct buf *out)
{
	const char *p = *pp, *key, *val;
	size_t klen, width = 0, prec = (size_t)-1, vlen;
	bool left = false;
	int rc = LM_OK;

	if (*p != '(')
		return LM_EPARSE; /* "%s" with a mapping would print the whole dict: refused */
	key = ++p;
	for (int depth = 1; *p && (depth > 1 || *p != ')'); p++)
		depth += *p == '(' ? 1 : 0;
	if (*p != ')')
		return LM_EPARSE;
	klen = (size_t)(p++ - key);
	for (; *p && strchr("-+ #0", *p); p++)
		left = left || *p == '-';
	for (; isdigit((unsigned char)*p) && width < 10000; p++)
		width = width * 10 + (size_t)(*p - '0');
	if (*p == '.')
		for (prec = 0, p++; isdigit((unsigned char)*p) && prec < 10000; p++)
			prec = prec * 10 + (size_t)(*p - '0');
	while (*p && strchr("hlL", *p))
		p++;
	if (*p != 's' && *p != 'r')
		return LM_EPARSE; /* a string value with %d: TypeError; a bad letter: ValueError */
	val = lookup(s, key, klen);
	if (val == NULL) {
		/* SafeDict answers an unknown key with "%(key)s" itself */
		struct buf lit;
		buf_init(&lit, TMPL_CAP);
		rc = buf_printf(&lit, "%%(%.*s)s", (int)klen, key);
		if (rc == LM_OK && *p == 's')
			val = buf_cstr(&lit);
		vlen = val ? strlen(val) : 0;
		if (rc == LM_OK && val == NULL)
			rc = LM_EPARSE;
		if (prec < vlen)
			vlen = prec;
		for (size_t i = vlen; rc == LM_OK && !left && i < width; i++)
			rc = buf_putc(out, ' ');
		rc = rc ? rc : buf_append(out, val, vlen);
		for (size_t i = vlen; rc == LM_OK && left && i < width; i++)
			rc = buf_putc(out, ' ');
		buf_free(&lit);
		*pp = p + 1;
		return rc;
	}
	if (*p == 'r')
		return LM_EPARSE;
	vlen = strlen(val) < prec ? strlen(val) : prec;
	for (size_t i = vlen; rc == LM_OK && !left && i < width; i++)
		rc = buf_putc(out, ' ');
	rc = rc ? rc : buf_append(out, val, vlen);
	for (size_t i = vlen; rc == LM_OK && left && i < width; i++)
		rc = buf_putc(out, ' ');
	*pp = p + 1;
	return rc;
}

static int interpolate(const struct decorate_settings *s, const char *t, struct buf *out)
{
	int rc = LM_OK;

	for (const char *p = t; *p && rc == LM_OK;) {
		if (*p != '%') {
			rc = buf_putc(out, *p++);
		} else if (p[1] == '%') {
			rc = buf_putc(out, '%');
			p += 2;
		} else {
			p++;
			rc = conversion(s, &p, out);
		}
	}
	return rc ? rc : buf_append(out, "", 0);
}

/* CRLF -> LF, then re.sub(r'(?m)(?<!^--) +(?=\n)', '', text). */
static int tidy(const struct buf *in, struct buf *out)
{
	const char *t = in->data ? in->data : "";
	size_t n = in->len;
	int rc = LM_OK;

	for (size_t i = 0; i < n && rc == LM_OK;) {
		size_t j = i;
		if (t[i] == '\r' && i + 1 < n && t[i + 1] == '\n') {
			i++;
			continue;
		}
		if (t[i] != ' ') {
			rc = buf_putc(out, t[i++]);
			continue;
		}
		while (j < n && t[j] == ' ')
			j++;
		if (j < n && (t[j] == '\n' || (t[j] == '\r' && j + 1 < n && t[j + 1] == '\n'))) {
			/* keep one blank of a "-- " signature separator */
			bool sig = out->len >= 2 &&
			           memcmp(out->data + out->len - 2, "--", 2) == 0 &&
			           (out->len == 2 || out->data[out->len - 3] == '\n');
			if (sig)
				rc = buf_putc(out, ' ');
		} else {
			rc = buf_append(out, t + i, j - i);
		}
		i = j;
	}
	return rc ? rc : buf_append(out, "", 0);
}

static bool blank(const char *t)
{
	for (; *t; t++)
		if (!strchr(" \t\n\r\f\v", *t))
			return false;
	return true;
}

int decorate_template(const struct decorate_settings *s, const char *tmpl, const char *what,
                      const char *qid, struct buf *out)
{
	struct buf raw, txt;
	int rc;

	if (tmpl == NULL || blank(tmpl))
		return LM_OK;
	buf_init(&raw, TMPL_CAP);
	buf_init(&txt, TMPL_CAP);
	rc = interpolate(s, tmpl, &raw);
	if (rc == LM_OK)
		rc = tidy(&raw, &txt);
	if (rc == LM_EPARSE) {
		log_err(qid,
		        "decorate: bad %% syntax in msg_%s of list %s: template used literally",
		        what, s->list_name ? s->list_name : "?");
		buf_reset(&txt);
		rc = buf_puts(&txt, tmpl);
	}
	if (rc == LM_OK && (txt.len == 0 || txt.data[txt.len - 1] != '\n'))
		rc = buf_putc(&txt, '\n');
	rc = rc ? rc : buf_append(out, txt.data, txt.len);
	buf_free(&raw);
	buf_free(&txt);
	return rc;
}
