/*
 * txt_unobscure.c: reverse pipermail's "user at host" obscuring in imported .txt bodies.
 * The page renderer links addresses (to listinfo) only when it sees an '@', as pipermail did.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "lmerr.h"
#include "txt_unobscure.h"

/* Words that stand before " at " in prose far more often than as a mailbox name. */
static const char *const prose[] = {
        "a",     "am",     "an",      "are",    "arrive", "be",    "been",   "is",      "it",
        "look",  "looked", "looking", "me",     "meet",   "one",   "online", "out",     "posted",
        "see",   "site",   "that",    "them",   "there",  "this",  "us",     "was",     "we",
        "were",  "you",    "here",    "hosted", "live",   "lives", "up",     "work",    "working",
        "found", "find",   "docs",    "code",   "page",   "him",   "her",    "located",
};

static bool local_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '+' || c == ',' || c == '.';
}

static bool domain_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '+' || c == '.';
}

static bool is_prose(const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(prose) / sizeof(prose[0]); i++)
		if (strlen(prose[i]) == n && strncasecmp(prose[i], w, n) == 0)
			return true;
	return false;
}

/* "example.org" but not "5.30pm" or "home": a dot, then an alphabetic last label of 2+. */
static bool domain_ok(const char *d, size_t n)
{
	size_t i, dot = n;

	while (n && (d[n - 1] == '.' || d[n - 1] == '-'))
		n--; /* sentence punctuation after the address is not part of it */
	for (i = 0; i < n; i++)
		if (d[i] == '.')
			dot = i;
	if (dot >= n || n - dot - 1 < 2)
		return false;
	for (i = dot + 1; i < n; i++)
		if (!isalpha((unsigned char)d[i]))
			return false;
	return true;
}

/* Does " at " at position p (in[p] == ' ') join an obscured address? */
static bool obscured_at(const char *in, size_t len, size_t p)
{
	size_t l = p, r = p + 4;

	while (l > 0 && local_char((unsigned char)in[l - 1]))
		l--;
	while (r < len && domain_char((unsigned char)in[r]))
		r++;
	return l < p && r > p + 4 && !is_prose(in + l, p - l) && domain_ok(in + p + 4, r - p - 4);
}

int txt_unobscure(const char *in, size_t len, struct buf *out)
{
	size_t i, start = 0;
	int rc;

	for (i = 0; i + 4 <= len; i++) {
		if (memcmp(in + i, " at ", 4) != 0 || !obscured_at(in, len, i))
			continue;
		if ((rc = buf_append(out, in + start, i - start)) != LM_OK ||
		    (rc = buf_putc(out, '@')) != LM_OK)
			return rc;
		start = i + 4;
		i += 3;
	}
	return buf_append(out, in + start, len - start);
}
