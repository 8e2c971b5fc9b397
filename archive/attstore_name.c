/*
 * attstore_name.c: the base name and extension of a stored attachment (spec 6.4), made from
 * an untrusted file name so that only [-a-zA-Z0-9_.] without a leading dot can come out.
 */
#include <stdbool.h>
#include <string.h>

#include "attstore.h"
#include "lmerr.h"
#include "mimetypes.h"

static bool name_safe_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

/* posixpath.splitext(): the extension starts at the last dot of the last component, unless
 * that component is only leading dots up to it. */
static size_t name_splitext(const char *p)
{
	const char *sep = strrchr(p, '/'), *dot = strrchr(p, '.'), *q;

	if (!dot || (sep && dot < sep))
		return strlen(p);
	for (q = sep ? sep + 1 : p; q < dot; q++)
		if (*q != '.')
			return (size_t)(dot - p);
	return strlen(p);
}

/* Append the bytes of s[0..n) that are in [-a-zA-Z0-9_.]; stop at max bytes. */
static int name_append_safe(struct buf *out, const char *s, size_t n, size_t max)
{
	size_t i;
	int rc;

	for (i = 0; i < n && out->len < max; i++)
		if (name_safe_char(s[i]) && (rc = buf_putc(out, s[i])) != LM_OK)
			return rc;
	return LM_OK;
}

static int name_base(const char *filename, size_t rootlen, struct buf *base)
{
	size_t i, start = 0;

	/* Last component over '/', '\\' and ':', then no leading dots (Mailman's pre and dre). */
	for (i = 0; i < rootlen; i++)
		if (filename[i] == '/' || filename[i] == '\\' || filename[i] == ':')
			start = i + 1;
	while (start < rootlen && filename[start] == '.')
		start++;
	return name_append_safe(base, filename + start, rootlen - start, ATTSTORE_MAX_BASE);
}

int attstore_name(const char *filename, const char *ctype, bool use_filename, struct buf *base,
                  struct buf *ext)
{
	size_t rootlen = filename ? name_splitext(filename) : 0;
	const char *guess;
	int rc;

	guess = mimetypes_ext(ctype, filename ? filename + rootlen : NULL);
	if (!guess)
		guess = ctype && strcmp(ctype, "message/rfc822") == 0 ? ".txt" : ".bin";
	if ((rc = name_append_safe(ext, guess, strlen(guess), 16)) != LM_OK)
		return rc;
	if (!use_filename || rootlen == 0)
		return buf_puts(base, "attachment");
	return name_base(filename, rootlen, base);
}
