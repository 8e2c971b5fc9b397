/*
 * subjkey.c: pipermail's subject normalisation (HyperArch strip_subject and the subject
 * index key), shared by threading at append time and by the exporter's subject.html.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "lmerr.h"
#include "subjkey.h"

static bool is_pyspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static const char *skip_space(const char *s)
{
	while (is_pyspace((unsigned char)*s))
		s++;
	return s;
}

/* "[digits]" at s: the end of it, or NULL. */
static const char *skip_bracket_num(const char *s)
{
	const char *p = s;

	if (*p++ != '[' || !isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p))
		p++;
	return *p == ']' ? p + 1 : NULL;
}

/* One `\s*RE\s*(\[\d+\]\s*)?:\s*` at s (display form): its end, or NULL. */
static const char *match_display_re(const char *s)
{
	const char *p = skip_space(s), *q;

	if (strncasecmp(p, "re", 2) != 0)
		return NULL;
	p = skip_space(p + 2);
	if ((q = skip_bracket_num(p)) != NULL)
		p = skip_space(q);
	if (*p != ':')
		return NULL;
	return skip_space(p + 1);
}

const char *subjkey_strip_re(const char *subject)
{
	const char *p;

	while ((p = match_display_re(subject)) != NULL)
		subject = p;
	return subject;
}

/* One `(RE|AW|SV|VS)(\[\d+\])?:\s*` at s (key form): its end, or NULL. */
static const char *match_key_re(const char *s)
{
	static const char *const words[] = {"re", "aw", "sv", "vs"};
	const char *p = NULL, *q;
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]) && p == NULL; i++)
		if (strncasecmp(s, words[i], 2) == 0)
			p = s + 2;
	if (p == NULL)
		return NULL;
	if ((q = skip_bracket_num(p)) != NULL)
		p = q;
	if (*p != ':')
		return NULL;
	return skip_space(p + 1);
}

/* %d / %NNd in the prefix matches `\s*\d+\s*`: the length of the placeholder, or 0. */
static size_t placeholder_len(const char *pat)
{
	size_t n = 1;

	if (pat[0] != '%')
		return 0;
	while (isdigit((unsigned char)pat[n]))
		n++;
	return pat[n] == 'd' ? n + 1 : 0;
}

/* Match the (stripped) prefix pattern at s, greedily: the length matched, or 0. */
static size_t prefix_match(const char *s, const char *pat, size_t patlen)
{
	const char *p = s, *end = pat + patlen, *q;
	size_t ph;

	while (pat < end) {
		if ((ph = placeholder_len(pat)) != 0) {
			q = skip_space(p);
			if (!isdigit((unsigned char)*q))
				return 0;
			while (isdigit((unsigned char)*q))
				q++;
			p = skip_space(q);
			pat += ph;
		} else if (*p != '\0' && *p == *pat) {
			p++, pat++;
		} else {
			return 0;
		}
	}
	return (size_t)(p - s);
}

/* The subject with every occurrence of the prefix removed (re.sub(prefix_pat, '', s)). */
static int remove_prefix(const char *s, const char *prefix, struct buf *out)
{
	const char *pat = skip_space(prefix ? prefix : "");
	size_t patlen = strlen(pat), m;
	int rc = LM_OK;

	while (patlen > 0 && is_pyspace((unsigned char)pat[patlen - 1]))
		patlen--;
	while (*s && rc == LM_OK) {
		if (patlen > 0 && (m = prefix_match(s, pat, patlen)) > 0)
			s += m;
		else
			rc = buf_putc(out, *s++);
	}
	if (rc == LM_OK && out->data == NULL)
		rc = buf_puts(out, "");
	return rc;
}

/* Delete whitespace and lower-case (UTF-8 aware when the text is valid UTF-8). */
static int squeeze_lower(const char *s, struct buf *out)
{
	char *low = NULL;
	const char *p;
	int rc = LM_OK;

	if (g_utf8_validate(s, -1, NULL)) {
		if ((low = g_utf8_strdown(s, -1)) == NULL)
			return LM_ENOMEM;
		s = low;
	}
	for (p = s; *p && rc == LM_OK; p++)
		if (!is_pyspace((unsigned char)*p))
			rc = buf_putc(out, low ? *p : tolower((unsigned char)*p));
	if (rc == LM_OK)
		rc = buf_puts(out, "");
	g_free(low);
	return rc;
}

int subjkey_make(const char *subject, const char *prefix, struct buf *out)
{
	struct buf tmp;
	const char *s = subjkey_strip_re(subject ? subject : ""), *p;
	int rc;

	if (*s == '\0')
		s = "No subject";
	buf_init(&tmp, out->cap);
	if ((rc = remove_prefix(s, prefix, &tmp)) == LM_OK) {
		s = skip_space(buf_cstr(&tmp));
		while ((p = match_key_re(s)) != NULL)
			s = p;
		rc = squeeze_lower(s, out);
	}
	buf_free(&tmp);
	return rc;
}
